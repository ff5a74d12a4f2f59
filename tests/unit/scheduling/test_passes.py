"""Known answers worked out by hand on a 5x8 calendar (08:00-12:00, 13:00-17:00, Monday 5 January 2026)."""

from __future__ import annotations

import datetime as dt

import pytest

from bbschedule.core.enums import ActivityType, ConstraintType, CriticalMode, FloatMode, LagCalendar, ProgressMode
from bbschedule.core.errors import CancelledError, LogicLoopError
from bbschedule.core.progress import Progress
from bbschedule.scheduling.engine import Scheduler

DAY = 480


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 1, day, hour, minute)


def dates(result, code):  # type: ignore[no-untyped-def]
    c = result.dates_of(code)
    return c.early_start, c.early_finish, c.late_start, c.late_finish


def test_finish_to_start_finishes_at_17_and_starts_next_morning(build):
    r = build().act("A", 2).act("B", 3).link("A", "B").run()
    assert dates(r, "A") == (at(5, 8), at(6, 17), at(5, 8), at(6, 17))
    assert dates(r, "B") == (at(7, 8), at(9, 17), at(7, 8), at(9, 17))
    assert r.dates_of("A").total_float == 0
    assert r.dates_of("A").critical
    assert r.dates_of("B").critical
    assert r.finish == at(9, 17)


@pytest.mark.parametrize(
    ("lag_hours", "start", "finish"),
    [(8, at(8, 8), at(12, 17)), (-8, at(6, 8), at(8, 17)), (4, at(7, 13), at(12, 12))],
)
def test_finish_to_start_with_lag_and_lead(build, lag_hours, start, finish):
    r = build().act("A", 2).act("B", 3).link("A", "B", lag_hours=lag_hours).run()
    assert r.dates_of("B").early_start == start
    assert r.dates_of("B").early_finish == finish


def test_start_to_start_with_lag_crosses_lunch(build):
    r = build().act("A", 2).act("B", 1).link("A", "B", "SS", 4).run()
    # A starts Monday 08:00; four working hours later is 12:00, which as a start is 13:00.
    assert r.dates_of("B").early_start == at(5, 13)
    assert r.dates_of("B").early_finish == at(6, 12)


def test_finish_to_finish_pushes_the_whole_successor(build):
    r = build().act("A", 2).act("B", 1).link("A", "B", "FF").run()
    assert dates(r, "B")[:2] == (at(6, 8), at(6, 17))


def test_start_to_finish(build):
    r = build().act("A", 2).act("B", 1).link("A", "B", "SF", 24).run()
    # B may finish no earlier than 3 days after A starts: Wednesday 17:00.
    assert dates(r, "B")[:2] == (at(7, 8), at(7, 17))


def test_weekends_and_holidays_are_skipped(build):
    b = build().holiday(dt.date(2026, 1, 8)).act("A", 3).act("B", 2).link("A", "B")
    b.act("C", 5, constraint=(ConstraintType.START_ON_OR_AFTER, at(7, 8)))
    r = b.run()
    assert dates(r, "B")[:2] == (at(9, 8), at(12, 17))  # Thursday 8th is a holiday
    assert dates(r, "C")[:2] == (at(7, 8), at(14, 17))  # Wed, Fri, Mon, Tue, Wed


def test_late_dates_total_and_free_float(build):
    r = build().act("A", 2).act("B", 1).act("C", 1).link("A", "C").link("B", "C").run()
    assert dates(r, "B") == (at(5, 8), at(5, 17), at(6, 8), at(6, 17))
    assert r.dates_of("B").total_float == DAY
    assert r.dates_of("B").free_float == DAY
    assert not r.dates_of("B").critical
    assert r.dates_of("C").early_start == at(7, 8)


def test_open_end_takes_the_project_finish(build):
    r = build().act("A", 2).act("B", 1).run()
    assert r.dates_of("B").late_finish == at(6, 17)
    assert r.dates_of("B").total_float == DAY
    assert {w.code for w in r.warnings} >= {"open_start", "open_end"}


def test_must_finish_by_sets_late_dates_of_open_ends(build):
    r = build().project(must_finish_by=at(9, 17)).act("A", 2).act("B", 1).link("A", "B").run()
    assert r.dates_of("B").late_finish == at(9, 17)
    assert r.dates_of("A").total_float == 2 * DAY


