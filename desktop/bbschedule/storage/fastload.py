"""Activities, relationships and scheduling results read from the cache at open speed (the bulk of a project).

The same objects as storage.mapping's decoders give (a test compares them), read with fewer columns: Python's
sqlite3 spends most of a 100k-row read making one value per column, so the columns an activity rarely uses
(constraints, quantities, suspend/resume, notes, user fields) are read by a second query for the few rows that
have any, the three type columns come as one text looked up once, and equal date texts are parsed once.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.computed import ComputedDates
from bbschedule.storage.engine import raw_connect
from bbschedule.storage.errors import CacheError
from bbschedule.storage.fastbuild import slot_builder
from bbschedule.storage.mapping import (
    ACTIVITY_TYPES,
    DURATION_TYPES,
    PERCENT_TYPES,
    RELATIONSHIP_TYPES,
    _constraint,
    build_activity,
    build_relationship,
    fromiso,
)

_RARE_COLUMNS = (
    "primary_constraint_type", "primary_constraint_date", "secondary_constraint_type", "secondary_constraint_date",
    "expected_finish", "suspend_date", "resume_date", "quantity", "quantity_unit", "production_rate",
    "location_start", "location_end", "notes", "user_fields",
)  # fmt: skip
_AT_DEFAULT = (
    "primary_constraint_type IS NULL AND secondary_constraint_type IS NULL AND secondary_constraint_date IS NULL"
    " AND primary_constraint_date IS NULL AND expected_finish IS NULL AND suspend_date IS NULL"
    " AND resume_date IS NULL AND quantity IS NULL AND quantity_unit = '' AND production_rate IS NULL"
    " AND location_start IS NULL AND location_end IS NULL AND notes = '' AND user_fields = '{}'"
)
ACTIVITY_SQL = (
    "SELECT id, code, name, calendar_id, wbs_id, type || '|' || duration_type || '|' || percent_complete_type,"
    " original_duration, remaining_duration, actual_duration, physical_percent_complete, actual_start,"
    " actual_finish, planned_start, planned_finish, NULLIF(codes, '{}'), source_id"
    " FROM activities WHERE project_id = ? ORDER BY rowid"
)
RARE_SQL = f"SELECT id, {', '.join(_RARE_COLUMNS)} FROM activities WHERE project_id = ? AND NOT ({_AT_DEFAULT})"
RELATIONSHIP_SQL = (
    "SELECT id, predecessor_id, successor_id, type, lag FROM relationships WHERE project_id = ? ORDER BY rowid"
)
COMPUTED_SQL = (
    "SELECT activity_id, early_start, early_finish, late_start, late_finish, total_float, free_float, critical,"
    " longest_path FROM computed_dates WHERE project_id = ?"
)
build_computed = slot_builder(ComputedDates)


class _Dates(dict[str, dt.datetime]):
    """Date texts parsed once: a project's dates repeat (every activity starting on a Monday at 08:00)."""

    def __missing__(self, text: str) -> dt.datetime:
        value = self[text] = fromiso(text)
        return value


def read_activities(db: sqlite3.Connection, project_id: str, dates: _Dates | None = None) -> dict[str, Activity]:
    dates = _Dates() if dates is None else dates
    rare = {r[0]: r for r in db.execute(RARE_SQL, (project_id,))}
    kinds: dict[str, tuple[Any, Any, Any]] = {}
    out: dict[str, Activity] = {}
    build, loads = build_activity, json.loads
    for r in db.execute(ACTIVITY_SQL, (project_id,)).fetchall():
        kind = kinds.get(r[5])
        if kind is None:
            t, d, p = r[5].split("|")
            kind = kinds[r[5]] = (ACTIVITY_TYPES[t], DURATION_TYPES[d], PERCENT_TYPES[p])
        x = rare.get(r[0]) if rare else None
        # Positional, in Activity's field order (storage.mapping.ACTIVITY_FIELD_ORDER; a test checks it).
        if x is None:
            out[r[0]] = build(
                r[1], r[2], r[3], r[4], kind[0], kind[1], kind[2], r[6], r[7], r[8], r[9], None, None,
                None if r[10] is None else dates[r[10]], None if r[11] is None else dates[r[11]], None, None, None,
                None if r[12] is None else dates[r[12]], None if r[13] is None else dates[r[13]],
                None, "", None, None, None, "", {} if r[14] is None else loads(r[14]), {}, r[0], r[15],
            )  # fmt: skip
        else:
            out[r[0]] = build(
                r[1], r[2], r[3], r[4], kind[0], kind[1], kind[2], r[6], r[7], r[8], r[9],
                None if x[1] is None else _constraint(x[1], x[2]), None if x[3] is None else _constraint(x[3], x[4]),
                None if r[10] is None else dates[r[10]], None if r[11] is None else dates[r[11]],
                None if x[5] is None else dates[x[5]], None if x[6] is None else dates[x[6]],
                None if x[7] is None else dates[x[7]],
                None if r[12] is None else dates[r[12]], None if r[13] is None else dates[r[13]],
                x[8], x[9], x[10], x[11], x[12], x[13], {} if r[14] is None else loads(r[14]),
                {} if x[14] == "{}" else loads(x[14]), r[0], r[15],
            )  # fmt: skip
    return out


