"""Project properties: name, data date, planned start, must-finish-by, default calendar and schedule options
(with P6's Advanced ones: multiple float paths, their count, ending activity and float).

OK applies every changed field as one undoable step.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from bbschedule.core.commands import Command, Composite, SetProjectField
from bbschedule.core.enums import ActivityType, CriticalMode, FloatMode, FloatPathBasis, LagCalendar, ProgressMode
from bbschedule.core.errors import BBScheduleError, ValidationError
from bbschedule.core.project import MAX_FLOAT_PATHS
from bbschedule.services.session import ProjectSession

LABELS: dict[StrEnum, str] = {
    ProgressMode.RETAINED_LOGIC: "Retained logic",
    ProgressMode.PROGRESS_OVERRIDE: "Progress override",
    ProgressMode.ACTUAL_DATES: "Actual dates",
    FloatMode.START: "Start float",
    FloatMode.FINISH: "Finish float",
    FloatMode.SMALLEST: "Smallest of start and finish float",
    CriticalMode.TOTAL_FLOAT: "Total float less than or equal to",
    CriticalMode.LONGEST_PATH: "Longest path",
    LagCalendar.PREDECESSOR: "Predecessor activity calendar",
    LagCalendar.SUCCESSOR: "Successor activity calendar",
    LagCalendar.TWENTY_FOUR_HOUR: "24-hour calendar",
    LagCalendar.PROJECT_DEFAULT: "Project default calendar",
    FloatPathBasis.TOTAL_FLOAT: "Total float",
    FloatPathBasis.FREE_FLOAT: "Free float",
}


def _qdt(value: dt.datetime) -> QDateTime:
    return QDateTime(value.year, value.month, value.day, value.hour, value.minute, 0)


def _pydt(value: QDateTime) -> dt.datetime:
    d, t = value.date(), value.time()
    return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


def _enum_combo(values: type[StrEnum], current: StrEnum) -> QComboBox:
    combo = QComboBox()
    for value in values:
        combo.addItem(LABELS.get(value, value.value), value.value)
    combo.setCurrentIndex(combo.findData(current.value))
    return combo


def _date_edit(value: dt.datetime) -> QDateTimeEdit:
    edit = QDateTimeEdit(_qdt(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd-MMM-yyyy HH:mm")
    return edit


class ProjectPropertiesDialog(QDialog):
    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Project Properties")
        self.session = session
        project = session.data.project
        options = project.options
        self.name = QLineEdit(project.name)
        self.data_date = _date_edit(project.effective_data_date)
        self.planned_start = _date_edit(project.planned_start)
        self.has_must_finish = QCheckBox("Must finish by")
        self.has_must_finish.setChecked(project.must_finish_by is not None)
        self.must_finish_by = _date_edit(project.must_finish_by or project.planned_start)
        self.must_finish_by.setEnabled(project.must_finish_by is not None)
        self.has_must_finish.toggled.connect(self.must_finish_by.setEnabled)
        self.calendar = QComboBox()
        for cal in sorted(session.data.calendars.values(), key=lambda c: c.name):
            self.calendar.addItem(cal.name, cal.id)
        if project.default_calendar_id is not None:
            self.calendar.setCurrentIndex(self.calendar.findData(project.default_calendar_id))
        self.progress_mode = _enum_combo(ProgressMode, options.progress_mode)
        self.float_mode = _enum_combo(FloatMode, options.float_mode)
        self.critical_mode = _enum_combo(CriticalMode, options.critical_mode)
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(-10_000, 10_000)
        self.threshold.setSuffix(" h")
        self.threshold.setValue(options.critical_float_threshold / 60)
        self.lag_calendar = _enum_combo(LagCalendar, options.lag_calendar)
        self.open_ended = QCheckBox("Make open-ended activities critical")
        self.open_ended.setChecked(options.open_ended_critical)
        self.float_paths = self._float_path_box(session)
        self.message = QLabel()
        self.message.setStyleSheet("color: #a33;")
        form = QFormLayout()
        form.addRow("Project name", self.name)
        form.addRow("Data date", self.data_date)
        form.addRow("Planned start", self.planned_start)
        form.addRow(self.has_must_finish, self.must_finish_by)
        form.addRow("Default calendar", self.calendar)
        form.addRow("When scheduling progressed activities use", self.progress_mode)
        form.addRow("Compute total float as", self.float_mode)
        form.addRow("Critical activities", self.critical_mode)
        form.addRow("Critical float threshold", self.threshold)
        form.addRow("Calendar for relationship lag", self.lag_calendar)
        form.addRow("", self.open_ended)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.float_paths)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _float_path_box(self, session: ProjectSession) -> QGroupBox:
        """P6's Schedule Options, Advanced: multiple float paths, ending at an activity (blank: the project's
        finish), by total or free float, how many."""
        options = session.data.project.options
        box = QGroupBox("Multiple float paths")
        self.multiple_float_paths = QCheckBox("Calculate multiple float paths")
        self.multiple_float_paths.setChecked(options.multiple_float_paths)
        end = session.data.activities.get(options.float_path_end_activity_id or "")
        self.float_path_end = QLineEdit(end.code if end is not None else "")
        self.float_path_end.setPlaceholderText("Project finish")
        self.float_path_end.setToolTip("The Activity ID the paths end at; blank: the project's finish")
        completer = QCompleter(sorted(a.code for a in session.data.activities.values()), self.float_path_end)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.float_path_end.setCompleter(completer)
        self.float_path_by = _enum_combo(FloatPathBasis, options.float_path_by)
        self.float_path_count = QSpinBox()
        self.float_path_count.setRange(1, MAX_FLOAT_PATHS)
        self.float_path_count.setValue(options.float_path_count)
        form = QFormLayout(box)
        form.addRow(self.multiple_float_paths)
        form.addRow("Display multiple float paths ending with activity", self.float_path_end)
        form.addRow("Calculate multiple paths using", self.float_path_by)
        form.addRow("Number of paths to calculate", self.float_path_count)
        details = (self.float_path_end, self.float_path_by, self.float_path_count)
        for widget in details:
            widget.setEnabled(options.multiple_float_paths)

        def enable(on: bool) -> None:
            for widget in details:
                widget.setEnabled(on)

        self.multiple_float_paths.toggled.connect(enable)
        return box

    def _float_path_end_id(self) -> str | None:
        """The ending activity typed (by Activity ID), checked against the project; None: the project's finish."""
        code = self.float_path_end.text().strip()
        if not code:
            return None
        activity = self.session.data.activity_by_code(code)
        if activity is None:
            raise ValidationError("float_path_end", f"no activity {code!r} in this project to end the float paths")
        if activity.type in (ActivityType.LEVEL_OF_EFFORT, ActivityType.WBS_SUMMARY):
            raise ValidationError("float_path_end", f"{code} is a summary activity: float paths end at a task")
        return activity.id

    def command(self) -> Command | None:
        """The edits as one command, or None when nothing changed (raises ValidationError for a bad entry)."""
        project = self.session.data.project
        try:
            end_id = self._float_path_end_id()
        except ValidationError:
            if self.multiple_float_paths.isChecked():
                raise
            end_id = project.options.float_path_end_activity_id  # the option is off: a stale entry is no error
        # replace, not a new ScheduleOptions: options this dialog does not show are kept as they are
        options = dataclasses.replace(
            project.options,
            progress_mode=ProgressMode(self.progress_mode.currentData()),
            float_mode=FloatMode(self.float_mode.currentData()),
            critical_mode=CriticalMode(self.critical_mode.currentData()),
            critical_float_threshold=round(self.threshold.value() * 60),
            lag_calendar=LagCalendar(self.lag_calendar.currentData()),
            open_ended_critical=self.open_ended.isChecked(),
            multiple_float_paths=self.multiple_float_paths.isChecked(),
            float_path_count=self.float_path_count.value(),
            float_path_end_activity_id=end_id,
            float_path_by=FloatPathBasis(self.float_path_by.currentData()),
        )
        wanted: dict[str, Any] = {
            "name": self.name.text().strip(),
            "data_date": _pydt(self.data_date.dateTime()),
            "planned_start": _pydt(self.planned_start.dateTime()),
            "must_finish_by": _pydt(self.must_finish_by.dateTime()) if self.has_must_finish.isChecked() else None,
            "default_calendar_id": self.calendar.currentData(),
            "options": options,
        }
        current = {f.name: getattr(project, f.name) for f in dataclasses.fields(project)}
        commands: list[Command] = [SetProjectField(k, v) for k, v in wanted.items() if current[k] != v]
        if not commands:
            return None
        return Composite("Edit project properties", commands)

    @override
    def accept(self) -> None:
        try:
            command = self.command()
            if command is not None:
                self.session.apply(command)
        except BBScheduleError as exc:
            self.message.setText(str(exc))
            return
        super().accept()
