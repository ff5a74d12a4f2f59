"""The calendars editor: work-week periods per day, exceptions, and public holidays for a chosen country.

Edits are made on a copy; Apply hands one ReplaceObject command to the session (one undoable step).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bbschedule.core.calendar import WEEKDAY_NAMES, Calendar, CalendarException
from bbschedule.core.commands import ReplaceObject
from bbschedule.core.errors import BBScheduleError
from bbschedule.services.calendars import (
    format_intervals,
    parse_intervals,
    public_holidays,
    supported_countries,
    with_exception,
    with_holidays,
    with_weekday,
    without_exception,
)
from bbschedule.services.session import ProjectSession


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class CalendarEditor(QDialog):
    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Calendars")
        self.resize(760, 560)
        self.session = session
        self.calendar: Calendar | None = None
        self.pick = QComboBox()
        for cal in sorted(session.data.calendars.values(), key=lambda c: c.name):
            self.pick.addItem(cal.name, cal.id)
        self.pick.currentIndexChanged.connect(self.on_pick_changed)
        self.week = QTableWidget(7, 2)
        self.week.setHorizontalHeaderLabels(["Day", "Working periods (e.g. 08:00-12:00, 13:00-17:00; 'off')"])
        self.week.horizontalHeader().setStretchLastSection(True)
        self.week.verticalHeader().setVisible(False)
        self.week.itemChanged.connect(self.on_week_item_changed)
        self.exceptions = QListWidget()
        self.exc_start = QDateEdit(date=_qdate(dt.date.today()))
        self.exc_finish = QDateEdit(date=_qdate(dt.date.today()))
        for edit in (self.exc_start, self.exc_finish):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd-MMM-yyyy")
        self.exc_periods = QLineEdit()
        self.exc_periods.setPlaceholderText("off")
        self.exc_name = QLineEdit()
        add_exc = QPushButton("Add exception")
        add_exc.clicked.connect(self.on_add_exception_clicked)
        remove_exc = QPushButton("Remove selected")
        remove_exc.clicked.connect(self.on_remove_exception_clicked)
        self.country = QComboBox()
        for code, name in supported_countries().items():
            self.country.addItem(f"{name} ({code})", code)
        self.country.setCurrentIndex(max(self.country.findData("GB"), 0))
        self.year_from = QSpinBox()
        self.year_to = QSpinBox()
        for spin, year in ((self.year_from, dt.date.today().year), (self.year_to, dt.date.today().year + 2)):
            spin.setRange(1990, 2100)
            spin.setValue(year)
        add_holidays = QPushButton("Add public holidays")
        add_holidays.clicked.connect(self.on_add_holidays_clicked)
        self.message = QLabel()
        self.message.setStyleSheet("color: #a33;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Close, parent=self
        )
        buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        buttons.rejected.connect(self.reject)

        exc_form = QFormLayout()
        exc_form.addRow("From", self.exc_start)
        exc_form.addRow("To", self.exc_finish)
        exc_form.addRow("Working periods", self.exc_periods)
        exc_form.addRow("Name", self.exc_name)
        exc_buttons = QHBoxLayout()
        exc_buttons.addWidget(add_exc)
        exc_buttons.addWidget(remove_exc)
        exc_box = QGroupBox("Exceptions")
        exc_layout = QVBoxLayout(exc_box)
        exc_layout.addWidget(self.exceptions, 1)
        exc_layout.addLayout(exc_form)
        exc_layout.addLayout(exc_buttons)
        hol_box = QGroupBox("Public holidays")
        hol_layout = QHBoxLayout(hol_box)
        hol_layout.addWidget(self.country, 1)
        hol_layout.addWidget(self.year_from)
        hol_layout.addWidget(QLabel("to"))
        hol_layout.addWidget(self.year_to)
        hol_layout.addWidget(add_holidays)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pick)
        body = QHBoxLayout()
        week_box = QGroupBox("Work week")
        QVBoxLayout(week_box).addWidget(self.week)
        body.addWidget(week_box, 1)
        body.addWidget(exc_box, 1)
        layout.addLayout(body, 1)
        layout.addWidget(hol_box)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.on_pick_changed()

    # loading ----------------------------------------------------------------------------------------------------
    def on_pick_changed(self) -> None:
        cal_id = self.pick.currentData()
        self.calendar = self.session.data.calendars.get(cal_id) if cal_id else None
        self._show()

    def _show(self) -> None:
        cal = self.calendar
        self.week.blockSignals(True)
        for row, name in enumerate(WEEKDAY_NAMES):
            day = QTableWidgetItem(name.capitalize())
            day.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.week.setItem(row, 0, day)
            self.week.setItem(row, 1, QTableWidgetItem(format_intervals(cal.week[row]) if cal else ""))
        self.week.blockSignals(False)
        self.exceptions.clear()
        for exc in cal.exceptions if cal else ():
            span = f"{exc.start:%d-%b-%Y}" + ("" if exc.finish == exc.start else f" – {exc.finish:%d-%b-%Y}")
            item = QListWidgetItem(f"{span}  {format_intervals(exc.intervals)}  {exc.name}".rstrip())
            item.setData(int(Qt.ItemDataRole.UserRole), exc.start.isoformat())
            self.exceptions.addItem(item)

    # editing ----------------------------------------------------------------------------------------------------
    def _edit(self, change: Calendar) -> None:
        self.calendar = change
        self.message.clear()
        self._show()

    def on_week_item_changed(self, item: QTableWidgetItem) -> None:
        if self.calendar is None or item.column() != 1:
            return
        try:
            intervals = parse_intervals(item.text(), field=WEEKDAY_NAMES[item.row()])
            self._edit(with_weekday(self.calendar, item.row(), intervals))
        except BBScheduleError as exc:
            self.message.setText(str(exc))

    def on_add_exception_clicked(self) -> None:
        if self.calendar is None:
            return
        try:
            exc = CalendarException(
                _pydate(self.exc_start.date()),
                _pydate(self.exc_finish.date()),
                parse_intervals(self.exc_periods.text(), field="exception"),
                self.exc_name.text().strip(),
            )
            self._edit(with_exception(self.calendar, exc))
        except BBScheduleError as exc_error:
            self.message.setText(str(exc_error))

    def on_remove_exception_clicked(self) -> None:
        if self.calendar is None:
            return
        cal = self.calendar
        for item in self.exceptions.selectedItems():
            cal = without_exception(cal, dt.date.fromisoformat(item.data(int(Qt.ItemDataRole.UserRole))))
        self._edit(cal)

    def on_add_holidays_clicked(self) -> None:
        if self.calendar is None:
            return
        try:
            years = range(self.year_from.value(), self.year_to.value() + 1)
            self._edit(with_holidays(self.calendar, public_holidays(self.country.currentData(), years)))
        except BBScheduleError as exc:
            self.message.setText(str(exc))

    def apply(self) -> None:
        """Hand the edited calendar to the session as one undoable step."""
        if self.calendar is None:
            return
        current = self.session.data.calendars.get(self.calendar.id)
        if current == self.calendar:
            return
        try:
            self.session.apply(ReplaceObject(self.calendar))
        except BBScheduleError as exc:
            self.message.setText(str(exc))

    def set_exception_dates(self, start: dt.date, finish: dt.date) -> None:
        self.exc_start.setDate(_qdate(start))
        self.exc_finish.setDate(_qdate(finish))