def read_relationships(db: sqlite3.Connection, project_id: str) -> dict[str, Relationship]:
    types, build = RELATIONSHIP_TYPES, build_relationship
    return {r[0]: build(r[1], r[2], types[r[3]], r[4], r[0]) for r in db.execute(RELATIONSHIP_SQL, (project_id,))}


def read_computed(db: sqlite3.Connection, project_id: str, dates: _Dates | None = None) -> dict[str, ComputedDates]:
    dates = _Dates() if dates is None else dates
    build: Callable[..., ComputedDates] = build_computed
    out: dict[str, ComputedDates] = {}
    for r in db.execute(COMPUTED_SQL, (project_id,)):
        out[r[0]] = build(
            None if r[1] is None else dates[r[1]], None if r[2] is None else dates[r[2]],
            None if r[3] is None else dates[r[3]], None if r[4] is None else dates[r[4]],
            r[5], r[6], bool(r[7]), bool(r[8]),
        )  # fmt: skip
    return out


def read_bulk(
    db: sqlite3.Connection, project_id: str, *, relationships: bool = True
) -> tuple[dict[str, Activity], dict[str, Relationship], dict[str, ComputedDates]]:
    """A project's activities, relationships (unless left for later) and scheduling results, in one read
    transaction of the caller's."""
    dates = _Dates()
    return (
        read_activities(db, project_id, dates),
        read_relationships(db, project_id) if relationships else {},
        read_computed(db, project_id, dates),
    )


class LaterRelationships:
    """A project's relationships read on a thread of their own, from the same snapshot as the rest of the load.

    Made while the caller's load holds the cache's write lock (so no commit can fall between the two snapshots);
    the thread opens its read transaction at once, then waits for `start()` (the window calls it once its first
    frame is painted: reading sooner would only compete for the interpreter). `result()` waits for the read to
    end and returns the relationships, or raises CacheError; `done()` tells without waiting.
    """

    WAIT_S = 60.0
    """A load nobody starts still ends (and lets go of its snapshot) after this long."""

    def __init__(self, path: Path, project_id: str) -> None:
        self._ready, self._go = threading.Event(), threading.Event()
        self._result: dict[str, Relationship] = {}
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(path, project_id), name="load-relationships", daemon=True
        )
        self._thread.start()
        self._ready.wait()

    def _run(self, path: Path, project_id: str) -> None:
        try:
            db = raw_connect(path)
            try:
                db.execute("BEGIN")
                db.execute("SELECT 1 FROM relationships LIMIT 1").fetchall()  # the read snapshot starts here
                self._ready.set()
                self._go.wait(self.WAIT_S)
                self._result = read_relationships(db, project_id)
            finally:
                db.rollback()
                db.close()
        except Exception as exc:  # handed to the GUI thread by result()
            self._error = exc
        finally:
            self._ready.set()

    def start(self) -> None:
        self._go.set()

    def done(self) -> bool:
        return not self._thread.is_alive()

    def result(self) -> dict[str, Relationship]:
        self._go.set()
        self._thread.join()
        if self._error is not None:
            raise CacheError(f"cannot read the project's relationships ({self._error})") from self._error
        return self._result
