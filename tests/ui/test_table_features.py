"""The planner's table features: filters (and the Gantt following them), grouping by an activity code, bulk edit
as one undoable command, spreadsheet keys and header sorting within groups. Real window, real scheduler."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QLineEdit

from bbschedule.core.codes import ActivityCodeType, ActivityCodeValue
from bbschedule.core.project_data import ProjectData
from bbschedule.formats import project_json
from bbschedule.services.filters import ActivityFilter
from bbschedule.services.scheduling import schedule_session
from bbschedule.services.session import ProjectSession
from bbschedule.ui import roles
from bbschedule.ui.activity_model import ActivityTreeModel
from bbschedule.ui.activity_view import ActivityView
from bbschedule.ui.application import build_window, make_application
from bbschedule.ui.columns import COLUMN_INDEX
from bbschedule.ui.main_window import MainWindow
from bbschedule.ui.worker import SynchronousPool


def _add_phase_codes(data: ProjectData) -> ActivityCodeType:
    """A 'Phase' code: A1000 and A1030 in 'Design', A1010 in 'Build', the rest without a value."""
    phase = ActivityCodeType("Phase")
    design = ActivityCodeValue(phase.id, "DES", "Design", sequence=1)
    build = ActivityCodeValue(phase.id, "BLD", "Build", sequence=2)
    data.code_types[phase.id] = phase
    data.code_values.update({design.id: design, build.id: build})
    for code, value in (("A1000", design), ("A1030", design), ("A1010", build)):
        activity = data.activity_by_code(code)
        assert activity is not None
        data.activities[activity.id] = type(activity)(**{**_fields(activity), "codes": {phase.id: value.id}})
    return phase


def _fields(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__dataclass_fields__}


@pytest.fixture
def window(qtbot: Any, tmp_path: Path, project: ProjectData) -> MainWindow:
    make_application()
    _add_phase_codes(project)
    path = tmp_path / "office.bbs.json"
    project_json.write(project, path)
    win = build_window(profile=tmp_path / "profile", open_path=path, pool=SynchronousPool(), interactive=False)
    qtbot.addWidget(win)
    win.resize(1400, 800)
    win.show()
    qtbot.waitUntil(lambda: win.session is not None)
    assert win.session is not None
    schedule_session(win.session)
    return win


def _visible_rows(view: ActivityView) -> list[QModelIndex]:
    model = view.model()
    return [model.index(r, 0) for r in range(model.rowCount())]


def _top(model: ActivityTreeModel) -> list[str]:
    """The top-level group rows' texts (depth 0)."""
    return [str(model.index_of(i).data()) for i in model.children_ids(None)]


def _visible_activity_ids(view: ActivityView, model: ActivityTreeModel) -> list[str]:
    return [str(model.object_id(i)) for i in _visible_rows(view) if model.is_activity(i)]


def _codes(session: ProjectSession, ids: list[str]) -> list[str]:
    return [session.data.activities[i].code for i in ids]


# -- 1. filters ---------------------------------------------------------------------------------------------------


def test_filter_critical_shows_only_critical_and_the_gantt_follows(qtbot: Any, window: MainWindow) -> None:
    session, view, model = window.session, window.activity_view, window.activity_model
    assert session is not None
    critical = {i for i, c in session.data.computed.items() if c.critical}
    assert critical  # the test means something: some critical, some not
    assert len(critical) < len(session.data.activities)

    window.filter_bar.critical.setChecked(True)
    shown = _visible_activity_ids(view, model)
    assert set(shown) == critical
    total = len(session.data.activities)
    assert window.status_count.text() == f"{len(critical)} of {total} activities shown"
    assert window.filter_bar.shown.text() == f"{len(critical)} of {total} activities shown"
    # No WBS group is left empty.
    for index in _visible_rows(view):
        if not model.is_activity(index):
            assert model.children_ids(model.object_id(index))

    # The Gantt paints the same activity rows as the table shows, top to bottom.
    chart = window.gantt.chart
    qtbot.waitUntil(lambda: chart.bar(shown[0]) is not None)
    rows, _slots = chart.visible_slots(chart.body.height())
    assert [r.key for r in rows if r.key in session.data.activities] == shown

    window.filter_bar.reset()
    assert len(_visible_activity_ids(view, model)) == total
    assert window.status_count.text() == f"{total} activities"
    rows, _slots = chart.visible_slots(chart.body.height())
    assert [r.key for r in rows if r.key in session.data.activities] == _visible_activity_ids(view, model)


