"""Client caches against a real server: first sync, edits both ways, merge, delete beats edit, restored server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from tests.integration.sync.clients import Client, sample_project, server_state
from tests.integration.sync.conftest import ServerDb

from bbschedule.core.commands import DeleteActivity, SetActivityField
from bbschedule.sync import admin, protocol
from bbschedule.sync import client as client_module
from bbschedule.sync.conflicts import mark_resolved, open_conflicts
from bbschedule.sync.errors import ProtocolMismatchError, SyncError
from bbschedule.sync.localstate import SyncState

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_clients(server_db: ServerDb, tmp_path: Path) -> Iterator[tuple[Client, Client]]:
    _alice, alice_dsn = server_db.user("alice")
    _bob, bob_dsn = server_db.user("bob")
    a, b = Client(tmp_path / "alice", alice_dsn), Client(tmp_path / "bob", bob_dsn)
    yield a, b
    a.close()
    b.close()


def test_first_sync_edits_both_ways_and_caches_equal_the_server(
    server_db: ServerDb, two_clients: tuple[Client, Client]
) -> None:
    alice, bob = two_clients
    data = sample_project(300)
    pid = data.project.id
    alice.cache.import_project(data)
    first = alice.sync()
    assert first.projects[0].pushed == {"applied": 1 + 1 + 300 + 299}
    assert server_state(server_db.admin_dsn, pid) == alice.state(pid)
    again = alice.sync()
    assert all(not p.pushed for p in again.projects)

    admin.grant(server_db.admin_dsn, user=str(bob.user), project=pid, role="planner")
    got = bob.sync()
    assert got.projects[0].pulled == 601
    assert bob.state(pid) == alice.state(pid)

    a_ids = list(data.activities)
    session_a, session_b = alice.session(pid), bob.session(pid)
    session_a.apply(SetActivityField(a_ids[0], "name", "Alice renamed"))
    session_b.apply(SetActivityField(a_ids[0], "original_duration", 960))  # another field: merges
    session_b.apply(SetActivityField(a_ids[1], "notes", "bob's note"))
    session_a.apply(SetActivityField(a_ids[1], "notes", "alice's note"))  # same field: the later push conflicts
    session_b.apply(DeleteActivity(a_ids[5]))
    session_a.apply(SetActivityField(a_ids[5], "name", "edited but deleted"))
    bob.sync()
    result = alice.sync()
    bob.sync()
    entry = result.projects[0]
    assert entry.pushed.get("conflict") == 1
    assert entry.open_conflicts == 2  # the note, and the edit that lost to the delete
    server = server_state(server_db.admin_dsn, pid)
    assert alice.state(pid) == server
    assert bob.state(pid) == server
    first_activity = server[("activity", a_ids[0])]
    assert (first_activity["name"], first_activity["original_duration"]) == ("Alice renamed", 960)
    assert server[("activity", a_ids[1])]["notes"] == "bob's note"
    assert ("activity", a_ids[5]) not in server
    assert not any(
        f.get("successor_id") == a_ids[5] or f.get("predecessor_id") == a_ids[5]
        for (kind, _), f in server.items()
        if kind == "relationship"
    )


def test_a_restored_server_forces_a_full_resync(server_db: ServerDb, two_clients: tuple[Client, Client]) -> None:
    alice, _bob = two_clients
    data = sample_project(20)
    alice.cache.import_project(data)
    alice.sync()
    with psycopg.connect(server_db.admin_dsn) as conn:
        conn.execute("UPDATE bbschedule.server_meta SET value = gen_random_uuid()::text WHERE key = 'incarnation_id'")
    summary = alice.sync()
    assert summary.full_resync
    assert summary.projects[0].pulled == 1 + 1 + 20 + 19
    assert alice.state(data.project.id) == server_state(server_db.admin_dsn, data.project.id)


def test_a_first_sync_cut_off_between_batches_resumes_without_applying_anything_twice(
    server_db: ServerDb, two_clients: tuple[Client, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, _bob = two_clients
    data = sample_project(300)
    alice.cache.import_project(data)
    monkeypatch.setattr(client_module, "IMPORT_BATCH", 100)
    real_push = protocol.push
    calls = {"n": 0}

    def push_then_lose_the_line(conn: Any, changes: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 4:  # three batches are in; the fourth dies with its connection
            server_db.cluster.terminate_backends(user=str(alice.user))
        return real_push(conn, changes)

    monkeypatch.setattr(protocol, "push", push_then_lose_the_line)
    monkeypatch.setattr(protocol, "BULK_SCHEMA_VERSION", 10**6)  # an older server: change by change, in batches
    with pytest.raises(SyncError):
        alice.sync()
    assert len(server_state(server_db.admin_dsn, data.project.id)) == 300
    monkeypatch.undo()  # the server is upgraded: the rest goes through bulk_push, which skips what is in
    resumed = alice.sync()
    entry = resumed.projects[0]
    assert entry.resent == 300  # the three batches already in are skipped by change id
    assert entry.pushed == {"applied": 601}
    assert alice.state(data.project.id) == server_state(server_db.admin_dsn, data.project.id)
    with psycopg.connect(server_db.admin_dsn) as conn:
        inserts = conn.execute(
            "SELECT count(*), count(DISTINCT row_key) FROM bbschedule.audit"
            " WHERE table_name = 'entities' AND op = 'INSERT'"
        ).fetchone()
    assert inserts == (601, 601)


def test_another_protocol_or_an_old_schema_stops_the_sync_with_a_clear_message(
    server_db: ServerDb, two_clients: tuple[Client, Client]
) -> None:
    alice, _bob = two_clients
    alice.cache.import_project(sample_project(5))
    with psycopg.connect(server_db.admin_dsn) as conn:
        conn.execute("UPDATE bbschedule.server_meta SET value = '2' WHERE key = 'protocol_version'")
    with pytest.raises(ProtocolMismatchError, match="protocol 2"):
        alice.sync()
    with psycopg.connect(server_db.admin_dsn) as conn:
        conn.execute("UPDATE bbschedule.server_meta SET value = '1' WHERE key = 'protocol_version'")
        conn.execute("ALTER TABLE bbschedule.schema_version DISABLE TRIGGER ALL")
        conn.execute("DELETE FROM bbschedule.schema_version WHERE version > 1")
    with pytest.raises(SyncError, match="server init"):
        alice.sync()
    assert alice.cache.outbox() != []  # nothing was pushed


def test_conflicts_are_listed_for_their_planner_and_resolved_once(
    server_db: ServerDb, two_clients: tuple[Client, Client]
) -> None:
    alice, bob = two_clients
    data = sample_project(3)
    pid = data.project.id
    first = next(iter(data.activities))
    alice.cache.import_project(data)
    alice.sync()
    admin.grant(server_db.admin_dsn, user=str(bob.user), project=pid, role="planner")
    bob.sync()
    alice.session(pid).apply(SetActivityField(first, "name", "alice's"))
    bob.session(pid).apply(SetActivityField(first, "name", "bob's"))
    alice.sync()
    bob.sync()
    assert SyncState(bob.cache).role(pid) == "planner"
    with psycopg.connect(bob.dsn) as conn:
        found = open_conflicts(conn, pid)
        assert [(c.kind, c.row_id, c.field, c.theirs, c.mine) for c in found] == [
            ("activity", first, "name", "alice's", "bob's")
        ]
        assert found[0].other_user == alice.user
        assert mark_resolved(conn, found[0].id)
        assert not mark_resolved(conn, found[0].id)
        assert open_conflicts(conn, pid) == []
    with psycopg.connect(alice.dsn) as conn:
        assert open_conflicts(conn, pid) == []  # not alice's to see or to close
