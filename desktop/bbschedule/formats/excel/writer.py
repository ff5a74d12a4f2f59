"""Writes a project to the workbook layout of docs/excel-layout.md (openpyxl, streaming write-only sheets).

The file appears only when complete (written beside it, then renamed); the fidelity report says what the
layout does not carry.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bbschedule.core.activity import Activity
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.excel.cells import clean_text, format_intervals, minutes_to_days
from bbschedule.formats.excel.keys import Keys
from bbschedule.formats.excel.layout import (
    ACTIVITY_TYPE_NAMES,
    CODE_PREFIX,
    CONSTRAINT_NAMES,
    CRITICAL_MODE_NAMES,
    DATE_FORMAT,
    DATETIME_FORMAT,
    DURATION_TYPE_NAMES,
    FLOAT_MODE_NAMES,
    LAG_CALENDAR_NAMES,
    LAYOUT_FORMAT,
    MONEY_FORMAT,
    PERCENT_TYPE_NAMES,
    PROGRESS_MODE_NAMES,
    PROJECT_FIELDS,
    RELATIONSHIP_NAMES,
    RESOURCE_TYPE_NAMES,
    SHEETS,
    UDF_PREFIX,
    USER_FIELD_TYPE_NAMES,
    Column,
)
from bbschedule.formats.fidelity import FidelityReport, Severity

_MONEY_HEADERS = {"Budgeted Cost", "Actual Cost", "Remaining Cost", "Price per Unit"}
_LAST_ROW = 1_048_576


def write(data: ProjectData, path: Path) -> FidelityReport:
    from openpyxl import Workbook

    report = FidelityReport(str(path), "xlsx", "export")
    keys = Keys.build(data, report)
    book = Workbook(write_only=True)
    sheet = _Sheets(book, report)
    sheet.project(data, keys)
    sheet.table("Calendars", SHEETS["Calendars"], _calendar_rows(data, keys), freeze="B2")
    sheet.table("Calendar Exceptions", SHEETS["Calendar Exceptions"], _exception_rows(data, keys))
    sheet.table("WBS", SHEETS["WBS"], _wbs_rows(data, keys), freeze="B2")
    sheet.table("Activity Codes", SHEETS["Activity Codes"], _code_rows(data, keys))
    sheet.table("User Fields", SHEETS["User Fields"], _udf_rows(data, keys))
    act_columns = _activity_columns(data, keys)
    sheet.table("Activities", act_columns, _activity_rows(data, keys), freeze="C2")
    sheet.table("Relationships", SHEETS["Relationships"], _relationship_rows(data, keys), freeze="C2")
    sheet.table("Resources", SHEETS["Resources"], _resource_rows(data, keys), freeze="B2")
    sheet.table("Resource Rates", SHEETS["Resource Rates"], _rate_rows(data, keys), freeze="B2")
    sheet.table("Assignments", SHEETS["Assignments"], _assignment_rows(data, keys), freeze="C2")
    sheet.table("Expenses", SHEETS["Expenses"], _expense_rows(data, keys), freeze="C2")
    _report_not_carried(data, report)
    report.counts = {
        "activities": len(data.activities),
        "relationships": len(data.relationships),
        "calendars": len(data.calendars),
        "wbs": len(data.wbs),
        "resources": len(data.resources),
        "assignments": len(data.assignments),
        "expenses": len(data.expenses),
    }
    tmp = path.with_name(path.name + ".tmp")
    try:
        book.save(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return report


class _Sheets:
    """Writes sheets with a bold frozen header, column widths, number formats and list validations."""

    def __init__(self, book: Any, report: FidelityReport) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font, PatternFill

        self.book = book
        self.report = report
        self._cell = WriteOnlyCell
        self._bold = Font(bold=True)
        self._fill = PatternFill("solid", start_color="DDE4EE")

    def text(self, value: str, where: str) -> str:
        cleaned, changed = clean_text(value)
        if changed:
            self.report.add(Severity.CONVERTED, "text.cleaned", "control characters removed or text cut", where)
        return cleaned

    def string(self, ws: Any, value: str, where: str) -> Any:
        """Text as text: a leading '=' must not turn a name into a formula."""
        text = self.text(value, where)
        if not text.startswith("="):
            return text
        cell = self._cell(ws, value=text)
        cell.data_type = "s"
        return cell

    def _header(self, ws: Any, headers: Sequence[str]) -> list[Any]:
        cells = []
        for header in headers:
            cell = self._cell(ws, value=header)
            cell.font, cell.fill = self._bold, self._fill
            cells.append(cell)
        return cells

    def project(self, data: ProjectData, keys: Keys) -> None:
        ws = self.book.create_sheet("Project")
        ws.freeze_panes = "A2"
        for letter, width in (("A", 30), ("B", 36), ("C", 70)):
            ws.column_dimensions[letter].width = width
        ws.calculate_dimension = lambda: f"A1:C{len(PROJECT_FIELDS) + 1}"
        ws.append(self._header(ws, ("Field", "Value", "Meaning")))
        values = _project_values(data, keys)
        for name, kind, meaning in PROJECT_FIELDS:
            value = values.get(name)
            if isinstance(value, str):
                cell = self.string(ws, value, f"Project!{name}")
            else:
                cell = self._cell(ws, value=value)
                if kind == "datetime" and value is not None:
                    cell.number_format = DATETIME_FORMAT
            ws.append([name, cell, meaning])

    def table(self, name: str, columns: Sequence[Column], rows: Iterable[list[Any]], *, freeze: str = "A2") -> None:
        from openpyxl.utils import get_column_letter

        ws = self.book.create_sheet(name)
        ws.freeze_panes = freeze
        formats: list[str | None] = []
        for index, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
            if column.kind == "datetime":
                formats.append(DATETIME_FORMAT)
            elif column.kind == "date":
                formats.append(DATE_FORMAT)
            elif column.header in _MONEY_HEADERS:
                formats.append(MONEY_FORMAT)
            else:
                formats.append(None)
        self._validations(ws, name, columns)
        table = list(rows)
        last = f"{get_column_letter(len(columns))}{len(table) + 1}"
        # openpyxl writes a <dimension> only when the sheet can say its size up front; without one its
        # read-only reader parses the whole sheet twice.
        ws.calculate_dimension = lambda: f"A1:{last}"
        ws.append(self._header(ws, [c.header for c in columns]))
        for number, row in enumerate(table, start=2):
            out: list[Any] = []
            for value, fmt in zip(row, formats, strict=True):
                if isinstance(value, str):
                    out.append(self.string(ws, value, f"{name}!{number}"))
                elif fmt is not None and value is not None and not isinstance(value, str):
                    cell = self._cell(ws, value=value)
                    cell.number_format = fmt
                    out.append(cell)
                else:
                    out.append(value)
            ws.append(out)
        ws.auto_filter.ref = f"A1:{last}"

    def _validations(self, ws: Any, name: str, columns: Sequence[Column]) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation

        for index, column in enumerate(columns, start=1):
            if column.choices:
                formula = '"' + ",".join(column.choices) + '"'
            elif column.header in ("Calendar", "Base Calendar") and name != "Calendar Exceptions":
                formula = "Calendars!$A$2:$A$5000"
            elif column.header == "WBS Code" and name == "Activities":
                formula = f"WBS!$A$2:$A${_LAST_ROW}"
            elif column.header == "Resource ID" and name == "Assignments":
                formula = f"Resources!$A$2:$A${_LAST_ROW}"
            else:
                continue
            check = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
            check.errorTitle = column.header
            check.error = "Pick a value from the list (see docs/excel-layout.md)."
            letter = get_column_letter(index)
            check.add(f"{letter}2:{letter}{_LAST_ROW}")
            ws.data_validations.append(check)


def _project_values(data: ProjectData, keys: Keys) -> dict[str, Any]:
    project, options = data.project, data.project.options
    return {
        "Layout": LAYOUT_FORMAT,
        "Project Code": project.code,
        "Project Name": project.name,
        "Planned Start": project.planned_start,
        "Data Date": project.data_date,
        "Must Finish By": project.must_finish_by,
        "Default Calendar": keys.calendars.get(project.default_calendar_id or ""),
        "Currency": project.currency,
        "Hours per Day for Lags": keys.lag_hours_per_day,
        "Progress Mode": PROGRESS_MODE_NAMES[options.progress_mode],
        "Total Float As": FLOAT_MODE_NAMES[options.float_mode],
        "Critical Activities": CRITICAL_MODE_NAMES[options.critical_mode],
        "Critical Float Threshold (h)": minutes_to_days(options.critical_float_threshold, 1),
        "Lag Calendar": LAG_CALENDAR_NAMES[options.lag_calendar],
        "Open-ended Activities Critical": "Yes" if options.open_ended_critical else "No",
        "Ignore External Links": "Yes" if options.ignore_external_links else "No",
        "Notes": project.notes,
    }


def _calendar_rows(data: ProjectData, keys: Keys) -> Iterable[list[Any]]:
    for cal in data.calendars.values():
        base = keys.calendars.get(cal.base_calendar_id or "")
        yield [
            keys.calendars[cal.id],
            "Yes" if cal.is_default else "No",
            base,
            cal.hours_per_day,
            cal.hours_per_week,
            cal.hours_per_month,
            cal.hours_per_year,
            *(format_intervals(day) for day in cal.week),
        ]


def _exception_rows(data: ProjectData, keys: Keys) -> Iterable[list[Any]]:
    for cal in data.calendars.values():
        for exc in cal.exceptions:
            yield [keys.calendars[cal.id], exc.start, exc.finish, format_intervals(exc.intervals), exc.name]


def _wbs_rows(data: ProjectData, keys: Keys) -> Iterable[list[Any]]:
    for node in data.wbs.values():
        yield [keys.wbs[node.id], node.name, keys.wbs.get(node.parent_id or ""), node.sequence]


def _code_rows(data: ProjectData, keys: Keys) -> Iterable[list[Any]]:
    with_values: set[str] = set()
    for value in data.code_values.values():
        with_values.add(value.type_id)
        parent = data.code_values.get(value.parent_id or "")
        yield [
            keys.code_types[value.type_id],
            "Yes" if data.code_types[value.type_id].is_global else "No",
            value.code,
            value.description,
            parent.code if parent else None,
            value.sequence,
        ]
    for code_type in data.code_types.values():
        if code_type.id not in with_values:
            yield [keys.code_types[code_type.id], "Yes" if code_type.is_global else "No", None, None, None, None]


def _udf_rows(data: ProjectData, keys: Keys) -> Iterable[list[Any]]:
    for udf in data.user_fields.values():
        yield [keys.user_fields[udf.id], USER_FIELD_TYPE_NAMES[udf.data_type]]


def _activity_columns(data: ProjectData, keys: Keys) -> list[Column]:
    columns = list(SHEETS["Activities"])
    columns += [Column(CODE_PREFIX + keys.code_types[t], "text", 16) for t in data.code_types]
    columns += [Column(UDF_PREFIX + keys.user_fields[u], "text", 18) for u in data.user_fields]
    return columns


def _activity_rows(data: ProjectData, keys: Keys) -> Iterable[list[Any]]:
    for act in data.activities.values():
        hpd = data.calendars[act.calendar_id].hours_per_day
        code = keys.activities[act.id]
        primary, secondary = act.primary_constraint, act.secondary_constraint
        remaining = None if act.remaining_duration is None else minutes_to_days(act.remaining_duration, hpd)
        row: list[Any] = [
            code,
            act.name,
            keys.wbs.get(act.wbs_id or ""),
            ACTIVITY_TYPE_NAMES[act.type],
            keys.calendars[act.calendar_id],
            minutes_to_days(act.original_duration, hpd),
            remaining,
            minutes_to_days(act.actual_duration, hpd),
            DURATION_TYPE_NAMES[act.duration_type],
            PERCENT_TYPE_NAMES[act.percent_complete_type],
            act.physical_percent_complete,
            CONSTRAINT_NAMES[primary.type] if primary else None,
            primary.date if primary else None,
            CONSTRAINT_NAMES[secondary.type] if secondary else None,
            secondary.date if secondary else None,
            act.actual_start,
            act.actual_finish,
            act.expected_finish,
            act.suspend_date,
            act.resume_date,
            act.planned_start,
            act.planned_finish,
            act.quantity,
            act.quantity_unit,
            act.production_rate,
            act.location_start,
            act.location_end,
            act.notes,
        ]
        row += [_code_value(data, act, type_id) for type_id in data.code_types]
        row += [_udf_value(act.user_fields.get(udf_id)) for udf_id in data.user_fields]
        yield row


def _code_value(data: ProjectData, act: Activity, type_id: str) -> str | None:
    value = data.code_values.get(act.codes.get(type_id, ""))
    return value.code if value else None


def _udf_value(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _relationship_rows(data: ProjectData, keys: Keys) -> Iterable[list[Any]]:
    for rel in data.relationships.values():
        pred, succ = data.activities[rel.predecessor_id], data.activities[rel.successor_id]
        yield [
            keys.activities[pred.id],
            keys.activities[succ.id],
            RELATIONSHIP_NAMES[rel.type],
            minutes_to_days(rel.lag, keys.lag_hours_per_day),
            pred.name,
            succ.name,
        ]


def _resource_rows(data: ProjectData, keys: Keys) -> Iterable[list[Any]]:
    for res in data.resources.values():
        yield [
            keys.resources[res.id],
            res.name,
            RESOURCE_TYPE_NAMES[res.type],
            res.unit,
            keys.calendars.get(res.calendar_id or ""),
            keys.resources.get(res.parent_id or ""),
        ]


def _rate_rows(data: ProjectData, keys: Keys) -> Iterable[list[Any]]:
    for res in data.resources.values():
        for rate in res.rates:
            yield [keys.resources[res.id], rate.effective_from, rate.price_per_unit, rate.max_units_per_hour]


def _assignment_rows(data: ProjectData, keys: Keys) -> Iterable[list[Any]]:
    for a in data.assignments.values():
        yield [
            keys.activities[a.activity_id],
            keys.resources[a.resource_id],
            a.budgeted_units,
            a.actual_units,
            a.remaining_units,
            a.budgeted_cost,
            a.actual_cost,
            a.remaining_cost,
        ]


def _expense_rows(data: ProjectData, keys: Keys) -> Iterable[list[Any]]:
    for e in data.expenses.values():
        yield [keys.activities[e.activity_id], e.name, e.budgeted_cost, e.actual_cost, e.remaining_cost]


def _report_not_carried(data: ProjectData, report: FidelityReport) -> None:
    if data.baselines:
        report.add(Severity.DROPPED, "baseline.dropped", f"{len(data.baselines)} baseline(s) are not in the layout")
    if data.computed:
        report.add(Severity.DROPPED, "computed.dropped", "computed dates and floats are not written (reschedule)")
    orphans = 0
    for act in data.activities.values():
        orphans += sum(1 for t, v in act.codes.items() if t not in data.code_types or v not in data.code_values)
        orphans += sum(1 for u in act.user_fields if u not in data.user_fields)
    if orphans:
        report.add(Severity.DROPPED, "reference.dropped", f"{orphans} code or user-field values of unknown types")
    if data.project.eps_id is not None:
        report.add(Severity.DROPPED, "eps.dropped", "the project's place in the EPS is not in the layout")
    if data.project.options.multiple_float_paths:
        report.add(Severity.DROPPED, "project.float_paths", "the multiple float path settings are not in the layout")
    report.add(
        Severity.INFO,
        "ids.not_carried",
        "internal ids and source-file ids are not written: rows are keyed by Activity ID, WBS Code, calendar "
        "name and Resource ID, and a workbook read back gets new internal ids",
    )
    report.add(
        Severity.CONVERTED,
        "duration.days",
        "durations are in days of each activity's calendar (its Hours per Day); lags in days of the Project "
        "sheet's 'Hours per Day for Lags'",
    )