def test_text_search_and_status_filter(qtbot: Any, window: MainWindow) -> None:
    session, view, model = window.session, window.activity_view, window.activity_model
    assert session is not None
    qtbot.keyClicks(window.filter_bar.search, "EXCAV")
    qtbot.waitUntil(lambda: not model.activity_filter.is_empty)  # after the typing pause
    assert _codes(session, _visible_activity_ids(view, model)) == ["A1020"]
    # Its WBS path stays (Site Works > Earthworks) so the planner sees where it is; Structure is gone.
    assert _top(model) == ["1"]

    window.filter_bar.search.clear()
    window.filter_bar.emit_filter()
    window.filter_bar.status.setCurrentIndex(3)  # complete: nothing has progress
    assert _visible_activity_ids(view, model) == []
    window.filter_bar.status.setCurrentIndex(1)  # not started: every one
    assert len(_visible_activity_ids(view, model)) == len(session.data.activities)


def test_filtered_model_passes_the_model_tester(qtmodeltester: Any, session: ProjectSession) -> None:
    schedule_session(session)
    model = ActivityTreeModel(session)
    model.set_filter(ActivityFilter(critical_only=True))
    assert 0 < model.shown_count() < len(session.data.activities)
    qtmodeltester.check(model, force_py=True)


def test_edits_while_filtered_keep_the_model_consistent(qtmodeltester: Any, session: ProjectSession) -> None:
    from bbschedule.core.activity import Activity
    from bbschedule.core.commands import AddActivity, DeleteActivity, SetField

    model = ActivityTreeModel(session)
    model.set_filter(ActivityFilter(text="excavation"))
    hidden = session.data.activity_by_code("A1030")
    assert hidden is not None
    assert not model.index_of(hidden.id).isValid()
    session.apply(SetField("activity", (hidden.id,), "name", "Pile caps east"))  # off screen: no error
    session.apply(DeleteActivity(hidden.id))
    assert model.shown_count() == 1
    frame = next(w for w in session.data.wbs.values() if w.code == "2")
    added = Activity("A2000", "Cranes", session.data.default_calendar().id, wbs_id=frame.id)
    session.apply(AddActivity(added))  # lands in a WBS the filter hid: shown anyway, as the planner just made it
    assert model.index_of(added.id).isValid()
    assert model.shown_count() == 2
    qtmodeltester.check(model, force_py=True)


# -- 2. group by activity code -----------------------------------------------------------------------------------


def test_group_by_code_from_the_view_menu(qtmodeltester: Any, window: MainWindow) -> None:
    session, view, model = window.session, window.activity_view, window.activity_model
    assert session is not None
    choices = {a.text(): a for a in window.group_menu.choices()}
    assert set(choices) == {"Group by &WBS", "Group by &Float Path", "Group by Phase"}
    assert choices["Group by &WBS"].isChecked()

    choices["Group by Phase"].trigger()
    groups = {
        model.index_of(group).data(): [session.data.activities[i].code for i in model.children_ids(group)]
        for group in model.children_ids(None)
    }
    assert groups == {"DES Design": ["A1000", "A1030"], "BLD Build": ["A1010"], "(no value)": ["A1020", "A1040"]}
    group = model.index(0, COLUMN_INDEX["name"])
    assert not (model.flags(group) & Qt.ItemFlag.ItemIsEditable)
    assert not model.setData(model.index(0, 0), "X", roles.EDIT)
    assert model.index(0, COLUMN_INDEX["start"]).data()  # the group rolls up its activities' dates
    qtmodeltester.check(model, force_py=True)
    from bbschedule.ui.gantt.bars import BarKind

    design = str(model.object_id(model.index(0, 0)))
    bar = window.gantt.chart.bar(design)  # the Gantt draws the code group's summary bar from the same roll-up
    assert bar is not None
    assert (bar.kind, bar.label) == (BarKind.SUMMARY, "DES Design")
    members = [session.data.computed[i] for i in model.children_ids(design)]
    assert bar.start == min(c.early_start for c in members if c.early_start is not None)

    # Group and filter together; then back to the WBS.
    window.filter_bar.critical.setChecked(True)
    critical = {i for i, c in session.data.computed.items() if c.critical}
    assert set(_visible_activity_ids(view, model)) == critical
    choices["Group by &WBS"].trigger()
    assert model.grouping is None
    assert model.index(0, 0).data() == "1"


