"""Cell editors of the activity table: a combo box where the model offers choices, a line edit elsewhere.

Editors only collect what the planner typed or chose; the model turns it into a command.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget
from typing_extensions import override

from bbschedule.ui import roles

Index = QModelIndex | QPersistentModelIndex


class ActivityDelegate(QStyledItemDelegate):
    @override
    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        # A little air between rows, as in P6; uniform row heights make this the height of every row.
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), hint.height() + 5)

    @override
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        choices: list[tuple[str, Any]] | None = index.data(roles.CHOICES)
        if choices:
            combo = QComboBox(parent)
            for label, value in choices:
                combo.addItem(label, value)
            combo.setFrame(False)
            return combo
        editor = QLineEdit(parent)
        editor.setFrame(False)
        return editor

    @override
    def setEditorData(self, editor: QWidget, index: Index) -> None:
        text = str(index.data(roles.EDIT) or "")
        if isinstance(editor, QComboBox):
            found = editor.findText(text, Qt.MatchFlag.MatchFixedString)
            editor.setCurrentIndex(max(found, 0))
        elif isinstance(editor, QLineEdit):
            editor.setText(text.removesuffix(" A"))
            editor.selectAll()

    @override
    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), roles.EDIT)
        elif isinstance(editor, QLineEdit) and editor.text() != str(index.data(roles.EDIT) or ""):
            model.setData(index, editor.text(), roles.EDIT)
