"""The Gantt chart painted and dragged for real: resize, link and move become undoable commands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QSplitter, QTreeView
from pytestqt.qtbot import QtBot

from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.calendar import Calendar
from bbschedule.core.commands import AddRelationship
from bbschedule.core.computed import ComputedDates
from bbschedule.core.enums import ConstraintType, RelationshipType
from bbschedule.core.project import Project
from bbschedule.core.project_data import ProjectData
from bbschedule.services.gantt_edits import MoveOption
from bbschedule.services.session import ProjectSession
from bbschedule.ui.gantt.bar_painter import Slot, bar_rect
from bbschedule.ui.gantt.panel import GanttPanel
from bbschedule.ui.gantt.style import GanttStyle

KEY_ROLE = 257
DAY = 8 * 60


def _project() -> ProjectData:
    cal = Calendar("Standard")
    data = ProjectData(Project("P1", "Gantt test", dt.datetime(2026, 3, 2, 8)), calendars={cal.id: cal})
    data.project = Project(
        "P1", "Gantt test", dt.datetime(2026, 3, 2, 8), default_calendar_id=cal.id, id=data.project.id
    )
    starts = [dt.datetime(2026, 3, 2, 8), dt.datetime(2026, 3, 9, 8), dt.datetime(2026, 3, 16, 8)]
    for i, start in enumerate(starts):
        act = Activity(f"A{i + 1}0", f"Activity {i + 1}", cal.id, original_duration=5 * DAY)
        data.activities[act.id] = act
        finish = start + dt.timedelta(days=4, hours=9)
        data.computed[act.id] = ComputedDates(start, finish, start, finish, 0, 0, critical=(i == 0))
    return data


class Picker:
    def __init__(self) -> None:
        self.offered: list[str] = []

    def __call__(self, code: str, options: Sequence[MoveOption]) -> MoveOption | None:
        self.offered = [o.label for o in options]
        return options[0]


Setup = tuple[GanttPanel, ProjectSession, QTreeView, "Picker"]


@pytest.fixture
def chart_setup(qtbot: QtBot) -> Setup:
    data = _project()
    session = ProjectSession(data)
    model = QStandardItemModel()
    for act in sorted(data.activities.values(), key=lambda a: a.code):
        item = QStandardItem(act.code)
        item.setData(act.id, KEY_ROLE)
        model.appendRow(item)
    splitter = QSplitter()
    tree = QTreeView()
    tree.setModel(model)
    tree.setUniformRowHeights(True)
    picker = Picker()
    messages: list[str] = []
    panel = GanttPanel(tree, key_role=KEY_ROLE, report=messages.append, choose=picker)
    splitter.addWidget(tree)
    splitter.addWidget(panel)
    splitter.resize(1200, 400)
    qtbot.addWidget(splitter)
    splitter.show()
    qtbot.waitExposed(splitter)
    panel.set_session(session)
    panel.chart.fit()
    panel.keep_alive = splitter  # type: ignore[attr-defined]
    return panel, session, tree, picker


def _rect(panel: GanttPanel, key: str) -> QRectF:
    chart = panel.chart
    _, slots = chart.visible_slots(chart.body.height())
    slot = next(s for s in slots if s.bar.key == key)
    return bar_rect(chart.grid, Slot(slot.bar, slot.y, slot.height), chart.style_)


def _ids(session: ProjectSession) -> list[str]:
    return [a.id for a in sorted(session.data.activities.values(), key=lambda a: a.code)]


def test_bars_are_painted_where_the_grid_says(chart_setup: Setup) -> None:
    panel, session, _, _ = chart_setup
    first, second, _ = _ids(session)
    image = panel.chart.body.grab().toImage()
    critical = _rect(panel, first).center().toPoint()
    normal = _rect(panel, second).center().toPoint()
    assert QColor(image.pixel(critical)) == GanttStyle.critical
    assert QColor(image.pixel(normal)) == GanttStyle.task
    assert QColor(image.pixel(QPoint(normal.x(), 2))) != GanttStyle.task


def test_drag_finish_edge_changes_duration_and_undo_restores(chart_setup: Setup, qtbot: QtBot) -> None:
    panel, session, _, _ = chart_setup
    key = _ids(session)[1]
    rect = _rect(panel, key)
    body = panel.chart.body
    start = QPoint(int(rect.right()) - 1, int(rect.center().y()))
    # Friday 17:00 dragged four calendar days on: over the weekend to Tuesday, two more working days.
    four_days = int(panel.chart.grid.px_per_day * 4)
    qtbot.mousePress(body, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(body, start + QPoint(four_days // 2, 0))
    qtbot.mouseRelease(body, Qt.MouseButton.LeftButton, pos=start + QPoint(four_days, 0))
    assert session.data.activities[key].original_duration == 7 * DAY
    session.undo()
    assert session.data.activities[key].original_duration == 5 * DAY


def test_drag_from_one_bar_to_another_draws_a_link(chart_setup: Setup, qtbot: QtBot) -> None:
    panel, session, _, _ = chart_setup
    first, _, third = _ids(session)
    body = panel.chart.body
    a = _rect(panel, first)
    c = _rect(panel, third)
    press = QPoint(int(a.right()) - 1, int(a.center().y()))
    release = QPoint(int(c.left()) + 3, int(c.center().y()))
    qtbot.mousePress(body, Qt.MouseButton.LeftButton, pos=press)
    qtbot.mouseMove(body, QPoint(press.x(), release.y()))
    qtbot.mouseRelease(body, Qt.MouseButton.LeftButton, pos=release)
    rels = list(session.data.relationships.values())
    assert [(r.predecessor_id, r.successor_id, r.type) for r in rels] == [(first, third, RelationshipType.FS)]
    session.undo()
    assert not session.data.relationships


def test_moving_a_bar_offers_a_constraint_or_lag(chart_setup: Setup, qtbot: QtBot) -> None:
    panel, session, _, picker = chart_setup
    first, second, _ = _ids(session)
    session.apply(AddRelationship(Relationship(first, second)))
    rect = _rect(panel, second)
    body = panel.chart.body
    press = QPoint(int(rect.center().x()), int(rect.center().y()))
    three_days = int(panel.chart.grid.px_per_day * 3)
    qtbot.mousePress(body, Qt.MouseButton.LeftButton, pos=press)
    qtbot.mouseMove(body, press + QPoint(10, 0))
    qtbot.mouseRelease(body, Qt.MouseButton.LeftButton, pos=press + QPoint(three_days, 0))
    assert any("Start On or After" in label for label in picker.offered)
    assert any("lag" in label for label in picker.offered)
    constraint = session.data.activities[second].primary_constraint
    assert constraint is not None
    assert constraint.type is ConstraintType.START_ON_OR_AFTER
    assert constraint.date == dt.datetime(2026, 3, 12, 8)
    session.undo()
    assert session.data.activities[second].primary_constraint is None


def test_zoom_in_out_and_fit(chart_setup: Setup) -> None:
    panel, *_ = chart_setup
    fitted = panel.chart.grid.px_per_day
    panel.action_zoom_in.trigger()
    assert panel.chart.grid.px_per_day > fitted
    panel.action_zoom_out.trigger()
    panel.action_zoom_out.trigger()
    assert panel.chart.grid.px_per_day < fitted
    panel.action_fit.trigger()
    assert panel.chart.grid.px_per_day == pytest.approx(fitted)
