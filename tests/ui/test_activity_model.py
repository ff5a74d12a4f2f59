"""The activity model: flat rows grouped by WBS (groups open and close by inserting and removing rows), passes
Qt's model tester, and every edit goes through the session."""

from __future__ import annotations

from typing import Any

from bbschedule.core.activity import Activity
from bbschedule.core.commands import AddActivity, DeleteActivity, SetField
from bbschedule.services.session import ProjectSession
from bbschedule.ui import roles
from bbschedule.ui.activity_model import ActivityTreeModel
from bbschedule.ui.columns import COLUMN_INDEX


def _activity(session: ProjectSession, code: str) -> Activity:
    found = session.data.activity_by_code(code)
    assert found is not None
    return found


def _rows(model: ActivityTreeModel) -> list[str]:
    return [str(model.index(r, 0).data()) for r in range(model.rowCount())]


def _wbs_id(session: ProjectSession, code: str) -> str:
    return next(w.id for w in session.data.wbs.values() if w.code == code)


def _children(model: ActivityTreeModel, obj_id: str | None) -> list[str]:
    return [str(model.index_of(i).data()) for i in model.children_ids(obj_id)]


def test_model_passes_the_model_tester(qtmodeltester: Any, session: ProjectSession) -> None:
    model = ActivityTreeModel(session)
    qtmodeltester.check(model, force_py=True)


def test_rows_are_grouped_by_wbs(session: ProjectSession) -> None:
    model = ActivityTreeModel(session)
    # Each group row, then what it holds: its activities, then its sub-groups; indented by depth.
    assert _rows(model) == ["1", "A1000", "A1010", "1.1", "A1020", "2", "A1030", "A1040"]
    depths = [model.index(r, 0).data(roles.ROW_DEPTH) for r in range(model.rowCount())]
    assert depths == [0, 1, 1, 1, 2, 0, 1, 1]
    assert _children(model, None) == ["1", "2"]
    assert _children(model, _wbs_id(session, "1")) == ["A1000", "A1010", "1.1"]
    site = model.index(0, 0)
    assert model.index(1, 0).data(roles.FONT) is None
    assert site.data(roles.FONT).bold()
    assert not model.index(1, 0).parent().isValid()  # flat: no row has a parent index


def test_collapse_removes_the_group_rows_and_expand_brings_them_back(qtbot: Any, session: ProjectSession) -> None:
    model = ActivityTreeModel(session)
    site = model.index_of(_wbs_id(session, "1"))
    removed: list[tuple[int, int]] = []
    inserted: list[tuple[int, int]] = []
    resets: list[int] = []
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.modelReset.connect(lambda: resets.append(1))
    earthworks = model.index_of(_wbs_id(session, "1.1"))
    model.set_expanded(earthworks, False)
    assert _rows(model) == ["1", "A1000", "A1010", "1.1", "2", "A1030", "A1040"]
    assert not model.is_expanded(model.index_of(_wbs_id(session, "1.1")))
    model.set_expanded(site, False)
    assert _rows(model) == ["1", "2", "A1030", "A1040"]
    assert removed == [(4, 4), (1, 3)]
    assert not model.index_of(_activity(session, "A1020").id).isValid()  # hidden rows have no index
    model.set_expanded(model.index_of(_wbs_id(session, "1")), True)  # the closed sub-group stays closed
    assert _rows(model) == ["1", "A1000", "A1010", "1.1", "2", "A1030", "A1040"]
    assert inserted == [(1, 3)]
    model.reveal(_activity(session, "A1020").id)  # 'go to' an activity inside a closed group opens it
    assert model.index_of(_activity(session, "A1020").id).row() == 4
    assert not resets
    model.collapse_all()
    assert _rows(model) == ["1", "2"]
    model.expand_all()
    assert _rows(model) == ["1", "A1000", "A1010", "1.1", "A1020", "2", "A1030", "A1040"]


def test_collapsed_model_passes_the_model_tester(qtmodeltester: Any, session: ProjectSession) -> None:
    model = ActivityTreeModel(session)
    model.set_expanded(model.index_of(_wbs_id(session, "1.1")), False)
    model.set_expanded(model.index_of(_wbs_id(session, "2")), False)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 5  # 1, A1000, A1010, 1.1 (closed), 2 (closed)


def test_collapse_all_keeps_persistent_indexes_on_their_rows(session: ProjectSession) -> None:
    from PySide6.QtCore import QPersistentModelIndex

    model = ActivityTreeModel(session)
    frame = QPersistentModelIndex(model.index_of(_wbs_id(session, "2"), 1))
    a1020 = QPersistentModelIndex(model.index_of(_activity(session, "A1020").id))
    model.collapse_all()
    assert (frame.row(), frame.column(), frame.data()) == (1, 1, "Structure")
    assert not a1020.isValid()  # its row went away with its group


def test_durations_show_in_days_of_the_activity_calendar(session: ProjectSession) -> None:
    model = ActivityTreeModel(session)
    pile_caps = model.index_of(_activity(session, "A1030").id, COLUMN_INDEX["original_duration"])
    assert pile_caps.data() == "6d"  # 54 hours on a 9-hour-day calendar
    excavation = model.index_of(_activity(session, "A1020").id, COLUMN_INDEX["original_duration"])
    assert excavation.data() == "10d"


