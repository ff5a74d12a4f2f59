"""The project tree and title follow the server, against a real PostgreSQL: another planner's rename and new data
date of the open project reach the title, the tree and the status bar without a reopen; a viewer's project is
marked read-only; a project deleted on the server or no longer shared is marked "local only" with who and when.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from psycopg.conninfo import conninfo_to_dict
from PySide6.QtCore import QModelIndex
from tests.integration.sync.clients import edits_by_another_planner, sample_project
from tests.integration.sync.conftest import ServerDb
from tests.ui.test_sync_refresh import alice
from tests.ui.test_sync_ui import open_window, pg_cluster, server_db, sync

from bbschedule.core.commands import SetProjectField
from bbschedule.sync import admin
from bbschedule.ui import roles
from bbschedule.ui.formatting import format_date
from bbschedule.ui.main_window import MainWindow
from bbschedule.ui.sync_controller import UP_TO_DATE, SyncController
from bbschedule.ui.sync_signin import SyncConfig

pytestmark = pytest.mark.postgres
__all__ = ["alice", "pg_cluster", "server_db"]


def project_node(win: MainWindow, project_id: str) -> QModelIndex:
    index = win.project_model.index_of(project_id)
    assert index.isValid(), project_id
    return index


def node_text(win: MainWindow, project_id: str) -> str:
    return str(project_node(win, project_id).data(roles.DISPLAY))


def node_tip(win: MainWindow, project_id: str) -> str:
    return str(project_node(win, project_id).data(roles.TOOL_TIP))


def icon_key(win: MainWindow, project_id: str) -> int:
    return int(project_node(win, project_id).data(roles.DECORATION).cacheKey())


def test_a_rename_and_new_data_date_from_another_planner_reach_the_title_and_tree(
    qtbot: Any, alice: tuple[MainWindow, SyncController, str], server_db: ServerDb, tmp_path: Path
) -> None:
    win, controller, _dsn = alice
    session = win.session
    assert session is not None
    pid = session.project_id
    assert "Synced in the window" in win.windowTitle()
    assert "(" not in node_text(win, pid)  # Alice's own project, syncing: no mark
    assert "you are its admin" in node_tip(win, pid)
    new_date = dt.datetime(2026, 3, 2, 8)
    assert format_date(new_date) not in node_tip(win, pid)

    edits_by_another_planner(
        server_db,
        tmp_path,
        pid,
        SetProjectField("name", "Riverside Phase 2"),
        SetProjectField("code", "RIV-2"),
        SetProjectField("data_date", new_date),
    )

    sync(qtbot, controller)

    assert win.session is session  # shown in place, not reopened
    assert session.data.project.name == "Riverside Phase 2"
    assert win.windowTitle() == "RIV-2 — Riverside Phase 2 — BBSchedule"
    assert node_text(win, pid).startswith("RIV-2  Riverside Phase 2")
    assert project_node(win, pid).data(roles.FONT).bold()  # still the open project
    assert f"Data date {format_date(new_date)}" in node_tip(win, pid)
    assert win.status_project.text() == "RIV-2  Riverside Phase 2"
    assert win.status_data_date.text() == f"Data date {format_date(new_date)}"

    # The planner's own rename shows at once too (the tree's catalog is older than the open project).
    session.apply(SetProjectField("name", "Riverside Phase 2B"))
    assert win.windowTitle() == "RIV-2 — Riverside Phase 2B — BBSchedule"
    assert node_text(win, pid).startswith("RIV-2  Riverside Phase 2B")
    session.undo()
    assert win.windowTitle() == "RIV-2 — Riverside Phase 2 — BBSchedule"


def test_viewer_and_local_only_projects_are_marked_and_the_marks_follow_each_sync(
    qtbot: Any, alice: tuple[MainWindow, SyncController, str], server_db: ServerDb, tmp_path: Path
) -> None:
    win, controller, _dsn = alice
    assert win.session is not None
    viewed = win.session.project_id
    other = sample_project(3, code="OTHER")
    win.workspace.cache.import_project(other)
    sync(qtbot, controller)
    alice_name = controller.config.user if controller.config is not None else ""
    bob_name, bob_dsn = server_db.user("bob")
    admin.grant(server_db.admin_dsn, user=bob_name, project=viewed, role="viewer")
    admin.grant(server_db.admin_dsn, user=bob_name, project=other.project.id, role="planner")

    bwin, bcontroller = open_window(qtbot, tmp_path / "bob")
    try:
        bcontroller.sign_in(
            SyncConfig(user=bob_name, dsn=bob_dsn), str(conninfo_to_dict(bob_dsn)["password"]), remember=False
        )
        qtbot.waitUntil(lambda: bcontroller.status.state == UP_TO_DATE, timeout=30_000)
        bwin.open_project(other.project.id)
        assert node_text(bwin, viewed).endswith("(read-only)")
        assert "viewer" in node_tip(bwin, viewed)
        assert "(" not in node_text(bwin, other.project.id)
        plain, locked = icon_key(bwin, other.project.id), icon_key(bwin, viewed)
        assert plain != locked

        # Alice takes Bob off one project and deletes the other (the one Bob has open).
        admin.revoke(server_db.admin_dsn, user=bob_name, project=viewed)
        win.workspace.cache.delete_project(other.project.id)
        sync(qtbot, controller)
        before = bwin.project_model
        outcome = sync(qtbot, bcontroller)

        assert sorted(outcome.newly_detached) == sorted([viewed, other.project.id])
        assert bwin.project_model is before
        assert node_text(bwin, viewed).endswith("(local only — no longer shared)")
        assert node_text(bwin, other.project.id).endswith(f"(local only — deleted on the server by {alice_name})")
        tip = node_tip(bwin, other.project.id)
        assert f"Deleted on the server by {alice_name}" in tip
        detached_at = outcome.detached[other.project.id].detached_at
        assert detached_at is not None
        local = detached_at.replace(tzinfo=dt.UTC).astimezone()
        assert f"{format_date(local)} {local:%H:%M}" in tip  # when, in local time
        assert "No longer shared with you" in node_tip(bwin, viewed)
        assert icon_key(bwin, viewed) not in (plain, locked)
        assert icon_key(bwin, other.project.id) == icon_key(bwin, viewed)
        assert project_node(bwin, viewed).data(roles.FOREGROUND) is not None  # greyed
        assert bwin.session is not None
        assert bwin.session.project_id == other.project.id  # still open, with its WBS under it
        assert bwin.project_model.project_of(project_node(bwin, other.project.id)) == other.project.id

        # Shared again: the next sync takes the mark away.
        admin.grant(server_db.admin_dsn, user=bob_name, project=viewed, role="planner")
        sync(qtbot, bcontroller)
        assert "(" not in node_text(bwin, viewed)
        assert icon_key(bwin, viewed) == plain
        assert "local only" in node_text(bwin, other.project.id)
        bwin.open_project(viewed)
        assert bwin.session is not None
        assert not bwin.session.read_only  # a planner now
        # Made a viewer again, with no row changed on the server: marked, and the open copy read-only.
        admin.grant(server_db.admin_dsn, user=bob_name, project=viewed, role="viewer")
        assert sync(qtbot, bcontroller).summary.projects
        assert node_text(bwin, viewed).endswith("(read-only)")
        assert bwin.session.read_only
        assert not bwin.window_actions.add_activity.isEnabled()
    finally:
        bwin.close()
