"""The project tree's sync marks without a server: "local only" (deleted on the server by whom, or no longer
shared) and "read-only" for a viewer, their tooltips and icons; the marks come from the cache's sync tables, written
through storage.syncstate's own API, and follow a catalog refresh; the open project's row follows its edits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from bbschedule.core.commands import SetProjectField
from bbschedule.core.project_data import ProjectData
from bbschedule.formats import project_json
from bbschedule.storage.syncstate import DELETED, REVOKED, SyncTables
from bbschedule.ui import roles
from bbschedule.ui.application import build_window, make_application
from bbschedule.ui.formatting import format_date
from bbschedule.ui.main_window import MainWindow
from bbschedule.ui.project_tree_model import ProjectEntry, ProjectTreeModel
from bbschedule.ui.resources import icon
from bbschedule.ui.worker import SynchronousPool

AT = dt.datetime(2026, 11, 20, 14, 5)  # UTC, as the cache stamps it


def entries() -> list[ProjectEntry]:
    return [
        ProjectEntry("p1", "BLD-01", "Office Block", activity_count=5, role="planner"),
        ProjectEntry("p2", "BLD-02", "Warehouse", role="viewer", data_date=dt.datetime(2026, 5, 4, 8)),
        ProjectEntry("p3", "BLD-03", "Car Park", role="planner", detached=DELETED, detached_by="alice", detached_at=AT),
        ProjectEntry("p4", "BLD-04", "Depot", role="viewer", detached=REVOKED, detached_at=AT),
        ProjectEntry("p5", "BLD-05", "Never synced"),
    ]


def test_marks_texts_tooltips_and_icons(qtmodeltester: Any, qapp: Any) -> None:
    model = ProjectTreeModel()
    model.set_icons({k: icon(k) for k in ("eps", "project", "wbs")})
    model.set_catalog(eps=[], projects=entries(), open_project=None)
    qtmodeltester.check(model, force_py=True)
    texts = [str(model.index(r, 0).data()) for r in range(model.rowCount())]
    assert texts == [
        "BLD-01  Office Block",
        "BLD-02  Warehouse  (read-only)",
        "BLD-03  Car Park  (local only — deleted on the server by alice)",
        "BLD-04  Depot  (local only — no longer shared)",
        "BLD-05  Never synced",
    ]
    tips = [str(model.index(r, 0).data(roles.TOOL_TIP)) for r in range(model.rowCount())]
    local = AT.replace(tzinfo=dt.UTC).astimezone()
    assert f"Deleted on the server by alice ({format_date(local)} {local:%H:%M})" in tips[2]
    assert "no longer syncs" in tips[2]
    assert tips[3].startswith("No longer shared with you on the server (")
    assert "alice" not in tips[3]
    assert "viewer" in tips[1]
    assert "Data date 04-May-26" in tips[1]
    assert "you are its planner" in tips[0]
    assert "5 activities" in tips[0]
    keys = [model.index(r, 0).data(roles.DECORATION).cacheKey() for r in range(model.rowCount())]
    assert keys[0] == keys[4]  # plain project icon
    assert len({keys[0], keys[1], keys[2]}) == 3  # read-only and local-only each look different
    assert keys[2] == keys[3]
    assert model.index(2, 0).data(roles.FOREGROUND) is not None
    assert model.index(0, 0).data(roles.FOREGROUND) is None
    # The badge is drawn over the project icon: the two images differ in pixels, not only in cache key.
    plain = model.index(0, 0).data(roles.DECORATION).pixmap(32, 32).toImage()
    badged = model.index(2, 0).data(roles.DECORATION).pixmap(32, 32).toImage()
    assert plain != badged


def open_window(qtbot: Any, tmp_path: Path, project: ProjectData) -> MainWindow:
    make_application()
    path = tmp_path / "office.bbs.json"
    project_json.write(project, path)
    win = build_window(profile=tmp_path / "profile", open_path=path, pool=SynchronousPool(), interactive=False)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.session is not None)
    return win


def project_text(win: MainWindow, project_id: str) -> str:
    return str(win.project_model.index_of(project_id).data())


def test_the_window_tree_reads_the_marks_from_the_cache(qtbot: Any, tmp_path: Path, project: ProjectData) -> None:
    win = open_window(qtbot, tmp_path, project)
    try:
        pid = project.project.id
        assert project_text(win, pid) == "BLD-01  Office Block"
        tables = SyncTables(win.workspace.cache.engine)
        tables.set_detached(pid, DELETED, by="alice")  # what a pulled project tombstone writes
        win.refresh_catalog()
        assert project_text(win, pid) == "BLD-01  Office Block  (local only — deleted on the server by alice)"
        assert "Deleted on the server by alice (" in str(win.project_model.index_of(pid).data(roles.TOOL_TIP))
        wbs = win.project_model.index_of(next(iter(project.wbs)))
        assert win.project_model.project_of(wbs) == pid  # the open project keeps its WBS beneath it
        tables.set_detached(pid, None)
        win.refresh_catalog()
        assert project_text(win, pid) == "BLD-01  Office Block"
    finally:
        win.close()


def test_the_open_projects_title_and_row_follow_its_edits(qtbot: Any, tmp_path: Path, project: ProjectData) -> None:
    win = open_window(qtbot, tmp_path, project)
    try:
        session = win.session
        assert session is not None
        assert win.windowTitle() == "BLD-01 — Office Block — BBSchedule"
        session.apply(SetProjectField("name", "Office Block East"))
        assert win.windowTitle() == "BLD-01 — Office Block East — BBSchedule"
        assert project_text(win, project.project.id) == "BLD-01  Office Block East"
        session.apply(SetProjectField("data_date", dt.datetime(2026, 4, 6, 8)))
        assert "Data date 06-Apr-26" in str(win.project_model.index_of(project.project.id).data(roles.TOOL_TIP))
        assert win.status_data_date.text() == "Data date 06-Apr-26"
        session.undo()
        session.undo()
        assert win.windowTitle() == "BLD-01 — Office Block — BBSchedule"
        win.set_session(None)
        assert win.windowTitle() == "BBSchedule"
    finally:
        win.close()
