"""Filters and grouping over the sample project: each criterion keeps exactly what it names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bbschedule.core.project_data import ProjectData
from bbschedule.formats.project_json import read
from bbschedule.formats.registry import ReadOptions
from bbschedule.scheduling.engine import schedule
from bbschedule.services.filters import ActivityFilter, Status, group_by_code, status_of

SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "samples" / "sample_project.bbs.json"


@pytest.fixture(scope="module")
def data() -> ProjectData:
    project = read(SAMPLE, options=ReadOptions()).projects[0]
    project.computed = schedule(project).computed()
    return project


def test_empty_filter_keeps_everything(data: ProjectData) -> None:
    assert ActivityFilter().is_empty
    assert ActivityFilter().apply(data) == set(data.activities)


def test_critical_only(data: ProjectData) -> None:
    kept = ActivityFilter(critical_only=True).apply(data)
    assert kept
    assert kept < set(data.activities)
    assert all(data.computed[i].critical for i in kept)


def test_in_progress(data: ProjectData) -> None:
    kept = ActivityFilter(statuses=frozenset({Status.IN_PROGRESS})).apply(data)
    assert kept
    for activity in data.activities.values():
        started = activity.actual_start is not None and activity.actual_finish is None
        assert (activity.id in kept) == started


def test_text_search_is_case_insensitive_over_id_and_name(data: ProjectData) -> None:
    some = sorted(data.activities.values(), key=lambda a: a.code)[10]
    word = some.name.split()[0].upper()
    kept = ActivityFilter(text=word).apply(data)
    assert some.id in kept
    assert all(word.casefold() in (a.code + a.name + a.notes).casefold() for a in (data.activities[i] for i in kept))
    assert ActivityFilter(text=some.code.lower()).apply(data) >= {some.id}


def test_date_window_keeps_overlapping_activities(data: ProjectData) -> None:
    start, finish = dt.datetime(2026, 9, 1), dt.datetime(2026, 9, 30, 23, 59)
    kept = ActivityFilter(window_start=start, window_finish=finish).apply(data)
    assert kept
    for activity_id in kept:
        c = data.computed[activity_id]
        activity = data.activities[activity_id]
        s = activity.actual_start or c.early_start
        f = activity.actual_finish or c.early_finish
        assert s is not None
        assert f is not None
        assert s <= finish
        assert f >= start


def test_criteria_combine(data: ProjectData) -> None:
    both = ActivityFilter(critical_only=True, statuses=frozenset({Status.NOT_STARTED})).apply(data)
    assert both == ActivityFilter(critical_only=True).apply(data) & {
        a.id for a in data.activities.values() if status_of(a) is Status.NOT_STARTED
    }


def test_group_by_code_covers_every_activity_once(data: ProjectData) -> None:
    code_type = next(iter(data.code_types.values()))
    groups = group_by_code(data, code_type.id)
    ids = [i for g in groups for i in g.activity_ids]
    assert sorted(ids) == sorted(data.activities)
    for group in groups:
        for activity_id in group.activity_ids:
            assert data.activities[activity_id].codes.get(code_type.id) == group.value_id
