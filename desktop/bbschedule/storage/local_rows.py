"""One row of the cache read or written by kind and id, as sync applies the server's rows: the local entity, the
server's row rebased under an unpushed local edit, and the write that makes the local row equal an entity."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from typing import Any, Protocol

from bbschedule.core.changes import PROJECT_KIND
from bbschedule.core.codec import entity_class, from_plain, to_plain
from bbschedule.storage.mapping import MAPPERS, PROJECT_COLUMNS, decode_project, encode_project

Decode = Callable[[str, str, str], Any]
"""(kind, row id, the server's fields as JSON text) -> the core entity."""


class RemoteRow(Protocol):
    """A row as pulled from the server (sync.protocol.PulledRow has this shape)."""

    @property
    def kind(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def rev(self) -> int: ...
    @property
    def deleted(self) -> bool: ...
    @property
    def raw(self) -> str: ...
    @property
    def updated_by(self) -> str: ...


def _fields(entity: Any) -> dict[str, Any]:
    plain: dict[str, Any] = to_plain(entity)
    plain.pop("id", None)
    return plain


def rebased(db: sqlite3.Connection, project_id: str, row: RemoteRow, decode: Decode, *, pending: bool) -> Any:
    """The server's row; under a local edit not yet pushed, with the fields this cache changed since its shadow
    laid on top (they are pushed later)."""
    if not pending:
        return decode(row.kind, row.id, row.raw)
    local = read_local(db, project_id, row.kind, row.id)
    if local is None:
        return decode(row.kind, row.id, row.raw)
    shadow_row = db.execute(
        "SELECT fields FROM sync_shadow WHERE project_id = ? AND kind = ? AND row_id = ?",
        (project_id, row.kind, row.id),
    ).fetchone()
    base: dict[str, Any] = {} if shadow_row is None else json.loads(shadow_row[0])
    merged = json.loads(row.raw)
    merged.update({k: v for k, v in _fields(local).items() if base.get(k) != v})
    return from_plain(entity_class(row.kind), {**merged, "id": row.id}, row.kind)


def read_project(db: sqlite3.Connection, project_id: str) -> list[Any]:
    row = db.execute(f"SELECT {', '.join(PROJECT_COLUMNS)} FROM projects WHERE id = ?", (project_id,)).fetchone()
    return [] if row is None else [decode_project(row)]


def read_local(db: sqlite3.Connection, project_id: str, kind: str, row_id: str) -> Any:
    if kind == PROJECT_KIND:
        found = read_project(db, project_id)
        return found[0] if found else None
    mapper = MAPPERS[kind]
    row = db.execute(
        f"SELECT {', '.join(mapper.columns)} FROM {mapper.table} WHERE id = ? AND project_id = ?", (row_id, project_id)
    ).fetchone()
    return None if row is None else mapper.decode(row)


def write_local(db: sqlite3.Connection, project_id: str, kind: str, row_id: str, entity: Any) -> None:
    """Make the local row equal `entity` (None: gone)."""
    if kind == PROJECT_KIND:
        if entity is None:
            return  # a project deleted on the server stays in this cache until the planner removes it
        values = encode_project(entity)
        now = dt.datetime.now(dt.UTC).isoformat()
        updated = db.execute(
            "UPDATE projects SET " + ", ".join(f"{c} = ?" for c in PROJECT_COLUMNS[1:]) + " WHERE id = ?",
            (*values[1:], row_id),
        ).rowcount
        if not updated:
            marks = ", ".join("?" * (len(PROJECT_COLUMNS) + 2))
            db.execute(
                f"INSERT INTO projects ({', '.join(PROJECT_COLUMNS)}, created_at, updated_at) VALUES ({marks})",
                (*values, now, now),
            )
            db.execute("INSERT OR IGNORE INTO undo_state (project_id, cursor) VALUES (?, 0)", (row_id,))
        return
    mapper = MAPPERS[kind]
    if entity is None:
        if kind == "activity":
            db.execute("DELETE FROM computed_dates WHERE activity_id = ?", (row_id,))
        db.execute(f"DELETE FROM {mapper.table} WHERE id = ? AND project_id = ?", (row_id, project_id))
        return
    db.execute(mapper.upsert_sql(), mapper.encode(entity, project_id))
