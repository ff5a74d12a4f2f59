"""The Gantt's time grid: date <-> x is exact both ways, zoom keeps the anchor, ticks tile the view."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from bbschedule.ui.gantt.time_grid import TimeGrid, Unit

ORIGIN = dt.datetime(2026, 1, 1)


@given(
    minutes=st.integers(min_value=-500_000, max_value=2_000_000),
    ppd=st.floats(min_value=0.05, max_value=400),
    offset=st.floats(min_value=-5000, max_value=5000),
)
def test_x_and_date_are_inverse(minutes: int, ppd: float, offset: float) -> None:
    grid = TimeGrid(ORIGIN, ppd, offset)
    moment = ORIGIN + dt.timedelta(minutes=minutes)
    assert abs((grid.at(grid.x_of(moment)) - moment).total_seconds()) < 1.0


def test_zoom_keeps_the_moment_under_the_mouse() -> None:
    grid = TimeGrid(ORIGIN, 10.0, 250.0)
    anchor = grid.at(400.0)
    zoomed = grid.zoomed(2.0, anchor_x=400.0)
    assert zoomed.px_per_day == 20.0
    assert abs(zoomed.x_of(anchor) - 400.0) < 1e-6


def test_zoom_is_bounded() -> None:
    grid = TimeGrid(ORIGIN, 300.0)
    assert grid.zoomed(10).px_per_day == 400.0
    assert TimeGrid(ORIGIN, 0.1).zoomed(0.01).px_per_day == 0.05


def test_fit_shows_the_whole_span() -> None:
    start, finish = dt.datetime(2026, 3, 2), dt.datetime(2027, 9, 30)
    grid = TimeGrid.fit(start, finish, 1200)
    assert 0 <= grid.x_of(start) < 100
    assert 1100 < grid.x_of(finish) <= 1200


def test_tiers_follow_the_zoom() -> None:
    assert TimeGrid(ORIGIN, 40).tiers() == (Unit.WEEK, Unit.DAY)
    assert TimeGrid(ORIGIN, 8).tiers() == (Unit.MONTH, Unit.WEEK)
    assert TimeGrid(ORIGIN, 2).tiers() == (Unit.QUARTER, Unit.MONTH)
    assert TimeGrid(ORIGIN, 0.5).tiers() == (Unit.YEAR, Unit.QUARTER)


def test_month_ticks_tile_the_view_without_gaps() -> None:
    grid = TimeGrid(ORIGIN, 3.0, 100.0)
    ticks = list(grid.ticks(Unit.MONTH, 0, 1500))
    assert ticks[0].x <= 0 < ticks[0].x + ticks[0].width
    for before, after in itertools.pairwise(ticks):
        assert abs(before.x + before.width - after.x) < 1e-6
        assert after.start.day == 1
    assert ticks[-1].x + ticks[-1].width >= 1500
    assert {t.start.month for t in ticks} >= {2, 3, 4}


def test_quarter_and_week_ticks_start_on_their_boundaries() -> None:
    grid = TimeGrid(ORIGIN, 10.0)
    assert all(t.start.weekday() == 0 for t in grid.ticks(Unit.WEEK, 0, 800))
    assert all(t.start.month in (1, 4, 7, 10) for t in grid.ticks(Unit.QUARTER, 0, 8000))
    assert [t.label for t in TimeGrid(ORIGIN, 1.0).ticks(Unit.QUARTER, 0, 300)][:2] == ["Q1 2026", "Q2 2026"]
