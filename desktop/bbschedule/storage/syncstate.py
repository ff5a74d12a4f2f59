"""The sync bookkeeping of the cache (tables sync_server, sync_project, sync_shadow, and the outbox) as an API for
sync: pending outbox rows, shadows, cursors, and applying a page of the server's rows with its cursor in one
SQLite transaction. It also notes which rows of a watched project came from the server, so a session open on it
can take exactly those (`watch_remote_changes`, `take_remote_changes`).

Rows travel as core entities; the server's field form is sync's business, handed in as a `decode` function.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import sqlite3
import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from bbschedule.core.changes import PROJECT_KIND
from bbschedule.core.project_data import ENTITY_KINDS
from bbschedule.storage.engine import transaction
from bbschedule.storage.local_rows import Decode, RemoteRow, read_local, read_project, rebased, write_local
from bbschedule.storage.mapping import MAPPERS

Key = tuple[str, str]
"""(kind, row id)."""

DELETED, REVOKED = "deleted", "revoked"


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    seq: int
    change_id: str
    kind: str
    row_id: str
    payload: dict[str, Any] | None
    deleted: bool


@dataclass(frozen=True, slots=True)
class StoredShadow:
    rev: int
    deleted: bool
    raw: str
    """The server's fields as JSON text."""
    exact: bool = True


@dataclass(frozen=True, slots=True)
class SyncedProject:
    project_id: str
    cursor: tuple[int, int]
    """(txid, rev) of the last pulled row."""
    role: str | None
    detached: str | None = None
    """DELETED or REVOKED when the project no longer syncs (kept locally); None while it syncs."""
    detached_by: str | None = None
    detached_at: dt.datetime | None = None


