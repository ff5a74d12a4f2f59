"""The XER tables around the schedule logic: activity codes, user fields, resources, rates, assignments, expenses.

Code types, user fields and resources are global in P6; each project read from a file gets its own copies
(own ids), so that two projects of one file can be imported side by side.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bbschedule.core.codes import ActivityCodeType, ActivityCodeValue, UserField
from bbschedule.core.enums import ResourceType, UserFieldType
from bbschedule.core.project_data import ProjectData
from bbschedule.core.resource import Assignment, Expense, Resource, ResourceRate
from bbschedule.formats.fidelity import Severity
from bbschedule.formats.xer.context import Context
from bbschedule.formats.xer.mapping import RESOURCE_TYPES, UDF_TYPES
from bbschedule.formats.xer.values import format_date

if TYPE_CHECKING:
    from bbschedule.formats.xer.tasks import TaskIndex


@dataclass
class Shared:
    codes_by_task: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """task_id -> [('t' + actv_code_type_id, 'v' + actv_code_id)]."""
    fields_by_task: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    """task_id -> [(udf_type_id, value)]."""
    code_value_ids: dict[str, str] = field(default_factory=dict)
    """The current project's ids for 't…' code types and 'v…' code values."""
    user_field_ids: dict[str, str] = field(default_factory=dict)
    resource_calendars: set[str] = field(default_factory=set)
    notes_by_task: dict[str, str] = field(default_factory=dict)
    """task_id -> the text of its memos (TASKMEMO, HTML turned into plain text)."""
    task_udf_types: dict[str, tuple[str, UserFieldType]] = field(default_factory=dict)


def read_shared(ctx: Context) -> Shared:
    shared = Shared()
    actv = ctx.table("TASKACTV")
    if actv is not None:
        c_task, c_type, c_value = (actv.col(n) for n in ("task_id", "actv_code_type_id", "actv_code_id"))
        codes: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for row in actv.rows:
            codes[row[c_task]].append(("t" + row[c_type], "v" + row[c_value]))
        shared.codes_by_task = dict(codes)
    udf_types = ctx.table("UDFTYPE")
    if udf_types is not None:
        c = {n: udf_types.col(n) for n in ("udf_type_id", "table_name", "udf_type_label", "logical_data_type")}
        for row, line in zip(udf_types.rows, udf_types.lines, strict=True):
            if row[c["table_name"]] != "TASK":
                ctx.note(Severity.DROPPED, "udf.table", f"user field on {row[c['table_name']]} not kept",
                         f"UDFTYPE line {line}")  # fmt: skip
                continue
            kind = UDF_TYPES.get(row[c["logical_data_type"]], UserFieldType.TEXT)
            label = row[c["udf_type_label"]].strip() or f"UDF {row[c['udf_type_id']]}"
            shared.task_udf_types[row[c["udf_type_id"]]] = (label, kind)
    values = ctx.table("UDFVALUE")
    if values is not None and shared.task_udf_types:
        c = {n: values.col(n) for n in ("udf_type_id", "fk_id", "udf_date", "udf_number", "udf_text", "udf_code_id")}
        fields: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        for row, line in zip(values.rows, values.lines, strict=True):
            found = shared.task_udf_types.get(row[c["udf_type_id"]])
            if found is None:
                continue
            kind = found[1]
            value: Any
            if kind is UserFieldType.DATE:
                when = ctx.values.date(row[c["udf_date"]], line=line, where="UDFVALUE.udf_date")
                value = format_date(when).replace(" ", "T") if when else None
            elif kind in (UserFieldType.NUMBER, UserFieldType.COST, UserFieldType.INTEGER):
                value = ctx.values.optional_number(row[c["udf_number"]], line=line, where="UDFVALUE.udf_number")
                if kind is UserFieldType.INTEGER and value is not None:
                    value = int(value)
            else:
                value = row[c["udf_text"]] or row[c["udf_code_id"]]
            if value is not None:
                fields[row[c["fk_id"]]].append((row[c["udf_type_id"]], value))
        shared.fields_by_task = dict(fields)
    shared.notes_by_task = _notes(ctx)
    rsrc = ctx.table("RSRC")
    if rsrc is not None:
        col = rsrc.col("clndr_id")
        shared.resource_calendars = {row[col] for row in rsrc.rows if row[col]}
    return shared


_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<\s*(br|/div|/p|/li|/tr)\b[^>]*>", re.IGNORECASE)
_HEAD = re.compile(r"<head\b.*?</head\s*>", re.IGNORECASE | re.DOTALL)


