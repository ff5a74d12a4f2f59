"""Reads the Activities, Relationships, Assignments and Expenses sheets, which refer to activities by ID."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bbschedule.core.activity import Activity, Constraint, Relationship
from bbschedule.core.calendar import Calendar
from bbschedule.core.codes import UserField
from bbschedule.core.enums import (
    ActivityType,
    ConstraintType,
    DurationType,
    PercentCompleteType,
    RelationshipType,
    UserFieldType,
)
from bbschedule.core.errors import ValidationError
from bbschedule.core.resource import Assignment, Expense
from bbschedule.formats.excel.cells import as_float, as_int, as_text, days_to_minutes
from bbschedule.formats.excel.layout import (
    ACTIVITY_TYPE_NAMES,
    CODE_PREFIX,
    CONSTRAINT_NAMES,
    DURATION_TYPE_NAMES,
    PERCENT_TYPE_NAMES,
    RELATIONSHIP_NAMES,
    SHEETS,
    UDF_PREFIX,
    Choice,
)
from bbschedule.formats.excel.sheet import Row, Sheet, column_letter

_TYPES = Choice.of(ACTIVITY_TYPE_NAMES, ActivityType)
_DURATION_TYPES = Choice.of(DURATION_TYPE_NAMES, DurationType)
_PERCENT_TYPES = Choice.of(PERCENT_TYPE_NAMES, PercentCompleteType)
_CONSTRAINTS = Choice.of(CONSTRAINT_NAMES, ConstraintType)
_RELATIONSHIP_TYPES = Choice.of(RELATIONSHIP_NAMES, RelationshipType)
_DATES = (
    ("Actual Start", "actual_start"),
    ("Actual Finish", "actual_finish"),
    ("Expected Finish", "expected_finish"),
    ("Suspend Date", "suspend_date"),
    ("Resume Date", "resume_date"),
    ("Planned Start", "planned_start"),
    ("Planned Finish", "planned_finish"),
)
_NUMBERS = (
    ("Quantity", "quantity"),
    ("Production Rate (per h)", "production_rate"),
    ("Location Start", "location_start"),
    ("Location End", "location_end"),
)


class ActivityReader:
    def __init__(
        self,
        sheets: dict[str, Sheet],
        *,
        calendars: dict[str, Calendar],
        calendar_ids: dict[str, str],
        default_calendar: str | None,
        wbs_ids: dict[str, str],
        code_type_ids: dict[str, str],
        code_value_ids: dict[tuple[str, str], str],
        user_fields: dict[str, UserField],
        resource_ids: dict[str, str],
        lag_hours_per_day: float,
        broken_refs: set[tuple[str, str]],
    ) -> None:
        self.sheets = sheets
        self.calendars = calendars
        self.calendar_ids = calendar_ids
        self.default_calendar = default_calendar
        self.wbs_ids = wbs_ids
        self.code_type_ids = code_type_ids
        self.code_value_ids = code_value_ids
        self.user_fields = user_fields
        self.resource_ids = resource_ids
        self.lag_hours_per_day = lag_hours_per_day
        self.broken_refs = broken_refs
        """(kind, key) of calendars, WBS nodes and resources whose rows were already reported."""
        self.activity_ids: dict[str, str] = {}
        self.broken: set[str] = set()
        """Keys of rows already reported: a reference to one fails quietly instead of adding a second problem."""
        self.activities: dict[str, Activity] = {}
        self.relationships: dict[str, Relationship] = {}
        self.assignments: dict[str, Assignment] = {}
        self.expenses: dict[str, Expense] = {}

    def run(self) -> None:
        sheet = self.sheets.get("Activities")
        if sheet is not None:
            codes, udfs = self._extra_columns(sheet)
            for row in sheet:
                self._activity(row, codes, udfs)
        for row in self._rows("Relationships"):
            self._relationship(row)
        for row in self._rows("Assignments"):
            self._assignment(row)
        for row in self._rows("Expenses"):
            self._expense(row)

    def _rows(self, name: str) -> list[Row]:
        sheet = self.sheets.get(name)
        return list(sheet) if sheet is not None else []

    def _extra_columns(self, sheet: Sheet) -> tuple[dict[str, str], dict[str, UserField]]:
        """'Code: <type>' header -> code type id, 'UDF: <field>' header -> user field."""
        codes: dict[str, str] = {}
        udfs: dict[str, UserField] = {}
        for header in sheet.headers:
            index = sheet.index[" ".join(header.split()).lower()]
            where = f"Activities!{column_letter(index + 1)}1"
            if header.lower().startswith(CODE_PREFIX.lower()):
                name = header[len(CODE_PREFIX) :].strip()
                if name in self.code_type_ids:
                    codes[header] = self.code_type_ids[name]
                else:
                    sheet.problems.add(where, f"no code type {name!r} on the Activity Codes sheet")
            elif header.lower().startswith(UDF_PREFIX.lower()):
                name = header[len(UDF_PREFIX) :].strip()
                if name in self.user_fields:
                    udfs[header] = self.user_fields[name]
                else:
                    sheet.problems.add(where, f"no user field {name!r} on the User Fields sheet")
        return codes, udfs

    def _activity(self, row: Row, codes: dict[str, str], udfs: dict[str, UserField]) -> None:
        code = row.get("Activity ID", required=True)
        name = row.get("Activity Name", required=True)
        if code is not None and code in self.activity_ids:
            row.problem("Activity ID", f"a second activity with the ID {code!r}")
        wbs = row.get("WBS Code")
        if wbs is not None and wbs not in self.wbs_ids and ("wbs", wbs) not in self.broken_refs:
            row.problem("WBS Code", f"no WBS node with the code {wbs!r} on the WBS sheet")
        calendar_name = row.get("Calendar")
        calendar_id = self.default_calendar
        if calendar_name is not None:
            calendar_id = self.calendar_ids.get(calendar_name)
            if calendar_id is None and ("calendar", calendar_name) not in self.broken_refs:
                row.problem("Calendar", f"no calendar named {calendar_name!r} on the Calendars sheet")
        values: dict[str, Any] = {
            "type": row.choice("Activity Type", _TYPES, ActivityType.TASK),
            "duration_type": row.choice("Duration Type", _DURATION_TYPES, DurationType.FIXED_DURATION_AND_UNITS),
            "percent_complete_type": row.choice("% Complete Type", _PERCENT_TYPES, PercentCompleteType.DURATION),
            "physical_percent_complete": row.get("Physical % Complete", "float") or 0.0,
            "quantity_unit": row.get("Quantity Unit") or "",
            "notes": row.get("Notes") or "",
        }
        if calendar_id is not None:
            hours = self.calendars[calendar_id].hours_per_day
            original = row.get("Original Duration (d)", "days")
            remaining = row.get("Remaining Duration (d)", "days")
            actual = row.get("Actual Duration (d)", "days")
            values["original_duration"] = days_to_minutes(original or 0.0, hours)
            values["remaining_duration"] = None if remaining is None else days_to_minutes(remaining, hours)
            values["actual_duration"] = days_to_minutes(actual or 0.0, hours)
        for header, attr in _DATES:
            values[attr] = row.get(header, "datetime")
        for header, attr in _NUMBERS:
            values[attr] = row.get(header, "float")
        values["primary_constraint"] = self._constraint(row, "Primary Constraint")
        values["secondary_constraint"] = self._constraint(row, "Secondary Constraint")
        values["codes"] = self._codes(row, codes)
        values["user_fields"] = self._udfs(row, udfs)
        if row.failed or calendar_id is None or (wbs is not None and wbs not in self.wbs_ids):
            if code is not None:
                self.broken.add(code)
            return
        try:
            act = Activity(code=code, name=name, calendar_id=calendar_id, wbs_id=self.wbs_ids.get(wbs or ""), **values)
        except ValidationError as exc:
            row.model_error(exc, SHEETS["Activities"])
            self.broken.add(code)
            return
        self.activities[act.id] = act
        self.activity_ids[code] = act.id

    @staticmethod
    def _constraint(row: Row, header: str) -> Constraint | None:
        kind = row.choice(header, _CONSTRAINTS)
        date = row.get(f"{header} Date", "datetime")
        if kind is None:
            if date is not None and row.raw(header) is None:
                row.problem(header, "a constraint date needs a constraint type")
            return None
        if kind.needs_date and date is None:
            row.problem(f"{header} Date", f"'{CONSTRAINT_NAMES[kind]}' needs a date")
            return None
        return Constraint(kind, date if kind.needs_date else None)

    def _codes(self, row: Row, codes: dict[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for header, type_id in codes.items():
            value = row.get(header)
            if value is None:
                continue
            value_id = self.code_value_ids.get((type_id, value))
            if value_id is None:
                row.problem(header, f"{value!r} is not a value of this code type on the Activity Codes sheet")
            else:
                out[type_id] = value_id
        return out

    @staticmethod
    def _udfs(row: Row, udfs: dict[str, UserField]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for header, udf in udfs.items():
            raw = row.raw(header)
            if raw is None:
                continue
            try:
                out[udf.id] = _udf_value(raw, udf.data_type)
            except ValueError as exc:
                row.problem(header, str(exc))
        return out

    def _activity_ref(self, row: Row, header: str) -> str | None:
        code = row.get(header, required=True)
        if code is None:
            return None
        act_id = self.activity_ids.get(code)
        if act_id is None and code in self.broken:
            row.failed = True
        elif act_id is None:
            row.problem(header, f"no activity with the ID {code!r} on the Activities sheet")
        return act_id

    def _resource_ref(self, row: Row) -> str | None:
        code = row.get("Resource ID", required=True)
        if code is None:
            return None
        res_id = self.resource_ids.get(code)
        if res_id is None and ("resource", code) in self.broken_refs:
            row.failed = True
        elif res_id is None:
            row.problem("Resource ID", f"no resource with the ID {code!r} on the Resources sheet")
        return res_id

    def _relationship(self, row: Row) -> None:
        pred = self._activity_ref(row, "Predecessor")
        succ = self._activity_ref(row, "Successor")
        kind = row.choice("Type", _RELATIONSHIP_TYPES, RelationshipType.FS)
        lag = row.get("Lag (d)", "days")
        if row.failed or pred is None or succ is None or kind is None:
            return
        try:
            rel = Relationship(pred, succ, kind, days_to_minutes(lag or 0.0, self.lag_hours_per_day))
        except ValidationError as exc:
            row.model_error(exc, SHEETS["Relationships"])
            return
        self.relationships[rel.id] = rel

    def _assignment(self, row: Row) -> None:
        act = self._activity_ref(row, "Activity ID")
        res = self._resource_ref(row)
        units = [_number(row, h) for h in ("Budgeted Units", "Actual Units", "Remaining Units")]
        costs = [_number(row, h) for h in ("Budgeted Cost", "Actual Cost", "Remaining Cost")]
        if row.failed or act is None or res is None:
            return
        try:
            asg = Assignment(
                act,
                res,
                budgeted_units=units[0],
                actual_units=units[1],
                remaining_units=units[2],
                budgeted_cost=costs[0],
                actual_cost=costs[1],
                remaining_cost=costs[2],
            )
        except ValidationError as exc:
            row.model_error(exc, SHEETS["Assignments"])
            return
        self.assignments[asg.id] = asg

    def _expense(self, row: Row) -> None:
        act = self._activity_ref(row, "Activity ID")
        name = row.get("Expense", required=True)
        costs = [_number(row, h) for h in ("Budgeted Cost", "Actual Cost", "Remaining Cost")]
        if row.failed or act is None or name is None:
            return
        exp = Expense(act, name, budgeted_cost=costs[0], actual_cost=costs[1], remaining_cost=costs[2])
        self.expenses[exp.id] = exp


def _number(row: Row, header: str) -> float:
    value = row.get(header, "float")
    return 0.0 if value is None else float(value)


def _udf_value(raw: object, data_type: UserFieldType) -> Any:
    if data_type in (UserFieldType.NUMBER, UserFieldType.COST):
        return as_float(raw)
    if data_type is UserFieldType.INTEGER:
        return as_int(raw)
    if data_type is UserFieldType.DATE:
        from bbschedule.formats.excel.cells import as_datetime

        moment = as_datetime(raw)
        if moment.time() == dt.time():
            return moment.date().isoformat()
        return moment.isoformat(timespec="minutes")
    return as_text(raw)