_SHADOW_SQL = (
    "INSERT INTO sync_shadow (project_id, kind, row_id, rev, deleted, fields, exact) VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (project_id, kind, row_id) DO UPDATE SET rev = excluded.rev, deleted = excluded.deleted,"
    " fields = excluded.fields, exact = excluded.exact"
)
_NEW_SHADOW_SQL = (
    "INSERT INTO sync_shadow (project_id, kind, row_id, rev, deleted, fields, exact) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_SHADOW_ORDER = operator.itemgetter(1, 2)
_PROJECT_COLUMNS_SQL = "project_id, cursor_txid, cursor_rev, role, detached, detached_by, detached_at"

_journals: weakref.WeakKeyDictionary[Engine, dict[str, set[Key]]] = weakref.WeakKeyDictionary()
_journal_lock = threading.Lock()


class SyncTables:
    """The sync_* tables and the outbox of one cache file (its engine: LocalCache.engine)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # ---- server identity, cursors, roles, detached projects ---------------------------------------------------
    def server_value(self, key: str) -> str | None:
        with transaction(self._engine, write=False) as db:
            row = db.execute("SELECT value FROM sync_server WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def reset_for_incarnation(self, incarnation_id: str) -> bool:
        """Remember the server's incarnation; a different one (a restored server) drops cursors and shadows.
        Detached projects stay detached: the restored server does not bring a deleted project back."""
        with transaction(self._engine, write=True) as db:
            row = db.execute("SELECT value FROM sync_server WHERE key = 'incarnation_id'").fetchone()
            changed = row is not None and row[0] != incarnation_id
            if changed:
                db.execute("DELETE FROM sync_project WHERE detached IS NULL")
                db.execute("UPDATE sync_project SET cursor_txid = 0, cursor_rev = 0")
                db.execute("DELETE FROM sync_shadow")
            db.execute(
                "INSERT INTO sync_server (key, value) VALUES ('incarnation_id', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (incarnation_id,),
            )
        return changed

    def synced_projects(self) -> dict[str, SyncedProject]:
        """Every project this cache has pulled at least once, by id."""
        with transaction(self._engine, write=False) as db:
            rows = db.execute(f"SELECT {_PROJECT_COLUMNS_SQL} FROM sync_project").fetchall()
        return {r[0]: _synced(r) for r in rows}

    def synced_project(self, project_id: str) -> SyncedProject | None:
        with transaction(self._engine, write=False) as db:
            row = db.execute(
                f"SELECT {_PROJECT_COLUMNS_SQL} FROM sync_project WHERE project_id = ?", (project_id,)
            ).fetchone()
        return None if row is None else _synced(row)

    def set_detached(self, project_id: str, reason: str | None, *, by: str | None = None) -> None:
        """Mark a project as no longer syncing (DELETED, REVOKED), or syncing again (None)."""
        now = None if reason is None else dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat()
        with transaction(self._engine, write=True) as db:
            _set_detached(db, project_id, reason, by=by, at=now)

    def set_role(self, project_id: str, role: str | None) -> None:
        """The user's role on the project as the server now says (a pull stores it with each page; a role changed
        with no row to pull comes here)."""
        with transaction(self._engine, write=True) as db:
            db.execute(
                "INSERT INTO sync_project (project_id, cursor_txid, cursor_rev, role) VALUES (?, 0, 0, ?)"
                " ON CONFLICT (project_id) DO UPDATE SET role = excluded.role",
                (project_id, role),
            )

    def local_project_ids(self) -> list[str]:
        with transaction(self._engine, write=False) as db:
            return [str(r[0]) for r in db.execute("SELECT id FROM projects ORDER BY code")]

    # ---- outbox and shadows -----------------------------------------------------------------------------------
    def pending_outbox(self, project_id: str) -> list[OutboxEntry]:
        """The project's outbox rows not yet accepted by the server, oldest first."""
        with transaction(self._engine, write=False) as db:
            rows = db.execute(
                "SELECT seq, change_id, kind, row_id, payload, deleted FROM outbox"
                " WHERE pushed = 0 AND project_id = ? ORDER BY seq",
                (project_id,),
            ).fetchall()
        return [
            OutboxEntry(r[0], r[1], r[2], r[3], None if r[4] is None else json.loads(r[4]), bool(r[5])) for r in rows
        ]

    def pending_projects(self) -> list[str]:
        """Projects with outbox rows to push, leaving out detached ones (their rows stay, unsent)."""
        with transaction(self._engine, write=False) as db:
            return [
                str(r[0])
                for r in db.execute(
                    "SELECT DISTINCT o.project_id FROM outbox o WHERE o.pushed = 0 AND NOT EXISTS"
                    " (SELECT 1 FROM sync_project s WHERE s.project_id = o.project_id AND s.detached IS NOT NULL)"
                )
            ]

    def shadows(self, project_id: str, keys: Iterable[Key]) -> dict[Key, StoredShadow]:
        found: dict[Key, StoredShadow] = {}
        with transaction(self._engine, write=False) as db:
            for kind, chunk in _chunks(keys):
                marks = ", ".join("?" * len(chunk))
                for row_id, rev, deleted, fields, exact in db.execute(
                    "SELECT row_id, rev, deleted, fields, exact FROM sync_shadow WHERE project_id = ? AND kind = ?"
                    f" AND row_id IN ({marks})",
                    (project_id, kind, *chunk),
                ):
                    found[(kind, row_id)] = StoredShadow(int(rev), bool(deleted), str(fields), bool(exact))
        return found

    def exact_revs(self, project_id: str, keys: Iterable[Key]) -> dict[Key, int]:
        with transaction(self._engine, write=False) as db:
            return _exact_revs(db, project_id, keys)

    def current_rows(self, project_id: str) -> list[tuple[str, str, Any]]:
        """Every row of the local project as (kind, id, entity), the project first, in dependency order."""
        with transaction(self._engine, write=False) as db:
            out: list[tuple[str, str, Any]] = [(PROJECT_KIND, p.id, p) for p in read_project(db, project_id)]
            for kind in ENTITY_KINDS:
                mapper = MAPPERS[kind]
                for row in db.execute(mapper.select_sql(), (project_id,)).fetchall():
                    obj = mapper.decode(row)
                    out.append((kind, obj.id, obj))
        return out

    def read_rows(self, project_id: str, keys: Iterable[Key]) -> dict[Key, Any]:
        """The local rows named by `keys` as entities (None: not in the cache), from one snapshot."""
        keys = list(keys)
        found: dict[Key, Any] = dict.fromkeys(keys)
        with transaction(self._engine, write=False) as db:
            for kind, chunk in _chunks(keys):
                if kind == PROJECT_KIND or kind not in MAPPERS:
                    found.update({(kind, row_id): read_local(db, project_id, kind, row_id) for row_id in chunk})
                    continue
                mapper = MAPPERS[kind]
                marks = ", ".join("?" * len(chunk))
                for row in db.execute(
                    f"SELECT {', '.join(mapper.columns)} FROM {mapper.table} WHERE project_id = ? AND id IN ({marks})",
                    (project_id, *chunk),
                ):
                    obj = mapper.decode(row)
                    found[(kind, obj.id)] = obj
        return found

    def acknowledge(
        self,
        project_id: str,
        *,
        pushed_seqs: Sequence[int],
        shadows: Iterable[tuple[Key, StoredShadow]],
        server_rows: dict[Key, Any],
    ) -> None:
        """After a push, one transaction: outbox rows done, shadows moved on, and rows the server did not take as
        sent set back to the server's version (an entity; None: the server has no such row, so it goes here too).

        A project deleted here whose deletion the server refused (only its admins delete it) comes back whole:
        its cursor and shadows are dropped so that the pull that follows brings every row again."""
        with transaction(self._engine, write=True, check_references=False) as db:
            db.executemany("UPDATE outbox SET pushed = 1 WHERE seq = ?", [(s,) for s in pushed_seqs])
            db.executemany(
                _SHADOW_SQL,
                [(project_id, kind, row_id, s.rev, s.deleted, s.raw, s.exact) for (kind, row_id), s in shadows],
            )
            comes_back = (
                server_rows.get((PROJECT_KIND, project_id)) is not None
                and db.execute("SELECT 1 FROM projects WHERE id = ?", (project_id,)).fetchone() is None
            )
            for (kind, row_id), entity in server_rows.items():
                write_local(db, project_id, kind, row_id, entity)
            if comes_back:
                db.execute("DELETE FROM sync_shadow WHERE project_id = ?", (project_id,))
                db.execute(
                    "UPDATE sync_project SET cursor_txid = 0, cursor_rev = 0 WHERE project_id = ?", (project_id,)
                )
        _journal(self._engine, project_id, server_rows)

    def add_new_shadows(self, project_id: str, rows: Iterable[tuple[str, str, int, str]]) -> int:
        """Shadows of rows the server took exactly as sent, none of which has a shadow yet (a first sync's
        rows): (kind, row id, rev, the fields as JSON text), by plain INSERTs in one transaction. Returns how many.

        A first sync writes 250k of them: no upsert, and no object per row on the way. Should some row have a
        shadow after all (a sync cut off after this and before its outbox was done), the batch is written again
        as upserts in the same transaction."""
        values = [(project_id, kind, row_id, rev, False, raw, True) for kind, row_id, rev, raw in rows]
        values.sort(key=_SHADOW_ORDER)  # the primary key's order: index pages filled in turn, not at random
        with transaction(self._engine, write=True) as db:
            try:
                db.executemany(_NEW_SHADOW_SQL, values)
            except sqlite3.IntegrityError:
                db.executemany(_SHADOW_SQL, values)
        return len(values)

    # ---- pull -------------------------------------------------------------------------------------------------
    def apply_remote_page(
        self, project_id: str, rows: Sequence[RemoteRow], *, cursor: tuple[int, int], role: str | None,
        decode: Decode, known: dict[Key, int] | None = None,
    ) -> int:  # fmt: skip
        """The server's rows, rebased under any local edit not yet pushed, and the cursor: one transaction.
        Returns how many local rows changed.

        `known`: revisions this cache knows it has exactly (its own pushes); such rows are skipped. References are
        checked by the server across the whole project; a page can hold a link whose activity comes on a later
        page, hence no per-row foreign-key checks here. A pulled project tombstone does not delete the local copy:
        the project is marked DELETED and stops syncing (the planner is told and decides)."""
        written: list[Key] = []
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
                shadows.append((project_id, row.kind, row.id, row.rev, row.deleted, row.raw or "{}", True))
                if row.kind == PROJECT_KIND and row.deleted:
                    _set_detached(db, project_id, DELETED, by=row.updated_by, at=_now())
                    continue
                written.append(key)
                entity = None if row.deleted else rebased(db, project_id, row, decode, pending=key in pending)
                if row.kind == PROJECT_KIND or row.kind not in MAPPERS:
                    write_local(db, project_id, row.kind, row.id, entity)
                elif entity is None:
                    deletes.setdefault(row.kind, []).append((row.id, project_id))
                else:
                    upserts.setdefault(row.kind, []).append(MAPPERS[row.kind].encode(entity, project_id))
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
                (project_id, cursor[0], cursor[1], role),
            )
        _journal(self._engine, project_id, written)
        return len(written)

    def watch_remote_changes(self, project_id: str) -> None:
        """Start noting which rows of the project pulls and push answers write (for a session open on it)."""
        with _journal_lock:
            _journals.setdefault(self._engine, {}).setdefault(project_id, set())

    def take_remote_changes(self, project_id: str) -> set[Key]:
        """The rows of a watched project that pulls and push answers wrote since it was watched, and stop
        watching: what a session open on it must take from the cache."""
        with _journal_lock:
            return _journals.get(self._engine, {}).pop(project_id, set())


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat()


