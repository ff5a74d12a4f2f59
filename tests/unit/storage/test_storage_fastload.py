"""The open-speed reader (storage.fastload) gives exactly the objects the row mapping gives, through the real
cache schema: generated activities with every optional field, the rich fixture, and a refused row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from tests.unit.storage.storage_factories import rich_project
from tests.unit.storage.test_storage_mapping import activities

from bbschedule.core.activity import Activity
from bbschedule.core.errors import ValidationError
from bbschedule.storage import fastload
from bbschedule.storage.cache import LocalCache
from bbschedule.storage.mapping import MAPPERS


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty cache file: the real tables, affinities and defaults."""
    path = tmp_path_factory.mktemp("fastload") / "cache.sqlite3"
    LocalCache(path).close()
    return path


def _round_trip(schema: Path, activity: Activity) -> tuple[Activity, Activity]:
    mapper = MAPPERS["activity"]
    db = sqlite3.connect(schema)  # foreign keys off: one activity alone, no project or calendar rows
    try:
        db.execute("DELETE FROM activities")
        db.execute(mapper.insert_sql(), mapper.encode(activity, "p"))
        by_mapping = mapper.decode(db.execute(mapper.select_sql(), ("p",)).fetchone())
        (by_fastload,) = fastload.read_activities(db, "p").values()
        return by_mapping, by_fastload
    finally:
        db.rollback()
        db.close()


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(activity=activities())
def test_any_activity_reads_back_the_same_as_through_the_mapping(schema: Path, activity: Activity) -> None:
    by_mapping, by_fastload = _round_trip(schema, activity)
    assert by_fastload == by_mapping == activity
    assert by_fastload.codes is not by_mapping.codes


def test_a_whole_project_loads_the_same_as_through_the_mapping(tmp_path: Path) -> None:
    data = rich_project()
    cache = LocalCache(tmp_path / "cache.sqlite3")
    cache.import_project(data)
    loaded, _history = cache.load_project(data.project.id)
    cache.close()
    assert loaded.activities == data.activities
    assert list(loaded.activities) == list(data.activities)  # the order rows were written in
    assert loaded.relationships == data.relationships
    assert loaded.computed == data.computed
    db = sqlite3.connect(tmp_path / "cache.sqlite3")
    try:
        mapper = MAPPERS["activity"]
        rows = db.execute(mapper.select_sql(), (data.project.id,)).fetchall()
        assert {a.id: a for a in map(mapper.decode, rows)} == fastload.read_activities(db, data.project.id)
        # Both ways an activity is read are taken: with rarely used fields set (a second query) and without.
        assert 0 < len(db.execute(fastload.RARE_SQL, (data.project.id,)).fetchall()) < len(data.activities)
    finally:
        db.close()


def test_each_activity_gets_its_own_codes_and_user_fields(tmp_path: Path) -> None:
    cache = LocalCache(tmp_path / "cache.sqlite3")
    data = rich_project()
    plain = list(data.activities.values())
    cache.import_project(data)
    loaded, _history = cache.load_project(data.project.id)
    cache.close()
    dicts = [id(a.codes) for a in loaded.activities.values()] + [id(a.user_fields) for a in loaded.activities.values()]
    assert len(set(dicts)) == 2 * len(plain)  # shared dicts would let one activity's change leak into another


def test_a_row_the_model_refuses_is_not_silently_loaded(schema: Path) -> None:
    activity = next(iter(rich_project().activities.values()))
    mapper = MAPPERS["activity"]
    db = sqlite3.connect(schema)
    try:
        db.execute("DELETE FROM activities")
        db.execute(mapper.insert_sql(), mapper.encode(activity, "p"))
        db.execute("UPDATE activities SET original_duration = -5")
        with pytest.raises(ValidationError):
            fastload.read_activities(db, "p")
    finally:
        db.rollback()
        db.close()


def test_relationships_read_later_come_from_the_same_snapshot(tmp_path: Path) -> None:
    from bbschedule.core.activity import Relationship

    data = rich_project()
    cache = LocalCache(tmp_path / "cache.sqlite3")
    cache.import_project(data)
    loaded, _history, later = cache.load_project_later(data.project.id)
    assert later is not None
    assert loaded.relationships == {}  # not yet: the window paints first
    assert loaded.activities == data.activities
    # Another writer commits a new relationship after the load, before the relationships are read.
    first, last = next(iter(data.activities)), list(data.activities)[-1]
    added = Relationship(last, first, lag=60)
    db = sqlite3.connect(tmp_path / "cache.sqlite3")
    mapper = MAPPERS["relationship"]
    db.execute(mapper.insert_sql(), mapper.encode(added, data.project.id))
    db.commit()
    db.close()
    assert not later.done()  # waiting to be started
    later.start()
    assert later.result() == data.relationships  # as the cache was when the activities were read
    assert later.done()
    again, _history = cache.load_project(data.project.id)
    assert added.id in again.relationships  # the next open sees the new one
    cache.close()


def test_a_project_not_in_the_cache_starts_no_later_read(tmp_path: Path) -> None:
    import threading

    cache = LocalCache(tmp_path / "cache.sqlite3")
    before = threading.active_count()
    with pytest.raises(ValidationError):
        cache.load_project_later("no-such-project")
    assert threading.active_count() == before
    cache.close()


def test_a_writer_holding_the_cache_makes_the_load_whole_at_once_not_wait(tmp_path: Path) -> None:
    import time

    data = rich_project()
    cache = LocalCache(tmp_path / "cache.sqlite3")
    cache.import_project(data)
    writer = sqlite3.connect(tmp_path / "cache.sqlite3", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a sync applying a page
    try:
        started = time.perf_counter()
        loaded, _history, later = cache.load_project_later(data.project.id)
        assert time.perf_counter() - started < 5  # not the ten seconds a busy cache may take
    finally:
        writer.rollback()
        writer.close()
    assert later is None
    assert loaded.relationships == data.relationships
    cache.close()
