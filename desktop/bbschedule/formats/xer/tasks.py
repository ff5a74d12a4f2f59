"""TASK and TASKPRED rows into activities, relationships and P6's own computed dates (the scheduler's oracle).

This is the hot path of a large import: columns are looked up once per table, dates come from a cache.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bbschedule.core.activity import Activity, Constraint, Relationship
from bbschedule.core.computed import ComputedDates
from bbschedule.core.enums import (
    ActivityType,
    ConstraintType,
    CriticalMode,
    DurationType,
    PercentCompleteType,
    RelationshipType,
)
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
    ids, projects, calendars = table.column("task_id"), table.column("proj_id"), table.column("clndr_id")
    index.project_of = dict(zip(ids, projects, strict=True))
    starts = table.column("early_start_date")
    for proj_id, rows in ctx.rows_by("TASK", "proj_id").items():
        index._calendars[proj_id] = {calendars[i] for i in rows}
        known = [starts[i] for i in rows if starts[i]]
        if known:
            first = ctx.values.date(min(known), line=0, where="TASK.early_start_date")
            if first is not None:
                index._first[proj_id] = first
    return index


TASK_FIELDS = (
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
    v = ctx.values
    note = ctx.note
    picked = ctx.rows_by("TASK", "proj_id").get(proj_id, [])
    if not picked:
        return
    every = len(picked) == len(table)
    all_lines = table.lines
    lines = all_lines if every else [all_lines[i] for i in picked]

    def column(name: str) -> list[str]:
        values = table.column(name)
        return values if every else [values[i] for i in picked]

    def dates(name: str) -> list[dt.datetime | None]:
        return v.date_column(column(name), lines=lines, where=f"TASK.{name}")

    def minutes(name: str) -> list[int | None]:
        return v.minutes_column(column(name), lines=lines, where=f"TASK.{name}")

    threshold = data.project.options.critical_float_threshold
    by_threshold = data.project.options.critical_mode is CriticalMode.TOTAL_FLOAT
    codes_of, fields_of, notes_of = shared.codes_by_task, shared.fields_by_task, shared.notes_by_task
    code_ids, field_ids = shared.code_value_ids, shared.user_field_ids
    activities, computed, activity_of = data.activities, data.computed, index.activity_of
    ids = ctx.new_ids(len(picked))
    # Whole-column lookups run at C speed; the row loop below only builds objects and handles the rare misfit.
    type_codes, cal_sids, wbs_sids = column("task_type"), column("clndr_id"), column("wbs_id")
    text_columns = [
        column("task_id"),
        [text.strip() for text in column("task_code")],
        [text.strip() for text in column("task_name")],
        type_codes,
        list(map(TASK_TYPES.get, type_codes)),
        cal_sids,
        list(map(calendars.get, cal_sids)),
        wbs_sids,
        list(map(wbs.get, wbs_sids)),
    ]
    kind_columns = [
        [DURATION_TYPES.get(text, _DEFAULT_DURATION_TYPE) for text in column("duration_type")],
        [PERCENT_TYPES.get(text, _DEFAULT_PERCENT_TYPE) for text in column("complete_pct_type")],
        column("phys_complete_pct"),
        column("driving_path_flag"),
    ]
    constraint_columns = [column("cstr_type"), dates("cstr_date"), column("cstr_type2"), dates("cstr_date2")]
    duration_columns = [minutes(n) for n in ("target_drtn_hr_cnt", "remain_drtn_hr_cnt")]
    actual_columns = [dates(n) for n in ("act_start_date", "act_end_date")]
    other_dates = [
        dates(n) for n in ("expect_end_date", "suspend_date", "resume_date", "target_start_date", "target_end_date")
    ]
    computed_columns = [dates(n) for n in ("early_start_date", "early_end_date", "late_start_date", "late_end_date")]
    float_columns = [minutes(n) for n in ("total_float_hr_cnt", "free_float_hr_cnt")]
    for (
        activity_id,
        line,
        (task_id, code, name, type_code, kind, cal_sid, cal, wbs_sid, wbs_id),
        (duration_type, percent_type, phys, driving),
        (ctype, cdate, ctype2, cdate2),
        (original, remaining),
        (actual_start, actual_finish),
        (expected, suspend, resume, planned_start, planned_finish),
        (early_start, early_finish, late_start, late_finish),
        (total_float, free_float),
    ) in zip(
        ids,
        lines,
        zip(*text_columns, strict=True),
        zip(*kind_columns, strict=True),
        zip(*constraint_columns, strict=True),
        zip(*duration_columns, strict=True),
        zip(*actual_columns, strict=True),
        zip(*other_dates, strict=True),
        zip(*computed_columns, strict=True),
        zip(*float_columns, strict=True),
        strict=True,
    ):
        if task_id in activity_of:
            note(Severity.DROPPED, "task.duplicate", f"task_id {task_id} appears twice: the second row is dropped",
                 f"TASK line {line}")  # fmt: skip
            continue
        if not code:
            code = f"T{task_id}"
        if not name:
            name = code
        if kind is None:
            kind = ActivityType.TASK
            note(Severity.CONVERTED, "task.type", f"{code}: task type {type_code!r} read as a task", f"line {line}")
        if cal is None:
            cal = default_calendar
            note(Severity.CONVERTED, "task.calendar", f"{code}: unknown calendar {cal_sid!r}", f"line {line}")
        if wbs_id is None and wbs_sid:
            note(
                Severity.CONVERTED,
                "task.wbs",
                f"{code}: unknown WBS {wbs_sid!r}, put under the project",
                f"line {line}",
            )
        original = original or 0
        if kind in _MILESTONES:
            original, remaining = 0, (0 if remaining is not None else None)
        elif original < 0 or (remaining is not None and remaining < 0):
            note(Severity.CONVERTED, "task.duration", f"{code}: negative duration set to 0", f"line {line}")
            original, remaining = max(original, 0), None if remaining is None else max(remaining, 0)
        if actual_start is None:
            if remaining == original:
                remaining = None
            if actual_finish is not None:
                note(Severity.CONVERTED, "task.actual_start", f"{code}: finished without a start", f"line {line}")
                actual_start = actual_finish
        elif actual_finish is not None and actual_finish < actual_start:
            note(Severity.CONVERTED, "task.actual_finish", f"{code}: finish before start", f"line {line}")
            actual_finish = actual_start
        task_codes, task_fields = codes_of.get(task_id), fields_of.get(task_id)
        try:
            activity = Activity(
                code=code,
                name=name,
                calendar_id=cal,
                wbs_id=wbs_id or None,
                type=kind,
                duration_type=duration_type,
                percent_complete_type=percent_type,
                original_duration=original,
                remaining_duration=remaining,
                physical_percent_complete=_percent(phys) if phys and phys != "0" else 0.0,
                primary_constraint=_constraint(ctx, ctype, cdate, code, line) if ctype else None,
                secondary_constraint=_constraint(ctx, ctype2, cdate2, code, line) if ctype2 else None,
                actual_start=actual_start,
                actual_finish=actual_finish,
                expected_finish=expected,
                suspend_date=suspend,
                resume_date=resume,
                planned_start=planned_start,
                planned_finish=planned_finish,
                notes=notes_of.get(task_id, "") if notes_of else "",
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
        on_path = driving == "Y"
        computed[activity_id] = ComputedDates(
            early_start,
            early_finish,
            late_start,
            late_finish,
            total_float,
            free_float,
            (total_float is not None and total_float <= threshold and actual_finish is None)
            if by_threshold
            else on_path,
            on_path,
        )


_DEFAULT_DURATION_TYPE = DurationType.FIXED_DURATION_AND_UNITS
_DEFAULT_PERCENT_TYPE = PercentCompleteType.DURATION
_MILESTONES = frozenset((ActivityType.START_MILESTONE, ActivityType.FINISH_MILESTONE))


def _percent(text: str) -> float:
    try:
        return min(100.0, max(0.0, float(text)))
    except ValueError:
        return 0.0


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
    if table.has("proj_id"):
        picked = ctx.rows_by("TASKPRED", "proj_id").get(proj_id, [])
    else:  # older exports: a link belongs to its successor's project
        owners = index.project_of
        picked = [i for i, succ in enumerate(table.column("task_id")) if owners.get(succ) == proj_id]
    if not picked:
        return
    every = len(picked) == len(table)
    lines = table.lines if every else [table.lines[i] for i in picked]

    def column(name: str) -> list[str]:
        values = table.column(name)
        return values if every else [values[i] for i in picked]

    succ_sids, pred_sids, types = column("task_id"), column("pred_task_id"), column("pred_type")
    lags = ctx.values.minutes_column(column("lag_hr_cnt"), lines=lines, where="TASKPRED.lag_hr_cnt")
    activity_of, project_of, activities = index.activity_of, index.project_of, data.activities
    relationships = data.relationships
    ids = ctx.new_ids(len(picked))
    succs, preds = list(map(activity_of.get, succ_sids)), list(map(activity_of.get, pred_sids))
    kinds = list(map(RELATIONSHIP_TYPES.get, types))
    seen: set[tuple[str, str, RelationshipType, int | None]] = set()
    for rel_id, line, succ, pred, kind, lag, succ_sid, pred_sid in zip(
        ids, lines, succs, preds, kinds, lags, succ_sids, pred_sids, strict=True
    ):
        if (
            succ is None
            or pred is None
            or kind is None
            or succ == pred
            or succ not in activities
            or pred not in activities
        ):
            _bad_link(
                ctx,
                line=line,
                proj_id=proj_id,
                project_of=project_of,
                ends=(succ_sid, pred_sid),
                self_link=succ == pred,
            )
            continue
        key = (pred, succ, kind, lag)
        if key in seen:
            ctx.note(
                Severity.DROPPED, "relationship.duplicate", "a link repeated exactly was kept once", f"line {line}"
            )
            continue
        seen.add(key)
        relationships[rel_id] = Relationship(pred, succ, kind, lag or 0, rel_id)


def _bad_link(
    ctx: Context, *, line: int, proj_id: str, project_of: dict[str, str], ends: tuple[str, str], self_link: bool
) -> None:
    """Why a TASKPRED row is not a link of this project: reported, or an error for an unknown link type."""
    where = f"TASKPRED line {line}"
    owners = [project_of.get(end) for end in ends]
    if None in owners:
        missing = ends[owners.index(None)]
        ctx.note(Severity.DROPPED, "relationship.dangling", f"a link to an unknown task {missing!r} was dropped", where)
    elif any(owner != proj_id for owner in owners):
        ctx.note(Severity.DROPPED, "relationship.external", "a link to another project was dropped", where)
    elif self_link:
        ctx.note(Severity.DROPPED, "relationship.self", "an activity linked to itself", where)
    else:
        table = ctx.table("TASKPRED")
        code = table.column("pred_type")[list(table.lines).index(line)] if table is not None else "?"
        raise InputFileError(ctx.path, f"unknown relationship type {code!r}", line=line, field="TASKPRED.pred_type")
