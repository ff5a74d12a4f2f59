"""MSPDI calendars: base and derived calendars, WeekDays, exceptions (2007+ and legacy), work weeks.

Derived calendars are flattened (the base's week fills the days they do not override, the base's
exceptions come first) because a core calendar carries its whole week.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bbschedule.core.calendar import Calendar, CalendarException, DayIntervals, WorkInterval
from bbschedule.core.errors import InputFileError, ValidationError
from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.formats.mspdi import recurrence
from bbschedule.formats.xml_safety import Reader, line_of, parse_time

if TYPE_CHECKING:
    from lxml import etree

DEFAULT_DAY: DayIntervals = (WorkInterval(480, 720), WorkInterval(780, 1020))
_WORK_WEEK_CAP_DAYS = 366 * 10


@dataclass
class _Raw:
    uid: str
    name: str
    base_uid: str | None
    days: dict[int, DayIntervals] = field(default_factory=dict)
    """Monday-first weekday index -> intervals, only for the days the file defines."""
    exceptions: list[CalendarException] = field(default_factory=list)


def read_intervals(r: Reader, parent: etree._Element, where: str) -> DayIntervals:
    out: list[WorkInterval] = []
    holder = r.child(parent, "WorkingTimes")
    if holder is None:
        return ()
    for wt in r.children(holder, "WorkingTime"):
        start = parse_time(r.text(wt, "FromTime"))
        end = parse_time(r.text(wt, "ToTime"))
        if start is None or end is None:
            continue
        if end == 0 or end <= start:
            end = 1440 if end == 0 else end
        if end > start:
            out.append(WorkInterval(start, end))
    out.sort(key=lambda i: i.start)
    merged: list[WorkInterval] = []
    for interval in out:
        if merged and interval.start <= merged[-1].end:
            merged[-1] = WorkInterval(merged[-1].start, max(merged[-1].end, interval.end))
        else:
            merged.append(interval)
    del where
    return tuple(merged)


def _day_intervals(r: Reader, day: etree._Element, where: str) -> DayIntervals:
    if r.text(day, "DayWorking") != "1":
        return ()
    return read_intervals(r, day, where) or DEFAULT_DAY


def read_calendars(
    r: Reader, root: etree._Element, *, path: str, report: FidelityReport, hours: dict[str, float]
) -> dict[str, Calendar]:
    """Calendars by UID, flattened, in the file's order."""
    raws: dict[str, _Raw] = {}
    holder = r.child(root, "Calendars")
    for el in r.children(holder, "Calendar") if holder is not None else ():
        uid = r.text(el, "UID")
        if uid is None:
            raise InputFileError(path, "a calendar has no UID", line=line_of(el), field="Calendar/UID")
        name = r.text(el, "Name") or f"Calendar {uid}"
        base = r.text(el, "BaseCalendarUID")
        is_base = r.text(el, "IsBaseCalendar") == "1"
        raw = _Raw(uid, name, None if is_base or base in (None, "-1", "0", uid) else base)
        try:
            _read_week_and_exceptions(r, el, raw, report=report)
        except (ValueError, ValidationError) as exc:
            raise InputFileError(path, f"calendar {name!r}: {exc}", line=line_of(el), field="Calendar") from None
        raws[uid] = raw
    out: dict[str, Calendar] = {}
    for uid in raws:
        _resolve(uid, raws, out, hours=hours, report=report, seen=set())
    return {uid: out[uid] for uid in raws}


def _read_week_and_exceptions(r: Reader, el: etree._Element, raw: _Raw, *, report: FidelityReport) -> None:
    legacy: list[CalendarException] = []
    week_holder = r.child(el, "WeekDays")
    for day in r.children(week_holder, "WeekDay") if week_holder is not None else ():
        day_type = int(r.text(day, "DayType") or -1)
        if 1 <= day_type <= 7:
            # MSPDI counts 1 Sunday … 7 Saturday; core weeks start on Monday.
            raw.days[(day_type + 5) % 7] = _day_intervals(r, day, raw.name)
        elif day_type == 0:
            period = r.child(day, "TimePeriod")
            start = r.date(period, "FromDate") if period is not None else None
            finish = r.date(period, "ToDate") if period is not None else None
            if start is not None and finish is not None:
                legacy.append(CalendarException(start.date(), finish.date(), _day_intervals(r, day, raw.name)))
    modern = r.child(el, "Exceptions")
    work_weeks = r.child(el, "WorkWeeks")
    if work_weeks is not None:
        raw.exceptions.extend(_read_work_weeks(r, work_weeks, raw, report=report))
    if modern is not None and len(modern):
        for exc in r.children(modern, "Exception"):
            raw.exceptions.extend(_read_exception(r, exc, raw, report=report))
    else:
        raw.exceptions.extend(legacy)


