"""Compiled working-time calendars: sorted arrays of working intervals in epoch minutes.

A calendar maps clock time to a *work position* (working minutes since a fixed anchor) and back, so
date + working minutes, date - working minutes and the working time between two dates are binary searches.
Positions are stable while the compiled horizon grows (lazily, in both directions).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from typing import Literal

import numpy as np
import numpy.typing as npt

from bbschedule.core.calendar import MINUTES_PER_DAY, Calendar, DayIntervals
from bbschedule.core.errors import ValidationError

IntArray = npt.NDArray[np.int64]

EPOCH = dt.datetime(2000, 1, 1)
_EPOCH_ORDINAL = EPOCH.toordinal()
_CHUNK_DAYS = 366 * 2


def to_minutes(value: dt.datetime) -> int:
    """Naive local datetime -> minutes since 2000-01-01 00:00 (seconds are dropped)."""
    return (value.toordinal() - _EPOCH_ORDINAL) * MINUTES_PER_DAY + value.hour * 60 + value.minute


def from_minutes(minutes: int) -> dt.datetime:
    return EPOCH + dt.timedelta(minutes=minutes)


class CompiledCalendar:
    """Working intervals [starts[i], ends[i]) in epoch minutes, adjacent ones merged, with cumulative work.

    `cum_end[i]` is the work position at ends[i]. Two conventions turn a position back into a time:
    `finish_at` gives the earliest instant with that position (a finish: 17:00, not the next 08:00),
    `start_at` the latest one (a start: the next 08:00).
    """

    __slots__ = ("_exception_days", "calendar", "cum_end", "day_hi", "day_lo", "ends", "name", "starts")

    def __init__(self, calendar: Calendar, *, around: dt.datetime | None = None) -> None:
        self.calendar = calendar
        self.name = calendar.name
        if not any(calendar.week) and not any(e.intervals for e in calendar.exceptions):
            raise ValidationError(f"calendar {calendar.name}", "has no working time at all")
        self._exception_days: dict[int, DayIntervals] = {}
        for exc in calendar.exceptions:  # later exceptions win, as in Calendar.intervals_on
            first = exc.start.toordinal() - _EPOCH_ORDINAL
            for day in range(first, exc.finish.toordinal() - _EPOCH_ORDINAL + 1):
                self._exception_days[day] = exc.intervals
        centre = (around or dt.datetime(2020, 1, 1)).toordinal() - _EPOCH_ORDINAL
        self.day_lo = centre - _CHUNK_DAYS
        self.day_hi = centre + _CHUNK_DAYS
        self.starts, self.ends = self._intervals(self.day_lo, self.day_hi)
        self.cum_end: list[int] = []
        total = 0
        for s, e in zip(self.starts, self.ends, strict=True):
            total += e - s
            self.cum_end.append(total)
        if not self.starts:
            self._extend_hi()

    # -- compilation -------------------------------------------------------------------------------

    def _intervals(self, day_lo: int, day_hi: int) -> tuple[list[int], list[int]]:
        """Merged working intervals of days [day_lo, day_hi) (days since EPOCH)."""
        starts: list[int] = []
        ends: list[int] = []
        week = self.calendar.week
        exceptions = self._exception_days
        for day in range(day_lo, day_hi):
            intervals = exceptions.get(day)
            if intervals is None:
                intervals = week[(day + _EPOCH_ORDINAL - 1) % 7]
            base = day * MINUTES_PER_DAY
            for iv in intervals:
                s = base + iv.start
                e = base + iv.end
                if ends and ends[-1] == s:
                    ends[-1] = e
                else:
                    starts.append(s)
                    ends.append(e)
        return starts, ends

    def _extend_hi(self) -> None:
        for _ in range(64):
            new_hi = self.day_hi + _CHUNK_DAYS
            starts, ends = self._intervals(self.day_hi, new_hi)
            self.day_hi = new_hi
            if not starts:
                continue
            total = self.cum_end[-1] if self.cum_end else 0
            if self.ends and self.ends[-1] == starts[0]:
                total -= self.ends[-1] - self.starts[-1]
                starts[0] = self.starts.pop()
                self.ends.pop()
                self.cum_end.pop()
            for s, e in zip(starts, ends, strict=True):
                total += e - s
                self.cum_end.append(total)
            self.starts += starts
            self.ends += ends
            return
        raise ValidationError(f"calendar {self.name}", "has no working time in the next 90 years")

    def _extend_lo(self) -> None:
        for _ in range(64):
            new_lo = self.day_lo - _CHUNK_DAYS
            starts, ends = self._intervals(new_lo, self.day_lo)
            self.day_lo = new_lo
            if not starts:
                continue
            if ends[-1] == self.starts[0]:
                self.starts[0] = starts.pop()
                ends.pop()
            first_pos = self.cum_end[0] - (self.ends[0] - self.starts[0])
            cum: list[int] = []
            total = first_pos - sum(e - s for s, e in zip(starts, ends, strict=True))
            for s, e in zip(starts, ends, strict=True):
                total += e - s
                cum.append(total)
            self.starts[:0] = starts
            self.ends[:0] = ends
            self.cum_end[:0] = cum
            return
        raise ValidationError(f"calendar {self.name}", "has no working time in the previous 90 years")

    def ensure(self, minutes: int) -> None:
        """Grow the compiled horizon so that `minutes` lies strictly inside it."""
        while minutes >= self.ends[-1]:
            self._extend_hi()
        while minutes <= self.starts[0]:
            self._extend_lo()

    def ensure_position(self, position: int) -> None:
        while position >= self.cum_end[-1]:
            self._extend_hi()
        while position <= self.cum_end[0] - (self.ends[0] - self.starts[0]):
            self._extend_lo()

    # -- queries -----------------------------------------------------------------------------------

    def position(self, minutes: int) -> int:
        """Working minutes from the anchor to `minutes` (a time in a gap counts the work before it)."""
        if not self.starts[0] < minutes < self.ends[-1]:
            self.ensure(minutes)
        i = bisect_right(self.starts, minutes) - 1
        end = self.ends[i]
        return self.cum_end[i] - (end - minutes if minutes < end else 0)

    def finish_at(self, position: int) -> int:
        """The earliest instant at `position`: the end of the last working minute (17:00)."""
        cum = self.cum_end
        if not cum[0] < position < cum[-1]:
            self.ensure_position(position)
            cum = self.cum_end
        i = bisect_left(cum, position)
        return self.ends[i] - (cum[i] - position)

    def start_at(self, position: int) -> int:
        """The latest instant at `position`: the start of the next working period (08:00)."""
        cum = self.cum_end
        if not cum[0] < position < cum[-1]:
            self.ensure_position(position)
            cum = self.cum_end
        i = bisect_right(cum, position)
        return self.ends[i] - (cum[i] - position)

    def add(self, minutes: int, work: int) -> int:
        """A finish `work` working minutes after (or before, if negative) `minutes`."""
        return self.finish_at(self.position(minutes) + work)

    def subtract(self, minutes: int, work: int) -> int:
        """A start `work` working minutes before `minutes`."""
        return self.start_at(self.position(minutes) - work)

    def work_between(self, start: int, finish: int) -> int:
        """Working minutes from start to finish (negative when finish is earlier)."""
        return self.position(finish) - self.position(start)

    def is_working(self, minutes: int) -> bool:
        """True when the minute beginning at `minutes` is working time."""
        if not self.starts[0] < minutes < self.ends[-1]:
            self.ensure(minutes)
        i = bisect_right(self.starts, minutes) - 1
        return i >= 0 and minutes < self.ends[i]


def compile_calendars(calendars: dict[str, Calendar], *, around: dt.datetime) -> dict[str, CompiledCalendar]:
    return {cid: CompiledCalendar(cal, around=around) for cid, cal in calendars.items()}


_BLOCK = 1 << 40
"""Offset between two calendars' blocks in a CalendarTable (far more than 90 years of minutes)."""


