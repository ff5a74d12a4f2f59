"""Field values of XER rows: every date format P6 versions write, numbers and flags, with errors that name the place.

Dates are cached by their text: a schedule repeats the same few thousand date strings across its rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bbschedule.core.errors import InputFileError

_EXTRA_FORMATS = (
    "%d-%b-%y %H:%M",
    "%d-%b-%Y %H:%M",
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d-%b-%y %H:%M:%S",
    "%d-%b-%Y %H:%M:%S",
    "%Y%m%d%H%M",
    "%Y%m%d",
)
"""Older and localised exports besides ISO 'YYYY-MM-DD[ HH:MM[:SS]]' (which fromisoformat reads, with / too)."""


def parse_date_text(text: str) -> dt.datetime:
    """One XER date; ValueError if no format fits."""
    value = text.strip()
    try:
        return dt.datetime.fromisoformat(value.replace("/", "-"))
    except ValueError:
        pass
    for fmt in _EXTRA_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date")


class Values:
    """Converters bound to one file, so that an error names the file, line, table and field."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.dates: dict[str, dt.datetime | None] = {"": None}

    def date(self, text: str, *, line: int, where: str) -> dt.datetime | None:
        cached = self.dates.get(text, _MISSING)
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]
        try:
            value: dt.datetime | None = parse_date_text(text) if text.strip() else None
        except ValueError:
            raise InputFileError(self.path, f"{text!r} is not a date P6 writes", line=line, field=where) from None
        if value is not None and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        if value is not None and (value.second or value.microsecond):
            # Schedules work to the minute; seconds only appear in some exports' audit stamps.
            value = value.replace(second=0, microsecond=0)
        self.dates[text] = value
        return value

    def date_column(self, column: list[str], *, lines: Sequence[int], where: str) -> list[dt.datetime | None]:
        """A whole column of dates: each distinct text is parsed once."""
        cache = self.dates
        for text in set(column).difference(cache):
            try:
                self.date(text, line=0, where=where)
            except InputFileError:
                self.date(text, line=lines[column.index(text)], where=where)
        return list(map(cache.__getitem__, column))

    def minutes_column(self, column: list[str], *, lines: Sequence[int], where: str) -> list[int | None]:
        """A whole column of P6 hour counts in working minutes; '' becomes None."""
        found: dict[str, int | None] = {"": None}
        for text in set(column).difference(found):
            try:
                found[text] = self.minutes(text, line=0, where=where)
            except InputFileError:
                found[text] = self.minutes(text, line=lines[column.index(text)], where=where)
        return list(map(found.__getitem__, column))

    def number(self, text: str, *, line: int, where: str, default: float = 0.0) -> float:
        if not text:
            return default
        try:
            value = float(text)
        except ValueError:
            # Some locales export a decimal comma.
            try:
                value = float(text.replace(",", "."))
            except ValueError:
                raise InputFileError(self.path, f"{text!r} is not a number", line=line, field=where) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise InputFileError(self.path, f"{text!r} is not a finite number", line=line, field=where)
        return value

    def optional_number(self, text: str, *, line: int, where: str) -> float | None:
        if not text:
            return None
        return self.number(text, line=line, where=where)

    def minutes(self, text: str, *, line: int, where: str) -> int:
        """Hours as P6 stores them, in whole working minutes."""
        if not text:
            return 0
        return round(self.number(text, line=line, where=where) * 60)


_MISSING = object()


def flag(text: str) -> bool:
    return text.strip().upper() == "Y"


def format_date(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d 00:00")


def format_hours(minutes: float | None) -> str:
    """Minutes as P6's hour counts, without trailing zeros."""
    if minutes is None:
        return ""
    hours = minutes / 60
    if hours == int(hours):
        return str(int(hours))
    return f"{hours:.6f}".rstrip("0").rstrip(".")


def format_number(value: float | None) -> str:
    """The shortest text that reads back as the same float (P6 itself writes up to 15 significant digits)."""
    if value is None:
        return ""
    if value == int(value):
        return str(int(value))
    text = repr(float(value))
    if "e" in text:
        text = f"{value:.12f}".rstrip("0").rstrip(".")
    return text
