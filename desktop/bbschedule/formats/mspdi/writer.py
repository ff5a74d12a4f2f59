"""Write one ProjectData as MS Project XML (MSPDI) that MS Project and MPXJ read.

Elements follow the order of MS Project's schema (MS Project refuses files that do not). WBS nodes become
summary tasks; what MS Project cannot hold (P6 activity types, secondary constraints …) is reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bbschedule.core.activity import Activity
from bbschedule.core.calendar import Calendar, DayIntervals
from bbschedule.core.enums import ActivityType, DurationType, LagCalendar, RelationshipType
from bbschedule.core.project_data import ProjectData
from bbschedule.formats import constraints, durations
from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.formats.mspdi.custom_fields import CustomFieldWriter
from bbschedule.formats.mspdi.resources import write_assignment, write_resource
from bbschedule.formats.xml_safety import atomic_write

if TYPE_CHECKING:
    from lxml import etree

NS = "http://schemas.microsoft.com/project"
LINK_NUMBERS = {RelationshipType.FF: 0, RelationshipType.FS: 1, RelationshipType.SF: 2, RelationshipType.SS: 3}
TASK_TYPE_NUMBERS = {
    DurationType.FIXED_UNITS_TIME: 0,
    DurationType.FIXED_DURATION_AND_UNITS: 1,
    DurationType.FIXED_DURATION_AND_UNITS_TIME: 1,
    DurationType.FIXED_UNITS: 2,
}
_MAX_BASELINES = 11


def _date(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S")


def _time(minutes: int) -> str:
    return "00:00:00" if minutes >= 1440 else f"{minutes // 60:02d}:{minutes % 60:02d}:00"


class _Writer:
    def __init__(self, data: ProjectData, path: Path) -> None:
        from lxml import etree

        self.etree = etree
        self.data = data
        self.report = FidelityReport(str(path), "mspdi", "export")
        self.cal_uid: dict[str, int] = {}
        self.task_uid: dict[str, int] = {}
        self.wbs_uid: dict[str, int] = {}
        self.res_uid: dict[str, int] = {}
        default = data.default_calendar() if data.calendars else None
        self.minutes_per_day = round((default.hours_per_day if default else 8.0) * 60)
        self.minutes_per_week = round((default.hours_per_week if default else 40.0) * 60)

    def el(self, parent: etree._Element, tag: str, value: object = None) -> etree._Element:
        child = self.etree.SubElement(parent, f"{{{NS}}}{tag}")
        if value is not None:
            if isinstance(value, bool):
                child.text = "1" if value else "0"
            elif isinstance(value, dt.datetime):
                child.text = _date(value)
            elif isinstance(value, float):
                child.text = f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
            else:
                child.text = str(value)
        return child

    def build(self) -> etree._Element:
        data, project = self.data, self.data.project
        nsmap: Any = {None: NS}
        root = self.etree.Element(f"{{{NS}}}Project", nsmap=nsmap)
        self.el(root, "SaveVersion", 14)
        self.el(root, "Name", f"{project.code}.xml")
        self.el(root, "Title", project.name)
        self.el(root, "ScheduleFromStart", 1)
        self.el(root, "StartDate", project.planned_start)
        if project.must_finish_by is not None:
            self.el(root, "FinishDate", project.must_finish_by)
            self.report.add(Severity.CONVERTED, "project.must_finish_by", "written as the project finish date")
        self.el(root, "CurrencyCode", project.currency)
        if project.options.lag_calendar is not LagCalendar.SUCCESSOR:
            self.report.add(
                Severity.CONVERTED,
                "project.lag_calendar",
                f"MS Project counts lags on the successor's calendar, not the {project.options.lag_calendar.value} one",
            )
        if project.options.multiple_float_paths:
            self.report.add(
                Severity.DROPPED,
                "project.float_paths",
                "MS Project has no multiple float paths: the setting is not written",
            )
        self._assign_ids()
        if data.calendars:
            self.el(root, "CalendarUID", self.cal_uid[data.default_calendar().id])
        self.el(root, "MinutesPerDay", self.minutes_per_day)
        self.el(root, "MinutesPerWeek", self.minutes_per_week)
        self.el(root, "DaysPerMonth", 20)
        self.el(root, "DurationFormat", durations.MSP_FORMAT_DAYS)
        self.el(root, "HonorConstraints", 1)
        if project.data_date is not None:
            self.el(root, "StatusDate", project.data_date)
        # The Activity ID, user fields and activity codes have no home in MS Project: custom fields carry them.
        self.custom = CustomFieldWriter(data, self.report)
        self.custom.definitions(root, self.el)
        calendars = self.el(root, "Calendars")
        for calendar in data.calendars.values():
            self._calendar(calendars, calendar)
        tasks = self.el(root, "Tasks")
        self._tasks(tasks)
        resources = self.el(root, "Resources")
        for resource in data.resources.values():
            write_resource(resources, resource, el=self.el, res_uid=self.res_uid, cal_uid=self.cal_uid)
        assignments = self.el(root, "Assignments")
        for uid, assignment in enumerate(data.assignments.values(), start=1):
            write_assignment(assignments, uid, assignment, el=self.el, task_uid=self.task_uid, res_uid=self.res_uid)
        return root

    def _assign_ids(self) -> None:
        data = self.data
        self.cal_uid = _uids((c.id, c.source_id) for c in data.calendars.values())
        both = [(w.id, w.source_id) for w in data.wbs.values()] + [
            (a.id, a.source_id) for a in data.activities.values()
        ]
        uids = _uids(both)
        self.wbs_uid = {w: uids[w] for w in data.wbs}
        self.task_uid = {a: uids[a] for a in data.activities}
        self.res_uid = _uids((r.id, r.source_id) for r in data.resources.values())

    # --- calendars -----------------------------------------------------------------------------------------

    def _calendar(self, parent: etree._Element, calendar: Calendar) -> None:
        el = self.el(parent, "Calendar")
        self.el(el, "UID", self.cal_uid[calendar.id])
        self.el(el, "Name", calendar.name)
        base = calendar.base_calendar_id if calendar.base_calendar_id in self.cal_uid else None
        self.el(el, "IsBaseCalendar", base is None)
        self.el(el, "IsBaselineCalendar", False)
        self.el(el, "BaseCalendarUID", self.cal_uid[base] if base else -1)
        days = self.el(el, "WeekDays")
        for day_type in range(1, 8):
            day = self.el(days, "WeekDay")
            self.el(day, "DayType", day_type)
            self._intervals(day, calendar.week[(day_type + 5) % 7])
        # Legacy (MS Project 2003) exceptions first, then the 2007+ form that newer readers prefer.
        for exc in calendar.exceptions:
            day = self.el(days, "WeekDay")
            self.el(day, "DayType", 0)
            self.el(day, "DayWorking", exc.is_working)
            period = self.el(day, "TimePeriod")
            self.el(period, "FromDate", dt.datetime.combine(exc.start, dt.time()))
            self.el(period, "ToDate", dt.datetime.combine(exc.finish, dt.time(23, 59)))
            if exc.is_working:
                self._working_times(day, exc.intervals)
        if calendar.exceptions:
            holder = self.el(el, "Exceptions")
            for exc in calendar.exceptions:
                item = self.el(holder, "Exception")
                self.el(item, "EnteredByOccurrences", 0)
                period = self.el(item, "TimePeriod")
                self.el(period, "FromDate", dt.datetime.combine(exc.start, dt.time()))
                self.el(period, "ToDate", dt.datetime.combine(exc.finish, dt.time(23, 59)))
                self.el(item, "Occurrences", 1)
                self.el(item, "Name", exc.name or ("Working" if exc.is_working else "Holiday"))
                self.el(item, "Type", 1)
                self.el(item, "DayWorking", exc.is_working)
                if exc.is_working:
                    self._working_times(item, exc.intervals)

    def _intervals(self, day: etree._Element, intervals: DayIntervals) -> None:
        self.el(day, "DayWorking", bool(intervals))
        if intervals:
            self._working_times(day, intervals)

    def _working_times(self, parent: etree._Element, intervals: DayIntervals) -> None:
        holder = self.el(parent, "WorkingTimes")
        for interval in intervals:
            wt = self.el(holder, "WorkingTime")
            self.el(wt, "FromTime", _time(interval.start))
            self.el(wt, "ToTime", _time(interval.end))

    # --- tasks ---------------------------------------------------------------------------------------------

    def _tasks(self, parent: etree._Element) -> None:
        data = self.data
        children: dict[str | None, list[str]] = {}
        for wbs in sorted(data.wbs.values(), key=lambda w: w.sequence):
            parent_id = wbs.parent_id if wbs.parent_id in data.wbs else None
            children.setdefault(parent_id, []).append(wbs.id)
        acts: dict[str | None, list[Activity]] = {}
        for activity in data.activities.values():
            acts.setdefault(activity.wbs_id if activity.wbs_id in data.wbs else None, []).append(activity)
        # A summary task without tasks under it becomes an ordinary task in MS Project: leave empty WBS out.
        filled: set[str] = set()
        for wbs_id in acts:
            while wbs_id is not None and wbs_id not in filled:
                filled.add(wbs_id)
                wbs_id = data.wbs[wbs_id].parent_id if data.wbs[wbs_id].parent_id in data.wbs else None
        empty = len(data.wbs) - len(filled)
        if empty:
            self.report.add(Severity.DROPPED, "wbs.empty", f"{empty} WBS nodes without activities not written")
        children = {key: [w for w in ids if w in filled] for key, ids in children.items()}
        self.row = 0
        self.preds: dict[str, list[tuple[str, RelationshipType, int]]] = {}
        pairs: set[tuple[str, str]] = set()
        for rel in data.relationships.values():
            if (rel.predecessor_id, rel.successor_id) in pairs:
                # MS Project holds one link between two tasks.
                self.report.add(Severity.DROPPED, "relationship.duplicate", "a second link between the same tasks")
                continue
            pairs.add((rel.predecessor_id, rel.successor_id))
            self.preds.setdefault(rel.successor_id, []).append((rel.predecessor_id, rel.type, rel.lag))
        self.baseline_rows = [b.by_activity() for b in list(data.baselines.values())[:_MAX_BASELINES]]
        if len(data.baselines) > _MAX_BASELINES:
            self.report.add(Severity.DROPPED, "baseline.too_many", f"MS Project holds {_MAX_BASELINES} baselines")
        self._outline(parent, None, children, acts, prefix="", level=1)

    def _outline(
        self,
        parent: etree._Element,
        wbs_id: str | None,
        children: dict[str | None, list[str]],
        acts: dict[str | None, list[Activity]],
        *,
        prefix: str,
        level: int,
    ) -> None:
        number = 0
        for activity in acts.get(wbs_id, []):
            number += 1
            self._task(parent, activity, outline=f"{prefix}{number}", level=level)
        for child in children.get(wbs_id, []):
            number += 1
            outline = f"{prefix}{number}"
            wbs = self.data.wbs[child]
            self.row += 1
            el = self.el(parent, "Task")
            self.el(el, "UID", self.wbs_uid[child])
            self.el(el, "ID", self.row)
            self.el(el, "Name", wbs.name)
            self.el(el, "Manual", 0)
            self.el(el, "IsNull", 0)
            self.el(el, "WBS", outline)
            self.el(el, "OutlineNumber", outline)
            self.el(el, "OutlineLevel", level)
            self.el(el, "Summary", 1)
            self._outline(parent, child, children, acts, prefix=f"{outline}.", level=level + 1)

    def _task(self, parent: etree._Element, activity: Activity, *, outline: str, level: int) -> None:
        where = f"activity {activity.code}"
        computed = self.data.computed.get(activity.id)
        start = activity.actual_start or (computed.early_start if computed else None) or activity.planned_start
        start = start or self.data.project.planned_start
        finish = activity.actual_finish or (computed.early_finish if computed else None) or activity.planned_finish
        finish = finish or start
        started = activity.actual_start is not None
        actual = durations.actual_minutes(
            activity, calendar=self.data.calendars.get(activity.calendar_id), data_date=self.data.project.data_date
        )
        duration = actual + activity.remaining if started else activity.original_duration
        if started and duration != activity.original_duration:
            self.report.add(
                Severity.CONVERTED, "duration.progressed", "MS Project's duration is actual + remaining", where
            )
        if activity.type in (ActivityType.LEVEL_OF_EFFORT, ActivityType.WBS_SUMMARY, ActivityType.RESOURCE_DEPENDENT):
            self.report.add(
                Severity.CONVERTED, "activity.type", f"{activity.type.value} became an ordinary task", where
            )
        self.row += 1
        el = self.el(parent, "Task")
        self.el(el, "UID", self.task_uid[activity.id])
        self.el(el, "ID", self.row)
        self.el(el, "Name", activity.name)
        self.el(el, "Active", 1)
        self.el(el, "Manual", 0)
        self.el(el, "Type", TASK_TYPE_NUMBERS[activity.duration_type])
        self.el(el, "IsNull", 0)
        self.el(el, "WBS", outline)
        self.el(el, "OutlineNumber", outline)
        self.el(el, "OutlineLevel", level)
        self.el(el, "Start", start)
        self.el(el, "Finish", finish)
        self.el(el, "Duration", durations.format_iso_duration(duration))
        self.el(el, "DurationFormat", self._format(duration))
        self.el(el, "Milestone", activity.type.is_milestone)
        self.el(el, "Summary", 0)
        if computed is not None:
            self.el(el, "Critical", computed.critical)
            for tag, value in (
                ("EarlyStart", computed.early_start),
                ("EarlyFinish", computed.early_finish),
                ("LateStart", computed.late_start),
                ("LateFinish", computed.late_finish),
            ):
                if value is not None:
                    self.el(el, tag, value)
            if computed.free_float is not None:
                self.el(el, "FreeSlack", computed.free_float * 10)
            if computed.total_float is not None:
                self.el(el, "TotalSlack", computed.total_float * 10)
        self.el(el, "PercentComplete", round(activity.duration_percent_complete))
        if activity.actual_start is not None:
            self.el(el, "ActualStart", activity.actual_start)
        if activity.actual_finish is not None:
            self.el(el, "ActualFinish", activity.actual_finish)
        if started:
            self.el(el, "ActualDuration", durations.format_iso_duration(actual))
        self.el(el, "RemainingDuration", durations.format_iso_duration(activity.remaining))
        self._constraint(el, activity, where)
        if activity.notes:
            self.el(el, "Notes", activity.notes)
        self.el(el, "PhysicalPercentComplete", round(activity.physical_percent_complete))
        for pred_id, kind, lag in self.preds.get(activity.id, []):
            if pred_id not in self.task_uid:
                continue
            link = self.el(el, "PredecessorLink")
            self.el(link, "PredecessorUID", self.task_uid[pred_id])
            self.el(link, "Type", LINK_NUMBERS[kind])
            self.el(link, "CrossProject", 0)
            self.el(link, "LinkLag", lag * 10)
            self.el(link, "LagFormat", durations.msp_lag_format_for(lag, minutes_per_day=self.minutes_per_day))
        self.custom.values(el, self.el, code=activity.code, activity=activity)
        for number, rows in enumerate(self.baseline_rows):
            row = rows.get(activity.id)
            if row is None:
                continue
            bl = self.el(el, "Baseline")
            self.el(bl, "Number", number)
            if row.start is not None:
                self.el(bl, "Start", row.start)
            if row.finish is not None:
                self.el(bl, "Finish", row.finish)
            self.el(bl, "Duration", durations.format_iso_duration(row.duration))
            self.el(bl, "DurationFormat", self._format(row.duration))
            self.el(bl, "Cost", round(row.budgeted_cost * 100))

    def _format(self, minutes: int) -> int:
        return durations.msp_lag_format_for(minutes, minutes_per_day=self.minutes_per_day)

    def _constraint(self, el: etree._Element, activity: Activity, where: str) -> None:
        primary = activity.primary_constraint
        secondary = activity.secondary_constraint
        number, loss = constraints.to_msp(primary.type if primary else None)
        if loss:
            self.report.add(Severity.CONVERTED, "constraint.converted", loss, where)
        self.el(el, "ConstraintType", number)
        calendar_uid = self.cal_uid.get(activity.calendar_id)
        if calendar_uid is not None:
            self.el(el, "CalendarUID", calendar_uid)
        if primary is not None and primary.date is not None:
            self.el(el, "ConstraintDate", primary.date)
        if secondary is not None:
            fate = constraints.msp_secondary(primary.type if primary else None, secondary.type)
            if fate == "deadline" and secondary.date is not None:
                self.el(el, "Deadline", secondary.date)
                self.report.add(Severity.CONVERTED, "constraint.secondary_deadline", "became a deadline", where)
            else:
                self.report.add(
                    Severity.DROPPED,
                    "constraint.secondary",
                    f"secondary constraint {secondary.type.value}: MS Project holds one constraint a task",
                    where,
                )


def _uids(pairs: Iterable[tuple[str, str | None]]) -> dict[str, int]:
    """Keep numeric source ids as UIDs where they are unique; number the rest after the largest."""
    items = list(pairs)
    taken: dict[int, str] = {}
    out: dict[str, int] = {}
    for key, source in items:
        if source is not None and source.isdigit() and int(source) > 0 and int(source) not in taken:
            taken[int(source)] = key
            out[key] = int(source)
    next_uid = max(taken, default=0) + 1
    for key, _source in items:
        if key not in out:
            out[key] = next_uid
            next_uid += 1
    return out


def _report_unwritten(data: ProjectData, report: FidelityReport) -> None:
    """Count what the model holds that this format does not carry, so the report says what stayed behind."""
    acts = list(data.activities.values())
    counts = {
        "quantities and production rates": sum(a.quantity is not None or a.production_rate is not None for a in acts),
        "location ranges": sum(a.location_start is not None or a.location_end is not None for a in acts),
        "expenses": len(data.expenses),
        "expected finish dates": sum(a.expected_finish is not None for a in acts),
        "suspend and resume dates": sum(a.suspend_date is not None for a in acts),
    }
    for what, count in counts.items():
        if count:
            report.add(Severity.DROPPED, "mspdi.not_written", f"{count} {what}")


def write(data: ProjectData, path: Path) -> FidelityReport:
    from lxml import etree

    writer = _Writer(data, path)
    root = writer.build()
    _report_unwritten(data, writer.report)
    payload = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True, pretty_print=True)
    atomic_write(path, payload)
    writer.report.counts = {
        "activities": len(data.activities),
        "relationships": sum(len(v) for v in writer.preds.values()),
        "calendars": len(data.calendars),
        "resources": len(data.resources),
        "assignments": len(data.assignments),
        "wbs": len(data.wbs),
    }
    return writer.report
