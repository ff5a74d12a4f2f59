"""The XER writer's tables beyond the logic: resources and rates, assignments, expenses, codes and user fields."""

from __future__ import annotations

from bbschedule.core.enums import ResourceType, UserFieldType
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.formats.xer.mapping import RESOURCE_TYPE_CODES, UDF_TYPE_CODES
from bbschedule.formats.xer.values import format_date, format_number
from bbschedule.formats.xer.writer_support import Out, guid, number_ids


def write_resources(out: Out, data: ProjectData, cal_ids: dict[str, str], *, default_cal: str) -> dict[str, str]:
    ids = number_ids((r.id, r.source_id) for r in data.resources.values())
    children: dict[str | None, list[str]] = {}
    for r in data.resources.values():
        children.setdefault(r.parent_id if r.parent_id in data.resources else None, []).append(r.id)
    ordered: list[str] = []
    stack: list[str | None] = [None]
    while stack:
        key = stack.pop()
        for rid in children.get(key, ()):
            if rid not in ordered:
                ordered.append(rid)
                stack.append(rid)
    rate_id = 0
    units: dict[str, str] = {}
    for rid in ordered:
        unit = data.resources[rid].unit.strip()
        if data.resources[rid].type is ResourceType.MATERIAL and unit and unit not in units:
            units[unit] = str(len(units) + 1)
            out.add(
                "UMEASURE", {"unit_id": units[unit], "seq_num": units[unit], "unit_abbrev": unit, "unit_name": unit}
            )
    for seq, rid in enumerate(ordered, start=1):
        r = data.resources[rid]
        out.add("RSRC", {
            "rsrc_id": ids[r.id], "parent_rsrc_id": ids.get(r.parent_id or "", ""),
            "clndr_id": cal_ids.get(r.calendar_id or "", default_cal), "rsrc_seq_num": str(seq),
            "rsrc_name": r.name, "rsrc_short_name": r.code, "rsrc_type": RESOURCE_TYPE_CODES[r.type],
            "guid": guid(r.id), "unit_id": units.get(r.unit.strip(), "") if r.type is ResourceType.MATERIAL else "",
        })  # fmt: skip
        for rate in r.rates:
            rate_id += 1
            out.add("RSRCRATE", {
                "rsrc_rate_id": str(rate_id), "rsrc_id": ids[r.id],
                "max_qty_per_hr": format_number(rate.max_units_per_hour),
                "cost_per_qty": f"{rate.price_per_unit:.4f}", "start_date": format_date(rate.effective_from),
                "cost_per_qty2": "0", "cost_per_qty3": "0", "cost_per_qty4": "0", "cost_per_qty5": "0",
            })  # fmt: skip
    return ids


def write_codes_and_fields(
    out: Out,
    data: ProjectData,
    task_ids: dict[str, str],
    rsrc_ids: dict[str, str],
    *,
    proj_id: str,
    report: FidelityReport,
) -> None:
    _assignments(out, data, task_ids, rsrc_ids, proj_id=proj_id)
    _expenses(out, data, task_ids, proj_id=proj_id)
    type_ids = number_ids((t.id, t.source_id) for t in data.code_types.values())
    for seq, t in enumerate(data.code_types.values(), start=1):
        out.add("ACTVTYPE", {
            "actv_code_type_id": type_ids[t.id], "seq_num": str(seq), "actv_code_type": t.name,
            "proj_id": "" if t.is_global else proj_id,
            "actv_code_type_scope": "AS_Global" if t.is_global else "AS_Project",
        })  # fmt: skip
    value_ids = number_ids((v.id, v.source_id) for v in data.code_values.values())
    ordered = sorted(data.code_values.values(), key=lambda v: _depth(data, v.id))
    for v in ordered:
        out.add("ACTVCODE", {
            "actv_code_id": value_ids[v.id], "parent_actv_code_id": value_ids.get(v.parent_id or "", ""),
            "actv_code_type_id": type_ids[v.type_id], "actv_code_name": v.description or v.code,
            "short_name": v.code, "seq_num": str(v.sequence),
        })  # fmt: skip
    udf_ids = number_ids((f.id, f.source_id) for f in data.user_fields.values())
    for f in data.user_fields.values():
        out.add("UDFTYPE", {
            "udf_type_id": udf_ids[f.id], "table_name": "TASK", "udf_type_name": f"user_field_{udf_ids[f.id]}",
            "udf_type_label": f.name, "logical_data_type": UDF_TYPE_CODES[f.data_type],
        })  # fmt: skip
    dropped = 0
    for a in data.activities.values():
        for type_id, value_id in a.codes.items():
            if type_id in type_ids and value_id in value_ids:
                out.add("TASKACTV", {
                    "task_id": task_ids[a.id], "actv_code_type_id": type_ids[type_id],
                    "actv_code_id": value_ids[value_id], "proj_id": proj_id,
                })  # fmt: skip
            else:
                dropped += 1
        for field_id, value in a.user_fields.items():
            uf = data.user_fields.get(field_id)
            if uf is None or value is None:
                dropped += 1
                continue
            row = {"udf_type_id": udf_ids[field_id], "fk_id": task_ids[a.id], "proj_id": proj_id}
            if uf.data_type is UserFieldType.DATE:
                row["udf_date"] = str(value).replace("T", " ")[:16]
            elif uf.data_type in (UserFieldType.NUMBER, UserFieldType.COST, UserFieldType.INTEGER):
                row["udf_number"] = format_number(float(value))
            else:
                row["udf_text"] = str(value)
            out.add("UDFVALUE", row)
    if dropped:
        report.add(Severity.DROPPED, "activity.codes", f"{dropped} code or field values refer to nothing", "TASKACTV")


