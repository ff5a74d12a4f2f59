"""Write one ProjectData as P6 XML (APIBusinessObjects) following P6's import rules.

P6's rules kept here: fields of an object in alphabetical order, object ids unique per kind, Activity Ids of
at most 40 characters and unique, names of at most 120, WBS nodes under the project, calendar finish times
as the last working minute. What P6 XML cannot hold from the model is reported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.enums import CriticalMode, FloatPathBasis
from bbschedule.core.project_data import ProjectData
from bbschedule.formats import constraints, durations
from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.formats.pmxml.baselines import write_baselines
from bbschedule.formats.pmxml.calendars import CalendarWriter
from bbschedule.formats.pmxml.codes import CodeWriter
from bbschedule.formats.pmxml.vocabulary import (
    ACTIVITY_TYPE_NAMES,
    DURATION_TYPE_NAMES,
    FLOAT_MODE_NAMES,
    LAG_CALENDAR_NAMES,
    PERCENT_TYPE_NAMES,
    PROGRESS_MODE_NAMES,
    RELATIONSHIP_TYPE_NAMES,
    RESOURCE_TYPE_NAMES,
)
from bbschedule.formats.xml_safety import atomic_write

if TYPE_CHECKING:
    from lxml import etree

NS = "http://xmlns.oracle.com/Primavera/P6/V8.3/API/BusinessObjects"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MAX_ID = 40
MAX_NAME = 120
MAX_RESOURCE_ID = 20
MAX_RESOURCE_NAME = 100
PROJECT_OBJECT_ID = 1


def _fmt(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, float):
        return str(int(value)) if value == int(value) else f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


class _Writer:
    def __init__(self, data: ProjectData, path: Path) -> None:
        from lxml import etree

        self.etree = etree
        self.data = data
        self.report = FidelityReport(str(path), "pmxml", "export")

    def sub(self, parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
        child = self.etree.SubElement(parent, f"{{{NS}}}{tag}")
        if text is not None:
            child.text = text
        return child

    def obj(self, parent: etree._Element, tag: str, fields: dict[str, object]) -> etree._Element:
        """An object whose fields P6 expects in alphabetical order; None values are left out."""
        el = self.sub(parent, tag)
        for key in sorted(fields):
            value = fields[key]
            if value is not None:
                self.sub(el, key, _fmt(value))
        return el

    def build(self) -> etree._Element:
        data, project = self.data, self.data.project
        nsmap: Any = {None: NS, "xsi": XSI}
        root = self.etree.Element(f"{{{NS}}}APIBusinessObjects", nsmap=nsmap)
        has_notes = any(a.notes for a in data.activities.values())
        self.codes = CodeWriter(data, obj=self.obj, sub=self.sub, fmt=_fmt)
        self.codes.udf_types(root)
        if has_notes:
            self.obj(
                root,
                "NotebookTopic",
                {"AvailableForActivity": True, "Name": "Notes", "ObjectId": 1, "SequenceNumber": 1},
            )
        self.cal_ids = {cal_id: n for n, cal_id in enumerate(data.calendars, start=1)}
        default = data.default_calendar() if data.calendars else None
        calendars = CalendarWriter(self.sub)
        seen_names: set[str] = set()
        for cal_id, calendar in data.calendars.items():
            name = _unique(calendar.name[:MAX_NAME], seen_names, limit=MAX_NAME)
            if name != calendar.name:
                self.report.add(
                    Severity.CONVERTED, "calendar.renamed", f"P6 needs unique names: {name!r}", calendar.name
                )
            base = self.cal_ids.get(calendar.base_calendar_id or "")
            calendars.write(
                root,
                replace(calendar, name=name),
                object_id=self.cal_ids[cal_id],
                base_id=base,
                kind="Global",
                project_id=None,
                is_default=default is not None and cal_id == default.id,
            )
        self.res_ids = {res_id: n for n, res_id in enumerate(data.resources, start=1)}
        resource_ids: set[str] = set()
        for res_id, resource in data.resources.items():
            resource_id = _unique(resource.code.strip()[:MAX_RESOURCE_ID], resource_ids, limit=MAX_RESOURCE_ID)
            if resource_id != resource.code:
                self.report.add(Severity.CONVERTED, "resource.id", f"Resource Id became {resource_id!r}", resource.code)
            if len(resource.name) > MAX_RESOURCE_NAME:
                self.report.add(Severity.CONVERTED, "resource.name", "name cut to 100 characters", resource.code)
            self.obj(
                root,
                "Resource",
                {
                    "CalendarObjectId": self.cal_ids.get(resource.calendar_id or ""),
                    "Id": resource_id,
                    "Name": resource.name[:MAX_RESOURCE_NAME],
                    "ObjectId": self.res_ids[res_id],
                    "ParentObjectId": self.res_ids.get(resource.parent_id or ""),
                    "ResourceType": RESOURCE_TYPE_NAMES[resource.type],
                },
            )
        rate_id = 0
        for res_id, resource in data.resources.items():
            for rate in resource.rates:
                rate_id += 1
                self.obj(
                    root,
                    "ResourceRate",
                    {
                        "EffectiveDate": dt.datetime.combine(rate.effective_from, dt.time()),
                        "MaxUnitsPerTime": rate.max_units_per_hour,
                        "ObjectId": rate_id,
                        "PricePerUnit": rate.price_per_unit,
                        "ResourceObjectId": self.res_ids[res_id],
                    },
                )
        self.codes.code_definitions(root, is_global=True, project_id=PROJECT_OBJECT_ID)
        opts = project.options
        project_el = self.obj(
            root,
            "Project",
            {
                "ActivityDefaultCalendarObjectId": self.cal_ids.get(default.id) if default else None,
                "DataDate": project.data_date or project.planned_start,
                "Id": project.code[:MAX_ID],
                "MustFinishByDate": project.must_finish_by,
                "Name": project.name[:MAX_NAME],
                "ObjectId": PROJECT_OBJECT_ID,
                "PlannedStartDate": project.planned_start,
                "Status": "Active",
            },
        )
        # P6's schema orders a project's children: WBS, Activity, ResourceAssignment, ActivityNote, Relationship.
        self._wbs(project_el)
        self.codes.code_definitions(project_el, is_global=False, project_id=PROJECT_OBJECT_ID)
        self._activities(project_el)
        self._assignments(project_el)
        if has_notes:
            self._notes(project_el)
        self._relationships(project_el)
        self.obj(
            project_el,
            "ScheduleOptions",
            {
                "ComputeTotalFloatType": FLOAT_MODE_NAMES[opts.float_mode],
                "CriticalActivityFloatThreshold": durations.minutes_to_hours(opts.critical_float_threshold),
                "CriticalActivityPathType": "Longest Path"
                if opts.critical_mode is CriticalMode.LONGEST_PATH
                else "Critical Float",
                "IgnoreOtherProjectRelationships": opts.ignore_external_links,
                "MakeOpenEndedActivitiesCritical": opts.open_ended_critical,
                "MaximumMultipleFloatPaths": opts.float_path_count,
                "MultipleFloatPathsEnabled": opts.multiple_float_paths,
                "MultipleFloatPathsEndingActivityObjectId": self.act_ids.get(opts.float_path_end_activity_id or ""),
                "MultipleFloatPathsUseTotalFloat": opts.float_path_by is FloatPathBasis.TOTAL_FLOAT,
                "OutOfSequenceScheduleType": PROGRESS_MODE_NAMES[opts.progress_mode],
                "ProjectObjectId": PROJECT_OBJECT_ID,
                "RelationshipLagCalendar": LAG_CALENDAR_NAMES[opts.lag_calendar],
            },
        )
        write_baselines(data, root, obj=self.obj, project_object_id=PROJECT_OBJECT_ID, calendar_ids=self.cal_ids)
        return root

    def _wbs(self, parent: etree._Element) -> None:
        data = self.data
        self.wbs_ids = {wbs_id: n for n, wbs_id in enumerate(data.wbs, start=1)}
        sibling_codes: dict[str | None, set[str]] = {}
        for wbs_id, wbs in sorted(data.wbs.items(), key=lambda kv: kv[1].sequence):
            siblings = sibling_codes.setdefault(wbs.parent_id, set())
            code = _unique((wbs.code.strip() or str(self.wbs_ids[wbs_id]))[:MAX_ID], siblings, limit=MAX_ID)
            if code != wbs.code:
                self.report.add(Severity.CONVERTED, "wbs.code", f"P6 needs unique sibling codes: {code!r}", wbs.code)
            self.obj(
                parent,
                "WBS",
                {
                    "Code": code[:MAX_ID],
                    "Name": wbs.name[:MAX_NAME],
                    "ObjectId": self.wbs_ids[wbs_id],
                    "ParentObjectId": self.wbs_ids.get(wbs.parent_id or "", PROJECT_OBJECT_ID),
                    "ProjectObjectId": PROJECT_OBJECT_ID,
                    "SequenceNumber": wbs.sequence,
                    "Status": "Active",
                },
            )

    def _activity_ids(self) -> dict[str, str]:
        used: set[str] = set()
        out: dict[str, str] = {}
        for activity in self.data.activities.values():
            code = _unique(activity.code.strip()[:MAX_ID], used, limit=MAX_ID)
            if code != activity.code:
                self.report.add(Severity.CONVERTED, "activity.id", f"Activity Id became {code!r}", activity.code)
            out[activity.id] = code
        return out

    def _activities(self, parent: etree._Element) -> None:
        data = self.data
        self.act_ids = {act_id: n for n, act_id in enumerate(data.activities, start=1)}
        codes = self._activity_ids()
        for act_id, activity in data.activities.items():
            element = self.obj(parent, "Activity", self._activity_fields(activity, codes[act_id]))
            self.codes.assignments(element, activity.codes, activity.user_fields)

    def _notes(self, parent: etree._Element) -> None:
        noted = [(k, a) for k, a in self.data.activities.items() if a.notes]
        for n, (act_id, activity) in enumerate(noted, start=1):
            self.obj(
                parent,
                "ActivityNote",
                {
                    "ActivityObjectId": self.act_ids[act_id],
                    "Note": activity.notes,
                    "NotebookTopicObjectId": 1,
                    "ObjectId": n,
                    "ProjectObjectId": PROJECT_OBJECT_ID,
                },
            )

    def _activity_fields(self, activity: Activity, code: str) -> dict[str, object]:
        computed = self.data.computed.get(activity.id)
        start = activity.actual_start or (computed.early_start if computed else None) or activity.planned_start
        start = start or self.data.project.planned_start
        finish = activity.actual_finish or (computed.early_finish if computed else None) or activity.planned_finish
        status = "Completed" if activity.is_complete else ("In Progress" if activity.is_started else "Not Started")
        actual = durations.actual_minutes(
            activity, calendar=self.data.calendars.get(activity.calendar_id), data_date=self.data.project.data_date
        )
        primary, secondary = activity.primary_constraint, activity.secondary_constraint
        if primary is None and secondary is not None:
            # P6 takes a secondary constraint only beside a primary one.
            primary, secondary = secondary, None
            self.report.add(Severity.CONVERTED, "constraint.secondary_alone", "became the primary", activity.code)
        if len(activity.name) > MAX_NAME:
            self.report.add(Severity.CONVERTED, "activity.name", "name cut to 120 characters", activity.code)
        return {
            "ActualDuration": durations.minutes_to_hours(actual),
            "ActualFinishDate": activity.actual_finish,
            "ActualStartDate": activity.actual_start,
            "AtCompletionDuration": durations.minutes_to_hours(actual + activity.remaining),
            "CalendarObjectId": self.cal_ids.get(activity.calendar_id),
            "DurationType": DURATION_TYPE_NAMES[activity.duration_type],
            "EarlyFinishDate": computed.early_finish if computed else None,
            "EarlyStartDate": computed.early_start if computed else None,
            "ExpectedFinishDate": activity.expected_finish,
            "FinishDate": finish or start,
            "FreeFloat": durations.minutes_to_hours(computed.free_float)
            if computed and computed.free_float is not None
            else None,
            "Id": code,
            "LateFinishDate": computed.late_finish if computed else None,
            "LateStartDate": computed.late_start if computed else None,
            "Name": activity.name[:MAX_NAME],
            "ObjectId": self.act_ids[activity.id],
            "PercentCompleteType": PERCENT_TYPE_NAMES[activity.percent_complete_type],
            "PhysicalPercentComplete": activity.physical_percent_complete / 100,
            "PlannedDuration": durations.minutes_to_hours(activity.original_duration),
            "PlannedFinishDate": activity.planned_finish,
            "PlannedStartDate": activity.planned_start or start,
            "PrimaryConstraintDate": primary.date if primary else None,
            "PrimaryConstraintType": constraints.to_p6_name(primary.type) if primary else None,
            "ProjectObjectId": PROJECT_OBJECT_ID,
            "RemainingDuration": durations.minutes_to_hours(activity.remaining),
            "ResumeDate": activity.resume_date,
            "SecondaryConstraintDate": secondary.date if secondary else None,
            "SecondaryConstraintType": constraints.to_p6_name(secondary.type) if secondary else None,
            "StartDate": start,
            "Status": status,
            "SuspendDate": activity.suspend_date,
            "TotalFloat": durations.minutes_to_hours(computed.total_float)
            if computed and computed.total_float is not None
            else None,
            "Type": ACTIVITY_TYPE_NAMES[activity.type],
            "WBSObjectId": self.wbs_ids.get(activity.wbs_id or ""),
        }

    def _relationships(self, parent: etree._Element) -> None:
        for n, rel in enumerate(_one_link_per_pair(self.data, self.report), start=1):
            self.obj(
                parent,
                "Relationship",
                {
                    "Lag": durations.minutes_to_hours(rel.lag),
                    "ObjectId": n,
                    "PredecessorActivityObjectId": self.act_ids[rel.predecessor_id],
                    "PredecessorProjectObjectId": PROJECT_OBJECT_ID,
                    "SuccessorActivityObjectId": self.act_ids[rel.successor_id],
                    "SuccessorProjectObjectId": PROJECT_OBJECT_ID,
                    "Type": RELATIONSHIP_TYPE_NAMES[rel.type],
                },
            )

    def _assignments(self, parent: etree._Element) -> None:
        for n, a in enumerate(self.data.assignments.values(), start=1):
            self.obj(
                parent,
                "ResourceAssignment",
                {
                    "ActivityObjectId": self.act_ids[a.activity_id],
                    "ActualCost": a.actual_cost,
                    "ActualUnits": a.actual_units,
                    "ObjectId": n,
                    "PlannedCost": a.budgeted_cost,
                    "PlannedUnits": a.budgeted_units,
                    "ProjectObjectId": PROJECT_OBJECT_ID,
                    "RemainingCost": a.remaining_cost,
                    "RemainingUnits": a.remaining_units,
                    "ResourceObjectId": self.res_ids[a.resource_id],
                },
            )


def _one_link_per_pair(data: ProjectData, report: FidelityReport) -> list[Relationship]:
    """P6 holds one relationship of each type between two activities (SS and FF together are fine)."""
    seen: set[tuple[str, str, str]] = set()
    out: list[Relationship] = []
    for rel in data.relationships.values():
        key = (rel.predecessor_id, rel.successor_id, rel.type.value)
        if key in seen:
            report.add(
                Severity.DROPPED, "relationship.duplicate", f"a second {rel.type.value} link between two activities"
            )
            continue
        seen.add(key)
        out.append(rel)
    return out


def _unique(text: str, used: set[str], *, limit: int) -> str:
    """`text`, or `text-2`, `text-3` … cut to `limit`, whichever is not in `used` yet (which it joins)."""
    candidate = text
    n = 1
    while candidate in used:
        n += 1
        suffix = f"-{n}"
        candidate = text[: limit - len(suffix)] + suffix
    used.add(candidate)
    return candidate


def _report_unwritten(data: ProjectData, report: FidelityReport) -> None:
    """Count what the model holds that this format does not carry, so the report says what stayed behind."""
    acts = list(data.activities.values())
    counts = {
        "quantities and production rates": sum(a.quantity is not None or a.production_rate is not None for a in acts),
        "location ranges": sum(a.location_start is not None or a.location_end is not None for a in acts),
        "expenses": len(data.expenses),
    }
    for what, count in counts.items():
        if count:
            report.add(Severity.DROPPED, "pmxml.not_written", f"{count} {what}")


def write(data: ProjectData, path: Path) -> FidelityReport:
    from lxml import etree

    writer = _Writer(data, path)
    root = writer.build()
    _report_unwritten(data, writer.report)
    atomic_write(path, etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
    writer.report.counts = {
        "activities": len(data.activities),
        "relationships": len(data.relationships),
        "calendars": len(data.calendars),
        "resources": len(data.resources),
        "assignments": len(data.assignments),
        "wbs": len(data.wbs),
    }
    return writer.report
