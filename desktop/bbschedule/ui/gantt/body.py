"""The Gantt chart's drawing surface: paints through the chart and turns mouse presses, drags, wheel turns and
tooltips into the chart's calls and intents (move, resize, link)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QWheelEvent
from PySide6.QtWidgets import QToolTip, QWidget
from typing_extensions import override

from bbschedule.ui.gantt.bar_painter import Part
from bbschedule.ui.gantt.drag import Drag
from bbschedule.ui.gantt.time_grid import ZOOM_STEP

if TYPE_CHECKING:
    from bbschedule.ui.gantt.chart import GanttChart


class GanttBody(QWidget):
    sig_intent = Signal(object)
    sig_bar_double_clicked = Signal(str)
    sig_context_menu = Signal(str, object)

    def __init__(self, chart: GanttChart) -> None:
        super().__init__(chart)
        self.chart = chart
        self.setMouseTracking(True)
        self.setAutoFillBackground(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        self._drag: Drag | None = None

    # painting ------------------------------------------------------------------------------------------------
    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.chart.paint_body(painter, self.width(), self.height(), self._drag)
        painter.end()

    # interaction ---------------------------------------------------------------------------------------------
    @override
    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        hit = self.chart.hit(pos.x(), pos.y())
        row = self.chart.rows.row_at(int(pos.y()))
        if row is not None:
            self.chart.select_key(row.key)
        if event.button() == Qt.MouseButton.LeftButton and hit is not None:
            bar = self.chart.bar(hit.key)
            if bar is not None and self.chart.is_editable(hit.key):
                height = row.height if row is not None else 20
                self._drag = Drag(hit, pos.x(), pos.y(), height, bar.start, bar.finish)
        super().mousePressEvent(event)

    @override
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._drag is not None:
            self._drag.update(pos.x(), pos.y())
            self.update()
            return
        hit = self.chart.hit(pos.x(), pos.y())
        cursor = Qt.CursorShape.ArrowCursor
        if hit is not None:
            cursor = Qt.CursorShape.SizeHorCursor if hit.part is Part.FINISH else Qt.CursorShape.OpenHandCursor
        self.setCursor(cursor)

    @override
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, self._drag = self._drag, None
        if drag is None:
            return
        pos = event.position()
        drag.update(pos.x(), pos.y())
        target = self.chart.hit(pos.x(), pos.y(), loose=True)
        left_half = True
        if target is not None:
            bar = self.chart.bar(target.key)
            if bar is not None:
                middle = (self.chart.grid.x_of(bar.start) + self.chart.grid.x_of(bar.finish)) / 2
                left_half = pos.x() < middle
        intent = drag.finish_intent(px_per_day=self.chart.grid.px_per_day, target=target, target_is_left_half=left_half)
        self.update()
        if intent is not None:
            self.sig_intent.emit(intent)

    @override
    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        hit = self.chart.hit(event.position().x(), event.position().y())
        if hit is not None:
            self.sig_bar_double_clicked.emit(hit.key)

    @override
    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        pos = event.pos()
        row = self.chart.rows.row_at(pos.y())
        if row is not None:
            self.sig_context_menu.emit(row.key, self.mapToGlobal(pos))

    @override
    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            factor = ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP
            self.chart.zoom(factor, anchor_x=event.position().x())
            return
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.chart.scroll_by(-event.angleDelta().y())
            return
        self.chart.tree.verticalScrollBar().event(event)

    @override
    def event(self, event: object) -> bool:
        if isinstance(event, QHelpEvent) and event.type() == QHelpEvent.Type.ToolTip:
            text = self.chart.tooltip_at(event.pos().x(), event.pos().y())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)  # type: ignore[arg-type]
