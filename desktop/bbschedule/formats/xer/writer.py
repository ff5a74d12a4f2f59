"""Write one project as a P6 XER that P6 imports: ERMHDR, P6's table order, numeric ids, clndr_data.

Ids: a source id that is a number and unique in its table is kept (so a file read and written keeps P6's
task_id); anything else gets the next free number. The project's root WBS node is written from the project's
code and name (see reader.py). Calendars used by resources are written as global calendars (P6 resources are
global), the others as project calendars. Text goes out in cp1252 when it fits, otherwise UTF-8.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bbschedule.core.activity import Activity
from bbschedule.core.enums import CriticalMode, FloatPathBasis, ProgressMode
from bbschedule.core.errors import InputFileError
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.formats.xer.clndr import format_clndr_data
from bbschedule.formats.xer.layout import CURRENCIES, DEFAULTS, FIELDS, TABLE_ORDER
from bbschedule.formats.xer.mapping import (
    CONSTRAINT_CODES,
    DURATION_TYPE_CODES,
    FLOAT_MODE_CODES,
    LAG_CALENDAR_CODES,
    PERCENT_TYPE_CODES,
    RELATIONSHIP_CODES,
    TASK_TYPE_CODES,
)
from bbschedule.formats.xer.values import format_date, format_hours, format_number
from bbschedule.formats.xer.writer_extras import write_codes_and_fields, write_resources
from bbschedule.formats.xer.writer_support import Out, guid, is_number, number_ids

XER_VERSION = "19.12"


def write(data: ProjectData, path: Path) -> FidelityReport:
    report = FidelityReport(str(path), "xer", "export")
    text = to_text(data, report)
    try:
        payload, encoding = text.encode("cp1252"), "cp1252"
    except UnicodeEncodeError:
        payload, encoding = text.encode("utf-8"), "utf-8"
        report.add(Severity.CONVERTED, "encoding.utf8", "text outside cp1252: the file is written in UTF-8", "file")
    report.counts["encoding.utf8"] = int(encoding == "utf-8")
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(payload)
        os.replace(tmp, path)
    except OSError as exc:
        raise InputFileError(str(path), f"cannot be written ({exc.strerror or exc})") from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return report


def to_text(data: ProjectData, report: FidelityReport) -> str:
    out = Out(FIELDS, DEFAULTS)
    project = data.project
    proj_id = project.source_id if project.source_id and is_number(project.source_id) else "1"
    currency = project.currency or "USD"
    symbol, name = CURRENCIES.get(currency, (currency, currency))
    out.add("CURRTYPE", {
        "curr_id": "1", "decimal_digit_cnt": "2", "curr_symbol": symbol, "decimal_symbol": ".",
        "digit_group_symbol": ",", "pos_curr_fmt_type": "#1.1", "neg_curr_fmt_type": "(#1.1)", "curr_type": name,
        "curr_short_name": currency, "group_digit_cnt": "3", "base_exch_rate": "1",
    })  # fmt: skip
    cal_ids = number_ids((c.id, c.source_id) for c in data.calendars.values())
    default_cal = data.default_calendar() if data.calendars else None
    _project(out, data, proj_id=proj_id, default_cal=cal_ids.get(default_cal.id, "") if default_cal else "")
    _calendars(out, data, cal_ids, proj_id=proj_id)
    wbs_ids = _wbs(out, data, proj_id=proj_id)
    task_ids = number_ids((a.id, a.source_id) for a in data.activities.values())
    _schedoptions(out, data, proj_id=proj_id, task_ids=task_ids)
    rsrc_ids = write_resources(out, data, cal_ids, default_cal=cal_ids.get(default_cal.id, "") if default_cal else "")
    _tasks(out, data, task_ids=task_ids, wbs_ids=wbs_ids, cal_ids=cal_ids, proj_id=proj_id, report=report)
    _memos(out, data, task_ids, proj_id=proj_id)
    _relationships(out, data, task_ids, proj_id=proj_id, report=report)
    write_codes_and_fields(out, data, task_ids, rsrc_ids, proj_id=proj_id, report=report)
    _dropped(data, report)
    _check_p6_limits(data, report)
    for table in TABLE_ORDER:
        report.counts[f"rows.{table}"] = len(out.rows.get(table, ()))
    report.counts.update(
        activities=len(data.activities), relationships=len(data.relationships), calendars=len(data.calendars),
        resources=len(data.resources), wbs=len(data.wbs), assignments=len(data.assignments),
    )  # fmt: skip
    stamp = dt.date.today().isoformat()
    header = (
        f"ERMHDR\t{XER_VERSION}\t{stamp}\tProject\tadmin\tBBSchedule\tdbxDatabaseNoName\tProject Management\t{currency}"
    )
    return out.render(header, TABLE_ORDER)


def _project(out: Out, data: ProjectData, *, proj_id: str, default_cal: str) -> None:
    p = data.project
    o = p.options
    out.add("PROJECT", {
        "proj_id": proj_id, "proj_short_name": p.code, "clndr_id": default_cal,
        "critical_drtn_hr_cnt": format_hours(o.critical_float_threshold),
        "critical_path_type": "CT_DrivPath" if o.critical_mode is CriticalMode.LONGEST_PATH else "CT_TotFloat",
        "last_recalc_date": format_date(p.effective_data_date), "plan_start_date": format_date(p.planned_start),
        "plan_end_date": format_date(p.must_finish_by), "add_date": format_date(dt.datetime.now()),
        "guid": guid(p.id),
    })  # fmt: skip


def _calendars(out: Out, data: ProjectData, ids: dict[str, str], *, proj_id: str) -> None:
    resource_calendars = {r.calendar_id for r in data.resources.values() if r.calendar_id}
    ordered = sorted(data.calendars.values(), key=lambda c: c.base_calendar_id is not None)
    for cal in ordered:
        is_global = cal.id in resource_calendars or cal.id in {c.base_calendar_id for c in ordered}
        out.add("CALENDAR", {
            "clndr_id": ids[cal.id], "default_flag": "Y" if cal.is_default else "N", "clndr_name": cal.name,
            "proj_id": "" if is_global else proj_id, "base_clndr_id": ids.get(cal.base_calendar_id or "", ""),
            "clndr_type": "CA_Base" if is_global else "CA_Project", "day_hr_cnt": format_number(cal.hours_per_day),
            "week_hr_cnt": format_number(cal.hours_per_week), "month_hr_cnt": format_number(cal.hours_per_month),
            "year_hr_cnt": format_number(cal.hours_per_year), "clndr_data": format_clndr_data(cal.week, cal.exceptions),
        })  # fmt: skip


def _schedoptions(out: Out, data: ProjectData, *, proj_id: str, task_ids: dict[str, str]) -> None:
    o = data.project.options
    # P6 keeps the multiple float path settings whether or not the calculation is on.
    end = task_ids.get(o.float_path_end_activity_id or "", "")
    out.add("SCHEDOPTIONS", {
        "schedoptions_id": "1", "proj_id": proj_id, "sched_open_critical_flag": "Y" if o.open_ended_critical else "N",
        "sched_retained_logic": "Y" if o.progress_mode is ProgressMode.RETAINED_LOGIC else "N",
        "sched_progress_override": "Y" if o.progress_mode is ProgressMode.PROGRESS_OVERRIDE else "N",
        "sched_float_type": FLOAT_MODE_CODES[o.float_mode],
        "sched_calendar_on_relationship_lag": LAG_CALENDAR_CODES[o.lag_calendar],
        "enable_multiple_longest_path_calc": "Y" if o.multiple_float_paths else "N",
        "max_multiple_longest_path": str(o.float_path_count),
        "use_total_float_multiple_longest_paths": "Y" if o.float_path_by is FloatPathBasis.TOTAL_FLOAT else "N",
        "key_activity_for_multiple_longest_paths": end,
    })  # fmt: skip


def _wbs(out: Out, data: ProjectData, *, proj_id: str) -> dict[str, str]:
    """Write the root node and the WBS tree parents first; returns core id -> wbs_id ('' key: the root)."""
    ids = number_ids([("", None), *((w.id, w.source_id) for w in data.wbs.values())])
    root = ids[""]
    out.add("PROJWBS", {
        "wbs_id": root, "proj_id": proj_id, "proj_node_flag": "Y", "wbs_short_name": data.project.code,
        "wbs_name": data.project.name, "seq_num": "0",
    })  # fmt: skip
    children: dict[str | None, list[Any]] = {}
    for node in data.wbs.values():
        parent = node.parent_id if node.parent_id in data.wbs else None
        children.setdefault(parent, []).append(node)
    stack: list[str | None] = [None]
    seen: set[str] = set()
    while stack:
        parent_key = stack.pop()
        for node in sorted(children.get(parent_key, ()), key=lambda w: w.sequence, reverse=True):
            if node.id in seen:
                continue
            seen.add(node.id)
            out.add("PROJWBS", {
                "wbs_id": ids[node.id], "proj_id": proj_id, "proj_node_flag": "N", "seq_num": str(node.sequence),
                "wbs_short_name": node.code, "wbs_name": node.name, "guid": guid(node.id),
                "parent_wbs_id": ids[node.parent_id] if node.parent_id in data.wbs else root,
            })  # fmt: skip
            stack.append(node.id)
    return ids


def _status(activity: Activity) -> str:
    if activity.actual_finish is not None:
        return "TK_Complete"
    return "TK_Active" if activity.actual_start is not None else "TK_NotStart"


def _tasks(
    out: Out,
    data: ProjectData,
    *,
    task_ids: dict[str, str],
    wbs_ids: dict[str, str],
    cal_ids: dict[str, str],
    proj_id: str,
    report: FidelityReport,
) -> None:
    filled = 0
    start_default = data.project.planned_start
    root = wbs_ids[""]
    add = out.add
    for a in data.activities.values():
        c = data.computed.get(a.id)
        early_start = c.early_start if c else None
        early_finish = c.early_finish if c else None
        planned_start = a.planned_start or early_start or a.actual_start or start_default
        planned_finish = a.planned_finish or early_finish or a.actual_finish or planned_start
        if a.planned_start is None or a.planned_finish is None:
            filled += 1
        p1, p2 = a.primary_constraint, a.secondary_constraint
        done = a.actual_finish is not None
        add("TASK", {
            "task_id": task_ids[a.id], "proj_id": proj_id, "wbs_id": wbs_ids.get(a.wbs_id or "", root),
            "clndr_id": cal_ids.get(a.calendar_id, ""), "phys_complete_pct": format_number(a.physical_percent_complete),
            "complete_pct_type": PERCENT_TYPE_CODES[a.percent_complete_type], "task_type": TASK_TYPE_CODES[a.type],
            "duration_type": DURATION_TYPE_CODES[a.duration_type], "status_code": _status(a), "task_code": a.code,
            "task_name": a.name, "total_float_hr_cnt": format_hours(c.total_float) if c else "",
            "free_float_hr_cnt": format_hours(c.free_float) if c else "",
            "remain_drtn_hr_cnt": format_hours(a.remaining), "target_drtn_hr_cnt": format_hours(a.original_duration),
            "cstr_date": format_date(p1.date) if p1 else "", "cstr_type": CONSTRAINT_CODES[p1.type] if p1 else "",
            "cstr_date2": format_date(p2.date) if p2 else "", "cstr_type2": CONSTRAINT_CODES[p2.type] if p2 else "",
            "act_start_date": format_date(a.actual_start), "act_end_date": format_date(a.actual_finish),
            "late_start_date": format_date(c.late_start) if c else "",
            "late_end_date": format_date(c.late_finish) if c else "", "expect_end_date": format_date(a.expected_finish),
            "early_start_date": format_date(early_start), "early_end_date": format_date(early_finish),
            "restart_date": "" if done else format_date(early_start),
            "reend_date": "" if done else format_date(early_finish),
            "rem_late_start_date": "" if done or not c else format_date(c.late_start),
            "rem_late_end_date": "" if done or not c else format_date(c.late_finish),
            "target_start_date": format_date(planned_start), "target_end_date": format_date(planned_finish),
            "suspend_date": format_date(a.suspend_date), "resume_date": format_date(a.resume_date),
            "driving_path_flag": "Y" if c and c.longest_path else "N", "guid": guid(a.id),
        })  # fmt: skip
    if filled:
        report.add(
            Severity.CONVERTED,
            "task.planned_dates",
            f"{filled} activities had no planned dates: P6 requires them, so early (or actual) dates were written",
            "TASK.target_start_date",
        )


def _relationships(
    out: Out, data: ProjectData, task_ids: dict[str, str], *, proj_id: str, report: FidelityReport
) -> None:
    links = [r for r in data.relationships.values() if r.predecessor_id in task_ids and r.successor_id in task_ids]
    if len(links) < len(data.relationships):
        missing = len(data.relationships) - len(links)
        report.add(Severity.DROPPED, "relationship.dangling", f"{missing} links to missing activities", "TASKPRED")
    pairs = {(r.predecessor_id, r.successor_id) for r in links}
    if len(pairs) < len(links):
        report.add(Severity.WARNING, "p6.relationship.pair", f"{len(links) - len(pairs)} links repeat a predecessor-"
                   "successor pair: P6 keeps one relationship per pair", "TASKPRED")  # fmt: skip
    ids = number_ids((r.id, None) for r in links)
    for r in links:
        out.add("TASKPRED", {
            "task_pred_id": ids[r.id], "task_id": task_ids[r.successor_id], "pred_task_id": task_ids[r.predecessor_id],
            "proj_id": proj_id, "pred_proj_id": proj_id, "pred_type": RELATIONSHIP_CODES[r.type],
            "lag_hr_cnt": format_hours(r.lag),
        })  # fmt: skip


def _memos(out: Out, data: ProjectData, task_ids: dict[str, str], *, proj_id: str) -> None:
    """Notes go out as one P6 memo per activity (HTML with the line breaks kept), under a 'Notes' memo type."""
    noted = [a for a in data.activities.values() if a.notes.strip()]
    if not noted:
        return
    out.add("MEMOTYPE", {
        "memo_type_id": "1", "seq_num": "1", "eps_flag": "N", "proj_flag": "N", "wbs_flag": "N", "task_flag": "Y",
        "memo_type": "Notes",
    })  # fmt: skip
    for number, a in enumerate(noted, start=1):
        body = "<br>".join(html.escape(line) for line in a.notes.splitlines())
        out.add("TASKMEMO", {
            "memo_id": str(number), "task_id": task_ids[a.id], "memo_type_id": "1", "proj_id": proj_id,
            "task_memo": f"<html><body>{body}</body></html>",
        })  # fmt: skip


P6_LIMITS = (
    ("activity", "code", 40),
    ("activity", "name", 120),
    ("wbs", "code", 40),
    ("wbs", "name", 100),
    ("resource", "name", 100),
)
"""P6's field lengths: longer text is refused or cut by P6's import, so the report warns before the planner
sends the file."""


def _check_p6_limits(data: ProjectData, report: FidelityReport) -> None:
    if len(data.project.code) > 40 or any(ch in data.project.name for ch in "|<>"):
        report.add(Severity.WARNING, "p6.project", "P6 wants a project ID of at most 40 characters and a "
                   "name without | < or >", "PROJECT")  # fmt: skip
    for kind, field, limit in P6_LIMITS:
        long = [obj.code for obj in data.table(kind).values() if len(getattr(obj, field)) > limit]
        if long:
            report.add(Severity.WARNING, f"p6.{kind}.{field}", f"{len(long)} {kind} {field}s are longer than P6's "
                       f"{limit} characters (e.g. {long[0]!r})", f"{kind}.{field}")  # fmt: skip


def _dropped(data: ProjectData, report: FidelityReport) -> None:
    def count(items: Iterable[bool]) -> int:
        return sum(1 for x in items if x)

    acts = data.activities.values()
    for code, n, what in (
        ("activity.quantity", count(a.quantity is not None for a in acts), "quantities and production rates"),
        ("activity.location", count(a.location_start is not None for a in acts), "location ranges"),
        ("baseline", len(data.baselines), "baselines (P6 keeps them as separate projects)"),
    ):
        if n:
            report.add(Severity.DROPPED, code, f"{n} {what} not written to XER", code)
