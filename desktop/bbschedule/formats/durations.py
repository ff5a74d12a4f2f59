"""Durations and lags as the files write them, turned into core's integer working minutes (and back).

MSPDI writes durations as ISO 8601 'PT8H0M0S' of working time, lags in tenths of minutes with a format
code (elapsed and percent lags included); P6 writes hours. Anything that is not plain working time is
converted here, and the caller reports the conversion.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bbschedule.core.activity import Activity
from bbschedule.core.calendar import Calendar

_ISO = re.compile(
    r"^(?P<sign>-)?P(?:(?P<y>\d+(?:\.\d+)?)Y)?(?:(?P<mo>\d+(?:\.\d+)?)M)?(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<mi>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
MINUTES_PER_ELAPSED_DAY = 1440
MINUTES_PER_ELAPSED_WEEK = 7 * 1440
_MAX_WALK_DAYS = 366 * 30


def parse_iso_duration(text: str) -> float:
    """'PT8H30M0S' -> 510.0 minutes. Raises ValueError on anything else."""
    match = _ISO.match(text.strip())
    if match is None or text.strip() in ("P", "PT", "-P"):
        raise ValueError(f"{text!r} is not an ISO 8601 duration")
    parts = match.groupdict()
    minutes = (
        float(parts["y"] or 0) * 365 * 1440
        + float(parts["mo"] or 0) * 30 * 1440
        + float(parts["d"] or 0) * 1440
        + float(parts["h"] or 0) * 60
        + float(parts["mi"] or 0)
        + float(parts["s"] or 0) / 60
    )
    return -minutes if parts["sign"] else minutes


def format_iso_duration(minutes: int) -> str:
    """Working minutes -> 'PT8H30M0S', the form MS Project writes."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}PT{hours}H{rest}M0S"


@dataclass(frozen=True, slots=True)
class MspFormat:
    unit: str
    """'m', 'h', 'd', 'w', 'mo', '%' or '' (no unit)."""
    elapsed: bool
    estimated: bool


def _formats() -> dict[int, MspFormat]:
    units = {3: "m", 5: "h", 7: "d", 9: "w", 11: "mo", 19: "%"}
    table: dict[int, MspFormat] = {}
    for code, unit in units.items():
        table[code] = MspFormat(unit, elapsed=False, estimated=False)
        table[code + 1] = MspFormat(unit, elapsed=True, estimated=False)
        # MS Project numbers the estimated ('?') forms 32 above the plain ones.
        table[code + 32] = MspFormat(unit, elapsed=False, estimated=True)
        table[code + 33] = MspFormat(unit, elapsed=True, estimated=True)
    table[21] = MspFormat("", elapsed=False, estimated=False)
    table[53] = MspFormat("", elapsed=False, estimated=True)
    return table


MSP_FORMATS = _formats()
MSP_FORMAT_DAYS = 7
MSP_FORMAT_HOURS = 5


def msp_format(code: int | None) -> MspFormat:
    """The unit of an MSPDI DurationFormat/LagFormat code; unknown codes read as plain days."""
    if code is None:
        return MSP_FORMATS[MSP_FORMAT_DAYS]
    return MSP_FORMATS.get(code, MSP_FORMATS[MSP_FORMAT_DAYS])


@dataclass(frozen=True, slots=True)
class Converted:
    minutes: int
    note: str = ""
    """Why the value is not exactly what the file said ('' when it is)."""


def working_minutes_between(calendar: Calendar, start: dt.datetime, end: dt.datetime) -> int:
    """Working minutes of `calendar` from `start` to `end` (negative when end is before start)."""
    if end < start:
        return -working_minutes_between(calendar, end, start)
    total = 0
    day = start.date()
    last = end.date()
    if (last - day).days > _MAX_WALK_DAYS:
        raise ValueError(f"{start} to {end} is too long a span to count working time over")
    while day <= last:
        midnight = dt.datetime.combine(day, dt.time())
        lo = max(0, int((start - midnight).total_seconds() // 60))
        hi = min(1440, int((end - midnight).total_seconds() // 60))
        for interval in calendar.intervals_on(day):
            overlap = min(hi, interval.end) - max(lo, interval.start)
            if overlap > 0:
                total += overlap
        day += dt.timedelta(days=1)
    return total


def elapsed_to_working(
    elapsed_minutes: float, *, calendar: Calendar | None, anchor: dt.datetime | None, minutes_per_week: float
) -> int:
    """Elapsed (clock) minutes as working minutes: counted on the calendar from `anchor` when both are known,
    else scaled by the share of the week that is working time."""
    if calendar is not None and anchor is not None:
        try:
            if elapsed_minutes >= 0:
                return working_minutes_between(calendar, anchor, anchor + dt.timedelta(minutes=elapsed_minutes))
            return -working_minutes_between(calendar, anchor + dt.timedelta(minutes=elapsed_minutes), anchor)
        except (ValueError, OverflowError):
            pass
    return round(elapsed_minutes * minutes_per_week / MINUTES_PER_ELAPSED_WEEK)


def msp_lag_to_minutes(
    link_lag: int,
    lag_format: int | None,
    *,
    predecessor_duration: int,
    calendar: Calendar | None,
    anchor: dt.datetime | None,
    minutes_per_week: float,
) -> Converted:
    """An MSPDI LinkLag (tenths of minutes; a percentage of the predecessor for percent lags) as working minutes."""
    fmt = msp_format(lag_format)
    if fmt.unit == "%":
        # Percent lags are whole percentages, not tenths (as MPXJ, the reference reader, takes them).
        percent = float(link_lag)
        minutes = round(predecessor_duration * percent / 100.0)
        kind = "elapsed percent" if fmt.elapsed else "percent"
        return Converted(minutes, f"{kind} lag of {percent:g}% became {minutes} working minutes")
    raw = link_lag / 10.0
    if fmt.elapsed:
        minutes = elapsed_to_working(raw, calendar=calendar, anchor=anchor, minutes_per_week=minutes_per_week)
        return Converted(minutes, f"elapsed lag of {raw:g} minutes became {minutes} working minutes")
    minutes = round(raw)
    if minutes != raw:
        return Converted(minutes, f"lag of {raw:g} minutes rounded to {minutes}")
    return Converted(minutes)


def msp_lag_format_for(minutes: int, *, minutes_per_day: int) -> int:
    """The LagFormat to write for a working-minute lag: days when whole days, else hours."""
    if minutes_per_day > 0 and minutes % minutes_per_day == 0:
        return MSP_FORMAT_DAYS
    return MSP_FORMAT_HOURS


def actual_minutes(activity: Activity, *, calendar: Calendar | None, data_date: dt.datetime | None) -> int:
    """An activity's actual duration; counted on its calendar from its actual dates (to the finish, or to the
    data date while in progress) when the model has none, as XER files do not carry it."""
    if activity.actual_duration or activity.actual_start is None:
        return activity.actual_duration
    end = activity.actual_finish or data_date
    if calendar is None or end is None or end <= activity.actual_start:
        return 0
    try:
        return working_minutes_between(calendar, activity.actual_start, end)
    except ValueError:
        return 0


def hours_to_minutes(hours: float) -> int:
    """P6 hours (PMXML durations, lags, floats) to working minutes."""
    return round(hours * 60)


def minutes_to_hours(minutes: int) -> float:
    return round(minutes / 60.0, 4)
