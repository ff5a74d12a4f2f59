"""P6's XER codes and the core enums they map to, both ways, in one place."""

from __future__ import annotations

from bbschedule.core.enums import (
    ActivityType,
    ConstraintType,
    DurationType,
    FloatMode,
    LagCalendar,
    PercentCompleteType,
    RelationshipType,
    ResourceType,
    UserFieldType,
)

TASK_TYPES = {
    "TT_Task": ActivityType.TASK,
    "TT_Rsrc": ActivityType.RESOURCE_DEPENDENT,
    "TT_LOE": ActivityType.LEVEL_OF_EFFORT,
    "TT_Mile": ActivityType.START_MILESTONE,
    "TT_FinMile": ActivityType.FINISH_MILESTONE,
    "TT_WBS": ActivityType.WBS_SUMMARY,
}

DURATION_TYPES = {
    "DT_FixedDrtn": DurationType.FIXED_DURATION_AND_UNITS_TIME,
    "DT_FixedDUR2": DurationType.FIXED_DURATION_AND_UNITS,
    "DT_FixedQty": DurationType.FIXED_UNITS,
    "DT_FixedRate": DurationType.FIXED_UNITS_TIME,
}

PERCENT_TYPES = {
    "CP_Drtn": PercentCompleteType.DURATION,
    "CP_Phys": PercentCompleteType.PHYSICAL,
    "CP_Units": PercentCompleteType.UNITS,
}

CONSTRAINT_TYPES = {
    "CS_MSO": ConstraintType.START_ON,
    "CS_MSOA": ConstraintType.START_ON_OR_AFTER,
    "CS_MSOB": ConstraintType.START_ON_OR_BEFORE,
    "CS_MEO": ConstraintType.FINISH_ON,
    "CS_MEOA": ConstraintType.FINISH_ON_OR_AFTER,
    "CS_MEOB": ConstraintType.FINISH_ON_OR_BEFORE,
    "CS_MANDSTART": ConstraintType.MANDATORY_START,
    "CS_MANDFIN": ConstraintType.MANDATORY_FINISH,
    "CS_ALAP": ConstraintType.AS_LATE_AS_POSSIBLE,
}

RELATIONSHIP_TYPES = {
    "PR_FS": RelationshipType.FS,
    "PR_SS": RelationshipType.SS,
    "PR_FF": RelationshipType.FF,
    "PR_SF": RelationshipType.SF,
}

FLOAT_MODES = {"FT_SF": FloatMode.START, "FT_FF": FloatMode.FINISH, "FT_MIN": FloatMode.SMALLEST}

LAG_CALENDARS = {
    "rcal_Predecessor": LagCalendar.PREDECESSOR,
    "rcal_Successor": LagCalendar.SUCCESSOR,
    "rcal_24Hour": LagCalendar.TWENTY_FOUR_HOUR,
    "rcal_ProjDefault": LagCalendar.PROJECT_DEFAULT,
}

RESOURCE_TYPES = {"RT_Labor": ResourceType.LABOR, "RT_Equip": ResourceType.NONLABOR, "RT_Mat": ResourceType.MATERIAL}

UDF_TYPES = {
    "FT_TEXT": UserFieldType.TEXT,
    "FT_STATICTYPE": UserFieldType.TEXT,
    "FT_INT": UserFieldType.INTEGER,
    "FT_FLOAT_2_DECIMALS": UserFieldType.NUMBER,
    "FT_FLOAT": UserFieldType.NUMBER,
    "FT_MONEY": UserFieldType.COST,
    "FT_START_DATE": UserFieldType.DATE,
    "FT_END_DATE": UserFieldType.DATE,
    "FT_DATE": UserFieldType.DATE,
}


def reverse(table: dict[str, object]) -> dict[object, str]:
    """Core value -> the first XER code that maps to it (the one we write)."""
    out: dict[object, str] = {}
    for code, value in table.items():
        out.setdefault(value, code)
    return out


TASK_TYPE_CODES = reverse(dict(TASK_TYPES))
DURATION_TYPE_CODES = reverse(dict(DURATION_TYPES))
PERCENT_TYPE_CODES = reverse(dict(PERCENT_TYPES))
CONSTRAINT_CODES = reverse(dict(CONSTRAINT_TYPES))
RELATIONSHIP_CODES = reverse(dict(RELATIONSHIP_TYPES))
FLOAT_MODE_CODES = reverse(dict(FLOAT_MODES))
LAG_CALENDAR_CODES = reverse(dict(LAG_CALENDARS))
RESOURCE_TYPE_CODES = reverse(dict(RESOURCE_TYPES))
UDF_TYPE_CODES = {
    UserFieldType.TEXT: "FT_TEXT",
    UserFieldType.INTEGER: "FT_INT",
    UserFieldType.NUMBER: "FT_FLOAT_2_DECIMALS",
    UserFieldType.COST: "FT_MONEY",
    UserFieldType.DATE: "FT_START_DATE",
}
