"""The workbook layout of docs/excel-layout.md: sheets, their columns, units, and the names of the vocabularies.

Writer and reader both work from these tables, so the layout is defined once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from bbschedule.core.enums import (
    ActivityType,
    ConstraintType,
    CriticalMode,
    DurationType,
    FloatMode,
    LagCalendar,
    PercentCompleteType,
    ProgressMode,
    RelationshipType,
    ResourceType,
    UserFieldType,
)
from bbschedule.formats.constraints import to_p6_name

E = TypeVar("E", bound=StrEnum)
LAYOUT_FORMAT = "bbschedule.xlsx/1"
CODE_PREFIX = "Code: "
"""Activities columns named 'Code: <code type>' carry that activity code's value."""
UDF_PREFIX = "UDF: "
"""Activities columns named 'UDF: <user field>' carry that user field."""
MAX_ERRORS = 50
"""Problems listed in one import error; the rest are counted."""
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
DAYS_FORMAT = "0.0##"
MONEY_FORMAT = "#,##0.00"


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: str
    """text, int, float, days, datetime, date, bool, choice, hours (the cell's type and unit)."""
    width: float = 14
    attr: str = ""
    """The model field this column carries: a model error on that field is reported at this column."""
    choices: tuple[str, ...] = ()
    required: bool = False


def _names(enum: type[E], names: dict[str, str]) -> dict[E, str]:
    return {member: names[member.value] for member in enum}


ACTIVITY_TYPE_NAMES = _names(
    ActivityType,
    {
        "task": "Task Dependent",
        "resource_dependent": "Resource Dependent",
        "level_of_effort": "Level of Effort",
        "start_milestone": "Start Milestone",
        "finish_milestone": "Finish Milestone",
        "wbs_summary": "WBS Summary",
    },
)
DURATION_TYPE_NAMES = _names(
    DurationType,
    {
        "fixed_duration_units_time": "Fixed Duration and Units/Time",
        "fixed_duration_units": "Fixed Duration and Units",
        "fixed_units": "Fixed Units",
        "fixed_units_time": "Fixed Units/Time",
    },
)
PERCENT_TYPE_NAMES = _names(PercentCompleteType, {"duration": "Duration", "physical": "Physical", "units": "Units"})
CONSTRAINT_NAMES: dict[ConstraintType, str] = {member: to_p6_name(member) for member in ConstraintType}
RELATIONSHIP_NAMES = _names(RelationshipType, {"FS": "FS", "SS": "SS", "FF": "FF", "SF": "SF"})
RESOURCE_TYPE_NAMES = _names(ResourceType, {"labor": "Labor", "nonlabor": "Nonlabor", "material": "Material"})
USER_FIELD_TYPE_NAMES = _names(
    UserFieldType, {"text": "Text", "number": "Number", "date": "Date", "cost": "Cost", "integer": "Integer"}
)
PROGRESS_MODE_NAMES = _names(
    ProgressMode,
    {"retained_logic": "Retained Logic", "progress_override": "Progress Override", "actual_dates": "Actual Dates"},
)
FLOAT_MODE_NAMES = _names(FloatMode, {"start": "Start Float", "finish": "Finish Float", "smallest": "Smallest"})
CRITICAL_MODE_NAMES = _names(CriticalMode, {"total_float": "Total Float", "longest_path": "Longest Path"})
LAG_CALENDAR_NAMES = _names(
    LagCalendar,
    {
        "predecessor": "Predecessor",
        "successor": "Successor",
        "twenty_four_hour": "24 Hour",
        "project_default": "Project Default",
    },
)
YES_NO = ("Yes", "No")

# Extra spellings accepted on import (P6 and MS Project habits).
ALIASES: dict[type[Any], dict[str, str]] = {
    ActivityType: {"task": "task", "milestone": "finish_milestone", "loe": "level_of_effort"},
    ConstraintType: {
        "snet": "start_on_or_after",
        "snlt": "start_on_or_before",
        "fnet": "finish_on_or_after",
        "fnlt": "finish_on_or_before",
        "alap": "as_late_as_possible",
        "mso": "mandatory_start",
        "mfo": "mandatory_finish",
    },
    ResourceType: {"labour": "labor", "non-labor": "nonlabor", "non-labour": "nonlabor", "equipment": "nonlabor"},
}


