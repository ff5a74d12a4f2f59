"""ProjectSession.take_remote: rows from the server applied in place as one announced change set, and the undo
rule (entries touching a remote row go, with those sharing a row with them; the rest stay and still undo), kept
in the cache's history too.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from tests.unit.storage.storage_factories import rich_project

from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.changes import ChangeSet
from bbschedule.core.commands import Composite, SetActivityField, SetProjectField
from bbschedule.core.errors import ValidationError
from bbschedule.services.projects import open_session
from bbschedule.services.session import REMOTE_LABEL, ProjectSession
from bbschedule.storage.cache import LocalCache


@pytest.fixture
def cached(tmp_path: Path) -> tuple[LocalCache, ProjectSession]:
    cache = LocalCache(tmp_path / "cache.sqlite3")
    data = rich_project()
    cache.import_project(data)
    return cache, open_session(cache, data.project.id)


def codes(session: ProjectSession) -> list[Activity]:
    return sorted(session.data.activities.values(), key=lambda a: a.code)


def test_remote_rows_are_applied_announced_and_not_undoable(cached: tuple[LocalCache, ProjectSession]) -> None:
    cache, session = cached
    first, second, *_ = codes(session)
    session.apply(SetActivityField(first.id, "name", "mine"))
    heard: list[ChangeSet] = []
    session.subscribe(heard.append)
    new = Activity(code="NEW", name="from the server", calendar_id=first.calendar_id)
    link = Relationship(new.id, second.id)
    theirs = dataclasses.replace(second, notes="theirs")
    rows = {
        ("relationship", link.id): link,  # before its activity in the mapping: the change set orders them
        ("activity", new.id): new,
        ("activity", second.id): theirs,
        ("activity", first.id): session.data.activities[first.id],  # unchanged: no change, no dropped entry
    }
    change_set, dropped = session.take_remote(rows)
    assert [c.kind for c in change_set.changes] == ["activity", "activity", "relationship"]
    assert heard == [change_set]
    assert change_set.label == REMOTE_LABEL
    assert dropped == 0
    assert session.data.activities[second.id].notes == "theirs"
    assert session.data.relationships[link.id] == link
    assert session.history.undo_label == "Change name"  # nothing recorded for the remote rows
    assert cache.outbox(session.project_id)[-1]["row_id"] == first.id  # and nothing to push for them
    session.undo()
    assert session.data.activities[first.id].name == first.name
    assert session.data.activities[second.id].notes == "theirs"


def test_undo_entries_touching_remote_rows_are_dropped_and_the_rest_kept_in_the_cache(
    cached: tuple[LocalCache, ProjectSession],
) -> None:
    cache, session = cached
    a, b, c, *_ = codes(session)
    session.apply(SetActivityField(a.id, "name", "A edited"))  # 0: kept
    session.apply(SetActivityField(b.id, "name", "B edited"))  # 1: B changes remotely -> dropped
    session.apply(SetProjectField("notes", "project notes"))  # 2: kept
    session.apply(SetActivityField(b.id, "notes", "B notes"))  # 3: dropped (B)
    session.apply(SetActivityField(c.id, "name", "C edited"))  # 4: undone below, so a redo entry: kept
    session.undo()
    remote_b = dataclasses.replace(session.data.activities[b.id], original_duration=4800)
    _change_set, dropped = session.take_remote({("activity", b.id): remote_b})
    assert dropped == 2
    labels = [e.label for e in session.history.entries]
    assert len(labels) == 3
    assert session.history.cursor == 2
    assert session.history.redo_label == "Change name"
    # Persisted: a reopened session has the same history and it still works.
    with LocalCache(cache.path) as again:
        reopened = open_session(again, session.project_id)
        assert [e.label for e in reopened.history.entries] == labels
        assert reopened.history.cursor == 2
    session.undo()
    assert session.data.project.notes != "project notes"
    session.undo()
    assert session.data.activities[a.id].name == a.name
    assert session.data.activities[b.id].name == "B edited"  # its step went with the remote change
    session.redo()
    session.redo()
    session.redo()
    assert session.data.activities[c.id].name == "C edited"


def test_an_entry_sharing_a_row_with_a_dropped_one_goes_too(cached: tuple[LocalCache, ProjectSession]) -> None:
    _cache, session = cached
    a, b, *_ = codes(session)
    session.apply(SetActivityField(a.id, "name", "A first"))  # 0: A only
    session.apply(SetActivityField(a.id, "notes", "A again"))  # 1: A only
    session.apply(Composite("Both", (SetActivityField(a.id, "code", "AX"), SetActivityField(b.id, "code", "BX"))))
    # 2 touches B, changed remotely: dropped; it shares A with 0 and 1, whose undo would no longer find A as they
    # left it: dropped as well
    remote_b = dataclasses.replace(session.data.activities[b.id], notes="remote")
    _cs, dropped = session.take_remote({("activity", b.id): remote_b})
    assert dropped == 3
    assert not session.history.can_undo


def test_rows_that_do_not_fit_change_nothing(cached: tuple[LocalCache, ProjectSession]) -> None:
    _cache, session = cached
    first = codes(session)[0]
    session.apply(SetActivityField(first.id, "name", "mine"))
    dangling = Relationship(first.id, "no-such-activity")
    before = dict(session.data.relationships)
    with pytest.raises(ValidationError):
        session.take_remote({("relationship", dangling.id): dangling})
    assert session.data.relationships == before
    assert session.history.undo_label == "Change name"
