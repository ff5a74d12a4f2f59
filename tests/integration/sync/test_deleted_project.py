"""Delete beats edit at the project level (0004): once a project's row is tombstoned the server takes no change to
it, however it comes (push row by row, push's bulk pass, bulk_push), and tells the editor; the editor's cache keeps
the edits, unsent, and marks the project deleted. Real PostgreSQL, real caches.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import pytest
from tests.integration.sync.clients import server_state, shared_project
from tests.integration.sync.conftest import ServerDb
from tests.integration.sync.helpers import ProjectBuilder, activity_fields, change, new_id, push

from bbschedule.core.activity import Activity
from bbschedule.core.commands import AddActivity, SetActivityField
from bbschedule.storage.syncstate import DELETED
from bbschedule.sync import admin, protocol
from bbschedule.sync.localstate import SyncState
from bbschedule.sync.protocol import BulkRefusal

pytestmark = pytest.mark.postgres


def entity_rows(admin_dsn: str, project_id: str) -> dict[tuple[str, str], tuple[Any, ...]]:
    """Every row of the project, deleted ones too, with what a write would change."""
    with psycopg.connect(admin_dsn) as conn:
        rows = conn.execute(
            "SELECT kind, id::text, fields, rev, deleted, updated_by FROM bbschedule.entities WHERE project_id = %s",
            (project_id,),
        ).fetchall()
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


def audit_by(admin_dsn: str, project_id: str, user: str) -> int:
    with psycopg.connect(admin_dsn) as conn:
        row = conn.execute(
            "SELECT count(*) FROM bbschedule.audit WHERE project_id = %s AND who = %s", (project_id, user)
        ).fetchone()
    assert row is not None
    return int(row[0])


def notes_for(admin_dsn: str, project_id: str, user: str) -> list[tuple[str, str, str, str]]:
    with psycopg.connect(admin_dsn) as conn:
        rows = conn.execute(
            "SELECT kind, row_id::text, reason, other_user FROM bbschedule.conflicts"
            " WHERE project_id = %s AND user_name = %s ORDER BY id",
            (project_id, user),
        ).fetchall()
    return [tuple(r) for r in rows]


def test_an_offline_planners_edit_and_new_row_in_a_deleted_project_are_refused_told_and_kept(
    server_db: ServerDb, tmp_path: Path
) -> None:
    alice, bob, pid = shared_project(server_db, tmp_path, 5)
    try:
        # Bob, offline: an edit and a new activity. Alice (the admin) deletes the project meanwhile.
        session = bob.session(pid)
        first = sorted(session.data.activities.values(), key=lambda a: a.code)[0]
        session.apply(SetActivityField(first.id, "name", "Bob offline"))
        added = Activity(code="BOB1", name="Bob's new one", calendar_id=first.calendar_id, original_duration=960)
        session.apply(AddActivity(added))
        alice.cache.delete_project(pid)
        alice.sync()
        server_before = entity_rows(server_db.admin_dsn, pid)
        assert server_before[("project", pid)][2] is True  # the tombstone is there
        bob_rows = bob.state(pid)
        assert bob_rows[("activity", first.id)]["name"] == "Bob offline"

        summary = bob.sync()  # push (refused) then pull (the tombstone)

        # The server holds nothing of Bob's: same rows, same revisions, no new row, nothing audited as his.
        assert entity_rows(server_db.admin_dsn, pid) == server_before
        assert ("activity", added.id) not in server_before
        assert audit_by(server_db.admin_dsn, pid, str(bob.user)) == 0
        # ...and he is told by the refusals (who deleted it) and the project's mark below, not by conflicts to
        # resolve: there is nothing left to pick between.
        assert notes_for(server_db.admin_dsn, pid, str(bob.user)) == []
        reasons = [r for p in summary.projects if p.project_id == pid for r in p.refused]
        assert len(reasons) == 2
        assert all(f"deleted by {alice.user}" in r for r in reasons)

        # Bob's copy: kept whole with both edits, marked deleted by Alice, the edits still waiting in his outbox.
        detached = SyncState(bob.cache).detached()[pid]
        assert (detached.detached, detached.detached_by) == (DELETED, alice.user)
        assert bob.state(pid) == bob_rows
        assert sorted({row["row_id"] for row in bob.cache.outbox(pid)}) == sorted({first.id, added.id})

        bob.sync()  # again: nothing is retried, nothing lands
        assert entity_rows(server_db.admin_dsn, pid) == server_before
    finally:
        alice.close()
        bob.close()


def deleted_shared_project(server_db: ServerDb) -> tuple[ProjectBuilder, str, str]:
    """Alice's project, Bob a planner on it, then deleted by Alice: (project, Bob's name, Bob's DSN)."""
    _alice, alice_dsn = server_db.user("alice")
    bob, bob_dsn = server_db.user("bob")
    with psycopg.connect(alice_dsn) as conn:
        project = ProjectBuilder(conn, ["A", "B"])
        admin.grant(server_db.admin_dsn, user=bob, project=project.id, role="planner")
        [gone] = push(conn, [change(project.id, "project", project.id, None)])
        assert gone.status == "applied"
    return project, bob, bob_dsn


