"""The user's role on a project follows the server at every sync, even when there is no row to pull: a viewer
made planner (or back) with nothing changed on the server is no longer (or is again) read-only."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.integration.sync.clients import Client, sample_project
from tests.integration.sync.conftest import ServerDb

from bbschedule.sync import admin
from bbschedule.sync.localstate import SyncState

pytestmark = pytest.mark.postgres


def test_a_role_changed_with_no_row_to_pull_is_kept(server_db: ServerDb, tmp_path: Path) -> None:
    _alice, alice_dsn = server_db.user("alice")
    bob_name, bob_dsn = server_db.user("bob")
    alice, bob = Client(tmp_path / "alice", alice_dsn), Client(tmp_path / "bob", bob_dsn)
    data = sample_project(3)
    alice.cache.import_project(data)
    pid = data.project.id
    try:
        alice.sync()
        admin.grant(server_db.admin_dsn, user=bob_name, project=pid, role="viewer")
        assert bob.sync().projects[0].pulled > 0
        assert SyncState(bob.cache).role(pid) == "viewer"
        cursor = SyncState(bob.cache).cursor(pid)

        for role in ("planner", "viewer", "admin"):
            admin.grant(server_db.admin_dsn, user=bob_name, project=pid, role=role)
            summary = bob.sync()
            assert [(p.role, p.pulled) for p in summary.projects] == [(role, 0)]  # nothing to pull
            assert SyncState(bob.cache).role(pid) == role
            assert SyncState(bob.cache).cursor(pid) == cursor  # the cursor is left where it was
    finally:
        alice.close()
        bob.close()
