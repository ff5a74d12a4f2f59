"""TASK and TASKPRED rows into activities, relationships and P6's own computed dates (the scheduler's oracle).

This is the hot path of a large import: columns are looked up once per table, dates come from a cache.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bbschedule.core.activity import Activity, Constraint, Relationship
from bbschedule.core.computed import ComputedDates
from bbschedule.core.enums import ActivityType, ConstraintType, CriticalMode, DurationType, PercentCompleteType
from bbschedule.core.errors import InputFileError, ValidationError
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.fidelity import Severity
from bbschedule.formats.xer.context import Context
from bbschedule.formats.xer.mapping import (
    CONSTRAINT_TYPES,
    DURATION_TYPES,
    PERCENT_TYPES,
    RELATIONSHIP_TYPES,
    TASK_TYPES,
)

if TYPE_CHECKING:
    from bbschedule.formats.xer.extras import Shared


class TaskIndex:
    """task_id -> project, and (once read) activity id; filled before any project is built."""

    def __init__(self) -> None:
        self.project_of: dict[str, str] = {}
        self.activity_of: dict[str, str] = {}
        self._calendars: dict[str, set[str]] = {}
        self._first: dict[str, dt.datetime] = {}

    def calendars_of(self, proj_id: str) -> set[str]:
        return self._calendars.get(proj_id, set())

    def first_date(self, proj_id: str) -> dt.datetime | None:
        return self._first.get(proj_id)


def index_tasks(ctx: Context) -> TaskIndex:
    index = TaskIndex()
    table = ctx.table("TASK")
    if table is None:
        return index
    c_id, c_proj, c_cal = table.col("task_id"), table.col("proj_id"), table.col("clndr_id")
    project_of = index.project_of
    for row in table.rows:
        project_of[row[c_id]] = row[c_proj]
    for proj_id, rows in ctx.rows_by("TASK", "proj_id").items():
        index._calendars[proj_id] = {table.rows[i][c_cal] for i in rows}
        c_start = table.col("early_start_date")
        starts = [table.rows[i][c_start] for i in rows if table.rows[i][c_start]]
        if starts:
            index._first[proj_id] = ctx.values.date(min(starts), line=0, where="TASK.early_start_date") or dt.datetime(
                2000, 1, 1
            )
    return index


_TASK_FIELDS = (
    "task_id", "wbs_id", "clndr_id", "phys_complete_pct", "complete_pct_type", "task_type", "duration_type",
    "task_code", "task_name", "total_float_hr_cnt", "free_float_hr_cnt", "remain_drtn_hr_cnt", "target_drtn_hr_cnt",
    "cstr_date", "act_start_date", "act_end_date", "late_start_date", "late_end_date", "expect_end_date",
    "early_start_date", "early_end_date", "target_start_date", "target_end_date", "cstr_type", "suspend_date",
    "resume_date", "cstr_date2", "cstr_type2", "driving_path_flag", "status_code",
)  # fmt: skip


def add_activities(
    ctx: Context,
    data: ProjectData,
    *,
    proj_id: str,
    calendars: dict[str, str],
    wbs: dict[str, str],
    default_calendar: str,
    index: TaskIndex,
    shared: Shared,
) -> None:
    table = ctx.table("TASK")
    if table is None:
        return
    c = {name: table.col(name) for name in _TASK_FIELDS}
    (c_id, c_wbs, c_cal, c_phys, c_pct, c_type, c_dtype, c_code, c_name, c_tf, c_ff, c_rem, c_orig, c_cdate, c_as,
     c_af, c_ls, c_lf, c_exp, c_es, c_ef, c_ts, c_tf2, c_ctype, c_susp, c_res, c_cdate2, c_ctype2, c_drive,
     _c_status) = (c[n] for n in _TASK_FIELDS)  # fmt: skip
    v = ctx.values
    date_cache = v.dates
    new_id = ctx.new_id
    note = ctx.note
    rows, lines = table.rows, table.lines
    activities = data.activities
    computed = data.computed
    activity_of = index.activity_of
    threshold = data.project.options.critical_float_threshold
    by_threshold = data.project.options.critical_mode is CriticalMode.TOTAL_FLOAT
    codes_of = shared.codes_by_task
    fields_of = shared.fields_by_task
    code_ids, field_ids = shared.code_value_ids, shared.user_field_ids

    def date(text: str, line: int, name: str) -> dt.datetime | None:
        found = date_cache.get(text, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        return v.date(text, line=line, where=f"TASK.{name}")

    def hours(text: str, line: int, name: str) -> int | None:
        if not text:
            return None
        try:
            return round(float(text) * 60)
        except ValueError:
            return v.minutes(text, line=line, where=f"TASK.{name}")

    for i in ctx.rows_by("TASK", "proj_id").get(proj_id, ()):
        row, line = rows[i], lines[i]
        task_id = row[c_id]
        code = row[c_code].strip() or f"T{task_id}"
        name = row[c_name].strip() or code
        kind = TASK_TYPES.get(row[c_type])
        if kind is None:
            kind = ActivityType.TASK
            note(Severity.CONVERTED, "task.type", f"{code}: task type {row[c_type]!r} read as a task", f"line {line}")
        cal = calendars.get(row[c_cal])
        if cal is None:
            cal = default_calendar
            note(Severity.CONVERTED, "task.calendar", f"{code}: unknown calendar {row[c_cal]!r}", f"line {line}")
        wbs_sid = row[c_wbs]
        wbs_id = wbs.get(wbs_sid)
        if wbs_id is None and wbs_sid:
            note(
                Severity.CONVERTED,
                "task.wbs",
                f"{code}: unknown WBS {wbs_sid!r}, put under the project",
                f"line {line}",
            )
        original = hours(row[c_orig], line, "target_drtn_hr_cnt") or 0
        remaining = hours(row[c_rem], line, "remain_drtn_hr_cnt")
        actual_start = date(row[c_as], line, "act_start_date")
        actual_finish = date(row[c_af], line, "act_end_date")
        if kind.is_milestone:
            original, remaining = 0, (0 if remaining is not None else None)
        if original < 0 or (remaining is not None and remaining < 0):
            note(Severity.CONVERTED, "task.duration", f"{code}: negative duration set to 0", f"line {line}")
            original, remaining = max(original, 0), None if remaining is None else max(remaining, 0)
        if actual_start is None and remaining == original:
            remaining = None
        if actual_finish is not None and actual_start is None:
            note(Severity.CONVERTED, "task.actual_start", f"{code}: finished without a start", f"line {line}")
            actual_start = actual_finish
        if actual_finish is not None and actual_start is not None and actual_finish < actual_start:
            note(Severity.CONVERTED, "task.actual_finish", f"{code}: finish before start", f"line {line}")
            actual_finish = actual_start
        phys = float(row[c_phys] or 0) if row[c_phys] else 0.0
        primary = _constraint(ctx, row[c_ctype], date(row[c_cdate], line, "cstr_date"), code, line)
        secondary = _constraint(ctx, row[c_ctype2], date(row[c_cdate2], line, "cstr_date2"), code, line)
        activity_id = new_id()
        task_codes = codes_of.get(task_id)
        task_fields = fields_of.get(task_id)
        try:
            activity = Activity(
                code=code,
                name=name,
                calendar_id=cal,
                wbs_id=wbs_id or None,
                type=kind,
                duration_type=DURATION_TYPES.get(row[c_dtype], DurationType.FIXED_DURATION_AND_UNITS),
                percent_complete_type=PERCENT_TYPES.get(row[c_pct], PercentCompleteType.DURATION),
                original_duration=original,
                remaining_duration=remaining,
                physical_percent_complete=min(100.0, max(0.0, phys)),
                primary_constraint=primary,
                secondary_constraint=secondary,
                actual_start=actual_start,
                actual_finish=actual_finish,
                expected_finish=date(row[c_exp], line, "expect_end_date"),
                suspend_date=date(row[c_susp], line, "suspend_date"),
                resume_date=date(row[c_res], line, "resume_date"),
                planned_start=date(row[c_ts], line, "target_start_date"),
                planned_finish=date(row[c_tf2], line, "target_end_date"),
                codes=(
                    {code_ids[k]: code_ids[val] for k, val in task_codes if k in code_ids and val in code_ids}
                    if task_codes
                    else {}
                ),
                user_fields={field_ids[k]: val for k, val in task_fields if k in field_ids} if task_fields else {},
                id=activity_id,
                source_id=task_id,
            )
        except ValidationError as exc:
            raise InputFileError(ctx.path, exc.message, line=line, field=f"TASK.{exc.field}") from None
        activities[activity_id] = activity
        activity_of[task_id] = activity_id
        total_float = hours(row[c_tf], line, "total_float_hr_cnt")
        computed[activity_id] = ComputedDates(
            early_start=date(row[c_es], line, "early_start_date"),
            early_finish=date(row[c_ef], line, "early_end_date"),
            late_start=date(row[c_ls], line, "late_start_date"),
            late_finish=date(row[c_lf], line, "late_end_date"),
            total_float=total_float,
            free_float=hours(row[c_ff], line, "free_float_hr_cnt"),
            critical=(
                total_float is not None and total_float <= threshold and actual_finish is None
                if by_threshold
                else row[c_drive] == "Y"
            ),
            longest_path=row[c_drive] == "Y",
        )


_MISSING = object()


def _constraint(ctx: Context, code: str, when: dt.datetime | None, task: str, line: int) -> Constraint | None:
    if not code or code == "CS_ASAP":
        return None
    kind = CONSTRAINT_TYPES.get(code)
    if kind is None:
        ctx.note(Severity.DROPPED, "constraint.unsupported", f"{task}: constraint {code!r} dropped", f"line {line}")
        return None
    if kind is not ConstraintType.AS_LATE_AS_POSSIBLE and when is None:
        ctx.note(Severity.DROPPED, "constraint.no_date", f"{task}: constraint {code} without a date", f"line {line}")
        return None
    return Constraint(kind, when if kind.needs_date else None)


def add_relationships(ctx: Context, data: ProjectData, *, proj_id: str, index: TaskIndex) -> None:
    table = ctx.table("TASKPRED")
    if table is None:
        return
    c_succ, c_pred, c_type, c_lag = (table.col(n) for n in ("task_id", "pred_task_id", "pred_type", "lag_hr_cnt"))
    rows, lines = table.rows, table.lines
    activity_of, project_of = index.activity_of, index.project_of
    relationships = data.relationships
    new_id, note, v = ctx.new_id, ctx.note, ctx.values
    for i in ctx.rows_by("TASKPRED", "proj_id").get(proj_id, ()):
        row = rows[i]
        succ, pred = activity_of.get(row[c_succ]), activity_of.get(row[c_pred])
        if succ is None or pred is None or succ not in data.activities or pred not in data.activities:
            missing = row[c_succ] if succ is None else row[c_pred]
            other = project_of.get(missing)
            if (other is not None and other != proj_id) or (succ and pred):
                note(
                    Severity.DROPPED,
                    "relationship.external",
                    "a link to another project was dropped",
                    f"TASKPRED line {lines[i]}",
                )
            else:
                note(
                    Severity.DROPPED,
                    "relationship.dangling",
                    f"a link to an unknown task {missing!r} was dropped",
                    f"TASKPRED line {lines[i]}",
                )
            continue
        if succ == pred:
            note(Severity.DROPPED, "relationship.self", "an activity linked to itself", f"TASKPRED line {lines[i]}")
            continue
        kind = RELATIONSHIP_TYPES.get(row[c_type])
        if kind is None:
            raise InputFileError(ctx.path, f"unknown relationship type {row[c_type]!r}", line=lines[i],
                                 field="TASKPRED.pred_type")  # fmt: skip
        text = row[c_lag]
        try:
            lag = round(float(text) * 60) if text else 0
        except ValueError:
            lag = v.minutes(text, line=lines[i], where="TASKPRED.lag_hr_cnt")
        rel_id = new_id()
        relationships[rel_id] = Relationship(predecessor_id=pred, successor_id=succ, type=kind, lag=lag, id=rel_id)
