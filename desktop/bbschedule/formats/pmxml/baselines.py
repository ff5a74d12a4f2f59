"""P6 baselines in XML: <BaselineProject> copies of a project, read into core Baselines and written back.

A baseline activity is matched to the live one by Activity Id; its planned dates, duration and cost are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bbschedule.core.baseline import Baseline, BaselineActivity
from bbschedule.core.project_data import ProjectData
from bbschedule.formats import durations
from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.formats.xml_safety import Reader

if TYPE_CHECKING:
    from lxml import etree

_COSTS = ("PlannedLaborCost", "PlannedNonLaborCost", "PlannedMaterialCost", "PlannedExpenseCost")
BASELINE_OBJECT_IDS = 1_000_000
"""Baseline projects and their activities take ObjectIds from here up, clear of the live project's."""


def read_baselines(
    r: Reader, root: etree._Element, *, projects: dict[str, ProjectData], report: FidelityReport
) -> None:
    """Attach each <BaselineProject> to the project it copies (by OriginalProjectObjectId, else the first)."""
    for el in r.children(root, "BaselineProject"):
        owner = projects.get(r.text(el, "OriginalProjectObjectId") or "") or next(iter(projects.values()), None)
        if owner is None:
            continue
        by_code = {a.code: a.id for a in owner.activities.values()}
        rows: list[BaselineActivity] = []
        unmatched = 0
        for act in r.children(el, "Activity"):
            activity_id = by_code.get(r.text(act, "Id") or "")
            if activity_id is None:
                unmatched += 1
                continue
            total = r.text(act, "PlannedTotalCost")
            rows.append(
                BaselineActivity(
                    activity_id=activity_id,
                    start=r.date(act, "PlannedStartDate") or r.date(act, "StartDate"),
                    finish=r.date(act, "PlannedFinishDate") or r.date(act, "FinishDate"),
                    duration=max(0, durations.hours_to_minutes(r.number(act, "PlannedDuration"))),
                    budgeted_cost=float(total) if total else sum(r.number(act, tag) for tag in _COSTS),
                )
            )
        name = r.text(el, "Name") or r.text(el, "Id") or "Baseline"
        taken = r.date(el, "LastBaselineUpdateDate") or r.date(el, "DataDate") or owner.project.planned_start
        baseline = Baseline(name=name, taken_at=taken, activities=tuple(rows))
        owner.baselines[baseline.id] = baseline
        if unmatched:
            report.add(
                Severity.DROPPED, "baseline.unmatched", f"{unmatched} baseline activities not in the project", name
            )


def write_baselines(
    data: ProjectData,
    root: etree._Element,
    *,
    obj: Callable[[etree._Element, str, dict[str, object]], etree._Element],
    project_object_id: int,
    calendar_ids: dict[str, int],
) -> None:
    """One <BaselineProject> per core baseline, right after the <Project> as P6's schema orders them."""
    for n, baseline in enumerate(data.baselines.values(), start=1):
        base_id = BASELINE_OBJECT_IDS * n
        starts = [row.start for row in baseline.activities if row.start is not None]
        element = obj(
            root,
            "BaselineProject",
            {
                "DataDate": baseline.taken_at,
                "Id": f"{data.project.code[:30]}-B{n}",
                "LastBaselineUpdateDate": baseline.taken_at,
                "Name": baseline.name[:100],
                "ObjectId": base_id,
                "OriginalProjectObjectId": project_object_id,
                "PlannedStartDate": min(starts, default=data.project.planned_start),
            },
        )
        for m, row in enumerate(baseline.activities, start=1):
            activity = data.activities.get(row.activity_id)
            if activity is None:
                continue
            obj(
                element,
                "Activity",
                {
                    "CalendarObjectId": calendar_ids.get(activity.calendar_id),
                    "FinishDate": row.finish,
                    "Id": activity.code[:40],
                    "Name": activity.name[:120],
                    "ObjectId": base_id + m,
                    "PlannedDuration": durations.minutes_to_hours(row.duration),
                    "PlannedFinishDate": row.finish,
                    "PlannedStartDate": row.start,
                    "PlannedTotalCost": row.budgeted_cost,
                    "ProjectObjectId": base_id,
                    "StartDate": row.start,
                    "Status": "Not Started",
                },
            )
