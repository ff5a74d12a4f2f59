"""How the window shows and reads durations and dates the way P6 users type them ('5d', '40h', '05-Jan-26').

Qt-free so that it is tested without a window; the model turns a parse error into a refused edit.
"""

from __future__ import annotations

import datetime as dt
import re

from bbschedule.core.calendar import Calendar

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NUMBER = {name.lower(): i + 1 for i, name in enumerate(_MONTHS)}
_DURATION = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)
_UNIT_HOURS = {
    "": "day",
    "d": "day",
    "day": "day",
    "days": "day",
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "hour": "hour",
    "hours": "hour",
    "m": "minute",
    "min": "minute",
    "mins": "minute",
    "w": "week",
    "wk": "week",
    "week": "week",
    "weeks": "week",
}
_DMY = re.compile(r"^(\d{1,2})[-\s/.]([a-z]{3})[a-z]*[-\s/.](\d{2}|\d{4})$", re.IGNORECASE)
_TIME = re.compile(r"^(.*?)[\sT]+(\d{1,2}):(\d{2})$")


def format_date(value: dt.datetime | None, *, actual: bool = False) -> str:
    """P6's default 'dd-Mon-yy'; an actual date carries P6's ' A' mark."""
    if value is None:
        return ""
    text = f"{value.day:02d}-{_MONTHS[value.month - 1]}-{value.year % 100:02d}"
    return text + " A" if actual else text


def format_days(minutes: int | None, hours_per_day: float) -> str:
    """Working minutes as days on the calendar's hours per day: '5d', '2.5d'."""
    if minutes is None:
        return ""
    days = minutes / 60.0 / hours_per_day
    if abs(days - round(days)) < 1e-6:
        return f"{round(days)}d"
    return f"{days:.1f}d".replace(".0d", "d")


def parse_duration(text: str, *, hours_per_day: float, hours_per_week: float | None = None) -> int:
    """Working minutes from '5d', '40h', '90m', '2w' or a bare number of days; ValueError when unreadable."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"{text.strip()!r} is not a duration (type e.g. 5d, 40h or 3)")
    number = float(match.group(1).replace(",", "."))
    unit = _UNIT_HOURS.get(match.group(2).lower())
    if unit is None:
        raise ValueError(f"unknown duration unit {match.group(2)!r} (use d, h, m or w)")
    if number < 0:
        raise ValueError("a duration cannot be negative")
    per_unit = {
        "day": hours_per_day * 60,
        "hour": 60.0,
        "minute": 1.0,
        "week": (hours_per_week if hours_per_week else hours_per_day * 5) * 60,
    }[unit]
    return round(number * per_unit)


def parse_date(text: str) -> dt.date | dt.datetime | None:
    """A date as planners type it: '05-Jan-26', '5 jan 2026', '2026-01-05', each optionally with 'HH:MM'.

    Returns None for empty text (clears the date), a datetime when a time was given, else a date.
    """
    text = text.strip().removesuffix(" A").removesuffix(" a").strip()
    if not text:
        return None
    time: tuple[int, int] | None = None
    timed = _TIME.match(text)
    if timed is not None:
        text, time = timed.group(1).strip(), (int(timed.group(2)), int(timed.group(3)))
    day = _parse_day(text)
    if time is None:
        return day
    try:
        return dt.datetime(day.year, day.month, day.day, time[0], time[1])
    except ValueError:
        raise ValueError(f"{time[0]:02d}:{time[1]:02d} is not a time of day") from None


def _parse_day(text: str) -> dt.date:
    match = _DMY.match(text)
    try:
        if match is not None:
            month = _MONTH_NUMBER.get(match.group(2).lower())
            if month is None:
                raise ValueError
            year = int(match.group(3))
            return dt.date(year + 2000 if year < 100 else year, month, int(match.group(1)))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (type e.g. 05-Jan-26 or 2026-01-05)") from None


def at_work_start(day: dt.date | dt.datetime, calendar: Calendar) -> dt.datetime:
    """A typed date as a start: the first working minute of that day on the calendar (08:00 if none)."""
    if isinstance(day, dt.datetime):
        return day
    intervals = calendar.intervals_on(day)
    minute = intervals[0].start if intervals else 8 * 60
    return dt.datetime(day.year, day.month, day.day) + dt.timedelta(minutes=minute)


def at_work_finish(day: dt.date | dt.datetime, calendar: Calendar) -> dt.datetime:
    """A typed date as a finish: the last working minute of that day on the calendar (17:00 if none)."""
    if isinstance(day, dt.datetime):
        return day
    intervals = calendar.intervals_on(day)
    minute = intervals[-1].end if intervals else 17 * 60
    return dt.datetime(day.year, day.month, day.day) + dt.timedelta(minutes=minute)


def format_float_days(minutes: int | None, hours_per_day: float) -> str:
    """Total float in days, signed: negative float is what a planner looks for first."""
    if minutes is None:
        return ""
    return format_days(minutes, hours_per_day) if minutes >= 0 else "-" + format_days(-minutes, hours_per_day)
