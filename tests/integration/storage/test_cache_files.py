"""The local cache on real SQLite files: lossless import and load, edits that survive reopening with their undo
history, the outbox written with each edit, imports that fail leaving nothing, and the connection settings.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest
from tests.unit.storage.storage_factories import T0, rich_project, tables_of

from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.commands import (
    AddActivity,
    AddRelationship,
    DeleteActivity,
    SetActivityField,
    SetProjectField,
)
from bbschedule.core.computed import ComputedDates
from bbschedule.core.errors import ValidationError
from bbschedule.core.history import UndoHistory
from bbschedule.services.projects import open_session
from bbschedule.storage.cache import LocalCache
from bbschedule.storage.engine import make_engine
from bbschedule.storage.errors import CacheError


def _table_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    counts = {name: db.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0] for name in names}
    db.close()
    return counts


@pytest.fixture
def cache(tmp_path: Path) -> LocalCache:
    cache = LocalCache(tmp_path / "cache.sqlite3")
    yield cache  # type: ignore[misc]
    cache.close()


def test_every_field_of_every_entity_survives_import_and_load(tmp_path: Path) -> None:
    data = rich_project()
    with LocalCache(tmp_path / "cache.sqlite3") as cache:
        summary = cache.import_project(data)
    assert (summary.code, summary.activity_count, summary.data_date) == ("RICH", 3, data.project.data_date)
    with LocalCache(tmp_path / "cache.sqlite3") as cache:  # reopened: nothing comes from memory
        loaded, history = cache.load_project(data.project.id)
    assert loaded.project == data.project
    assert tables_of(loaded) == tables_of(data)
    assert loaded.computed == data.computed
    assert list(loaded.activities) == list(data.activities)  # the order the planner had
    assert history.entries == []
    assert history.cursor == 0


def test_list_find_and_delete(cache: LocalCache) -> None:
    first, second = rich_project("ONE"), rich_project("TWO")
    cache.import_project(first)
    cache.import_project(second)
    assert [p.code for p in cache.list_projects()] == ["ONE", "TWO"]
    assert cache.find_project("TWO").id == second.project.id  # type: ignore[union-attr]
    assert cache.find_project(first.project.id).code == "ONE"  # type: ignore[union-attr]
    assert cache.find_project("NOPE") is None
    json_row = cache.list_projects()[0].to_json()
    assert json_row["code"] == "ONE"
    assert json_row["activity_count"] == 3
    cache.delete_project(first.project.id)
    assert [p.code for p in cache.list_projects()] == ["TWO"]
    counts = _table_counts(cache.path)
    assert counts["activities"] == 3
    assert counts["computed_dates"] == 2
    tombstone = cache.outbox(first.project.id)[-1]
    assert (tombstone["kind"], tombstone["deleted"], tombstone["payload"]) == ("project", True, None)


def test_importing_the_same_project_twice_needs_replace(cache: LocalCache) -> None:
    data = rich_project()
    cache.import_project(data)
    with pytest.raises(ValidationError, match="already"):
        cache.import_project(data)
    edited = dataclasses.replace(data.project, name="Renamed in the file")
    data.project = edited
    cache.import_project(data, replace=True)
    assert [p.name for p in cache.list_projects()] == ["Renamed in the file"]
    assert _table_counts(cache.path)["activities"] == 3


def test_a_failing_import_leaves_the_file_unchanged(cache: LocalCache) -> None:
    """The clash comes from the relationships, written after calendars, WBS and activities of the new project."""
    cache.import_project(rich_project("FIRST"))
    first_rel = next(iter(cache.load_project(cache.list_projects()[0].id)[0].relationships.values()))
    before = _table_counts(cache.path)
    second = rich_project("SECOND")
    clash = next(iter(second.relationships.values()))
    second.relationships = {first_rel.id: dataclasses.replace(clash, id=first_rel.id)}
    with pytest.raises(ValidationError) as caught:
        cache.import_project(second)
    assert caught.value.field == "relationship.id"
    assert _table_counts(cache.path) == before
    assert [p.code for p in cache.list_projects()] == ["FIRST"]


def test_a_dangling_reference_is_refused_before_writing(cache: LocalCache) -> None:
    data = rich_project()
    orphan = Activity("X1", "Orphan", calendar_id="no-such-calendar")
    data.activities[orphan.id] = orphan
    with pytest.raises(ValidationError, match="unknown calendar"):
        cache.import_project(data)
    assert cache.list_projects() == []


def test_edits_survive_reopening_with_their_undo_history(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    data = rich_project()
    with LocalCache(path) as cache:
        cache.import_project(data)
        session = open_session(cache, data.project.id)
        a100 = session.data.activity_by_code("A100")
        assert a100 is not None
        session.apply(SetActivityField(a100.id, "name", "Excavate and shore"))
        session.apply(SetActivityField(a100.id, "original_duration", 3000))
        new = Activity("A300", "Backfill", a100.calendar_id, original_duration=960)
        session.apply(AddActivity(new))
        session.apply(AddRelationship(Relationship(a100.id, new.id, lag=60)))
        session.apply(SetProjectField("name", "Renamed project"))
        session.undo()  # the project rename is undone, and can be redone after reopening
        session.save()
        expected = session.data
        labels = [e.label for e in session.history.entries]

    with LocalCache(path) as cache:
        reopened = open_session(cache, data.project.id)
        assert tables_of(reopened.data) == tables_of(expected)
        assert reopened.data.project == expected.project
        assert [e.label for e in reopened.history.entries] == labels
        assert reopened.history.cursor == 4
        assert reopened.history.redo_label == "Change project name"
        reopened.redo()
        assert reopened.data.project.name == "Renamed project"
        for _ in range(5):
            reopened.undo()
        assert reopened.data.activities[a100.id] == data.activities[a100.id]
        assert new.id not in reopened.data.activities

    with LocalCache(path) as cache:  # the undos themselves were written through
        final, history = cache.load_project(data.project.id)
        assert tables_of(final) == tables_of(data)
        assert final.project == data.project
        assert history.cursor == 0
        assert len(history.entries) == 5


def test_a_new_edit_after_undo_drops_the_redo_tail_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    data = rich_project()
    with LocalCache(path) as cache:
        cache.import_project(data)
        session = open_session(cache, data.project.id)
        a100 = next(iter(data.activities))
        for name in ("one", "two", "three"):
            session.apply(SetActivityField(a100, "name", name))
        session.undo()
        session.undo()
        session.apply(SetActivityField(a100, "notes", "branch"))
    with LocalCache(path) as cache:
        _, history = cache.load_project(data.project.id)
    assert [e.label for e in history.entries] == ["Change name", "Change notes"]
    assert history.cursor == 2


def test_the_history_keeps_its_limit_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    data = rich_project()
    with LocalCache(path) as cache:
        cache.import_project(data)
        loaded, _ = cache.load_project(data.project.id)
        from bbschedule.services.session import ProjectSession

        session = ProjectSession(loaded, store=cache.store_for(data.project.id), history=UndoHistory(limit=3))
        a100 = next(iter(data.activities))
        for i in range(5):
            session.apply(SetActivityField(a100, "original_duration", 100 + i))
    with LocalCache(path) as cache:
        loaded, history = cache.load_project(data.project.id)
    assert len(history.entries) == 3
    assert history.cursor == 3
    assert [e.changes[0].after.original_duration for e in history.entries] == [102, 103, 104]
    assert _table_counts(path)["undo_history"] == 3


def test_each_change_writes_one_outbox_row_in_the_same_transaction(cache: LocalCache) -> None:
    data = rich_project()
    cache.import_project(data)
    start = len(cache.outbox(data.project.id))
    session = open_session(cache, data.project.id)
    a100 = session.data.activity_by_code("A100")
    assert a100 is not None
    change_set = session.apply(DeleteActivity(a100.id))  # the activity, its relationship and its assignment
    rows = cache.outbox(data.project.id)[start:]
    assert len(rows) == len(change_set.changes) == 3
    assert {(r["kind"], r["row_id"]) for r in rows} == {(c.kind, c.id) for c in change_set.changes}
    assert all(r["deleted"] and r["payload"] is None and not r["pushed"] for r in rows)
    assert len({r["change_id"] for r in rows}) == 3
    session.undo()
    restored = [r for r in cache.outbox(data.project.id)[start + 3 :] if r["kind"] == "activity"]
    assert restored[0]["payload"]["code"] == "A100"
    assert restored[0]["payload"]["id"] == a100.id


def test_a_failed_write_changes_neither_file_nor_memory(cache: LocalCache) -> None:
    """A trigger makes SQLite refuse the second row of a two-row edit: rows, outbox and history all roll back."""
    data = rich_project()
    cache.import_project(data)
    session = open_session(cache, data.project.id)
    db = sqlite3.connect(cache.path)
    db.execute(
        "CREATE TRIGGER refuse BEFORE UPDATE ON activities WHEN NEW.name = 'boom'"
        " BEGIN SELECT RAISE(ABORT, 'the disk says no'); END"
    )
    db.commit()
    before_counts = _table_counts(cache.path)
    ids = tuple(session.data.activities)
    before = dict(session.data.activities)
    from bbschedule.core.commands import SetField

    with pytest.raises(CacheError, match="the disk says no"):
        session.apply(SetField("activity", ids, "name", "boom"))
    assert session.data.activities == before
    assert session.history.entries == []
    assert session.history.cursor == 0
    assert _table_counts(cache.path) == before_counts
    loaded, history = cache.load_project(data.project.id)
    assert loaded.activities == before
    assert history.entries == []
    session.apply(SetActivityField(ids[0], "name", "fine"))  # the session still works afterwards
    assert cache.load_project(data.project.id)[0].activities[ids[0]].name == "fine"


def test_a_failed_undo_is_reverted_too(cache: LocalCache) -> None:
    data = rich_project()
    cache.import_project(data)
    session = open_session(cache, data.project.id)
    a100 = next(iter(data.activities))
    session.apply(SetActivityField(a100, "name", "boom"))
    db = sqlite3.connect(cache.path)
    db.execute(
        "CREATE TRIGGER refuse BEFORE UPDATE ON activities WHEN OLD.name = 'boom'"
        " BEGIN SELECT RAISE(ABORT, 'locked'); END"
    )
    db.commit()
    with pytest.raises(CacheError):
        session.undo()
    assert session.data.activities[a100].name == "boom"
    assert session.history.cursor == 1
    assert session.history.can_undo


def test_computed_dates_are_cached_but_not_in_the_outbox(cache: LocalCache) -> None:
    data = rich_project()
    cache.import_project(data)
    session = open_session(cache, data.project.id)
    start = len(cache.outbox())
    a200 = session.data.activity_by_code("A200")
    assert a200 is not None
    result = {a200.id: ComputedDates(T0, T0, T0, T0, 0, 0, critical=True)}
    session.set_computed(result)
    assert len(cache.outbox()) == start
    assert cache.load_project(data.project.id)[0].computed == result
    session.apply(DeleteActivity(a200.id))  # the cached dates go with the activity
    assert cache.load_project(data.project.id)[0].computed == {}


def test_connections_use_wal_foreign_keys_and_normal_sync(cache: LocalCache) -> None:
    engine = make_engine(cache.path)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    engine.dispose()
    assert sqlite3.connect(cache.path).execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_foreign_keys_refuse_an_edit_that_points_nowhere(cache: LocalCache) -> None:
    """The file itself refuses a dangling row, whatever wrote it (here a change set that bypassed the core)."""
    from bbschedule.core.changes import Change, ChangeSet

    data = rich_project()
    cache.import_project(data)
    store = cache.store_for(data.project.id)
    orphan = Activity("X1", "Orphan", calendar_id="missing-calendar")
    with pytest.raises(CacheError, match="FOREIGN KEY"):
        store.write_change_set(
            data.project.id, ChangeSet("bad", (Change("activity", orphan.id, None, orphan),)), UndoHistory()
        )
    assert "X1" not in {a.code for a in cache.load_project(data.project.id)[0].activities.values()}


def test_a_cancelled_import_leaves_nothing(cache: LocalCache) -> None:
    from bbschedule.core.errors import CancelledError
    from bbschedule.core.progress import Progress

    seen: list[float] = []
    holder: list[Progress] = []

    def cancel_on_activities(fraction: float, message: str) -> None:
        seen.append(fraction)
        if "activities" in message:
            holder[0].cancel()

    progress = Progress(cancel_on_activities)
    holder.append(progress)
    before = _table_counts(cache.path)
    with pytest.raises(CancelledError):
        cache.import_project(rich_project(), progress=progress)
    assert _table_counts(cache.path) == before
    assert seen
    assert seen == sorted(seen)


def test_summary_carries_the_eps(cache: LocalCache) -> None:
    data = rich_project()
    cache.import_project(data)
    summary = cache.list_projects()[0]
    assert summary.eps_id == "eps-somewhere"
    assert summary.to_json()["eps_id"] == "eps-somewhere"
    from bbschedule.core.project import Eps

    node = Eps("Region North", "RN")
    cache.save_eps(node)
    cache.save_eps(Eps("Site 4", "S4", parent_id=node.id))
    assert [(e.code, e.parent_id) for e in cache.list_eps()] == [("RN", None), ("S4", node.id)]


def test_schedule_results_are_written_incrementally(cache: LocalCache) -> None:
    """A reschedule that moves one activity rewrites one row: the others keep their rowid (not deleted and added)."""
    data = rich_project()
    cache.import_project(data)
    session = open_session(cache, data.project.id)
    ids = list(session.data.activities)
    first = {aid: ComputedDates(T0, T0, T0, T0, 0, 0) for aid in ids}
    session.set_computed(first)
    rowids = dict(sqlite3.connect(cache.path).execute("SELECT activity_id, rowid FROM computed_dates").fetchall())
    moved = dict(first)
    moved[ids[1]] = ComputedDates(T0, T0, T0, T0, 480, 60, critical=True)
    del moved[ids[2]]
    session.set_computed(moved)
    after = dict(sqlite3.connect(cache.path).execute("SELECT activity_id, rowid FROM computed_dates").fetchall())
    assert after == {aid: rowids[aid] for aid in ids[:2]}
    assert cache.load_project(data.project.id)[0].computed == moved
    reopened = open_session(cache, data.project.id)  # a store made after a load knows what the file holds
    reopened.set_computed(first)
    assert cache.load_project(data.project.id)[0].computed == first


def test_import_and_replace_are_announced_in_the_outbox(cache: LocalCache) -> None:
    first = rich_project("SAME")
    cache.import_project(first)
    entry = cache.outbox(first.project.id)[-1]
    assert entry["kind"] == "import"
    assert entry["payload"]["counts"]["activity"] == 3
    assert entry["payload"]["replaced"] is False
    newer = rich_project("SAME")  # same code, new ids: the old project is replaced and its deletion announced
    cache.import_project(newer, replace=True)
    assert cache.outbox(first.project.id)[-1]["kind"] == "project"
    assert cache.outbox(first.project.id)[-1]["deleted"] is True
    cache.import_project(newer, replace=True)
    assert cache.outbox(newer.project.id)[-1]["payload"]["replaced"] is True


def test_a_file_that_is_not_a_cache_is_refused_with_its_name(tmp_path: Path) -> None:
    junk = tmp_path / "cache.sqlite3"
    junk.write_bytes(b"this is not a database at all\n" * 400)
    with pytest.raises(CacheError) as caught:
        LocalCache(junk)
    assert str(junk) in str(caught.value)
    assert junk.read_bytes().startswith(b"this is not")  # and left as it was, for a restore or a support case


def test_pushed_outbox_rows_leave_the_pending_list(cache: LocalCache) -> None:
    data = rich_project()
    cache.import_project(data)
    session = open_session(cache, data.project.id)
    session.apply(SetActivityField(next(iter(data.activities)), "name", "Pushed"))
    pending = cache.outbox(data.project.id)
    assert len(pending) == 2  # the import and the edit
    assert cache.mark_pushed([pending[0]["change_id"], "unknown-change"]) == 1
    assert [r["change_id"] for r in cache.outbox(data.project.id)] == [pending[1]["change_id"]]
    assert len(cache.outbox(data.project.id, pending_only=False)) == 2


def test_an_edit_cannot_take_over_a_row_of_another_project(cache: LocalCache) -> None:
    from bbschedule.core.changes import Change, ChangeSet

    first, second = rich_project("ONE"), rich_project("TWO")
    cache.import_project(first)
    cache.import_project(second)
    theirs = next(iter(first.activities.values()))
    disguised = dataclasses.replace(theirs, name="Hijacked", calendar_id=next(iter(second.calendars)), wbs_id=None)
    store = cache.store_for(second.project.id)
    with pytest.raises(CacheError, match="another project"):
        store.write_change_set(
            second.project.id, ChangeSet("bad", (Change("activity", theirs.id, theirs, disguised),)), UndoHistory()
        )
    assert cache.load_project(first.project.id)[0].activities[theirs.id] == theirs


def test_a_worker_thread_can_import_while_the_main_thread_reads(cache: LocalCache) -> None:
    """The window imports on a pool thread: the cache's connections must work from any thread."""
    import threading

    data = rich_project()
    cache.import_project(data)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            cache.import_project(rich_project("FROM-THREAD"))
            cache.load_project(data.project.id)
        except BaseException as exc:  # handed to the main thread's assertion
            errors.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    session = open_session(cache, data.project.id)
    session.apply(SetActivityField(next(iter(data.activities)), "name", "Main thread"))
    thread.join(timeout=60)
    assert errors == []
    assert [p.code for p in cache.list_projects()] == ["FROM-THREAD", "RICH"]
