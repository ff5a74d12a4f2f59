"""Incremental rescheduling after an edit gives exactly what a full run gives."""

from __future__ import annotations

import dataclasses

from benchmarks.generate import generate_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bbschedule.core.enums import ProgressMode
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


def edited(data: ProjectData, a_id: str, *, days: int) -> ProjectData:
    activity = data.activities[a_id]
    if activity.type.is_milestone or activity.type.value in ("level_of_effort", "wbs_summary"):
        return data
    minutes = days * 480
    if activity.actual_start is not None and activity.actual_finish is None:
        activity = dataclasses.replace(activity, remaining_duration=minutes)
    else:
        activity = dataclasses.replace(activity, original_duration=minutes)
    return dataclasses.replace(data, activities={**data.activities, a_id: activity})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(st.tuples(st.sampled_from(ACTIVITY_IDS), st.integers(0, 60)), min_size=1, max_size=4),
    override=st.booleans(),
)
def test_random_duration_edits_incremental_equals_full(edits, override):
    data = BASE
    if override:
        options = dataclasses.replace(data.project.options, progress_mode=ProgressMode.PROGRESS_OVERRIDE)
        data = dataclasses.replace(data, project=dataclasses.replace(data.project, options=options))
    scheduler = Scheduler(data)
    scheduler.run()
    for a_id, days in edits:
        data = edited(data, a_id, days=days)
        incremental = scheduler.update(data, [a_id])
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
