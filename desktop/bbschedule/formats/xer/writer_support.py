"""Building blocks of the XER writer: numeric id allocation and the table buffer that renders %T/%F/%R lines."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable, Mapping

_CLEAN = str.maketrans({"\t": " ", "\r": "", "\n": "\x7f\x7f"})


def clean(value: str) -> str:
    """P6 fields hold no tabs or line breaks: P6 itself writes a line break as two DEL characters."""
    if "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_CLEAN)
    return value


def guid(object_id: str) -> str:
    """P6's GUID form (22 characters of base64) of a core UUID id, so that repeated exports keep one GUID."""
    try:
        raw = uuid.UUID(object_id).bytes
    except ValueError:
        return ""
    return base64.b64encode(raw).decode("ascii")[:22]


def is_number(text: str) -> bool:
    """A positive id P6 can hold (ASCII digits; isdigit() alone accepts superscripts that int() refuses)."""
    return text.isascii() and text.isdigit() and len(text) < 10


def number_ids(items: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    """Core id -> numeric XER id: a numeric source id unique in the table is kept, others get the next number."""
    pairs = list(items)
    taken: set[int] = set()
    keep: dict[str, int] = {}
    for obj_id, source in pairs:
        if source and is_number(source):
            number = int(source)
            if number > 0 and number not in taken:
                taken.add(number)
                keep[obj_id] = number
    next_number = max(taken, default=0) + 1
    out: dict[str, str] = {}
    for obj_id, _source in pairs:
        found = keep.get(obj_id)
        if found is None:
            found = next_number
            next_number += 1
        out[obj_id] = str(found)
    return out


class Out:
    """Rows per table in field order, with the table's defaults for what a row leaves out."""

    def __init__(self, fields: Mapping[str, tuple[str, ...]], defaults: Mapping[str, Mapping[str, str]]) -> None:
        self.fields = fields
        self.defaults = defaults
        self.rows: dict[str, list[str]] = {}

    def add(self, table: str, values: Mapping[str, str]) -> None:
        defaults = self.defaults.get(table, {})
        line = "\t".join(clean(values[f]) if f in values else defaults.get(f, "") for f in self.fields[table])
        self.rows.setdefault(table, []).append(line)

    def render(self, header: str, order: Iterable[str]) -> str:
        parts = [header]
        for table in order:
            rows = self.rows.get(table)
            if not rows:
                continue
            parts.append(f"%T\t{table}")
            parts.append("%F\t" + "\t".join(self.fields[table]))
            parts.extend("%R\t" + row for row in rows)
        parts.append("%E")
        return "\r\n".join(parts) + "\r\n"
