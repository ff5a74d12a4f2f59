"""Paints relationship lines with arrows for FS, SS, FF and SF, routed with right angles as P6 draws them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF
from PySide6.QtGui import QBrush, QPainter, QPen, QPolygonF

from bbschedule.core.enums import RelationshipType
from bbschedule.ui.gantt.bar_painter import Slot, bar_rect
from bbschedule.ui.gantt.bars import BarKind
from bbschedule.ui.gantt.style import GanttStyle
from bbschedule.ui.gantt.time_grid import TimeGrid

STUB = 6.0
ARROW = 4.0


@dataclass(frozen=True, slots=True)
class LinkSpec:
    predecessor: Slot
    successor: Slot
    type: RelationshipType
    critical: bool = False


def route(grid: TimeGrid, link: LinkSpec, style: GanttStyle) -> list[QPointF]:
    """The polyline of a link, from the predecessor's anchor to the successor's."""
    p_rect = bar_rect(grid, link.predecessor, style)
    s_rect = bar_rect(grid, link.successor, style)
    from_finish = link.type in (RelationshipType.FS, RelationshipType.FF)
    to_start = link.type in (RelationshipType.FS, RelationshipType.SS)
    px = p_rect.right() if from_finish else p_rect.left()
    qx = s_rect.left() if to_start else s_rect.right()
    if link.successor.bar.kind is BarKind.MILESTONE:
        qx = s_rect.left() - (s_rect.height() * 0.6 + 1) * (1 if to_start else -1)
    py, qy = p_rect.center().y(), s_rect.center().y()
    out = STUB if from_finish else -STUB
    entry = -STUB if to_start else STUB
    x1 = px + out
    x2 = qx + entry
    points = [QPointF(px, py), QPointF(x1, py)]
    straight = (to_start and x1 <= x2) or (not to_start and x1 >= x2)
    if straight:
        points += [QPointF(x1, qy), QPointF(qx, qy)]
    else:
        below = qy >= py
        gap = link.successor.y if below else link.successor.y + link.successor.height
        points += [QPointF(x1, gap), QPointF(x2, gap), QPointF(x2, qy), QPointF(qx, qy)]
    return points


class LinkPainter:
    def __init__(self, style: GanttStyle | None = None) -> None:
        self.style = style or GanttStyle()

    def paint(self, painter: QPainter, grid: TimeGrid, links: Sequence[LinkSpec]) -> None:
        s = self.style
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for link in links:
            color = s.link_critical if link.critical else s.link
            painter.setPen(QPen(color, 1.0))
            points = route(grid, link, s)
            painter.drawPolyline(QPolygonF(points))
            tip, before = points[-1], points[-2]
            direction = 1.0 if tip.x() >= before.x() else -1.0
            head = QPolygonF(
                [
                    tip,
                    QPointF(tip.x() - direction * ARROW, tip.y() - ARROW),
                    QPointF(tip.x() - direction * ARROW, tip.y() + ARROW),
                ]
            )
            painter.setBrush(QBrush(color))
            painter.drawPolygon(head)
