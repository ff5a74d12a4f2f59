"""P6 baselines in an XER: a project that names another project of the file as its baseline (sum_base_proj_id)."""

from __future__ import annotations

from bbschedule.core.baseline import Baseline, BaselineActivity
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.fidelity import Severity
from bbschedule.formats.xer.context import Context


def add_baselines(ctx: Context, projects: list[ProjectData], base_ids: dict[str, str]) -> None:
    """A project whose sum_base_proj_id names another project of the file gets it as a baseline (by Activity ID).

    The baseline project stays in the result too: P6 keeps baselines as projects, and the planner may pick it.
    """
    by_source = {p.project.source_id: p for p in projects}
    for data in projects:
        base = by_source.get(base_ids.get(data.project.source_id or "", "").strip())
        if base is None or base is data:
            continue
        costs: dict[str, float] = {}
        spent = [(x.activity_id, x.budgeted_cost) for x in base.assignments.values()]
        spent += [(x.activity_id, x.budgeted_cost) for x in base.expenses.values()]
        for activity_id, cost in spent:
            costs[activity_id] = costs.get(activity_id, 0.0) + cost
        mine = {a.code: a.id for a in data.activities.values()}
        rows = []
        for a in base.activities.values():
            target = mine.get(a.code)
            if target is None:
                continue
            c = base.computed.get(a.id)
            rows.append(
                BaselineActivity(
                    activity_id=target,
                    start=a.actual_start or (c.early_start if c else None) or a.planned_start,
                    finish=a.actual_finish or (c.early_finish if c else None) or a.planned_finish,
                    duration=a.original_duration,
                    budgeted_cost=costs.get(a.id, 0.0),
                )
            )
        baseline = Baseline(
            name=f"{base.project.code} (P6 baseline)",
            taken_at=base.project.data_date or base.project.planned_start,
            activities=tuple(rows),
            id=ctx.new_id(),
        )
        data.baselines[baseline.id] = baseline
        ctx.note(
            Severity.CONVERTED,
            "baseline.from_project",
            f"{data.project.code}: project {base.project.code} read as its baseline ({len(rows)} activities matched)",
            "PROJECT.sum_base_proj_id",
        )
