"""The activity table's columns: title, width, how a cell reads from an activity and which field an edit sets.

Qt-free: the item model looks columns up here by number, so adding a column is one entry in COLUMNS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from bbschedule.core.activity import Activity
from bbschedule.core.calendar import Calendar
from bbschedule.core.computed import ComputedDates, finish_of, start_of
from bbschedule.core.enums import ActivityType, ConstraintType
from bbschedule.ui.formatting import format_date, format_days, format_float_days


class Editor(Enum):
    NONE = "none"
    TEXT = "text"
    DURATION = "duration"
    START_DATE = "start_date"
    FINISH_DATE = "finish_date"
    CALENDAR = "calendar"
    ACTIVITY_TYPE = "activity_type"
    CONSTRAINT = "constraint"
    CONSTRAINT_DATE = "constraint_date"


ACTIVITY_TYPE_LABELS = {
    ActivityType.TASK: "Task Dependent",
    ActivityType.RESOURCE_DEPENDENT: "Resource Dependent",
    ActivityType.LEVEL_OF_EFFORT: "Level of Effort",
    ActivityType.START_MILESTONE: "Start Milestone",
    ActivityType.FINISH_MILESTONE: "Finish Milestone",
    ActivityType.WBS_SUMMARY: "WBS Summary",
}

CONSTRAINT_LABELS = {
    ConstraintType.START_ON: "Start On",
    ConstraintType.START_ON_OR_AFTER: "Start On or After",
    ConstraintType.START_ON_OR_BEFORE: "Start On or Before",
    ConstraintType.FINISH_ON: "Finish On",
    ConstraintType.FINISH_ON_OR_AFTER: "Finish On or After",
    ConstraintType.FINISH_ON_OR_BEFORE: "Finish On or Before",
    ConstraintType.MANDATORY_START: "Mandatory Start",
    ConstraintType.MANDATORY_FINISH: "Mandatory Finish",
    ConstraintType.AS_LATE_AS_POSSIBLE: "As Late As Possible",
}


@dataclass(frozen=True, slots=True)
class Row:
    """What one activity row reads from: the activity, its scheduling result and its calendar."""

    activity: Activity
    computed: ComputedDates | None
    calendar: Calendar | None
    float_path: tuple[int, int] | None = None
    """(Float Path, Float Path Order) when the last schedule computed multiple float paths and one holds it."""

    @property
    def hours_per_day(self) -> float:
        return self.calendar.hours_per_day if self.calendar is not None else 8.0


@dataclass(frozen=True, slots=True)
class Rollup:
    """A group row's summary of the activities beneath it (the Gantt draws its summary bar from it too)."""

    start: dt.datetime | None = None
    finish: dt.datetime | None = None
    early_start: dt.datetime | None = None
    early_finish: dt.datetime | None = None
    late_start: dt.datetime | None = None
    late_finish: dt.datetime | None = None
    total_float: int | None = None
    hours_per_day: float = 8.0
    critical: bool = False


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    width: int
    text: Callable[[Row], str]
    editor: Editor = Editor.NONE
    field: str | None = None
    """The Activity field an edit sets."""
    numeric: bool = False
    rollup: Callable[[Rollup], str] | None = None
    hidden: bool = False
    """Hidden until the planner shows it from the header's menu."""


def _computed_date(attr: str) -> Callable[[Row], str]:
    def text(row: Row) -> str:
        return format_date(getattr(row.computed, attr)) if row.computed is not None else ""

    return text


def _rollup_date(attr: str) -> Callable[[Rollup], str]:
    return lambda r: format_date(getattr(r, attr))


def _constraint(row: Row) -> str:
    constraint = row.activity.primary_constraint
    return CONSTRAINT_LABELS[constraint.type] if constraint is not None else ""


def _constraint_date(row: Row) -> str:
    constraint = row.activity.primary_constraint
    return format_date(constraint.date) if constraint is not None else ""


def _float_path(index: int) -> Callable[[Row], str]:
    return lambda r: str(r.float_path[index]) if r.float_path is not None else ""


