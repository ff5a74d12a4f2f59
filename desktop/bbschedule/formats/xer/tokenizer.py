"""XER text into tables: code page detection, the ERMHDR/%T/%F/%R/%E line grammar, and the size limits.

A run of rows that all have the declared width is split once into a flat field list, so that a column is a
C-speed slice; irregular rows (P6 drops trailing empty fields) go row by row and are padded here, once.
"""

from __future__ import annotations

import codecs
import locale
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from bbschedule.core.errors import InputFileError


@dataclass(frozen=True)
class Limits:
    """What one XER may hold; beyond these the file is refused rather than exhausting memory."""

    max_bytes: int = 512 * 1024 * 1024
    max_fields_per_row: int = 1000
    max_rows: int = 20_000_000
    max_line_chars: int = 8 * 1024 * 1024
    """The longest line (so the longest field: a calendar's clndr_data or a memo)."""


class Table:
    """One table's rows. Large uniform blocks are kept as one flat field list (a row is `width` consecutive
    items, the '%R' marker first), so a whole column is a C-speed slice; `rows` builds per-row lists on demand.
    """

    def __init__(self, name: str, fields: list[str], header_line: int) -> None:
        self.name = name
        self.fields = fields
        self.header_line = header_line
        self._rows: list[list[str]] = []
        self._lines: list[int] = []
        self._flat: list[str] | None = None
        self._first_line = 0
        self._count = 0

    def __len__(self) -> int:
        return self._count if self._flat is not None else len(self._rows)

    @property
    def width(self) -> int:
        return len(self.fields) + 1

    def col(self, name: str) -> int:
        """The index of a field in a row list, or -1 (the padding slot, always '') if the table lacks it."""
        try:
            return self.fields.index(name) + 1
        except ValueError:
            return -1

    def has(self, name: str) -> bool:
        return name in self.fields

    @property
    def rows(self) -> list[list[str]]:
        if self._flat is not None:
            self._materialize()
        return self._rows

    @property
    def lines(self) -> Sequence[int]:
        """The 1-based file line of each row, for error messages."""
        if self._flat is not None:
            return range(self._first_line, self._first_line + self._count)
        return self._lines

    def column(self, name: str) -> list[str]:
        index = self.col(name)
        if index < 0:
            return [""] * len(self)
        if self._flat is not None:
            return self._flat[index :: self.width]
        return [row[index] for row in self._rows]

    def set_flat(self, flat: list[str], *, first_line: int, count: int) -> None:
        self._flat, self._first_line, self._count = flat, first_line, count

    def append(self, parts: list[str], line: int) -> None:
        if self._flat is not None:
            self._materialize()
        self._rows.append(parts)
        self._lines.append(line)

    def _materialize(self) -> None:
        flat, width = self._flat, self.width
        assert flat is not None
        self._rows = [[*flat[i : i + width], ""] for i in range(0, len(flat), width)]
        self._lines = list(range(self._first_line, self._first_line + self._count))
        self._flat = None


@dataclass
class XerFile:
    path: str
    encoding: str
    header: list[str]
    tables: dict[str, Table]

    def table(self, name: str) -> Table | None:
        return self.tables.get(name)

    @property
    def version(self) -> str:
        return self.header[1] if len(self.header) > 1 else ""


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(head: bytes) -> str:
    """UTF-8/16 by their byte order marks or NUL patterns; otherwise UTF-8 if it decodes, else cp1252."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if head[:4] == b"E\x00R\x00":
        return "utf-16-le"
    if head[:4] == b"\x00E\x00R":
        return "utf-16-be"
    return ""


def windows_code_page() -> str:
    """The ANSI code page of this Windows machine (P6 exports in its own), else Western European cp1252."""
    if sys.platform == "win32":
        name = locale.getencoding().lower()
        if name.startswith("cp125"):
            return name
    return "cp1252"


def decode(raw: bytes, *, path: str, encoding: str | None) -> tuple[str, str]:
    """The file's text and the code page used; a byte that does not decode names its line."""
    chosen = encoding or detect_encoding(raw[:4])
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputFileError(path, f"unknown encoding {encoding!r}", field="encoding") from None
    if not chosen:
        # P6 writes the Windows code page of the exporting machine; UTF-8 (new versions) decodes cleanly or not at all.
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            chosen = windows_code_page()
    try:
        return raw.decode(chosen), chosen
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputFileError(
            path,
            f"byte 0x{raw[exc.start]:02x} is not valid {chosen} text ({exc.reason}); "
            "the file may be damaged or in another code page (choose one with --encoding)",
            line=line,
        ) from None


