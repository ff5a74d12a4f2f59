"""Duration units and lags (MSPDI and P6) to working minutes, and MS Project's recurring exceptions."""

from __future__ import annotations

import datetime as dt

import pytest

from bbschedule.core.calendar import Calendar, CalendarException
from bbschedule.formats import durations
from bbschedule.formats.mspdi import recurrence as rec

STANDARD = Calendar(name="Standard", exceptions=(CalendarException(dt.date(2024, 1, 10), dt.date(2024, 1, 10)),))


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("PT8H0M0S", 480), ("PT0H1M0S", 1), ("PT57H8M24S", 3428.4), ("-PT4H0M0S", -240), ("P1DT2H", 1560)],
)
def test_iso_durations(text: str, minutes: float) -> None:
    assert durations.parse_iso_duration(text) == pytest.approx(minutes)


@pytest.mark.parametrize("minutes", [0, 1, 59, 480, 12345, -90])
def test_iso_format_round_trips(minutes: int) -> None:
    assert durations.parse_iso_duration(durations.format_iso_duration(minutes)) == minutes


@pytest.mark.parametrize("bad", ["", "P", "PT", "8h", "PTxH"])
def test_iso_garbage(bad: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        durations.parse_iso_duration(bad)


def test_format_codes() -> None:
    assert durations.msp_format(7) == durations.MspFormat("d", elapsed=False, estimated=False)
    assert durations.msp_format(8) == durations.MspFormat("d", elapsed=True, estimated=False)
    assert durations.msp_format(39) == durations.MspFormat("d", elapsed=False, estimated=True)
    assert durations.msp_format(20).unit == "%"
    assert durations.msp_format(20).elapsed
    assert durations.msp_format(None).unit == "d"


def test_working_minutes_between_skips_nights_weekends_and_holidays() -> None:
    # Tue 9 Jan 08:00 to Fri 12 Jan 12:00, Wed 10 Jan a holiday: 8h + 8h + 4h.
    got = durations.working_minutes_between(STANDARD, dt.datetime(2024, 1, 9, 8), dt.datetime(2024, 1, 12, 12))
    assert got == 20 * 60
    assert durations.working_minutes_between(STANDARD, dt.datetime(2024, 1, 12, 12), dt.datetime(2024, 1, 9, 8)) < 0


def test_plain_lag_is_tenths_of_minutes() -> None:
    got = durations.msp_lag_to_minutes(
        4800, 7, predecessor_duration=0, calendar=None, anchor=None, minutes_per_week=2400
    )
    assert got == durations.Converted(480)


def test_percent_lag_is_a_share_of_the_predecessor() -> None:
    got = durations.msp_lag_to_minutes(
        50, 19, predecessor_duration=2400, calendar=None, anchor=None, minutes_per_week=2400
    )
    assert got.minutes == 1200
    assert "50%" in got.note


def test_elapsed_lag_counts_working_time_from_its_anchor() -> None:
    # One elapsed day from Monday 08:00 is 8 working hours; two from Friday 17:00 fall on the weekend.
    monday = durations.msp_lag_to_minutes(
        14400, 8, predecessor_duration=0, calendar=STANDARD, anchor=dt.datetime(2024, 1, 8, 8), minutes_per_week=2400
    )
    friday = durations.msp_lag_to_minutes(
        28800, 8, predecessor_duration=0, calendar=STANDARD, anchor=dt.datetime(2024, 1, 12, 17), minutes_per_week=2400
    )
    unanchored = durations.msp_lag_to_minutes(
        100800, 10, predecessor_duration=0, calendar=None, anchor=None, minutes_per_week=2400
    )
    assert (monday.minutes, friday.minutes, unanchored.minutes) == (480, 0, 2400)
    assert all("elapsed" in c.note for c in (monday, friday, unanchored))


def test_lag_format_to_write() -> None:
    assert durations.msp_lag_format_for(960, minutes_per_day=480) == durations.MSP_FORMAT_DAYS
    assert durations.msp_lag_format_for(90, minutes_per_day=480) == durations.MSP_FORMAT_HOURS


def test_p6_hours() -> None:
    assert durations.hours_to_minutes(7.5) == 450
    assert durations.minutes_to_hours(450) == 7.5


def test_weekly_recurrence_counts_weeks_from_sunday() -> None:
    # 'Every 7 weeks on Sunday, 9 times, from Monday 1 Jan 2001' ends on 17 Mar 2002 in MS Project.
    days = rec.expand(rec.Recurrence(rec.WEEKLY, dt.date(2001, 1, 1), None, 9, period=7, days_of_week=1))
    assert len(days) == 9
    assert days[0] == dt.date(2001, 2, 18)
    assert days[-1] == dt.date(2002, 3, 17)


def test_monthly_relative_last_and_yearly_absolute() -> None:
    last_fridays = rec.expand(
        rec.Recurrence(
            rec.MONTHLY_RELATIVE, dt.date(2024, 1, 1), dt.date(2024, 4, 30), None, month_item=8, month_position=4
        )
    )
    assert last_fridays == [dt.date(2024, 1, 26), dt.date(2024, 2, 23), dt.date(2024, 3, 29), dt.date(2024, 4, 26)]
    boxing = rec.expand(rec.Recurrence(rec.YEARLY_ABSOLUTE, dt.date(2024, 1, 1), None, 3, month=11, month_day=26))
    assert boxing == [dt.date(2024, 12, 26), dt.date(2025, 12, 26), dt.date(2026, 12, 26)]


def test_month_days_past_the_end_of_the_month_clamp() -> None:
    days = rec.expand(rec.Recurrence(rec.MONTHLY_ABSOLUTE, dt.date(2024, 1, 1), None, 3, month_day=31))
    assert days == [dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2024, 3, 31)]


def test_weekday_item_and_unbounded_rules_are_capped() -> None:
    second_weekday = rec.expand(
        rec.Recurrence(rec.MONTHLY_RELATIVE, dt.date(2024, 6, 1), None, 1, month_item=1, month_position=1)
    )
    assert second_weekday == [dt.date(2024, 6, 4)]
    assert rec.expand(rec.Recurrence(rec.DAILY_EVERY, dt.date(2024, 1, 1), None, None, period=2)) == [
        dt.date(2024, 1, 1)
    ]
    many = rec.expand(rec.Recurrence(rec.DAILY_EVERY, dt.date(2000, 1, 1), dt.date(2100, 1, 1), None, period=1))
    assert len(many) == 10_000
