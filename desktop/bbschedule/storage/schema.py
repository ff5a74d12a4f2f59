"""The local cache's tables as a typed SQLAlchemy 2.x ORM: one table per core entity, plus outbox, undo history,
computed dates, meta and the sync bookkeeping (sync_*). Datetimes are ISO 8601 text (naive local time, as in the
model); nested values that are read and written whole (calendar weeks, rates, baseline rows, codes) are JSON.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, MetaData, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class IsoDateTime(TypeDecorator[dt.datetime]):
    """A naive datetime as ISO 8601 text: readable in any SQLite tool, sortable, parsed by fromisoformat."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else value.isoformat()

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else dt.datetime.fromisoformat(value)


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: IsoDateTime,
        str: Text,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


def _project_fk() -> Any:
    return mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)


def _ref(target: str, *, index: bool = False) -> Any:
    """A reference inside one project, checked at commit so rows of one batch may come in any order."""
    return mapped_column(ForeignKey(target, deferrable=True, initially="DEFERRED"), index=index)


class MetaRow(Base):
    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str]


class EpsRow(Base):
    __tablename__ = "eps"
    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    code: Mapped[str]
    parent_id: Mapped[str | None] = _ref("eps.id")


class ProjectRow(Base):
    __tablename__ = "projects"
    id: Mapped[str] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(index=True)
    name: Mapped[str]
    planned_start: Mapped[dt.datetime]
    data_date: Mapped[dt.datetime | None]
    must_finish_by: Mapped[dt.datetime | None]
    # Plain ids: a project and its calendars are written in one batch, and EPS nodes may live on a server only.
    default_calendar_id: Mapped[str | None]
    eps_id: Mapped[str | None]
    options: Mapped[dict[str, Any]]
    currency: Mapped[str]
    notes: Mapped[str]
    source_id: Mapped[str | None]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class CalendarRow(Base):
    __tablename__ = "calendars"
    id: Mapped[str] = mapped_column(primary_key=True)
    project_id: Mapped[str] = _project_fk()
    name: Mapped[str]
    week: Mapped[list[Any]]
    exceptions: Mapped[list[Any]]
    hours_per_day: Mapped[float]
    hours_per_week: Mapped[float]
    hours_per_month: Mapped[float]
    hours_per_year: Mapped[float]
    is_default: Mapped[bool]
    base_calendar_id: Mapped[str | None] = _ref("calendars.id")
    source_id: Mapped[str | None]


class WbsRow(Base):
    __tablename__ = "wbs"
    id: Mapped[str] = mapped_column(primary_key=True)
    project_id: Mapped[str] = _project_fk()
    code: Mapped[str]
    name: Mapped[str]
    parent_id: Mapped[str | None] = _ref("wbs.id", index=True)
    sequence: Mapped[int]
    source_id: Mapped[str | None]


class CodeTypeRow(Base):
    __tablename__ = "code_types"
    id: Mapped[str] = mapped_column(primary_key=True)
    project_id: Mapped[str] = _project_fk()
    name: Mapped[str]
    is_global: Mapped[bool]
    source_id: Mapped[str | None]


class CodeValueRow(Base):
    __tablename__ = "code_values"
    id: Mapped[str] = mapped_column(primary_key=True)
    project_id: Mapped[str] = _project_fk()
    type_id: Mapped[str] = _ref("code_types.id", index=True)
    code: Mapped[str]
    description: Mapped[str]
    parent_id: Mapped[str | None] = _ref("code_values.id")
    sequence: Mapped[int]
    source_id: Mapped[str | None]


class UserFieldRow(Base):
    __tablename__ = "user_fields"
    id: Mapped[str] = mapped_column(primary_key=True)
    project_id: Mapped[str] = _project_fk()
    name: Mapped[str]
    data_type: Mapped[str]
    source_id: Mapped[str | None]


class ResourceRow(Base):
    __tablename__ = "resources"
    id: Mapped[str] = mapped_column(primary_key=True)
    project_id: Mapped[str] = _project_fk()
    code: Mapped[str]
    name: Mapped[str]
    type: Mapped[str]
    unit: Mapped[str]
    calendar_id: Mapped[str | None] = _ref("calendars.id")
    rates: Mapped[list[Any]]
    parent_id: Mapped[str | None] = _ref("resources.id")
    source_id: Mapped[str | None]


class ActivityRow(Base):
    """Every scalar field is a column: activities are queried, and synced field by field."""

    __tablename__ = "activities"
    id: Mapped[str] = mapped_column(primary_key=True)
    project_id: Mapped[str] = _project_fk()
    code: Mapped[str]
    name: Mapped[str]
    calendar_id: Mapped[str] = _ref("calendars.id")
    wbs_id: Mapped[str | None] = _ref("wbs.id", index=True)
    type: Mapped[str]
    duration_type: Mapped[str]
    percent_complete_type: Mapped[str]
    original_duration: Mapped[int]
    remaining_duration: Mapped[int | None]
    actual_duration: Mapped[int]
    physical_percent_complete: Mapped[float]
    primary_constraint_type: Mapped[str | None]
    primary_constraint_date: Mapped[dt.datetime | None]
    secondary_constraint_type: Mapped[str | None]
    secondary_constraint_date: Mapped[dt.datetime | None]
    actual_start: Mapped[dt.datetime | None]
    actual_finish: Mapped[dt.datetime | None]
    expected_finish: Mapped[dt.datetime | None]
    suspend_date: Mapped[dt.datetime | None]
    resume_date: Mapped[dt.datetime | None]
    planned_start: Mapped[dt.datetime | None]
    planned_finish: Mapped[dt.datetime | None]
    quantity: Mapped[float | None]
    quantity_unit: Mapped[str]
    production_rate: Mapped[float | None]
    location_start: Mapped[float | None]
    location_end: Mapped[float | None]
    notes: Mapped[str]
    codes: Mapped[dict[str, Any]]
    user_fields: Mapped[dict[str, Any]]
    source_id: Mapped[str | None]


