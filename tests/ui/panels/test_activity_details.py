"""The activity details panel edits relationships, constraint and notes through undoable commands."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDateTime
from pytestqt.qtbot import QtBot

from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.calendar import Calendar
from bbschedule.core.enums import ConstraintType, RelationshipType
from bbschedule.core.project import Project
from bbschedule.core.project_data import ProjectData
from bbschedule.services.session import ProjectSession
from bbschedule.ui.panels.activity_details import PRED, ActivityDetailsPanel

DAY = 480


@pytest.fixture
def panel(qtbot: QtBot) -> ActivityDetailsPanel:
    cal = Calendar("Standard")
    data = ProjectData(Project("P", "Details", dt.datetime(2026, 1, 5, 8)), calendars={cal.id: cal})
    for code in ("A10", "A20", "A30"):
        act = Activity(code, f"Work {code}", cal.id, original_duration=3 * DAY)
        data.activities[act.id] = act
    a10, a20 = (data.activity_by_code(c) for c in ("A10", "A20"))
    assert a10 is not None
    assert a20 is not None
    rel = Relationship(a10.id, a20.id)
    data.relationships[rel.id] = rel
    widget = ActivityDetailsPanel()
    qtbot.addWidget(widget)
    widget.set_session(ProjectSession(data))
    widget.show_activity(a20.id)
    return widget


def _session(panel: ActivityDetailsPanel) -> ProjectSession:
    assert panel.session is not None
    return panel.session


def test_shows_predecessors(panel: ActivityDetailsPanel) -> None:
    table = panel.tables[PRED]
    assert table.rowCount() == 1
    assert table.item(0, 0).text() == "A10"
    assert panel.title.text().startswith("A20")


def test_add_predecessor_with_lag_then_undo(panel: ActivityDetailsPanel) -> None:
    session = _session(panel)
    panel.other_code.setText("A30")
    panel.new_type.setCurrentIndex(panel.new_type.findData("SS"))
    panel.new_lag.setValue(2)
    panel.add_relationship(PRED)
    added = [r for r in session.data.relationships.values() if session.data.activities[r.predecessor_id].code == "A30"]
    assert [(r.type, r.lag) for r in added] == [(RelationshipType.SS, 2 * DAY)]
    assert panel.tables[PRED].rowCount() == 2
    session.undo()
    assert panel.tables[PRED].rowCount() == 1


def test_edit_lag_in_the_table(panel: ActivityDetailsPanel) -> None:
    session = _session(panel)
    panel.tables[PRED].item(0, 3).setText("1.5")
    assert next(iter(session.data.relationships.values())).lag == 720


def test_loop_is_refused_with_a_message(qtbot: QtBot, panel: ActivityDetailsPanel) -> None:
    messages: list[str] = []
    panel._report = messages.append
    panel.other_code.setText("A10")
    panel.add_relationship(1)  # A20 -> A10 closes the loop A10 -> A20 -> A10
    assert messages
    assert "loop" in messages[0]
    assert len(_session(panel).data.relationships) == 1


def test_constraint_and_notes(panel: ActivityDetailsPanel) -> None:
    session = _session(panel)
    panel.constraint_type.setCurrentIndex(panel.constraint_type.findData(ConstraintType.START_ON_OR_AFTER.value))
    panel.constraint_date.setDateTime(QDateTime(2026, 2, 2, 8, 0, 0))
    panel.on_set_constraint_clicked()
    assert panel.activity_id is not None
    constraint = session.data.activities[panel.activity_id].primary_constraint
    assert constraint is not None
    assert (constraint.type, constraint.date) == (ConstraintType.START_ON_OR_AFTER, dt.datetime(2026, 2, 2, 8))
    panel.notes.setPlainText("Wait for the structural engineer's sign-off.")
    panel.on_save_notes_clicked()
    assert session.data.activities[panel.activity_id].notes.startswith("Wait for")
    session.undo()
    session.undo()
    assert session.data.activities[panel.activity_id].primary_constraint is None


def test_remove_selected_relationship(panel: ActivityDetailsPanel) -> None:
    session = _session(panel)
    panel.tables[PRED].selectRow(0)
    panel.on_remove_clicked()
    assert not session.data.relationships
    session.undo()
    assert len(session.data.relationships) == 1
