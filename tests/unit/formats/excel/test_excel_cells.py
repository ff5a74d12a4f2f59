"""Cell conversions: days <-> working minutes and working hours <-> text are exact inverses."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bbschedule.core.calendar import WorkInterval
from bbschedule.formats.excel.cells import (
    as_bool,
    as_datetime,
    days_to_minutes,
    format_intervals,
    minutes_to_days,
    parse_intervals,
)


@given(
    minutes=st.integers(min_value=-10_000_000, max_value=10_000_000),
    hours_per_day=st.sampled_from([7.5, 8.0, 9.0, 10.0, 24.0, 7.6, 8.25]),
)
def test_days_give_back_the_same_working_minutes(minutes: int, hours_per_day: float) -> None:
    days = minutes_to_days(minutes, hours_per_day)
    # Excel keeps a number as a double: a text round trip of the float must not lose a minute either.
    assert days_to_minutes(float(repr(float(days))), hours_per_day) == minutes


@given(st.lists(st.integers(min_value=0, max_value=1440), min_size=0, max_size=8, unique=True).map(sorted))
def test_working_hours_text_round_trips(bounds: list[int]) -> None:
    pairs = [(a, b) for a, b in zip(bounds[::2], bounds[1::2], strict=False) if a < b]
    intervals = tuple(WorkInterval(a, b) for a, b in pairs)
    assert parse_intervals(format_intervals(intervals)) == intervals


@pytest.mark.parametrize("text", ["8-12", "08:00-25:00", "12:00-08:00", "08:00-12:00, 11:00-13:00", "noon"])
def test_bad_working_hours_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        parse_intervals(text)


def test_text_dates_and_float_noise() -> None:
    assert as_datetime("2026-03-02 08:00") == dt.datetime(2026, 3, 2, 8, 0)
    assert as_datetime("02-Mar-26 08:00") == dt.datetime(2026, 3, 2, 8, 0)
    assert as_datetime(dt.datetime(2026, 3, 2, 7, 59, 59, 999000)) == dt.datetime(2026, 3, 2, 8, 0)
    with pytest.raises(ValueError, match="not a date"):
        as_datetime("03/02/2026")
    assert as_bool("Y") is True
    assert as_bool(0) is False
    with pytest.raises(ValueError, match="Yes or No"):
        as_bool("maybe")
