"""The sync bookkeeping inside the profile's cache file: per-project cursor, the server's last known row
(the 'shadow', base of every field diff and rebase), and applying pulled rows with the cursor in one transaction.

Stop-gap until storage offers this as an API: the tables are sync_* tables created here, next to storage's own,
and rows are written with storage's mappers. See the sync report for the API wanted from storage.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bbschedule.core.changes import PROJECT_KIND
from bbschedule.core.project_data import ENTITY_KINDS
from bbschedule.storage.cache import LocalCache
from bbschedule.storage.engine import transaction
from bbschedule.storage.mapping import MAPPERS, PROJECT_COLUMNS, decode_project, dumps, encode_project
from bbschedule.sync.fastcodec import entity_from_fields, fields_of
from bbschedule.sync.protocol import Cursor, PulledRow

_TABLES = (
    "CREATE TABLE IF NOT EXISTS sync_server (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sync_project (project_id TEXT PRIMARY KEY, cursor_txid INTEGER NOT NULL DEFAULT 0,"
    " cursor_rev INTEGER NOT NULL DEFAULT 0, role TEXT)",
    "CREATE TABLE IF NOT EXISTS sync_shadow (project_id TEXT NOT NULL, kind TEXT NOT NULL, row_id TEXT NOT NULL,"
    " rev INTEGER NOT NULL, deleted INTEGER NOT NULL, fields TEXT NOT NULL, exact INTEGER NOT NULL DEFAULT 1,"
    " PRIMARY KEY (project_id, kind, row_id))",
)


@dataclass(frozen=True, slots=True)
class Shadow:
    rev: int
    deleted: bool
    fields: dict[str, Any]
    exact: bool = True
    """False: the server's row at `rev` has others' edits merged in that this cache has yet to pull."""
    raw: str | None = None
    """`fields` as JSON text, when already at hand."""


@dataclass(frozen=True, slots=True)
class PendingRow:
    seq: int
    change_id: str
    kind: str
    row_id: str
    payload: dict[str, Any] | None
    deleted: bool


def plain_fields(obj: Any) -> dict[str, Any]:
    """An entity as the server stores it: its plain form without the id."""
    return fields_of(obj)


class SyncState:
    def __init__(self, cache: LocalCache) -> None:
        self.cache = cache
        self._engine = cache._engine
        with transaction(self._engine, write=True) as db:
            for statement in _TABLES:
                db.execute(statement)

    # ---- server identity and cursors --------------------------------------------------------------------------
    def server_value(self, key: str) -> str | None:
        with transaction(self._engine, write=False) as db:
            row = db.execute("SELECT value FROM sync_server WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def reset_for_incarnation(self, incarnation_id: str) -> bool:
        """Remember the server's incarnation; a different one (a restored server) drops cursors and shadows."""
        with transaction(self._engine, write=True) as db:
            row = db.execute("SELECT value FROM sync_server WHERE key = 'incarnation_id'").fetchone()
            changed = row is not None and row[0] != incarnation_id
            if changed:
                db.execute("DELETE FROM sync_project")
                db.execute("DELETE FROM sync_shadow")
            db.execute(
                "INSERT INTO sync_server (key, value) VALUES ('incarnation_id', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (incarnation_id,),
            )
        return changed

    def exact_revs(self, project_id: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        with transaction(self._engine, write=False) as db:
            return _exact_revs(db, project_id, keys)

    def role(self, project_id: str) -> str | None:
        """The user's role on the project at the last sync (viewer: the application opens it read-only)."""
        with transaction(self._engine, write=False) as db:
            row = db.execute("SELECT role FROM sync_project WHERE project_id = ?", (project_id,)).fetchone()
        return None if row is None else row[0]

    def cursor(self, project_id: str) -> Cursor:
        with transaction(self._engine, write=False) as db:
            row = db.execute(
                "SELECT cursor_txid, cursor_rev FROM sync_project WHERE project_id = ?", (project_id,)
            ).fetchone()
        return Cursor() if row is None else Cursor(int(row[0]), int(row[1]))

    def local_project_ids(self) -> list[str]:
        with transaction(self._engine, write=False) as db:
            return [str(r[0]) for r in db.execute("SELECT id FROM projects ORDER BY code")]

    # ---- outbox -----------------------------------------------------------------------------------------------
    def pending(self, project_id: str) -> list[PendingRow]:
        with transaction(self._engine, write=False) as db:
            rows = db.execute(
                "SELECT seq, change_id, kind, row_id, payload, deleted FROM outbox"
                " WHERE pushed = 0 AND project_id = ? ORDER BY seq",
                (project_id,),
            ).fetchall()
        return [
            PendingRow(r[0], r[1], r[2], r[3], None if r[4] is None else json.loads(r[4]), bool(r[5])) for r in rows
        ]

    def pending_projects(self) -> list[str]:
        with transaction(self._engine, write=False) as db:
            return [str(r[0]) for r in db.execute("SELECT DISTINCT project_id FROM outbox WHERE pushed = 0")]

    def shadows(self, project_id: str, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Shadow]:
        by_kind: dict[str, list[str]] = {}
        for kind, row_id in keys:
            by_kind.setdefault(kind, []).append(row_id)
        found: dict[tuple[str, str], Shadow] = {}
        with transaction(self._engine, write=False) as db:
            for kind, row_ids in by_kind.items():
                for start in range(0, len(row_ids), 500):
                    chunk = row_ids[start : start + 500]
                    marks = ", ".join("?" * len(chunk))
                    for row_id, rev, deleted, fields, exact in db.execute(
                        "SELECT row_id, rev, deleted, fields, exact FROM sync_shadow WHERE project_id = ? AND kind = ?"
                        f" AND row_id IN ({marks})",
                        (project_id, kind, *chunk),
                    ):
                        found[(kind, row_id)] = Shadow(int(rev), bool(deleted), json.loads(fields), bool(exact))
        return found

    def current_rows(self, project_id: str) -> list[tuple[str, str, dict[str, Any]]]:
        """Every row of the local project as (kind, id, fields), project row first, in dependency order."""
        with transaction(self._engine, write=False) as db:
            out = [(PROJECT_KIND, project_id, plain_fields(p)) for p in _read_project(db, project_id)]
            for kind in ENTITY_KINDS:
                mapper = MAPPERS[kind]
                for row in db.execute(mapper.select_sql(), (project_id,)).fetchall():
                    obj = mapper.decode(row)
                    out.append((kind, obj.id, plain_fields(obj)))
        return out

    def acknowledge(
        self,
        project_id: str,
        *,
        pushed_seqs: Sequence[int],
        shadows: dict[tuple[str, str], Shadow],
        server_rows: dict[tuple[str, str], Shadow | None],
    ) -> None:
        """After a push: outbox rows done, shadows moved on, and rows the server did not take as sent set back
        to the server's version (None: the server has no such row, so it goes locally too)."""
        with transaction(self._engine, write=True, check_references=False) as db:
            db.executemany("UPDATE outbox SET pushed = 1 WHERE seq = ?", [(s,) for s in pushed_seqs])
            db.executemany(
                _SHADOW_SQL,
                [
                    (project_id, kind, row_id, sh.rev, sh.deleted, sh.raw or dumps(sh.fields), sh.exact)
                    for (kind, row_id), sh in shadows.items()
                ],
            )
            for (kind, row_id), server in server_rows.items():
                _write_local(db, project_id, kind, row_id, None if server is None or server.deleted else server.fields)

    # ---- pull -------------------------------------------------------------------------------------------------
    def apply_page(
        self, project_id: str, rows: Sequence[PulledRow], cursor: Cursor, *, role: str | None,
        known: dict[tuple[str, str], int] | None = None,
    ) -> None:  # fmt: skip
        """The server's rows, rebased under any local edit not yet pushed, and the cursor: one transaction.

        References are checked by the server across the whole project; a page can hold a link whose activity
        comes on a later page (it was edited after), hence no per-row foreign-key checks here."""
        with transaction(self._engine, write=True, check_references=False) as db:
            pending = {
                (r[0], r[1])
                for r in db.execute(
                    "SELECT kind, row_id FROM outbox WHERE pushed = 0 AND project_id = ?", (project_id,)
                ).fetchall()
            }
            if known is None:
                known = _exact_revs(db, project_id, [(r.kind, r.id) for r in rows])
            upserts: dict[str, list[tuple[Any, ...]]] = {}
            deletes: dict[str, list[tuple[str, str]]] = {}
            shadows: list[tuple[Any, ...]] = []
            for row in rows:
                key = (row.kind, row.id)
                if known.get(key) == row.rev and key not in pending:
                    continue  # this cache wrote that version itself (its push was acknowledged with this rev)
                fields = None if row.deleted else row.fields
                if key in pending and fields is not None:
                    fields = _rebased(db, project_id, row, fields)
                if row.kind == PROJECT_KIND or row.kind not in MAPPERS:
                    _write_local(db, project_id, row.kind, row.id, fields)
                elif fields is None:
                    deletes.setdefault(row.kind, []).append((row.id, project_id))
                else:
                    obj = entity_from_fields(row.kind, row.id, fields)
                    upserts.setdefault(row.kind, []).append(MAPPERS[row.kind].encode(obj, project_id))
                # a tombstone pulled without its fields keeps an empty shadow
                shadows.append((project_id, row.kind, row.id, row.rev, row.deleted, row.raw or "{}", True))
                if row.deleted and key in pending:
                    db.execute(
                        "UPDATE outbox SET pushed = 1 WHERE pushed = 0 AND project_id = ? AND kind = ? AND row_id = ?",
                        (project_id, row.kind, row.id),
                    )  # delete beats edit: the server told the editor; nothing left to push for it
            for kind in ENTITY_KINDS:  # many rows per statement: a first pull writes 250k of them
                if kind in upserts:
                    db.executemany(MAPPERS[kind].upsert_sql(), upserts[kind])
            for kind in reversed(ENTITY_KINDS):
                if kind in deletes:
                    if kind == "activity":
                        db.executemany(
                            "DELETE FROM computed_dates WHERE activity_id = ?", [(i,) for i, _ in deletes[kind]]
                        )
                    db.executemany(f"DELETE FROM {MAPPERS[kind].table} WHERE id = ? AND project_id = ?", deletes[kind])
            db.executemany(_SHADOW_SQL, shadows)
            db.execute(
                "INSERT INTO sync_project (project_id, cursor_txid, cursor_rev, role) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (project_id) DO UPDATE SET cursor_txid = excluded.cursor_txid,"
                " cursor_rev = excluded.cursor_rev, role = excluded.role",
                (project_id, cursor.txid, cursor.rev, role),
            )


def _exact_revs(db: sqlite3.Connection, project_id: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Revisions this cache knows to be exactly what it has, for the rows of one page (by primary key)."""
    by_kind: dict[str, list[str]] = {}
    for kind, row_id in keys:
        by_kind.setdefault(kind, []).append(row_id)
    found: dict[tuple[str, str], int] = {}
    for kind, row_ids in by_kind.items():
        for start in range(0, len(row_ids), 500):
            chunk = row_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row_id, rev in db.execute(
                "SELECT row_id, rev FROM sync_shadow WHERE project_id = ? AND kind = ? AND exact"
                f" AND row_id IN ({marks})",
                (project_id, kind, *chunk),
            ):
                found[(kind, row_id)] = int(rev)
    return found


def _rebased(db: sqlite3.Connection, project_id: str, row: PulledRow, server: dict[str, Any]) -> dict[str, Any]:
    """Server fields, with the fields this cache changed since its shadow laid on top (pushed later)."""
    local = _read_local(db, project_id, row.kind, row.id)
    shadow_row = db.execute(
        "SELECT fields FROM sync_shadow WHERE project_id = ? AND kind = ? AND row_id = ?",
        (project_id, row.kind, row.id),
    ).fetchone()
    if local is None:
        return server
    base: dict[str, Any] = {} if shadow_row is None else json.loads(shadow_row[0])
    merged = dict(server)
    merged.update({k: v for k, v in local.items() if base.get(k) != v})
    return merged


def _put_shadow(db: sqlite3.Connection, project_id: str, kind: str, row_id: str, shadow: Shadow) -> None:
    _put_shadow_raw(
        db, project_id, kind, row_id, rev=shadow.rev, deleted=shadow.deleted, raw=shadow.raw or dumps(shadow.fields),
        exact=shadow.exact,
    )  # fmt: skip


_SHADOW_SQL = (
    "INSERT INTO sync_shadow (project_id, kind, row_id, rev, deleted, fields, exact) VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (project_id, kind, row_id) DO UPDATE SET rev = excluded.rev, deleted = excluded.deleted,"
    " fields = excluded.fields, exact = excluded.exact"
)


def _put_shadow_raw(
    db: sqlite3.Connection, project_id: str, kind: str, row_id: str, *, rev: int, deleted: bool, raw: str,
    exact: bool = True,
) -> None:  # fmt: skip
    db.execute(_SHADOW_SQL, (project_id, kind, row_id, rev, deleted, raw, exact))


def _read_project(db: sqlite3.Connection, project_id: str) -> list[Any]:
    row = db.execute(f"SELECT {', '.join(PROJECT_COLUMNS)} FROM projects WHERE id = ?", (project_id,)).fetchone()
    return [] if row is None else [decode_project(row)]


def _read_local(db: sqlite3.Connection, project_id: str, kind: str, row_id: str) -> dict[str, Any] | None:
    if kind == PROJECT_KIND:
        found = _read_project(db, project_id)
        return plain_fields(found[0]) if found else None
    mapper = MAPPERS[kind]
    row = db.execute(f"SELECT {', '.join(mapper.columns)} FROM {mapper.table} WHERE id = ?", (row_id,)).fetchone()
    return None if row is None else plain_fields(mapper.decode(row))


def _write_local(
    db: sqlite3.Connection, project_id: str, kind: str, row_id: str, fields: dict[str, Any] | None
) -> None:
    """Make the local row equal `fields` (None: gone)."""
    if kind == PROJECT_KIND:
        if fields is None:
            return  # a project deleted on the server stays in this cache until the planner removes it
        project = entity_from_fields(kind, row_id, fields)
        values = encode_project(project)
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
    if fields is None:
        if kind == "activity":
            db.execute("DELETE FROM computed_dates WHERE activity_id = ?", (row_id,))
        db.execute(f"DELETE FROM {mapper.table} WHERE id = ? AND project_id = ?", (row_id, project_id))
        return
    obj = entity_from_fields(kind, row_id, fields)
    db.execute(mapper.upsert_sql(), mapper.encode(obj, project_id))
