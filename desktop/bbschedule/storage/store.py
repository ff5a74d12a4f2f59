"""CacheStore: services.session.ProjectStore on the local cache. One edit = the changed rows, one outbox row per
change and the undo history, in one SQLite transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import logging
import sqlite3
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from bbschedule.core.changes import PROJECT_KIND, Change, ChangeSet
from bbschedule.core.computed import ComputedDates
from bbschedule.core.history import UndoHistory
from bbschedule.core.project import Project
from bbschedule.storage.engine import transaction
from bbschedule.storage.errors import CacheError
from bbschedule.storage.mapping import (
    COMPUTED_COLUMNS,
    MAPPERS,
    PROJECT_COLUMNS,
    dumps,
    encode_computed,
    encode_project,
)
from bbschedule.storage.plainform import change_set_from_stored, change_set_plain, plain

log = logging.getLogger(__name__)

PersistedHistory = list[tuple[int, ChangeSet]]
"""The undo entries as stored: (position, change set), oldest first; the change sets are the session's objects."""

_OUTBOX_SQL = (
    "INSERT INTO outbox (change_id, project_id, kind, row_id, payload, deleted, created_at, pushed)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, 0)"
)
_UPSERT_COMPUTED = (
    f"INSERT INTO computed_dates ({', '.join(COMPUTED_COLUMNS)}) VALUES ({', '.join('?' * len(COMPUTED_COLUMNS))})"
    " ON CONFLICT (activity_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in COMPUTED_COLUMNS if c != "activity_id")
)
_UPDATE_PROJECT = "UPDATE projects SET " + ", ".join(f"{c} = ?" for c in PROJECT_COLUMNS[1:]) + " WHERE id = ?"


class CacheStore:
    def __init__(
        self,
        engine: Engine,
        project_id: str,
        *,
        persisted: PersistedHistory | None = None,
        computed: dict[str, ComputedDates] | None = None,
    ) -> None:
        self._engine = engine
        self.project_id = project_id
        self._persisted = persisted
        self._computed = None if computed is None else dict(computed)
        """The scheduling results as the file holds them (None: unknown, rewrite them all)."""

    def write_change_set(self, project_id: str, change_set: ChangeSet, history: UndoHistory) -> None:
        now = dt.datetime.now(dt.UTC).isoformat()
        with _saving(self._engine, change_set.label), transaction(self._engine, write=True) as db:
            persisted = self._persisted if self._persisted is not None else _read_history(db, project_id)
            for (kind, deleting), run in itertools.groupby(change_set.changes, key=lambda c: (c.kind, c.after is None)):
                _write_rows(db, project_id, kind, list(run), deleting=deleting)
            db.executemany(
                _OUTBOX_SQL,
                [
                    (str(uuid.uuid4()), project_id, c.kind, c.id, None if c.after is None else dumps(plain(c.after)),
                     c.after is None, now)
                    for c in change_set.changes
                ],
            )  # fmt: skip
            kept = _write_history(db, project_id, persisted, history)
            db.execute("UPDATE projects SET updated_at = ? WHERE id = ?", (now, project_id))
        # Only once committed: a failed write leaves the mirror as the file is.
        if self._persisted is None:
            self._persisted = kept
        else:
            self._persisted[:] = kept  # the same list LocalCache keeps for the next store of this project

    def write_history(self, project_id: str, history: UndoHistory) -> None:
        """Store the undo history alone (entries dropped after rows came from the server; no row, no outbox)."""
        with _saving(self._engine, "the undo history"), transaction(self._engine, write=True) as db:
            persisted = self._persisted if self._persisted is not None else _read_history(db, project_id)
            kept = _write_history(db, project_id, persisted, history)
        if self._persisted is None:
            self._persisted = kept
        else:
            self._persisted[:] = kept

    def write_computed(self, project_id: str, computed: dict[str, ComputedDates]) -> None:
        """Write only the results that differ from the file's: an incremental reschedule touches a few rows."""
        written = self._computed
        if written is None:
            changed, gone = dict(computed), None
        else:
            changed = {aid: c for aid, c in computed.items() if written.get(aid) != c}
            gone = [aid for aid in written if aid not in computed]
        with _saving(self._engine, "the schedule results"), transaction(self._engine, write=True) as db:
            if gone is None:
                db.execute("DELETE FROM computed_dates WHERE project_id = ?", (project_id,))
            elif gone:
                db.executemany("DELETE FROM computed_dates WHERE activity_id = ?", [(aid,) for aid in gone])
            known = _existing_activities(db, project_id, changed)
            db.executemany(
                _UPSERT_COMPUTED, [encode_computed(aid, c, project_id) for aid, c in changed.items() if aid in known]
            )
        self._computed = {aid: c for aid, c in computed.items() if aid in known or aid not in changed}

    def flush(self) -> None:
        """Every edit is committed as it is made; this folds the WAL into the main file (a tidy save point)."""
        with self._engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw is not None
            raw.execute("PRAGMA wal_checkpoint(PASSIVE)")


