"""Sync in the window, against a real PostgreSQL: another planner's edits shown in the open project in place
(same session, selection kept, undo kept for what they did not touch), a project deleted on the server kept and
marked "local only", and the sign-in's password kept in a real keyring backend (keyrings.alt's file keyring).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from psycopg.conninfo import conninfo_to_dict
from PySide6.QtCore import QItemSelectionModel, Qt
from tests.integration.sync.clients import edits_by_another_planner, sample_project, server_state
from tests.integration.sync.conftest import ServerDb
from tests.ui.test_sync_ui import open_window, pg_cluster, server_db, sign_in, small_project, sync

from bbschedule.core.activity import Activity
from bbschedule.core.commands import AddActivity, SetActivityField
from bbschedule.formats import project_json
from bbschedule.services.session import REMOTE_LABEL
from bbschedule.sync import admin
from bbschedule.sync.credentials import SERVICE, account, stored_password
from bbschedule.ui.columns import COLUMN_INDEX
from bbschedule.ui.main_window import MainWindow
from bbschedule.ui.sync_controller import LOCAL_ONLY, UP_TO_DATE, SyncController
from bbschedule.ui.sync_signin import SyncConfig

pytestmark = pytest.mark.postgres
__all__ = ["pg_cluster", "server_db"]


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[Path]:
    """keyrings.alt's plain-text file keyring in a temporary folder, as the process's keyring."""
    from keyrings.alt.file import PlaintextKeyring

    previous = keyring.get_keyring()
    backend = PlaintextKeyring()
    path = tmp_path / "keyring" / "keyring_pass.cfg"
    backend.file_path = str(path)  # type: ignore[misc]
    keyring.set_keyring(backend)
    try:
        yield path
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def alice(qtbot: Any, tmp_path: Path, server_db: ServerDb) -> Iterator[tuple[MainWindow, SyncController, str]]:
    path = tmp_path / "small.bbs.json"
    project_json.write(small_project(), path)
    win, controller = open_window(qtbot, tmp_path / "alice", open_path=path)
    qtbot.waitUntil(lambda: win.session is not None)
    _name, dsn = server_db.user("alice")
    sign_in(qtbot, controller, dsn)
    yield win, controller, dsn
    win.close()


def shown_name(win: MainWindow, activity_id: str) -> str:
    model = win.activity_model
    return str(model.data(model.index_of(activity_id, COLUMN_INDEX["name"]), Qt.ItemDataRole.DisplayRole))


def test_a_second_planners_edit_shows_in_the_open_table_without_a_reopen(
    qtbot: Any, alice: tuple[MainWindow, SyncController, str], server_db: ServerDb, tmp_path: Path
) -> None:
    win, controller, _dsn = alice
    session = win.session
    assert session is not None
    pid = session.project_id
    a0, a1, a3 = (session.data.activity_by_code(code) for code in ("A0", "A1", "A3"))
    assert a0 is not None
    assert a1 is not None
    assert a3 is not None

    added = Activity(code="B1", name="Added by Bob", calendar_id=a0.calendar_id, original_duration=480)
    edits_by_another_planner(
        server_db,
        tmp_path,
        pid,
        SetActivityField(a0.id, "name", "Renamed by Bob"),
        SetActivityField(a1.id, "original_duration", 960),
        AddActivity(added),
    )

    # Alice, meanwhile: one edit of an activity Bob left alone, one of an activity Bob changed (another field).
    session.apply(SetActivityField(a3.id, "name", "Alice's A3"))
    session.apply(SetActivityField(a1.id, "notes", "Alice's note on A1"))
    selection = win.activity_view.selectionModel()
    selection.setCurrentIndex(
        win.activity_model.index_of(a3.id), QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows,
    )  # fmt: skip
    rows_before = win.activity_model.shown_count()
    assert shown_name(win, a0.id) == "Activity 0"
    announced: list[str] = []
    session.subscribe(lambda change_set: announced.append(change_set.label))

    sync(qtbot, controller)

    assert win.session is session  # the same session: no reopen
    assert shown_name(win, a0.id) == "Renamed by Bob"
    assert win.activity_model.shown_count() == rows_before + 1
    assert shown_name(win, added.id) == "Added by Bob"
    assert session.data.activities[a1.id].original_duration == 960
    assert session.data.activities[a1.id].notes == "Alice's note on A1"  # both planners' fields, merged
    assert REMOTE_LABEL in announced  # the table and the Gantt heard it through the normal notification
    assert win.gantt.chart.data is session.data
    current = win.activity_model.object_id(win.activity_view.selectionModel().currentIndex())
    assert current == a3.id  # the planner's place is kept
    assert "from the server" in win.statusBar().currentMessage()

    # Undo: the step on A1 (changed remotely) is gone; the step on A3 is still there and works.
    assert [entry.label for entry in session.history.entries][-1:] == ["Change name"]
    assert session.history.undo_label == "Change name"
    session.undo()
    assert session.data.activities[a3.id].name == "Activity 3"
    assert shown_name(win, a3.id) == "Activity 3"
    assert not session.history.can_undo
    sync(qtbot, controller)  # the undo goes up like any edit
    assert server_state(server_db.admin_dsn, pid)[("activity", a3.id)]["name"] == "Activity 3"
    assert server_state(server_db.admin_dsn, pid)[("activity", a0.id)]["name"] == "Renamed by Bob"


def test_a_project_opened_earlier_shows_the_pulled_rows_when_opened_again(
    qtbot: Any, alice: tuple[MainWindow, SyncController, str], server_db: ServerDb, tmp_path: Path
) -> None:
    win, controller, _dsn = alice
    assert win.session is not None
    first = win.session.project_id
    other = sample_project(3, code="OTHER")
    win.workspace.cache.import_project(other)
    win.open_project(other.project.id)  # its session stays in the workspace...
    win.open_project(first)  # ...while another project is on screen
    sync(qtbot, controller)
    target = sorted(other.activities.values(), key=lambda a: a.code)[0]
    edits_by_another_planner(server_db, tmp_path, other.project.id, SetActivityField(target.id, "name", "Bob's name"))
    sync(qtbot, controller)
    win.open_project(other.project.id)
    assert win.session is not None
    assert win.session.data.activities[target.id].name == "Bob's name"
    assert shown_name(win, target.id) == "Bob's name"


def test_the_scroll_position_stays_where_the_planner_left_it(qtbot: Any, tmp_path: Path, server_db: ServerDb) -> None:
    data = sample_project(400, code="LONG")
    path = tmp_path / "long.bbs.json"
    project_json.write(data, path)
    win, controller = open_window(qtbot, tmp_path / "alice", open_path=path)
    try:
        qtbot.waitUntil(lambda: win.session is not None)
        win.resize(1000, 500)
        win.show()
        _name, dsn = server_db.user("alice")
        sign_in(qtbot, controller, dsn)
        assert win.session is not None
        pid = win.session.project_id
        ordered = sorted(win.session.data.activities.values(), key=lambda a: a.code)
        renames = [
            SetActivityField(a.id, "name", f"{a.name} (Bob)") for a in ordered[::40]
        ]  # above, in, below the view
        edits_by_another_planner(server_db, tmp_path, pid, *renames)
        bar = win.activity_view.verticalScrollBar()
        assert bar.maximum() > 0
        bar.setValue(bar.maximum() // 2)
        where = bar.value()
        sync(qtbot, controller)
        assert win.session.data.activities[ordered[200].id].name.endswith("(Bob)")
        assert shown_name(win, ordered[200].id).endswith("(Bob)")
        assert bar.value() == where
    finally:
        win.close()


def test_a_project_deleted_on_the_server_stays_open_marked_local_only(
    qtbot: Any, alice: tuple[MainWindow, SyncController, str], server_db: ServerDb, tmp_path: Path
) -> None:
    win, controller, _dsn = alice
    assert win.session is not None
    pid = win.session.project_id
    bob_name, bob_dsn = server_db.user("bob")
    admin.grant(server_db.admin_dsn, user=bob_name, project=pid, role="planner")
    bwin, bcontroller = open_window(qtbot, tmp_path / "bob")
    try:
        sign_in(qtbot, bcontroller, bob_dsn)
        bwin.open_project(pid)
        assert bwin.session is not None
        count = len(bwin.session.data.activities)
        a0 = bwin.session.data.activity_by_code("A0")
        assert a0 is not None
        bwin.session.apply(SetActivityField(a0.id, "name", "Bob's offline edit"))

        # Alice, the project's admin, deletes it and syncs.
        win.set_session(None)
        win.workspace.forget_session(pid)
        win.workspace.cache.delete_project(pid)
        sync(qtbot, controller)

        outcome = sync(qtbot, bcontroller)
        assert outcome.newly_detached == [pid]
        assert bcontroller.status.state == LOCAL_ONLY
        assert "deleted on the server" in bcontroller.status.toolTip()
        assert alice_name(server_db, controller) in bcontroller.status.toolTip()
        assert "deleted on the server" in bwin.statusBar().currentMessage()
        assert bwin.session is not None
        assert len(bwin.session.data.activities) == count  # kept, with Bob's edit (refused: it waits here)
        assert bwin.session.data.activities[a0.id].name == "Bob's offline edit"
        # Bob keeps working on his copy; synced again: no error, nothing pushed or retried, said once.
        bwin.session.apply(SetActivityField(a0.id, "notes", "after the news"))
        again = sync(qtbot, bcontroller)
        assert again.newly_detached == []
        assert bcontroller.status.state == LOCAL_ONLY
        assert all(p.project_id != pid or not p.pushed for p in again.summary.projects)
        assert [row["row_id"] for row in bwin.workspace.cache.outbox(pid)] == [a0.id, a0.id]  # kept, unsent
        bwin.open_project(pid)  # reopened later: still marked
        assert bcontroller.status.state == LOCAL_ONLY
    finally:
        bwin.close()


def alice_name(server_db: ServerDb, controller: SyncController) -> str:
    assert controller.config is not None
    return controller.config.user


def test_sign_in_keeps_the_password_in_a_real_keyring_and_syncs_with_it(
    qtbot: Any, tmp_path: Path, server_db: ServerDb, file_keyring: Path
) -> None:
    path = tmp_path / "small.bbs.json"
    project_json.write(small_project(), path)
    win, controller = open_window(qtbot, tmp_path / "kim", open_path=path)
    try:
        name, dsn = server_db.user("kim")
        password = str(conninfo_to_dict(dsn)["password"])
        server = " ".join(f"{k}={v}" for k, v in conninfo_to_dict(dsn).items() if k not in ("user", "password"))
        config = SyncConfig(user=name, dsn=server)
        with qtbot.waitSignal(controller.sig_finished, timeout=30_000) as blocker:
            controller.sign_in(config, password, remember=True)
        assert controller.status.state == UP_TO_DATE, blocker.args[0]  # signed in with the keyring's password
        assert file_keyring.is_file()
        assert f"[{SERVICE}]" in file_keyring.read_text(encoding="utf-8")  # written to the file in tmp_path
        assert keyring.get_password(SERVICE, account(config.server, name)) == password
        assert stored_password(config.server, name) == password
        assert all(password not in str(win.settings.value(k)) for k in win.settings.allKeys())
        # A fresh backend object on the same file reads it back: it is on disk, not in this object's memory.
        from keyrings.alt.file import PlaintextKeyring

        reread = PlaintextKeyring()
        reread.file_path = str(file_keyring)  # type: ignore[misc]
        assert reread.get_password(SERVICE, account(config.server, name)) == password
        sync(qtbot, controller)
        assert controller.status.state == UP_TO_DATE
    finally:
        win.close()
