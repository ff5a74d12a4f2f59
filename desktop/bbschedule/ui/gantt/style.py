"""Colours and sizes of the Gantt chart, in one place so a theme can change them."""

from __future__ import annotations

from PySide6.QtGui import QColor


class GanttStyle:
    """Defaults as class attributes; a theme subclasses and overrides."""

    background: QColor = QColor(255, 255, 255)
    nonworking: QColor = QColor(242, 242, 245)
    grid_line: QColor = QColor(226, 228, 232)
    header_background: QColor = QColor(246, 247, 249)
    header_text: QColor = QColor(40, 44, 52)
    header_line: QColor = QColor(200, 203, 209)
    task: QColor = QColor(76, 134, 214)
    task_edge: QColor = QColor(44, 92, 160)
    critical: QColor = QColor(214, 64, 56)
    critical_edge: QColor = QColor(150, 36, 30)
    actual: QColor = QColor(38, 64, 110)
    actual_critical: QColor = QColor(120, 28, 24)
    summary: QColor = QColor(40, 44, 52)
    level_of_effort: QColor = QColor(150, 196, 120)
    milestone: QColor = QColor(30, 34, 40)
    float_bar: QColor = QColor(40, 44, 52)
    baseline: QColor = QColor(232, 190, 60)
    link: QColor = QColor(90, 96, 108)
    link_critical: QColor = QColor(200, 50, 44)
    data_date: QColor = QColor(40, 120, 220)
    today: QColor = QColor(230, 140, 20)
    selection: QColor = QColor(210, 226, 250)
    label_text: QColor = QColor(50, 54, 62)
    bar_height_ratio: float = 0.5
    baseline_height: int = 4