@contextlib.contextmanager
def _saving(engine: Engine, what: str) -> Iterator[None]:
    """SQLite's errors (disk full, file locked, a refused row) as one the planner can read; nothing was written."""
    try:
        yield
    except (sqlite3.Error, DBAPIError) as exc:
        reason = exc.orig if isinstance(exc, DBAPIError) else exc
        raise CacheError(f"{engine.url.database}: could not save {what!r} ({reason})") from exc


def _write_rows(db: Any, project_id: str, kind: str, changes: list[Change], *, deleting: bool) -> None:
    if kind == PROJECT_KIND:
        for change in changes:
            project: Project = change.after
            db.execute(_UPDATE_PROJECT, (*encode_project(project)[1:], project_id))
        return
    mapper = MAPPERS[kind]
    if deleting:
        done = db.executemany(
            f"DELETE FROM {mapper.table} WHERE id = ? AND project_id = ?", [(c.id, project_id) for c in changes]
        ).rowcount
        if done != len(changes):
            log.warning(
                "%d of %d %s rows to delete were not in %s", len(changes) - done, len(changes), kind, project_id
            )
        return
    done = db.executemany(mapper.upsert_sql(), [mapper.encode(c.after, project_id) for c in changes]).rowcount
    if done != len(changes):
        raise CacheError(f"a {kind} id of this edit belongs to another project in the local cache")


def _existing_activities(db: Any, project_id: str, ids: dict[str, Any]) -> set[str]:
    """Which of `ids` are activities of the project (results for a row deleted meanwhile are dropped)."""
    if len(ids) > 5000:
        return {r[0] for r in db.execute("SELECT id FROM activities WHERE project_id = ?", (project_id,))} & ids.keys()
    found: set[str] = set()
    keys = list(ids)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        sql = f"SELECT id FROM activities WHERE project_id = ? AND id IN ({', '.join('?' * len(chunk))})"
        found.update(r[0] for r in db.execute(sql, (project_id, *chunk)))
    return found


def _read_history(db: Any, project_id: str) -> PersistedHistory:
    rows = db.execute(
        "SELECT position, change_set FROM undo_history WHERE project_id = ? ORDER BY position", (project_id,)
    ).fetchall()
    return [(position, change_set_from_stored(json.loads(text))) for position, text in rows]


def _write_history(db: Any, project_id: str, persisted: PersistedHistory, history: UndoHistory) -> PersistedHistory:
    """Store only what changed since the last write: entries trimmed from the front, a redo tail cut, new entries.

    Undo and redo move just the cursor. Entries are matched by identity (the session hands over the same objects).
    """
    entries = history.entries
    start = len(persisted)
    if entries:
        start = next((i for i, (_, cs) in enumerate(persisted) if cs is entries[0]), len(persisted))
    same = 0
    while start + same < len(persisted) and same < len(entries) and persisted[start + same][1] is entries[same]:
        same += 1
    kept = persisted[start : start + same]
    dropped = persisted[:start] + persisted[start + same :]
    if dropped:
        db.executemany(
            "DELETE FROM undo_history WHERE project_id = ? AND position = ?", [(project_id, p) for p, _ in dropped]
        )
    next_position = max((p for p, _ in persisted), default=0) + 1
    added = [(next_position + i, cs) for i, cs in enumerate(entries[same:])]
    db.executemany(
        "INSERT INTO undo_history (project_id, position, change_set) VALUES (?, ?, ?)",
        [(project_id, p, dumps(change_set_plain(cs))) for p, cs in added],
    )
    db.execute(
        "INSERT INTO undo_state (project_id, cursor) VALUES (?, ?)"
        " ON CONFLICT (project_id) DO UPDATE SET cursor = excluded.cursor",
        (project_id, history.cursor),
    )
    return kept + added
