"""The filter bar above the activity table (text search, a Critical toggle, a status choice, a date window) and
the View menu's Group By choice. Both only collect what the planner chose (an ActivityFilter, a code type id) and
say so; the window hands it to the activity model, which rebuilds its rows.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
)

from bbschedule.core.project_data import ProjectData
from bbschedule.services.filters import ActivityFilter, Status
from bbschedule.ui.activity_order import FLOAT_PATH_GROUP

STATUS_CHOICES: tuple[tuple[str, frozenset[Status]], ...] = (
    ("All statuses", frozenset()),
    ("Not started", frozenset({Status.NOT_STARTED})),
    ("In progress", frozenset({Status.IN_PROGRESS})),
    ("Complete", frozenset({Status.COMPLETE})),
    ("Not complete", frozenset({Status.NOT_STARTED, Status.IN_PROGRESS})),
)


class FilterBar(QWidget):
    sig_filter_changed = Signal(object)
    """The ActivityFilter the planner now wants."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        self.search = QLineEdit(self)
        self.search.setObjectName("filterSearch")
        self.search.setPlaceholderText("Find activities (ID, name, notes)…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.critical = QCheckBox("Critical", self)
        self.critical.setObjectName("filterCritical")
        self.status = QComboBox(self)
        self.status.setObjectName("filterStatus")
        for label, _ in STATUS_CHOICES:
            self.status.addItem(label)
        self.use_window = QCheckBox("Between", self)
        self.use_window.setToolTip("Only activities whose dates overlap this window")
        today = QDate.currentDate()
        self.window_start = QDateEdit(today.addMonths(-1), self)
        self.window_finish = QDateEdit(today.addMonths(2), self)
        for edit in (self.window_start, self.window_finish):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd-MMM-yy")
            edit.setEnabled(False)
        self.clear = QToolButton(self)
        self.clear.setText("Show All")
        self.clear.setToolTip("Clear every filter")
        self.shown = QLabel(self)
        self.shown.setObjectName("filterShown")
        for widget in (self.search, self.critical, self.status, self.use_window, self.window_start):
            layout.addWidget(widget)
        layout.addWidget(QLabel("and", self))
        layout.addWidget(self.window_finish)
        layout.addWidget(self.clear)
        layout.addStretch(1)
        layout.addWidget(self.shown)
        # Typing filters after a short pause, not on each key: a filter over 100k activities is a rebuild.
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(250)
        self._typing.timeout.connect(self.emit_filter)
        self.search.textChanged.connect(lambda _text: self._typing.start())
        self.search.returnPressed.connect(self.emit_filter)
        self.critical.toggled.connect(self.emit_filter)
        self.status.currentIndexChanged.connect(self.emit_filter)
        self.use_window.toggled.connect(self.on_window_toggled)
        self.window_start.dateChanged.connect(self.emit_filter)
        self.window_finish.dateChanged.connect(self.emit_filter)
        self.clear.clicked.connect(self.reset)

    def current_filter(self) -> ActivityFilter:
        start = finish = None
        if self.use_window.isChecked():
            start = _datetime(self.window_start.date())
            finish = _datetime(self.window_finish.date()) + dt.timedelta(days=1)
        return ActivityFilter(
            critical_only=self.critical.isChecked(),
            statuses=STATUS_CHOICES[max(self.status.currentIndex(), 0)][1],
            text=self.search.text().strip(),
            window_start=start,
            window_finish=finish,
        )

    def emit_filter(self) -> None:
        self._typing.stop()
        self.sig_filter_changed.emit(self.current_filter())

    def on_window_toggled(self, on: bool) -> None:
        self.window_start.setEnabled(on)
        self.window_finish.setEnabled(on)
        self.emit_filter()

    def reset(self) -> None:
        """Every filter off: one signal, not one per widget."""
        widgets = (self.search, self.critical, self.status, self.use_window)
        for widget in widgets:
            widget.blockSignals(True)
        self.search.clear()
        self.critical.setChecked(False)
        self.status.setCurrentIndex(0)
        self.use_window.setChecked(False)
        for widget in widgets:
            widget.blockSignals(False)
        for edit in (self.window_start, self.window_finish):
            edit.setEnabled(False)
        self.emit_filter()

    def show_filter(self, activity_filter: ActivityFilter) -> None:
        """Show a filter already applied (a project reopened with its saved view): no signal."""
        f = activity_filter
        widgets = (self.search, self.critical, self.status, self.use_window, self.window_start, self.window_finish)
        for widget in widgets:
            widget.blockSignals(True)
        self.search.setText(f.text)
        self.critical.setChecked(f.critical_only)
        choice = next((i for i, (_label, statuses) in enumerate(STATUS_CHOICES) if statuses == f.statuses), 0)
        self.status.setCurrentIndex(choice)
        windowed = f.window_start is not None and f.window_finish is not None
        self.use_window.setChecked(windowed)
        if f.window_start is not None and f.window_finish is not None:
            last = f.window_finish - dt.timedelta(days=1)  # current_filter() adds the day back
            self.window_start.setDate(QDate(f.window_start.year, f.window_start.month, f.window_start.day))
            self.window_finish.setDate(QDate(last.year, last.month, last.day))
        for edit in (self.window_start, self.window_finish):
            edit.setEnabled(windowed)
        for widget in widgets:
            widget.blockSignals(False)
        self._typing.stop()

    def suggest_window(self, around: dt.datetime) -> None:
        """The date window's starting dates around the project's data date (kept while the window is in use)."""
        if self.use_window.isChecked():
            return
        day = QDate(around.year, around.month, around.day)
        for edit, date in ((self.window_start, day.addMonths(-1)), (self.window_finish, day.addMonths(2))):
            edit.blockSignals(True)
            edit.setDate(date)
            edit.blockSignals(False)

    def show_counts(self, shown: int, total: int) -> None:
        filtered = not self.current_filter().is_empty
        self.shown.setText(f"{shown:,} of {total:,} activities shown" if filtered else f"{total:,} activities")
        self.shown.setStyleSheet("color: #c0392b;" if filtered else "")


def _datetime(day: QDate) -> dt.datetime:
    return dt.datetime(day.year(), day.month(), day.day())


class GroupByMenu(QMenu):
    """View > Group By: the WBS, or one activity code type of the open project (one choice at a time)."""

    sig_grouping_chosen = Signal(object)
    """The chosen code type id, or None for the WBS."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("&Group By", parent)
        self.setObjectName("groupByMenu")
        self._group = QActionGroup(self)
        self._group.setExclusive(True)
        self._group.triggered.connect(lambda action: self.sig_grouping_chosen.emit(action.data()))
        self.set_code_types(None, current=None)

    def set_code_types(self, data: ProjectData | None, *, current: str | None) -> None:
        for action in self._group.actions():
            self._group.removeAction(action)
        self.clear()
        choices: list[tuple[str, str | None]] = [("Group by &WBS", None), ("Group by &Float Path", FLOAT_PATH_GROUP)]
        if data is not None:
            for code_type in sorted(data.code_types.values(), key=lambda t: t.name.casefold()):
                choices.append((f"Group by {code_type.name}", code_type.id))
        for text, value in choices:
            action = QAction(text, self)
            action.setCheckable(True)
            action.setData(value)
            action.setChecked(value == current)
            self._group.addAction(action)
            self.addAction(action)

    def choices(self) -> list[QAction]:
        return self._group.actions()