def test_grouped_model_follows_a_code_change(qtmodeltester: Any, session: ProjectSession) -> None:
    from bbschedule.core.activity import Activity
    from bbschedule.core.commands import AddActivity, SetField

    phase = _add_phase_codes(session.data)
    model = ActivityTreeModel(session)
    model.set_grouping(phase.id)
    a1020 = session.data.activity_by_code("A1020")
    build = next(v for v in session.data.code_values.values() if v.code == "BLD")
    assert a1020 is not None
    session.apply(SetField("activity", (a1020.id,), "codes", {phase.id: build.id}))
    assert model.index_of(str(model.parent_id(a1020.id))).data() == "BLD Build"
    added = Activity("A2000", "Cranes", session.data.default_calendar().id, codes={phase.id: build.id})
    session.apply(AddActivity(added))
    assert model.index_of(str(model.parent_id(added.id))).data() == "BLD Build"
    session.undo()
    assert not model.index_of(added.id).isValid()
    qtmodeltester.check(model, force_py=True)


# -- 3. bulk edit ------------------------------------------------------------------------------------------------


def test_bulk_edit_changes_every_selected_activity_in_one_undo(qtbot: Any, window: MainWindow) -> None:
    session, view, model = window.session, window.activity_view, window.activity_model
    assert session is not None
    chosen = [a for a in session.data.activities.values() if a.code in ("A1010", "A1020", "A1030")]
    before = {a.id: a.original_duration for a in chosen}
    view.select_ids([a.id for a in chosen])
    cell = model.index_of(chosen[0].id, COLUMN_INDEX["original_duration"])
    view.selectionModel().setCurrentIndex(cell, view.selectionModel().SelectionFlag.NoUpdate)
    view.edit(cell)
    editor = next(e for e in view.findChildren(QLineEdit) if e.isVisible())
    editor.setText("12d")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState)

    after = {a.id: session.data.activities[a.id].original_duration for a in chosen}
    for activity in chosen:  # twelve days of each activity's own calendar
        calendar = session.data.calendars[activity.calendar_id]
        assert after[activity.id] == round(12 * calendar.hours_per_day * 60)
    assert after != before
    assert session.history.undo_label == "Change original duration of 3 activities"
    window.window_actions.undo.trigger()
    assert {a.id: session.data.activities[a.id].original_duration for a in chosen} == before
    assert not session.history.can_undo


def test_one_row_selected_edits_only_that_row(qtbot: Any, window: MainWindow) -> None:
    session, view, model = window.session, window.activity_view, window.activity_model
    assert session is not None
    a1010 = session.data.activity_by_code("A1010")
    assert a1010 is not None
    durations = {a.id: a.original_duration for a in session.data.activities.values() if a.id != a1010.id}
    cell = model.index_of(a1010.id, COLUMN_INDEX["original_duration"])
    view.setCurrentIndex(cell)
    view.edit(cell)
    editor = next(e for e in view.findChildren(QLineEdit) if e.isVisible())
    editor.setText("3d")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState)
    assert session.data.activities[a1010.id].original_duration == 3 * 8 * 60
    assert {i: session.data.activities[i].original_duration for i in durations} == durations


# -- 4. spreadsheet keys -----------------------------------------------------------------------------------------


