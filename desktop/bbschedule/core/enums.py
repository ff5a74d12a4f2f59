"""The closed vocabularies of the model (P6's and MS Project's, as one superset)."""

from __future__ import annotations

from enum import StrEnum


class ActivityType(StrEnum):
    TASK = "task"
    RESOURCE_DEPENDENT = "resource_dependent"
    LEVEL_OF_EFFORT = "level_of_effort"
    START_MILESTONE = "start_milestone"
    FINISH_MILESTONE = "finish_milestone"
    WBS_SUMMARY = "wbs_summary"

    @property
    def is_milestone(self) -> bool:
        return self in (ActivityType.START_MILESTONE, ActivityType.FINISH_MILESTONE)


class DurationType(StrEnum):
    FIXED_DURATION_AND_UNITS_TIME = "fixed_duration_units_time"
    FIXED_DURATION_AND_UNITS = "fixed_duration_units"
    FIXED_UNITS = "fixed_units"
    FIXED_UNITS_TIME = "fixed_units_time"


class PercentCompleteType(StrEnum):
    DURATION = "duration"
    PHYSICAL = "physical"
    UNITS = "units"


class ConstraintType(StrEnum):
    """P6's nine constraints; MS Project's eight map onto these (formats hold the table)."""

    START_ON = "start_on"
    START_ON_OR_AFTER = "start_on_or_after"
    START_ON_OR_BEFORE = "start_on_or_before"
    FINISH_ON = "finish_on"
    FINISH_ON_OR_AFTER = "finish_on_or_after"
    FINISH_ON_OR_BEFORE = "finish_on_or_before"
    MANDATORY_START = "mandatory_start"
    MANDATORY_FINISH = "mandatory_finish"
    AS_LATE_AS_POSSIBLE = "as_late_as_possible"

    @property
    def needs_date(self) -> bool:
        return self is not ConstraintType.AS_LATE_AS_POSSIBLE


class RelationshipType(StrEnum):
    FS = "FS"
    SS = "SS"
    FF = "FF"
    SF = "SF"


class ResourceType(StrEnum):
    LABOR = "labor"
    NONLABOR = "nonlabor"
    MATERIAL = "material"


class ProgressMode(StrEnum):
    RETAINED_LOGIC = "retained_logic"
    PROGRESS_OVERRIDE = "progress_override"
    ACTUAL_DATES = "actual_dates"


class FloatMode(StrEnum):
    """How total float is computed: P6's 'Compute total float as'."""

    START = "start"
    FINISH = "finish"
    SMALLEST = "smallest"


class CriticalMode(StrEnum):
    TOTAL_FLOAT = "total_float"
    LONGEST_PATH = "longest_path"


class LagCalendar(StrEnum):
    """Which calendar relationship lags are counted on: P6's 'Calendar for scheduling relationship lag'."""

    PREDECESSOR = "predecessor"
    SUCCESSOR = "successor"
    TWENTY_FOUR_HOUR = "twenty_four_hour"
    PROJECT_DEFAULT = "project_default"


class FloatPathBasis(StrEnum):
    """Which relationship float orders multiple float paths: P6's "Calculate multiple paths using"."""

    FREE_FLOAT = "free_float"
    TOTAL_FLOAT = "total_float"


class UserFieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    COST = "cost"
    INTEGER = "integer"
