"""Read a Primavera P6 XER file into one ProjectData per PROJECT row.

The project's root WBS node (proj_node_flag = Y) is the project itself: it gives the project its name and
is not a Wbs object; its child nodes hang directly under the project (parent_id None), and activities
filed under it have wbs_id None. The writer puts the root node back from the project's code and name.
Wbs.code is P6's wbs_short_name (the node's own segment, not the dotted path).

Kept from P6's own schedule, as the scheduler's oracle: early/late dates, total and free float (minutes) and
the driving-path flag of every activity, in ProjectData.computed. Calendars: the global ones, the project's
own, resource calendars and any a task uses. Everything dropped or converted is in the report, with counts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bbschedule.core.calendar import Calendar
from bbschedule.core.enums import CriticalMode, FloatPathBasis, ProgressMode
from bbschedule.core.errors import InputFileError, ValidationError
from bbschedule.core.project import MAX_FLOAT_PATHS, Project, ScheduleOptions, Wbs
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.formats.registry import ImportResult, ReadOptions
from bbschedule.formats.xer import extras, tasks
from bbschedule.formats.xer.baselines import add_baselines
from bbschedule.formats.xer.calendars import CalendarRow, calendars_for_project, parse_calendars
from bbschedule.formats.xer.context import Context
from bbschedule.formats.xer.mapping import FLOAT_MODES, LAG_CALENDARS
from bbschedule.formats.xer.tokenizer import Limits, tokenize
from bbschedule.formats.xer.values import flag

log = logging.getLogger(__name__)

HANDLED_TABLES = {
    "PROJECT",
    "SCHEDOPTIONS",
    "CALENDAR",
    "PROJWBS",
    "TASK",
    "TASKPRED",
    "RSRC",
    "RSRCRATE",
    "TASKRSRC",
    "ACTVTYPE",
    "ACTVCODE",
    "TASKACTV",
    "UDFTYPE",
    "UDFVALUE",
    "PROJCOST",
    "CURRTYPE",
    "TASKMEMO",
    "MEMOTYPE",
    "UMEASURE",
}


READ_FIELDS = {
    "PROJECT": "proj_id proj_short_name clndr_id plan_start_date last_recalc_date plan_end_date critical_path_type "
    "critical_drtn_hr_cnt sum_base_proj_id",
    "SCHEDOPTIONS": "proj_id sched_progress_override sched_retained_logic sched_float_type "
    "sched_calendar_on_relationship_lag sched_open_critical_flag sched_lag_early_start_flag sched_use_expect_end_flag "
    "enable_multiple_longest_path_calc max_multiple_longest_path use_total_float_multiple_longest_paths "
    "key_activity_for_multiple_longest_paths",
    "CALENDAR": "clndr_id default_flag clndr_name proj_id base_clndr_id clndr_type day_hr_cnt week_hr_cnt month_hr_cnt "
    "year_hr_cnt clndr_data",
    "PROJWBS": "wbs_id proj_id proj_node_flag seq_num wbs_short_name wbs_name parent_wbs_id",
    "TASK": " ".join(("proj_id", *tasks.TASK_FIELDS)),
    "TASKPRED": "task_id pred_task_id pred_type lag_hr_cnt proj_id pred_proj_id",
    "RSRC": "rsrc_id parent_rsrc_id clndr_id rsrc_name rsrc_short_name rsrc_type unit_id",
    "RSRCRATE": "rsrc_id max_qty_per_hr cost_per_qty start_date",
    "TASKRSRC": "task_id proj_id rsrc_id remain_qty target_qty act_reg_qty act_ot_qty target_cost act_reg_cost "
    "act_ot_cost remain_cost",
    "ACTVTYPE": "actv_code_type_id actv_code_type proj_id actv_code_type_scope",
    "ACTVCODE": "actv_code_id parent_actv_code_id actv_code_type_id actv_code_name short_name seq_num",
    "TASKACTV": "task_id actv_code_type_id actv_code_id proj_id",
    "UDFTYPE": "udf_type_id table_name udf_type_label logical_data_type",
    "UDFVALUE": "udf_type_id fk_id proj_id udf_date udf_number udf_text udf_code_id",
    "PROJCOST": "task_id proj_id cost_name target_cost act_cost remain_cost",
    "TASKMEMO": "task_id memo_type_id task_memo",
    "MEMOTYPE": "memo_type_id memo_type",
    "UMEASURE": "unit_id unit_abbrev",
}
"""The fields each table is read for; the others are listed in the report (P6 bookkeeping, guids, summaries)."""


def read(path: Path, *, options: ReadOptions) -> ImportResult:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            raise InputFileError(name, f"is {size} bytes, more than the {options.max_bytes} allowed")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(name, f"cannot be read ({exc.strerror or exc})") from None
    return read_bytes(raw, path=name, options=options)


def read_bytes(raw: bytes, *, path: str, options: ReadOptions | None = None) -> ImportResult:
    options = options or ReadOptions()
    # The import allocates millions of small acyclic objects; the cyclic collector would rescan them all
    # again and again (a third of the time on a 100k-activity file), so it pauses for the duration.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _read_bytes(raw, path=path, options=options)
    finally:
        if enabled:
            gc.enable()


def _read_bytes(raw: bytes, *, path: str, options: ReadOptions) -> ImportResult:
    xer = tokenize(raw, path=path, encoding=options.encoding, limits=Limits(max_bytes=options.max_bytes))
    report = FidelityReport(path, "xer", "import")
    how = "as asked" if options.encoding else "detected"
    report.add(Severity.INFO, "encoding", f"P6 {xer.version or '?'} export read as {xer.encoding} ({how})", "file")
    ctx = Context(xer, report)
    projects = build_projects(ctx)
    ctx.flush()
    return ImportResult(projects, report, "xer", extra={"encoding": xer.encoding, "version": xer.version})


def build_projects(ctx: Context) -> list[ProjectData]:
    table = ctx.table("PROJECT")
    if table is None or not table.rows:
        raise InputFileError(ctx.path, "holds no PROJECT table: it is not a project export", field="PROJECT")
    for name, found in ctx.xer.tables.items():
        ctx.report.counts[f"rows.{name}"] = len(found)
        if name not in HANDLED_TABLES and len(found):
            ctx.note(Severity.DROPPED, "table.ignored", f"table {name} ({len(found)} rows) is not read", name)
        elif name in READ_FIELDS and len(found):
            unread = [f for f in found.fields if f not in READ_FIELDS[name].split()]
            if unread:
                ctx.note(Severity.INFO, "fields.ignored", f"{name}: fields not kept: {', '.join(unread)}", name)
    calendar_rows = parse_calendars(ctx)
    shared = extras.read_shared(ctx)
    task_index = tasks.index_tasks(ctx)
    out: list[ProjectData] = []
    seen: set[str] = set()
    id_column = table.col("proj_id")
    for row, line in zip(table.rows, table.lines, strict=True):
        if row[id_column].strip() in seen:
            ctx.note(
                Severity.DROPPED, "project.duplicate", "a second PROJECT row with the same proj_id", f"line {line}"
            )
            continue
        seen.add(row[id_column].strip())
        out.append(_project(ctx, row, line, calendar_rows, shared, task_index))
    base_ids = {k.strip(): v for k, v in zip(table.column("proj_id"), table.column("sum_base_proj_id"), strict=True)}
    add_baselines(ctx, out, base_ids)
    for key in ("activities", "relationships", "calendars", "resources", "wbs", "assignments", "expenses"):
        ctx.report.counts[key] = sum(len(getattr(p, key)) for p in out)
    ctx.report.counts["projects"] = len(out)
    return out


def _project(
    ctx: Context,
    row: list[str],
    line: int,
    calendar_rows: dict[str, CalendarRow],
    shared: extras.Shared,
    task_index: tasks.TaskIndex,
) -> ProjectData:
    table = ctx.table("PROJECT")
    assert table is not None
    v = ctx.values

    def get(name: str) -> str:
        return row[table.col(name)].strip()

    def date(name: str) -> dt.datetime | None:
        return v.date(get(name), line=line, where=f"PROJECT.{name}")

    proj_id = get("proj_id")
    if not proj_id:
        raise InputFileError(ctx.path, "a project without proj_id", line=line, field="PROJECT.proj_id")
    code = get("proj_short_name") or f"P{proj_id}"
    root, wbs = _wbs(ctx, proj_id)
    name = (root[1] if root else "") or code

    referenced = task_index.calendars_of(proj_id) | shared.resource_calendars
    calendars = calendars_for_project(ctx, calendar_rows, proj_id=proj_id, referenced=referenced)
    default = calendars.get(get("clndr_id"))
    if default is None:
        default = _fallback_default(ctx, calendars, line)
    planned = date("plan_start_date")
    data_date = date("last_recalc_date")
    if planned is None:
        planned = data_date or task_index.first_date(proj_id) or dt.datetime(2000, 1, 1)
        ctx.note(Severity.CONVERTED, "project.planned_start", f"{code}: no plan_start_date, using {planned}", "PROJECT")
    must_finish = date("plan_end_date")
    if must_finish is not None and must_finish < planned:
        ctx.note(Severity.DROPPED, "project.must_finish_by", f"{code}: must-finish-by before the start", "PROJECT")
        must_finish = None
    options, key_task = _options(ctx, proj_id, code, row)
    try:
        project = Project(
            code=code,
            name=name,
            planned_start=planned,
            data_date=data_date,
            must_finish_by=must_finish,
            default_calendar_id=default.id if default else None,
            options=options,
            currency=ctx.xer.header[8].strip() if len(ctx.xer.header) > 8 and ctx.xer.header[8].strip() else "USD",
            id=ctx.new_id(),
            source_id=proj_id,
        )
    except ValidationError as exc:
        raise InputFileError(ctx.path, exc.message, line=line, field=f"PROJECT.{exc.field}") from None
    data = ProjectData(project=project)
    data.calendars = {c.id: c for c in calendars.values()}
    data.wbs = {w.id: w for w in wbs.values()}
    cal_ids = {sid: c.id for sid, c in calendars.items()}
    wbs_ids = {sid: w.id for sid, w in wbs.items()}
    if root is not None:
        wbs_ids[root[0]] = ""
    extras.add_codes_and_fields(ctx, data, shared, proj_id=proj_id)
    tasks.add_activities(
        ctx,
        data,
        proj_id=proj_id,
        calendars=cal_ids,
        wbs=wbs_ids,
        default_calendar=default.id if default else "",
        index=task_index,
        shared=shared,
    )
    tasks.add_relationships(ctx, data, proj_id=proj_id, index=task_index)
    extras.add_resources(ctx, data, shared, calendars=cal_ids, proj_id=proj_id, index=task_index)
    if key_task:
        _float_path_end(ctx, data, key_task, task_index)
    # References hold by construction (every id comes from this file's maps), so check_all is not repeated here.
    return data


def _fallback_default(ctx: Context, calendars: dict[str, Calendar], line: int) -> Calendar | None:
    for calendar in calendars.values():
        if calendar.is_default:
            return calendar
    if calendars:
        return next(iter(calendars.values()))
    ctx.note(Severity.WARNING, "project.calendar", "the file holds no calendar", f"PROJECT line {line}")
    return None


def _float_path_end(ctx: Context, data: ProjectData, key_task: str, index: tasks.TaskIndex) -> None:
    """The activity P6's float paths end at (a task_id) as ours; one of another project or none is dropped."""
    activity_id = index.activity_of.get(key_task)
    if activity_id is None or activity_id not in data.activities:
        ctx.note(
            Severity.DROPPED,
            "options.float_path_end",
            f"{data.project.code}: the float paths' ending activity (task_id {key_task}) is not in the project; "
            "they end at the project's finish",
            "SCHEDOPTIONS.key_activity_for_multiple_longest_paths",
        )
        return
    options = dataclasses.replace(data.project.options, float_path_end_activity_id=activity_id)
    data.project = dataclasses.replace(data.project, options=options)


