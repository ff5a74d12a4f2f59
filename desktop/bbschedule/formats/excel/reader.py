"""Reads a workbook in the layout of docs/excel-layout.md back into a project.

Every bad cell is collected (sheet, row, column) and the import fails as a whole with all of them listed:
a bad workbook yields no project at all, so nothing downstream changes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from bbschedule.core.errors import InputFileError
from bbschedule.formats.excel.cells import Problems
from bbschedule.formats.excel.layout import CODE_PREFIX, REQUIRED_SHEETS, SHEET_ORDER, SHEETS, UDF_PREFIX
from bbschedule.formats.excel.read_model import ModelReader
from bbschedule.formats.excel.sheet import Sheet
from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.formats.registry import ImportResult, ReadOptions

_HEAD_BYTES = 4096
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")


def read(path: Path, *, options: ReadOptions) -> ImportResult:
    name = str(path)
    _check_container(path, options)
    problems = Problems()
    report = FidelityReport(name, "xlsx", "import")
    sheets = _load_sheets(path, problems, report)
    problems.raise_if_any(name)
    data = ModelReader(sheets, problems, report).run()
    problems.raise_if_any(name)
    assert data is not None  # no problems means every object was built
    data.check_all()
    report.counts = {
        "activities": len(data.activities),
        "relationships": len(data.relationships),
        "calendars": len(data.calendars),
        "wbs": len(data.wbs),
        "resources": len(data.resources),
        "assignments": len(data.assignments),
        "expenses": len(data.expenses),
    }
    return ImportResult([data], report, "xlsx")


def _check_container(path: Path, options: ReadOptions) -> None:
    """Refuse what is not a workbook, and zip bombs and XML declarations, before openpyxl sees the file."""
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFileError(name, f"cannot be read ({exc.strerror})") from None
    if size > options.max_bytes:
        raise InputFileError(name, f"is {size} bytes, larger than the {options.max_bytes} bytes allowed")
    if not zipfile.is_zipfile(path):
        raise InputFileError(name, "is not an Excel workbook (.xlsx is a zip archive; old .xls files are not read)")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(m.file_size for m in members)
            if unpacked > options.max_bytes:
                raise InputFileError(name, f"unpacks to {unpacked} bytes, more than the {options.max_bytes} allowed")
            if "xl/workbook.xml" not in {m.filename for m in members}:
                raise InputFileError(name, "is a zip archive but not an Excel workbook (no xl/workbook.xml)")
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as handle:
                        head = handle.read(_HEAD_BYTES)
                    if any(mark in head for mark in _FORBIDDEN):
                        raise InputFileError(
                            name, "declares a DTD or entities, which are refused", field=member.filename
                        )
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputFileError(name, f"is a damaged workbook ({exc})") from None


def _load_sheets(path: Path, problems: Problems, report: FidelityReport) -> dict[str, Sheet]:
    from openpyxl import load_workbook

    name = str(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, ValueError, TypeError…) on damaged files
        raise InputFileError(name, f"cannot be opened as a workbook ({type(exc).__name__}: {exc})") from None
    try:
        titles = {title.strip().lower(): title for title in book.sheetnames}
        sheets: dict[str, Sheet] = {}
        for sheet_name in SHEET_ORDER:
            title = titles.pop(sheet_name.lower(), None)
            if title is None:
                if sheet_name in REQUIRED_SHEETS:
                    problems.add(sheet_name, f"the sheet '{sheet_name}' is missing")
                continue
            try:
                rows: list[Any] = list(book[title].iter_rows(values_only=True))
            except Exception as exc:  # a damaged sheet part
                raise InputFileError(name, f"sheet '{title}' cannot be read ({exc})", field=title) from None
            sheets[sheet_name] = Sheet(sheet_name, rows, problems=problems)
        for title in titles.values():
            report.add(Severity.DROPPED, "sheet.ignored", f"sheet '{title}' is not in the layout", title)
    finally:
        book.close()
    for sheet_name, sheet in sheets.items():
        if sheet_name in SHEETS:
            sheet.check_columns(SHEETS[sheet_name], report, extra_prefixes=_prefixes(sheet_name))
    return sheets


def _prefixes(sheet_name: str) -> tuple[str, ...]:
    return (CODE_PREFIX, UDF_PREFIX) if sheet_name == "Activities" else ()
