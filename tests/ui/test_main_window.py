"""The main window end to end: a project imported from a real file, cell edits through the keyboard, undo and
redo with their labels, refusals in the status bar, add/delete/link, and settings that persist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRunnable, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from bbschedule.core.commands import AddRelationship, SetActivityDuration
from bbschedule.core.enums import RelationshipType
from bbschedule.core.project_data import ProjectData
from bbschedule.formats import project_json
from bbschedule.formats.registry import ReadOptions
from bbschedule.ui import roles
from bbschedule.ui.application import build_window, make_application
from bbschedule.ui.columns import COLUMN_INDEX
from bbschedule.ui.dialogs import RelationshipDialog
from bbschedule.ui.main_window import MainWindow
from bbschedule.ui.worker import SynchronousPool


def _plain(text: str) -> str:
    return text.replace("&", "")


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


def _type_into(qtbot: Any, win: MainWindow, code: str, column: str, text: str) -> None:
    session = win.session
    assert session is not None
    activity = session.data.activity_by_code(code)
    assert activity is not None
    index = win.activity_model.index_of(activity.id, COLUMN_INDEX[column])
    win.activity_view.setCurrentIndex(index)
    win.activity_view.edit(index)
    editors = [e for e in win.activity_view.findChildren(QLineEdit) if e.isVisible()]  # not the closed ones
    assert len(editors) == 1
    editor = editors[0]
    editor.setText(text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits through a queued call, as it does for a planner at the keyboard.
    qtbot.waitUntil(lambda: win.activity_view.state() != win.activity_view.State.EditingState)


def test_cell_edit_undo_redo_with_labels(qtbot: Any, window: MainWindow) -> None:
    session = window.session
    assert session is not None
    a1010 = session.data.activity_by_code("A1010")
    assert a1010 is not None
    assert _plain(window.window_actions.undo.text()) == "Undo"
    assert not window.window_actions.undo.isEnabled()

    _type_into(qtbot, window, "A1010", "original_duration", "7d")
    assert session.data.activities[a1010.id].original_duration == 7 * 8 * 60
    assert _plain(window.window_actions.undo.text()) == "Undo Change original duration"
    cell = window.activity_model.index_of(a1010.id, COLUMN_INDEX["original_duration"])
    assert cell.data() == "7d"

    window.window_actions.undo.trigger()
    assert session.data.activities[a1010.id].original_duration == 5 * 8 * 60
    assert cell.data() == "5d"
    assert _plain(window.window_actions.redo.text()) == "Redo Change original duration"
    assert _plain(window.window_actions.undo.text()) == "Undo"

    window.window_actions.redo.trigger()
    assert session.data.activities[a1010.id].original_duration == 7 * 8 * 60
    assert cell.data() == "7d"


def test_name_and_actual_start_edits(qtbot: Any, window: MainWindow) -> None:
    session = window.session
    assert session is not None
    _type_into(qtbot, window, "A1020", "name", "Bulk excavation and cart away")
    _type_into(qtbot, window, "A1020", "actual_start", "09-Mar-26")
    a1020 = session.data.activity_by_code("A1020")
    assert a1020 is not None
    assert a1020.name == "Bulk excavation and cart away"
    assert a1020.actual_start is not None
    assert (a1020.actual_start.day, a1020.actual_start.hour) == (9, 8)  # the calendar's first working hour
    start = window.activity_model.index_of(a1020.id, COLUMN_INDEX["start"]).data()
    assert start == "09-Mar-26 A"


def test_bad_value_is_refused_in_the_status_bar(qtbot: Any, window: MainWindow) -> None:
    session = window.session
    assert session is not None
    before = dict(session.data.activities)
    _type_into(qtbot, window, "A1010", "original_duration", "soon")
    assert "not a duration" in window.statusBar().currentMessage()
    _type_into(qtbot, window, "A1010", "actual_finish", "31-Feb-26")
    assert "not a date" in window.statusBar().currentMessage()
    assert session.data.activities == before
    assert not session.history.can_undo


def test_calendar_combo_sets_the_calendar_through_a_command(window: MainWindow) -> None:
    session = window.session
    assert session is not None
    a1010 = session.data.activity_by_code("A1010")
    assert a1010 is not None
    six_day = next(c for c in session.data.calendars.values() if c.name == "6-Day Concrete")
    cell = window.activity_model.index_of(a1010.id, COLUMN_INDEX["calendar"])
    choices = cell.data(roles.CHOICES)
    assert (six_day.name, six_day.id) in choices
    assert window.activity_model.setData(cell, six_day.id, roles.EDIT)
    assert session.data.activities[a1010.id].calendar_id == six_day.id
    assert cell.data() == "6-Day Concrete"


def test_insert_and_delete_activity_are_undoable(window: MainWindow) -> None:
    session = window.session
    assert session is not None
    a1010 = session.data.activity_by_code("A1010")
    assert a1010 is not None
    count = len(session.data.activities)
    window.activity_view.select_ids([a1010.id])
    window.window_actions.add_activity.trigger()
    assert len(session.data.activities) == count + 1
    new = [a for a in session.data.activities.values() if a.name == "New Activity"]
    assert len(new) == 1
    assert new[0].wbs_id == a1010.wbs_id
    assert new[0].code == "A1011"  # A1020 is taken: the new one sorts right after A1010
    assert window.status_count.text() == f"{count + 1} activities"

    window.activity_view.select_ids([new[0].id, a1010.id])
    assert window.activity_view.selected_ids() == [a1010.id, new[0].id]
    window.window_actions.delete_activity.trigger()
    assert len(session.data.activities) == count - 1
    assert _plain(window.window_actions.undo.text()) == "Undo Delete activity (2)"
    window.window_actions.undo.trigger()
    assert a1010.id in session.data.activities
    assert window.activity_model.index_of(a1010.id).isValid()


def test_add_relationship_from_the_dialog(window: MainWindow) -> None:
    session = window.session
    assert session is not None
    first = session.data.activity_by_code("A1010")
    last = session.data.activity_by_code("A1040")
    assert first is not None
    assert last is not None
    dialog = RelationshipDialog(session.data, predecessor=first.id, successor=last.id, parent=window)
    dialog.type.setCurrentIndex(dialog.type.findData("FF"))
    dialog.lag.setText("-2d")
    relationship = dialog.relationship()
    assert (relationship.type, relationship.lag) == (RelationshipType.FF, -2 * 8 * 60)
    window.apply(AddRelationship(relationship))
    assert relationship.id in session.data.relationships
    # A link back would close a loop: refused, named, nothing changed.
    dialog = RelationshipDialog(session.data, predecessor=last.id, successor=first.id, parent=window)
    window.apply(AddRelationship(dialog.relationship()))
    assert "loop" in window.statusBar().currentMessage()


def test_column_widths_and_window_state_persist(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    window.activity_view.setColumnWidth(COLUMN_INDEX["name"], 333)
    window.activity_view.setColumnHidden(COLUMN_INDEX["late_start"], True)
    window.close()
    again = build_window(profile=tmp_path / "profile", open_path=None, pool=SynchronousPool())
    qtbot.addWidget(again)
    again.restore_settings()
    assert again.activity_view.columnWidth(COLUMN_INDEX["name"]) == 333
    assert again.activity_view.isColumnHidden(COLUMN_INDEX["late_start"])


def test_status_bar_names_project_data_date_and_selection(window: MainWindow) -> None:
    session = window.session
    assert session is not None
    assert window.status_project.text() == "BLD-01  Office Block"
    assert window.status_data_date.text() == "Data date 02-Mar-26"
    ids = [a.id for a in list(session.data.activities.values())[:2]]
    window.activity_view.select_ids(ids)
    assert window.status_selection.text() == "2 selected"


def test_import_schedules_and_f9_reschedules(qtbot: Any, window: MainWindow) -> None:
    session = window.session
    assert session is not None
    # The file carries no dates: opening it schedules at once, off the GUI thread.
    qtbot.waitUntil(lambda: bool(session.data.computed))
    a1040 = session.data.activity_by_code("A1040")
    assert a1040 is not None
    early_finish = window.activity_model.index_of(a1040.id, COLUMN_INDEX["early_finish"])
    assert early_finish.data() == window.activity_model.index_of(a1040.id, COLUMN_INDEX["finish"]).data()
    assert early_finish.data() != ""
    before = early_finish.data()
    _type_into(qtbot, window, "A1020", "original_duration", "25d")  # A1020 drives A1030 (FS), then A1040
    window.statusBar().clearMessage()
    window.window_actions.schedule.trigger()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Scheduled BLD-01"))
    assert early_finish.data() != before


class _HeldPool:
    """Runs the window's long work in place, or, while `holding`, keeps it until released (a busy pool thread)."""

    def __init__(self) -> None:
        self.holding = False
        self.held: list[QRunnable] = []

    def start(self, runnable: QRunnable, /) -> None:
        if self.holding:
            self.held.append(runnable)
        else:
            runnable.run()

    def release(self) -> None:
        while self.held:
            self.held.pop(0).run()


