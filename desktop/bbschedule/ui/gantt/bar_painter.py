"""Paints the bars of the visible rows and answers what lies under a point (hit-testing)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPolygonF

from bbschedule.ui.gantt.bars import BarKind, BarSpec
from bbschedule.ui.gantt.style import GanttStyle
from bbschedule.ui.gantt.time_grid import TimeGrid

EDGE_GRIP = 5.0
MIN_BAR_WIDTH = 2.0


class Part(Enum):
    BODY = "body"
    START = "start"
    FINISH = "finish"


@dataclass(frozen=True, slots=True)
class Slot:
    """A bar placed in a row: its top y and the row height."""

    bar: BarSpec
    y: float
    height: float


@dataclass(frozen=True, slots=True)
class Hit:
    key: str
    part: Part


def bar_rect(grid: TimeGrid, slot: Slot, style: GanttStyle) -> QRectF:
    bar = slot.bar
    x0 = grid.x_of(bar.start)
    x1 = max(grid.x_of(bar.finish), x0 + MIN_BAR_WIDTH)
    h = slot.height * style.bar_height_ratio
    top = slot.y + (slot.height - h) / 2 - (style.baseline_height / 2 if bar.baseline_start else 0)
    if bar.kind is BarKind.SUMMARY:
        h = max(4.0, h * 0.45)
        top = slot.y + slot.height * 0.32
    return QRectF(x0, top, x1 - x0, h)


class BarPainter:
    def __init__(self, style: GanttStyle | None = None) -> None:
        self.style = style or GanttStyle()

    def paint(self, painter: QPainter, grid: TimeGrid, slots: Sequence[Slot], *, show_labels: bool = True) -> None:
        s = self.style
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for slot in slots:
            bar = slot.bar
            rect = bar_rect(grid, slot, s)
            if bar.baseline_start is not None and bar.baseline_finish is not None:
                bx0 = grid.x_of(bar.baseline_start)
                bx1 = max(grid.x_of(bar.baseline_finish), bx0 + MIN_BAR_WIDTH)
                painter.fillRect(QRectF(bx0, rect.bottom() + 1, bx1 - bx0, s.baseline_height), s.baseline)
            if bar.kind is BarKind.MILESTONE:
                self._milestone(painter, rect, bar)
            elif bar.kind is BarKind.SUMMARY:
                self._summary(painter, rect, bar)
            else:
                self._task(painter, grid, rect, bar)
            if show_labels and bar.label and slot.height >= 14:
                painter.setPen(s.label_text)
                x = rect.right() + (rect.height() / 2 + 4 if bar.kind is BarKind.MILESTONE else 4)
                painter.drawText(
                    QRectF(x, slot.y, 600, slot.height),
                    int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                    bar.label,
                )

    def _task(self, painter: QPainter, grid: TimeGrid, rect: QRectF, bar: BarSpec) -> None:
        s = self.style
        if bar.late_finish is not None and bar.late_finish > bar.finish and bar.kind is BarKind.TASK:
            # Along the bottom of the bar, level with the baseline band, as P6 draws it: at mid-height it ran
            # through the label beside the bar like a strike-through.
            fx = grid.x_of(bar.late_finish)
            y = rect.bottom() + 1 + s.baseline_height
            painter.setPen(QPen(s.float_bar, 1.0))
            painter.drawLine(QPointF(rect.right(), y), QPointF(fx, y))
            painter.drawLine(QPointF(fx, y - 4), QPointF(fx, y))
        fill = s.level_of_effort if bar.kind is BarKind.LEVEL_OF_EFFORT else (s.critical if bar.critical else s.task)
        edge = s.critical_edge if bar.critical else s.task_edge
        painter.setPen(QPen(edge, 1.0))
        painter.setBrush(QBrush(fill))
        painter.drawRect(rect)
        if bar.actual_until is not None and bar.actual_until > bar.start:
            ax = min(grid.x_of(bar.actual_until), rect.right())
            done = QRectF(rect.left(), rect.top(), ax - rect.left(), rect.height())
            painter.fillRect(done.adjusted(0.5, 0.5, 0, -0.5), s.actual_critical if bar.critical else s.actual)

    def _milestone(self, painter: QPainter, rect: QRectF, bar: BarSpec) -> None:
        s = self.style
        r = rect.height() * 0.6 + 1
        c = QPointF(rect.left(), rect.center().y())
        diamond = QPolygonF(
            [QPointF(c.x(), c.y() - r), QPointF(c.x() + r, c.y()), QPointF(c.x(), c.y() + r), QPointF(c.x() - r, c.y())]
        )
        color = s.critical if bar.critical else s.milestone
        painter.setPen(QPen(color.darker(130), 1.0))
        painter.setBrush(QBrush(s.actual if bar.actual_until is not None else color))
        painter.drawPolygon(diamond)

    def _summary(self, painter: QPainter, rect: QRectF, bar: BarSpec) -> None:
        s = self.style
        color = s.critical if bar.critical else s.summary
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(color))
        painter.drawRect(rect)
        tip = rect.height() + 2
        for x, direction in ((rect.left(), 1), (rect.right(), -1)):
            painter.drawPolygon(
                QPolygonF(
                    [QPointF(x, rect.top()), QPointF(x + direction * tip, rect.top()), QPointF(x, rect.bottom() + tip)]
                )
            )

    def hit(self, grid: TimeGrid, slots: Sequence[Slot], x: float, y: float) -> Hit | None:
        for slot in slots:
            if not slot.y <= y < slot.y + slot.height:
                continue
            rect = bar_rect(grid, slot, self.style)
            if slot.bar.kind is BarKind.MILESTONE:
                r = rect.height()
                if abs(x - rect.left()) <= r:
                    return Hit(slot.bar.key, Part.BODY)
                return None
            if rect.left() - EDGE_GRIP <= x <= rect.left() + EDGE_GRIP and rect.width() > 3 * EDGE_GRIP:
                return Hit(slot.bar.key, Part.START)
            if rect.right() - EDGE_GRIP <= x <= rect.right() + EDGE_GRIP:
                return Hit(slot.bar.key, Part.FINISH)
            if rect.left() <= x <= rect.right():
                return Hit(slot.bar.key, Part.BODY)
            return None
        return None


def translucent(color: QColor, alpha: int) -> QColor:
    out = QColor(color)
    out.setAlpha(alpha)
    return out
