"""Cell values both ways: working hours as text, durations in days, dates, yes/no, and the problem list.

The reader turns every cell it cannot use into a Problem naming 'Sheet!C17' and keeps going, so the planner
sees all of them at once.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bbschedule.core.calendar import MINUTES_PER_DAY, DayIntervals, WorkInterval
from bbschedule.core.errors import InputFileError
from bbschedule.formats.excel.layout import MAX_ERRORS

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_CELL_TEXT = 32767
"""Excel's limit on the characters in one cell."""
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_TEXT_DATES = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%d-%b-%y %H:%M",
    "%d-%b-%Y %H:%M",
    "%d-%b-%y",
    "%d-%b-%Y",
)


@dataclass(frozen=True, slots=True)
class Problem:
    where: str
    """'Activities!D17', or 'Activities' for a sheet-wide problem."""
    message: str


class ExcelInputError(InputFileError):
    """A workbook with problems: all of them (up to a limit), each naming its sheet, row and column."""

    def __init__(self, path: str, problems: list[Problem], total: int) -> None:
        lines = [f"{p.where}: {p.message}" for p in problems]
        if total > len(problems):
            lines.append(f"… and {total - len(problems)} more")
        head = f"{total} problem{'s' if total != 1 else ''} in the workbook; nothing was imported"
        super().__init__(path, head + ":\n  " + "\n  ".join(lines), field=problems[0].where if problems else None)
        self.problems = problems
        self.total = total


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, where: str, message: str) -> None:
        self.total += 1
        if len(self.items) < MAX_ERRORS:
            self.items.append(Problem(where, message))

    def raise_if_any(self, path: str) -> None:
        if self.total:
            raise ExcelInputError(path, self.items, self.total)


def clean_text(value: str) -> tuple[str, bool]:
    """Text Excel accepts: no control characters, at most 32,767 characters; True when it had to change."""
    cleaned = _CONTROL.sub("", value)
    if len(cleaned) > MAX_CELL_TEXT:
        cleaned = cleaned[:MAX_CELL_TEXT]
    return cleaned, cleaned != value


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_intervals(intervals: Iterable[WorkInterval]) -> str:
    """'08:00-12:00, 13:00-17:00'; '' for a non-working day."""
    return ", ".join(f"{_clock(i.start)}-{_clock(i.end)}" for i in intervals)


def parse_intervals(text: str) -> DayIntervals:
    """The inverse of format_intervals; raises ValueError with a message for the planner."""
    if not text.strip():
        return ()
    out: list[WorkInterval] = []
    for part in text.replace(";", ",").split(","):
        match = _INTERVAL.match(part)
        if match is None:
            raise ValueError(f"{part.strip()!r} is not a time range like 08:00-12:00")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if m1 > 59 or m2 > 59 or not 0 <= start < end <= MINUTES_PER_DAY:
            raise ValueError(f"{part.strip()!r} is not a range within one day")
        out.append(WorkInterval(start, end))
    out.sort(key=lambda i: i.start)
    for before, after in itertools.pairwise(out):
        if after.start < before.end:
            raise ValueError("the time ranges overlap")
    return tuple(out)


def minutes_to_days(minutes: int, hours_per_day: float) -> float | int:
    days = minutes / (hours_per_day * 60)
    return int(days) if days.is_integer() else days


def days_to_minutes(days: float, hours_per_day: float) -> int:
    return round(days * hours_per_day * 60)


def as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value).strip()


def as_float(value: object) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", ""))
        except ValueError:
            pass
    raise ValueError(f"{as_text(value)!r} is not a number")


def as_int(value: object) -> int:
    number = as_float(value)
    if not number.is_integer():
        raise ValueError(f"{as_text(value)!r} is not a whole number")
    return int(number)


def as_datetime(value: object) -> dt.datetime:
    """An Excel date, or text in ISO form or P6's '02-Mar-26 08:00'; rounded to the minute."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str):
        text = value.strip()
        for pattern in _TEXT_DATES:
            try:
                moment = dt.datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"{text!r} is not a date (use an Excel date or 2026-03-02 08:00)")
    else:
        raise ValueError(f"{as_text(value)!r} is not a date")
    # Excel keeps times as fractions of a day: round away the float noise.
    return (moment + dt.timedelta(seconds=30)).replace(second=0, microsecond=0)


def as_date(value: object) -> dt.date:
    return as_datetime(value).date()


def as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = as_text(value).lower()
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    raise ValueError(f"{as_text(value)!r} is not Yes or No")