def test_f9_schedules_the_project_as_it_was_when_pressed(qtbot: Any, tmp_path: Path, project: ProjectData) -> None:
    """The scheduler works on a copy made on the GUI thread: an edit made while it runs cannot race it."""
    make_application()
    path = tmp_path / "office.bbs.json"
    project_json.write(project, path)
    pool = _HeldPool()
    win = build_window(profile=tmp_path / "profile", open_path=path, pool=pool, interactive=False)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.session is not None and bool(win.session.data.computed))
    session = win.session
    assert session is not None
    activity = session.data.activity_by_code("A1020")
    assert activity is not None
    finish_as_pressed = session.data.computed[activity.id].early_finish
    pool.holding = True
    win.window_actions.schedule.trigger()
    assert pool.held, "F9 hands its work to the pool"
    session.apply(SetActivityDuration(activity.id, "original_duration", activity.original_duration + 5 * 480))
    win.statusBar().clearMessage()
    pool.release()
    qtbot.waitUntil(lambda: win.statusBar().currentMessage().startswith("Scheduled BLD-01"))
    assert session.data.computed[activity.id].early_finish == finish_as_pressed


def test_edits_and_undo_history_survive_reopening(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    _type_into(qtbot, window, "A1020", "name", "Bulk dig")
    _type_into(qtbot, window, "A1020", "remaining_duration", "4d")
    window.window_actions.save.trigger()
    window.close()
    again = build_window(profile=tmp_path / "profile", open_path=None, pool=SynchronousPool())
    qtbot.addWidget(again)
    session = again.session
    assert session is not None
    a1020 = session.data.activity_by_code("A1020")
    assert a1020 is not None
    assert (a1020.name, a1020.remaining_duration) == ("Bulk dig", 4 * 8 * 60)
    assert _plain(again.window_actions.undo.text()) == "Undo Change remaining duration"
    again.window_actions.undo.trigger()
    again.window_actions.undo.trigger()
    assert session.data.activities[a1020.id].name == "Bulk excavation"


def test_import_on_a_pool_thread_into_the_cache(qtbot: Any, tmp_path: Path, project: ProjectData) -> None:
    make_application()
    path = tmp_path / "office.bbs.json"
    project_json.write(project, path)
    win = build_window(profile=tmp_path / "threaded", open_path=path)  # the real QThreadPool
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.session is not None and bool(win.session.data.computed), timeout=30_000)
    assert win.status_count.text() == "5 activities"
    assert [p.code for p in win.workspace.list_projects()] == ["BLD-01"]


