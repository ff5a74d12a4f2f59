"""Calendar editing use cases: working intervals as planners type them, and public holidays by country."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re

from bbschedule.core.calendar import Calendar, CalendarException, DayIntervals, WorkInterval
from bbschedule.core.errors import ValidationError

_INTERVAL = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?\s*$")


def parse_intervals(text: str, *, field: str = "intervals") -> DayIntervals:
    """'08:00-12:00, 13:00-17:00' -> intervals; '' or 'off' -> a non-working day; '24h' -> all day."""
    cleaned = text.strip().lower()
    if cleaned in ("", "off", "-", "non-working", "nonworking"):
        return ()
    if cleaned in ("24h", "00:00-24:00"):
        return (WorkInterval(0, 24 * 60),)
    intervals: list[WorkInterval] = []
    for part in cleaned.replace(";", ",").split(","):
        match = _INTERVAL.match(part)
        if match is None:
            raise ValidationError(field, f"{part.strip()!r} is not a time range like 08:00-12:00")
        h1, m1, h2, m2 = match.groups()
        start, end = int(h1) * 60 + int(m1 or 0), int(h2) * 60 + int(m2 or 0)
        if end == 0:
            end = 24 * 60
        intervals.append(WorkInterval(start, end))
    intervals.sort(key=lambda iv: iv.start)
    for before, after in itertools.pairwise(intervals):
        if after.start < before.end:
            raise ValidationError(field, "working periods overlap")
    return tuple(intervals)


def format_intervals(intervals: DayIntervals) -> str:
    if not intervals:
        return "off"
    return ", ".join(
        f"{iv.start // 60:02d}:{iv.start % 60:02d}-{iv.end // 60:02d}:{iv.end % 60:02d}" for iv in intervals
    )


def with_weekday(calendar: Calendar, weekday: int, intervals: DayIntervals) -> Calendar:
    week = list(calendar.week)
    week[weekday] = intervals
    return dataclasses.replace(calendar, week=tuple(week))


def with_exception(calendar: Calendar, exception: CalendarException) -> Calendar:
    kept = tuple(e for e in calendar.exceptions if (e.start, e.finish) != (exception.start, exception.finish))
    return dataclasses.replace(calendar, exceptions=tuple(sorted((*kept, exception), key=lambda e: e.start)))


def without_exception(calendar: Calendar, start: dt.date) -> Calendar:
    return dataclasses.replace(calendar, exceptions=tuple(e for e in calendar.exceptions if e.start != start))


def supported_countries() -> dict[str, str]:
    """Country code -> name, for the holiday picker."""
    import holidays

    names: dict[str, str] = {}
    for code in holidays.list_supported_countries():
        cls = getattr(holidays, code, None)
        names[code] = getattr(cls, "country", code) if cls is not None else code
    return dict(sorted(names.items(), key=lambda kv: str(kv[1])))


def public_holidays(country: str, years: range, *, subdivision: str | None = None) -> list[CalendarException]:
    """The public holidays of a country as non-working exceptions, named as the country names them."""
    import holidays

    try:
        table = holidays.country_holidays(country, subdiv=subdivision, years=list(years))
    except (NotImplementedError, KeyError) as exc:
        raise ValidationError("country", f"no holiday table for {country!r}") from exc
    return [CalendarException(day, day, name=str(name)) for day, name in sorted(table.items())]


def with_holidays(calendar: Calendar, holidays: list[CalendarException]) -> Calendar:
    """Add holidays as non-working days; a day that already has an exception keeps it."""
    taken = {(e.start, e.finish) for e in calendar.exceptions}
    added = tuple(h for h in holidays if (h.start, h.finish) not in taken)
    return dataclasses.replace(calendar, exceptions=tuple(sorted(calendar.exceptions + added, key=lambda e: e.start)))
