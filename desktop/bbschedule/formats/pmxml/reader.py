"""Read P6 XML (APIBusinessObjects) into one ProjectData per <Project>.

Source ids are P6 Activity Ids. Durations, lags and floats are hours in the file; P6's own early/late dates
and floats go to ProjectData.computed.
"""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

from bbschedule.core.activity import Activity, Constraint, Relationship
from bbschedule.core.calendar import Calendar
from bbschedule.core.computed import ComputedDates
from bbschedule.core.enums import (
    DurationType,
    PercentCompleteType,
)
from bbschedule.core.errors import InputFileError, ValidationError
from bbschedule.core.project import Project, ScheduleOptions, Wbs
from bbschedule.core.project_data import ProjectData
from bbschedule.core.resource import Assignment, Resource
from bbschedule.formats import constraints, durations
from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.formats.pmxml.baselines import read_baselines
from bbschedule.formats.pmxml.calendars import read_calendar
from bbschedule.formats.pmxml.codes import Codes
from bbschedule.formats.pmxml.options import read_options
from bbschedule.formats.pmxml.resources import read_resources
from bbschedule.formats.pmxml.vocabulary import (
    ACTIVITY_TYPES,
    DURATION_TYPES,
    PERCENT_TYPES,
    RELATIONSHIP_TYPES,
)
from bbschedule.formats.registry import ImportResult, ReadOptions
from bbschedule.formats.xml_safety import Reader, gc_paused, line_of, parse

if TYPE_CHECKING:
    from lxml import etree

_DROPPED_KINDS = (
    "Role",
    "ActivityExpense",
    "ActivityStep",
    "ProjectNote",
)


def read(path: Path, *, options: ReadOptions) -> ImportResult:
    root = parse(path, max_bytes=options.max_bytes, roots=("APIBusinessObjects",))
    report = FidelityReport(str(path), "pmxml", "import")
    reader = _PmxmlReader(Reader(root, str(path)), root, str(path), report)
    try:
        with gc_paused():
            projects = reader.build()
    except ValidationError as exc:
        raise InputFileError(str(path), exc.message, field=exc.field) from None
    except (ValueError, TypeError, KeyError) as exc:
        raise InputFileError(str(path), f"cannot be read as P6 XML ({exc})") from None
    if not projects:
        raise InputFileError(str(path), "holds no <Project>")
    report.counts = {
        "projects": len(projects),
        "activities": sum(len(p.activities) for p in projects),
        "relationships": sum(len(p.relationships) for p in projects),
        "calendars": len(reader.calendars),
        "resources": len(reader.resources),
        "assignments": sum(len(p.assignments) for p in projects),
        "wbs": sum(len(p.wbs) for p in projects),
    }
    return ImportResult(projects, report, "pmxml")


