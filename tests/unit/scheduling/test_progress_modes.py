"""Retained logic, progress override and actual dates on hand-built out-of-sequence networks.

The expected dates follow the rules written in scheduling/modes.py, worked by hand on the 5x8 calendar
(08:00-12:00, 13:00-17:00); the data date is Wednesday 7 January 2026 08:00 throughout.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bbschedule.core.enums import ProgressMode
from bbschedule.scheduling.result import ScheduleResult

DAY = 480
RL, PO, AD = ProgressMode.RETAINED_LOGIC, ProgressMode.PROGRESS_OVERRIDE, ProgressMode.ACTUAL_DATES


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 1, day, hour, minute)


def early(result: ScheduleResult, code: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    c = result.dates_of(code)
    return c.early_start, c.early_finish


def network(build, mode: ProgressMode):  # type: ignore[no-untyped-def]
    b = build(progress_mode=mode).project(data_date=at(7, 8))
    # A2 finished out of sequence (its predecessor A1 has not started), and after the data date.
    b.act("A1", 3).act("A2", 2, actual_start=at(5, 8), actual_finish=at(8, 17)).act("A3", 2)
    b.link("A1", "A2").link("A2", "A3")
    # B2 started out of sequence (B1 has not started) with one day left.
    b.act("B1", 3).act("B2", 2, actual_start=at(5, 8), remaining_duration=DAY).act("B3", 1)
    b.link("B1", "B2").link("B2", "B3")
    # C1 carries an actual start after the data date.
    b.act("C1", 2, actual_start=at(8, 8), remaining_duration=DAY).act("C2", 1).link("C1", "C2")
    # In sequence, actuals before the data date: D1 finished Monday, D2 in progress, D3 waiting for both.
    b.act("D1", 1, actual_start=at(5, 8), actual_finish=at(5, 17))
    b.act("D2", 2, actual_start=at(6, 8), remaining_duration=DAY).act("D3", 1)
    return b.link("D1", "D2").link("D2", "D3").link("D1", "D3").run()


@pytest.fixture(params=[RL, PO, AD], ids=["retained", "override", "actual_dates"])
def mode(request):  # type: ignore[no-untyped-def]
    return request.param


def test_finished_out_of_sequence_after_the_data_date(build):
    # Retained logic: A2's node waits where A1 would let it finish (Friday 17:00): A3 Monday-Tuesday.
    assert early(network(build, RL), "A3") == (at(12, 8), at(13, 17))
    # Progress override: A2's links are satisfied: A3 starts at the data date.
    assert early(network(build, PO), "A3") == (at(7, 8), at(8, 17))
    # Actual dates: A3 starts after A2's actual finish (Thursday 17:00), though it lies after the data date.
    assert early(network(build, AD), "A3") == (at(9, 8), at(12, 17))


def test_started_out_of_sequence(build):
    # Retained logic: B2's last day waits for B1 (Wed-Fri): Monday; B3 Tuesday.
    retained = network(build, RL)
    assert early(retained, "B2") == (at(12, 8), at(12, 17))
    assert early(retained, "B3") == (at(13, 8), at(13, 17))
    # Progress override and actual dates: the remaining day runs from the data date, B1 notwithstanding.
    for mode in (PO, AD):
        r = network(build, mode)
        assert early(r, "B2") == (at(7, 8), at(7, 17))
        assert early(r, "B3") == (at(8, 8), at(8, 17))


def test_actual_start_after_the_data_date(build):
    for mode in (RL, PO):  # the remaining day is put at the data date
        assert early(network(build, mode), "C2") == (at(8, 8), at(8, 17))
    r = network(build, AD)  # the remaining day runs from the actual start, Thursday
    assert early(r, "C1") == (at(8, 8), at(8, 17))
    assert early(r, "C2") == (at(9, 8), at(9, 17))


def test_in_sequence_progress_before_the_data_date_is_the_same_in_every_mode(build, mode):
    r = network(build, mode)
    assert early(r, "D2") == (at(7, 8), at(7, 17))  # one day left, from the data date
    assert early(r, "D3") == (at(8, 8), at(8, 17))
    assert r.dates_of("D1").total_float is None


def test_backward_pass_and_floats_per_mode(build):
    retained, override, actual = (network(build, m) for m in (RL, PO, AD))
    assert retained.finish == at(13, 17)  # A3
    assert override.finish == at(9, 17)  # A1 and B1 (Wed-Fri) end last
    assert actual.finish == at(12, 17)  # A3 after A2's actual finish
    # A1 drives A3 through the finished A2 under retained logic only: critical there, free elsewhere.
    assert retained.dates_of("A1").total_float == 0
    assert override.dates_of("A1").total_float == 0  # nothing follows it, and it ends the project
    assert actual.dates_of("A1").total_float == DAY  # A2 is history: A1 may run to Monday 12 17:00
    # A3 under override has a day of float to the project finish; under actual dates it ends the project.
    assert override.dates_of("A3").total_float == DAY
    assert actual.dates_of("A3").total_float == 0


def test_the_three_modes_give_three_schedules(build):
    results = {m: network(build, m) for m in (RL, PO, AD)}
    a3 = {m: early(r, "A3") for m, r in results.items()}
    assert len(set(a3.values())) == 3
    # Out-of-sequence progress is reported in every mode: it is a fact about the data, not the mode.
    for r in results.values():
        codes = {w.activity_id for w in r.warnings if w.code == "out_of_sequence"}
        assert {"A2", "B2"} <= codes


def test_finished_predecessor_lag_from_its_actual_finish(build):
    """Retained logic and actual dates count a lag from the actual finish; progress override drops it."""

    def case(mode: ProgressMode):  # type: ignore[no-untyped-def]
        b = build(progress_mode=mode).project(data_date=at(7, 8))
        b.act("A", 1, actual_start=at(5, 8), actual_finish=at(5, 17)).act("B", 1)
        return b.link("A", "B", lag_hours=16).run()

    # Monday 17:00 + 2 working days = Wednesday 17:00: B starts Thursday.
    assert early(case(RL), "B")[0] == at(8, 8)
    assert early(case(AD), "B")[0] == at(8, 8)
    assert early(case(PO), "B")[0] == at(7, 8)


def test_actual_dates_start_to_start_from_an_actual_start_after_the_data_date(build):
    b = build(progress_mode=AD).project(data_date=at(7, 8))
    b.act("A", 3, actual_start=at(8, 8), remaining_duration=2 * DAY).act("B", 1).link("A", "B", "SS", 4)
    r = b.run()
    assert early(r, "B") == (at(8, 13), at(9, 12))  # Thursday 08:00 + 4 h


def test_finished_later_than_its_logic_would_place_it(build):
    """E1 finished on Monday 12th, after the data date and with nothing holding it: retained logic and progress
    override put its node at the data date, actual dates at its actual finish."""

    def case(mode: ProgressMode) -> ScheduleResult:
        b = build(progress_mode=mode).project(data_date=at(7, 8))
        b.act("E1", 3, actual_start=at(5, 8), actual_finish=at(12, 17)).act("E2", 1)
        return b.link("E1", "E2").run()

    assert early(case(RL), "E2") == (at(7, 8), at(7, 17))
    assert early(case(PO), "E2") == (at(7, 8), at(7, 17))
    assert early(case(AD), "E2") == (at(13, 8), at(13, 17))