def memo_text(memo: str) -> str:
    """A P6 memo (HTML, line breaks written as DEL DEL) as plain text."""
    text = memo.replace("\x7f\x7f", "\n").replace('""', '"')
    if "<" in text:
        text = _BREAK.sub("\n", _HEAD.sub("", text))
        text = html.unescape(_TAG.sub("", text))
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def _notes(ctx: Context) -> dict[str, str]:
    memos = ctx.table("TASKMEMO")
    if memos is None or not len(memos):
        return {}
    types = ctx.table("MEMOTYPE")
    names = dict(zip(types.column("memo_type_id"), types.column("memo_type"), strict=True)) if types else {}
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for task, kind, memo in zip(
        memos.column("task_id"), memos.column("memo_type_id"), memos.column("task_memo"), strict=True
    ):
        text = memo_text(memo)
        if text:
            out[task].append((names.get(kind, "").strip(), text))
    ctx.note(Severity.CONVERTED, "notes.html", f"{len(memos)} activity memos read as plain text notes", "TASKMEMO")
    # One memo is the note itself; several are headed by their memo types so that none is mistaken for another.
    return {
        task: parts[0][1] if len(parts) == 1 else "\n\n".join(f"[{t}]\n{x}" if t else x for t, x in parts)
        for task, parts in out.items()
    }


def add_codes_and_fields(ctx: Context, data: ProjectData, shared: Shared, *, proj_id: str) -> None:
    """Code types (global, EPS, or this project's), their values, and task user fields, with fresh ids."""
    ids: dict[str, str] = {}
    types = ctx.table("ACTVTYPE")
    if types is not None:
        c = {n: types.col(n) for n in ("actv_code_type_id", "actv_code_type", "proj_id", "actv_code_type_scope")}
        for row in types.rows:
            owner = row[c["proj_id"]]
            if owner and owner != proj_id:
                continue
            sid = row[c["actv_code_type_id"]]
            ids["t" + sid] = ctx.new_id()
            name = row[c["actv_code_type"]].strip() or f"Code {sid}"
            scope = row[c["actv_code_type_scope"]]
            code_type = ActivityCodeType(name=name, is_global=scope != "AS_Project", id=ids["t" + sid], source_id=sid)
            data.code_types[code_type.id] = code_type
    values = ctx.table("ACTVCODE")
    if values is not None:
        c = {
            n: values.col(n)
            for n in (
                "actv_code_id",
                "parent_actv_code_id",
                "actv_code_type_id",
                "actv_code_name",
                "short_name",
                "seq_num",
            )
        }
        kept = [
            (row, line)
            for row, line in zip(values.rows, values.lines, strict=True)
            if "t" + row[c["actv_code_type_id"]] in ids
        ]
        for row, _line in kept:
            ids["v" + row[c["actv_code_id"]]] = ctx.new_id()
        for row, line in kept:
            sid = row[c["actv_code_id"]]
            code = row[c["short_name"]].strip() or row[c["actv_code_name"]].strip() or sid.strip() or f"#{line}"
            seq = ctx.values.optional_number(row[c["seq_num"]], line=line, where="ACTVCODE.seq_num") or 0
            obj = ActivityCodeValue(
                type_id=ids["t" + row[c["actv_code_type_id"]]],
                code=code,
                description=row[c["actv_code_name"]].strip(),
                parent_id=ids.get("v" + row[c["parent_actv_code_id"]]),
                sequence=int(seq),
                id=ids["v" + sid],
                source_id=sid,
            )
            data.code_values[obj.id] = obj
    shared.code_value_ids = ids
    shared.user_field_ids = {}
    for sid, (label, kind) in shared.task_udf_types.items():
        uf = UserField(name=label, data_type=kind, id=ctx.new_id(), source_id=sid)
        shared.user_field_ids[sid] = uf.id
        data.user_fields[uf.id] = uf


def add_resources(
    ctx: Context, data: ProjectData, shared: Shared, *, calendars: dict[str, str], proj_id: str, index: TaskIndex
) -> None:
    rsrc = ctx.table("RSRC")
    ids: dict[str, str] = {}
    if rsrc is not None:
        c = {n: rsrc.col(n) for n in ("rsrc_id", "parent_rsrc_id", "clndr_id", "rsrc_name", "rsrc_short_name",
                                      "rsrc_type", "unit_id")}  # fmt: skip
        measures = ctx.table("UMEASURE")
        units = dict(zip(measures.column("unit_id"), measures.column("unit_abbrev"), strict=True)) if measures else {}
        for row in rsrc.rows:
            ids[row[c["rsrc_id"]]] = ctx.new_id()
        rates = _rates(ctx)
        for row, line in zip(rsrc.rows, rsrc.lines, strict=True):
            sid = row[c["rsrc_id"]]
            code = row[c["rsrc_short_name"]].strip() or sid.strip()
            if not code:
                ctx.note(Severity.DROPPED, "resource.no_id", "a resource without an id is ignored", f"RSRC line {line}")
                continue
            kind = RESOURCE_TYPES.get(row[c["rsrc_type"]], ResourceType.LABOR)
            parent = ids.get(row[c["parent_rsrc_id"]])
            obj = Resource(
                code=code,
                name=row[c["rsrc_name"]].strip() or code,
                type=kind,
                unit="h" if kind is not ResourceType.MATERIAL else units.get(row[c["unit_id"]], "").strip(),
                calendar_id=calendars.get(row[c["clndr_id"]]),
                rates=tuple(rates.get(sid, ())),
                parent_id=parent if parent != ids[sid] else None,
                id=ids[sid],
                source_id=sid,
            )
            if row[c["clndr_id"]] and obj.calendar_id is None:
                ctx.note(Severity.CONVERTED, "resource.calendar", f"{code}: unknown calendar", f"RSRC line {line}")
            data.resources[obj.id] = obj
    _assignments(ctx, data, ids, proj_id=proj_id, index=index)
    _expenses(ctx, data, proj_id=proj_id, index=index)


