"""The activity details panel: general facts and constraint, relationships (add, edit, remove) and notes.

Every edit is a core command through the session; the panel refreshes from the change sets it reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from bbschedule.core.activity import Activity, Constraint, Relationship
from bbschedule.core.changes import ChangeSet
from bbschedule.core.commands import AddRelationship, Command, DeleteObjects, SetActivityField, SetField
from bbschedule.core.enums import ConstraintType, RelationshipType
from bbschedule.core.errors import BBScheduleError
from bbschedule.services.session import ProjectSession

CONSTRAINT_LABELS = {
    None: "(none)",
    ConstraintType.START_ON: "Start On",
    ConstraintType.START_ON_OR_AFTER: "Start On or After",
    ConstraintType.START_ON_OR_BEFORE: "Start On or Before",
    ConstraintType.FINISH_ON: "Finish On",
    ConstraintType.FINISH_ON_OR_AFTER: "Finish On or After",
    ConstraintType.FINISH_ON_OR_BEFORE: "Finish On or Before",
    ConstraintType.MANDATORY_START: "Mandatory Start",
    ConstraintType.MANDATORY_FINISH: "Mandatory Finish",
    ConstraintType.AS_LATE_AS_POSSIBLE: "As Late As Possible",
}
PRED, SUCC = 0, 1


def _fmt(value: dt.datetime | None) -> str:
    return "" if value is None else value.strftime("%d-%b-%y %H:%M")


class RelationshipTable(QTableWidget):
    """Predecessors or successors of one activity: Activity ID, Name, Type, Lag (days)."""

    def __init__(self, side: int, parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        self.side = side
        self.setHorizontalHeaderLabels(["Activity ID", "Activity Name", "Type", "Lag (d)"])
        self.horizontalHeader().setStretchLastSection(False)
        self.horizontalHeader().resizeSection(1, 220)
        self.verticalHeader().setVisible(False)
        self.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)


class ActivityDetailsPanel(QWidget):
    def __init__(self, report: Callable[[str], None] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: ProjectSession | None = None
        self.activity_id: str | None = None
        self._report = report or (lambda text: None)
        self._unsubscribe: Callable[[], None] | None = None
        self._loading = False
        self.title = QLabel("No activity selected")
        self.title.setStyleSheet("font-weight: 600; padding: 2px;")
        self.tabs = QTabWidget()
        self.tabs.addTab(self._general_tab(), "General")
        self.tabs.addTab(self._relationships_tab(), "Relationships")
        self.tabs.addTab(self._notes_tab(), "Notes")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        self.setEnabled(False)

    # construction -----------------------------------------------------------------------------------------------
    def _general_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.facts: dict[str, QLabel] = {}
        for key, label in (
            ("type", "Type"),
            ("calendar", "Calendar"),
            ("wbs", "WBS"),
            ("durations", "Original / remaining"),
            ("early", "Early start / finish"),
            ("late", "Late start / finish"),
            ("float", "Total / free float"),
            ("actual", "Actual start / finish"),
        ):
            self.facts[key] = QLabel()
            self.facts[key].setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, self.facts[key])
        self.constraint_type = QComboBox()
        for ctype, text in CONSTRAINT_LABELS.items():
            self.constraint_type.addItem(text, None if ctype is None else ctype.value)
        self.constraint_date = QDateTimeEdit()
        self.constraint_date.setCalendarPopup(True)
        self.constraint_date.setDisplayFormat("dd-MMM-yyyy HH:mm")
        set_constraint = QPushButton("Set constraint")
        set_constraint.clicked.connect(self.on_set_constraint_clicked)
        row = QHBoxLayout()
        row.addWidget(self.constraint_type, 1)
        row.addWidget(self.constraint_date, 1)
        row.addWidget(set_constraint)
        form.addRow("Primary constraint", row)
        return page

    def _relationships_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.tables = (RelationshipTable(PRED), RelationshipTable(SUCC))
        self.other_code = QLineEdit()
        self.other_code.setPlaceholderText("Activity ID")
        self.new_type = QComboBox()
        for rel_type in RelationshipType:
            self.new_type.addItem(rel_type.value, rel_type.value)
        self.new_lag = QDoubleSpinBox()
        self.new_lag.setRange(-9999, 9999)
        self.new_lag.setSuffix(" d")
        add_pred = QPushButton("Add predecessor")
        add_pred.clicked.connect(lambda: self.add_relationship(PRED))
        add_succ = QPushButton("Add successor")
        add_succ.clicked.connect(lambda: self.add_relationship(SUCC))
        remove = QPushButton("Remove selected")
        remove.clicked.connect(self.on_remove_clicked)
        adder = QHBoxLayout()
        for widget in (self.other_code, self.new_type, self.new_lag, add_pred, add_succ, remove):
            adder.addWidget(widget)
        for title, table in zip(("Predecessors", "Successors"), self.tables, strict=True):
            layout.addWidget(QLabel(title))
            layout.addWidget(table, 1)
            table.itemChanged.connect(self.on_relationship_item_changed)
        layout.addLayout(adder)
        return page

    def _notes_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.notes = QPlainTextEdit()
        save = QPushButton("Save notes")
        save.clicked.connect(self.on_save_notes_clicked)
        layout.addWidget(self.notes, 1)
        layout.addWidget(save, 0, Qt.AlignmentFlag.AlignRight)
        return page

    # session ----------------------------------------------------------------------------------------------------
    def set_session(self, session: ProjectSession | None) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.session = session
        self.activity_id = None
        if session is not None:
            self._unsubscribe = session.subscribe(self.on_session_changed)
            codes = sorted(a.code for a in session.data.activities.values())
            self.other_code.setCompleter(QCompleter(codes, self))
        self.show_activity(None)

    def on_session_changed(self, change_set: ChangeSet) -> None:
        if self.activity_id is not None and self.session is not None:
            self.show_activity(self.activity_id if self.activity_id in self.session.data.activities else None)

    def show_activity(self, activity_id: str | None) -> None:
        self.activity_id = activity_id
        activity = self._activity()
        self.setEnabled(activity is not None and not (self.session and self.session.read_only))
        if activity is None:
            self.title.setText("No activity selected")
            return
        self._loading = True
        self.title.setText(f"{activity.code} — {activity.name}")
        self._fill_general(activity)
        self._fill_relationships(activity)
        self.notes.setPlainText(activity.notes)
        self._loading = False

    def _activity(self) -> Activity | None:
        if self.session is None or self.activity_id is None:
            return None
        return self.session.data.activities.get(self.activity_id)

    def _fill_general(self, activity: Activity) -> None:
        assert self.session is not None
        data = self.session.data
        calendar = data.calendars.get(activity.calendar_id)
        hours = calendar.hours_per_day if calendar else 8.0
        wbs = data.wbs.get(activity.wbs_id) if activity.wbs_id else None
        computed = data.computed.get(activity.id)
        self.facts["type"].setText(activity.type.value.replace("_", " ").capitalize())
        self.facts["calendar"].setText(calendar.name if calendar else "")
        self.facts["wbs"].setText(f"{wbs.code} {wbs.name}" if wbs else "")
        self.facts["durations"].setText(
            f"{activity.original_duration / 60 / hours:g}d / {activity.remaining / 60 / hours:g}d"
        )
        if computed is not None:
            self.facts["early"].setText(f"{_fmt(computed.early_start)} / {_fmt(computed.early_finish)}")
            self.facts["late"].setText(f"{_fmt(computed.late_start)} / {_fmt(computed.late_finish)}")
            tf = "" if computed.total_float is None else f"{computed.total_float / 60 / hours:g}d"
            ff = "" if computed.free_float is None else f"{computed.free_float / 60 / hours:g}d"
            self.facts["float"].setText(f"{tf} / {ff}" + ("  (critical)" if computed.critical else ""))
        else:
            for key in ("early", "late", "float"):
                self.facts[key].setText("not scheduled")
        self.facts["actual"].setText(f"{_fmt(activity.actual_start)} / {_fmt(activity.actual_finish)}")
        constraint = activity.primary_constraint
        self.constraint_type.setCurrentIndex(
            self.constraint_type.findData(constraint.type.value if constraint else None)
        )
        moment = (constraint.date if constraint and constraint.date else None) or data.project.planned_start
        self.constraint_date.setDateTime(
            QDateTime(moment.year, moment.month, moment.day, moment.hour, moment.minute, 0)
        )

    def _fill_relationships(self, activity: Activity) -> None:
        assert self.session is not None
        data = self.session.data
        hours = data.calendars[activity.calendar_id].hours_per_day if activity.calendar_id in data.calendars else 8
        rels = (data.predecessors_of(activity.id), data.successors_of(activity.id))
        for side, table in enumerate(self.tables):
            table.blockSignals(True)
            table.setRowCount(0)
            for rel in sorted(rels[side], key=lambda r: data.activities[self._other(r, side)].code):
                other = data.activities[self._other(rel, side)]
                row = table.rowCount()
                table.insertRow(row)
                for col, text in enumerate((other.code, other.name, rel.type.value, f"{rel.lag / 60 / hours:g}")):
                    item = QTableWidgetItem(text)
                    item.setData(int(Qt.ItemDataRole.UserRole), rel.id)
                    if col < 2:
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    table.setItem(row, col, item)
            table.blockSignals(False)

    @staticmethod
    def _other(rel: Relationship, side: int) -> str:
        return rel.predecessor_id if side == PRED else rel.successor_id

    # edits ------------------------------------------------------------------------------------------------------
    def _apply(self, build: Callable[[], Command]) -> None:
        if self.session is None:
            return
        try:
            self.session.apply(build())
        except (BBScheduleError, ValueError) as exc:
            self._report(str(exc))
            if self.activity_id is not None:
                self.show_activity(self.activity_id)

    def _hours_per_day(self) -> float:
        activity = self._activity()
        if self.session is None or activity is None or activity.calendar_id not in self.session.data.calendars:
            return 8.0
        return self.session.data.calendars[activity.calendar_id].hours_per_day

    def on_set_constraint_clicked(self) -> None:
        activity_id = self.activity_id
        if activity_id is None:
            return
        value = self.constraint_type.currentData()

        def build() -> Command:
            if value is None:
                return SetActivityField(activity_id, "primary_constraint", None)
            ctype = ConstraintType(value)
            qdt = self.constraint_date.dateTime()
            d, t = qdt.date(), qdt.time()
            moment = dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()) if ctype.needs_date else None
            return SetActivityField(activity_id, "primary_constraint", Constraint(ctype, moment))

        self._apply(build)

    def add_relationship(self, side: int) -> None:
        if self.session is None or self.activity_id is None:
            return
        code = self.other_code.text().strip()
        other = self.session.data.activity_by_code(code)
        if other is None:
            self._report(f"relationship: no activity with Activity ID {code!r}")
            return
        pred, succ = (other.id, self.activity_id) if side == PRED else (self.activity_id, other.id)
        lag = round(self.new_lag.value() * self._hours_per_day() * 60)
        rel_type = RelationshipType(self.new_type.currentData())
        self._apply(lambda: AddRelationship(Relationship(pred, succ, rel_type, lag)))

    def on_relationship_item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading or item.column() < 2:
            return
        rel_id = item.data(int(Qt.ItemDataRole.UserRole))
        text = item.text().strip()
        if item.column() == 2:
            self._apply(lambda: SetField("relationship", (rel_id,), "type", RelationshipType(text.upper())))
        else:
            self._apply(
                lambda: SetField("relationship", (rel_id,), "lag", round(float(text) * self._hours_per_day() * 60))
            )

    def on_remove_clicked(self) -> None:
        ids: list[str] = []
        for table in self.tables:
            for index in table.selectionModel().selectedRows():
                item = table.item(index.row(), 0)
                if item is not None:
                    ids.append(item.data(int(Qt.ItemDataRole.UserRole)))
        if ids:
            self._apply(lambda: DeleteObjects("relationship", tuple(ids)))

    def on_save_notes_clicked(self) -> None:
        activity_id = self.activity_id
        if activity_id is not None:
            self._apply(lambda: SetActivityField(activity_id, "notes", self.notes.toPlainText()))