def _synced(r: Sequence[Any]) -> SyncedProject:
    at = None if r[6] is None else dt.datetime.fromisoformat(r[6])
    return SyncedProject(r[0], (int(r[1]), int(r[2])), r[3], r[4], r[5], at)


def _set_detached(
    db: sqlite3.Connection, project_id: str, reason: str | None, *, by: str | None, at: str | None
) -> None:
    db.execute(
        "INSERT INTO sync_project (project_id, cursor_txid, cursor_rev, role, detached, detached_by, detached_at)"
        " VALUES (?, 0, 0, NULL, ?, ?, ?) ON CONFLICT (project_id) DO UPDATE SET detached = excluded.detached,"
        " detached_by = excluded.detached_by, detached_at = excluded.detached_at",
        (project_id, reason, by if reason else None, at if reason else None),
    )


def _journal(engine: Engine, project_id: str, keys: Iterable[Key]) -> None:
    with _journal_lock:
        watched = _journals.get(engine, {}).get(project_id)
        if watched is not None:  # only projects someone watches: a first pull of 250k rows is not kept in memory
            watched.update(keys)


def _chunks(keys: Iterable[Key], size: int = 500) -> Iterable[tuple[str, list[str]]]:
    by_kind: dict[str, list[str]] = {}
    for kind, row_id in keys:
        by_kind.setdefault(kind, []).append(row_id)
    for kind, row_ids in by_kind.items():
        for start in range(0, len(row_ids), size):
            yield kind, row_ids[start : start + size]


def _exact_revs(db: sqlite3.Connection, project_id: str, keys: Iterable[Key]) -> dict[Key, int]:
    """Revisions this cache knows to be exactly what it has, for the rows of one page (by primary key)."""
    found: dict[Key, int] = {}
    for kind, chunk in _chunks(keys):
        marks = ", ".join("?" * len(chunk))
        for row_id, rev in db.execute(
            f"SELECT row_id, rev FROM sync_shadow WHERE project_id = ? AND kind = ? AND exact AND row_id IN ({marks})",
            (project_id, kind, *chunk),
        ):
            found[(kind, row_id)] = int(rev)
    return found
