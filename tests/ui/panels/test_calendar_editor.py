"""The calendars editor edits a copy and applies it as one undoable step."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from bbschedule.core.calendar import Calendar
from bbschedule.core.project import Project
from bbschedule.core.project_data import ProjectData
from bbschedule.services.session import ProjectSession
from bbschedule.ui.panels.calendar_editor import CalendarEditor

SATURDAY = 5


def _session() -> tuple[ProjectSession, str]:
    cal = Calendar("Site 5-day")
    data = ProjectData(Project("P", "Cal test", dt.datetime(2026, 1, 5, 8)), calendars={cal.id: cal})
    return ProjectSession(data), cal.id


def test_saturday_edit_applies_and_undoes(qtbot: QtBot) -> None:
    session, cal_id = _session()
    editor = CalendarEditor(session)
    qtbot.addWidget(editor)
    editor.week.item(SATURDAY, 1).setText("07:00-12:00")
    assert session.data.calendars[cal_id].week[SATURDAY] == ()
    editor.apply()
    assert [iv.start for iv in session.data.calendars[cal_id].week[SATURDAY]] == [7 * 60]
    assert session.history.undo_label is not None
    session.undo()
    assert session.data.calendars[cal_id].week[SATURDAY] == ()


def test_bad_period_is_refused_with_a_message(qtbot: QtBot) -> None:
    session, cal_id = _session()
    editor = CalendarEditor(session)
    qtbot.addWidget(editor)
    editor.week.item(0, 1).setText("8 till late")
    assert "monday" in editor.message.text()
    editor.apply()
    assert not session.history.can_undo
    assert session.data.calendars[cal_id].week[0] != ()


def test_public_holidays_of_a_country(qtbot: QtBot) -> None:
    session, cal_id = _session()
    editor = CalendarEditor(session)
    qtbot.addWidget(editor)
    editor.country.setCurrentIndex(editor.country.findData("GB"))
    editor.year_from.setValue(2026)
    editor.year_to.setValue(2026)
    editor.on_add_holidays_clicked()
    assert editor.exceptions.count() >= 6
    editor.apply()
    calendar = session.data.calendars[cal_id]
    assert calendar.intervals_on(dt.date(2026, 12, 25)) == ()
    assert calendar.intervals_on(dt.date(2026, 12, 23)) != ()


def test_exception_range_add_and_remove(qtbot: QtBot) -> None:
    session, cal_id = _session()
    editor = CalendarEditor(session)
    qtbot.addWidget(editor)
    editor.set_exception_dates(dt.date(2026, 8, 3), dt.date(2026, 8, 7))
    editor.exc_name.setText("Shutdown")
    editor.on_add_exception_clicked()
    assert editor.exceptions.count() == 1
    editor.apply()
    assert session.data.calendars[cal_id].intervals_on(dt.date(2026, 8, 5)) == ()
    editor.exceptions.item(0).setSelected(True)
    editor.on_remove_exception_clicked()
    editor.apply()
    assert session.data.calendars[cal_id].intervals_on(dt.date(2026, 8, 5)) != ()
