"""Read MS Project XML (MSPDI) into one ProjectData: summary tasks become WBS nodes, the rest activities.

Source ids are MS Project UIDs. MS Project's own early/late dates and slack go to ProjectData.computed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.baseline import Baseline, BaselineActivity
from bbschedule.core.calendar import Calendar
from bbschedule.core.enums import ActivityType, DurationType, FloatMode, LagCalendar, RelationshipType
from bbschedule.core.errors import InputFileError, ValidationError
from bbschedule.core.project import Project, ScheduleOptions, Wbs
from bbschedule.core.project_data import ProjectData
from bbschedule.formats import durations
from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.formats.mspdi.calendars import read_calendars
from bbschedule.formats.mspdi.custom_fields import CustomFieldReader
from bbschedule.formats.mspdi.resources import read_assignments, read_resources
from bbschedule.formats.mspdi.tasks import read_computed, read_constraints
from bbschedule.formats.registry import ImportResult, ReadOptions
from bbschedule.formats.xml_safety import Reader, gc_paused, line_of, parse

if TYPE_CHECKING:
    from lxml import etree

LINK_TYPES = {0: RelationshipType.FF, 1: RelationshipType.FS, 2: RelationshipType.SF, 3: RelationshipType.SS}
TASK_TYPES = {
    0: DurationType.FIXED_UNITS_TIME,
    1: DurationType.FIXED_DURATION_AND_UNITS,
    2: DurationType.FIXED_UNITS,
}


def read(path: Path, *, options: ReadOptions) -> ImportResult:
    root = parse(path, max_bytes=options.max_bytes, roots=("Project",))
    report = FidelityReport(str(path), "mspdi", "import")
    try:
        with gc_paused():
            data = _MspdiReader(Reader(root, str(path)), root, str(path), report).build()
    except ValidationError as exc:
        raise InputFileError(str(path), exc.message, field=exc.field) from None
    except (ValueError, TypeError, KeyError) as exc:
        raise InputFileError(str(path), f"cannot be read as MS Project XML ({exc})") from None
    report.counts = {
        "activities": len(data.activities),
        "relationships": len(data.relationships),
        "calendars": len(data.calendars),
        "resources": len(data.resources),
        "assignments": len(data.assignments),
        "wbs": len(data.wbs),
        "baselines": len(data.baselines),
    }
    return ImportResult([data], report, "mspdi")


class _MspdiReader:
    def __init__(self, r: Reader, root: etree._Element, path: str, report: FidelityReport) -> None:
        self.r = r
        self.root = root
        self.path = path
        self.report = report
        self.by_uid: dict[str, Activity] = {}
        self.summary_uids: dict[str, str] = {}
        self.external_uids: set[str] = set()
        self.elements: dict[str, etree._Element] = {}

    def fail(self, el: etree._Element, message: str, field: str | None = None) -> InputFileError:
        return InputFileError(self.path, message, line=line_of(el), field=field)

    def build(self) -> ProjectData:
        r, root = self.r, self.root
        minutes_per_day = _int(r.text(root, "MinutesPerDay")) or 480
        minutes_per_week = _int(r.text(root, "MinutesPerWeek")) or 5 * minutes_per_day
        days_per_month = _int(r.text(root, "DaysPerMonth")) or 20
        self.minutes_per_day = minutes_per_day
        self.minutes_per_week = minutes_per_week
        hours = {
            "day": minutes_per_day / 60,
            "week": minutes_per_week / 60,
            "month": days_per_month * minutes_per_day / 60,
        }
        self.calendars = read_calendars(r, root, path=self.path, report=self.report, hours=hours)
        default_uid = r.text(root, "CalendarUID")
        if default_uid in self.calendars:
            self.default_calendar = self.calendars[default_uid]
        elif self.calendars:
            self.default_calendar = next(iter(self.calendars.values()))
        else:
            self.default_calendar = Calendar(name="Standard", source_id=None)
            self.calendars["(default)"] = self.default_calendar
            self.report.add(Severity.CONVERTED, "calendar.default_created", "no calendar: a standard one was made")
        self.custom = CustomFieldReader(self.r, root, self.report)
        self._not_read()
        data = ProjectData(project=self._project())
        data.calendars = {cal.id: cal for cal in self.calendars.values()}
        data.user_fields = {f.id: f for f in self.custom.fields.values()}
        self._tasks(data)
        self._links(data)
        resources = read_resources(
            self.r, root, path=self.path, report=self.report, data=data, calendars=self.calendars
        )
        read_assignments(
            self.r,
            root,
            path=self.path,
            report=self.report,
            data=data,
            resources=resources,
            tasks=self.by_uid,
            summaries=self.summary_uids,
        )
        try:
            data.check_all()
        except ValidationError as exc:
            raise InputFileError(self.path, exc.message, field=exc.field) from None
        return data

    def _project(self) -> Project:
        r, root = self.r, self.root
        name_el = r.text(root, "Name") or Path(self.path).name
        code = Path(name_el).stem.removesuffix(".xml") or Path(self.path).stem
        start = r.date(root, "StartDate")
        if start is None:
            starts = [r.date(t, "Start") for t in self._task_elements()]
            start = min((s for s in starts if s is not None), default=dt.datetime(2000, 1, 1, 8))
            self.report.add(Severity.CONVERTED, "project.start_missing", f"no StartDate: {start} taken")
        status = r.date(root, "StatusDate")
        must_finish: dt.datetime | None = None
        if r.text(root, "ScheduleFromStart") == "0":
            must_finish = r.date(root, "FinishDate")
            self.report.add(
                Severity.CONVERTED,
                "project.schedule_from_finish",
                "scheduled from the finish in MS Project: the finish date became the must-finish-by date",
            )
        try:
            return Project(
                code=code[:40],
                name=r.text(root, "Title") or code,
                planned_start=start,
                data_date=status,
                must_finish_by=must_finish if must_finish and must_finish >= start else None,
                default_calendar_id=self.default_calendar.id,
                currency=r.text(root, "CurrencyCode") or "USD",
                options=self._options(),
                source_id=r.text(root, "GUID"),
            )
        except ValidationError as exc:
            raise self.fail(root, exc.message, exc.field) from None

    def _not_read(self) -> None:
        """Count what MSPDI holds that the model does not, so the report says what was left behind."""
        r, root = self.r, self.root
        task = r.q("Task")
        tags = (
            "Manual",
            "Active",
            "Hyperlink",
            "ExtendedAttribute",
            "OutlineCode",
            "TimephasedData",
            "AvailabilityPeriod",
        )
        seen = dict.fromkeys(tags, 0)
        cut = len(r.prefix)
        # One pass in C over the whole tree: reading the flags task by task would index every task again.
        for e in root.iter(*(r.q(t) for t in tags)):
            name = e.tag[cut:]
            parent_tag = getattr(e.getparent(), "tag", None)
            if name == "Manual":
                seen[name] += e.text == "1" and parent_tag == task
            elif name == "Active":
                seen[name] += e.text == "0" and parent_tag == task
            elif name == "Hyperlink":
                seen[name] += parent_tag == task
            elif name == "ExtendedAttribute":
                seen[name] += parent_tag != r.q("ExtendedAttributes") and not self.custom.known(r.text(e, "FieldID"))
            else:
                seen[name] += 1
        counts = {
            "manually scheduled tasks (read as automatically scheduled)": seen["Manual"],
            "inactive tasks (read as active)": seen["Active"],
            "custom field values": seen["ExtendedAttribute"],
            "outline code values": seen["OutlineCode"],
            "timephased data rows": seen["TimephasedData"],
            "resource availability periods": seen["AvailabilityPeriod"],
            "task hyperlinks": seen["Hyperlink"],
        }
        for what, count in counts.items():
            if count:
                self.report.add(Severity.DROPPED, "mspdi.not_read", f"{count} {what}")

    def _options(self) -> ScheduleOptions:
        """MS Project's scheduling rules in P6's terms: lags on the successor's calendar (the project
        calendar when the task has none, which is what an activity without a task calendar gets here),
        total slack the smaller of start and finish slack, critical at or under CriticalSlackLimit days."""
        limit_days = float(self.r.text(self.root, "CriticalSlackLimit") or 0)
        self.report.add(
            Severity.INFO,
            "project.options",
            "MS Project rules kept as options: lag on the successor's calendar, float the smaller of start and finish",
        )
        return ScheduleOptions(
            float_mode=FloatMode.SMALLEST,
            lag_calendar=LagCalendar.SUCCESSOR,
            critical_float_threshold=round(limit_days * self.minutes_per_day),
        )

    def _task_elements(self) -> list[etree._Element]:
        holder = self.r.child(self.root, "Tasks")
        return list(self.r.children(holder, "Task")) if holder is not None else []

    def calendar_for(self, uid: str | None) -> Calendar:
        if uid is not None and uid in self.calendars:
            return self.calendars[uid]
        return self.default_calendar

    def minutes(self, el: etree._Element, tag: str, *, calendar: Calendar, anchor: dt.datetime | None) -> int | None:
        """A task duration field as working minutes, converting elapsed formats on the task's calendar."""
        text = self.r.text(el, tag)
        if text is None:
            return None
        try:
            raw = durations.parse_iso_duration(text)
        except ValueError:
            raise self.fail(el, f"{text!r} is not a duration", f"Task/{tag}") from None
        fmt = durations.msp_format(_int(self.r.text(el, "DurationFormat")))
        if fmt.elapsed and tag == "Duration":
            value = durations.elapsed_to_working(
                raw, calendar=calendar, anchor=anchor, minutes_per_week=self.minutes_per_week
            )
            self.report.add(
                Severity.CONVERTED,
                "duration.elapsed",
                f"elapsed duration of {raw:g} minutes became {value} working minutes",
                f"Task UID {self.r.text(el, 'UID')}",
            )
            return max(0, value)
        return max(0, round(raw))

    def _tasks(self, data: ProjectData) -> None:
        r = self.r
        stack: list[tuple[int, str]] = []
        codes: set[str] = set()
        baselines: dict[int, list[BaselineActivity]] = {}
        for seq, el in enumerate(self._task_elements()):
            uid = r.text(el, "UID")
            if uid is None:
                raise self.fail(el, "a task has no UID", "Task/UID")
            level = _int(r.text(el, "OutlineLevel"))
            if uid == "0" or level == 0:
                continue
            if r.text(el, "IsNull") == "1":
                self.report.add(Severity.DROPPED, "task.null", "a blank task row", f"Task UID {uid}")
                continue
            if r.text(el, "ExternalTask") == "1":
                # A stand-in for a task of another project; links to it are cross-project links.
                self.external_uids.add(uid)
                self.report.add(Severity.DROPPED, "task.external", "a task of another project", f"Task UID {uid}")
                continue
            level = level or 1
            while stack and stack[-1][0] >= level:
                stack.pop()
            parent = stack[-1][1] if stack else None
            name = r.text(el, "Name")
            if uid in self.by_uid or uid in self.summary_uids:
                raise self.fail(el, f"task UID {uid} appears twice", "Task/UID")
            if r.text(el, "Summary") == "1":
                outline = r.text(el, "WBS") or r.text(el, "OutlineNumber") or uid
                wbs = Wbs(
                    code=outline.rsplit(".", 1)[-1] or uid,
                    name=name or f"Summary {uid}",
                    parent_id=parent,
                    sequence=seq,
                    source_id=uid,
                )
                data.wbs[wbs.id] = wbs
                stack.append((level, wbs.id))
                self.summary_uids[uid] = wbs.id
                continue
            activity = self._activity(el, uid, name, parent, codes)
            data.activities[activity.id] = activity
            self.by_uid[uid] = activity
            self.elements[uid] = el
            computed = read_computed(self.r, el)
            if computed is not None:
                data.computed[activity.id] = computed
            for bl in r.children(el, "Baseline"):
                number = _int(r.text(bl, "Number")) or 0
                duration_text = r.text(bl, "Duration")
                baselines.setdefault(number, []).append(
                    BaselineActivity(
                        activity_id=activity.id,
                        start=r.date(bl, "Start"),
                        finish=r.date(bl, "Finish"),
                        duration=round(durations.parse_iso_duration(duration_text)) if duration_text else 0,
                        budgeted_cost=_float(r.text(bl, "Cost")) / 100,
                    )
                )
        taken = r.date(self.root, "LastSaved") or data.project.planned_start
        for number, rows in sorted(baselines.items()):
            baseline = Baseline(
                name="Baseline" if number == 0 else f"Baseline {number}", taken_at=taken, activities=tuple(rows)
            )
            data.baselines[baseline.id] = baseline

    def _activity(
        self, el: etree._Element, uid: str, name: str | None, wbs_id: str | None, codes: set[str]
    ) -> Activity:
        r = self.r
        where = f"Task UID {uid}"
        calendar = self.calendar_for(r.text(el, "CalendarUID"))
        start = r.date(el, "Start")
        finish = r.date(el, "Finish")
        duration = self.minutes(el, "Duration", calendar=calendar, anchor=start) or 0
        actual_start = r.date(el, "ActualStart")
        actual_finish = r.date(el, "ActualFinish")
        if actual_finish is not None and actual_start is None:
            actual_start = actual_finish
            self.report.add(Severity.CONVERTED, "task.actual_start_missing", "actual start set to actual finish", where)
        milestone = r.text(el, "Milestone") == "1"
        kind = ActivityType.TASK
        if milestone and duration == 0:
            kind = ActivityType.FINISH_MILESTONE
        elif milestone:
            self.report.add(Severity.CONVERTED, "task.milestone_with_duration", "kept as a task", where)
        remaining: int | None = None
        actual = 0
        if actual_start is not None and kind is ActivityType.TASK:
            remaining = 0 if actual_finish else self.minutes(el, "RemainingDuration", calendar=calendar, anchor=None)
            actual = self.minutes(el, "ActualDuration", calendar=calendar, anchor=None) or 0
        activity_id, user_fields = self.custom.of_task(el)
        code = activity_id or r.text(el, "ID") or uid
        if code in codes:
            code = f"{code}-{uid}"
        codes.add(code)
        if not name:
            name = f"Task {uid}"
            self.report.add(Severity.CONVERTED, "task.unnamed", f"a task without a name was called {name!r}", where)
        primary, secondary = read_constraints(r, el, where=where, report=self.report)
        try:
            return Activity(
                code=code,
                name=name,
                calendar_id=calendar.id,
                wbs_id=wbs_id,
                type=kind,
                duration_type=TASK_TYPES.get(_int(r.text(el, "Type")) or 0, DurationType.FIXED_DURATION_AND_UNITS),
                original_duration=0 if kind.is_milestone else duration,
                remaining_duration=remaining,
                actual_duration=actual,
                physical_percent_complete=min(100.0, max(0.0, _float(r.text(el, "PhysicalPercentComplete")))),
                primary_constraint=primary,
                secondary_constraint=secondary,
                actual_start=actual_start,
                actual_finish=actual_finish,
                planned_start=start,
                planned_finish=finish,
                notes=r.text(el, "Notes") or "",
                user_fields=user_fields,
                source_id=uid,
            )
        except ValidationError as exc:
            raise self.fail(el, exc.message, exc.field) from None

    def _links(self, data: ProjectData) -> None:
        r = self.r
        calendars = self.calendars_by_id()
        for uid, el in self.elements.items():
            successor = self.by_uid[uid]
            for link in r.children(el, "PredecessorLink"):
                pred_uid = r.text(link, "PredecessorUID")
                where = f"Task UID {uid} <- {pred_uid}"
                if r.text(link, "CrossProject") == "1" or pred_uid in self.external_uids:
                    self.report.add(Severity.DROPPED, "link.cross_project", "link to another project", where)
                    continue
                if pred_uid in self.summary_uids:
                    self.report.add(Severity.DROPPED, "link.summary", "link from a summary task (a WBS node)", where)
                    continue
                predecessor = self.by_uid.get(pred_uid or "")
                if predecessor is None or predecessor.id == successor.id:
                    self.report.add(Severity.DROPPED, "link.unknown_task", "link from an unknown task", where)
                    continue
                type_number = _int(r.text(link, "Type"))
                kind = LINK_TYPES.get(1 if type_number is None else type_number)
                if kind is None:
                    raise self.fail(link, f"unknown link type {r.text(link, 'Type')}", "PredecessorLink/Type")
                anchor = predecessor.planned_finish
                if kind in (RelationshipType.SS, RelationshipType.SF):
                    anchor = predecessor.planned_start
                converted = durations.msp_lag_to_minutes(
                    _int(r.text(link, "LinkLag")) or 0,
                    _int(r.text(link, "LagFormat")),
                    predecessor_duration=predecessor.original_duration,
                    # Lags count on the successor's calendar in MS Project (see _options).
                    calendar=calendars.get(successor.calendar_id),
                    anchor=anchor,
                    minutes_per_week=self.minutes_per_week,
                )
                if converted.note:
                    self.report.add(Severity.CONVERTED, "link.lag_converted", converted.note, where)
                rel = Relationship(predecessor.id, successor.id, kind, converted.minutes)
                data.relationships[rel.id] = rel

    def calendars_by_id(self) -> dict[str, Calendar]:
        return {cal.id: cal for cal in self.calendars.values()}


def _int(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(float(text))
    except ValueError:
        return None


def _float(text: str | None) -> float:
    if text is None:
        return 0.0
    try:
        return float(text)
    except ValueError:
        return 0.0