def tokenize(raw: bytes, *, path: str, encoding: str | None = None, limits: Limits | None = None) -> XerFile:
    limits = limits or Limits()
    if len(raw) > limits.max_bytes:
        raise InputFileError(path, f"is {len(raw)} bytes, more than the {limits.max_bytes} allowed")
    if not raw.strip():
        raise InputFileError(path, "is empty", line=1)
    text, used = decode(raw, path=path, encoding=encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    crlf = text.count("\r\n")
    if crlf and crlf == text.count("\r") == text.count("\n"):
        lines = text.split("\r\n")  # P6 on Windows: every line ends CR LF, no copy of the text needed
    else:
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
    first = lines[0]
    if not first.startswith("ERMHDR"):
        raise InputFileError(path, "not an XER file: it must start with ERMHDR", line=1)
    header = first.split("\t")
    tables: dict[str, Table] = {}
    current: Table | None = None
    rows_seen = 0
    total = len(lines)
    i = 1
    while i < total:
        line = lines[i]
        number = i + 1
        tag = line[:2]
        if tag == "%R":
            if current is None or not current.fields:
                raise InputFileError(path, "a %R row before any %T table and %F field list", line=number)
            end = i + 1
            while end < total and lines[end][:2] == "%R":
                end += 1
            rows_seen += end - i
            if rows_seen > limits.max_rows:
                raise InputFileError(path, f"more than {limits.max_rows} rows", line=number)
            _add_block(current, lines, start=i, end=end, path=path, limits=limits)
            i = end
            continue
        if tag == "%T":
            name = line[3:].strip()
            if not name:
                raise InputFileError(path, "a %T line without a table name", line=number)
            current = tables.get(name)
            if current is None:
                current = tables[name] = Table(name, [], number)
        elif tag == "%F":
            if current is None:
                raise InputFileError(path, "a %F field list before any %T table", line=number)
            names = [f.strip() for f in line[3:].split("\t")]
            if len(names) > limits.max_fields_per_row:
                raise InputFileError(
                    path, f"{len(names)} fields (at most {limits.max_fields_per_row})", line=number, field=current.name
                )
            if current.fields and current.fields != names:
                raise InputFileError(path, f"table {current.name} appears twice with other fields", line=number)
            current.fields = names
        elif tag == "%E":
            return XerFile(path=path, encoding=used, header=header, tables=tables)
        elif line.strip():
            raise InputFileError(
                path, f"unexpected text {line[:40]!r}: lines must start with %T, %F, %R or %E", line=number
            )
        i += 1
    raise InputFileError(path, "the file is truncated: it has no %E end line", line=total)


def _add_block(table: Table, lines: list[str], *, start: int, end: int, path: str, limits: Limits) -> None:
    """Rows lines[start:end] (all '%R'): one split over the block when every row has the declared width."""
    block = lines[start:end]
    longest = max(map(len, block))
    if longest > limits.max_line_chars:
        at = next(k for k, text in enumerate(block) if len(text) == longest)
        _too_long(path, table, block[at], start + at + 1, limits.max_line_chars)
    width = table.width
    count = end - start
    if not len(table):
        flat = "\t".join(block).split("\t")
        if len(flat) == count * width and flat[::width].count("%R") == count:
            table.set_flat(flat, first_line=start + 1, count=count)
            return
    max_fields = limits.max_fields_per_row
    for offset, line in enumerate(block):
        number = start + offset + 1
        parts = line.split("\t")
        n = len(parts)
        if n == width:
            parts.append("")
        elif n < width:
            parts.extend([""] * (width - n + 1))
        else:
            if n > max_fields:
                raise InputFileError(
                    path, f"{n - 1} fields in a row (at most {max_fields})", line=number, field=table.name
                )
            if any(parts[width:]):
                raise InputFileError(
                    path,
                    f"the row has {n - 1} fields but table {table.name} declares {width - 1}",
                    line=number,
                    field=table.name,
                )
            del parts[width:]
            parts.append("")
        table.append(parts, number)


def _too_long(path: str, table: Table, line: str, number: int, limit: int) -> None:
    values = line.split("\t")[1:]
    index = max(range(len(values)), key=lambda i: len(values[i]))
    name = table.fields[index] if index < len(table.fields) else f"#{index + 1}"
    raise InputFileError(
        path,
        f"a line of {len(line)} characters (at most {limit}); its longest field has {len(values[index])}",
        line=number,
        field=f"{table.name}.{name}",
    )
