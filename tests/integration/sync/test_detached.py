"""A project that leaves the server for a planner (deleted by its admin, or the planner's membership revoked) is
kept in the planner's cache with its unsent edits, marked, and no longer pushed or pulled; shared again, it syncs
again and the kept edits go up. Real PostgreSQL, real caches.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.integration.sync.clients import Client, server_state, shared_project
from tests.integration.sync.conftest import ServerDb

from bbschedule.core.commands import SetActivityField
from bbschedule.services.sync import run_sync
from bbschedule.storage.syncstate import DELETED, REVOKED
from bbschedule.sync import admin
from bbschedule.sync.client import ProjectSummary
from bbschedule.sync.localstate import SyncState

pytestmark = pytest.mark.postgres


def bob_run(bob: Client, project_id: str) -> tuple[list[str], dict[str, ProjectSummary]]:
    outcome = run_sync(bob.cache, server=bob.dsn, user=str(bob.user), password=None, project_id=project_id)
    return outcome.newly_detached, {p.project_id: p for p in outcome.summary.projects}


def test_a_revoked_membership_keeps_the_local_copy_and_its_edits_until_shared_again(
    server_db: ServerDb, tmp_path: Path
) -> None:
    alice, bob, pid = shared_project(server_db, tmp_path)
    try:
        session = bob.session(pid)
        first = sorted(session.data.activities.values(), key=lambda a: a.code)[0]
        session.apply(SetActivityField(first.id, "name", "Bob offline"))
        before = bob.state(pid)
        admin.revoke(server_db.admin_dsn, user=str(bob.user), project=pid)

        newly, projects = bob_run(bob, pid)
        assert newly == [pid]
        assert pid not in projects  # neither pushed nor pulled
        assert bob.state(pid) == before  # every row kept, the offline edit too (no refused push took it back)
        detached = SyncState(bob.cache).detached()[pid]
        assert detached.detached == REVOKED
        assert [row["row_id"] for row in bob.cache.outbox(pid)] == [first.id]
        assert server_state(server_db.admin_dsn, pid)[("activity", first.id)]["name"] == first.name

        newly, projects = bob_run(bob, pid)  # again: quiet, nothing retried
        assert newly == []
        assert pid not in projects
        assert bob.cache.outbox(pid)

        admin.grant(server_db.admin_dsn, user=str(bob.user), project=pid, role="planner")
        newly, projects = bob_run(bob, pid)
        assert newly == []
        assert SyncState(bob.cache).detached() == {}
        assert projects[pid].pushed.get("applied") == 1
        assert server_state(server_db.admin_dsn, pid)[("activity", first.id)]["name"] == "Bob offline"
        assert bob.cache.outbox(pid) == []
    finally:
        alice.close()
        bob.close()


def test_a_project_deleted_by_its_admin_is_kept_by_the_other_planner_and_not_retried(
    server_db: ServerDb, tmp_path: Path
) -> None:
    alice, bob, pid = shared_project(server_db, tmp_path)
    try:
        session = bob.session(pid)
        first = sorted(session.data.activities.values(), key=lambda a: a.code)[0]
        session.apply(SetActivityField(first.id, "notes", "typed before the news"))
        alice.cache.delete_project(pid)
        alice.sync()
        rows_before = bob.state(pid)

        newly, _projects = bob_run(bob, pid)
        assert newly == [pid]
        detached = SyncState(bob.cache).detached()[pid]
        assert (detached.detached, detached.detached_by) == (DELETED, alice.user)
        kept = bob.state(pid)
        assert {k: v for k, v in kept.items() if k[0] != "project"} == {
            k: v for k, v in rows_before.items() if k[0] != "project"
        }  # every activity, link and calendar still here, with the unsent note
        assert kept[("activity", first.id)]["notes"] == "typed before the news"
        # That note went up before the pull brought the news (push comes first): the server refused it (the
        # project is deleted) and it waits here, unsent, as does an edit made now.
        session = bob.session(pid)
        session.apply(SetActivityField(first.id, "name", "typed after the news"))
        outbox = bob.cache.outbox(pid)
        assert [row["row_id"] for row in outbox] == [first.id, first.id]

        newly, projects = bob_run(bob, pid)
        assert newly == []
        assert not projects.get(pid) or not projects[pid].pushed
        assert bob.cache.outbox(pid) == outbox  # not pushed, not dropped
        assert SyncState(bob.cache).detached()[pid].detached == DELETED
        assert (
            server_state(server_db.admin_dsn, pid).get(("activity", first.id), {}).get("name") != "typed after the news"
        )
    finally:
        alice.close()
        bob.close()


def test_a_project_the_planner_deleted_here_is_not_reported_when_it_leaves_the_server(
    server_db: ServerDb, tmp_path: Path
) -> None:
    alice, bob, pid = shared_project(server_db, tmp_path)
    try:
        alice.cache.delete_project(pid)  # its admin: the server takes the deletion
        alice.sync()
        admin.revoke(server_db.admin_dsn, user=str(alice.user), project=pid)
        outcome = run_sync(alice.cache, server=alice.dsn, user=str(alice.user), password=None, project_id=None)
        assert outcome.newly_detached == []
        assert SyncState(alice.cache).detached() == {}
        assert alice.cache.find_project(pid) is None
    finally:
        alice.close()
        bob.close()


def test_a_planners_refused_deletion_brings_the_whole_project_back(server_db: ServerDb, tmp_path: Path) -> None:
    alice, bob, pid = shared_project(server_db, tmp_path)
    try:
        rows = bob.state(pid)
        bob.cache.delete_project(pid)  # a planner, not an admin: the server refuses it
        summary = bob.sync()
        assert any("admin" in reason for p in summary.projects for reason in p.refused)
        assert bob.cache.find_project(pid) is not None
        assert bob.state(pid) == rows  # every row, not an empty project
        assert server_state(server_db.admin_dsn, pid) == alice.state(pid)
    finally:
        alice.close()
        bob.close()
