"""Builds the model from the sheets of a workbook: project, calendars, WBS, codes, user fields, resources.

Rows refer to each other by their keys (calendar name, WBS Code, Activity ID, Resource ID); an unknown key is
a problem at the cell that holds it. Activities and what hangs on them are read by read_activities.
"""

from __future__ import annotations

from typing import Any

from bbschedule.core.calendar import Calendar, CalendarException, DayIntervals
from bbschedule.core.codes import ActivityCodeType, ActivityCodeValue, UserField
from bbschedule.core.enums import CriticalMode, FloatMode, LagCalendar, ProgressMode, ResourceType, UserFieldType
from bbschedule.core.errors import ValidationError
from bbschedule.core.ids import new_id
from bbschedule.core.project import Project, ScheduleOptions, Wbs
from bbschedule.core.project_data import ProjectData
from bbschedule.core.resource import Resource, ResourceRate
from bbschedule.formats.excel.cells import Problems, parse_intervals
from bbschedule.formats.excel.layout import (
    CRITICAL_MODE_NAMES,
    FLOAT_MODE_NAMES,
    LAG_CALENDAR_NAMES,
    PROGRESS_MODE_NAMES,
    PROJECT_FIELDS,
    RESOURCE_TYPE_NAMES,
    SHEETS,
    USER_FIELD_TYPE_NAMES,
    WEEKDAY_HEADERS,
    Choice,
    Column,
)
from bbschedule.formats.excel.read_activities import ActivityReader
from bbschedule.formats.excel.sheet import Row, Sheet
from bbschedule.formats.fidelity import FidelityReport

_PROJECT_COLUMNS = (
    Column("Field", "text", required=True),
    Column("Value", "text", required=True),
    Column("Meaning", "text"),
)
_DEFAULT_LAG_HOURS = 8.0