class _PmxmlReader:
    def __init__(self, r: Reader, root: etree._Element, path: str, report: FidelityReport) -> None:
        self.r = r
        self.root = root
        self.path = path
        self.report = report
        self.calendars: dict[str, Calendar] = {}
        self.resources: dict[str, Resource] = {}
        self.activities: dict[str, tuple[ProjectData, Activity]] = {}
        self.by_object_id: dict[str, ProjectData] = {}
        self.codes = Codes()
        self.float_path_end = ""
        """The ObjectId of the activity the project being read ends its float paths at ('' for none)."""

    def fail(self, el: etree._Element, message: str, field: str) -> InputFileError:
        return InputFileError(self.path, message, line=line_of(el), field=field)

    def build(self) -> list[ProjectData]:
        r, root = self.r, self.root
        for kind in _DROPPED_KINDS:
            count = len(list(root.iter(r.q(kind))))
            if count:
                self.report.add(Severity.DROPPED, f"pmxml.{kind.lower()}", f"{count} <{kind}> elements not read")
        bases: dict[str, str] = {}
        calendar_elements = list(r.children(root, "Calendar"))
        for project_el in r.children(root, "Project"):
            calendar_elements.extend(r.children(project_el, "Calendar"))
        for el in calendar_elements:
            object_id, calendar, base = read_calendar(r, el, path=self.path, report=self.report)
            self.calendars[object_id] = calendar
            if base:
                bases[object_id] = base
        for object_id, base in bases.items():
            if base in self.calendars and base != object_id:
                # P6 calendars inherit their base's holidays and exceptions; core keeps them on the calendar.
                self.calendars[object_id] = _with_base(self.calendars[object_id], self.calendars[base])
                self.report.add(
                    Severity.CONVERTED,
                    "calendar.base_exceptions",
                    f"exceptions of base calendar {self.calendars[base].name!r} copied in",
                    self.calendars[object_id].name,
                )
        self.resources = read_resources(self.r, self.root, path=self.path, calendars=self.calendars)
        self.codes.read_definitions(r, root, project="", report=self.report)
        projects = [self._project(el) for el in r.children(root, "Project")]
        self._relationships(root)
        read_baselines(r, root, projects=self.by_object_id, report=self.report)
        return projects

    def _options(self, el: etree._Element) -> ScheduleOptions:
        options, self.float_path_end = read_options(self.r, el, self.report)
        return options

    def _resolve_float_path_end(self, data: ProjectData) -> None:
        end, self.float_path_end = self.float_path_end, ""
        if not end:
            return
        found = self.activities.get(end)
        if found is None or found[0] is not data:
            self.report.add(
                Severity.DROPPED,
                "options.float_path_end",
                f"{data.project.code}: the float paths' ending activity (ObjectId {end}) is not in the project; "
                "they end at the project's finish",
                "ScheduleOptions/MultipleFloatPathsEndingActivityObjectId",
            )
            return
        options = dataclasses.replace(data.project.options, float_path_end_activity_id=found[1].id)
        data.project = dataclasses.replace(data.project, options=options)

    def _project(self, el: etree._Element) -> ProjectData:
        r = self.r
        object_id = r.text(el, "ObjectId") or ""
        code = r.text(el, "Id") or object_id or Path(self.path).stem
        start = r.date(el, "PlannedStartDate") or r.date(el, "StartDate") or r.date(el, "DataDate")
        if start is None:
            raise self.fail(el, "the project has no PlannedStartDate", "Project/PlannedStartDate")
        default_cal = self.calendars.get(r.text(el, "ActivityDefaultCalendarObjectId") or "")
        if default_cal is None:
            default_cal = next((c for c in self.calendars.values() if c.is_default), None)
        if default_cal is None and self.calendars:
            default_cal = next(iter(self.calendars.values()))
        if default_cal is None:
            default_cal = Calendar(name="Standard")
            self.calendars["(default)"] = default_cal
            self.report.add(Severity.CONVERTED, "calendar.default_created", "no calendar: a standard one was made")
        must_finish = r.date(el, "MustFinishByDate")
        try:
            project = Project(
                code=code,
                name=r.text(el, "Name") or code,
                planned_start=start,
                data_date=r.date(el, "DataDate"),
                must_finish_by=must_finish if must_finish and must_finish >= start else None,
                default_calendar_id=default_cal.id,
                options=self._options(el),
                source_id=object_id or None,
            )
        except ValidationError as exc:
            raise self.fail(el, exc.message, exc.field) from None
        data = ProjectData(project=project)
        self.by_object_id[object_id] = data
        self.codes.read_definitions(r, el, project=object_id, report=self.report)
        self.codes.fill(data, project=object_id)
        data.calendars = {cal.id: cal for cal in self.calendars.values()}
        data.resources = {res.id: res for res in self.resources.values()}
        wbs_ids = self._wbs(el, data, object_id)
        notes: dict[str, list[str]] = {}
        for note in r.children(el, "ActivityNote"):
            text = _plain_text(r.text(note, "Note") or "")
            if text:
                notes.setdefault(r.text(note, "ActivityObjectId") or "", []).append(text)
        codes: set[str] = set()
        for act_el in r.children(el, "Activity"):
            activity = self._activity(act_el, wbs_ids, default_cal, notes, codes)
            data.activities[activity.id] = activity
            self.activities[r.text(act_el, "ObjectId") or activity.code] = (data, activity)
            computed = self._computed(act_el)
            if computed is not None:
                data.computed[activity.id] = computed
        self._relationships(el)
        self._assignments(el, data)
        self._resolve_float_path_end(data)
        return data

    def _wbs(self, el: etree._Element, data: ProjectData, project_object_id: str) -> dict[str, str]:
        r = self.r
        raw: list[tuple[str, str | None, Wbs]] = []
        for node in r.children(el, "WBS"):
            object_id = r.text(node, "ObjectId")
            if object_id is None:
                raise self.fail(node, "a WBS node has no ObjectId", "WBS/ObjectId")
            wbs = Wbs(
                code=r.text(node, "Code") or object_id,
                name=r.text(node, "Name") or r.text(node, "Code") or object_id,
                sequence=int(r.number(node, "SequenceNumber")),
                source_id=object_id,
            )
            raw.append((object_id, r.text(node, "ParentObjectId"), wbs))
        ids = {object_id: wbs.id for object_id, _parent, wbs in raw}
        for _object_id, parent, wbs in raw:
            parent_id = ids.get(parent or "") if parent != project_object_id else None
            final = Wbs(wbs.code, wbs.name, parent_id, wbs.sequence, wbs.id, wbs.source_id)
            data.wbs[final.id] = final
        return ids

    def _activity(
        self,
        el: etree._Element,
        wbs_ids: dict[str, str],
        default_cal: Calendar,
        notes: dict[str, list[str]],
        codes: set[str],
    ) -> Activity:
        r = self.r
        code = r.text(el, "Id")
        if code is None:
            raise self.fail(el, "an activity has no Id", "Activity/Id")
        if code in codes:
            raise self.fail(el, f"activity Id {code!r} appears twice", "Activity/Id")
        codes.add(code)
        kind = ACTIVITY_TYPES.get((r.text(el, "Type") or "task dependent").lower())
        if kind is None:
            raise self.fail(el, f"unknown activity type {r.text(el, 'Type')!r}", "Activity/Type")
        calendar = self.calendars.get(r.text(el, "CalendarObjectId") or "", default_cal)
        actual_start = r.date(el, "ActualStartDate")
        actual_finish = r.date(el, "ActualFinishDate")
        original = max(0, durations.hours_to_minutes(r.number(el, "PlannedDuration")))
        if kind.is_milestone and original:
            self.report.add(Severity.CONVERTED, "activity.milestone_duration", "milestone duration set to 0", code)
            original = 0
        remaining = None
        if actual_start is not None and not kind.is_milestone:
            remaining = max(0, durations.hours_to_minutes(r.number(el, "RemainingDuration")))
        physical = r.number(el, "PhysicalPercentComplete")
        codes_, udfs = self.codes.of_activity(r, el)
        constraints_ = [
            self._constraint(el, "PrimaryConstraintType", "PrimaryConstraintDate", code),
            self._constraint(el, "SecondaryConstraintType", "SecondaryConstraintDate", code),
        ]
        try:
            return Activity(
                code=code,
                name=r.text(el, "Name") or code,
                calendar_id=calendar.id,
                wbs_id=wbs_ids.get(r.text(el, "WBSObjectId") or ""),
                type=kind,
                duration_type=DURATION_TYPES.get(
                    (r.text(el, "DurationType") or "").lower(), DurationType.FIXED_DURATION_AND_UNITS
                ),
                percent_complete_type=PERCENT_TYPES.get(
                    (r.text(el, "PercentCompleteType") or "").lower(), PercentCompleteType.DURATION
                ),
                original_duration=original,
                remaining_duration=remaining,
                actual_duration=max(0, durations.hours_to_minutes(r.number(el, "ActualDuration"))),
                # P6 XML writes percentages as fractions of one.
                physical_percent_complete=min(100.0, max(0.0, physical * 100 if physical <= 1 else physical)),
                primary_constraint=constraints_[0],
                secondary_constraint=constraints_[1],
                actual_start=actual_start,
                actual_finish=actual_finish,
                expected_finish=r.date(el, "ExpectedFinishDate"),
                suspend_date=r.date(el, "SuspendDate"),
                resume_date=r.date(el, "ResumeDate"),
                planned_start=r.date(el, "PlannedStartDate"),
                planned_finish=r.date(el, "PlannedFinishDate"),
                notes="\n\n".join(notes.get(r.text(el, "ObjectId") or "", [])),
                codes=codes_,
                user_fields=udfs,
                source_id=code,
            )
        except ValidationError as exc:
            raise self.fail(el, exc.message, exc.field) from None

    def _constraint(self, el: etree._Element, type_tag: str, date_tag: str, code: str) -> Constraint | None:
        r = self.r
        name = r.text(el, type_tag)
        if name is None or name.lower() == "none":
            return None
        kind = constraints.from_p6_name(name)
        if kind is None:
            self.report.add(Severity.DROPPED, "constraint.unknown", f"unknown constraint {name!r}", code)
            return None
        date = r.date(el, date_tag)
        if kind.needs_date and date is None:
            self.report.add(Severity.DROPPED, "constraint.no_date", f"{name} without a date", code)
            return None
        return Constraint(kind, date if kind.needs_date else None)

    def _computed(self, el: etree._Element) -> ComputedDates | None:
        r = self.r
        early_start = r.date(el, "EarlyStartDate")
        if early_start is None:
            return None
        total = r.text(el, "TotalFloat")
        free = r.text(el, "FreeFloat")
        return ComputedDates(
            early_start=early_start,
            early_finish=r.date(el, "EarlyFinishDate"),
            late_start=r.date(el, "LateStartDate"),
            late_finish=r.date(el, "LateFinishDate"),
            total_float=durations.hours_to_minutes(float(total)) if total else None,
            free_float=durations.hours_to_minutes(float(free)) if free else None,
            critical=r.text(el, "IsCritical") == "1",
            longest_path=r.text(el, "IsLongestPath") == "1",
        )

    def _relationships(self, holder: etree._Element) -> None:
        r = self.r
        for el in r.children(holder, "Relationship"):
            pred = self.activities.get(r.text(el, "PredecessorActivityObjectId") or "")
            succ = self.activities.get(r.text(el, "SuccessorActivityObjectId") or "")
            where = f"Relationship {r.text(el, 'ObjectId')}"
            if pred is None or succ is None:
                self.report.add(Severity.DROPPED, "relationship.external", "an end is not in this file", where)
                continue
            if pred[0] is not succ[0]:
                self.report.add(Severity.DROPPED, "relationship.cross_project", "links two projects", where)
                continue
            kind = RELATIONSHIP_TYPES.get((r.text(el, "Type") or "finish to start").lower())
            if kind is None:
                raise self.fail(el, f"unknown relationship type {r.text(el, 'Type')!r}", "Relationship/Type")
            if pred[1].id == succ[1].id:
                self.report.add(Severity.DROPPED, "relationship.self", "an activity linked to itself", where)
                continue
            rel = Relationship(pred[1].id, succ[1].id, kind, durations.hours_to_minutes(r.number(el, "Lag")))
            succ[0].relationships[rel.id] = rel

    def _assignments(self, el: etree._Element, data: ProjectData) -> None:
        r = self.r
        role_only = 0
        for node in r.children(el, "ResourceAssignment"):
            activity = self.activities.get(r.text(node, "ActivityObjectId") or "")
            resource = self.resources.get(r.text(node, "ResourceObjectId") or "")
            if resource is None:
                role_only += 1
                continue
            if activity is None:
                self.report.add(Severity.DROPPED, "assignment.unknown", "assignment to an unknown activity")
                continue
            assignment = Assignment(
                activity_id=activity[1].id,
                resource_id=resource.id,
                budgeted_units=max(0.0, r.number(node, "PlannedUnits")),
                actual_units=max(0.0, r.number(node, "ActualUnits")),
                remaining_units=max(0.0, r.number(node, "RemainingUnits")),
                budgeted_cost=r.number(node, "PlannedCost"),
                actual_cost=r.number(node, "ActualCost"),
                remaining_cost=r.number(node, "RemainingCost"),
            )
            data.assignments[assignment.id] = assignment
        if role_only:
            self.report.add(
                Severity.DROPPED, "assignment.role_only", f"{role_only} role assignments without a resource"
            )


def _plain_text(note: str) -> str:
    """P6 keeps notes as HTML; the model keeps text (tags dropped, entities decoded, blank lines squeezed)."""
    if "<" not in note:
        return note.strip()
    text = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", "", note)
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def _with_base(calendar: Calendar, base: Calendar) -> Calendar:
    from dataclasses import replace

    return replace(calendar, base_calendar_id=base.id, exceptions=(*base.exceptions, *calendar.exceptions))