def _read_exception(r: Reader, exc: etree._Element, raw: _Raw, *, report: FidelityReport) -> list[CalendarException]:
    period = r.child(exc, "TimePeriod")
    start = r.date(period, "FromDate") if period is not None else None
    finish = r.date(period, "ToDate") if period is not None else None
    if start is None:
        report.add(Severity.DROPPED, "calendar.exception_undated", "an exception without dates", raw.name)
        return []
    name = r.text(exc, "Name") or ""
    intervals = _day_intervals(r, exc, raw.name)
    kind = int(r.text(exc, "Type") or recurrence.DAILY)
    occurrences = int(r.text(exc, "Occurrences") or 0) or None
    if kind == recurrence.DAILY or (kind == recurrence.DAILY_EVERY and int(r.text(exc, "Period") or 1) == 1):
        end = finish.date() if finish is not None else start.date()
        return [CalendarException(start.date(), max(end, start.date()), intervals, name)]
    rec = recurrence.Recurrence(
        type=kind,
        start=start.date(),
        finish=finish.date() if finish is not None else None,
        occurrences=occurrences,
        period=int(r.text(exc, "Period") or 1),
        days_of_week=int(r.text(exc, "DaysOfWeek") or 0),
        month_item=int(r.text(exc, "MonthItem") or 0),
        month_position=int(r.text(exc, "MonthPosition") or 0),
        month=int(r.text(exc, "Month") or 0),
        month_day=int(r.text(exc, "MonthDay") or 1),
    )
    days = recurrence.expand(rec)
    report.add(
        Severity.CONVERTED,
        "calendar.recurring_exception_expanded",
        f"recurring exception {name!r} expanded to {len(days)} dated exceptions",
        raw.name,
    )
    return [CalendarException(day, day, intervals, name) for day in days]


def _read_work_weeks(
    r: Reader, holder: etree._Element, raw: _Raw, *, report: FidelityReport
) -> list[CalendarException]:
    out: list[CalendarException] = []
    for ww in r.children(holder, "WorkWeek"):
        period = r.child(ww, "TimePeriod")
        start = r.date(period, "FromDate") if period is not None else None
        finish = r.date(period, "ToDate") if period is not None else None
        days_el = r.child(ww, "WeekDays")
        if start is None or finish is None or days_el is None:
            continue
        pattern: dict[int, DayIntervals] = {}
        for day in r.children(days_el, "WeekDay"):
            day_type = int(r.text(day, "DayType") or -1)
            if 1 <= day_type <= 7:
                pattern[(day_type + 5) % 7] = _day_intervals(r, day, raw.name)
        last = min(finish.date(), start.date() + dt.timedelta(days=_WORK_WEEK_CAP_DAYS))
        current = start.date()
        count = 0
        while current <= last:
            if current.weekday() in pattern:
                out.append(
                    CalendarException(current, current, pattern[current.weekday()], r.text(ww, "Name") or "work week")
                )
                count += 1
            current += dt.timedelta(days=1)
        report.add(
            Severity.CONVERTED,
            "calendar.work_week_expanded",
            f"work week {r.text(ww, 'Name') or ''!r} ({start.date()} to {finish.date()}) became {count} dated days",
            raw.name,
        )
    return out


def _resolve(
    uid: str,
    raws: dict[str, _Raw],
    out: dict[str, Calendar],
    *,
    hours: dict[str, float],
    report: FidelityReport,
    seen: set[str],
) -> Calendar:
    if uid in out:
        return out[uid]
    raw = raws[uid]
    base: Calendar | None = None
    if raw.base_uid is not None and raw.base_uid in raws and raw.base_uid not in seen:
        base = _resolve(raw.base_uid, raws, out, hours=hours, report=report, seen=seen | {uid})
    elif raw.base_uid is not None:
        report.add(Severity.WARNING, "calendar.base_missing", f"base calendar {raw.base_uid} not found", raw.name)
    week = tuple(
        raw.days[i] if i in raw.days else (base.week[i] if base else (DEFAULT_DAY if i < 5 else ())) for i in range(7)
    )
    exceptions = (*(base.exceptions if base else ()), *raw.exceptions)
    if base is not None:
        report.add(Severity.CONVERTED, "calendar.derived_flattened", f"derived from {base.name!r}", raw.name)
    cal = Calendar(
        name=raw.name,
        week=week,
        exceptions=exceptions,
        hours_per_day=hours["day"],
        hours_per_week=hours["week"],
        hours_per_month=hours["month"],
        base_calendar_id=base.id if base else None,
        source_id=uid,
    )
    out[uid] = cal
    return cal
