"""ProjectSession over the local cache: memory and file never disagree, whatever the store does."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from tests.unit.storage.storage_factories import rich_project, tables_of

from bbschedule.core.activity import Activity
from bbschedule.core.changes import ChangeSet
from bbschedule.core.commands import AddActivity, DeleteActivity, SetActivityField
from bbschedule.core.errors import ValidationError
from bbschedule.services.projects import open_session
from bbschedule.services.session import ProjectSession
from bbschedule.storage.cache import LocalCache
from bbschedule.storage.errors import CacheError


@pytest.fixture
def cache(tmp_path: Path) -> LocalCache:
    cache = LocalCache(tmp_path / "cache.sqlite3")
    yield cache  # type: ignore[misc]
    cache.close()


def _refuse_inserts(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TRIGGER refuse BEFORE INSERT ON activities BEGIN SELECT RAISE(ABORT, 'no room'); END")
    db.commit()
    db.close()


def test_a_refused_add_leaves_memory_history_and_listeners_untouched(cache: LocalCache) -> None:
    data = rich_project()
    cache.import_project(data)
    session = open_session(cache, data.project.id)
    seen: list[ChangeSet] = []
    session.subscribe(seen.append)
    session.apply(SetActivityField(next(iter(data.activities)), "notes", "kept"))
    _refuse_inserts(cache.path)
    before = tables_of(session.data)
    new = Activity("A999", "Refused", next(iter(data.calendars)))
    with pytest.raises(CacheError, match="no room"):
        session.apply(AddActivity(new))
    assert tables_of(session.data) == before
    assert [e.label for e in session.history.entries] == ["Change notes"]
    assert session.history.cursor == 1
    assert len(seen) == 1  # listeners hear only of what was stored
    reloaded, history = cache.load_project(data.project.id)
    assert tables_of(reloaded) == before
    assert history.cursor == 1


def test_a_refused_redo_of_a_delete_keeps_the_activity(cache: LocalCache) -> None:
    data = rich_project()
    cache.import_project(data)
    session = open_session(cache, data.project.id)
    victim = next(iter(data.activities))
    session.apply(DeleteActivity(victim))
    session.undo()
    assert victim in session.data.activities
    db = sqlite3.connect(cache.path)
    db.execute("CREATE TRIGGER refuse BEFORE DELETE ON activities BEGIN SELECT RAISE(ABORT, 'locked'); END")
    db.commit()
    with pytest.raises(CacheError):
        session.redo()
    assert victim in session.data.activities
    assert session.history.can_redo
    assert victim in cache.load_project(data.project.id)[0].activities


def test_a_rejected_command_touches_nothing(cache: LocalCache) -> None:
    data = rich_project()
    cache.import_project(data)
    session = open_session(cache, data.project.id)
    outbox = len(cache.outbox())
    with pytest.raises(ValidationError):
        session.apply(SetActivityField(next(iter(data.activities)), "original_duration", -1))
    assert len(cache.outbox()) == outbox
    assert session.history.entries == []


def test_read_only_session_refuses_edits_and_undo(cache: LocalCache) -> None:
    data = rich_project()
    cache.import_project(data)
    session = open_session(cache, data.project.id)
    session.apply(SetActivityField(next(iter(data.activities)), "notes", "x"))
    session.read_only = True
    with pytest.raises(ValidationError, match="read-only"):
        session.apply(SetActivityField(next(iter(data.activities)), "notes", "y"))
    with pytest.raises(ValidationError, match="read-only"):
        session.undo()
    assert session.data.activities[next(iter(data.activities))].notes == "x"


def test_session_without_store_still_undoes_and_marks_dirty() -> None:
    data = rich_project()
    session = ProjectSession(data)
    first = next(iter(data.activities))
    session.apply(SetActivityField(first, "name", "Renamed"))
    assert session.dirty
    session.undo()
    assert data.activities[first].name == "Excavate"
    session.redo()
    assert data.activities[first].name == "Renamed"
    session.save()
    assert not session.dirty