def choices(names: dict[Any, str]) -> tuple[str, ...]:
    return tuple(names.values())


@dataclass(frozen=True)
class Choice(Generic[E]):
    """A closed vocabulary as the reader accepts it: every spelling (lower case) to its member."""

    table: dict[str, E]
    allowed: str
    """The display names, for error messages."""

    @classmethod
    def of(cls, names: dict[E, str], enum: type[E]) -> Choice[E]:
        table: dict[str, E] = {}
        for member, name in names.items():
            table[name.lower()] = member
            table[member.value.lower()] = member
        for alias, value in ALIASES.get(enum, {}).items():
            table[alias] = enum(value)
        return cls(table, ", ".join(names.values()))


PROJECT_FIELDS: tuple[tuple[str, str, str], ...] = (
    # (field, kind, what it means); the Value column holds the value
    ("Layout", "text", f"the layout version ({LAYOUT_FORMAT})"),
    ("Project Code", "text", "the project's short code (required)"),
    ("Project Name", "text", "required"),
    ("Planned Start", "datetime", "date and time"),
    ("Data Date", "datetime", "date and time of the last progress update; blank = planned start"),
    ("Must Finish By", "datetime", "date and time, or blank"),
    ("Default Calendar", "text", "a name from the Calendars sheet"),
    ("Currency", "text", "ISO code of the costs, e.g. GBP"),
    ("Hours per Day for Lags", "float", "relationship lags in days are converted with this many hours a day"),
    ("Progress Mode", "choice", ", ".join(PROGRESS_MODE_NAMES.values())),
    ("Total Float As", "choice", ", ".join(FLOAT_MODE_NAMES.values())),
    ("Critical Activities", "choice", ", ".join(CRITICAL_MODE_NAMES.values())),
    ("Critical Float Threshold (h)", "float", "total float in working hours at or below which an activity is critical"),
    ("Lag Calendar", "choice", ", ".join(LAG_CALENDAR_NAMES.values())),
    ("Open-ended Activities Critical", "bool", "Yes or No"),
    ("Ignore External Links", "bool", "Yes or No"),
    ("Notes", "text", ""),
)

WEEKDAY_HEADERS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