def test_a_big_batch_for_a_deleted_project_is_refused_by_push_and_by_bulk_push(server_db: ServerDb) -> None:
    project, bob, bob_dsn = deleted_shared_project(server_db)
    before = entity_rows(server_db.admin_dsn, project.id)
    new_rows = [
        change(project.id, "activity", new_id(), activity_fields(f"N{i}", project.calendar)) for i in range(250)
    ]  # over push's bulk threshold: the set-based pass would take them
    with psycopg.connect(bob_dsn) as conn:
        results = push(conn, new_rows)
        assert {(r.status, r.code) for r in results} == {("refused", "forbidden")}
        assert all(r.row is None and "deleted by" in (r.reason or "") for r in results)
        refusal = protocol.push_bulk(conn, project.id, new_rows)
        assert isinstance(refusal, BulkRefusal)
        assert refusal.code == "deleted"
        conn.rollback()
        # The old door under its new name is not the client's.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT bbschedule.bulk_push_checked(%s)", (project.id,))
    assert entity_rows(server_db.admin_dsn, project.id) == before
    assert audit_by(server_db.admin_dsn, project.id, bob) == 0
    with psycopg.connect(server_db.admin_dsn) as conn:
        row = conn.execute(
            "SELECT count(*) FROM bbschedule.applied_changes WHERE project_id = %s AND change_id = ANY(%s::uuid[])",
            (project.id, [c.change_id for c in new_rows]),
        ).fetchone()
    assert row == (0,)  # not remembered: the refusal is about the project, not the change


def test_a_deleted_projects_admin_still_deletes_it_again_and_a_live_project_is_untouched(
    server_db: ServerDb,
) -> None:
    project, bob, bob_dsn = deleted_shared_project(server_db)
    _carol, carol_dsn = server_db.user("carol")
    with psycopg.connect(carol_dsn) as conn:
        live = ProjectBuilder(conn, ["X"])
        admin.grant(server_db.admin_dsn, user=bob, project=live.id, role="planner")
    with psycopg.connect(bob_dsn) as conn:
        results = push(
            conn,
            [
                change(project.id, "project", project.id, {"name": "renamed after the deletion"}),
                change(project.id, "activity", project.act("A"), None),  # a deletion is a change too
                change(live.id, "activity", live.act("X"), {"name": "live edit"}, base_rev=live.revs["X"]),
            ],
        )
    assert [(r.status, r.code) for r in results] == [
        ("refused", "forbidden"),
        ("refused", "forbidden"),
        ("applied", None),
    ]
    assert server_state(server_db.admin_dsn, live.id)[("activity", live.act("X"))]["name"] == "live edit"
    assert server_state(server_db.admin_dsn, project.id)[("activity", project.act("A"))]["name"] == "Activity A"


def test_a_0003_server_upgrades_to_0004_once(pg_cluster: Any) -> None:
    dbname = pg_cluster.create_database()
    admin_dsn = pg_cluster.admin_dsn(dbname)
    assert admin.init_server(admin_dsn, available=[m for m in admin.migrations() if m.version <= 3]).version == 3
    server = ServerDb(pg_cluster, dbname)
    _alice, alice_dsn = server.user("alice")
    with psycopg.connect(alice_dsn) as conn:
        project = ProjectBuilder(conn, ["A"])
    upgraded = admin.init_server(admin_dsn)
    assert 4 in upgraded.applied
    again = admin.init_server(admin_dsn)
    assert again.applied == ()
    assert again.version == upgraded.version
    with psycopg.connect(alice_dsn) as conn:  # the 0003 project works as before, then deleted takes no more
        [edit] = push(
            conn, [change(project.id, "activity", project.act("A"), {"name": "kept"}, base_rev=project.revs["A"])]
        )
        assert edit.status == "applied"
        assert push(conn, [change(project.id, "project", project.id, None)])[0].status == "applied"
        [late] = push(
            conn, [change(project.id, "activity", project.act("A"), {"name": "too late"}, base_rev=edit.rev or 0)]
        )
        assert (late.status, late.code) == ("refused", "forbidden")
    assert server_state(admin_dsn, project.id)[("activity", project.act("A"))]["name"] == "kept"


def test_an_edit_racing_the_deletion_waits_for_it_and_is_refused(server_db: ServerDb) -> None:
    _alice, alice_dsn = server_db.user("alice")
    bob, bob_dsn = server_db.user("bob")
    with psycopg.connect(alice_dsn) as alice_conn, psycopg.connect(bob_dsn) as bob_conn:
        project = ProjectBuilder(alice_conn, ["A"])
        admin.grant(server_db.admin_dsn, user=bob, project=project.id, role="planner")
        tombstone = change(project.id, "project", project.id, None)
        # Alice's deletion is written but not committed when Bob's edit of a plain field arrives.
        alice_conn.execute("SELECT bbschedule.push(%s::jsonb)", ("[" + tombstone.wire() + "]",))
        edit = change(project.id, "activity", project.act("A"), {"name": "raced"}, base_rev=project.revs["A"])
        with ThreadPoolExecutor(max_workers=1) as pool:
            answer = pool.submit(push, bob_conn, [edit])
            time.sleep(0.5)
            assert not answer.done()  # it waits for the deletion rather than slipping in beside it
            alice_conn.commit()
            [result] = answer.result(timeout=30)
    assert (result.status, result.code) == ("refused", "forbidden")
    assert server_state(server_db.admin_dsn, project.id)[("activity", project.act("A"))]["name"] == "Activity A"