def test_wbs_rollup_spans_its_activities(session: ProjectSession) -> None:
    model = ActivityTreeModel(session)
    site = model.index(0, COLUMN_INDEX["start"])
    finish = model.index(0, COLUMN_INDEX["finish"])
    assert site.data() == "02-Mar-26"
    assert finish.data() == "21-Mar-26"  # bulk excavation's early finish, in the nested WBS 1.1


def test_edit_goes_through_the_session_and_undoes(session: ProjectSession) -> None:
    model = ActivityTreeModel(session)
    a1010 = _activity(session, "A1010")
    cell = model.index_of(a1010.id, COLUMN_INDEX["original_duration"])
    assert model.setData(cell, "60h", roles.EDIT)
    assert session.data.activities[a1010.id].original_duration == 60 * 60
    assert session.history.undo_label == "Change original duration"
    session.undo()
    assert cell.data() == "5d"


def test_bad_value_is_refused_with_a_message(qtbot: Any, session: ProjectSession) -> None:
    model = ActivityTreeModel(session)
    a1010 = _activity(session, "A1010")
    cell = model.index_of(a1010.id, COLUMN_INDEX["original_duration"])
    with qtbot.waitSignal(model.sig_edit_refused) as refused:
        assert not model.setData(cell, "five days", roles.EDIT)
    assert "not a duration" in refused.args[0]
    code = model.index_of(a1010.id, COLUMN_INDEX["code"])
    with qtbot.waitSignal(model.sig_edit_refused) as refused:
        assert not model.setData(code, "A1020", roles.EDIT)
    assert "used already" in refused.args[0]
    assert session.data.activities[a1010.id].code == "A1010"
    assert not session.history.can_undo


def test_add_and_delete_update_rows_without_a_reset(qtbot: Any, session: ProjectSession) -> None:
    model = ActivityTreeModel(session)
    wbs_id = _wbs_id(session, "2")
    before = len(model.children_ids(wbs_id))
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    calendar = session.data.default_calendar()
    new = Activity("A1035", "Columns", calendar.id, wbs_id=wbs_id, original_duration=480)
    session.apply(AddActivity(new))
    assert len(model.children_ids(wbs_id)) == before + 1
    assert model.index_of(new.id, 0).data() == "A1035"
    assert _rows(model)[5:] == ["2", "A1030", "A1035", "A1040"]  # sorted between A1030 and A1040
    session.apply(DeleteActivity(_activity(session, "A1030").id))
    assert len(model.children_ids(wbs_id)) == before
    assert _children(model, wbs_id)[0] == "A1035"
    assert not resets
    frame_row = model.index_of(wbs_id).row()
    session.apply(SetField("wbs", (wbs_id,), "name", "Frame"))
    assert not resets  # a renamed WBS repaints its row; nothing moves
    assert model.index(frame_row, 1).data() == "Frame"
    session.apply(SetField("wbs", (wbs_id,), "sequence", 0))
    assert resets  # re-ordered: the rows are rebuilt
    assert model.index(0, 1).data() == "Frame"


def test_the_sample_project_passes_the_model_tester(qtmodeltester: Any) -> None:
    from bbschedule.formats.registry import read_file
    from bbschedule.ui.resources import sample_projects

    samples = sample_projects()
    assert samples, "resources/samples holds the first-start project"
    session = ProjectSession(read_file(samples[0]).pick())
    model = ActivityTreeModel(session)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(session.data.activities) + len(session.data.wbs)


def test_moving_an_activity_to_another_wbs_moves_its_row(session: ProjectSession) -> None:
    model = ActivityTreeModel(session)
    a1020 = _activity(session, "A1020")
    frame = _wbs_id(session, "2")
    old_parent = model.parent_id(a1020.id)
    assert old_parent is not None
    before = len(model.children_ids(old_parent))
    session.apply(SetField("activity", (a1020.id,), "wbs_id", frame))
    assert model.parent_id(a1020.id) == frame
    assert model.index_of(a1020.id).row() > model.index_of(frame).row()  # shown under its new group
    assert len(model.children_ids(old_parent)) == before - 1
    session.undo()
    assert model.parent_id(a1020.id) == _wbs_id(session, "1.1")


def test_an_edit_refreshes_its_row_and_the_wbs_rollups_above_it(qtbot: Any, session: ProjectSession) -> None:
    model = ActivityTreeModel(session)
    a1020 = _activity(session, "A1020")
    changed: list[str] = []
    model.dataChanged.connect(lambda top, _bottom, _roles: changed.append(str(model.object_id(top))))
    earthworks = model.parent_id(a1020.id)
    assert earthworks is not None
    site = model.parent_id(earthworks)
    assert site is not None
    start = COLUMN_INDEX["start"]
    assert model.index_of(site, start).data() == "02-Mar-26"
    assert model.setData(model.index_of(a1020.id, COLUMN_INDEX["actual_start"]), "23-Feb-26", roles.EDIT)
    # The row itself, then each WBS above it whose roll-up moved: nothing else.
    assert changed == [a1020.id, earthworks, site]
    assert model.index_of(site, start).data() == "23-Feb-26"