class CalendarTable:
    """Several compiled calendars laid end to end in one set of numpy arrays, so that `position`, `start_at`
    and `finish_at` of many (value, calendar number) pairs are one searchsorted each, whatever the calendars.

    Calendar j's intervals and positions are shifted by j * 2**40, which keeps the joined arrays sorted. The
    answers are those of the CompiledCalendar methods, value for value; a query outside a calendar's compiled
    horizon grows that calendar (as the scalar methods do) and rebuilds the table.
    """

    def __init__(self, calendars: list[CompiledCalendar]) -> None:
        self.calendars = calendars
        self._sizes: list[int] = []
        self._build()

    def _build(self) -> None:
        starts, ends, cums = [], [], []
        for j, c in enumerate(self.calendars):
            shift = j * _BLOCK
            starts.append(np.asarray(c.starts, dtype=np.int64) + shift)
            ends.append(np.asarray(c.ends, dtype=np.int64) + shift)
            cums.append(np.asarray(c.cum_end, dtype=np.int64) + shift)
        self.starts = np.concatenate(starts)
        self.ends = np.concatenate(ends)
        self.cum = np.concatenate(cums)
        cals = self.calendars
        self.min_minute = np.array([c.starts[0] for c in cals], dtype=np.int64)
        self.max_minute = np.array([c.ends[-1] for c in cals], dtype=np.int64)
        self.min_pos = np.array([c.cum_end[0] - (c.ends[0] - c.starts[0]) for c in cals], dtype=np.int64)
        self.max_pos = np.array([c.cum_end[-1] for c in cals], dtype=np.int64)
        self._sizes = [len(c.starts) for c in cals]

    def _refresh(self) -> None:
        if [len(c.starts) for c in self.calendars] != self._sizes:
            self._build()

    def _grow(self, values: IntArray, cal: IntArray, bad: npt.NDArray[np.bool_], *, positions: bool) -> None:
        for j in np.unique(cal[bad]).tolist():
            c = self.calendars[j]
            mine = values[bad & (cal == j)]
            for v in (int(mine.min()), int(mine.max())):
                if positions:
                    c.ensure_position(v)
                else:
                    c.ensure(v)
        self._build()

    def position(self, minutes: IntArray, cal: IntArray) -> IntArray:
        """CompiledCalendar.position of each minutes[i] on calendar cal[i]."""
        self._refresh()
        bad = (minutes <= self.min_minute[cal]) | (minutes >= self.max_minute[cal])
        if bad.any():
            self._grow(minutes, cal, bad, positions=False)
        key = minutes + cal * _BLOCK
        i = np.searchsorted(self.starts, key, side="right") - 1
        end = self.ends[i]
        return self.cum[i] - np.where(key < end, end - key, 0) - cal * _BLOCK

    def _at(self, positions: IntArray, cal: IntArray, side: Literal["left", "right"]) -> IntArray:
        self._refresh()
        bad = (positions <= self.min_pos[cal]) | (positions >= self.max_pos[cal])
        if bad.any():
            self._grow(positions, cal, bad, positions=True)
        key = positions + cal * _BLOCK
        i = np.searchsorted(self.cum, key, side=side)
        return self.ends[i] - self.cum[i] + positions

    def finish_at(self, positions: IntArray, cal: IntArray) -> IntArray:
        """CompiledCalendar.finish_at of each positions[i] on calendar cal[i]."""
        return self._at(positions, cal, "left")

    def start_at(self, positions: IntArray, cal: IntArray) -> IntArray:
        """CompiledCalendar.start_at of each positions[i] on calendar cal[i]."""
        return self._at(positions, cal, "right")
