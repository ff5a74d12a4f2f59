"""Commands build change sets that apply, invert and refuse what the model forbids."""

from __future__ import annotations

import datetime as dt

import pytest

from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.calendar import Calendar
from bbschedule.core.changes import apply_change_set
from bbschedule.core.commands import (
    AddActivity,
    AddRelationship,
    Composite,
    DeleteActivity,
    SetActivityField,
    SetField,
)
from bbschedule.core.enums import RelationshipType
from bbschedule.core.errors import LogicLoopError, ValidationError
from bbschedule.core.project import Project
from bbschedule.core.project_data import ProjectData


@pytest.fixture
def data() -> ProjectData:
    cal = Calendar("Standard")
    project = ProjectData(Project("P1", "Test", dt.datetime(2026, 1, 5, 8)), calendars={cal.id: cal})
    for code in ("A10", "A20", "A30"):
        act = Activity(code, f"Activity {code}", cal.id, original_duration=480)
        project.activities[act.id] = act
    return project


def _ids(data: ProjectData) -> list[str]:
    return [a.id for a in sorted(data.activities.values(), key=lambda a: a.code)]


def test_set_field_applies_and_inverts(data: ProjectData) -> None:
    a10 = _ids(data)[0]
    change_set = SetActivityField(a10, "original_duration", 960).build(data)
    apply_change_set(data, change_set)
    assert data.activities[a10].original_duration == 960
    apply_change_set(data, change_set.inverted())
    assert data.activities[a10].original_duration == 480


def test_negative_duration_is_refused_naming_the_field(data: ProjectData) -> None:
    with pytest.raises(ValidationError) as caught:
        SetActivityField(_ids(data)[0], "original_duration", -1).build(data)
    assert caught.value.field == "activity.original_duration"


def test_unknown_calendar_is_refused(data: ProjectData) -> None:
    with pytest.raises(ValidationError, match="unknown calendar"):
        AddActivity(Activity("X1", "Orphan", "no-such-calendar")).build(data)


def test_relationship_to_itself_is_refused() -> None:
    with pytest.raises(ValidationError, match="itself"):
        Relationship("a", "a")


def test_loop_names_the_activities(data: ProjectData) -> None:
    a, b, c = _ids(data)
    for pred, succ in ((a, b), (b, c)):
        apply_change_set(data, AddRelationship(Relationship(pred, succ)).build(data))
    with pytest.raises(LogicLoopError) as caught:
        AddRelationship(Relationship(c, a, RelationshipType.SS)).build(data)
    assert caught.value.codes == ["A10", "A20", "A30"]


def test_delete_takes_relationships_and_undo_restores_them(data: ProjectData) -> None:
    a, b, _ = _ids(data)
    apply_change_set(data, AddRelationship(Relationship(a, b)).build(data))
    change_set = DeleteActivity(a).build(data)
    apply_change_set(data, change_set)
    assert a not in data.activities
    assert not data.relationships
    apply_change_set(data, change_set.inverted())
    assert a in data.activities
    assert len(data.relationships) == 1


def test_duplicate_activity_id_is_refused(data: ProjectData) -> None:
    with pytest.raises(ValidationError, match="A10"):
        SetActivityField(_ids(data)[1], "code", "A10").build(data)


def test_bulk_edit_is_one_change_set(data: ProjectData) -> None:
    ids = tuple(_ids(data))
    change_set = SetField("activity", ids, "notes", "checked").build(data)
    assert len(change_set.changes) == 3
    assert change_set.label == "Change notes of 3 activities"


def test_composite_sees_earlier_steps_and_leaves_data_untouched(data: ProjectData) -> None:
    cal_id = next(iter(data.calendars))
    new = Activity("A40", "New", cal_id)
    command = Composite("Add and link", [AddActivity(new), AddRelationship(Relationship(_ids(data)[0], new.id))])
    change_set = command.build(data)
    assert new.id not in data.activities
    apply_change_set(data, change_set)
    assert new.id in data.activities
    assert len(data.relationships) == 1


def test_failed_change_set_leaves_data_as_it_was(data: ProjectData) -> None:
    a = _ids(data)[0]
    good = SetActivityField(a, "notes", "x").build(data)
    stale = SetActivityField(a, "name", "y").build(data)
    apply_change_set(data, good)
    before = dict(data.activities)
    # `stale` expects the activity as it was before `good`: applying it must fail and change nothing.
    with pytest.raises(ValidationError):
        apply_change_set(data, stale)
    assert data.activities == before


def test_codec_keeps_seconds_and_microseconds() -> None:
    from bbschedule.core.codec import datetime_text, from_plain

    for moment in (
        dt.datetime(2026, 1, 5, 8),
        dt.datetime(2026, 1, 5, 8, 0, 30),
        dt.datetime(2026, 1, 5, 8, 0, 0, 250),
    ):
        assert from_plain(dt.datetime, datetime_text(moment)) == moment
    assert datetime_text(dt.datetime(2026, 1, 5, 8)) == "2026-01-05T08:00"


def test_original_duration_before_progress_takes_the_remaining_with_it(data: ProjectData) -> None:
    from bbschedule.core.commands import SetActivityDuration

    a10 = _ids(data)[0]
    apply_change_set(data, SetActivityField(a10, "remaining_duration", 240).build(data))
    change_set = SetActivityDuration(a10, "original_duration", 960).build(data)
    apply_change_set(data, change_set)
    assert (data.activities[a10].original_duration, data.activities[a10].remaining) == (960, 960)
    apply_change_set(data, change_set.inverted())
    assert data.activities[a10].remaining_duration == 240


def test_started_activity_keeps_its_remaining_duration(data: ProjectData) -> None:
    from bbschedule.core.commands import SetActivityDuration

    a10 = _ids(data)[0]
    started = SetActivityField(a10, "actual_start", dt.datetime(2026, 1, 5, 8)).build(data)
    apply_change_set(data, started)
    apply_change_set(data, SetActivityField(a10, "remaining_duration", 240).build(data))
    apply_change_set(data, SetActivityDuration(a10, "original_duration", 960).build(data))
    assert data.activities[a10].remaining == 240


def test_becoming_a_milestone_clears_the_duration_in_one_step(data: ProjectData) -> None:
    from bbschedule.core.commands import SetActivityType
    from bbschedule.core.enums import ActivityType

    a10 = _ids(data)[0]
    change_set = SetActivityType(a10, ActivityType.FINISH_MILESTONE).build(data)
    apply_change_set(data, change_set)
    assert (data.activities[a10].type, data.activities[a10].original_duration) == (ActivityType.FINISH_MILESTONE, 0)
    apply_change_set(data, change_set.inverted())
    assert data.activities[a10].original_duration == 480