def test_enter_commits_and_moves_down_tab_moves_right(qtbot: Any, window: MainWindow) -> None:
    session, view, model = window.session, window.activity_view, window.activity_model
    assert session is not None
    a1000, a1010 = session.data.activity_by_code("A1000"), session.data.activity_by_code("A1010")
    assert a1000 is not None
    assert a1010 is not None
    name = COLUMN_INDEX["name"]
    view.setFocus()
    view.setCurrentIndex(model.index_of(a1000.id, name))
    qtbot.keyClick(view, "K")  # typing replaces the cell: the first key opens the editor with it
    editor = next(e for e in view.findChildren(QLineEdit) if e.isVisible())
    qtbot.keyClicks(editor, "ick-off")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState)
    assert session.data.activities[a1000.id].name == "Kick-off"
    assert view.currentIndex() == model.index_of(a1010.id, name)  # one row down, same column

    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.currentIndex().column() == COLUMN_INDEX["type"]
    assert model.object_id(view.currentIndex()) == a1010.id

    # Tab inside an editor commits and moves right too.
    view.setCurrentIndex(model.index_of(a1010.id, name))
    qtbot.keyClick(view, "M")
    editor = next(e for e in view.findChildren(QLineEdit) if e.isVisible())
    qtbot.keyClicks(editor, "obilise")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState)
    assert session.data.activities[a1010.id].name == "Mobilise"
    assert view.currentIndex() == model.index_of(a1010.id, COLUMN_INDEX["type"])

    qtbot.keyClick(view, Qt.Key.Key_Return)  # not editing: Enter just moves down
    assert model.object_id(view.currentIndex()) != a1010.id


# -- 5. sort -----------------------------------------------------------------------------------------------------


def _click_header(qtbot: Any, view: ActivityView, column: int) -> None:
    header = view.header()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_header_click_sorts_within_groups(qtbot: Any, window: MainWindow) -> None:
    session, view, model = window.session, window.activity_view, window.activity_model
    assert session is not None
    site = model.index(0, 0)
    assert site.data() == "1"
    site_id = str(model.object_id(site))

    def site_children() -> list[str]:
        return [str(model.index_of(i).data()) for i in model.children_ids(site_id)]

    assert site_children() == ["A1000", "A1010", "1.1"]
    a1010 = session.data.activity_by_code("A1010")
    assert a1010 is not None
    view.select_ids([a1010.id])

    duration = COLUMN_INDEX["original_duration"]
    _click_header(qtbot, view, duration)
    assert model.sort_order == (duration, False)
    site = model.index(0, 0)
    assert site.data() == "1"  # WBS order stays
    assert site_children() == ["A1000", "A1010", "1.1"]  # 0d before 5d
    _click_header(qtbot, view, duration)
    assert model.sort_order == (duration, True)
    site = model.index(0, 0)
    assert site_children() == ["A1010", "A1000", "1.1"]  # descending; the sub-WBS stays below
    assert view.selected_ids() == [a1010.id]  # the selection survives the re-sort
    assert len(_visible_activity_ids(view, model)) == len(session.data.activities)  # sorting hides nothing

    _click_header(qtbot, view, duration)  # third click: back to Activity ID order
    assert _sort_order(model) is None
    site = model.index(0, 0)
    assert site_children() == ["A1000", "A1010", "1.1"]


def _sort_order(model: ActivityTreeModel) -> tuple[int, bool] | None:
    return model.sort_order


def test_sorted_model_passes_the_model_tester(qtmodeltester: Any, session: ProjectSession) -> None:
    model = ActivityTreeModel(session)
    model.sort(COLUMN_INDEX["finish"], Qt.SortOrder.DescendingOrder)
    frame = model.children_ids(None)[1]
    finishes = [session.data.computed[i].early_finish for i in model.children_ids(frame)]
    known = [f for f in finishes if f is not None]
    assert len(known) == len(finishes) > 1
    assert known == sorted(known, reverse=True)
    qtmodeltester.check(model, force_py=True)