def test_must_finish_by_earlier_than_logic_gives_negative_float(build):
    r = build().project(must_finish_by=at(6, 17)).act("A", 2).act("B", 1).link("A", "B").run()
    assert r.dates_of("B").total_float == -DAY
    assert r.dates_of("A").critical


@pytest.mark.parametrize(
    ("constraint", "early", "late"),
    [
        ((ConstraintType.START_ON_OR_AFTER, at(7, 8)), (at(7, 8), at(7, 17)), (at(7, 8), at(7, 17))),
        ((ConstraintType.FINISH_ON_OR_AFTER, at(8, 17)), (at(8, 8), at(8, 17)), (at(8, 8), at(8, 17))),
        ((ConstraintType.START_ON_OR_BEFORE, at(5, 8)), (at(6, 8), at(6, 17)), (at(5, 8), at(5, 17))),
        ((ConstraintType.FINISH_ON_OR_BEFORE, at(5, 17)), (at(6, 8), at(6, 17)), (at(5, 8), at(5, 17))),
        ((ConstraintType.START_ON, at(7, 8)), (at(7, 8), at(7, 17)), (at(7, 8), at(7, 17))),
        ((ConstraintType.MANDATORY_START, at(5, 8)), (at(5, 8), at(5, 17)), (at(5, 8), at(5, 17))),
        ((ConstraintType.MANDATORY_FINISH, at(7, 17)), (at(7, 8), at(7, 17)), (at(7, 8), at(7, 17))),
    ],
)
def test_constraints(build, constraint, early, late):
    # X (1 day) follows P (1 day); Z (3 days) sets the project finish to Wednesday 17:00.
    b = build().act("P", 1).act("X", 1, constraint=constraint).act("Z", 3).link("P", "X")
    r = b.run()
    assert dates(r, "X")[:2] == early
    assert dates(r, "X")[2:] == late


def test_mandatory_start_ignores_logic_and_shows_negative_float_upstream(build):
    r = build().act("P", 2).act("X", 1, constraint=(ConstraintType.MANDATORY_START, at(5, 8))).link("P", "X").run()
    assert r.dates_of("X").early_start == at(5, 8)
    assert r.dates_of("P").total_float == -2 * DAY


def test_as_late_as_possible_consumes_free_float(build):
    b = build().act("A", 1, constraint=(ConstraintType.AS_LATE_AS_POSSIBLE, None)).act("B", 3).act("C", 1)
    r = b.link("A", "C").link("B", "C").run()
    assert dates(r, "A")[:2] == (at(7, 8), at(7, 17))
    assert r.dates_of("A").free_float == 0


def test_secondary_constraint_applies_too(build):
    b = build().act("B", 5)
    b.act(
        "A",
        1,
        constraint=(ConstraintType.START_ON_OR_AFTER, at(6, 8)),
        secondary=(ConstraintType.FINISH_ON_OR_BEFORE, at(6, 17)),
    )
    r = b.run()
    assert r.dates_of("A").early_start == at(6, 8)
    assert r.dates_of("A").late_finish == at(6, 17)
    assert r.dates_of("A").total_float == 0


def test_milestones(build):
    b = build().act("A", 2).act("F", kind=ActivityType.FINISH_MILESTONE).act("S", kind=ActivityType.START_MILESTONE)
    r = b.link("A", "F").link("A", "S").run()
    assert dates(r, "F")[:2] == (at(6, 17), at(6, 17))
    assert dates(r, "S")[:2] == (at(7, 8), at(7, 8))


def test_twenty_four_hour_calendar(build):
    r = build().act("A", 1, calendar="24h", original_duration=1440).run()
    assert dates(r, "A")[:2] == (at(5, 8), at(6, 8))


@pytest.mark.parametrize(
    ("mode", "start"),
    [
        (LagCalendar.PREDECESSOR, at(6, 17)),
        (LagCalendar.SUCCESSOR, at(6, 1)),
        (LagCalendar.TWENTY_FOUR_HOUR, at(6, 1)),
        (LagCalendar.PROJECT_DEFAULT, at(6, 17)),
    ],
)
def test_lag_calendar_option(build, mode, start):
    b = build(lag_calendar=mode).act("A", 1).act("B", 1, calendar="24h", original_duration=60)
    r = b.link("A", "B", lag_hours=8).run()
    # A finishes Monday 17:00; 8 working hours on the 5x8 calendar is Tuesday 17:00, on the 24-hour one 01:00.
    assert r.dates_of("B").early_start == start


