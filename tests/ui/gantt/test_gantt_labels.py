"""Text in the Gantt stays readable: the timescale leaves out a label that a cell cut by the chart's edge cannot
hold (a clipped "1 202" instead of "Q1 2026") and still writes whole cells' labels; the total-float line runs
beneath a bar and its label, not through the label like a strike-through."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtGui import QImage

from bbschedule.ui.gantt.header import GanttHeader
from bbschedule.ui.gantt.style import GanttStyle
from bbschedule.ui.gantt.time_grid import TimeGrid, Unit


def dark_columns(image: QImage, *, x0: int, x1: int, y0: int, y1: int) -> int:
    """How many pixel columns in the box hold a dark (text) pixel."""
    count = 0
    for x in range(x0, x1):
        if any(image.pixelColor(x, y).lightness() < 110 for y in range(y0, y1)):
            count += 1
    return count


def test_a_cut_quarter_keeps_no_clipped_label(qtbot: Any) -> None:
    origin = dt.datetime(2026, 1, 1)
    base = TimeGrid(origin, 0.6)
    assert base.tiers() == (Unit.YEAR, Unit.QUARTER)
    visible = 14.0  # of the first quarter's ~54 px
    grid = base.scrolled_to(base.x_of(dt.datetime(2026, 4, 1)) - visible)
    header = GanttHeader(lambda: grid, GanttStyle())
    qtbot.addWidget(header)
    header.resize(400, 40)
    image = header.grab().toImage()
    lower = (22, 38)  # the lower tier's text band, away from its border lines
    assert dark_columns(image, x0=1, x1=int(visible) - 2, y0=lower[0], y1=lower[1]) == 0
    whole = grid.x_of(dt.datetime(2026, 4, 1))
    assert dark_columns(image, x0=int(whole) + 2, x1=int(whole) + 52, y0=lower[0], y1=lower[1]) > 10  # "Q2 2026"


def test_the_total_float_line_runs_under_the_label_not_through_it(qtbot: Any) -> None:
    from PySide6.QtGui import QColor, QPainter

    from bbschedule.ui.gantt.bar_painter import BarPainter, Slot, bar_rect
    from bbschedule.ui.gantt.bars import BarKind, BarSpec

    grid = TimeGrid(dt.datetime(2026, 1, 1), 10.0)
    start, finish = dt.datetime(2026, 1, 2), dt.datetime(2026, 1, 6)
    bar = BarSpec(
        "a", BarKind.TASK, start, finish, late_finish=dt.datetime(2026, 1, 30), label="Pour slab",
        baseline_start=start, baseline_finish=finish,
    )  # fmt: skip
    slot = Slot(bar, 0.0, 24.0)
    image = QImage(400, 24, QImage.Format.Format_ARGB32)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    style = GanttStyle()
    BarPainter(style).paint(painter, grid, [slot])
    painter.end()
    rect = bar_rect(grid, slot, style)
    label_end = int(rect.right()) + 90  # past "Pour slab", short of the float's end at x = 290
    mid = int(rect.center().y())
    assert all(image.pixelColor(x, mid).lightness() > 200 for x in range(label_end, 280))  # nothing mid-row
    under = [y for y in range(int(rect.bottom()) + 1, 24) if image.pixelColor(270, y).lightness() < 200]
    assert under  # the float line is there, beneath the bar and its label
