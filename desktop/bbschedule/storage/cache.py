"""LocalCache: the profile's SQLite file of projects. Import and load move whole projects with executemany and
plain tuples (100k activities in about a second); edits go through `store_for(...)` (storage.store).

The ORM in storage.schema defines the tables and their migrations; the hot paths use SQL on the same tables.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import logging
import re
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bbschedule.core.computed import ComputedDates
from bbschedule.core.errors import ValidationError
from bbschedule.core.history import UndoHistory
from bbschedule.core.progress import NO_PROGRESS, Progress
from bbschedule.core.project import Eps
from bbschedule.core.project_data import ENTITY_KINDS, ProjectData
from bbschedule.storage.engine import make_engine, raw_connect, transaction
from bbschedule.storage.errors import CacheError
from bbschedule.storage.fastload import LaterRelationships, read_bulk
from bbschedule.storage.mapping import (
    COMPUTED_COLUMNS,
    MAPPERS,
    PROJECT_COLUMNS,
    decode_project,
    dumps,
    encode_computed,
    encode_project,
    iso,
)
from bbschedule.storage.migrate import upgrade
from bbschedule.storage.paths import backups_beside
from bbschedule.storage.plainform import change_set_from_stored
from bbschedule.storage.schema import EpsRow, MetaRow
from bbschedule.storage.store import CacheStore, PersistedHistory

log = logging.getLogger(__name__)

_DELETE_ORDER = ("computed_dates", *(MAPPERS[k].table for k in reversed(ENTITY_KINDS)), "undo_history", "undo_state")


_PLURAL = {"activity": "activities", "wbs": "WBS nodes", "code_type": "code types", "code_value": "code values",
           "user_field": "user fields"}  # fmt: skip


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class ProjectSummary:
    id: str
    code: str
    name: str
    activity_count: int
    data_date: dt.datetime | None
    updated_at: dt.datetime
    eps_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "activity_count": self.activity_count,
            "data_date": iso(self.data_date),
            "updated_at": self.updated_at.isoformat(timespec="seconds"),
            "eps_id": self.eps_id,
        }


class LocalCache:
    """One profile's cache file, migrated to the newest schema (after a backup) when opened."""

    def __init__(self, path: Path, *, backup_keep: int = 10) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._engine = make_engine(self.path)
        try:
            upgrade(self._engine, backup_dir=backups_beside(self.path), keep=backup_keep)
        except (sqlite3.DatabaseError, DBAPIError) as exc:
            self._engine.dispose()
            reason = exc.orig if isinstance(exc, DBAPIError) else exc
            raise CacheError(f"{self.path}: cannot open the local cache ({reason})") from exc
        self._histories: dict[str, PersistedHistory] = {}
        self._computed: dict[str, dict[str, ComputedDates]] = {}
        """The results each project's last load found, handed to its store so it writes only what changes."""
        self.client_id = self._meta_value("client_id", default=str(uuid.uuid4()))

    @property
    def engine(self) -> Engine:
        """The cache's engine, for the layer allowed to reach storage (sync) to run its own SQL on this file."""
        return self._engine

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> LocalCache:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- meta and EPS (through the ORM: small, rarely written) --------------------------------------------------

    def _meta_value(self, key: str, *, default: str) -> str:
        with Session(self._engine) as session, session.begin():
            row = session.get(MetaRow, key)
            if row is None:
                row = MetaRow(key=key, value=default)
                session.add(row)
            return row.value

    @property
    def schema_version(self) -> str:
        with Session(self._engine) as session:
            row = session.get(MetaRow, "schema_version")
            return row.value if row is not None else "unknown"

    def list_eps(self) -> list[Eps]:
        with Session(self._engine) as session:
            rows = session.scalars(select(EpsRow).order_by(EpsRow.code)).all()
            return [Eps(name=r.name, code=r.code, parent_id=r.parent_id, id=r.id) for r in rows]

    def save_eps(self, eps: Eps) -> None:
        with Session(self._engine) as session, session.begin():
            session.merge(EpsRow(id=eps.id, name=eps.name, code=eps.code, parent_id=eps.parent_id))

    # --- projects -------------------------------------------------------------------------------------------------

    def list_projects(self) -> list[ProjectSummary]:
        sql = (
            "SELECT p.id, p.code, p.name, p.data_date, p.updated_at,"
            " (SELECT COUNT(*) FROM activities a WHERE a.project_id = p.id), p.eps_id"
            " FROM projects p ORDER BY p.code, p.updated_at"
        )
        with transaction(self._engine, write=False) as db:
            rows = db.execute(sql).fetchall()
        return [
            ProjectSummary(
                id=r[0],
                code=r[1],
                name=r[2],
                activity_count=r[5],
                data_date=None if r[3] is None else dt.datetime.fromisoformat(r[3]),
                updated_at=dt.datetime.fromisoformat(r[4]),
                eps_id=r[6],
            )
            for r in rows
        ]

    def find_project(self, code_or_id: str) -> ProjectSummary | None:
        """The project with this id, else the most recently updated one with this code."""
        matches = [p for p in self.list_projects() if code_or_id in (p.id, p.code)]
        by_id = [p for p in matches if p.id == code_or_id]
        if by_id:
            return by_id[0]
        return max(matches, key=lambda p: p.updated_at) if matches else None

    def import_project(
        self, data: ProjectData, *, replace: bool = False, progress: Progress = NO_PROGRESS
    ) -> ProjectSummary:
        """Write a whole project in one transaction; any failure, or a cancel, leaves the file as it was.

        A project with the same id or code is refused unless `replace`, which deletes it in the same transaction.
        """
        pid = data.project.id
        now = utc_now()
        data.check_all()  # every reference inside the project, so the bulk load can skip per-row checks
        try:
            with transaction(self._engine, write=True, check_references=False) as db:
                clashes = [
                    r[0]
                    for r in db.execute("SELECT id FROM projects WHERE id = ? OR code = ?", (pid, data.project.code))
                ]
                if clashes and not replace:
                    raise ValidationError(
                        "project", f"{data.project.code} is in the local cache already (replace it to import again)"
                    )
                for old in clashes:
                    _delete_rows(db, old)
                    if old != pid:  # the server must learn that the project it has under the old id is gone
                        _outbox(db, old, kind="project", row_id=old, payload=None, now=now)
                self._histories.pop(pid, None)
                self._computed.pop(pid, None)
                marks = ", ".join("?" * (len(PROJECT_COLUMNS) + 2))
                db.execute(
                    f"INSERT INTO projects ({', '.join(PROJECT_COLUMNS)}, created_at, updated_at) VALUES ({marks})",
                    (*encode_project(data.project), now.isoformat(), now.isoformat()),
                )
                total = max(1, sum(len(data.table(kind)) for kind in ENTITY_KINDS))
                done = 0
                for kind in ENTITY_KINDS:
                    progress.check()
                    progress.report(done / total, f"Writing {_PLURAL.get(kind, kind + 's')} to the local cache…")
                    mapper = MAPPERS[kind]
                    rows = data.table(kind).values()
                    done += len(rows)
                    if rows:
                        encode = mapper.encode
                        db.executemany(mapper.insert_sql(), [encode(obj, pid) for obj in rows])
                _insert_computed(db, pid, data)
                db.execute("INSERT INTO undo_state (project_id, cursor) VALUES (?, 0)", (pid,))
                counts = {kind: len(data.table(kind)) for kind in ENTITY_KINDS}
                # One entry for the whole project (not one per row): sync pushes every row of an imported project,
                # and with "replaced" it also deletes server rows that the new version no longer has.
                payload = {"counts": counts, "replaced": pid in clashes}
                _outbox(db, pid, kind="import", row_id=pid, payload=payload, now=now)
                progress.check()  # the last moment a cancel can still leave the file as it was
        except sqlite3.IntegrityError as exc:
            raise _explain(exc, data) from None
        log.info("imported %s (%d activities) into %s", data.project.code, len(data.activities), self.path)
        summary = self.find_project(pid)
        assert summary is not None
        return summary

    def delete_project(self, project_id: str) -> None:
        # Every row that can refer to this project's rows is in this project, and all of them go: per-row
        # foreign-key checks would only triple the time.
        with transaction(self._engine, write=True, check_references=False) as db:
            if db.execute("SELECT 1 FROM projects WHERE id = ?", (project_id,)).fetchone() is None:
                raise ValidationError("project", f"no project {project_id!r} in the local cache")
            _delete_rows(db, project_id)
            _outbox(db, project_id, kind="project", row_id=project_id, payload=None, now=utc_now())
        self._histories.pop(project_id, None)
        self._computed.pop(project_id, None)

    def load_project(self, project_id: str) -> tuple[ProjectData, UndoHistory]:
        """The project with its scheduling results and its undo history, from one consistent snapshot."""
        with _no_gc(), transaction(self._engine, write=False) as db:
            data, history, _later = self._read(db, project_id, later=False)
        return data, history

    def load_project_later(self, project_id: str) -> tuple[ProjectData, UndoHistory, LaterRelationships | None]:
        """As load_project, but the relationships come after, read on a thread from the same snapshot (see
        LaterRelationships): the window paints the project first. The load holds the write lock until that
        snapshot has begun, so that no commit falls between the two. When a writer (a sync) holds the lock, it
        does not wait for it: everything is read now, as load_project does, and the third value is None."""
        with _write_locked(self.path) as locked:
            if locked is not None:
                with _no_gc():
                    return self._read(locked, project_id, later=True)
        data, history = self.load_project(project_id)
        return data, history, None

    def _read(
        self, db: sqlite3.Connection, project_id: str, *, later: bool
    ) -> tuple[ProjectData, UndoHistory, LaterRelationships | None]:
        deferred: LaterRelationships | None = None
        row = db.execute(f"SELECT {', '.join(PROJECT_COLUMNS)} FROM projects WHERE id = ?", (project_id,)).fetchone()
        if row is None:
            raise ValidationError("project", f"no project {project_id!r} in the local cache")
        if later:  # its snapshot begins now, while this load holds the write lock: the same as this one's
            deferred = LaterRelationships(self.path, project_id)
        data = ProjectData(decode_project(row))
        # The bulk (activities, relationships, results) through storage.fastload; the rest row by row.
        data.activities, data.relationships, data.computed = read_bulk(db, project_id, relationships=not later)
        for kind in ENTITY_KINDS:
            if kind not in ("activity", "relationship"):
                mapper = MAPPERS[kind]
                objects = map(mapper.decode, db.execute(mapper.select_sql(), (project_id,)).fetchall())
                data.table(kind).update({obj.id: obj for obj in objects})
        entries = db.execute(
            "SELECT position, change_set FROM undo_history WHERE project_id = ? ORDER BY position", (project_id,)
        ).fetchall()
        cursor_row = db.execute("SELECT cursor FROM undo_state WHERE project_id = ?", (project_id,)).fetchone()
        persisted = [(position, change_set_from_stored(json.loads(text))) for position, text in entries]
        self._histories[project_id] = persisted
        self._computed[project_id] = dict(data.computed)
        history = UndoHistory(entries=[cs for _, cs in persisted], cursor=cursor_row[0] if cursor_row else 0)
        history.cursor = min(history.cursor, len(history.entries))
        return data, history, deferred

    def store_for(self, project_id: str) -> CacheStore:
        """The ProjectStore a session writes its edits through."""
        return CacheStore(
            self._engine,
            project_id,
            persisted=self._histories.get(project_id),
            computed=self._computed.pop(project_id, None),
        )

    def outbox(self, project_id: str | None = None, *, pending_only: bool = True) -> list[dict[str, Any]]:
        """Outbox rows in the order they were written (for sync and for tests)."""
        sql = "SELECT seq, change_id, project_id, kind, row_id, payload, deleted, created_at, pushed FROM outbox"
        where = [w for w, on in (("pushed = 0", pending_only), ("project_id = ?", project_id is not None)) if on]
        sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY seq"
        with transaction(self._engine, write=False) as db:
            rows = db.execute(sql, () if project_id is None else (project_id,)).fetchall()
        names = ("seq", "change_id", "project_id", "kind", "row_id", "payload", "deleted", "created_at", "pushed")
        out = [dict(zip(names, r, strict=True)) for r in rows]
        for row in out:
            row["payload"] = None if row["payload"] is None else json.loads(row["payload"])
            row["deleted"], row["pushed"] = bool(row["deleted"]), bool(row["pushed"])
        return out

    def mark_pushed(self, change_ids: list[str]) -> int:
        """Mark outbox rows as accepted by the server (sync calls this in the transaction of its push result)."""
        with transaction(self._engine, write=True) as db:
            cursor = db.executemany("UPDATE outbox SET pushed = 1 WHERE change_id = ?", [(c,) for c in change_ids])
            return cursor.rowcount


