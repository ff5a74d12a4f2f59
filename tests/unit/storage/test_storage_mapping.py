"""Every field of every entity survives the row mapping; activities are also tried with generated values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.storage.storage_factories import rich_project

from bbschedule.core.activity import Activity, Constraint
from bbschedule.core.enums import ActivityType, ConstraintType, DurationType, PercentCompleteType
from bbschedule.core.errors import ValidationError
from bbschedule.core.project_data import ENTITY_KINDS, ENTITY_TYPES
from bbschedule.storage.cache import LocalCache
from bbschedule.storage.mapping import ACTIVITY_FIELD_ORDER, MAPPERS


def _default_of(field: dataclasses.Field[Any]) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return dataclasses.MISSING


def test_the_fixture_sets_every_field_of_every_entity() -> None:
    """If core grows a field, this fails until the fixture (and so the round trip) covers it."""
    data = rich_project()
    for kind in ENTITY_KINDS:
        rows = list(data.table(kind).values())
        assert rows, f"no {kind} in the fixture"
        for field in dataclasses.fields(ENTITY_TYPES[kind]):
            if field.name == "id":
                continue
            default = _default_of(field)
            assert any(getattr(row, field.name) != default for row in rows), f"{kind}.{field.name} only has defaults"


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_encode_then_decode_gives_the_same_object(kind: str) -> None:
    data = rich_project()
    mapper = MAPPERS[kind]
    for obj in data.table(kind).values():
        row = mapper.encode(obj, data.project.id)
        assert len(row) == len(mapper.columns)
        assert row[1] == data.project.id
        assert mapper.decode(row) == obj


def test_activity_positional_decode_follows_the_dataclass() -> None:
    assert tuple(f.name for f in dataclasses.fields(Activity)) == ACTIVITY_FIELD_ORDER


_dates = st.one_of(st.none(), st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)))
_text = st.text(min_size=0, max_size=20)
_name = st.text(min_size=1, max_size=20).filter(str.strip)
_floats = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False, width=64))


@st.composite
def activities(draw: st.DrawFn) -> Activity:
    kind = draw(st.sampled_from(list(ActivityType)))
    start = draw(_dates)
    finish = None if start is None else draw(st.one_of(st.none(), st.just(start + dt.timedelta(hours=5))))
    constraint_type = draw(st.one_of(st.none(), st.sampled_from(list(ConstraintType))))
    constraint = None
    if constraint_type is not None:
        date = draw(_dates) if not constraint_type.needs_date else draw(_dates.filter(lambda d: d is not None))
        constraint = Constraint(constraint_type, date)
    return Activity(
        code=draw(_name),
        name=draw(_name),
        calendar_id="cal",
        type=kind,
        duration_type=draw(st.sampled_from(list(DurationType))),
        percent_complete_type=draw(st.sampled_from(list(PercentCompleteType))),
        original_duration=0 if kind.is_milestone else draw(st.integers(0, 10**7)),
        remaining_duration=draw(st.one_of(st.none(), st.integers(0, 10**7))),
        actual_duration=draw(st.integers(0, 10**7)),
        physical_percent_complete=draw(st.floats(0, 100)),
        primary_constraint=constraint,
        secondary_constraint=draw(st.one_of(st.none(), st.just(Constraint(ConstraintType.AS_LATE_AS_POSSIBLE)))),
        actual_start=start,
        actual_finish=finish,
        expected_finish=draw(_dates),
        suspend_date=draw(_dates),
        resume_date=draw(_dates),
        planned_start=draw(_dates),
        planned_finish=draw(_dates),
        quantity=draw(_floats),
        quantity_unit=draw(_text),
        production_rate=draw(_floats),
        location_start=draw(_floats),
        location_end=draw(_floats),
        notes=draw(_text),
        codes=draw(st.dictionaries(_name, _name, max_size=3)),
        user_fields=draw(st.dictionaries(_name, st.one_of(_text, st.floats(allow_nan=False)), max_size=3)),
        source_id=draw(st.one_of(st.none(), _text)),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(activity=activities())
def test_any_activity_survives_a_real_sqlite_row(activity: Activity) -> None:
    """Through a real SQLite table, so column affinities (REAL, INTEGER, TEXT) take part."""
    mapper = MAPPERS["activity"]
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE activities ({', '.join(mapper.columns)})")
    db.execute(mapper.insert_sql(), mapper.encode(activity, "p"))
    row = db.execute(f"SELECT {', '.join(mapper.columns)} FROM activities").fetchone()
    assert mapper.decode(row) == activity


def test_activity_columns_have_the_schema_affinities(tmp_path: Path) -> None:
    """Whole numbers written into REAL columns come back as floats, so loaded objects equal the originals."""
    cache = LocalCache(tmp_path / "cache.sqlite3")
    cache.close()
    db = sqlite3.connect(tmp_path / "cache.sqlite3")
    types = {row[1]: row[2] for row in db.execute("PRAGMA table_info(activities)")}
    assert types["physical_percent_complete"] == "FLOAT"
    assert types["original_duration"] == "INTEGER"
    assert types["codes"] == "JSON"


def test_a_row_the_model_refuses_is_not_silently_loaded() -> None:
    mapper = MAPPERS["activity"]
    row = list(mapper.encode(rich_project().activities.popitem()[1], "p"))
    row[9] = -5  # original_duration
    with pytest.raises(ValidationError):
        mapper.decode(row)


def test_slot_builder_makes_the_same_validated_object() -> None:
    from bbschedule.core.activity import Relationship
    from bbschedule.storage.fastbuild import slot_builder

    build = slot_builder(Relationship)
    original = next(iter(rich_project().relationships.values()))
    built = build(*(getattr(original, f.name) for f in dataclasses.fields(Relationship)))
    assert built == original
    assert type(built) is Relationship
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.lag = 5  # type: ignore[misc]
    with pytest.raises(ValidationError, match="itself"):
        build("a", "a", original.type, 0, "r1")  # __post_init__ still runs


def test_slot_builder_refuses_a_class_without_slots() -> None:
    from bbschedule.storage.fastbuild import slot_builder

    @dataclasses.dataclass(frozen=True)
    class Plain:
        x: int

    with pytest.raises(TypeError, match="slots"):
        slot_builder(Plain)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(activity=activities())
def test_fast_plain_is_the_codec_plain_form(activity: Activity) -> None:
    from bbschedule.core.codec import to_plain
    from bbschedule.storage.plainform import plain

    assert plain(activity) == to_plain(activity)
    assert list(plain(activity)) == list(to_plain(activity))  # same key order: payloads compare as text too


def test_fast_plain_of_every_fixture_object_and_change_set() -> None:
    from bbschedule.core.changes import Change, ChangeSet
    from bbschedule.core.codec import change_set_to_plain, to_plain
    from bbschedule.storage.plainform import change_set_plain, plain

    data = rich_project()
    changes = []
    for kind, obj in data.rows():
        assert plain(obj) == to_plain(obj), kind
        changes.append(Change(kind, obj.id, None, obj))
    changes.append(Change("project", data.project.id, data.project, data.project))
    change_set = ChangeSet("everything", tuple(changes))
    assert change_set_plain(change_set) == change_set_to_plain(change_set)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(activity=activities())
def test_stored_change_sets_read_back_as_the_codec_reads_them(activity: Activity) -> None:
    import json

    from bbschedule.core.changes import Change, ChangeSet
    from bbschedule.core.codec import change_set_from_plain
    from bbschedule.storage.plainform import change_set_from_stored, change_set_plain

    edited = dataclasses.replace(activity, notes=activity.notes + "!")
    change_set = ChangeSet("Edit", (Change("activity", activity.id, activity, edited),))
    stored = json.loads(json.dumps(change_set_plain(change_set)))
    assert change_set_from_stored(stored) == change_set_from_plain(stored)


def test_a_stored_row_from_an_older_version_falls_back_to_the_codec() -> None:
    from bbschedule.core.changes import Change, ChangeSet
    from bbschedule.core.codec import to_plain
    from bbschedule.storage.plainform import change_set_from_stored

    data = rich_project()
    activity = next(iter(data.activities.values()))
    old_row = to_plain(activity)
    del old_row["notes"]  # a field this version has and an older one did not write
    stored = {"label": "Old", "changes": [{"kind": "activity", "id": activity.id, "before": None, "after": old_row}]}
    restored = change_set_from_stored(stored)
    assert restored == ChangeSet(
        "Old", (Change("activity", activity.id, None, dataclasses.replace(activity, notes="")),)
    )
