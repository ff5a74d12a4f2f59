"""DESIGN.md section 10: PySide6 6.12.0 on Python 3.11 aborts after some thousands of QPainter calls.

Paints 200,000 rectangles with the calls the Gantt makes; on a broken PySide6 the process dies here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen


def test_two_hundred_thousand_rectangles_paint(qapp: Any) -> None:
    image = QImage(400, 300, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        fill = QColor(76, 134, 214)
        pen = QPen(QColor(44, 92, 160))
        for i in range(200_000):
            rect = QRect(i % 380, (i // 380) % 290, 12, 6)
            painter.fillRect(rect, fill)
            painter.setPen(pen)
            painter.drawRect(rect)
    finally:
        painter.end()
    assert image.pixelColor(5, 5) != QColor(Qt.GlobalColor.white)