def test_importing_a_project_twice_keeps_the_cached_one(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    # Not interactive (no question box): the clash is reported and the cached project stays as edited.
    session = window.session
    assert session is not None
    _type_into(qtbot, window, "A1010", "name", "Site set-up and hoarding")
    window.import_path(tmp_path / "office.bbs.json")
    qtbot.waitUntil(lambda: "Could not import" in window.statusBar().currentMessage())
    assert "in the local cache already" in window.statusBar().currentMessage()
    assert session.data.activity_by_code("A1010").name == "Site set-up and hoarding"  # type: ignore[union-attr]


def test_details_panel_follows_the_current_row(window: MainWindow) -> None:
    session = window.session
    assert session is not None
    a1030 = session.data.activity_by_code("A1030")
    assert a1030 is not None
    window.activity_view.setCurrentIndex(window.activity_model.index_of(a1030.id, 1))
    assert window.details.activity_id == a1030.id
    window.activity_view.setCurrentIndex(window.activity_model.index(0, 1))  # a WBS row
    assert window.details.activity_id is None


def test_export_writes_a_file_that_reads_back(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    session = window.session
    assert session is not None
    assert window.window_actions.import_report.isEnabled()
    out = tmp_path / "export.bbs.json"
    window.tasks.export(out)
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage())
    again = project_json.read(out, options=ReadOptions()).pick()
    assert {a.code for a in again.activities.values()} == {a.code for a in session.data.activities.values()}
    assert "Exported BLD-01" in window.statusBar().currentMessage()
    assert window.tasks.last_report is not None
    assert window.tasks.last_report.direction == "export"
    assert window.tasks.last_report.counts["activities"] == len(session.data.activities)


def test_insert_and_delete_keys_act_on_the_table_but_not_inside_an_editor(qtbot: Any, window: MainWindow) -> None:
    session = window.session
    assert session is not None
    view = window.activity_view
    count = len(session.data.activities)
    a1010 = session.data.activity_by_code("A1010")
    assert a1010 is not None
    window.activateWindow()  # shortcuts of the table act only while it has the focus
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    view.select_ids([a1010.id])
    qtbot.keyClick(view, Qt.Key.Key_Insert)
    assert len(session.data.activities) == count + 1
    # The new row opens its name for typing: Delete there edits text, it does not delete activities.
    editors = [e for e in view.findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1
    qtbot.keyClick(editors[0], Qt.Key.Key_Delete)
    assert len(session.data.activities) == count + 1
    qtbot.keyClick(editors[0], Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert len(session.data.activities) == count


def test_copy_puts_the_selected_rows_on_the_clipboard(window: MainWindow) -> None:
    session = window.session
    assert session is not None
    ids = [a.id for a in session.data.activities.values() if a.code in ("A1010", "A1030")]
    window.activity_view.select_ids(ids)
    window.window_actions.copy.trigger()
    lines = QApplication.clipboard().text().splitlines()
    assert lines[0].split("\t")[:3] == ["Activity ID", "Activity Name", "Activity Type"]
    assert [line.split("\t")[0] for line in lines[1:]] == ["A1010", "A1030"]
    assert lines[1].split("\t")[3] == "5d"


def test_project_tree_opens_another_project(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    from bbschedule.ui.resources import sample_projects

    first = window.session
    assert first is not None
    window.import_path(sample_projects()[0], open_after=False)
    model = window.project_model
    qtbot.waitUntil(lambda: model.rowCount() == 2)  # the tree lists it once the import has reported back
    sample = next(
        model.index(r, 0)
        for r in range(model.rowCount())
        if model.index(r, 0).data(roles.OBJECT_ID) != first.project_id
    )
    target = sample.data(roles.OBJECT_ID)
    window.on_project_tree_double_clicked(sample)
    session = window.session
    assert session is not None
    assert session.project_id == target
    assert window.status_count.text() == f"{len(session.data.activities)} activities"
    assert window.activity_model.rowCount() > 0
    assert window.windowTitle().startswith(session.data.project.code)
    # Edits go to the project now shown, and the first keeps its own history.
    assert not session.history.can_undo


def test_calendar_is_chosen_in_a_combo_box_in_the_cell(qtbot: Any, window: MainWindow) -> None:
    from PySide6.QtWidgets import QComboBox

    session = window.session
    assert session is not None
    a1020 = session.data.activity_by_code("A1020")
    assert a1020 is not None
    index = window.activity_model.index_of(a1020.id, COLUMN_INDEX["calendar"])
    view = window.activity_view
    view.setCurrentIndex(index)
    view.edit(index)
    combos = [c for c in view.findChildren(QComboBox) if c.isVisible()]
    assert len(combos) == 1
    combo = combos[0]
    assert combo.currentText() == "5-Day Site"  # opens on the current calendar
    combo.setCurrentIndex(combo.findText("6-Day Concrete"))
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState)
    calendar = session.data.calendars[session.data.activities[a1020.id].calendar_id]
    assert calendar.name == "6-Day Concrete"
    assert _plain(window.window_actions.undo.text()) == "Undo Change calendar id"


def test_default_layout_brings_back_hidden_columns_and_docks(window: MainWindow) -> None:
    window.activity_view.setColumnHidden(COLUMN_INDEX["calendar"], True)
    window.activity_view.setColumnWidth(COLUMN_INDEX["name"], 40)
    window.project_dock.hide()
    window.window_actions.reset_layout.trigger()
    assert not window.activity_view.isColumnHidden(COLUMN_INDEX["calendar"])
    assert window.activity_view.columnWidth(COLUMN_INDEX["name"]) > 200
    assert window.project_dock.isVisible()


def test_double_clicking_a_gantt_bar_opens_its_details(window: MainWindow) -> None:
    assert window.session is not None
    activity = sorted(window.session.data.activities.values(), key=lambda a: a.code)[2]
    window.gantt.chart.sig_bar_double_clicked.emit(activity.id)
    assert window.details.activity_id == activity.id
    assert not window.details_dock.isHidden()
    assert window.activity_view.selected_ids() == [activity.id]


def test_restore_from_backup_brings_back_the_projects_and_keeps_a_backup_of_now(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    from bbschedule.core.commands import SetActivityField
    from bbschedule.services.backups import backups
    from bbschedule.storage.backup import backup_now
    from bbschedule.storage.paths import backup_dir, cache_path
    from bbschedule.ui.backup_dialog import BackupDialog

    profile = window.workspace.profile
    assert window.session is not None
    activity = sorted(window.session.data.activities.values(), key=lambda a: a.code)[0]
    saved = backup_now(cache_path(profile), backup_dir(profile))
    window.session.apply(SetActivityField(activity.id, "name", "Renamed after the backup"))
    dialog = BackupDialog(profile)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1
    dialog.accept()
    assert dialog.chosen == saved
    window.restore_from(saved)
    assert window.session is not None
    assert window.session.data.activities[activity.id].name == activity.name
    names = [b.path.name for b in backups(profile)]
    assert any("before-restore" in name for name in names)


def test_scheduled_backup_runs_off_the_gui_thread(qtbot: Any, window: MainWindow) -> None:
    from bbschedule.services.backups import backups

    window.start_scheduled_backups(every_ms=60_000)
    qtbot.waitUntil(lambda: len(backups(window.workspace.profile)) == 1, timeout=10_000)


def test_driving_path_is_selected_on_demand(qtbot: Any, window: MainWindow) -> None:
    from bbschedule.services.scheduling import driving_path

    session = window.session
    assert session is not None
    with_preds = {r.successor_id for r in session.data.relationships.values()}
    target = max((a for a in session.data.activities.values() if a.id in with_preds), key=lambda a: a.code)
    qtbot.waitUntil(lambda: not window.runner.busy)  # the schedule run that followed the import has settled
    window.tasks.show_driving_path(target.id)
    qtbot.waitUntil(lambda: bool(window.activity_view.selected_ids()))
    selected = set(window.activity_view.selected_ids())
    expected = set(driving_path(session.data, target.id))
    assert target.id in selected
    assert len(selected) > 1
    assert selected == expected
    assert "Driving path" in window.statusBar().currentMessage()


def test_a_file_with_several_projects_lets_the_planner_choose(
    qtbot: Any, window: MainWindow, samples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    offered: list[list[str]] = []

    def pick_the_second(*args: Any) -> tuple[str, bool]:
        labels = list(args[3])
        offered.append(labels)
        return labels[1], True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(pick_the_second))
    window.interactive = True
    qtbot.waitUntil(lambda: not window.runner.busy)
    window.tasks.import_path(samples_dir / "xer" / "jaggelas_test.xer")
    qtbot.waitUntil(
        lambda: bool(offered) and window.session is not None and window.session.data.project.code in offered[0][1]
    )
    assert len(offered[0]) == 2
    assert window.session is not None
    assert len(window.session.data.activities) < int(offered[0][0].rsplit("(", 1)[1].split()[0])