def _float_path_options(ctx: Context, code: str, s: Callable[[str], str]) -> dict[str, Any]:
    """P6's multiple float path settings (Schedule Options, Advanced) as ScheduleOptions fields."""
    out: dict[str, Any] = {"multiple_float_paths": flag(s("enable_multiple_longest_path_calc"))}
    by = s("use_total_float_multiple_longest_paths")
    if by:
        out["float_path_by"] = FloatPathBasis.TOTAL_FLOAT if flag(by) else FloatPathBasis.FREE_FLOAT
    count = s("max_multiple_longest_path")
    if count:
        try:
            number = int(float(count))
        except ValueError:
            number = 0
        if 1 <= number <= MAX_FLOAT_PATHS:
            out["float_path_count"] = number
        else:
            ctx.note(
                Severity.CONVERTED,
                "options.float_path_count",
                f"{code}: {count!r} float paths is not 1 to {MAX_FLOAT_PATHS}; 10 kept",
                "SCHEDOPTIONS.max_multiple_longest_path",
            )
    return out


def _options(ctx: Context, proj_id: str, code: str, row: list[str]) -> tuple[ScheduleOptions, str]:
    """The project's schedule options, and the task_id its float paths end at ('' for none)."""
    table = ctx.table("PROJECT")
    assert table is not None
    critical_mode = CriticalMode.TOTAL_FLOAT
    if row[table.col("critical_path_type")].strip() == "CT_DrivPath":
        critical_mode = CriticalMode.LONGEST_PATH
    threshold = ctx.values.minutes(
        row[table.col("critical_drtn_hr_cnt")].strip(), line=0, where="PROJECT.critical_drtn_hr_cnt"
    )
    sched = ctx.table("SCHEDOPTIONS")
    found = ctx.rows_by("SCHEDOPTIONS", "proj_id").get(proj_id) if sched is not None else None
    if sched is None or not found:
        return ScheduleOptions(critical_mode=critical_mode, critical_float_threshold=threshold), ""
    srow = sched.rows[found[0]]

    def s(name: str) -> str:
        return srow[sched.col(name)].strip()

    if flag(s("sched_progress_override")):
        progress = ProgressMode.PROGRESS_OVERRIDE
    elif flag(s("sched_retained_logic")) or not sched.has("sched_retained_logic"):
        progress = ProgressMode.RETAINED_LOGIC
    else:
        progress = ProgressMode.ACTUAL_DATES
    float_code, lag_code = s("sched_float_type"), s("sched_calendar_on_relationship_lag")
    defaults = ScheduleOptions()
    if float_code and float_code not in FLOAT_MODES:
        ctx.note(Severity.CONVERTED, "options.float", f"{code}: unknown float type {float_code!r}", "SCHEDOPTIONS")
    if lag_code and lag_code not in LAG_CALENDARS:
        ctx.note(Severity.CONVERTED, "options.lag", f"{code}: unknown lag calendar {lag_code!r}", "SCHEDOPTIONS")
    for name, default in (("sched_lag_early_start_flag", "Y"), ("sched_use_expect_end_flag", "Y")):
        if sched.has(name) and s(name) and s(name) != default:
            ctx.note(Severity.DROPPED, "options.unsupported", f"{code}: option {name}={s(name)} is not kept", name)
    options = ScheduleOptions(
        progress_mode=progress,
        float_mode=FLOAT_MODES.get(float_code, defaults.float_mode),
        critical_mode=critical_mode,
        critical_float_threshold=threshold,
        lag_calendar=LAG_CALENDARS.get(lag_code, defaults.lag_calendar),
        open_ended_critical=flag(s("sched_open_critical_flag")),
        **_float_path_options(ctx, code, s),
    )
    return options, s("key_activity_for_multiple_longest_paths")


