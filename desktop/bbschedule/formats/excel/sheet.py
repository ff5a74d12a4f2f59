"""Reading one sheet of the layout: headers found by name, rows as views whose bad cells become problems.

A cell that cannot be read yields None and a Problem naming 'Sheet!C17'; the caller skips the row's object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from bbschedule.core.errors import ValidationError
from bbschedule.formats.excel.cells import (
    Problems,
    as_bool,
    as_date,
    as_datetime,
    as_float,
    as_int,
    as_text,
)
from bbschedule.formats.excel.layout import Choice, Column
from bbschedule.formats.fidelity import FidelityReport, Severity

E = TypeVar("E", bound=StrEnum)
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def column_letter(index: int) -> str:
    """1 -> 'A', 28 -> 'AB'."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _normal(header: object) -> str:
    return " ".join(as_text(header).split()).lower()


def _parse_datetime(value: object) -> dt.datetime:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 2_958_466:
        # A number in a date column: Excel's day serial (1900 date system).
        return as_datetime(_EXCEL_EPOCH + dt.timedelta(days=float(value)))
    return as_datetime(value)


_PARSERS: dict[str, Callable[[object], Any]] = {
    "text": as_text,
    "int": as_int,
    "float": as_float,
    "days": as_float,
    "hours": as_float,
    "datetime": _parse_datetime,
    "date": lambda v: _parse_datetime(v).date() if not isinstance(v, dt.date) else as_date(v),
    "bool": as_bool,
}


class Row:
    """One data row: typed access by header, with problems recorded at the cell."""

    def __init__(self, sheet: Sheet, number: int, values: Sequence[object]) -> None:
        self.sheet = sheet
        self.number = number
        self.values = values
        self.failed = False

    def where(self, header: str | None = None) -> str:
        index = self.sheet.column(header) if header else None
        if index is None:
            return f"{self.sheet.name}!{self.number}:{self.number}"
        return f"{self.sheet.name}!{column_letter(index + 1)}{self.number}"

    def raw(self, header: str) -> object:
        index = self.sheet.column(header)
        if index is None or index >= len(self.values):
            return None
        value = self.values[index]
        return None if isinstance(value, str) and not value.strip() else value

    def problem(self, header: str | None, message: str) -> None:
        self.failed = True
        self.sheet.problems.add(self.where(header), message)

    def get(self, header: str, kind: str = "text", *, required: bool = False) -> Any:
        value = self.raw(header)
        if value is None:
            if required:
                self.problem(header, f"'{header}' is required")
            return None
        try:
            return _PARSERS[kind](value)
        except ValueError as exc:
            self.problem(header, str(exc))
            return None

    def choice(self, header: str, choice: Choice[E], default: E | None = None) -> E | None:
        value = self.raw(header)
        if value is None:
            return default
        key = " ".join(as_text(value).split()).lower()
        if key in choice.table:
            return choice.table[key]
        self.problem(header, f"{as_text(value)!r} is not one of: {choice.allowed}")
        return None

    def model_error(self, exc: ValidationError, columns: Sequence[Column]) -> None:
        """Report a model refusal at the column that carries the refused field."""
        attr = exc.field.rsplit(".", 1)[-1]
        header = next((c.header for c in columns if c.attr == attr), None)
        self.problem(header, exc.message)


class Sheet:
    """A sheet of the layout as read: its header index and its non-empty data rows."""

    def __init__(self, name: str, rows: list[Sequence[object]], *, problems: Problems) -> None:
        self.name = name
        self.problems = problems
        header = rows[0] if rows else ()
        self.index: dict[str, int] = {}
        self.headers: list[str] = []
        for i, cell in enumerate(header):
            key = _normal(cell)
            if key and key not in self.index:
                self.index[key] = i
                self.headers.append(as_text(cell))
        self._rows = rows[1:]
        self._columns: dict[str, int | None] = {}

    def column(self, header: str) -> int | None:
        """The 0-based index of the column headed `header` (any case and spacing), or None."""
        try:
            return self._columns[header]
        except KeyError:
            index = self._columns[header] = self.index.get(_normal(header))
            return index

    def check_columns(
        self, columns: Sequence[Column], report: FidelityReport, *, extra_prefixes: tuple[str, ...] = ()
    ) -> bool:
        ok = True
        for column in columns:
            if column.required and _normal(column.header) not in self.index:
                self.problems.add(f"{self.name}!1:1", f"the column '{column.header}' is missing")
                ok = False
        known = {_normal(c.header) for c in columns}
        prefixes = tuple(p.lower() for p in extra_prefixes)
        for header in self.headers:
            if _normal(header) not in known and not _normal(header).startswith(prefixes):
                report.add(Severity.DROPPED, "column.ignored", f"column '{header}' is not in the layout", self.name)
        return ok

    def __iter__(self) -> Iterator[Row]:
        for offset, values in enumerate(self._rows):
            if any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
                yield Row(self, offset + 2, values)
