"""Incremental rescheduling after an edit gives exactly what a full run gives."""

from __future__ import annotations

import dataclasses
import datetime as dt

from benchmarks.generate import generate_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bbschedule.core.activity import Constraint, Relationship
from bbschedule.core.enums import ConstraintType, ProgressMode
from bbschedule.core.project_data import ProjectData
from bbschedule.scheduling.engine import Scheduler, schedule
from bbschedule.scheduling.result import ScheduleResult

BASE = generate_project(600, seed=7)
ACTIVITY_IDS = sorted(BASE.activities)


def snapshot(result: ScheduleResult) -> dict[str, tuple[object, ...]]:
    out = {}
    for a_id in result.net.ids:
        c = result.dates_of(a_id)
        out[a_id] = (
            c.early_start,
            c.early_finish,
            c.late_start,
            c.late_finish,
            c.total_float,
            c.free_float,
            c.critical,
            c.longest_path,
        )
    return out


def edited(data: ProjectData, a_id: str, *, days: int, kind: int = 0) -> ProjectData:
    """kind 0: duration, 1: a start-on-or-after constraint, 2: progress (an actual start the day before the
    data date), 3: finished (an actual finish before or after the data date), 4: an actual start after it."""
    activity = data.activities[a_id]
    if activity.type.is_milestone or activity.type.value in ("level_of_effort", "wbs_summary"):
        return data
    minutes = days * 480
    if kind == 1:
        when = data.project.effective_data_date + dt.timedelta(days=days)
        activity = dataclasses.replace(activity, primary_constraint=Constraint(ConstraintType.START_ON_OR_AFTER, when))
    elif kind == 2 and activity.actual_start is None:
        start = data.project.effective_data_date - dt.timedelta(days=1)
        activity = dataclasses.replace(activity, actual_start=start, remaining_duration=minutes)
    elif kind == 3 and activity.actual_finish is None:
        dd = data.project.effective_data_date
        start = activity.actual_start or dd - dt.timedelta(days=3)
        finish = max(start + dt.timedelta(hours=1), dd + dt.timedelta(hours=days - 30))
        activity = dataclasses.replace(activity, actual_start=start, actual_finish=finish, remaining_duration=0)
    elif kind == 4 and activity.actual_start is None:
        start = data.project.effective_data_date + dt.timedelta(days=days % 5, hours=1)
        activity = dataclasses.replace(activity, actual_start=start, remaining_duration=minutes)
    elif activity.actual_start is not None and activity.actual_finish is None:
        activity = dataclasses.replace(activity, remaining_duration=minutes)
    else:
        activity = dataclasses.replace(activity, original_duration=minutes)
    return dataclasses.replace(data, activities={**data.activities, a_id: activity})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(ACTIVITY_IDS), st.integers(0, 60), st.integers(0, 4)), min_size=1, max_size=4
    ),
    mode=st.sampled_from(ProgressMode),
    trust=st.booleans(),
)
def test_random_duration_edits_incremental_equals_full(edits, mode, trust):
    data = BASE
    if mode is not ProgressMode.RETAINED_LOGIC:
        options = dataclasses.replace(data.project.options, progress_mode=mode)
        data = dataclasses.replace(data, project=dataclasses.replace(data.project, options=options))
    scheduler = Scheduler(data)
    scheduler.run()
    for a_id, days, kind in edits:
        data = edited(data, a_id, days=days, kind=kind)
        incremental = scheduler.update(data, [a_id], only_these=trust)
        assert snapshot(incremental) == snapshot(schedule(data))


def test_an_edit_touches_only_what_it_reaches():
    scheduler = Scheduler(BASE)
    scheduler.run()
    # An activity near the end of the logic: a small edit moves little.
    last = scheduler.net.ids[scheduler.net.n_pass - 1]
    data = edited(BASE, last, days=3)
    before = list(scheduler.dates.es)
    scheduler.update(data, [last])
    moved = sum(1 for a, b in zip(before, scheduler.dates.es, strict=True) if a != b)
    assert moved < len(before) // 10


def test_structural_edit_falls_back_to_a_full_run():
    scheduler = Scheduler(BASE)
    scheduler.run()
    rel_id = next(iter(BASE.relationships))
    data = dataclasses.replace(BASE, relationships={k: v for k, v in BASE.relationships.items() if k != rel_id})
    assert snapshot(scheduler.update(data, [])) == snapshot(schedule(data))


def test_in_place_edits_like_a_session_are_seen():
    """A session mutates its ProjectData in place: a new link must not be missed as 'the same dict'."""
    data = dataclasses.replace(BASE, activities=dict(BASE.activities), relationships=dict(BASE.relationships))
    scheduler = Scheduler(data)
    scheduler.run()
    first, last = scheduler.net.ids[0], scheduler.net.ids[scheduler.net.n_pass - 1]
    rel = Relationship(first, last, lag=480 * 200)
    data.relationships[rel.id] = rel
    assert snapshot(scheduler.update(data, [])) == snapshot(schedule(data))
    a_id = scheduler.net.ids[5]
    data.activities[a_id] = dataclasses.replace(data.activities[a_id], original_duration=480 * 30)
    assert snapshot(scheduler.update(data, [a_id])) == snapshot(schedule(data))


def test_editing_a_level_of_effort_reschedules_it():
    scheduler = Scheduler(BASE)
    scheduler.run()
    loe = next(a for a in BASE.activities.values() if a.type.value == "level_of_effort")
    data = dataclasses.replace(
        BASE,
        activities={**BASE.activities, loe.id: dataclasses.replace(loe, actual_start=BASE.project.effective_data_date)},
    )
    assert snapshot(scheduler.update(data, [loe.id], only_these=True)) == snapshot(schedule(data))
