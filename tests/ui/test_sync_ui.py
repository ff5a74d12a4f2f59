"""Sync in the window against a real PostgreSQL: sign in and sync a cache up, the status indicator, pulled rows
in the open project, a same-field conflict resolved with "mine" as one undoable step, a viewer's read-only project.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from psycopg.conninfo import conninfo_to_dict
from PySide6.QtCore import QSettings, QThreadPool
from tests.integration.sync.clients import edits_by_another_planner, server_state
from tests.integration.sync.conftest import ServerDb
from tests.integration.sync.pgcluster import PgCluster, find_bindir

from bbschedule.core.activity import Activity
from bbschedule.core.calendar import Calendar
from bbschedule.core.commands import DeleteActivity, SetActivityField
from bbschedule.core.errors import ValidationError
from bbschedule.core.project import Project
from bbschedule.core.project_data import ProjectData
from bbschedule.formats import project_json
from bbschedule.services.sync import SyncOutcome
from bbschedule.sync import admin
from bbschedule.ui.application import build_window, make_application
from bbschedule.ui.conflicts_dialog import RESOLVE_LABEL, ConflictsDialog
from bbschedule.ui.main_window import MainWindow
from bbschedule.ui.sync_controller import CONFLICTS, OFFLINE, UP_TO_DATE, SyncController, install_sync
from bbschedule.ui.sync_signin import SignInDialog, SyncConfig
from bbschedule.ui.worker import SynchronousPool, TaskRunner

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_cluster() -> Iterator[PgCluster]:
    """The sync tests' real PostgreSQL (their conftest is not in reach of tests/ui, so the same steps here)."""
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are neither on PATH nor under /usr/lib/postgresql")
    cluster = PgCluster.create(bindir)
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def server_db(pg_cluster: PgCluster) -> ServerDb:
    dbname = pg_cluster.create_database()
    admin.init_server(pg_cluster.admin_dsn(dbname))
    return ServerDb(pg_cluster, dbname)


def small_project() -> ProjectData:
    calendar = Calendar(name="Standard", is_default=True)
    project = Project(
        code="SYNC-UI", name="Synced in the window", planned_start=dt.datetime(2026, 1, 5, 8),
        default_calendar_id=calendar.id,
    )  # fmt: skip
    data = ProjectData(project, calendars={calendar.id: calendar})
    for i in range(5):
        activity = Activity(code=f"A{i}", name=f"Activity {i}", calendar_id=calendar.id, original_duration=480)
        data.activities[activity.id] = activity
    return data


def open_window(qtbot: Any, profile: Path, *, open_path: Path | None = None) -> tuple[MainWindow, SyncController]:
    make_application()
    win = build_window(profile=profile, open_path=open_path, pool=SynchronousPool(), interactive=False)
    qtbot.addWidget(win)
    controller = install_sync(win, pool=QThreadPool.globalInstance())  # the sync itself runs off the GUI thread
    return win, controller


def sign_in(qtbot: Any, controller: SyncController, dsn: str) -> None:
    """Sign in as the DSN's login (password not remembered) and wait for the first sync to finish."""
    parts = conninfo_to_dict(dsn)
    controller.sign_in(SyncConfig(user=str(parts["user"]), dsn=dsn), str(parts["password"]), remember=False)
    qtbot.waitUntil(lambda: controller.status.state == UP_TO_DATE, timeout=30_000)


def sync(qtbot: Any, controller: SyncController) -> SyncOutcome:
    with qtbot.waitSignal(controller.sig_finished, timeout=30_000) as blocker:
        controller.sync_now()
    result = blocker.args[0]
    assert isinstance(result, SyncOutcome), result
    return result


def sign_in_through_dialog(qtbot: Any, controller: SyncController, dsn: str) -> SyncOutcome:
    """Fill the dialog as a planner would, with host, port and database typed in (not a pasted DSN)."""
    parts = conninfo_to_dict(dsn)
    dialog = SignInDialog(None)
    qtbot.addWidget(dialog)
    dialog.host.setText(str(parts["host"]))
    dialog.port.setValue(int(str(parts["port"])))
    dialog.database.setText(str(parts["dbname"]))
    dialog.user.setText(str(parts["user"]))
    dialog.password_edit.setText(str(parts["password"]))
    dialog.tls_mode.setCurrentText("verify-full")
    dialog.accept()
    assert dialog.result() != SignInDialog.DialogCode.Accepted
    assert "CA certificate" in dialog.error.text()  # verify-full without a CA file cannot work: said, not tried
    dialog.tls_mode.setCurrentText("prefer")
    dialog.accept()
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    with qtbot.waitSignal(controller.sig_finished, timeout=30_000) as blocker:
        controller.sign_in(dialog.config(), dialog.password(), remember=dialog.remember.isChecked())
    assert isinstance(blocker.args[0], SyncOutcome), blocker.args[0]
    return blocker.args[0]


