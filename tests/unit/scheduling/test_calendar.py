"""Compiled calendars: hand cases and properties (add then subtract returns the start, positions are stable)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from bbschedule.core.calendar import Calendar, CalendarException, WorkInterval, standard_week
from bbschedule.scheduling.calendar import CompiledCalendar, from_minutes, to_minutes

MON = dt.datetime(2026, 1, 5)


def m(value: dt.datetime) -> int:
    return to_minutes(value)


def test_epoch_minutes_round_trip():
    value = dt.datetime(2031, 7, 4, 13, 37)
    assert from_minutes(to_minutes(value)) == value


def test_finish_is_end_of_last_minute_and_start_is_next_period():
    cal = CompiledCalendar(Calendar(name="5x8", week=standard_week()), around=MON)
    friday_end = m(dt.datetime(2026, 1, 9, 17))
    pos = cal.position(friday_end)
    assert from_minutes(cal.finish_at(pos)) == dt.datetime(2026, 1, 9, 17)
    assert from_minutes(cal.start_at(pos)) == dt.datetime(2026, 1, 12, 8)
    # Lunch: 12:00 as a finish, 13:00 as a start.
    noon = cal.position(m(dt.datetime(2026, 1, 5, 12)))
    assert from_minutes(cal.finish_at(noon)) == dt.datetime(2026, 1, 5, 12)
    assert from_minutes(cal.start_at(noon)) == dt.datetime(2026, 1, 5, 13)
    assert cal.work_between(m(MON), m(dt.datetime(2026, 1, 12))) == 5 * 480
    assert from_minutes(cal.add(m(MON.replace(hour=8)), 480 * 5)) == dt.datetime(2026, 1, 9, 17)
    assert from_minutes(cal.subtract(m(dt.datetime(2026, 1, 9, 17)), 480 * 5)) == dt.datetime(2026, 1, 5, 8)


def test_exceptions_working_and_non_working():
    holiday = CalendarException(dt.date(2026, 1, 6), dt.date(2026, 1, 7))
    saturday = CalendarException(dt.date(2026, 1, 10), dt.date(2026, 1, 10), intervals=(WorkInterval.hours(8, 12),))
    cal = CompiledCalendar(Calendar(name="c", week=standard_week(), exceptions=(holiday, saturday)), around=MON)
    week = cal.work_between(m(MON), m(dt.datetime(2026, 1, 12)))
    assert week == 3 * 480 + 240
    assert not cal.is_working(m(dt.datetime(2026, 1, 6, 9)))
    assert cal.is_working(m(dt.datetime(2026, 1, 10, 9)))


def test_twenty_four_hours_and_night_shift_merge_across_midnight():
    full = (WorkInterval(0, 1440),)
    cal = CompiledCalendar(Calendar(name="24h", week=(full,) * 7), around=MON)
    assert from_minutes(cal.add(m(MON), 3000)) == MON + dt.timedelta(minutes=3000)
    night = (WorkInterval(0, 360), WorkInterval(1200, 1440))
    shift = CompiledCalendar(Calendar(name="night", week=(night,) * 7), around=MON)
    start = m(dt.datetime(2026, 1, 5, 22))
    assert from_minutes(shift.add(start, 480)) == dt.datetime(2026, 1, 6, 6)


def test_horizon_grows_both_ways_and_positions_stay_stable():
    cal = CompiledCalendar(Calendar(name="5x8", week=standard_week()), around=MON)
    t = m(dt.datetime(2026, 3, 2, 8))
    before = cal.position(t)
    far = m(dt.datetime(2041, 6, 3, 10))
    past = m(dt.datetime(1995, 6, 5, 10))
    assert cal.start_at(cal.position(far)) == far
    assert cal.finish_at(cal.position(past)) == past
    assert cal.position(t) == before


WEEKDAY = st.lists(st.tuples(st.integers(0, 23), st.integers(1, 8)), max_size=3).map(
    lambda spans: tuple(
        WorkInterval(s * 60, min(1440, s * 60 + n * 30)) for s, n in sorted(set(spans)) if s * 60 < 1440
    )
)


def _valid(day: tuple[WorkInterval, ...]) -> tuple[WorkInterval, ...]:
    out: list[WorkInterval] = []
    for iv in day:
        if not out or iv.start >= out[-1].end:
            out.append(iv)
    return tuple(out)


CALENDARS = st.lists(WEEKDAY, min_size=7, max_size=7).map(lambda days: tuple(_valid(d) for d in days))


@settings(max_examples=150, deadline=None)
@given(
    week=CALENDARS,
    start=st.integers(0, 60 * 24 * 365 * 3),
    work=st.integers(-60 * 24 * 30, 60 * 24 * 30),
)
def test_add_then_subtract_returns_the_same_working_instant(week, start, work):
    if not any(week):
        week = (*week[:6], (WorkInterval(480, 960),))
    cal = CompiledCalendar(Calendar(name="h", week=week), around=MON)
    t = m(MON) + start
    later = cal.add(t, work)
    assert cal.position(later) == cal.position(t) + work
    back = cal.start_at(cal.position(later) - work)
    assert cal.position(back) == cal.position(t)
    assert back >= t or cal.work_between(back, t) == 0
    assert cal.work_between(t, later) == work
    # The two conventions name the same working instant, the finish never after the start.
    pos = cal.position(t)
    assert cal.finish_at(pos) <= t <= cal.start_at(pos)
    assert cal.position(cal.finish_at(pos)) == cal.position(cal.start_at(pos)) == pos