def _rates(ctx: Context) -> dict[str, list[ResourceRate]]:
    table = ctx.table("RSRCRATE")
    out: dict[str, list[ResourceRate]] = defaultdict(list)
    if table is None:
        return out
    c = {n: table.col(n) for n in ("rsrc_id", "max_qty_per_hr", "cost_per_qty", "start_date")}
    v = ctx.values
    for row, line in zip(table.rows, table.lines, strict=True):
        when = v.date(row[c["start_date"]], line=line, where="RSRCRATE.start_date")
        price = v.number(row[c["cost_per_qty"]], line=line, where="RSRCRATE.cost_per_qty")
        units = v.number(row[c["max_qty_per_hr"]], line=line, where="RSRCRATE.max_qty_per_hr", default=1.0)
        if price < 0:
            ctx.note(Severity.CONVERTED, "rate.negative", "a negative price was set to 0", f"RSRCRATE line {line}")
            price = 0.0
        out[row[c["rsrc_id"]]].append(
            ResourceRate(
                effective_from=when.date() if when else _EARLIEST, price_per_unit=price, max_units_per_hour=units
            )
        )
    for rates in out.values():
        rates.sort(key=lambda r: r.effective_from)
    return out


_EARLIEST = dt.date(1900, 1, 1)


def _assignments(ctx: Context, data: ProjectData, resources: dict[str, str], *, proj_id: str, index: TaskIndex) -> None:
    table = ctx.table("TASKRSRC")
    if table is None:
        return
    names = ("task_id", "rsrc_id", "remain_qty", "target_qty", "act_reg_qty", "act_ot_qty", "target_cost",
             "act_reg_cost", "act_ot_cost", "remain_cost")  # fmt: skip
    c = {n: table.col(n) for n in names}
    v = ctx.values
    for i in ctx.rows_by("TASKRSRC", "proj_id").get(proj_id, ()):
        row, line = table.rows[i], table.lines[i]
        activity = index.activity_of.get(row[c["task_id"]])
        resource = resources.get(row[c["rsrc_id"]])
        if activity is None or resource is None or activity not in data.activities:
            what = "a role" if not row[c["rsrc_id"]] else "an unknown resource or activity"
            ctx.note(Severity.DROPPED, "assignment.dropped", f"an assignment of {what} was dropped",
                     f"TASKRSRC line {line}")  # fmt: skip
            continue

        def num(name: str, row: list[str] = row, line: int = line) -> float:
            return v.number(row[c[name]], line=line, where=f"TASKRSRC.{name}")

        # Sums are rounded to P6's stored precision so that a+b does not leave 9999.60000000001 behind.
        units = [num("target_qty"), round(num("act_reg_qty") + num("act_ot_qty"), 6), num("remain_qty")]
        if min(units) < 0:
            ctx.note(Severity.CONVERTED, "assignment.negative", "negative units set to 0", f"TASKRSRC line {line}")
            units = [max(u, 0.0) for u in units]
        obj = Assignment(
            activity_id=activity,
            resource_id=resource,
            budgeted_units=units[0],
            actual_units=units[1],
            remaining_units=units[2],
            budgeted_cost=num("target_cost"),
            actual_cost=round(num("act_reg_cost") + num("act_ot_cost"), 6),
            remaining_cost=num("remain_cost"),
            id=ctx.new_id(),
        )
        data.assignments[obj.id] = obj


def _expenses(ctx: Context, data: ProjectData, *, proj_id: str, index: TaskIndex) -> None:
    table = ctx.table("PROJCOST")
    if table is None:
        return
    c = {n: table.col(n) for n in ("task_id", "cost_name", "target_cost", "act_cost", "remain_cost")}
    v = ctx.values
    for i in ctx.rows_by("PROJCOST", "proj_id").get(proj_id, ()):
        row, line = table.rows[i], table.lines[i]
        activity = index.activity_of.get(row[c["task_id"]])
        if activity is None or activity not in data.activities:
            ctx.note(Severity.DROPPED, "expense.dropped", "an expense of an unknown activity", f"PROJCOST line {line}")
            continue
        obj = Expense(
            activity_id=activity,
            name=row[c["cost_name"]].strip() or "Expense",
            budgeted_cost=v.number(row[c["target_cost"]], line=line, where="PROJCOST.target_cost"),
            actual_cost=v.number(row[c["act_cost"]], line=line, where="PROJCOST.act_cost"),
            remaining_cost=v.number(row[c["remain_cost"]], line=line, where="PROJCOST.remain_cost"),
            id=ctx.new_id(),
        )
        data.expenses[obj.id] = obj
