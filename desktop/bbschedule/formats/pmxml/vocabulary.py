"""P6 XML's spellings of the model's vocabularies (activity types, duration types, options …), both ways."""

from __future__ import annotations

from typing import Any

from bbschedule.core.enums import (
    ActivityType,
    DurationType,
    FloatMode,
    LagCalendar,
    PercentCompleteType,
    ProgressMode,
    RelationshipType,
    ResourceType,
)

ACTIVITY_TYPE_NAMES = {
    ActivityType.TASK: "Task Dependent",
    ActivityType.RESOURCE_DEPENDENT: "Resource Dependent",
    ActivityType.LEVEL_OF_EFFORT: "Level of Effort",
    ActivityType.START_MILESTONE: "Start Milestone",
    ActivityType.FINISH_MILESTONE: "Finish Milestone",
    ActivityType.WBS_SUMMARY: "WBS Summary",
}
DURATION_TYPE_NAMES = {
    DurationType.FIXED_DURATION_AND_UNITS_TIME: "Fixed Duration and Units/Time",
    DurationType.FIXED_DURATION_AND_UNITS: "Fixed Duration and Units",
    DurationType.FIXED_UNITS: "Fixed Units",
    DurationType.FIXED_UNITS_TIME: "Fixed Units/Time",
}
PERCENT_TYPE_NAMES = {
    PercentCompleteType.DURATION: "Duration",
    PercentCompleteType.PHYSICAL: "Physical",
    PercentCompleteType.UNITS: "Units",
}
RELATIONSHIP_TYPE_NAMES = {
    RelationshipType.FS: "Finish to Start",
    RelationshipType.SS: "Start to Start",
    RelationshipType.FF: "Finish to Finish",
    RelationshipType.SF: "Start to Finish",
}
RESOURCE_TYPE_NAMES = {
    ResourceType.LABOR: "Labor",
    ResourceType.NONLABOR: "Nonlabor",
    ResourceType.MATERIAL: "Material",
}
LAG_CALENDAR_NAMES = {
    LagCalendar.PREDECESSOR: "Predecessor Activity Calendar",
    LagCalendar.SUCCESSOR: "Successor Activity Calendar",
    LagCalendar.TWENTY_FOUR_HOUR: "24 Hour Calendar",
    LagCalendar.PROJECT_DEFAULT: "Project Default Calendar",
}
PROGRESS_MODE_NAMES = {
    ProgressMode.RETAINED_LOGIC: "Retained Logic",
    ProgressMode.PROGRESS_OVERRIDE: "Progress Override",
    ProgressMode.ACTUAL_DATES: "Actual Dates",
}
FLOAT_MODE_NAMES = {
    FloatMode.START: "Start Float",
    FloatMode.FINISH: "Finish Float",
    FloatMode.SMALLEST: "Smallest of Start Float and Finish Float",
}


def _lookup(names: dict[Any, str]) -> dict[str, Any]:
    return {name.lower(): member for member, name in names.items()}


ACTIVITY_TYPES = _lookup(ACTIVITY_TYPE_NAMES)
DURATION_TYPES = _lookup(DURATION_TYPE_NAMES)
PERCENT_TYPES = _lookup(PERCENT_TYPE_NAMES)
RELATIONSHIP_TYPES = _lookup(RELATIONSHIP_TYPE_NAMES)
RESOURCE_TYPES = _lookup(RESOURCE_TYPE_NAMES)
LAG_CALENDARS = _lookup(LAG_CALENDAR_NAMES)
PROGRESS_MODES = _lookup(PROGRESS_MODE_NAMES)
FLOAT_MODES = _lookup(FLOAT_MODE_NAMES)