def test_original_duration_of_an_unstarted_activity_carries_the_remaining_one(session: ProjectSession) -> None:
    model = ActivityTreeModel(session)
    a1020 = _activity(session, "A1020")
    session.apply(SetField("activity", (a1020.id,), "remaining_duration", a1020.original_duration))
    assert model.setData(model.index_of(a1020.id, COLUMN_INDEX["original_duration"]), "15d", roles.EDIT)
    assert model.index_of(a1020.id, COLUMN_INDEX["remaining_duration"]).data() == "15d"
    assert session.history.undo_label == "Change original duration"
    session.undo()
    assert model.index_of(a1020.id, COLUMN_INDEX["remaining_duration"]).data() == "10d"


def test_constraints_are_chosen_and_dated_in_the_table(qtbot: Any, session: ProjectSession) -> None:
    model = ActivityTreeModel(session)
    a1030 = _activity(session, "A1030")
    kind = model.index_of(a1030.id, COLUMN_INDEX["constraint"])
    when = model.index_of(a1030.id, COLUMN_INDEX["constraint_date"])
    with qtbot.waitSignal(model.sig_edit_refused) as refused:
        assert not model.setData(when, "16-Mar-26", roles.EDIT)
    assert "choose a constraint" in refused.args[0]
    assert ("Finish On or Before", "finish_on_or_before") in kind.data(roles.CHOICES)
    assert model.setData(kind, "finish_on_or_before", roles.EDIT)
    constraint = session.data.activities[a1030.id].primary_constraint
    assert constraint is not None
    assert constraint.date == session.data.computed[a1030.id].early_finish  # P6 dates it at the activity's finish
    assert model.setData(when, "27-Mar-26", roles.EDIT)
    assert when.data() == "27-Mar-26"
    assert kind.data() == "Finish On or Before"
    constraint = session.data.activities[a1030.id].primary_constraint
    assert constraint is not None
    assert constraint.date is not None
    assert (constraint.date.day, constraint.date.hour) == (27, 17)  # the end of the working day
    assert model.setData(kind, "", roles.EDIT)
    assert session.data.activities[a1030.id].primary_constraint is None


def test_multi_data_gives_the_delegate_every_role_in_one_call(session: ProjectSession) -> None:
    from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

    model = ActivityTreeModel(session)
    delegate = QStyledItemDelegate()
    a1030 = _activity(session, "A1030")
    seen = []
    for column in ("original_duration", "name", "code"):
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, model.index_of(a1030.id, COLUMN_INDEX[column]))
        seen.append((option.text, option.font.bold()))
    # Values from the right cell each time (the delegate reuses its span: nothing stale carries over).
    assert seen == [("6d", False), ("Pile caps", False), ("A1030", False)]
    option = QStyleOptionViewItem()
    delegate.initStyleOption(option, model.index(0, 1))  # a WBS band
    assert (option.text, option.font.bold()) == ("Site Works", True)
    option = QStyleOptionViewItem()
    delegate.initStyleOption(option, model.index_of(a1030.id, COLUMN_INDEX["name"]))
    assert not option.font.bold()  # the band's bold font did not stick


def test_negative_float_shows_red_on_activities_and_their_bands(session: ProjectSession) -> None:
    model = ActivityTreeModel(session)
    a1000 = _activity(session, "A1000")  # -1d of float in the test project
    a1010 = _activity(session, "A1010")  # 0d
    float_column = COLUMN_INDEX["total_float"]
    red = model.index_of(a1000.id, float_column).data(roles.FOREGROUND)
    assert red is not None
    assert model.index_of(a1010.id, float_column).data(roles.FOREGROUND) is None
    site = model.parent_id(a1000.id)
    assert site is not None
    assert model.index_of(site, float_column).data() == "-1d"
    assert model.index_of(site, float_column).data(roles.FOREGROUND) == red


def test_rollups_made_on_demand_agree_with_a_fresh_model_after_edits(session: ProjectSession) -> None:
    from bbschedule.services.scheduling import schedule_session

    model = ActivityTreeModel(session)
    columns = [COLUMN_INDEX[k] for k in ("start", "finish", "early_start", "late_finish", "total_float")]

    def group_cells(m: ActivityTreeModel) -> dict[str, list[Any]]:
        return {g: [m.index_of(g, c).data() for c in columns] for g in m.group_ids()}

    assert model.index_of(_wbs_id(session, "1"), columns[0]).data()  # a few roll-ups made, the rest not yet
    a1020, a1040 = _activity(session, "A1020"), _activity(session, "A1040")
    assert model.setData(model.index_of(a1020.id, COLUMN_INDEX["actual_start"]), "20-Feb-26", roles.EDIT)
    session.apply(DeleteActivity(a1040.id))
    schedule_session(session)
    session.undo()
    assert group_cells(model) == group_cells(ActivityTreeModel(session))