class ModelReader:
    def __init__(self, sheets: dict[str, Sheet], problems: Problems, report: FidelityReport) -> None:
        self.sheets = sheets
        self.problems = problems
        self.report = report
        self.calendars: dict[str, Calendar] = {}
        self.calendar_ids: dict[str, str] = {}
        self.wbs_ids: dict[str, str] = {}
        self.code_type_ids: dict[str, str] = {}
        self.code_value_ids: dict[tuple[str, str], str] = {}
        self.user_fields: dict[str, UserField] = {}
        self.resource_ids: dict[str, str] = {}
        self.broken_refs: set[tuple[str, str]] = set()
        """(kind, key) of rows already reported, so that references to them add no second problem."""
        self._bases: list[tuple[Row, str, str]] = []
        self._exception_rows: dict[str, list[Row]] = {}

    def _rows(self, name: str) -> list[Row]:
        sheet = self.sheets.get(name)
        return list(sheet) if sheet is not None else []

    def run(self) -> ProjectData | None:
        fields = self._project_fields()
        self._calendars()
        default_calendar = self._default_calendar(fields)
        lag_hours = self._lag_hours(fields, default_calendar)
        project = self._project(fields, default_calendar)
        wbs = self._wbs()
        code_types, code_values = self._codes()
        self._user_fields()
        resources = self._resources()
        acts = ActivityReader(
            self.sheets,
            calendars=self.calendars,
            calendar_ids=self.calendar_ids,
            default_calendar=default_calendar,
            wbs_ids=self.wbs_ids,
            code_type_ids=self.code_type_ids,
            code_value_ids=self.code_value_ids,
            user_fields=self.user_fields,
            resource_ids=self.resource_ids,
            lag_hours_per_day=lag_hours,
            broken_refs=self.broken_refs,
        )
        acts.run()
        if self.problems.total or project is None:
            return None
        return ProjectData(
            project=project,
            calendars={c.id: c for c in self.calendars.values()},
            wbs=wbs,
            code_types=code_types,
            code_values=code_values,
            user_fields={u.id: u for u in self.user_fields.values()},
            resources=resources,
            activities=acts.activities,
            relationships=acts.relationships,
            assignments=acts.assignments,
            expenses=acts.expenses,
        )

    # --- Project sheet -------------------------------------------------------------------------------------

    def _project_fields(self) -> dict[str, Row]:
        sheet = self.sheets.get("Project")
        if sheet is None or not sheet.check_columns(_PROJECT_COLUMNS, self.report):
            return {}
        out: dict[str, Row] = {}
        for row in sheet:
            key = " ".join(str(row.raw("Field") or "").split()).lower()
            if key:
                out[key] = row
        for name in ("Project Code", "Project Name", "Planned Start"):
            if name.lower() not in out:
                self.problems.add("Project", f"the field '{name}' is missing")
        known = {f[0].lower() for f in PROJECT_FIELDS}
        for key, row in out.items():
            if key not in known:
                row.problem("Field", f"'{row.raw('Field')}' is not a field of the Project sheet")
        return out

    @staticmethod
    def _value(fields: dict[str, Row], name: str, kind: str = "text", *, required: bool = False) -> Any:
        row = fields.get(name.lower())
        return None if row is None else row.get("Value", kind, required=required)

    @staticmethod
    def _choice(fields: dict[str, Row], name: str, choice: Choice[Any], default: Any) -> Any:
        row = fields.get(name.lower())
        return default if row is None else row.choice("Value", choice, default)

    def _project(self, fields: dict[str, Row], default_calendar: str | None) -> Project | None:
        code = self._value(fields, "Project Code", required=True)
        name = self._value(fields, "Project Name", required=True)
        planned_start = self._value(fields, "Planned Start", "datetime", required=True)
        threshold = self._value(fields, "Critical Float Threshold (h)", "float")
        options = ScheduleOptions(
            progress_mode=self._choice(
                fields, "Progress Mode", Choice.of(PROGRESS_MODE_NAMES, ProgressMode), ProgressMode.RETAINED_LOGIC
            ),
            float_mode=self._choice(fields, "Total Float As", Choice.of(FLOAT_MODE_NAMES, FloatMode), FloatMode.FINISH),
            critical_mode=self._choice(
                fields, "Critical Activities", Choice.of(CRITICAL_MODE_NAMES, CriticalMode), CriticalMode.TOTAL_FLOAT
            ),
            critical_float_threshold=round((threshold or 0.0) * 60),
            lag_calendar=self._choice(
                fields, "Lag Calendar", Choice.of(LAG_CALENDAR_NAMES, LagCalendar), LagCalendar.PREDECESSOR
            ),
            open_ended_critical=bool(self._value(fields, "Open-ended Activities Critical", "bool")),
            ignore_external_links=self._value(fields, "Ignore External Links", "bool") is not False,
        )
        values = {
            "data_date": self._value(fields, "Data Date", "datetime"),
            "must_finish_by": self._value(fields, "Must Finish By", "datetime"),
            "currency": self._value(fields, "Currency") or "USD",
            "notes": self._value(fields, "Notes") or "",
        }
        if code is None or name is None or planned_start is None:
            return None
        try:
            return Project(
                code=code,
                name=name,
                planned_start=planned_start,
                default_calendar_id=default_calendar,
                options=options,
                **values,
            )
        except ValidationError as exc:
            label = {"must_finish_by": "Must Finish By", "code": "Project Code", "name": "Project Name"}
            row = fields.get(label.get(exc.field.rsplit(".", 1)[-1], "").lower())
            if row is not None:
                row.problem("Value", exc.message)
            else:
                self.problems.add("Project", exc.message)
            return None

    def _default_calendar(self, fields: dict[str, Row]) -> str | None:
        if not self.calendars:
            if "Calendars" in self.sheets:
                self.problems.add("Calendars", "at least one calendar is needed")
            return None
        name = self._value(fields, "Default Calendar")
        if name is not None:
            if name in self.calendar_ids:
                return self.calendar_ids[name]
            fields["default calendar"].problem("Value", f"no calendar named {name!r} on the Calendars sheet")
            return None
        flagged = [c.id for c in self.calendars.values() if c.is_default]
        return flagged[0] if flagged else next(iter(self.calendars.values())).id

    def _lag_hours(self, fields: dict[str, Row], default_calendar: str | None) -> float:
        hours = self._value(fields, "Hours per Day for Lags", "float")
        if hours is not None and hours <= 0:
            fields["hours per day for lags"].problem("Value", "must be more than zero")
            hours = None
        if hours is None:
            cal = next((c for c in self.calendars.values() if c.id == default_calendar), None)
            hours = cal.hours_per_day if cal else _DEFAULT_LAG_HOURS
        return float(hours)

    # --- Calendars -----------------------------------------------------------------------------------------

    def _calendars(self) -> None:
        columns = SHEETS["Calendars"]
        exceptions = self._exceptions()
        for row in self._rows("Calendars"):
            name = row.get("Calendar", required=True)
            if name is not None and name in self.calendar_ids:
                row.problem("Calendar", f"a second calendar named {name!r}")
            week: list[DayIntervals] = []
            for day in WEEKDAY_HEADERS:
                try:
                    week.append(parse_intervals(row.get(day) or ""))
                except ValueError as exc:
                    row.problem(day, str(exc))
            hours = {
                attr: row.get(header, "float")
                for header, attr in (
                    ("Hours per Day", "hours_per_day"),
                    ("Hours per Week", "hours_per_week"),
                    ("Hours per Month", "hours_per_month"),
                    ("Hours per Year", "hours_per_year"),
                )
            }
            is_default = bool(row.get("Default", "bool"))
            base = row.get("Base Calendar")
            if row.failed or name is None:
                self.broken_refs.add(("calendar", name or ""))
                continue
            per = _hours(hours, week)
            try:
                cal = Calendar(
                    name=name,
                    week=tuple(week),
                    exceptions=tuple(exceptions.pop(name, ())),
                    is_default=is_default,
                    hours_per_day=per["hours_per_day"],
                    hours_per_week=per["hours_per_week"],
                    hours_per_month=per["hours_per_month"],
                    hours_per_year=per["hours_per_year"],
                )
            except ValidationError as exc:
                row.model_error(exc, columns)
                self.broken_refs.add(("calendar", name))
                continue
            self.calendars[cal.id] = cal
            self.calendar_ids[name] = cal.id
            if base is not None:
                self._bases.append((row, cal.id, base))
        for row, cal_id, base in self._bases:
            if base not in self.calendar_ids:
                row.problem("Base Calendar", f"no calendar named {base!r}")
            else:
                cal = self.calendars[cal_id]
                self.calendars[cal_id] = _replace(cal, base_calendar_id=self.calendar_ids[base])
        for name, rows in self._exception_rows.items():
            if name not in self.calendar_ids:
                for row in rows:
                    row.problem("Calendar", f"no calendar named {name!r} on the Calendars sheet")

    def _exceptions(self) -> dict[str, list[CalendarException]]:
        out: dict[str, list[CalendarException]] = {}
        for row in self._rows("Calendar Exceptions"):
            name = row.get("Calendar", required=True)
            start = row.get("Start", "date", required=True)
            finish = row.get("Finish", "date") or start
            intervals: DayIntervals = ()
            try:
                intervals = parse_intervals(row.get("Working Hours") or "")
            except ValueError as exc:
                row.problem("Working Hours", str(exc))
            label = row.get("Name") or ""
            if name is not None:
                self._exception_rows.setdefault(name, []).append(row)
            if row.failed or name is None:
                continue
            try:
                out.setdefault(name, []).append(CalendarException(start, finish, intervals, label))
            except ValidationError as exc:
                row.model_error(exc, SHEETS["Calendar Exceptions"])
        return out

    # --- WBS, codes, user fields, resources ----------------------------------------------------------------

    def _wbs(self) -> dict[str, Wbs]:
        pending: list[tuple[Row, dict[str, Any], str | None]] = []
        for row in self._rows("WBS"):
            code = row.get("WBS Code", required=True)
            name = row.get("WBS Name", required=True)
            sequence = row.get("Sequence", "int")
            if code is not None and code in self.wbs_ids:
                row.problem("WBS Code", f"a second WBS node with the code {code!r}")
            if row.failed:
                self.broken_refs.add(("wbs", code or ""))
                continue
            self.wbs_ids[code] = new_id()
            pending.append((row, {"code": code, "name": name, "sequence": sequence or 0}, row.get("Parent WBS Code")))
        out: dict[str, Wbs] = {}
        parents: dict[str, str | None] = {}
        for row, values, parent in pending:
            parent_id = self.wbs_ids.get(parent) if parent is not None else None
            if parent is not None and parent_id is None:
                row.problem("Parent WBS Code", f"no WBS node with the code {parent!r}")
                continue
            node_id = self.wbs_ids[values["code"]]
            try:
                out[node_id] = Wbs(parent_id=parent_id, id=node_id, **values)
            except ValidationError as exc:
                row.model_error(exc, SHEETS["WBS"])
                continue
            parents[node_id] = parent_id
        for row, values, _parent in pending:
            seen: set[str] = set()
            node: str | None = self.wbs_ids[values["code"]]
            while node is not None and node not in seen:
                seen.add(node)
                node = parents.get(node)
            if node is not None:
                row.problem("Parent WBS Code", "the WBS parents form a loop")
        return out

    def _codes(self) -> tuple[dict[str, ActivityCodeType], dict[str, ActivityCodeValue]]:
        types: dict[str, ActivityCodeType] = {}
        values: dict[str, ActivityCodeValue] = {}
        pending: list[tuple[Row, str, str, str]] = []
        for row in self._rows("Activity Codes"):
            type_name = row.get("Code Type", required=True)
            is_global = bool(row.get("Global", "bool"))
            code = row.get("Value")
            description = row.get("Description") or ""
            sequence = row.get("Sequence", "int") or 0
            parent = row.get("Parent Value")
            if row.failed or type_name is None:
                continue
            if type_name not in self.code_type_ids:
                code_type = ActivityCodeType(type_name, is_global)
                types[code_type.id] = code_type
                self.code_type_ids[type_name] = code_type.id
            type_id = self.code_type_ids[type_name]
            if code is None:
                continue
            if (type_id, code) in self.code_value_ids:
                row.problem("Value", f"{code!r} appears twice under the code type {type_name!r}")
                continue
            value = ActivityCodeValue(type_id, code, description, sequence=sequence)
            values[value.id] = value
            self.code_value_ids[(type_id, code)] = value.id
            if parent is not None:
                pending.append((row, value.id, type_id, parent))
        for row, value_id, type_id, parent in pending:
            parent_id = self.code_value_ids.get((type_id, parent))
            if parent_id is None:
                row.problem("Parent Value", f"no value {parent!r} under the same code type")
            else:
                values[value_id] = _replace(values[value_id], parent_id=parent_id)
        return types, values

    def _user_fields(self) -> None:
        choice = Choice.of(USER_FIELD_TYPE_NAMES, UserFieldType)
        for row in self._rows("User Fields"):
            name = row.get("User Field", required=True)
            data_type = row.choice("Data Type", choice, UserFieldType.TEXT)
            if name is not None and name in self.user_fields:
                row.problem("User Field", f"a second user field named {name!r}")
            if not row.failed and name is not None and data_type is not None:
                self.user_fields[name] = UserField(name, data_type)

    def _resources(self) -> dict[str, Resource]:
        rates: dict[str, list[ResourceRate]] = {}
        rate_rows: list[tuple[Row, str]] = []
        for row in self._rows("Resource Rates"):
            code = row.get("Resource ID", required=True)
            start = row.get("Effective From", "date", required=True)
            price = row.get("Price per Unit", "float", required=True)
            max_units = row.get("Max Units per Hour", "float")
            if price is not None and price < 0:
                row.problem("Price per Unit", "a price cannot be negative")
            if not row.failed:
                rates.setdefault(code, []).append(ResourceRate(start, price, 1.0 if max_units is None else max_units))
                rate_rows.append((row, code))
        choice = Choice.of(RESOURCE_TYPE_NAMES, ResourceType)
        pending: list[tuple[Row, Resource, str | None]] = []
        for row in self._rows("Resources"):
            code = row.get("Resource ID", required=True)
            name = row.get("Resource Name", required=True)
            rtype = row.choice("Type", choice, ResourceType.LABOR)
            calendar = row.get("Calendar")
            if calendar is not None and calendar not in self.calendar_ids:
                if ("calendar", calendar) in self.broken_refs:
                    row.failed = True
                else:
                    row.problem("Calendar", f"no calendar named {calendar!r}")
            if code is not None and code in self.resource_ids:
                row.problem("Resource ID", f"a second resource with the ID {code!r}")
            if row.failed:
                self.broken_refs.add(("resource", code or ""))
                continue
            try:
                res = Resource(
                    code,
                    name,
                    rtype or ResourceType.LABOR,
                    row.get("Unit") or "h",
                    self.calendar_ids.get(calendar) if calendar else None,
                    tuple(rates.get(code, ())),
                )
            except ValidationError as exc:
                row.model_error(exc, SHEETS["Resources"])
                self.broken_refs.add(("resource", code))
                continue
            self.resource_ids[code] = res.id
            pending.append((row, res, row.get("Parent Resource ID")))
        for row, code in rate_rows:
            if code not in self.resource_ids and ("resource", code) not in self.broken_refs:
                row.problem("Resource ID", f"no resource with the ID {code!r}")
        out: dict[str, Resource] = {}
        for row, res, parent in pending:
            if parent is not None and parent not in self.resource_ids:
                row.problem("Parent Resource ID", f"no resource with the ID {parent!r}")
            out[res.id] = _replace(res, parent_id=self.resource_ids.get(parent)) if parent else res
        return out


def _hours(given: dict[str, float | None], week: list[DayIntervals]) -> dict[str, float]:
    """The Hours per … columns, blanks derived from the work week (the usual day, the week's sum)."""
    days = [sum(i.minutes for i in day) / 60 for day in week if day]
    usual_day = max(set(days), key=days.count) if days else 8.0
    per_week = given.get("hours_per_week") or (sum(days) if days else 40.0)
    derived = {
        "hours_per_day": usual_day,
        "hours_per_week": per_week,
        "hours_per_month": round(per_week * 4.3, 2),
        "hours_per_year": round(per_week * 50, 2),
    }
    return {key: value if (value := given.get(key)) is not None else derived[key] for key in derived}


def _replace(obj: Any, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(obj, **changes)
