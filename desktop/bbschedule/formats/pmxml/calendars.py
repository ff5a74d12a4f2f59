"""P6 XML calendars: StandardWorkWeek and HolidayOrExceptions, read and written.

P6 writes a working period's finish as its last minute ('11:59:00' for work until noon); core keeps the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from bbschedule.core.calendar import Calendar, CalendarException, DayIntervals, WorkInterval
from bbschedule.core.errors import InputFileError, ValidationError
from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.formats.xml_safety import Reader, line_of, parse_time

if TYPE_CHECKING:
    from lxml import etree

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _intervals(r: Reader, parent: etree._Element) -> DayIntervals:
    out: list[WorkInterval] = []
    for wt in r.children(parent, "WorkTime"):
        start = parse_time(r.text(wt, "Start"))
        finish = parse_time(r.text(wt, "Finish"))
        if start is None or finish is None:
            continue
        # P6's last-minute convention: 11:59 means until 12:00, 23:59 until midnight.
        if (finish + 1) % 15 == 0:
            finish += 1
        if finish == 0:
            finish = 1440
        if finish > start:
            out.append(WorkInterval(start, finish))
    out.sort(key=lambda i: i.start)
    merged: list[WorkInterval] = []
    for interval in out:
        if merged and interval.start <= merged[-1].end:
            merged[-1] = WorkInterval(merged[-1].start, max(merged[-1].end, interval.end))
        else:
            merged.append(interval)
    return tuple(merged)


def read_calendar(r: Reader, el: etree._Element, *, path: str, report: FidelityReport) -> tuple[str, Calendar, str]:
    """(ObjectId, Calendar, BaseCalendarObjectId or '') of one <Calendar>."""
    object_id = r.text(el, "ObjectId")
    if object_id is None:
        raise InputFileError(path, "a calendar has no ObjectId", line=line_of(el), field="Calendar/ObjectId")
    name = r.text(el, "Name") or f"Calendar {object_id}"
    week: list[DayIntervals] = [(), (), (), (), (), (), ()]
    holder = r.child(el, "StandardWorkWeek")
    for day in r.children(holder, "StandardWorkHours") if holder is not None else ():
        day_name = (r.text(day, "DayOfWeek") or "").capitalize()
        if day_name in DAY_NAMES:
            week[DAY_NAMES.index(day_name)] = _intervals(r, day)
    exceptions: list[CalendarException] = []
    holder = r.child(el, "HolidayOrExceptions")
    for exc in r.children(holder, "HolidayOrException") if holder is not None else ():
        date = r.date(exc, "Date")
        if date is None:
            report.add(Severity.DROPPED, "calendar.exception_undated", "an exception without a date", name)
            continue
        exceptions.append(CalendarException(date.date(), date.date(), _intervals(r, exc)))
    try:
        calendar = Calendar(
            name=name,
            week=tuple(week),
            exceptions=tuple(exceptions),
            hours_per_day=r.number(el, "HoursPerDay", 8.0) or 8.0,
            hours_per_week=r.number(el, "HoursPerWeek", 40.0) or 40.0,
            hours_per_month=r.number(el, "HoursPerMonth", 172.0) or 172.0,
            hours_per_year=r.number(el, "HoursPerYear", 2000.0) or 2000.0,
            is_default=r.text(el, "IsDefault") == "1",
            source_id=object_id,
        )
    except ValidationError as exc:
        raise InputFileError(path, exc.message, line=line_of(el), field=exc.field) from None
    return object_id, calendar, r.text(el, "BaseCalendarObjectId") or ""


def _time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


class CalendarWriter:
    """Writes <Calendar> elements with P6's last-minute finish convention."""

    def __init__(self, sub: Callable[[etree._Element, str, str | None], etree._Element]) -> None:
        self._sub = sub

    def write(
        self,
        parent: etree._Element,
        calendar: Calendar,
        *,
        object_id: int,
        base_id: int | None,
        kind: str,
        project_id: int | None,
        is_default: bool,
    ) -> None:
        el = self._sub(parent, "Calendar", None)
        if base_id is not None:
            self._sub(el, "BaseCalendarObjectId", str(base_id))
        self._sub(el, "HoursPerDay", _num(calendar.hours_per_day))
        self._sub(el, "HoursPerMonth", _num(calendar.hours_per_month))
        self._sub(el, "HoursPerWeek", _num(calendar.hours_per_week))
        self._sub(el, "HoursPerYear", _num(calendar.hours_per_year))
        self._sub(el, "IsDefault", "1" if is_default else "0")
        self._sub(el, "IsPersonal", "0")
        self._sub(el, "Name", calendar.name)
        self._sub(el, "ObjectId", str(object_id))
        if project_id is not None:
            self._sub(el, "ProjectObjectId", str(project_id))
        self._sub(el, "Type", kind)
        week = self._sub(el, "StandardWorkWeek", None)
        # P6 lists the week from Sunday.
        for index in (6, 0, 1, 2, 3, 4, 5):
            hours = self._sub(week, "StandardWorkHours", None)
            self._sub(hours, "DayOfWeek", DAY_NAMES[index])
            self._work_times(hours, calendar.week[index])
        holder = self._sub(el, "HolidayOrExceptions", None)
        for exc in calendar.exceptions:
            day = exc.start
            while day <= exc.finish:
                item = self._sub(holder, "HolidayOrException", None)
                self._sub(item, "Date", dt.datetime.combine(day, dt.time()).strftime("%Y-%m-%dT%H:%M:%S"))
                self._work_times(item, exc.intervals)
                day += dt.timedelta(days=1)

    def _work_times(self, parent: etree._Element, intervals: DayIntervals) -> None:
        for interval in intervals:
            wt = self._sub(parent, "WorkTime", None)
            self._sub(wt, "Start", _time(interval.start))
            self._sub(wt, "Finish", _time(interval.end - 1))


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"