@pytest.fixture
def alice_window(qtbot: Any, tmp_path: Path, server_db: ServerDb) -> Iterator[tuple[MainWindow, SyncController, str]]:
    path = tmp_path / "small.bbs.json"
    project_json.write(small_project(), path)
    win, controller = open_window(qtbot, tmp_path / "alice", open_path=path)
    qtbot.waitUntil(lambda: win.session is not None)
    _name, dsn = server_db.user("alice")
    yield win, controller, dsn
    win.close()


def test_sign_in_syncs_the_cache_up_and_the_status_follows(
    qtbot: Any, alice_window: tuple[MainWindow, SyncController, str], server_db: ServerDb
) -> None:
    win, controller, dsn = alice_window
    assert controller.menu is not None
    assert [a.text() for a in controller.menu.actions()] == [
        "Sign &In…", "Sync &Now", "&Conflicts…",
    ]  # fmt: skip
    titles = [a.text().replace("&", "") for a in win.menuBar().actions()]
    assert titles[-2:] == ["Sync", "Help"]
    assert controller.status.state != UP_TO_DATE
    outcome = sign_in_through_dialog(qtbot, controller, dsn)
    assert win.session is not None
    pid = win.session.project_id
    assert controller.status.state == UP_TO_DATE
    assert "Up to date" in controller.status.text()
    server = server_state(server_db.admin_dsn, pid)
    assert sorted(f["code"] for (kind, _), f in server.items() if kind == "activity") == [f"A{i}" for i in range(5)]
    assert outcome.summary.projects[0].pushed.get("applied") == len(server)
    # The settings keep where and who, never the password.
    saved = SyncConfig.load(win.settings)
    assert saved is not None
    assert saved.user == conninfo_to_dict(dsn)["user"]
    assert all("pw-" not in str(win.settings.value(k)) for k in win.settings.allKeys())
    # A wrong password: the indicator says offline, with the reason in the tooltip.
    with qtbot.waitSignal(controller.sig_finished, timeout=30_000) as blocker:
        controller.sign_in(saved, "wrong password", remember=False)
    assert not isinstance(blocker.args[0], SyncOutcome)
    assert controller.status.state == OFFLINE
    assert "cannot sign in" in controller.status.toolTip()


def test_pulled_rows_reach_the_open_session_and_a_conflict_is_resolved_as_one_step(
    qtbot: Any, alice_window: tuple[MainWindow, SyncController, str], server_db: ServerDb, tmp_path: Path
) -> None:
    win, controller, dsn = alice_window
    sign_in(qtbot, controller, dsn)
    assert win.session is not None
    pid = win.session.project_id
    a0 = win.session.data.activity_by_code("A0")
    a1 = win.session.data.activity_by_code("A1")
    assert a0 is not None
    assert a1 is not None
    a2 = win.session.data.activity_by_code("A2")
    assert a2 is not None

    bob_name = edits_by_another_planner(
        server_db,
        tmp_path,
        pid,
        SetActivityField(a0.id, "name", "Bob's name"),
        SetActivityField(a1.id, "notes", "pulled from Bob"),
        DeleteActivity(a2.id),
    )
    before = win.session
    before.apply(SetActivityField(a0.id, "name", "Alice's name"))
    before.apply(SetActivityField(a2.id, "name", "edited, but Bob deleted it"))
    outcome = sync(qtbot, controller)
    assert win.session is before  # the pulled rows went into the open session: no reopen

    # Bob's note came in and the open project shows it; the same-field edit is a conflict kept as Bob's.
    assert win.session.data.activities[a1.id].notes == "pulled from Bob"
    assert win.session.data.activities[a0.id].name == "Bob's name"
    assert controller.status.state == CONFLICTS
    assert a2.id not in win.session.data.activities  # delete beats edit
    assert controller.status.text().endswith("2 conflicts")
    same_field = [(c.field, c.theirs, c.mine) for c in outcome.conflicts if not c.lost_to_delete]
    assert same_field == [("name", "Bob's name", "Alice's name")]
    assert [c.row_id for c in outcome.conflicts if c.lost_to_delete] == [a2.id]

    dialog = ConflictsDialog(controller.conflicts, win.session.data, win)
    qtbot.addWidget(dialog)
    shown = [item.text() if (item := dialog.table.item(0, column)) else "" for column in range(4)]
    assert shown[1:] == ["name", f"Bob's name ({bob_name})", "Alice's name"]
    assert "A0" in shown[0]
    assert dialog.table.item(1, 2).text() == f"deleted ({bob_name})"  # type: ignore[union-attr]
    assert dialog.choices[1].count() == 1  # a deleted row is not brought back: only theirs
    dialog.pick(0, mine=True)
    steps_before = len(win.session.history.entries)
    with qtbot.waitSignal(controller.sig_finished, timeout=30_000):
        controller.resolve(dialog.picks())
    session = win.session
    assert session.data.activities[a0.id].name == "Alice's name"
    assert len(session.history.entries) == steps_before + 1
    assert session.history.undo_label == RESOLVE_LABEL
    assert controller.status.state == UP_TO_DATE  # pushed, then closed on the server
    assert controller.conflicts == []
    assert server_state(server_db.admin_dsn, pid)[("activity", a0.id)]["name"] == "Alice's name"
    session.undo()
    assert session.data.activities[a0.id].name == "Bob's name"