def _total_float(row: Row) -> str:
    tf = row.computed.total_float if row.computed is not None else None
    return format_float_days(tf, row.hours_per_day)


COLUMNS: tuple[Column, ...] = (
    Column("code", "Activity ID", 150, lambda r: r.activity.code, Editor.TEXT, "code"),
    Column("name", "Activity Name", 250, lambda r: r.activity.name, Editor.TEXT, "name"),
    Column(
        "type",
        "Activity Type",
        112,
        lambda r: ACTIVITY_TYPE_LABELS[r.activity.type],
        Editor.ACTIVITY_TYPE,
        "type",
    ),
    Column(
        "original_duration",
        "Original\nDuration",
        72,
        lambda r: format_days(r.activity.original_duration, r.hours_per_day),
        Editor.DURATION,
        "original_duration",
        numeric=True,
    ),
    Column(
        "remaining_duration",
        "Remaining\nDuration",
        80,
        lambda r: format_days(r.activity.remaining, r.hours_per_day),
        Editor.DURATION,
        "remaining_duration",
        numeric=True,
    ),
    Column(
        "start",
        "Start",
        86,
        lambda r: format_date(start_of(r.activity, r.computed), actual=r.activity.actual_start is not None),
        rollup=_rollup_date("start"),
    ),
    Column(
        "finish",
        "Finish",
        86,
        lambda r: format_date(finish_of(r.activity, r.computed), actual=r.activity.actual_finish is not None),
        rollup=_rollup_date("finish"),
    ),
    Column(
        "actual_start",
        "Actual\nStart",
        78,
        lambda r: format_date(r.activity.actual_start),
        Editor.START_DATE,
        "actual_start",
    ),
    Column(
        "actual_finish",
        "Actual\nFinish",
        78,
        lambda r: format_date(r.activity.actual_finish),
        Editor.FINISH_DATE,
        "actual_finish",
    ),
    Column("early_start", "Early\nStart", 78, _computed_date("early_start"), rollup=_rollup_date("early_start")),
    Column("early_finish", "Early\nFinish", 78, _computed_date("early_finish"), rollup=_rollup_date("early_finish")),
    Column("late_start", "Late\nStart", 78, _computed_date("late_start"), rollup=_rollup_date("late_start")),
    Column("late_finish", "Late\nFinish", 78, _computed_date("late_finish"), rollup=_rollup_date("late_finish")),
    Column(
        "total_float",
        "Total\nFloat",
        58,
        _total_float,
        numeric=True,
        rollup=lambda r: format_float_days(r.total_float, r.hours_per_day),
    ),
    Column(
        "calendar",
        "Calendar",
        128,
        lambda r: r.calendar.name if r.calendar is not None else "",
        Editor.CALENDAR,
        "calendar_id",
    ),
    Column("constraint", "Primary\nConstraint", 128, _constraint, Editor.CONSTRAINT, "primary_constraint"),
    Column(
        "constraint_date",
        "Primary\nConstraint Date",
        92,
        _constraint_date,
        Editor.CONSTRAINT_DATE,
        "primary_constraint",
    ),
    # P6's multiple float paths: computed with a schedule when the project's option is on (hidden until chosen)
    Column("float_path", "Float\nPath", 64, _float_path(0), numeric=True, hidden=True),
    Column("float_path_order", "Float Path\nOrder", 84, _float_path(1), numeric=True, hidden=True),
)

_ORDER = (
    "code",
    "name",
    "type",
    "original_duration",
    "remaining_duration",
    "start",
    "finish",
    "total_float",
    "calendar",
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "actual_start",
    "actual_finish",
    "constraint",
    "constraint_date",
    "float_path",
    "float_path_order",
)
# P6's default layout order: what a planner reads first (dates, float) before the detail columns.
COLUMNS = tuple(sorted(COLUMNS, key=lambda c: _ORDER.index(c.key)))
COLUMN_INDEX = {column.key: i for i, column in enumerate(COLUMNS)}
