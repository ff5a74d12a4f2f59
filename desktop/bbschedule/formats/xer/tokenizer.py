"""XER text into tables: code page detection, the ERMHDR/%T/%F/%R/%E line grammar, and the size limits.

A table keeps its rows as the raw `split('\\t')` lists (index 0 is the '%R' marker) so that the reader
indexes columns without building a dict per row; rows shorter than the header are padded here, once.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

from bbschedule.core.errors import InputFileError


@dataclass(frozen=True)
class Limits:
    """What one XER may hold; beyond these the file is refused rather than exhausting memory."""

    max_bytes: int = 512 * 1024 * 1024
    max_fields_per_row: int = 1000
    max_rows: int = 20_000_000
    max_line_chars: int = 8 * 1024 * 1024
    """The longest line (so the longest field: a calendar's clndr_data or a memo)."""


@dataclass
class Table:
    name: str
    fields: list[str]
    header_line: int
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    """The 1-based file line of each row, for error messages."""

    def col(self, name: str) -> int:
        """The index of a field in a row list, or -1 (the padding slot, always '') if the table lacks it."""
        try:
            return self.fields.index(name) + 1
        except ValueError:
            return -1

    def has(self, name: str) -> bool:
        return name in self.fields


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
            chosen = "cp1252"
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
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    first = lines[0]
    if not first.startswith("ERMHDR"):
        raise InputFileError(path, "not an XER file: it must start with ERMHDR", line=1)
    header = first.split("\t")
    tables: dict[str, Table] = {}
    current: Table | None = None
    width = 0
    rows_seen = 0
    max_line = limits.max_line_chars
    max_fields = limits.max_fields_per_row
    ended = False
    rows: list[list[str]] = []
    row_lines: list[int] = []
    for number, line in enumerate(lines[1:], start=2):
        tag = line[:2]
        if tag == "%R":
            if current is None or not width:
                raise InputFileError(path, "a %R row before any %T table and %F field list", line=number)
            if len(line) > max_line:
                _too_long(path, current, line, number, max_line)
            parts = line.split("\t")
            n = len(parts)
            if n == width:
                parts.append("")
            elif n < width:
                parts.extend([""] * (width - n + 1))
            else:
                if n > max_fields:
                    raise InputFileError(
                        path, f"{n - 1} fields in a row (at most {max_fields})", line=number, field=current.name
                    )
                if any(parts[width:]):
                    raise InputFileError(
                        path,
                        f"the row has {n - 1} fields but table {current.name} declares {width - 1}",
                        line=number,
                        field=current.name,
                    )
                del parts[width:]
                parts.append("")
            rows_seen += 1
            if rows_seen > limits.max_rows:
                raise InputFileError(path, f"more than {limits.max_rows} rows", line=number)
            rows.append(parts)
            row_lines.append(number)
        elif tag == "%T":
            name = line[3:].strip()
            if not name:
                raise InputFileError(path, "a %T line without a table name", line=number)
            current = Table(name=name, fields=[], header_line=number)
            width = 0
            existing = tables.get(name)
            if existing is not None:
                current = existing
                width = len(existing.fields) + 1
            else:
                tables[name] = current
            rows = current.rows
            row_lines = current.lines
        elif tag == "%F":
            if current is None:
                raise InputFileError(path, "a %F field list before any %T table", line=number)
            names = [f.strip() for f in line[3:].split("\t")]
            if len(names) > max_fields:
                raise InputFileError(
                    path, f"{len(names)} fields (at most {max_fields})", line=number, field=current.name
                )
            if current.fields and current.fields != names:
                raise InputFileError(path, f"table {current.name} appears twice with other fields", line=number)
            current.fields = names
            # A row splits into the '%R' marker and the fields; one padding '' is appended (see Table.col).
            width = len(names) + 1
        elif tag == "%E":
            ended = True
            break
        elif line.strip():
            raise InputFileError(
                path, f"unexpected text {line[:40]!r}: lines must start with %T, %F, %R or %E", line=number
            )
    if not ended:
        raise InputFileError(path, "the file is truncated: it has no %E end line", line=len(lines))
    return XerFile(path=path, encoding=used, header=header, tables=tables)


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
