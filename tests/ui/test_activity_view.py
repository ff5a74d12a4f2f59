"""The activity table's groups open and close like a tree's (arrow, keys, menu actions) while the rows stay flat,
and the Gantt beside it follows row for row. Real window, real cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from bbschedule.core.project_data import ProjectData
from bbschedule.formats import project_json
from bbschedule.ui.application import build_window, make_application
from bbschedule.ui.delegates import ARROW, INDENT
from bbschedule.ui.main_window import MainWindow
from bbschedule.ui.worker import SynchronousPool


@pytest.fixture
def window(qtbot: Any, tmp_path: Path, project: ProjectData) -> MainWindow:
    make_application()
    path = tmp_path / "office.bbs.json"
    project_json.write(project, path)
    win = build_window(profile=tmp_path / "profile", open_path=path, pool=SynchronousPool(), interactive=False)
    qtbot.addWidget(win)
    win.resize(1400, 800)
    win.show()
    qtbot.waitUntil(lambda: win.session is not None)
    return win


def _table_keys(window: MainWindow) -> list[str]:
    model = window.activity_model
    return [str(model.object_id(model.index(r, 0))) for r in range(model.rowCount())]


def _gantt_keys(window: MainWindow) -> list[str]:
    chart = window.gantt.chart
    rows, _slots = chart.visible_slots(chart.body.height())
    return [r.key for r in rows]


def _wbs(window: MainWindow, code: str) -> str:
    assert window.session is not None
    return next(w.id for w in window.session.data.wbs.values() if w.code == code)


def test_clicking_a_group_arrow_closes_and_opens_it_and_the_gantt_follows(qtbot: Any, window: MainWindow) -> None:
    view, model = window.activity_view, window.activity_model
    site = model.index_of(_wbs(window, "1"))
    rect = view.visualRect(site)
    arrow = QPoint(rect.left() + ARROW // 2, rect.center().y())  # depth 0: the arrow is at the cell's left
    all_rows = _table_keys(window)
    assert _gantt_keys(window) == all_rows
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=arrow)
    assert not view.is_expanded(model.index_of(_wbs(window, "1")))
    assert len(_table_keys(window)) == len(all_rows) - 4  # A1000, A1010, 1.1 and A1020 went with it
    assert _gantt_keys(window) == _table_keys(window)  # the chart paints the same rows, top to bottom
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=arrow)
    assert _table_keys(window) == all_rows
    assert _gantt_keys(window) == all_rows
    # A click beside the arrow selects the row and leaves the group open.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=arrow + QPoint(INDENT + ARROW + 20, 0))
    assert view.is_expanded(model.index_of(_wbs(window, "1")))


def test_left_and_right_close_and_open_the_current_group(qtbot: Any, window: MainWindow) -> None:
    view, model = window.activity_view, window.activity_model
    frame = _wbs(window, "2")
    view.setFocus()
    view.setCurrentIndex(model.index_of(frame))
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert not view.is_expanded(model.index_of(frame))
    assert model.index_of(frame).row() == model.rowCount() - 1
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.is_expanded(model.index_of(frame))
    assert model.object_id(view.currentIndex()) == frame


def test_collapse_all_keeps_the_selection_and_selecting_a_hidden_activity_opens_its_groups(
    window: MainWindow,
) -> None:
    view, model, session = window.activity_view, window.activity_model, window.session
    assert session is not None
    a1020 = session.data.activity_by_code("A1020")
    assert a1020 is not None
    view.select_ids([_wbs(window, "2")])
    window.window_actions.collapse_all.trigger()
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["1", "2"]
    assert [model.object_id(i) for i in view.selectionModel().selectedRows(0)] == [_wbs(window, "2")]
    view.select_ids([a1020.id])  # as the Gantt, the driving path or the project tree do
    assert view.selected_ids() == [a1020.id]
    assert model.index_of(a1020.id).isValid()
    assert view.is_expanded(model.index_of(_wbs(window, "1.1")))
    assert not view.is_expanded(model.index_of(_wbs(window, "2")))  # the rest stays as the planner left it
    window.window_actions.expand_all.trigger()
    assert model.rowCount() == len(session.data.activities) + len(session.data.wbs)
    assert view.selected_ids() == [a1020.id]


def test_the_project_paints_first_and_its_relationships_follow(
    qtbot: Any, tmp_path: Path, project: ProjectData
) -> None:
    make_application()
    path = tmp_path / "office.bbs.json"
    project_json.write(project, path)
    profile = tmp_path / "profile"
    first = build_window(profile=profile, open_path=path, pool=SynchronousPool(), interactive=False)
    # Imported into the cache and scheduled (the import schedules it).
    qtbot.waitUntil(lambda: first.session is not None and bool(first.session.data.computed))
    first.close()
    win = build_window(profile=profile, open_path=None, pool=SynchronousPool(), interactive=False)
    qtbot.addWidget(win)
    session = win.session
    assert session is not None
    assert session.loading  # the window has the project: rows, dates, bars...
    assert session.data.relationships == {}  # ...and reads the links on a thread once it has painted
    assert win.activity_model.rowCount() == len(project.activities) + len(project.wbs)
    win.resize(1400, 800)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: not session.loading)
    assert session.data.relationships == project.relationships
    assert win.statusBar().currentMessage().endswith(f"{len(project.relationships)} relationships")
    chart = win.gantt.chart
    qtbot.waitUntil(lambda: bool(chart.visible_slots(chart.body.height())[1]))
    _rows, slots = chart.visible_slots(chart.body.height())
    assert chart._visible_links(slots)  # the links are drawn now


def test_an_edit_made_before_the_relationships_arrive_waits_for_them(
    qtbot: Any, tmp_path: Path, project: ProjectData
) -> None:
    from bbschedule.core.commands import DeleteActivity

    make_application()
    path = tmp_path / "office.bbs.json"
    project_json.write(project, path)
    profile = tmp_path / "profile"
    first = build_window(profile=profile, open_path=path, pool=SynchronousPool(), interactive=False)
    qtbot.waitUntil(lambda: first.session is not None and not first.session.loading)
    first.close()
    win = build_window(profile=profile, open_path=None, pool=SynchronousPool(), interactive=False)
    qtbot.addWidget(win)
    session = win.session
    assert session is not None
    assert session.loading
    a1010 = session.data.activity_by_code("A1010")
    assert a1010 is not None
    linked = {r.id for r in project.relationships.values() if a1010.id in (r.predecessor_id, r.successor_id)}
    change_set = win.apply(DeleteActivity(a1010.id))  # at once, before any event: it waits for the links
    assert change_set is not None
    assert {c.id for c in change_set.changes if c.kind == "relationship"} == linked
    assert not linked & session.data.relationships.keys()