def test_a_viewer_sees_the_project_read_only(
    qtbot: Any, alice_window: tuple[MainWindow, SyncController, str], server_db: ServerDb, tmp_path: Path
) -> None:
    win, controller, dsn = alice_window
    sign_in(qtbot, controller, dsn)
    assert win.session is not None
    assert not win.session.read_only
    pid = win.session.project_id

    viewer, viewer_dsn = server_db.user("viewer")
    admin.grant(server_db.admin_dsn, user=viewer, project=pid, role="viewer")
    vwin, vcontroller = open_window(qtbot, tmp_path / "viewer")
    try:
        sign_in(qtbot, vcontroller, viewer_dsn)
        assert pid in [p.id for p in vwin.workspace.list_projects()]
        vwin.open_project(pid)
        session = vwin.session
        assert session is not None
        assert session.read_only
        assert not vwin.window_actions.add_activity.isEnabled()
        activity = next(iter(session.data.activities.values()))
        with pytest.raises(ValidationError):
            session.apply(SetActivityField(activity.id, "name", "viewer edit"))
        assert session.data.activities[activity.id].name == activity.name
    finally:
        vwin.close()


def test_sign_in_with_verify_full_and_the_ca_file(
    qtbot: Any,
    alice_window: tuple[MainWindow, SyncController, str],
    pg_cluster: PgCluster,
) -> None:
    if pg_cluster.ca_file is None:
        pytest.skip("no openssl: the test server has no TLS")
    _win, controller, dsn = alice_window
    parts = conninfo_to_dict(dsn)
    config = SyncConfig(
        user=str(parts["user"]), host="localhost", port=int(str(parts["port"])), database=str(parts["dbname"]),
        tls_mode="verify-full", ca_file=str(pg_cluster.ca_file),
    )  # fmt: skip
    controller.sign_in(config, str(parts["password"]), remember=False)
    qtbot.waitUntil(lambda: controller.status.state != "syncing", timeout=30_000)
    assert controller.status.state == UP_TO_DATE, controller.status.toolTip()
    wrong = dataclasses.replace(config, ca_file=str(Path(__file__)))  # not the server's CA
    with qtbot.waitSignal(controller.sig_finished, timeout=30_000) as blocker:
        controller.sign_in(wrong, str(parts["password"]), remember=False)
    assert not isinstance(blocker.args[0], SyncOutcome)
    assert controller.status.state == OFFLINE


def test_a_pasted_connection_string_keeps_its_password_out_of_the_settings(qtbot: Any, tmp_path: Path) -> None:
    make_application()
    dialog = SignInDialog(None)
    qtbot.addWidget(dialog)
    dialog.dsn.setText("host=db.example.com port=6543 dbname=plans user=kim password=s3cret")
    dialog.tls_mode.setCurrentText("require")
    dialog.accept()
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    config, password = dialog.config(), dialog.password()
    assert (config.user, password) == ("kim", "s3cret")
    server = conninfo_to_dict(config.server)
    assert server == {"host": "db.example.com", "port": "6543", "dbname": "plans", "sslmode": "require"}
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    config.save(settings)
    assert SyncConfig.load(settings) == config
    assert "s3cret" not in (tmp_path / "settings.ini").read_text(encoding="utf-8")


def test_an_edit_typed_while_the_sync_runs_is_kept_beside_the_pulled_rows(
    qtbot: Any, alice_window: tuple[MainWindow, SyncController, str], server_db: ServerDb, tmp_path: Path
) -> None:
    win, controller, dsn = alice_window
    sign_in(qtbot, controller, dsn)
    assert win.session is not None
    pid = win.session.project_id
    a0, a1 = (win.session.data.activity_by_code(code) for code in ("A0", "A1"))
    assert a0 is not None
    assert a1 is not None
    edits_by_another_planner(server_db, tmp_path, pid, SetActivityField(a1.id, "notes", "from Bob"))
    # In place: the sync is done when sync_now returns, its answer waits in the event queue behind this edit.
    controller.runner = TaskRunner(win, pool=SynchronousPool())
    with qtbot.waitSignal(controller.sig_finished, timeout=30_000):
        controller.sync_now()
        win.session.apply(SetActivityField(a0.id, "name", "typed during the sync"))
    session = win.session
    assert session.data.activities[a1.id].notes == "from Bob"
    assert session.data.activities[a0.id].name == "typed during the sync"
    assert session.history.undo_label == "Change name"
    sync(qtbot, controller)
    assert server_state(server_db.admin_dsn, pid)[("activity", a0.id)]["name"] == "typed during the sync"
