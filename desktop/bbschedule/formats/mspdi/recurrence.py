"""MS Project's recurring calendar exceptions (daily, weekly, monthly, yearly) expanded into dates.

Core calendars hold dated exceptions only, so a recurrence becomes the list of days it covers.
"""

from __future__ import annotations

import calendar as stdcal
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

DAILY = 1
YEARLY_ABSOLUTE = 2
YEARLY_RELATIVE = 3
MONTHLY_ABSOLUTE = 4
MONTHLY_RELATIVE = 5
WEEKLY = 6
DAILY_EVERY = 7
_MAX_OCCURRENCES = 10_000
_LAST = 4


@dataclass(frozen=True, slots=True)
class Recurrence:
    type: int
    start: dt.date
    finish: dt.date | None
    occurrences: int | None
    period: int = 1
    days_of_week: int = 0
    """Bit mask: 1 Sunday, 2 Monday … 64 Saturday."""
    month_item: int = 0
    """0 day, 1 weekday, 2 weekend day, 3 Sunday … 9 Saturday."""
    month_position: int = 0
    """0 first … 3 fourth, 4 last."""
    month: int = 0
    """0 January … 11 December."""
    month_day: int = 1


def expand(rec: Recurrence) -> list[dt.date]:
    """The dates a recurrence covers, in order, bounded by its finish date and its number of occurrences."""
    limit = rec.occurrences if rec.occurrences and rec.occurrences > 0 else _MAX_OCCURRENCES
    if rec.finish is None and not rec.occurrences:
        limit = 1
    out: list[dt.date] = []
    for day in _candidates(rec):
        if rec.finish is not None and day > rec.finish:
            break
        if day < rec.start:
            continue
        out.append(day)
        if len(out) >= min(limit, _MAX_OCCURRENCES):
            break
    return out


def _candidates(rec: Recurrence) -> Iterator[dt.date]:
    period = max(1, rec.period)
    start = rec.start
    if rec.type in (DAILY, DAILY_EVERY):
        return _series(lambda k: start + dt.timedelta(days=k * period))
    if rec.type == WEEKLY:
        return _weekly(rec, period)
    if rec.type == MONTHLY_ABSOLUTE:
        return _series(lambda k: _month_day(*_add_months(start.year, start.month, k * period), rec.month_day))
    if rec.type == MONTHLY_RELATIVE:
        return _series(
            lambda k: _nth(*_add_months(start.year, start.month, k * period), rec.month_item, rec.month_position)
        )
    if rec.type == YEARLY_ABSOLUTE:
        return _series(lambda k: _month_day(start.year + k, rec.month + 1, rec.month_day))
    if rec.type == YEARLY_RELATIVE:
        return _series(lambda k: _nth(start.year + k, rec.month + 1, rec.month_item, rec.month_position))
    raise ValueError(f"unknown recurrence type {rec.type}")


def _series(fn: Callable[[int], dt.date]) -> Iterator[dt.date]:
    """fn(0), fn(1), … until the calendar runs out (year 9999) or the cap."""
    for k in range(_MAX_OCCURRENCES * 2):
        try:
            yield fn(k)
        except (ValueError, OverflowError, IndexError):
            return


def _weekly(rec: Recurrence, period: int) -> Iterator[dt.date]:
    # MS Project counts weekly recurrences in weeks that begin on Sunday, whatever the project's week start.
    week_start = rec.start - dt.timedelta(days=(rec.start.weekday() + 1) % 7)
    mask = rec.days_of_week or (1 << ((rec.start.weekday() + 1) % 7))
    for k in range(_MAX_OCCURRENCES):
        try:
            first = week_start + dt.timedelta(weeks=k * period)
        except OverflowError:
            return
        for offset in range(7):
            if mask & (1 << offset):
                yield first + dt.timedelta(days=offset)


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _month_day(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(max(1, day), stdcal.monthrange(year, month)[1]))


def _matches(day: dt.date, item: int) -> bool:
    if item == 0:
        return True
    if item == 1:
        return day.weekday() < 5
    if item == 2:
        return day.weekday() >= 5
    # 3 Sunday … 9 Saturday; Python's weekday() is 0 Monday … 6 Sunday.
    return (day.weekday() + 1) % 7 == item - 3


def _nth(year: int, month: int, item: int, position: int) -> dt.date:
    days = [dt.date(year, month, d) for d in range(1, stdcal.monthrange(year, month)[1] + 1)]
    hits = [d for d in days if _matches(d, item)]
    if position >= _LAST:
        return hits[-1]
    return hits[min(position, len(hits) - 1)]