@contextlib.contextmanager
def _write_locked(path: Path) -> Iterator[sqlite3.Connection | None]:
    """A connection of its own holding the write lock (BEGIN IMMEDIATE) for reading, or None at once when another
    writer has it (the caller then reads without it rather than keep the planner waiting)."""
    db = raw_connect(path)
    try:
        db.execute(f"PRAGMA busy_timeout={_LOCK_WAIT_MS}")
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            yield None
            return
        try:
            yield db
        finally:
            db.rollback()
    finally:
        db.close()


_LOCK_WAIT_MS = 200


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic collector while building ~350k objects: its passes over them cost a third of a load.

    Afterwards the objects built are frozen (gc.freeze): the collector no longer walks them. Left to it, the
    first collections after the load would walk all of them (in whatever runs next: ~0.3 s in the first paint of
    a 100k-activity project), and every full collection again while the project is open. They are plain frozen
    dataclasses without reference cycles, so reference counting still frees them when the project is closed.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _delete_rows(db: sqlite3.Connection, project_id: str) -> None:
    for table in _DELETE_ORDER:
        db.execute(f"DELETE FROM {table} WHERE project_id = ?", (project_id,))
    db.execute("DELETE FROM projects WHERE id = ?", (project_id,))


def _insert_computed(db: sqlite3.Connection, project_id: str, data: ProjectData) -> None:
    if data.computed:
        marks = ", ".join("?" * len(COMPUTED_COLUMNS))
        rows = [encode_computed(aid, c, project_id) for aid, c in data.computed.items() if aid in data.activities]
        db.executemany(f"INSERT INTO computed_dates ({', '.join(COMPUTED_COLUMNS)}) VALUES ({marks})", rows)


def _outbox(db: sqlite3.Connection, project_id: str, *, kind: str, row_id: str, payload: Any, now: dt.datetime) -> None:
    db.execute(
        "INSERT INTO outbox (change_id, project_id, kind, row_id, payload, deleted, created_at, pushed)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
        (
            str(uuid.uuid4()),
            project_id,
            kind,
            row_id,
            None if payload is None else dumps(payload),
            payload is None,
            now.isoformat(),
        ),
    )


_TABLE_KIND = {m.table: kind for kind, m in MAPPERS.items()}


def _explain(exc: sqlite3.IntegrityError, data: ProjectData) -> ValidationError:
    """A refused import as the planner should read it: which kind of row, and why."""
    text = str(exc)
    unique = re.search(r"UNIQUE constraint failed: (\w+)\.id", text)
    if unique:
        kind = _TABLE_KIND.get(unique.group(1), unique.group(1))
        return ValidationError(f"{kind}.id", "an id of this project is used by another project in the local cache")
    if "FOREIGN KEY" in text:
        try:
            data.check_all()
        except ValidationError as found:
            return found
    return ValidationError("project", f"the local cache refused the project ({text})")