def _depth(data: ProjectData, value_id: str) -> int:
    depth = 0
    current = data.code_values.get(value_id)
    while current is not None and current.parent_id and depth < 50:
        depth += 1
        current = data.code_values.get(current.parent_id)
    return depth


def _assignments(
    out: Out, data: ProjectData, task_ids: dict[str, str], rsrc_ids: dict[str, str], *, proj_id: str
) -> None:
    kept = [a for a in data.assignments.values() if a.activity_id in task_ids and a.resource_id in rsrc_ids]
    ids = number_ids((a.id, None) for a in kept)
    for a in kept:
        activity = data.activities[a.activity_id]
        resource = data.resources[a.resource_id]
        start = activity.planned_start or data.project.planned_start
        out.add("TASKRSRC", {
            "taskrsrc_id": ids[a.id], "task_id": task_ids[a.activity_id], "proj_id": proj_id,
            "rsrc_id": rsrc_ids[a.resource_id], "remain_qty": format_number(a.remaining_units),
            "target_qty": format_number(a.budgeted_units), "act_reg_qty": format_number(a.actual_units),
            "target_cost": format_number(a.budgeted_cost), "act_reg_cost": format_number(a.actual_cost),
            "remain_cost": format_number(a.remaining_cost), "act_start_date": format_date(activity.actual_start),
            "act_end_date": format_date(activity.actual_finish),
            "target_start_date": format_date(start), "target_end_date": format_date(activity.planned_finish or start),
            "rsrc_type": RESOURCE_TYPE_CODES[resource.type],
            "remain_qty_per_hr": format_number(_per_hour(a.remaining_units, activity.remaining)),
            "target_qty_per_hr": format_number(_per_hour(a.budgeted_units, activity.original_duration)),
            "cost_per_qty": format_number(a.budgeted_cost / a.budgeted_units if a.budgeted_units else 0.0),
        })  # fmt: skip


def _per_hour(units: float, minutes: int) -> float:
    """P6's units/time: the units spread over the activity's working hours (1/h when it has none)."""
    return round(units / (minutes / 60), 6) if minutes > 0 else 1.0


def _expenses(out: Out, data: ProjectData, task_ids: dict[str, str], *, proj_id: str) -> None:
    kept = [e for e in data.expenses.values() if e.activity_id in task_ids]
    ids = number_ids((e.id, None) for e in kept)
    for e in kept:
        out.add("PROJCOST", {
            "cost_item_id": ids[e.id], "proj_id": proj_id, "task_id": task_ids[e.activity_id], "cost_name": e.name,
            "act_cost": format_number(e.actual_cost), "remain_cost": format_number(e.remaining_cost),
            "target_cost": format_number(e.budgeted_cost),
        })  # fmt: skip
