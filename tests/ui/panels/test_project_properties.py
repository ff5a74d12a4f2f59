"""Project properties apply every changed field as one undoable step."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime
from pytestqt.qtbot import QtBot

from bbschedule.core.calendar import Calendar
from bbschedule.core.enums import FloatMode, LagCalendar
from bbschedule.core.project import Project
from bbschedule.core.project_data import ProjectData
from bbschedule.services.session import ProjectSession
from bbschedule.ui.panels.project_properties import ProjectPropertiesDialog


def _session() -> ProjectSession:
    cal = Calendar("Standard")
    project = Project("P", "Props", dt.datetime(2026, 1, 5, 8), default_calendar_id=cal.id)
    return ProjectSession(ProjectData(project, calendars={cal.id: cal}))


def test_changes_apply_together_and_undo_together(qtbot: QtBot) -> None:
    session = _session()
    dialog = ProjectPropertiesDialog(session)
    qtbot.addWidget(dialog)
    dialog.data_date.setDateTime(QDateTime(2026, 3, 2, 8, 0, 0))
    dialog.float_mode.setCurrentIndex(dialog.float_mode.findData(FloatMode.SMALLEST.value))
    dialog.lag_calendar.setCurrentIndex(dialog.lag_calendar.findData(LagCalendar.SUCCESSOR.value))
    dialog.threshold.setValue(8)
    dialog.accept()
    project = session.data.project
    assert project.data_date == dt.datetime(2026, 3, 2, 8)
    assert project.options.float_mode is FloatMode.SMALLEST
    assert project.options.lag_calendar is LagCalendar.SUCCESSOR
    assert project.options.critical_float_threshold == 480
    assert session.history.undo_label == "Edit project properties"
    session.undo()
    assert session.data.project.data_date is None
    assert session.data.project.options.float_mode is FloatMode.FINISH


def test_nothing_changed_records_nothing(qtbot: QtBot) -> None:
    session = _session()
    dialog = ProjectPropertiesDialog(session)
    qtbot.addWidget(dialog)
    dialog.data_date.setDateTime(QDateTime(2026, 1, 5, 8, 0, 0))
    assert dialog.command() is not None  # the data date was empty: setting it is a change
    dialog.has_must_finish.setChecked(False)
    dialog.accept()
    assert session.history.can_undo
    again = ProjectPropertiesDialog(session)
    qtbot.addWidget(again)
    assert again.command() is None


def test_must_finish_before_start_is_refused(qtbot: QtBot) -> None:
    session = _session()
    dialog = ProjectPropertiesDialog(session)
    qtbot.addWidget(dialog)
    dialog.has_must_finish.setChecked(True)
    dialog.must_finish_by.setDateTime(QDateTime(2025, 1, 1, 17, 0, 0))
    dialog.accept()
    assert "must_finish_by" in dialog.message.text()
    assert session.data.project.must_finish_by is None
