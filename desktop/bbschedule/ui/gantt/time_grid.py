"""Date <-> x for the Gantt chart, and the two-tier timescale's ticks. Qt-free, so it is unit-tested alone."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

MIN_PX_PER_DAY = 0.05
MAX_PX_PER_DAY = 400.0
ZOOM_STEP = 1.5


class Unit(Enum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    WEEK = "week"
    DAY = "day"


@dataclass(frozen=True, slots=True)
class Tick:
    start: dt.datetime
    x: float
    width: float
    label: str


# (minimum pixels per day, major unit, minor unit): the first row whose threshold is met wins.
_TIERS = (
    (28.0, Unit.WEEK, Unit.DAY),
    (4.0, Unit.MONTH, Unit.WEEK),
    (1.2, Unit.QUARTER, Unit.MONTH),
    (0.35, Unit.YEAR, Unit.QUARTER),
    (0.0, Unit.YEAR, Unit.YEAR),
)


def floor_to(unit: Unit, moment: dt.datetime) -> dt.datetime:
    day = dt.datetime(moment.year, moment.month, moment.day)
    if unit is Unit.DAY:
        return day
    if unit is Unit.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if unit is Unit.MONTH:
        return day.replace(day=1)
    if unit is Unit.QUARTER:
        return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    return day.replace(month=1, day=1)


def step(unit: Unit, moment: dt.datetime) -> dt.datetime:
    if unit is Unit.DAY:
        return moment + dt.timedelta(days=1)
    if unit is Unit.WEEK:
        return moment + dt.timedelta(days=7)
    months = {Unit.MONTH: 1, Unit.QUARTER: 3, Unit.YEAR: 12}[unit]
    total = moment.month - 1 + months
    return moment.replace(year=moment.year + total // 12, month=total % 12 + 1)


def label(unit: Unit, moment: dt.datetime, width: float) -> str:
    if unit is Unit.DAY:
        if width >= 40:
            return moment.strftime("%a %d")
        return moment.strftime("%d") if width >= 16 else moment.strftime("%a")[0]
    if unit is Unit.WEEK:
        return moment.strftime("%d %b") if width >= 34 else moment.strftime("%d")
    if unit is Unit.MONTH:
        if width >= 60:
            return moment.strftime("%b %Y")
        return moment.strftime("%b") if width >= 22 else moment.strftime("%b")[0]
    if unit is Unit.QUARTER:
        q = f"Q{(moment.month - 1) // 3 + 1}"
        return f"{q} {moment.year}" if width >= 56 else q
    return str(moment.year)


@dataclass(frozen=True, slots=True)
class TimeGrid:
    """A linear map: x = (moment - origin) in days * px_per_day - offset."""

    origin: dt.datetime
    px_per_day: float = 12.0
    offset: float = 0.0
    """Horizontal scroll in pixels."""

    def x_of(self, moment: dt.datetime) -> float:
        return (moment - self.origin).total_seconds() / 86400.0 * self.px_per_day - self.offset

    def at(self, x: float) -> dt.datetime:
        days = (x + self.offset) / self.px_per_day
        return self.origin + dt.timedelta(days=days)

    def width_of(self, start: dt.datetime, finish: dt.datetime) -> float:
        return (finish - start).total_seconds() / 86400.0 * self.px_per_day

    def zoomed(self, factor: float, *, anchor_x: float = 0.0) -> TimeGrid:
        """Zoom by `factor`, keeping the moment under `anchor_x` where it is on screen."""
        ppd = max(MIN_PX_PER_DAY, min(MAX_PX_PER_DAY, self.px_per_day * factor))
        anchor = self.at(anchor_x)
        grid = TimeGrid(self.origin, ppd, 0.0)
        return TimeGrid(self.origin, ppd, grid.x_of(anchor) - anchor_x)

    def scrolled_to(self, offset: float) -> TimeGrid:
        return TimeGrid(self.origin, self.px_per_day, offset)

    @classmethod
    def fit(cls, start: dt.datetime, finish: dt.datetime, width: float, *, margin: float = 0.04) -> TimeGrid:
        """A grid showing start..finish across `width` pixels with a small margin each side."""
        span_days = max((finish - start).total_seconds() / 86400.0, 1.0)
        ppd = max(MIN_PX_PER_DAY, min(MAX_PX_PER_DAY, width / (span_days * (1 + 2 * margin))))
        origin = floor_to(Unit.DAY, start - dt.timedelta(days=span_days * margin))
        return cls(origin, ppd, 0.0)

    def tiers(self) -> tuple[Unit, Unit]:
        for threshold, major, minor in _TIERS:
            if self.px_per_day >= threshold:
                return major, minor
        return Unit.YEAR, Unit.YEAR

    def ticks(self, unit: Unit, x0: float, x1: float) -> Iterator[Tick]:
        """The ticks of `unit` that cover x0..x1, each with its on-screen span and label."""
        moment = floor_to(unit, self.at(x0))
        limit = 100_000
        while limit:
            limit -= 1
            nxt = step(unit, moment)
            x = self.x_of(moment)
            if x > x1:
                return
            width = self.x_of(nxt) - x
            yield Tick(moment, x, width, label(unit, moment, width))
            moment = nxt

    def day_columns(self, x0: float, x1: float) -> Iterator[tuple[dt.date, float, float]]:
        """Each calendar day within x0..x1 as (date, x, width), for non-working shading."""
        if self.px_per_day < 1.5:
            return
        first = floor_to(Unit.DAY, self.at(x0))
        days = math.ceil((x1 - x0) / self.px_per_day) + 2
        for i in range(days):
            moment = first + dt.timedelta(days=i)
            yield moment.date(), self.x_of(moment), self.px_per_day