def test_progress_retained_logic_and_override(build):
    def case(mode: ProgressMode):  # type: ignore[no-untyped-def]
        b = build(progress_mode=mode).project(data_date=at(7, 8))
        b.act("A", 4, actual_start=at(5, 8), remaining_duration=2 * DAY)
        b.act("B", 2, actual_start=at(6, 8), remaining_duration=DAY)
        return b.link("A", "B").run()

    retained = case(ProgressMode.RETAINED_LOGIC)
    # A has two days left from the data date (Wed-Thu); B's last day waits for A under retained logic.
    assert dates(retained, "A")[:2] == (at(7, 8), at(8, 17))
    assert dates(retained, "B")[:2] == (at(9, 8), at(9, 17))
    override = case(ProgressMode.PROGRESS_OVERRIDE)
    assert dates(override, "B")[:2] == (at(7, 8), at(7, 17))
    assert "out_of_sequence" in {w.code for w in retained.warnings}


def test_completed_activity_releases_successor_at_the_data_date(build):
    b = build().project(data_date=at(8, 8)).act("A", 2, actual_start=at(5, 8), actual_finish=at(6, 17))
    r = b.act("B", 1).link("A", "B").run()
    assert r.dates_of("B").early_start == at(8, 8)
    assert r.dates_of("A").total_float is None


def test_finished_predecessor_lag_counts_from_its_actual_finish(build):
    b = build().project(data_date=at(7, 8)).act("A", 1, actual_start=at(5, 8), actual_finish=at(5, 17))
    r = b.act("B", 1).link("A", "B", lag_hours=24).run()
    assert r.dates_of("B").early_start == at(9, 8)  # Monday 17:00 + 3 days, not the data date + 3 days


def test_level_of_effort_spans_its_links(build):
    b = build().act("A", 2).act("B", 3).act("L", kind=ActivityType.LEVEL_OF_EFFORT).link("A", "B")
    r = b.link("A", "L", "SS").link("B", "L", "FF").run()
    assert dates(r, "L")[:2] == (at(5, 8), at(9, 17))
    assert r.dates_of("B").early_start == at(7, 8)


def test_wbs_summary_spans_its_children(build):
    from bbschedule.core.project import Wbs

    b = build()
    b.data.wbs["w"] = Wbs(code="W", name="W", id="w")
    b.data.wbs["w2"] = Wbs(code="W2", name="W2", parent_id="w", id="w2")
    b.act("A", 2, wbs_id="w").act("B", 3, wbs_id="w2").act("C", 1).link("A", "B")
    r = b.act("S", kind=ActivityType.WBS_SUMMARY, wbs_id="w").run()
    assert dates(r, "S") == (at(5, 8), at(9, 17), at(5, 8), at(9, 17))


def test_float_modes_and_threshold(build):
    b = build(float_mode=FloatMode.START, critical_float_threshold=DAY).act("A", 2).act("B", 1).act("C", 1)
    r = b.link("A", "C").link("B", "C").run()
    assert r.dates_of("B").total_float == DAY
    assert r.dates_of("B").critical  # float 1 day <= threshold 1 day


def test_longest_path_and_driving_path(build):
    b = build(critical_mode=CriticalMode.LONGEST_PATH).act("A", 2).act("B", 1).act("C", 1).act("D", 1)
    r = b.link("A", "C").link("B", "C").link("C", "D").run()
    assert {a for a in "ABCD" if r.dates_of(a).longest_path} == {"A", "C", "D"}
    assert r.dates_of("A").critical
    assert not r.dates_of("B").critical
    assert r.driving_path("D") == ["A", "C", "D"]
    assert r.scheduler.driving_predecessors("C") == ["A-C"]


def test_loop_names_its_activities(build):
    b = build().act("A").act("B").act("C").act("D").link("A", "B").link("B", "C").link("C", "A").link("D", "A")
    with pytest.raises(LogicLoopError) as err:
        b.run()
    assert sorted(err.value.codes) == ["A", "B", "C"]
    assert "->" in str(err.value)


def test_cancel_stops_the_run(build):
    progress = Progress()
    progress.cancel()
    with pytest.raises(CancelledError):
        Scheduler(build().act("A").data, progress=progress).run()


def test_open_ended_activities_can_be_made_critical(build):
    plain = build().act("A", 2).act("B", 1).run()
    assert not plain.dates_of("B").critical
    flagged = build(open_ended_critical=True).act("A", 2).act("B", 1).run()
    assert flagged.dates_of("B").critical