SHEETS: dict[str, tuple[Column, ...]] = {
    "Calendars": (
        Column("Calendar", "text", 32, "name", required=True),
        Column("Default", "bool", 9, "is_default", YES_NO),
        Column("Base Calendar", "text", 24, "base_calendar_id"),
        Column("Hours per Day", "float", 13, "hours_per_day"),
        Column("Hours per Week", "float", 14, "hours_per_week"),
        Column("Hours per Month", "float", 15, "hours_per_month"),
        Column("Hours per Year", "float", 14, "hours_per_year"),
        *(Column(day, "text", 24, "week") for day in WEEKDAY_HEADERS),
    ),
    "Calendar Exceptions": (
        Column("Calendar", "text", 32, "calendar", required=True),
        Column("Start", "date", 12, "start", required=True),
        Column("Finish", "date", 12, "finish"),
        Column("Working Hours", "text", 24, "intervals"),
        Column("Name", "text", 32, "name"),
    ),
    "WBS": (
        Column("WBS Code", "text", 18, "code", required=True),
        Column("WBS Name", "text", 40, "name", required=True),
        Column("Parent WBS Code", "text", 18, "parent_id"),
        Column("Sequence", "int", 10, "sequence"),
    ),
    "Activity Codes": (
        Column("Code Type", "text", 24, "type_id", required=True),
        Column("Global", "bool", 8, "is_global", YES_NO),
        Column("Value", "text", 14, "code"),
        Column("Description", "text", 36, "description"),
        Column("Parent Value", "text", 14, "parent_id"),
        Column("Sequence", "int", 10, "sequence"),
    ),
    "User Fields": (
        Column("User Field", "text", 28, "name", required=True),
        Column("Data Type", "choice", 12, "data_type", choices(USER_FIELD_TYPE_NAMES)),
    ),
    "Activities": (
        Column("Activity ID", "text", 12, "code", required=True),
        Column("Activity Name", "text", 44, "name", required=True),
        Column("WBS Code", "text", 14, "wbs_id"),
        Column("Activity Type", "choice", 17, "type", choices(ACTIVITY_TYPE_NAMES)),
        Column("Calendar", "text", 24, "calendar_id"),
        Column("Original Duration (d)", "days", 11, "original_duration"),
        Column("Remaining Duration (d)", "days", 11, "remaining_duration"),
        Column("Actual Duration (d)", "days", 11, "actual_duration"),
        Column("Duration Type", "choice", 24, "duration_type", choices(DURATION_TYPE_NAMES)),
        Column("% Complete Type", "choice", 12, "percent_complete_type", choices(PERCENT_TYPE_NAMES)),
        Column("Physical % Complete", "float", 11, "physical_percent_complete"),
        Column("Primary Constraint", "choice", 20, "primary_constraint", choices(CONSTRAINT_NAMES)),
        Column("Primary Constraint Date", "datetime", 17, "primary_constraint"),
        Column("Secondary Constraint", "choice", 20, "secondary_constraint", choices(CONSTRAINT_NAMES)),
        Column("Secondary Constraint Date", "datetime", 17, "secondary_constraint"),
        Column("Actual Start", "datetime", 17, "actual_start"),
        Column("Actual Finish", "datetime", 17, "actual_finish"),
        Column("Expected Finish", "datetime", 17, "expected_finish"),
        Column("Suspend Date", "datetime", 17, "suspend_date"),
        Column("Resume Date", "datetime", 17, "resume_date"),
        Column("Planned Start", "datetime", 17, "planned_start"),
        Column("Planned Finish", "datetime", 17, "planned_finish"),
        Column("Quantity", "float", 10, "quantity"),
        Column("Quantity Unit", "text", 9, "quantity_unit"),
        Column("Production Rate (per h)", "float", 11, "production_rate"),
        Column("Location Start", "float", 10, "location_start"),
        Column("Location End", "float", 10, "location_end"),
        Column("Notes", "text", 40, "notes"),
    ),
    "Relationships": (
        Column("Predecessor", "text", 14, "predecessor_id", required=True),
        Column("Successor", "text", 14, "successor_id", required=True),
        Column("Type", "choice", 7, "type", choices(RELATIONSHIP_NAMES)),
        Column("Lag (d)", "days", 9, "lag"),
        Column("Predecessor Name", "text", 40),
        Column("Successor Name", "text", 40),
    ),
    "Resources": (
        Column("Resource ID", "text", 14, "code", required=True),
        Column("Resource Name", "text", 36, "name", required=True),
        Column("Type", "choice", 11, "type", choices(RESOURCE_TYPE_NAMES)),
        Column("Unit", "text", 8, "unit"),
        Column("Calendar", "text", 24, "calendar_id"),
        Column("Parent Resource ID", "text", 14, "parent_id"),
    ),
    "Resource Rates": (
        Column("Resource ID", "text", 14, "resource", required=True),
        Column("Effective From", "date", 14, "effective_from", required=True),
        Column("Price per Unit", "float", 14, "price_per_unit", required=True),
        Column("Max Units per Hour", "float", 12, "max_units_per_hour"),
    ),
    "Assignments": (
        Column("Activity ID", "text", 12, "activity_id", required=True),
        Column("Resource ID", "text", 14, "resource_id", required=True),
        Column("Budgeted Units", "float", 14, "budgeted_units"),
        Column("Actual Units", "float", 14, "actual_units"),
        Column("Remaining Units", "float", 14, "remaining_units"),
        Column("Budgeted Cost", "float", 14, "budgeted_cost"),
        Column("Actual Cost", "float", 14, "actual_cost"),
        Column("Remaining Cost", "float", 14, "remaining_cost"),
    ),
    "Expenses": (
        Column("Activity ID", "text", 12, "activity_id", required=True),
        Column("Expense", "text", 40, "name", required=True),
        Column("Budgeted Cost", "float", 14, "budgeted_cost"),
        Column("Actual Cost", "float", 14, "actual_cost"),
        Column("Remaining Cost", "float", 14, "remaining_cost"),
    ),
}
"""Sheet name -> columns in order (Activities also gets 'Code: …' and 'UDF: …' columns after these)."""

REQUIRED_SHEETS = ("Project", "Calendars", "Activities")
SHEET_ORDER = ("Project", *SHEETS)
