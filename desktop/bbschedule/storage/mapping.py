"""Rows <-> core dataclasses, by hand per entity: a tuple per row in table-column order, for executemany and
fast loads. Nested values go through core.codec so they stay lossless as the model grows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bbschedule.core.activity import Activity, Constraint, Relationship
from bbschedule.core.baseline import Baseline, BaselineActivity
from bbschedule.core.calendar import Calendar, CalendarException, DayIntervals
from bbschedule.core.codec import from_plain, to_plain
from bbschedule.core.codes import ActivityCodeType, ActivityCodeValue, UserField
from bbschedule.core.computed import ComputedDates
from bbschedule.core.enums import (
    ActivityType,
    ConstraintType,
    DurationType,
    PercentCompleteType,
    RelationshipType,
    ResourceType,
    UserFieldType,
)
from bbschedule.core.project import Project, ScheduleOptions, Wbs
from bbschedule.core.resource import Assignment, Expense, Resource, ResourceRate
from bbschedule.storage.fastbuild import slot_builder

fromiso = dt.datetime.fromisoformat


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def parse_iso(value: str | None) -> dt.datetime | None:
    return None if value is None else fromiso(value)


def dumps(value: Any) -> str:
    # Compact and stable: the outbox and undo payloads are compared and pushed as they are.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _dumps_small(value: dict[str, Any]) -> str:
    return dumps(value) if value else "{}"


def _lookup(enum: Any) -> dict[str, Any]:
    """Enum members by value: a dict lookup is several times faster than calling the enum on 100k rows."""
    return {member.value: member for member in enum}


ACTIVITY_TYPES = _lookup(ActivityType)
DURATION_TYPES = _lookup(DurationType)
PERCENT_TYPES = _lookup(PercentCompleteType)
CONSTRAINT_TYPES = _lookup(ConstraintType)
RELATIONSHIP_TYPES = _lookup(RelationshipType)


@dataclass(frozen=True)
class Mapper:
    """How one entity kind is stored: its table, its columns (project_id second), and the two conversions."""

    table: str
    columns: tuple[str, ...]
    encode: Callable[[Any, str], tuple[Any, ...]]
    """(object, project id) -> row tuple in `columns` order."""
    decode: Callable[[Sequence[Any]], Any]
    """A row tuple in `columns` order -> object (project_id is ignored)."""

    def insert_sql(self) -> str:
        marks = ", ".join("?" * len(self.columns))
        return f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({marks})"

    def upsert_sql(self) -> str:
        updates = ", ".join(f"{c} = excluded.{c}" for c in self.columns if c not in ("id", "project_id"))
        # A row of another project with the same id is left alone (and counted as not written by the caller).
        return f"{self.insert_sql()} ON CONFLICT (id) DO UPDATE SET {updates} WHERE project_id = excluded.project_id"

    def select_sql(self) -> str:
        # NULL in project_id's place: the caller knows it, and 100k fewer strings to build is a tenth of a load.
        columns = ", ".join("NULL" if c == "project_id" else c for c in self.columns)
        return f"SELECT {columns} FROM {self.table} WHERE project_id = ? ORDER BY rowid"


# --- activities and relationships: real columns, hand-written for speed --------------------------------------

ACTIVITY_COLUMNS = (
    "id", "project_id", "code", "name", "calendar_id", "wbs_id", "type", "duration_type", "percent_complete_type",
    "original_duration", "remaining_duration", "actual_duration", "physical_percent_complete",
    "primary_constraint_type", "primary_constraint_date", "secondary_constraint_type", "secondary_constraint_date",
    "actual_start", "actual_finish", "expected_finish", "suspend_date", "resume_date", "planned_start",
    "planned_finish", "quantity", "quantity_unit", "production_rate", "location_start", "location_end", "notes",
    "codes", "user_fields", "source_id",
)  # fmt: skip


def _encode_activity(a: Activity, project_id: str) -> tuple[Any, ...]:
    pc, sc = a.primary_constraint, a.secondary_constraint
    return (
        a.id, project_id, a.code, a.name, a.calendar_id, a.wbs_id, a.type.value, a.duration_type.value,
        a.percent_complete_type.value, a.original_duration, a.remaining_duration, a.actual_duration,
        a.physical_percent_complete,
        None if pc is None else pc.type.value, None if pc is None else iso(pc.date),
        None if sc is None else sc.type.value, None if sc is None else iso(sc.date),
        iso(a.actual_start), iso(a.actual_finish), iso(a.expected_finish), iso(a.suspend_date), iso(a.resume_date),
        iso(a.planned_start), iso(a.planned_finish), a.quantity, a.quantity_unit, a.production_rate,
        a.location_start, a.location_end, a.notes, _dumps_small(a.codes), _dumps_small(a.user_fields), a.source_id,
    )  # fmt: skip


def _constraint(kind: str | None, date: str | None) -> Constraint | None:
    return None if kind is None else Constraint(CONSTRAINT_TYPES[kind], parse_iso(date))


build_activity = slot_builder(Activity)
build_relationship = slot_builder(Relationship)


def _decode_activity(r: Sequence[Any]) -> Activity:
    # Positional, in Activity's field order (a test checks the order); see storage.fastbuild for why not Activity().
    return build_activity(
        r[2], r[3], r[4], r[5], ACTIVITY_TYPES[r[6]], DURATION_TYPES[r[7]], PERCENT_TYPES[r[8]],
        r[9], r[10], r[11], r[12],
        None if r[13] is None else _constraint(r[13], r[14]),
        None if r[15] is None else _constraint(r[15], r[16]),
        None if r[17] is None else fromiso(r[17]),
        None if r[18] is None else fromiso(r[18]),
        None if r[19] is None else fromiso(r[19]),
        None if r[20] is None else fromiso(r[20]),
        None if r[21] is None else fromiso(r[21]),
        None if r[22] is None else fromiso(r[22]),
        None if r[23] is None else fromiso(r[23]),
        r[24], r[25], r[26], r[27], r[28], r[29],
        {} if r[30] == "{}" else json.loads(r[30]),
        {} if r[31] == "{}" else json.loads(r[31]),
        r[0], r[32],
    )  # fmt: skip


ACTIVITY_FIELD_ORDER = (
    "code", "name", "calendar_id", "wbs_id", "type", "duration_type", "percent_complete_type", "original_duration",
    "remaining_duration", "actual_duration", "physical_percent_complete", "primary_constraint",
    "secondary_constraint", "actual_start", "actual_finish", "expected_finish", "suspend_date", "resume_date",
    "planned_start", "planned_finish", "quantity", "quantity_unit", "production_rate", "location_start",
    "location_end", "notes", "codes", "user_fields", "id", "source_id",
)  # fmt: skip
"""The positional order _decode_activity relies on."""


def _encode_relationship(r: Relationship, project_id: str) -> tuple[Any, ...]:
    return (r.id, project_id, r.predecessor_id, r.successor_id, r.type.value, r.lag)


def _decode_relationship(r: Sequence[Any]) -> Relationship:
    return build_relationship(r[2], r[3], RELATIONSHIP_TYPES[r[4]], r[5], r[0])


# --- the other entities ------------------------------------------------------------------------------------------


def _encode_calendar(c: Calendar, project_id: str) -> tuple[Any, ...]:
    return (
        c.id, project_id, c.name, dumps(to_plain(c.week)), dumps(to_plain(c.exceptions)), c.hours_per_day,
        c.hours_per_week, c.hours_per_month, c.hours_per_year, c.is_default, c.base_calendar_id, c.source_id,
    )  # fmt: skip


def _decode_calendar(r: Sequence[Any]) -> Calendar:
    return Calendar(
        id=r[0], name=r[2], week=from_plain(tuple[DayIntervals, ...], json.loads(r[3]), "calendar.week"),
        exceptions=from_plain(tuple[CalendarException, ...], json.loads(r[4]), "calendar.exceptions"),
        hours_per_day=r[5], hours_per_week=r[6], hours_per_month=r[7], hours_per_year=r[8], is_default=bool(r[9]),
        base_calendar_id=r[10], source_id=r[11],
    )  # fmt: skip


def _encode_wbs(w: Wbs, project_id: str) -> tuple[Any, ...]:
    return (w.id, project_id, w.code, w.name, w.parent_id, w.sequence, w.source_id)


def _decode_wbs(r: Sequence[Any]) -> Wbs:
    return Wbs(id=r[0], code=r[2], name=r[3], parent_id=r[4], sequence=r[5], source_id=r[6])


def _encode_code_type(t: ActivityCodeType, project_id: str) -> tuple[Any, ...]:
    return (t.id, project_id, t.name, t.is_global, t.source_id)


def _decode_code_type(r: Sequence[Any]) -> ActivityCodeType:
    return ActivityCodeType(id=r[0], name=r[2], is_global=bool(r[3]), source_id=r[4])


def _encode_code_value(v: ActivityCodeValue, project_id: str) -> tuple[Any, ...]:
    return (v.id, project_id, v.type_id, v.code, v.description, v.parent_id, v.sequence, v.source_id)


def _decode_code_value(r: Sequence[Any]) -> ActivityCodeValue:
    return ActivityCodeValue(
        id=r[0], type_id=r[2], code=r[3], description=r[4], parent_id=r[5], sequence=r[6], source_id=r[7]
    )


def _encode_user_field(u: UserField, project_id: str) -> tuple[Any, ...]:
    return (u.id, project_id, u.name, u.data_type.value, u.source_id)


def _decode_user_field(r: Sequence[Any]) -> UserField:
    return UserField(id=r[0], name=r[2], data_type=UserFieldType(r[3]), source_id=r[4])


def _encode_resource(s: Resource, project_id: str) -> tuple[Any, ...]:
    return (
        s.id, project_id, s.code, s.name, s.type.value, s.unit, s.calendar_id, dumps(to_plain(s.rates)), s.parent_id,
        s.source_id,
    )  # fmt: skip


def _decode_resource(r: Sequence[Any]) -> Resource:
    return Resource(
        id=r[0], code=r[2], name=r[3], type=ResourceType(r[4]), unit=r[5], calendar_id=r[6],
        rates=from_plain(tuple[ResourceRate, ...], json.loads(r[7]), "resource.rates"), parent_id=r[8],
        source_id=r[9],
    )  # fmt: skip


def _encode_assignment(a: Assignment, project_id: str) -> tuple[Any, ...]:
    return (
        a.id, project_id, a.activity_id, a.resource_id, a.budgeted_units, a.actual_units, a.remaining_units,
        a.budgeted_cost, a.actual_cost, a.remaining_cost,
    )  # fmt: skip


def _decode_assignment(r: Sequence[Any]) -> Assignment:
    return Assignment(r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[0])


def _encode_expense(e: Expense, project_id: str) -> tuple[Any, ...]:
    return (e.id, project_id, e.activity_id, e.name, e.budgeted_cost, e.actual_cost, e.remaining_cost)


def _decode_expense(r: Sequence[Any]) -> Expense:
    return Expense(r[2], r[3], r[4], r[5], r[6], r[0])


def _encode_baseline(b: Baseline, project_id: str) -> tuple[Any, ...]:
    # [activity_id, start, finish, duration, budgeted_cost] per row: a 100k-row snapshot stays a few MB.
    rows = [[x.activity_id, iso(x.start), iso(x.finish), x.duration, x.budgeted_cost] for x in b.activities]
    return (b.id, project_id, b.name, iso(b.taken_at), dumps(rows))


def _decode_baseline(r: Sequence[Any]) -> Baseline:
    rows = tuple(BaselineActivity(a, parse_iso(s), parse_iso(f), d, float(c)) for a, s, f, d, c in json.loads(r[4]))
    return Baseline(id=r[0], name=r[2], taken_at=fromiso(r[3]), activities=rows)


def _m(table: str, columns: str, encode: Callable[..., Any], decode: Callable[..., Any]) -> Mapper:
    return Mapper(table, ("id", "project_id", *columns.split()), encode, decode)


MAPPERS: dict[str, Mapper] = {
    "calendar": _m(
        "calendars",
        "name week exceptions hours_per_day hours_per_week hours_per_month hours_per_year is_default "
        "base_calendar_id source_id",
        _encode_calendar,
        _decode_calendar,
    ),
    "wbs": _m("wbs", "code name parent_id sequence source_id", _encode_wbs, _decode_wbs),
    "code_type": _m("code_types", "name is_global source_id", _encode_code_type, _decode_code_type),
    "code_value": _m(
        "code_values", "type_id code description parent_id sequence source_id", _encode_code_value, _decode_code_value
    ),
    "user_field": _m("user_fields", "name data_type source_id", _encode_user_field, _decode_user_field),
    "resource": _m(
        "resources", "code name type unit calendar_id rates parent_id source_id", _encode_resource, _decode_resource
    ),
    "activity": Mapper("activities", ACTIVITY_COLUMNS, _encode_activity, _decode_activity),
    "relationship": _m(
        "relationships", "predecessor_id successor_id type lag", _encode_relationship, _decode_relationship
    ),
    "assignment": _m(
        "assignments",
        "activity_id resource_id budgeted_units actual_units remaining_units budgeted_cost actual_cost remaining_cost",
        _encode_assignment,
        _decode_assignment,
    ),
    "expense": _m(
        "expenses", "activity_id name budgeted_cost actual_cost remaining_cost", _encode_expense, _decode_expense
    ),
    "baseline": _m("baselines", "name taken_at activities", _encode_baseline, _decode_baseline),
}

# --- the project row and computed dates --------------------------------------------------------------------------

PROJECT_COLUMNS = (
    "id", "code", "name", "planned_start", "data_date", "must_finish_by", "default_calendar_id", "eps_id", "options",
    "currency", "notes", "source_id",
)  # fmt: skip


def encode_project(p: Project) -> tuple[Any, ...]:
    return (
        p.id, p.code, p.name, iso(p.planned_start), iso(p.data_date), iso(p.must_finish_by), p.default_calendar_id,
        p.eps_id, dumps(to_plain(p.options)), p.currency, p.notes, p.source_id,
    )  # fmt: skip


def decode_project(r: Sequence[Any]) -> Project:
    return Project(
        id=r[0], code=r[1], name=r[2], planned_start=fromiso(r[3]), data_date=parse_iso(r[4]),
        must_finish_by=parse_iso(r[5]), default_calendar_id=r[6], eps_id=r[7],
        options=from_plain(ScheduleOptions, json.loads(r[8]), "project.options"), currency=r[9], notes=r[10],
        source_id=r[11],
    )  # fmt: skip


COMPUTED_COLUMNS = (
    "activity_id", "project_id", "early_start", "early_finish", "late_start", "late_finish", "total_float",
    "free_float", "critical", "longest_path",
)  # fmt: skip


def encode_computed(activity_id: str, c: ComputedDates, project_id: str) -> tuple[Any, ...]:
    return (
        activity_id, project_id, iso(c.early_start), iso(c.early_finish), iso(c.late_start), iso(c.late_finish),
        c.total_float, c.free_float, c.critical, c.longest_path,
    )  # fmt: skip


def decode_computed(r: Sequence[Any]) -> ComputedDates:
    return ComputedDates(
        parse_iso(r[2]), parse_iso(r[3]), parse_iso(r[4]), parse_iso(r[5]), r[6], r[7], bool(r[8]), bool(r[9])
    )
