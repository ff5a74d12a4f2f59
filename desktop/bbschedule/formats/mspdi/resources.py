"""MSPDI resources and assignments: read into core Resource and Assignment, and written back.

MSPDI money is in cents (Cost, ActualCost …); rates are per hour; work is an ISO duration of hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from bbschedule.core.activity import Activity
from bbschedule.core.calendar import Calendar
from bbschedule.core.enums import ResourceType
from bbschedule.core.errors import InputFileError, ValidationError
from bbschedule.core.project_data import ProjectData
from bbschedule.core.resource import Assignment, Resource, ResourceRate
from bbschedule.formats import durations
from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.formats.xml_safety import Reader, line_of

if TYPE_CHECKING:
    from lxml import etree

UNASSIGNED = "-65535"
RESOURCE_TYPES = {"0": ResourceType.MATERIAL, "1": ResourceType.LABOR, "2": ResourceType.NONLABOR}
TYPE_NUMBERS = {ResourceType.MATERIAL: 0, ResourceType.LABOR: 1, ResourceType.NONLABOR: 1}


def read_resources(
    r: Reader,
    root: etree._Element,
    *,
    path: str,
    report: FidelityReport,
    data: ProjectData,
    calendars: dict[str, Calendar],
) -> dict[str, Resource]:
    out: dict[str, Resource] = {}
    holder = r.child(root, "Resources")
    codes: set[str] = set()
    for el in r.children(holder, "Resource") if holder is not None else ():
        uid = r.text(el, "UID")
        name = r.text(el, "Name")
        where = f"Resource UID {uid}"
        if uid is None:
            raise InputFileError(path, "a resource has no UID", line=line_of(el), field="Resource/UID")
        if r.text(el, "IsNull") == "1" or (uid == "0" and not name):
            continue
        if not name:
            name = f"Resource {uid}"
            report.add(Severity.CONVERTED, "resource.unnamed", f"a resource without a name was called {name!r}", where)
        kind = RESOURCE_TYPES.get(r.text(el, "Type") or "1", ResourceType.LABOR)
        if r.text(el, "Type") == "2":
            report.add(Severity.CONVERTED, "resource.cost", "an MS Project cost resource became a nonlabor one", where)
        code = r.text(el, "Initials") or uid
        if code in codes:
            code = f"{code}-{uid}"
        codes.add(code)
        calendar = calendars.get(r.text(el, "CalendarUID") or "")
        max_units = _float(r.text(el, "MaxUnits"), 1.0)
        rates = _rates(r, el, max_units, start=data.project.planned_start.date())
        try:
            resource = Resource(
                code=code,
                name=name,
                type=kind,
                unit=(r.text(el, "MaterialLabel") or "unit") if kind is ResourceType.MATERIAL else "h",
                calendar_id=calendar.id if calendar else None,
                rates=rates,
                source_id=uid,
            )
        except ValidationError as exc:
            raise InputFileError(path, exc.message, line=line_of(el), field=exc.field) from None
        out[uid] = resource
        data.resources[resource.id] = resource
    return out


def _rates(r: Reader, el: etree._Element, max_units: float, *, start: dt.date) -> tuple[ResourceRate, ...]:
    rates: list[ResourceRate] = []
    holder = r.child(el, "Rates")
    for rate in r.children(holder, "Rate") if holder is not None else ():
        if (r.text(rate, "RateTable") or "0") != "0":
            continue
        begin = r.date(rate, "RatesFrom")
        price = _float(r.text(rate, "StandardRate"), 0.0)
        rates.append(ResourceRate(begin.date() if begin else start, max(0.0, price), max_units))
    if not rates:
        price = _float(r.text(el, "StandardRate"), 0.0)
        if price > 0:
            rates.append(ResourceRate(start, price, max_units))
    # MSPDI opens the first rate at 1984-01-01 and ends the last at 2049; keep the distinct ones in order.
    unique = {rate.effective_from: rate for rate in rates}
    return tuple(unique[k] for k in sorted(unique))


def read_assignments(
    r: Reader,
    root: etree._Element,
    *,
    path: str,
    report: FidelityReport,
    data: ProjectData,
    resources: dict[str, Resource],
    tasks: dict[str, Activity],
    summaries: dict[str, str],
) -> None:
    holder = r.child(root, "Assignments")
    unassigned = 0
    for el in r.children(holder, "Assignment") if holder is not None else ():
        task_uid = r.text(el, "TaskUID") or ""
        resource_uid = r.text(el, "ResourceUID") or ""
        where = f"Assignment UID {r.text(el, 'UID')}"
        if resource_uid == UNASSIGNED:
            unassigned += 1
            continue
        if task_uid in summaries:
            report.add(Severity.DROPPED, "assignment.summary", "assignment on a summary task", where)
            continue
        activity = tasks.get(task_uid)
        resource = resources.get(resource_uid)
        if activity is None or resource is None:
            report.add(Severity.DROPPED, "assignment.unknown", "assignment to an unknown task or resource", where)
            continue
        try:
            assignment = Assignment(
                activity_id=activity.id,
                resource_id=resource.id,
                budgeted_units=_hours(r.text(el, "Work")),
                actual_units=_hours(r.text(el, "ActualWork")),
                remaining_units=_hours(r.text(el, "RemainingWork")),
                budgeted_cost=_float(r.text(el, "Cost"), 0.0) / 100,
                actual_cost=_float(r.text(el, "ActualCost"), 0.0) / 100,
                remaining_cost=_float(r.text(el, "RemainingCost"), 0.0) / 100,
            )
        except (ValidationError, ValueError) as exc:
            raise InputFileError(path, str(exc), line=line_of(el), field="Assignment") from None
        data.assignments[assignment.id] = assignment
    if unassigned:
        report.add(
            Severity.INFO, "assignment.unassigned", f"{unassigned} placeholder assignments without a resource skipped"
        )


def _hours(text: str | None) -> float:
    if not text:
        return 0.0
    return max(0.0, durations.parse_iso_duration(text) / 60)


def _float(text: str | None, default: float) -> float:
    if text is None:
        return default
    try:
        return float(text)
    except ValueError:
        return default


def write_resource(
    parent: etree._Element,
    resource: Resource,
    *,
    el: Callable[..., etree._Element],
    res_uid: dict[str, int],
    cal_uid: dict[str, int],
) -> None:
    node = el(parent, "Resource")
    el(node, "UID", res_uid[resource.id])
    el(node, "ID", res_uid[resource.id])
    el(node, "Name", resource.name)
    el(node, "Type", TYPE_NUMBERS[resource.type])
    el(node, "IsNull", 0)
    el(node, "Initials", resource.code)
    if resource.type is ResourceType.MATERIAL:
        el(node, "MaterialLabel", resource.unit)
    rates = sorted(resource.rates, key=lambda r: r.effective_from)
    el(node, "MaxUnits", rates[0].max_units_per_hour if rates else 1.0)
    el(node, "StandardRate", rates[0].price_per_unit if rates else 0.0)
    el(node, "StandardRateFormat", 2)
    if resource.calendar_id in cal_uid:
        el(node, "CalendarUID", cal_uid[resource.calendar_id])
    if len(rates) > 1:
        holder = el(node, "Rates")
        for index, rate in enumerate(rates):
            item = el(holder, "Rate")
            el(item, "RatesFrom", dt.datetime.combine(rate.effective_from, dt.time()))
            until = rates[index + 1].effective_from if index + 1 < len(rates) else dt.date(2049, 12, 31)
            el(item, "RatesTo", dt.datetime.combine(until, dt.time(23, 59)))
            el(item, "RateTable", 0)
            el(item, "StandardRate", rate.price_per_unit)
            el(item, "StandardRateFormat", 2)


def write_assignment(
    parent: etree._Element,
    uid: int,
    assignment: Assignment,
    *,
    el: Callable[..., etree._Element],
    task_uid: dict[str, int],
    res_uid: dict[str, int],
) -> None:
    if assignment.activity_id not in task_uid or assignment.resource_id not in res_uid:
        return
    node = el(parent, "Assignment")
    el(node, "UID", uid)
    el(node, "TaskUID", task_uid[assignment.activity_id])
    el(node, "ResourceUID", res_uid[assignment.resource_id])
    el(node, "ActualCost", round(assignment.actual_cost * 100))
    el(node, "ActualWork", durations.format_iso_duration(round(assignment.actual_units * 60)))
    el(node, "Cost", round(assignment.budgeted_cost * 100))
    el(node, "RemainingCost", round(assignment.remaining_cost * 100))
    el(node, "RemainingWork", durations.format_iso_duration(round(assignment.remaining_units * 60)))
    el(node, "Units", 1)
    el(node, "Work", durations.format_iso_duration(round(assignment.budgeted_units * 60)))
