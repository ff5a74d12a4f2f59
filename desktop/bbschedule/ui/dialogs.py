"""Small dialogs of the main window: add a relationship."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from bbschedule.core.activity import Relationship
from bbschedule.core.enums import RelationshipType
from bbschedule.core.project_data import ProjectData
from bbschedule.ui.formatting import parse_duration

RELATIONSHIP_LABELS = {
    RelationshipType.FS: "Finish to Start (FS)",
    RelationshipType.SS: "Start to Start (SS)",
    RelationshipType.FF: "Finish to Finish (FF)",
    RelationshipType.SF: "Start to Finish (SF)",
}


class RelationshipDialog(QDialog):
    """Pick predecessor, successor, type and lag; `relationship()` reads the result (ValueError if unreadable)."""

    def __init__(
        self, data: ProjectData, *, predecessor: str | None, successor: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add Relationship")
        self._data = data
        activities = sorted(data.activities.values(), key=lambda a: a.code)
        self.predecessor = QComboBox(self)
        self.successor = QComboBox(self)
        for combo, chosen in ((self.predecessor, predecessor), (self.successor, successor)):
            combo.setEditable(True)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            for activity in activities:
                combo.addItem(f"{activity.code} — {activity.name}", activity.id)
            if chosen is not None:
                combo.setCurrentIndex(max(combo.findData(chosen), 0))
        self.type = QComboBox(self)
        for kind, label in RELATIONSHIP_LABELS.items():
            self.type.addItem(label, kind.value)
        self.lag = QLineEdit("0d", self)
        self.lag.setToolTip("Working time on the predecessor's calendar: 2d, 4h; negative for a lead (-1d)")
        form = QFormLayout(self)
        form.addRow("Predecessor", self.predecessor)
        form.addRow("Successor", self.successor)
        form.addRow("Type", self.type)
        form.addRow("Lag", self.lag)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(520, self.sizeHint().height())

    def relationship(self) -> Relationship:
        predecessor = str(self.predecessor.currentData())
        successor = str(self.successor.currentData())
        calendar = self._data.calendars.get(self._data.activities[predecessor].calendar_id)
        hours = calendar.hours_per_day if calendar is not None else 8.0
        text = self.lag.text().strip()
        negative = text.startswith("-")
        minutes = parse_duration(text.lstrip("-") or "0", hours_per_day=hours)
        return Relationship(
            predecessor, successor, RelationshipType(self.type.currentData()), -minutes if negative else minutes
        )
