"""How the activity table's cells are drawn and edited: column 0 indented by the row's depth with an arrow on
group rows (the table is flat; this is what makes it read as a tree), a combo box where the model offers
choices, a line edit elsewhere. Editors only collect what the planner typed or chose; the model turns it into a
command.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)
from typing_extensions import override

from bbschedule.ui import roles
from bbschedule.ui.cell_reader import COLLAPSED_GROUP, EXPANDED_GROUP

Index = QModelIndex | QPersistentModelIndex
INDENT = 14
"""Pixels per level of depth in column 0."""
ARROW = 14
"""The width of the open/close arrow left of a group's code (activities keep the same space, so codes align)."""


class ActivityDelegate(QStyledItemDelegate):
    @override
    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        # A little air between rows, as in P6; every row has the same height (see row_height).
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), hint.height() + 5)

    @staticmethod
    def row_height(view: QWidget) -> int:
        """Every row's height: a line of text or a 16-pixel icon, the style's item margins, and some air."""
        return max(view.fontMetrics().height(), 16) + 9

    @staticmethod
    def _indent(index: Index) -> int:
        depth = index.data(roles.ROW_DEPTH)
        return (depth if isinstance(depth, int) else 0) * INDENT

    def on_arrow(self, index: Index, rect: QRect, x: float) -> bool:
        """True when `x` falls on the arrow of a group row's first cell."""
        if index.data(roles.ROW_STATE) not in (EXPANDED_GROUP, COLLAPSED_GROUP):
            return False
        left = rect.left() + self._indent(index)
        return left <= x < left + ARROW

    @override
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        if index.column() != 0:
            super().paint(painter, option, index)
            return
        # Column 0 reads as a tree: the band (or selection) across the whole cell, then the arrow and the text
        # indented by depth.
        full = QRect(option.rect)
        state = index.data(roles.ROW_STATE)
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(full, option.palette.highlight())
        else:
            band = index.data(roles.BACKGROUND)
            if band is not None:
                painter.fillRect(full, band)
        indent = self._indent(index)
        if state in (EXPANDED_GROUP, COLLAPSED_GROUP):
            arrow = QStyleOptionViewItem(option)
            arrow.rect = QRect(full.left() + indent, full.top(), ARROW, full.height())
            element = (
                QStyle.PrimitiveElement.PE_IndicatorArrowDown
                if state == EXPANDED_GROUP
                else QStyle.PrimitiveElement.PE_IndicatorArrowRight
            )
            widget = option.widget
            style = widget.style() if widget is not None else None
            if style is not None:
                style.drawPrimitive(element, arrow, painter, widget)
        shifted = QStyleOptionViewItem(option)
        shifted.rect = full.adjusted(indent + ARROW, 0, 0, 0)
        super().paint(painter, shifted, index)

    @override
    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: Index) -> None:
        super().updateEditorGeometry(editor, option, index)
        if index.column() == 0:
            shift = self._indent(index) + ARROW
            editor.setGeometry(editor.geometry().adjusted(shift, 0, 0, 0))

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
