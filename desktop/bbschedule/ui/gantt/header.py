"""The two-tier timescale above the chart (year/quarter/month/week/day, by zoom)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget
from typing_extensions import override

from bbschedule.ui.gantt.style import GanttStyle
from bbschedule.ui.gantt.time_grid import TimeGrid


class GanttHeader(QWidget):
    def __init__(self, grid: Callable[[], TimeGrid], style: GanttStyle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = grid
        self._style = style
        self.setMinimumHeight(36)

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        grid = self._grid()
        s = self._style
        painter = QPainter(self)
        painter.fillRect(self.rect(), s.header_background)
        half = self.height() / 2
        major, minor = grid.tiers()
        width = float(self.width())
        for row, unit in ((0, major), (1, minor)):
            top = row * half
            for tick in grid.ticks(unit, 0.0, width):
                painter.setPen(QPen(s.header_line, 1.0))
                painter.drawLine(int(tick.x), int(top), int(tick.x), int(top + half))
                painter.setPen(s.header_text)
                # A tick cut by the left edge keeps its label in view, as P6's timescale does.
                left = max(tick.x, 0.0)
                right = min(tick.x + tick.width, width)
                text_rect = QRectF(left + 3, top, max(right - left - 6, 0), half)
                align = Qt.AlignmentFlag.AlignVCenter | (
                    Qt.AlignmentFlag.AlignLeft if row == 0 else Qt.AlignmentFlag.AlignHCenter
                )
                if painter.fontMetrics().horizontalAdvance(tick.label) > text_rect.width() + 1:
                    continue  # what is left of a cut cell cannot hold it: a clipped "1 202" reads as nonsense
                painter.drawText(text_rect, int(align), tick.label)
        painter.setPen(QPen(s.header_line, 1.0))
        painter.drawLine(0, int(half), self.width(), int(half))
        painter.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
        painter.end()
