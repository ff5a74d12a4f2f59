"""A membership revoked between a sync's hello and its push: the server refuses the push as forbidden and shows
no row, which says nothing of the rows. The planner's edits (a changed activity, a new one) stay in the cache
and in the outbox; the next sync marks the project revoked, and shared again, the edits go up. Real PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from tests.integration.sync.clients import server_state, shared_project
from tests.integration.sync.conftest import ServerDb

from bbschedule.core.activity import Activity
from bbschedule.core.commands import AddObject, SetActivityField
from bbschedule.storage.syncstate import REVOKED
from bbschedule.sync import admin, client, protocol
from bbschedule.sync.localstate import SyncState

pytestmark = pytest.mark.postgres


def test_a_push_refused_for_a_membership_revoked_since_the_hello_keeps_the_edits(
    server_db: ServerDb, tmp_path: Path
) -> None:
    alice, bob, pid = shared_project(server_db, tmp_path, 4)
    try:
        session = bob.session(pid)
        first = sorted(session.data.activities.values(), key=lambda a: a.code)[0]
        session.apply(SetActivityField(first.id, "name", "Bob's edit"))
        added = Activity(code="B1", name="Bob's new activity", calendar_id=first.calendar_id, original_duration=60)
        session.apply(AddObject(added))
        edited = bob.state(pid)
        outbox = [(row["kind"], row["row_id"]) for row in bob.cache.outbox(pid)]
        assert outbox == [("activity", first.id), ("activity", added.id)]

        # The sync's own steps: the hello shows Bob a planner, then Alice revokes him, then the push goes.
        with psycopg.connect(bob.dsn) as conn:
            hello = protocol.hello(conn)
            assert hello.role(pid) == "planner"
            admin.revoke(server_db.admin_dsn, user=str(bob.user), project=pid)
            entry = client.ProjectSummary(pid, role="planner")
            client._push_project(conn, SyncState(bob.cache), pid, entry, bulk=True)

        assert entry.pushed == {"refused": 2}
        assert all("not a member" in reason for reason in entry.refused)
        assert bob.state(pid) == edited  # neither row set back nor taken away
        assert [(row["kind"], row["row_id"]) for row in bob.cache.outbox(pid)] == outbox
        server = server_state(server_db.admin_dsn, pid)
        assert server[("activity", first.id)]["name"] == first.name
        assert ("activity", added.id) not in server

        bob.sync()  # the next sync: the project is kept here, revoked, its edits unsent
        assert SyncState(bob.cache).detached()[pid].detached == REVOKED
        assert bob.state(pid) == edited
        assert len(bob.cache.outbox(pid)) == 2

        admin.grant(server_db.admin_dsn, user=str(bob.user), project=pid, role="planner")
        summary = bob.sync()  # shared again: the kept edits go up
        assert summary.projects[0].pushed == {"applied": 2}
        assert bob.cache.outbox(pid) == []
        server = server_state(server_db.admin_dsn, pid)
        assert server[("activity", first.id)]["name"] == "Bob's edit"
        assert server[("activity", added.id)]["name"] == "Bob's new activity"
        assert bob.state(pid) == edited
    finally:
        alice.close()
        bob.close()


def test_a_viewers_new_row_refused_as_the_hello_said_is_taken_back(server_db: ServerDb, tmp_path: Path) -> None:
    alice, vera, pid = shared_project(server_db, tmp_path, 2, name="vera", role="viewer")
    try:
        session = vera.session(pid)
        calendar = next(iter(session.data.calendars))
        added = Activity(code="V1", name="Viewer's activity", calendar_id=calendar, original_duration=60)
        session.apply(AddObject(added))  # a script can write the cache; the window would not let her

        summary = vera.sync()
        assert summary.projects[0].pushed == {"refused": 1}
        assert ("activity", added.id) not in vera.state(pid)  # the server has no such row
        assert vera.cache.outbox(pid) == []
        assert vera.state(pid) == server_state(server_db.admin_dsn, pid)
    finally:
        alice.close()
        vera.close()