def _wbs(ctx: Context, proj_id: str) -> tuple[tuple[str, str] | None, dict[str, Wbs]]:
    """The root node (source id, name) and the other nodes keyed by wbs_id."""
    table = ctx.table("PROJWBS")
    if table is None:
        return None, {}
    c = {
        n: table.col(n) for n in ("wbs_id", "proj_node_flag", "seq_num", "wbs_short_name", "wbs_name", "parent_wbs_id")
    }
    rows = [(table.rows[i], table.lines[i]) for i in ctx.rows_by("PROJWBS", "proj_id").get(proj_id, [])]
    for row, line in rows:
        if not row[c["wbs_id"]].strip():
            ctx.note(Severity.DROPPED, "wbs.no_id", "a WBS row without wbs_id was ignored", f"PROJWBS line {line}")
    rows = [(row, line) for row, line in rows if row[c["wbs_id"]].strip()]
    root: tuple[str, str] | None = None
    ids: dict[str, str] = {}
    for row, _line in rows:
        if flag(row[c["proj_node_flag"]]) and root is None:
            root = (row[c["wbs_id"]].strip(), row[c["wbs_name"]].strip())
        else:
            ids[row[c["wbs_id"]].strip()] = ctx.new_id()
    out: dict[str, Wbs] = {}
    for row, line in rows:
        sid = row[c["wbs_id"]].strip()
        if root is not None and sid == root[0]:
            continue
        parent_sid = row[c["parent_wbs_id"]].strip()
        parent = ids.get(parent_sid)
        if parent is None and parent_sid and (root is None or parent_sid != root[0]):
            ctx.note(
                Severity.CONVERTED,
                "wbs.parent",
                f"WBS {sid}: unknown parent {parent_sid}, put under the project",
                f"PROJWBS line {line}",
            )
        code = row[c["wbs_short_name"]].strip() or sid
        seq = ctx.values.number(row[c["seq_num"]].strip(), line=line, where="PROJWBS.seq_num")
        out[sid] = Wbs(
            code=code,
            name=row[c["wbs_name"]].strip() or code,
            parent_id=parent if parent != ids[sid] else None,
            sequence=int(seq),
            id=ids[sid],
            source_id=sid,
        )
    return root, _break_cycles(ctx, out)


def _break_cycles(ctx: Context, nodes: dict[str, Wbs]) -> dict[str, Wbs]:
    """A parent chain that loops back is cut where it closes: the node is put under the project."""
    by_id = {w.id: w for w in nodes.values()}
    for sid, node in list(nodes.items()):
        seen = {node.id}
        parent = by_id.get(node.parent_id) if node.parent_id else None
        while parent is not None:
            if parent.id in seen:
                ctx.note(Severity.CONVERTED, "wbs.cycle", f"WBS {sid}: its parents loop, put under the project",
                         "PROJWBS")  # fmt: skip
                fixed = dataclasses.replace(node, parent_id=None)
                nodes[sid] = by_id[node.id] = fixed
                break
            seen.add(parent.id)
            parent = by_id.get(parent.parent_id) if parent.parent_id else None
    return nodes