def test_date_window_filter_starts_around_the_data_date(window: MainWindow) -> None:
    session, view, model = window.session, window.activity_view, window.activity_model
    assert session is not None
    bar = window.filter_bar
    data_date = session.data.project.effective_data_date
    day = QDate(data_date.year, data_date.month, data_date.day)
    assert bar.window_start.date() < day < bar.window_finish.date()
    bar.use_window.setChecked(True)
    assert len(_visible_activity_ids(view, model)) == len(session.data.activities)  # all in the first months

    last = max(c.early_start for c in session.data.computed.values() if c.early_start is not None)
    bar.window_start.setDate(QDate(last.year, last.month, last.day))
    bar.window_finish.setDate(QDate(last.year, last.month, last.day))
    shown = _visible_activity_ids(view, model)
    assert 0 < len(shown) < len(session.data.activities)
    for activity_id in shown:
        computed = session.data.computed[activity_id]
        assert computed.early_finish is not None
        assert computed.early_finish.date() >= last.date()


def test_a_new_schedule_reapplies_the_critical_filter(session: ProjectSession) -> None:
    from bbschedule.core.commands import SetField

    schedule_session(session)
    model = ActivityTreeModel(session)
    model.set_filter(ActivityFilter(critical_only=True))
    before = {str(model.object_id(i)) for i in _all_activity_indexes(model)}
    assert before == {i for i, c in session.data.computed.items() if c.critical}
    # The finish milestone hangs off the pile caps' start: with no pile-cap work it ends the project, critical.
    a1030, a1040 = session.data.activity_by_code("A1030"), session.data.activity_by_code("A1040")
    assert a1030 is not None
    assert a1040 is not None
    assert a1040.id not in before
    session.apply(SetField("activity", (a1030.id,), "original_duration", 0))
    session.apply(SetField("activity", (a1030.id,), "remaining_duration", 0))
    schedule_session(session)
    after = {str(model.object_id(i)) for i in _all_activity_indexes(model)}
    assert after == {i for i, c in session.data.computed.items() if c.critical}
    assert a1040.id in after


def _all_activity_indexes(model: ActivityTreeModel) -> list[QModelIndex]:
    rows = [model.index(row, 0) for row in range(model.rowCount())]
    return [index for index in rows if model.is_activity(index)]


def test_collapsed_groups_stay_collapsed_through_a_sort_and_a_filter(window: MainWindow) -> None:
    view, model = window.activity_view, window.activity_model
    site_id, frame_id = model.children_ids(None)
    frame = model.index_of(frame_id)
    assert frame.data() == "2"
    view.set_expanded(frame, False)
    model.sort(COLUMN_INDEX["finish"], Qt.SortOrder.DescendingOrder)
    window.filter_bar.critical.setChecked(True)
    site, frame = model.index_of(site_id), model.index_of(frame_id)
    assert (site.data(), frame.data()) == ("1", "2")
    assert view.is_expanded(site)
    assert not view.is_expanded(frame)
    assert frame.row() == model.rowCount() - 1  # nothing shows under it


# -- 6. the view a planner chose is remembered per project ---------------------------------------------------------


def test_grouping_and_filter_come_back_when_the_project_is_reopened(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    session, model = window.session, window.activity_model
    assert session is not None
    phase = next(t for t in session.data.code_types.values() if t.name == "Phase")
    next(a for a in window.group_menu.choices() if a.text() == "Group by Phase").trigger()
    window.filter_bar.critical.setChecked(True)
    shown = {str(model.object_id(i)) for i in _all_activity_indexes(model)}
    window.close()

    again = build_window(profile=tmp_path / "profile", open_path=None, pool=SynchronousPool(), interactive=False)
    qtbot.addWidget(again)
    assert again.session is not None
    assert again.activity_model.grouping == phase.id
    assert again.activity_model.activity_filter == ActivityFilter(critical_only=True)
    assert again.filter_bar.critical.isChecked()  # the bar shows the filter that is on
    assert {str(again.activity_model.object_id(i)) for i in _all_activity_indexes(again.activity_model)} == shown
    checked = [a.text() for a in again.group_menu.choices() if a.isChecked()]
    assert checked == ["Group by Phase"]


def test_a_saved_view_that_cannot_be_read_opens_the_project_by_wbs(qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from bbschedule.ui.view_settings import load_view

    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    settings.setValue("projects/p1/view", '{"grouping": 3, "statuses": ["someday"]}')
    assert load_view(settings, "p1") == (None, ActivityFilter())
    assert load_view(settings, "never-saved") == (None, ActivityFilter())
