"""Durations and dates read and shown the way P6 planners type and read them."""

from __future__ import annotations

import datetime as dt

import pytest

from bbschedule.core.activity import Activity
from bbschedule.core.calendar import Calendar, standard_week
from bbschedule.core.project import Project
from bbschedule.core.project_data import ProjectData
from bbschedule.ui.edits import next_activity_code
from bbschedule.ui.formatting import (
    at_work_finish,
    at_work_start,
    format_date,
    format_days,
    parse_date,
    parse_duration,
)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("5d", 5 * 480), ("3", 3 * 480), ("40h", 2400), ("90m", 90), ("2w", 2 * 2400), ("1.5d", 720), (" 2,5 D ", 1200)],
)
def test_durations_are_read_in_working_time(text: str, minutes: int) -> None:
    assert parse_duration(text, hours_per_day=8, hours_per_week=40) == minutes


@pytest.mark.parametrize("text", ["", "five", "5 fortnights", "-2d", "d5"])
def test_unreadable_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"duration|unit|negative"):
        parse_duration(text, hours_per_day=8)


def test_days_follow_the_calendar_hours_per_day() -> None:
    assert format_days(54 * 60, 9) == "6d"
    assert format_days(4 * 60, 8) == "0.5d"
    assert format_days(0, 8) == "0d"


def test_dates_read_in_p6_and_iso_forms() -> None:
    assert parse_date("05-Jan-26") == dt.date(2026, 1, 5)
    assert parse_date("5 january 2026") == dt.date(2026, 1, 5)
    assert parse_date("2026-01-05") == dt.date(2026, 1, 5)
    assert parse_date("05-Jan-26 13:30") == dt.datetime(2026, 1, 5, 13, 30)
    assert parse_date("05-Jan-26 A") == dt.date(2026, 1, 5)
    assert parse_date("  ") is None
    for bad in ("31-Feb-26", "05-Foo-26", "tomorrow", "05-Jan-26 25:00"):
        with pytest.raises(ValueError, match="not a"):
            parse_date(bad)


def test_dates_show_as_dd_mon_yy_with_the_actual_mark() -> None:
    when = dt.datetime(2026, 3, 2, 8)
    assert format_date(when) == "02-Mar-26"
    assert format_date(when, actual=True) == "02-Mar-26 A"
    assert format_date(None) == ""


def test_a_typed_day_starts_and_finishes_on_the_calendar() -> None:
    early = Calendar("Early", week=standard_week(7, 15.5, lunch=None))
    day = dt.date(2026, 3, 4)
    assert at_work_start(day, early) == dt.datetime(2026, 3, 4, 7)
    assert at_work_finish(day, early) == dt.datetime(2026, 3, 4, 15, 30)


def test_next_activity_code_steps_by_ten_and_skips_taken_codes() -> None:
    cal = Calendar("Std")
    data = ProjectData(Project("P", "P", dt.datetime(2026, 1, 5)), calendars={cal.id: cal})
    for code in ("A1010", "A1020"):
        act = Activity(code, code, cal.id)
        data.activities[act.id] = act
    assert next_activity_code(data, after="A1000") == "A1001"
    assert next_activity_code(data, after="A1010") == "A1011"
    assert next_activity_code(data, after="EW-007") == "EW-010"
    assert next_activity_code(data, after=None) == "A1000"
