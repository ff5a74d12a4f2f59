"""The planner's open sync conflicts: per field, the server's value (theirs, and who set it) beside the planner's
(mine); the planner picks one per row, and the "mine" picks become one undoable command through the session.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bbschedule.core.changes import PROJECT_KIND
from bbschedule.core.commands import Command, Composite, SetField, SetProjectField
from bbschedule.core.project_data import ProjectData
from bbschedule.sync.conflicts import Conflict
from bbschedule.sync.fastcodec import entity_from_fields, fields_of

THEIRS, MINE = "Keep theirs", "Use mine"
RESOLVE_LABEL = "Resolve sync conflicts"
COLUMNS = ("Object", "Field", "Theirs", "Mine", "Keep")


def describe(data: ProjectData | None, conflict: Conflict) -> str:
    """The object in the planner's words: an activity by its code and name, else its kind."""
    if data is None:
        return conflict.kind
    if conflict.kind == PROJECT_KIND:
        return f"Project {data.project.code}"
    obj = data.table(conflict.kind).get(conflict.row_id) if conflict.kind in _KINDS else None
    if obj is None:
        return f"{conflict.kind} (deleted)"
    code, name = getattr(obj, "code", ""), getattr(obj, "name", "")
    return f"{conflict.kind} {code} {name}".strip()


_KINDS = frozenset(("activity", "relationship", "wbs", "calendar", "resource", "assignment", "expense", "baseline"))


def show_value(value: Any) -> str:
    if value is None:
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def typed_value(data: ProjectData, conflict: Conflict) -> Any:
    """The planner's value as the model holds it (a datetime, an enum…), decoded the way a pulled row is."""
    current = data.project if conflict.kind == PROJECT_KIND else data.table(conflict.kind)[conflict.row_id]
    fields = {**fields_of(current), conflict.field: conflict.mine}
    return getattr(entity_from_fields(conflict.kind, conflict.row_id, fields), conflict.field)


def resolution_command(data: ProjectData, picks: Sequence[tuple[Conflict, bool]]) -> Command | None:
    """One command for every "mine" pick (the cache already holds theirs, so "theirs" picks change nothing);
    None when there are no such picks or their rows are gone."""
    commands: list[Command] = []
    for conflict, mine in picks:
        if not mine or conflict.lost_to_delete:
            continue
        if conflict.kind == PROJECT_KIND:
            commands.append(SetProjectField(conflict.field, typed_value(data, conflict)))
        elif conflict.row_id in data.table(conflict.kind):
            commands.append(SetField(conflict.kind, (conflict.row_id,), conflict.field, typed_value(data, conflict)))
    return Composite(RESOLVE_LABEL, commands) if commands else None


class ConflictsDialog(QDialog):
    """A table of conflicts with a theirs/mine pick per row; `picks()` after exec() says what was chosen."""

    def __init__(self, conflicts: Sequence[Conflict], data: ProjectData | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Sync Conflicts")
        self.resize(820, 360)
        self.conflicts = list(conflicts)
        self.table = QTableWidget(len(self.conflicts), len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.choices: list[QComboBox] = []
        for row, conflict in enumerate(self.conflicts):
            by = f" ({conflict.other_user})" if conflict.other_user else ""
            if conflict.lost_to_delete:
                field, theirs, mine = "(whole row)", f"deleted{by}", "your edit"
            else:
                field, theirs, mine = conflict.field, show_value(conflict.theirs) + by, show_value(conflict.mine)
            for column, text in enumerate((describe(data, conflict), field, theirs, mine)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
            choice = QComboBox(self.table)
            choice.addItem(THEIRS)
            if not conflict.lost_to_delete:  # bringing a deleted row back is not offered (its links are gone)
                choice.addItem(MINE)
            self.choices.append(choice)
            self.table.setCellWidget(row, len(COLUMNS) - 1, choice)
        self.table.resizeColumnsToContents()
        note = QLabel(
            "Theirs is on the server now. Picking mine sends your value with the next sync; all picks are one step"
            " you can undo.",
            self,
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Resolve")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def pick(self, row: int, *, mine: bool) -> None:
        self.choices[row].setCurrentText(MINE if mine else THEIRS)

    def picks(self) -> list[tuple[Conflict, bool]]:
        return [(c, box.currentText() == MINE) for c, box in zip(self.conflicts, self.choices, strict=True)]
