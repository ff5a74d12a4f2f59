"""Calendar editing: typed working periods, and public holidays from the holidays package."""

from __future__ import annotations

import datetime as dt

import pytest

from bbschedule.core.calendar import Calendar, WorkInterval
from bbschedule.core.errors import ValidationError
from bbschedule.services.calendars import (
    format_intervals,
    parse_intervals,
    public_holidays,
    with_exception,
    with_holidays,
    with_weekday,
    without_exception,
)


def test_typed_periods_round_trip() -> None:
    intervals = parse_intervals("13:00-17:30, 7:30-12")
    assert intervals == (WorkInterval(450, 720), WorkInterval(780, 1050))
    assert format_intervals(intervals) == "07:30-12:00, 13:00-17:30"
    assert parse_intervals("off") == ()
    assert parse_intervals("22:00-00:00") == (WorkInterval(1320, 1440),)


@pytest.mark.parametrize("text", ["8-25", "abc", "08:00-12:00, 11:00-14:00", "17:00-08:00"])
def test_bad_periods_name_the_field(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_intervals(text, field="saturday")
    assert caught.value.field in ("saturday", "interval")


def test_saturday_made_working_changes_only_saturday() -> None:
    cal = Calendar("Site")
    edited = with_weekday(cal, 5, parse_intervals("07:00-12:00"))
    assert edited.intervals_on(dt.date(2026, 3, 7)) == (WorkInterval(420, 720),)
    assert edited.week[:5] == cal.week[:5]


def test_uk_holidays_become_non_working_days() -> None:
    holidays = public_holidays("GB", range(2026, 2027), subdivision="ENG")
    days = {h.start for h in holidays}
    assert dt.date(2026, 12, 25) in days
    assert dt.date(2026, 4, 3) in days
    cal = with_holidays(Calendar("UK"), holidays)
    assert cal.intervals_on(dt.date(2026, 12, 25)) == ()
    assert cal.intervals_on(dt.date(2026, 12, 23)) != ()
    again = with_holidays(cal, holidays)
    assert len(again.exceptions) == len(cal.exceptions)


def test_unknown_country_is_refused() -> None:
    with pytest.raises(ValidationError, match="country"):
        public_holidays("XX", range(2026, 2027))


def test_exceptions_add_and_remove() -> None:
    from bbschedule.core.calendar import CalendarException

    cal = with_exception(Calendar("C"), CalendarException(dt.date(2026, 8, 3), dt.date(2026, 8, 7), name="shutdown"))
    assert cal.intervals_on(dt.date(2026, 8, 5)) == ()
    assert without_exception(cal, dt.date(2026, 8, 3)).intervals_on(dt.date(2026, 8, 5)) != ()
