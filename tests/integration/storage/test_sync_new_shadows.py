"""SyncTables.add_new_shadows: a first sync's shadows written by plain inserts in one transaction, and a batch
that meets a shadow already there (a sync cut off after writing it) written again as upserts, not refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.unit.storage.storage_factories import rich_project

from bbschedule.storage.cache import LocalCache
from bbschedule.storage.syncstate import StoredShadow, SyncTables


@pytest.fixture
def tables(tmp_path: Path) -> tuple[SyncTables, str]:
    cache = LocalCache(tmp_path / "cache.sqlite")
    data = rich_project()
    cache.import_project(data)
    return SyncTables(cache.engine), data.project.id


def test_new_shadows_are_stored_exactly_as_given(tables: tuple[SyncTables, str]) -> None:
    sync, pid = tables
    rows = [("activity", f"a{i:03d}", 10 + i, json.dumps({"code": f"A{i}"})) for i in range(300, 0, -1)]
    assert sync.add_new_shadows(pid, rows) == 300

    stored = sync.shadows(pid, [(kind, row_id) for kind, row_id, _rev, _raw in rows])
    assert len(stored) == 300
    for kind, row_id, rev, raw in rows:
        assert stored[(kind, row_id)] == StoredShadow(rev, False, raw, True)
    assert sync.exact_revs(pid, [("activity", "a007")]) == {("activity", "a007"): 17}


def test_a_batch_meeting_an_existing_shadow_is_written_whole_as_upserts(tables: tuple[SyncTables, str]) -> None:
    sync, pid = tables
    sync.acknowledge(
        pid,
        pushed_seqs=[],
        shadows=[(("activity", "a002"), StoredShadow(3, False, '{"old":1}', False))],
        server_rows={},
    )
    rows = [("activity", f"a{i:03d}", 40 + i, json.dumps({"code": f"A{i}"})) for i in range(5)]

    assert sync.add_new_shadows(pid, rows) == 5

    stored = sync.shadows(pid, [(k, r) for k, r, _rev, _raw in rows])
    assert {key: (s.rev, s.raw, s.exact) for key, s in stored.items()} == {
        (kind, row_id): (rev, raw, True) for kind, row_id, rev, raw in rows
    }  # a002 moved on to what was sent; none left out, none twice


def test_no_rows_write_nothing(tables: tuple[SyncTables, str]) -> None:
    sync, pid = tables
    assert sync.add_new_shadows(pid, []) == 0
    assert sync.shadows(pid, [("activity", "x")]) == {}
