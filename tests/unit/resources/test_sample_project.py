"""The sample project loaded on first start: it reads, it is consistent, and it shows what a planner expects."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from bbschedule.core.activity import Activity
from bbschedule.core.commands import find_path
from bbschedule.core.enums import ActivityType, ConstraintType, RelationshipType, ResourceType
from bbschedule.core.project_data import ProjectData
from bbschedule.formats import project_json
from bbschedule.formats.registry import ReadOptions

SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "samples" / "sample_project.bbs.json"


@pytest.fixture(scope="module")
def data() -> ProjectData:
    result = project_json.read(SAMPLE, options=ReadOptions())
    assert len(result.projects) == 1
    return result.projects[0]


def _ends(data: ProjectData) -> tuple[Activity, Activity]:
    """The one activity without predecessors and the one without successors."""
    has_pred = {r.successor_id for r in data.relationships.values()}
    has_succ = {r.predecessor_id for r in data.relationships.values()}
    first = [a for a in data.activities.values() if a.id not in has_pred]
    last = [a for a in data.activities.values() if a.id not in has_succ]
    assert len(first) == 1, [a.code for a in first]
    assert len(last) == 1, [a.code for a in last]
    return first[0], last[0]


def test_reads_and_every_reference_resolves(data: ProjectData) -> None:
    data.check_all()
    for act in data.activities.values():
        for type_id, value_id in act.codes.items():
            assert data.code_values[value_id].type_id == type_id, act.code
        assert set(act.user_fields) <= set(data.user_fields), act.code
    assert data.project.default_calendar_id in data.calendars


def test_size_and_variety(data: ProjectData) -> None:
    assert 60 <= len(data.activities) <= 120
    types = Counter(a.type for a in data.activities.values())
    assert types[ActivityType.START_MILESTONE] >= 1
    assert types[ActivityType.FINISH_MILESTONE] >= 1
    assert types[ActivityType.LEVEL_OF_EFFORT] >= 1
    assert set(RelationshipType) <= {r.type for r in data.relationships.values()}
    lags = [r.lag for r in data.relationships.values()]
    assert any(lag > 0 for lag in lags)
    assert any(lag < 0 for lag in lags), "a lead (negative lag) is part of the sample"
    constraints = {a.primary_constraint.type for a in data.activities.values() if a.primary_constraint}
    assert {ConstraintType.START_ON_OR_AFTER, ConstraintType.FINISH_ON_OR_BEFORE} <= constraints
    assert len(data.code_types) >= 2
    assert data.user_fields
    assert any(a.user_fields for a in data.activities.values())
    assert len(data.baselines) == 1


def test_durations_are_whole_eight_hour_days(data: ProjectData) -> None:
    tasks = [a for a in data.activities.values() if a.type is ActivityType.TASK]
    assert all(a.original_duration > 0 and a.original_duration % 480 == 0 for a in tasks)
    assert max(a.original_duration for a in tasks) <= 100 * 480


def test_wbs_has_three_levels(data: ProjectData) -> None:
    def depth(wbs_id: str) -> int:
        node, level = data.wbs[wbs_id], 1
        while node.parent_id is not None:
            node, level = data.wbs[node.parent_id], level + 1
        return level

    assert max(depth(w) for w in data.wbs) == 3
    assert all(a.wbs_id is not None for a in data.activities.values())
    names = " ".join(w.name for w in data.wbs.values())
    for phase in ("Preconstruction", "Site Works", "Substructure", "Superstructure", "Envelope", "Finishes"):
        assert phase in names


def test_two_calendars_with_public_holidays(data: ProjectData) -> None:
    assert len(data.calendars) == 2
    working_days = sorted(sum(1 for day in cal.week if day) for cal in data.calendars.values())
    assert working_days == [5, 6]
    for cal in data.calendars.values():
        for year in (2026, 2027):
            days_off = [e for e in cal.exceptions if not e.is_working and e.start.year == year]
            assert len(days_off) >= 8, (cal.name, year)
        assert cal.intervals_on(dt.date(2026, 12, 25)) == ()
        assert sum(i.minutes for i in cal.week[0]) == 8 * 60


def test_logic_has_no_loop(data: ProjectData) -> None:
    preds = Counter(r.successor_id for r in data.relationships.values())
    ready = [a for a in data.activities if preds[a] == 0]
    order: list[str] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for rel in data.successors_of(node):
            preds[rel.successor_id] -= 1
            if preds[rel.successor_id] == 0:
                ready.append(rel.successor_id)
    assert len(order) == len(data.activities)
    for rel in data.relationships.values():
        assert find_path(data.relationships.values(), start=rel.successor_id, goal=rel.predecessor_id) is None


def test_only_the_start_and_finish_milestones_are_open_ended(data: ProjectData) -> None:
    first, last = _ends(data)
    assert first.type is ActivityType.START_MILESTONE
    assert last.type is ActivityType.FINISH_MILESTONE
    every = [a.id for a in data.activities.values()]
    assert all(find_path(data.relationships.values(), start=first.id, goal=a) for a in every)


def test_progress_is_consistent_with_the_data_date(data: ProjectData) -> None:
    data_date = data.project.data_date
    assert data_date is not None
    assert data_date > data.project.planned_start
    started = [a for a in data.activities.values() if a.is_started]
    assert 0.08 <= len(started) / len(data.activities) <= 0.25
    assert any(a.is_complete for a in started)
    assert any(not a.is_complete for a in started)
    for act in started:
        assert act.actual_start is not None
        assert act.actual_start < data_date, act.code
        if act.actual_finish is not None:
            assert act.actual_finish <= data_date, act.code
        else:
            assert act.remaining_duration is not None
            assert act.remaining_duration > 0, act.code
    # No activity starts before a finish-to-start predecessor has finished.
    for rel in data.relationships.values():
        pred, succ = data.activities[rel.predecessor_id], data.activities[rel.successor_id]
        if rel.type is RelationshipType.FS and succ.is_started and rel.lag >= 0:
            assert pred.actual_finish is not None, (pred.code, succ.code)
            assert succ.actual_start is not None
            assert pred.actual_finish <= succ.actual_start, (pred.code, succ.code)


def test_resources_are_cost_loaded(data: ProjectData) -> None:
    kinds = {r.type for r in data.resources.values()}
    assert kinds == set(ResourceType)
    assert all(r.rates and r.rates[0].price_per_unit > 0 for r in data.resources.values())
    assert len(data.assignments) >= len(data.activities) // 2
    for asg in data.assignments.values():
        assert asg.budgeted_units > 0
        price = asg.budgeted_cost / asg.budgeted_units
        assert price == pytest.approx(data.resources[asg.resource_id].price_on(dt.date(2026, 3, 1)), rel=0.05)
        assert asg.actual_units + asg.remaining_units == pytest.approx(asg.budgeted_units, abs=0.2)
        if not data.activities[asg.activity_id].is_started:
            assert asg.actual_units == 0


def test_baseline_covers_every_activity(data: ProjectData) -> None:
    baseline = next(iter(data.baselines.values()))
    rows = baseline.by_activity()
    assert set(rows) == set(data.activities)
    finish = max(r.finish for r in rows.values() if r.finish is not None)
    assert data.project.must_finish_by is not None
    assert finish <= data.project.must_finish_by