class RelationshipRow(Base):
    __tablename__ = "relationships"
    id: Mapped[str] = mapped_column(primary_key=True)
    project_id: Mapped[str] = _project_fk()
    predecessor_id: Mapped[str] = _ref("activities.id", index=True)
    successor_id: Mapped[str] = _ref("activities.id", index=True)
    type: Mapped[str]
    lag: Mapped[int]


class AssignmentRow(Base):
    __tablename__ = "assignments"
    id: Mapped[str] = mapped_column(primary_key=True)
    project_id: Mapped[str] = _project_fk()
    activity_id: Mapped[str] = _ref("activities.id", index=True)
    resource_id: Mapped[str] = _ref("resources.id", index=True)
    budgeted_units: Mapped[float]
    actual_units: Mapped[float]
    remaining_units: Mapped[float]
    budgeted_cost: Mapped[float]
    actual_cost: Mapped[float]
    remaining_cost: Mapped[float]


class ExpenseRow(Base):
    __tablename__ = "expenses"
    id: Mapped[str] = mapped_column(primary_key=True)
    project_id: Mapped[str] = _project_fk()
    activity_id: Mapped[str] = _ref("activities.id", index=True)
    name: Mapped[str]
    budgeted_cost: Mapped[float]
    actual_cost: Mapped[float]
    remaining_cost: Mapped[float]


class BaselineRow(Base):
    """A baseline is an immutable snapshot read whole: its activity rows are one compact JSON array."""

    __tablename__ = "baselines"
    id: Mapped[str] = mapped_column(primary_key=True)
    project_id: Mapped[str] = _project_fk()
    name: Mapped[str]
    taken_at: Mapped[dt.datetime]
    activities: Mapped[list[Any]]


class ComputedDatesRow(Base):
    """Scheduling results: a local cache, never synced, never in the outbox."""

    __tablename__ = "computed_dates"
    activity_id: Mapped[str] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE", deferrable=True, initially="DEFERRED"), primary_key=True
    )
    project_id: Mapped[str] = _project_fk()
    early_start: Mapped[dt.datetime | None]
    early_finish: Mapped[dt.datetime | None]
    late_start: Mapped[dt.datetime | None]
    late_finish: Mapped[dt.datetime | None]
    total_float: Mapped[int | None]
    free_float: Mapped[int | None]
    critical: Mapped[bool]
    longest_path: Mapped[bool]


class UndoHistoryRow(Base):
    """One undo entry; `position` grows with each entry recorded, so trimming the oldest renumbers nothing."""

    __tablename__ = "undo_history"
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    change_set: Mapped[dict[str, Any]]


class UndoStateRow(Base):
    __tablename__ = "undo_state"
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    cursor: Mapped[int]
    """How many of the project's entries (oldest first) are done; the rest can be redone."""


class OutboxRow(Base):
    """One row change to push to the server; no foreign key, so a deleted project's tombstones stay to be pushed."""

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("change_id"), Index("ix_outbox_pushed_seq", "pushed", "seq"))
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    change_id: Mapped[str]
    project_id: Mapped[str] = mapped_column(index=True)
    kind: Mapped[str]
    """An entity kind of core (activity, relationship, …), 'project', or 'import' (push the whole project)."""
    row_id: Mapped[str]
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    """The row after the change in core.codec's plain form; NULL with `deleted` for a tombstone."""
    deleted: Mapped[bool]
    created_at: Mapped[dt.datetime]
    pushed: Mapped[bool] = mapped_column(default=False)


class SyncServerRow(Base):
    """What this cache knows of the central server (its incarnation id): a restored server forces a full resync."""

    __tablename__ = "sync_server"
    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str]


class SyncProjectRow(Base):
    """Per project: how far its pull got, the user's role at the last sync, and whether it left the server."""

    __tablename__ = "sync_project"
    project_id: Mapped[str] = mapped_column(primary_key=True)
    cursor_txid: Mapped[int] = mapped_column(default=0)
    cursor_rev: Mapped[int] = mapped_column(default=0)
    role: Mapped[str | None]
    detached: Mapped[str | None]
    """Why the project no longer syncs ('deleted': by a project admin; 'revoked': no longer a member); NULL while
    it syncs. A detached project is kept locally with its unpushed edits, and neither pushed nor pulled."""
    detached_by: Mapped[str | None]
    detached_at: Mapped[dt.datetime | None]


class SyncShadowRow(Base):
    """The server's last known version of a row (base of field diffs and rebases); `fields` is the server's JSON
    text as it came, compared and parsed by sync."""

    __tablename__ = "sync_shadow"
    project_id: Mapped[str] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(primary_key=True)
    row_id: Mapped[str] = mapped_column(primary_key=True)
    rev: Mapped[int]
    deleted: Mapped[bool]
    fields: Mapped[str]
    exact: Mapped[bool] = mapped_column(default=True)
    """False: the server's row at `rev` has others' edits merged in that this cache has yet to pull."""


ENTITY_ROWS: dict[str, type[Base]] = {
    "calendar": CalendarRow,
    "wbs": WbsRow,
    "code_type": CodeTypeRow,
    "code_value": CodeValueRow,
    "user_field": UserFieldRow,
    "resource": ResourceRow,
    "activity": ActivityRow,
    "relationship": RelationshipRow,
    "assignment": AssignmentRow,
    "expense": ExpenseRow,
    "baseline": BaselineRow,
}
"""The table of each core entity kind, in core's dependency order."""
