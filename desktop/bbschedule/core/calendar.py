"""Working-time calendars as the planner defines them: a work week and dated exceptions.

The scheduling layer compiles these into interval arrays; here they are only described and validated.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from bbschedule.core.errors import ValidationError
from bbschedule.core.ids import new_id

MINUTES_PER_DAY = 24 * 60
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class WorkInterval:
    """Working time within one day, in minutes from midnight; end 1440 means midnight."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValidationError("interval", f"{self.start}-{self.end} is not a range within one day")

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @classmethod
    def hours(cls, start_hour: float, end_hour: float) -> WorkInterval:
        return cls(round(start_hour * 60), round(end_hour * 60))


DayIntervals = tuple[WorkInterval, ...]


def _check_day(name: str, intervals: DayIntervals) -> None:
    for before, after in itertools.pairwise(intervals):
        if after.start < before.end:
            raise ValidationError(name, "working intervals overlap or are not in order")


@dataclass(frozen=True, slots=True)
class CalendarException:
    """Days from `start` to `finish` (inclusive) that work to `intervals` instead of the week; () = non-working."""

    start: dt.date
    finish: dt.date
    intervals: DayIntervals = ()
    name: str = ""

    def __post_init__(self) -> None:
        if self.finish < self.start:
            raise ValidationError("exception.finish", f"{self.finish} is before {self.start}")
        _check_day("exception.intervals", self.intervals)

    @property
    def is_working(self) -> bool:
        return bool(self.intervals)


def standard_week(
    start_hour: float = 8, end_hour: float = 17, lunch: tuple[float, float] | None = (12, 13), days: int = 5
) -> tuple[DayIntervals, ...]:
    """A week of `days` working days (from Monday) with an optional lunch break."""
    if lunch is None:
        day: DayIntervals = (WorkInterval.hours(start_hour, end_hour),)
    else:
        day = (WorkInterval.hours(start_hour, lunch[0]), WorkInterval.hours(lunch[1], end_hour))
    return tuple(day if i < days else () for i in range(7))


@dataclass(frozen=True, slots=True)
class Calendar:
    name: str
    week: tuple[DayIntervals, ...] = field(default_factory=standard_week)
    exceptions: tuple[CalendarException, ...] = ()
    id: str = field(default_factory=new_id)
    hours_per_day: float = 8.0
    hours_per_week: float = 40.0
    hours_per_month: float = 172.0
    hours_per_year: float = 2000.0
    is_default: bool = False
    base_calendar_id: str | None = None
    source_id: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError("calendar.name", "a calendar needs a name")
        if len(self.week) != 7:
            raise ValidationError("calendar.week", f"a week has 7 days, not {len(self.week)}")
        for name, day in zip(WEEKDAY_NAMES, self.week, strict=True):
            _check_day(f"calendar.week.{name}", day)
        if self.hours_per_day <= 0:
            raise ValidationError("calendar.hours_per_day", "must be more than zero")

    @property
    def is_24_hour(self) -> bool:
        full = (WorkInterval(0, MINUTES_PER_DAY),)
        return all(day == full for day in self.week) and not self.exceptions

    def intervals_on(self, day: dt.date) -> DayIntervals:
        """The working intervals of one date, exceptions first (the last matching exception wins)."""
        for exc in reversed(self.exceptions):
            if exc.start <= day <= exc.finish:
                return exc.intervals
        return self.week[day.weekday()]


def twenty_four_hour_calendar(name: str = "24 Hour") -> Calendar:
    full = (WorkInterval(0, MINUTES_PER_DAY),)
    return Calendar(
        name=name, week=(full,) * 7, hours_per_day=24, hours_per_week=168, hours_per_month=720, hours_per_year=8760
    )
