"""Multiple float paths in the window: set in Project Properties (one undoable step), computed with F9 off the GUI
thread, shown in the table's Float Path and Float Path Order columns, sortable; undone, they go away at the
next F9."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.calendar import Calendar
from bbschedule.core.enums import ActivityType, FloatPathBasis
from bbschedule.core.project import Project, Wbs
from bbschedule.core.project_data import ProjectData
from bbschedule.formats import project_json
from bbschedule.services.scheduling import float_paths, project_float_path_options
from bbschedule.ui.activity_model import ACTIVITY
from bbschedule.ui.application import build_window, make_application
from bbschedule.ui.columns import COLUMN_INDEX, COLUMNS
from bbschedule.ui.main_window import MainWindow
from bbschedule.ui.panels.project_properties import ProjectPropertiesDialog
from bbschedule.ui.worker import SynchronousPool

DAY = 8 * 60


def _project() -> ProjectData:
    """One WBS node (so that sorting orders every activity together) with two chains into F and an open end."""
    cal = Calendar("Standard", is_default=True)
    start = dt.datetime(2026, 3, 2, 8)
    project = Project("FP-01", "Float paths", start, data_date=start, default_calendar_id=cal.id)
    data = ProjectData(project, calendars={cal.id: cal})
    wbs = Wbs("1", "Works")
    data.wbs[wbs.id] = wbs
    acts: dict[str, Activity] = {}
    for code, days, kind in [
        ("S", 0, ActivityType.START_MILESTONE),
        ("A", 5, ActivityType.TASK),
        ("B", 3, ActivityType.TASK),
        ("C", 10, ActivityType.TASK),
        ("D", 1, ActivityType.TASK),
        ("F", 0, ActivityType.FINISH_MILESTONE),
        ("X", 2, ActivityType.TASK),
        ("Y", 4, ActivityType.TASK),
    ]:
        acts[code] = Activity(code, f"Activity {code}", cal.id, wbs_id=wbs.id, type=kind, original_duration=days * DAY)
        data.activities[acts[code].id] = acts[code]
    for pred, succ in ["SA", "SB", "AC", "BC", "CF", "SD", "DF", "SX", "XY"]:
        rel = Relationship(acts[pred].id, acts[succ].id)
        data.relationships[rel.id] = rel
    return data


@pytest.fixture
def window(qtbot: Any, tmp_path: Path) -> MainWindow:
    make_application()
    path = tmp_path / "fp.bbs.json"
    project_json.write(_project(), path)
    win = build_window(profile=tmp_path / "profile", open_path=path, pool=SynchronousPool(), interactive=False)
    qtbot.addWidget(win)
    win.resize(1400, 700)
    win.show()
    qtbot.waitUntil(lambda: win.session is not None and bool(win.session.data.computed))
    return win


def _press_f9(qtbot: Any, win: MainWindow) -> None:
    win.statusBar().clearMessage()
    win.window_actions.schedule.trigger()
    qtbot.waitUntil(lambda: win.statusBar().currentMessage().startswith("Scheduled FP-01"))


def _cells(win: MainWindow) -> dict[str, tuple[str, str]]:
    """Activity ID -> the texts of the Float Path and Float Path Order cells."""
    session = win.session
    assert session is not None
    model = win.activity_model
    out = {}
    for activity in session.data.activities.values():
        path = model.index_of(activity.id, COLUMN_INDEX["float_path"]).data()
        order = model.index_of(activity.id, COLUMN_INDEX["float_path_order"]).data()
        out[activity.code] = (path, order)
    return out


def _shown_codes(win: MainWindow) -> list[str]:
    session = win.session
    assert session is not None
    layout = win.activity_model.layout
    ids = [layout.ids[n] for n in layout.rows if layout.kind[n] == ACTIVITY]
    return [session.data.activities[i].code for i in ids]


def test_options_set_in_properties_give_float_path_columns_after_f9(qtbot: Any, window: MainWindow) -> None:
    session = window.session
    assert session is not None
    view = window.activity_view
    # The columns are offered in the column chooser (hidden until chosen), blank while the option is off.
    assert COLUMNS[COLUMN_INDEX["float_path"]].title.replace("\n", " ") == "Float Path"
    assert COLUMNS[COLUMN_INDEX["float_path_order"]].title.replace("\n", " ") == "Float Path Order"
    assert view.isColumnHidden(COLUMN_INDEX["float_path"])
    _press_f9(qtbot, window)
    assert set(_cells(window).values()) == {("", "")}

    dialog = ProjectPropertiesDialog(session, window)
    qtbot.addWidget(dialog)
    assert not dialog.float_path_count.isEnabled()  # P6 greys the details while the option is off
    dialog.multiple_float_paths.setChecked(True)
    assert dialog.float_path_count.isEnabled()
    dialog.float_path_by.setCurrentIndex(dialog.float_path_by.findData(FloatPathBasis.FREE_FLOAT.value))
    dialog.float_path_count.setValue(5)
    dialog.accept()
    options = session.data.project.options
    assert (options.multiple_float_paths, options.float_path_count, options.float_path_end_activity_id) == (
        True,
        5,
        None,
    )
    assert options.float_path_by is FloatPathBasis.FREE_FLOAT
    assert session.history.undo_label == "Edit project properties"

    _press_f9(qtbot, window)
    assert "float paths" in window.statusBar().currentMessage()
    view.setColumnHidden(COLUMN_INDEX["float_path"], False)  # what the header menu's check does
    view.setColumnHidden(COLUMN_INDEX["float_path_order"], False)
    # What the service computes from the same project and settings, activity by activity.
    expected = float_paths(session.data, options=project_float_path_options(session.data))  # type: ignore[arg-type]
    codes = {a.id: a.code for a in session.data.activities.values()}
    want = dict.fromkeys(codes.values(), ("", ""))
    want.update({codes[i]: (str(p), str(o)) for i, (p, o) in expected.items()})
    assert _cells(window) == want
    assert len({p for p, _ in expected.values()}) >= 2  # the open end X-Y makes a second path

    # Sorted by Float Path: each path first to last, path 1 first, activities on no path last.
    view.sortByColumn(COLUMN_INDEX["float_path"], Qt.SortOrder.AscendingOrder)
    shown = _shown_codes(window)
    on_path = sorted((expected[i], codes[i]) for i in expected)
    assert shown[: len(on_path)] == [code for _, code in on_path]
    view.sortByColumn(COLUMN_INDEX["float_path_order"], Qt.SortOrder.DescendingOrder)
    orders = [int(_cells(window)[c][1]) for c in _shown_codes(window) if _cells(window)[c][1]]
    assert orders == sorted(orders, reverse=True)

    # Ending at an activity, typed by its Activity ID.
    dialog = ProjectPropertiesDialog(session, window)
    qtbot.addWidget(dialog)
    assert dialog.multiple_float_paths.isChecked()
    dialog.float_path_end.setText("C")
    dialog.accept()
    c = session.data.activity_by_code("C")
    assert c is not None
    assert session.data.project.options.float_path_end_activity_id == c.id
    _press_f9(qtbot, window)
    cells = _cells(window)
    assert cells["C"][0] == "1"
    assert cells["Y"] == ("", "")  # X-Y does not lead to C
    assert cells["F"] == ("", "")

    # Undo the option changes: the next F9 leaves the columns blank.
    session.undo()
    assert session.data.project.options.float_path_end_activity_id is None
    session.undo()
    assert not session.data.project.options.multiple_float_paths
    _press_f9(qtbot, window)
    assert set(_cells(window).values()) == {("", "")}


def test_an_unknown_ending_activity_is_refused_in_the_dialog(qtbot: Any, window: MainWindow) -> None:
    session = window.session
    assert session is not None
    dialog = ProjectPropertiesDialog(session, window)
    qtbot.addWidget(dialog)
    dialog.multiple_float_paths.setChecked(True)
    dialog.float_path_end.setText("NO-SUCH")
    dialog.accept()
    assert "NO-SUCH" in dialog.message.text()
    assert not session.history.can_undo
    assert not session.data.project.options.multiple_float_paths
    # With the option off, a stale entry is no error and changes nothing.
    dialog.multiple_float_paths.setChecked(False)
    assert dialog.command() is None


def test_other_options_are_kept_when_the_dialog_applies(qtbot: Any, window: MainWindow) -> None:
    """The dialog replaces the fields it shows and keeps the rest (ignore_external_links, the path settings)."""
    session = window.session
    assert session is not None
    dialog = ProjectPropertiesDialog(session, window)
    qtbot.addWidget(dialog)
    dialog.multiple_float_paths.setChecked(True)
    dialog.float_path_count.setValue(3)
    dialog.accept()
    again = ProjectPropertiesDialog(session, window)
    qtbot.addWidget(again)
    assert again.command() is None
    assert again.float_path_count.value() == 3
    again.name.setText("Renamed")
    again.accept()
    assert session.data.project.options.float_path_count == 3
    assert session.data.project.options.multiple_float_paths


def test_the_paths_are_forgotten_with_another_project(qtbot: Any) -> None:
    from bbschedule.services.session import ProjectSession
    from bbschedule.ui.activity_model import ActivityTreeModel

    first, second = ProjectSession(_project()), ProjectSession(_project())
    model = ActivityTreeModel(first)
    some = next(iter(first.data.activities))
    model.set_float_paths({some: (1, 1)})
    model.set_session(first)  # the same project shown again (a pull, a new view): the paths stay
    assert model.index_of(some, COLUMN_INDEX["float_path"]).data() == "1"
    model.set_session(second)
    assert model.float_paths == {}


def test_group_by_float_path_after_f9(qtbot: Any, window: MainWindow) -> None:
    from bbschedule.core.commands import SetProjectField
    from bbschedule.ui.activity_model import GROUP

    session = window.session
    assert session is not None
    options = session.data.project.options
    on = dataclasses.replace(options, multiple_float_paths=True, float_path_by=FloatPathBasis.FREE_FLOAT)
    session.apply(SetProjectField("options", on))
    choice = next(a for a in window.group_menu.choices() if a.text().replace("&", "") == "Group by Float Path")
    choice.trigger()
    assert choice.isChecked()
    _press_f9(qtbot, window)
    expected = float_paths(session.data, options=project_float_path_options(session.data))  # type: ignore[arg-type]
    codes = {a.id: a.code for a in session.data.activities.values()}
    want: dict[str, list[str]] = {}
    for activity_id, (number, _) in sorted(expected.items(), key=lambda item: item[1]):
        want.setdefault(f"Float Path {number}", []).append(codes[activity_id])
    rest = sorted(codes[i] for i in codes if i not in expected)
    if rest:
        want["Not on a float path"] = rest
    layout = window.activity_model.layout
    shown: dict[str, list[str]] = {}
    label = ""
    for node in layout.rows:
        if layout.kind[node] == GROUP:
            label = layout.labels[node]
            shown[label] = []
        else:
            shown[label].append(codes[layout.ids[node]])
    assert list(shown) == list(want)  # path 1 first, those on no path last
    assert shown == want
    window._refresh_group_menu()  # the menu still shows the choice after a project change
    assert next(a for a in window.group_menu.choices() if a.isChecked()).text() == "Group by &Float Path"


def test_a_table_layout_saved_before_these_columns_keeps_them_hidden(qtbot: Any, window: MainWindow) -> None:
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QTableView

    view, path, order = window.activity_view, COLUMN_INDEX["float_path"], COLUMN_INDEX["float_path_order"]
    old = QTableView()  # a header saved by a build without the two columns (Qt shows sections it did not know)
    qtbot.addWidget(old)
    old.setModel(QStandardItemModel(1, len(COLUMNS) - 2))
    window.settings.setValue("table/header", old.horizontalHeader().saveState())
    window.settings.remove("table/columns")
    window.restore_settings()
    assert view.isColumnHidden(path)
    assert view.isColumnHidden(order)
    view.setColumnHidden(path, False)  # chosen by the planner: shown again next time
    window.save_settings()
    view.setColumnHidden(path, True)
    window.restore_settings()
    assert not view.isColumnHidden(path)
    assert view.isColumnHidden(order)
