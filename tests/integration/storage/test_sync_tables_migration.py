"""Migration 0002: storage takes over the sync tables. A cache synced by the previous version (schema 0001, with
sync_* tables made by sync itself) is backed up and upgraded, keeping its outbox, cursor, role and shadows; and
the sync API (pending rows, a remote page applied with its cursor) works on the upgraded file.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from alembic import command
from tests.unit.storage.storage_factories import rich_project

from bbschedule.core.commands import SetActivityField
from bbschedule.services.session import ProjectSession
from bbschedule.storage.backup import list_backups
from bbschedule.storage.cache import LocalCache
from bbschedule.storage.engine import make_engine
from bbschedule.storage.migrate import alembic_config
from bbschedule.storage.paths import backups_beside
from bbschedule.storage.syncstate import SyncTables
from bbschedule.sync.localstate import SyncState, plain_fields
from bbschedule.sync.protocol import Cursor, PulledRow, dumps

# The previous version's sync/localstate.py made these itself, in the cache file, with CREATE TABLE IF NOT EXISTS.
OLD_SYNC_DDL = (
    "CREATE TABLE IF NOT EXISTS sync_server (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sync_project (project_id TEXT PRIMARY KEY, cursor_txid INTEGER NOT NULL DEFAULT 0,"
    " cursor_rev INTEGER NOT NULL DEFAULT 0, role TEXT)",
    "CREATE TABLE IF NOT EXISTS sync_shadow (project_id TEXT NOT NULL, kind TEXT NOT NULL, row_id TEXT NOT NULL,"
    " rev INTEGER NOT NULL, deleted INTEGER NOT NULL, fields TEXT NOT NULL, exact INTEGER NOT NULL DEFAULT 1,"
    " PRIMARY KEY (project_id, kind, row_id))",
)


def make_old_cache(path: Path) -> tuple[str, list[str], dict[str, str]]:
    """A 0001 cache with a project, two unpushed edits and the old sync tables filled as a synced cache has them.
    Returns the project id, the pending change ids and the shadow JSON by activity id."""
    data = rich_project()
    with LocalCache(path) as cache:
        cache.import_project(data)
        cache.mark_pushed([row["change_id"] for row in cache.outbox()])  # the first push went through
        loaded, history = cache.load_project(data.project.id)
        session = ProjectSession(loaded, store=cache.store_for(data.project.id), history=history)
        first, second = list(loaded.activities)[:2]
        session.apply(SetActivityField(first, "name", "edited offline"))
        session.apply(SetActivityField(second, "notes", "also offline"))
        pending = [row["change_id"] for row in cache.outbox()]
    engine = make_engine(path)
    with engine.begin() as connection:  # back to the previous version's schema
        command.downgrade(alembic_config(connection), "0001")
    engine.dispose()
    db = sqlite3.connect(path)
    for statement in OLD_SYNC_DDL:
        db.execute(statement)
    shadows = {aid: dumps(plain_fields(data.activities[aid])) for aid in (first, second)}
    db.execute("INSERT INTO sync_server VALUES ('incarnation_id', 'server-one')")
    db.execute("INSERT INTO sync_project VALUES (?, 4242, 17, 'planner')", (data.project.id,))
    db.execute(
        "INSERT INTO sync_shadow VALUES (?, 'activity', ?, 11, 0, ?, 1)", (data.project.id, first, shadows[first])
    )
    db.execute(
        "INSERT INTO sync_shadow VALUES (?, 'activity', ?, 12, 0, ?, 0)", (data.project.id, second, shadows[second])
    )
    db.commit()
    assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    db.close()
    return data.project.id, pending, shadows


def test_a_cache_synced_by_the_previous_version_upgrades_and_keeps_its_sync_state(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    pid, pending, shadows = make_old_cache(path)
    first, second = list(shadows)

    with LocalCache(path) as cache:
        backups = list_backups(backups_beside(path))
        assert [b.path.name for b in backups if "before-migration-from-0001" in b.path.name]
        state = SyncState(cache)
        assert state.server_value("incarnation_id") == "server-one"
        assert state.cursor(pid) == Cursor(4242, 17)
        assert state.role(pid) == "planner"
        assert [p.change_id for p in state.pending(pid)] == pending
        assert state.pending_projects() == [pid]
        found = state.shadows(pid, [("activity", first), ("activity", second)])
        assert (found[("activity", first)].rev, found[("activity", first)].exact) == (11, True)
        assert (found[("activity", second)].rev, found[("activity", second)].exact) == (12, False)
        assert found[("activity", second)].fields == json.loads(shadows[second])
        assert state.detached() == {}
        # The same incarnation keeps everything; the offline edits are still in the rows.
        assert state.reset_for_incarnation("server-one") is False
        assert state.cursor(pid) == Cursor(4242, 17)
        data, _ = cache.load_project(pid)
        assert data.activities[first].name == "edited offline"

    # Opened again: already at head, nothing more to migrate or back up.
    with LocalCache(path):
        assert len(list_backups(backups_beside(path))) == len(backups)
    db = sqlite3.connect(path)
    assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)
    assert {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'sync_%_0001'")} == set()
    db.close()


def test_a_remote_page_lands_with_its_cursor_rebased_under_an_unpushed_edit(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    pid, _pending, shadows = make_old_cache(path)
    first, second = list(shadows)
    with LocalCache(path) as cache:
        theirs = json.loads(shadows[first])
        theirs["notes"] = "from the server"
        theirs["name"] = "server name"  # the same field this cache changed offline: local stays until pushed
        untouched = json.loads(shadows[second])
        rows = [
            PulledRow("activity", first, dumps(theirs), 13, 5000, False, "bob"),
            PulledRow("activity", second, json.dumps(untouched), 12, 5000, False, "bob"),
        ]
        SyncTables(cache.engine).watch_remote_changes(pid)
        SyncState(cache).apply_page(pid, rows, Cursor(5000, 13), role="admin")
        data, _ = cache.load_project(pid)
        assert data.activities[first].notes == "from the server"
        assert data.activities[first].name == "edited offline"
        assert data.activities[second].notes == "also offline"  # its pending edit laid over the server's row
        state = SyncState(cache)
        assert state.cursor(pid) == Cursor(5000, 13)
        assert state.role(pid) == "admin"
        assert SyncTables(cache.engine).take_remote_changes(pid) == {("activity", first), ("activity", second)}
        assert SyncTables(cache.engine).take_remote_changes(pid) == set()  # taken once, and no longer watched
        read = SyncTables(cache.engine).read_rows(pid, [("activity", first), ("activity", "gone"), ("project", pid)])
        assert read[("activity", first)] == data.activities[first]
        assert read[("activity", "gone")] is None
        assert read[("project", pid)] == data.project


def test_a_pulled_project_tombstone_detaches_the_project_and_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    pid, pending, _shadows = make_old_cache(path)
    with LocalCache(path) as cache:
        state = SyncState(cache)
        state.apply_page(pid, [PulledRow("project", pid, "", 99, 6000, True, "bob")], Cursor(6000, 99), role="planner")
        assert cache.find_project(pid) is not None
        detached = state.detached()[pid]
        assert (detached.detached, detached.detached_by) == ("deleted", "bob")
        assert state.pending_projects() == []  # kept, not pushed again and again
        assert [p.change_id for p in state.pending(pid)] == pending
        assert state.reset_for_incarnation("server-two") is True  # a restored server does not undo it
        assert pid in state.detached()
