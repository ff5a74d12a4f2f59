"""After a bulk first sync every local row has an exact shadow equal to what the server holds (fields and
revision), written by the first sync's plain inserts; a sync sent again after its outbox was left pending
(an answer lost) keeps them right. The cyclic collector is off while a sync runs (its passes over a first
sync's rows cost a quarter of the client's CPU) and back on after."""

from __future__ import annotations

import gc
import json
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from tests.integration.sync.clients import Client, sample_project
from tests.integration.sync.conftest import ServerDb

from bbschedule.sync import firstsync, protocol
from bbschedule.sync.localstate import SyncState

pytestmark = pytest.mark.postgres


def server_revs(admin_dsn: str, project_id: str) -> dict[tuple[str, str], tuple[int, dict[str, object]]]:
    with psycopg.connect(admin_dsn) as conn:
        rows = conn.execute(
            "SELECT kind, id::text, rev, fields FROM bbschedule.entities WHERE project_id = %s AND NOT deleted",
            (project_id,),
        ).fetchall()
    return {(kind, row_id): (int(rev), fields) for kind, row_id, rev, fields in rows}


def check_shadows(client: Client, admin_dsn: str, project_id: str) -> None:
    server = server_revs(admin_dsn, project_id)
    local = client.state(project_id)
    assert set(local) == set(server)
    shadows = SyncState(client.cache).shadows(project_id, local)
    assert set(shadows) == set(local)
    for key, shadow in shadows.items():
        assert shadow.exact
        assert (shadow.rev, shadow.fields) == server[key]


def test_a_first_sync_leaves_an_exact_shadow_of_every_row(server_db: ServerDb, tmp_path: Path) -> None:
    _name, dsn = server_db.user("alice")
    client = Client(tmp_path / "alice", dsn)
    data = sample_project(40)
    client.cache.import_project(data)
    try:
        summary = client.sync()
        pushed = len(client.state(data.project.id))
        assert summary.projects[0].pushed == {"applied": pushed}
        check_shadows(client, server_db.admin_dsn, data.project.id)

        # The outbox left pending as if the last answer had been lost: the rows go again, are skipped, and the
        # shadows stay equal to the server's.
        with closing(sqlite3.connect(client.cache.path)) as db, db:
            db.execute("UPDATE outbox SET pushed = 0 WHERE kind = 'import'")
        again = client.sync()
        assert again.projects[0].pushed == {"applied": pushed}
        assert again.projects[0].resent == pushed
        check_shadows(client, server_db.admin_dsn, data.project.id)
        assert SyncState(client.cache).pending(data.project.id) == []
    finally:
        client.close()


def test_the_collector_is_off_during_a_sync_and_back_on_after_the_last_pause() -> None:
    assert gc.isenabled()
    first, second = firstsync.gc_paused(), firstsync.gc_paused()
    with first:
        assert not gc.isenabled()
        with second:
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still runs
    assert gc.isenabled()
    gc.disable()
    try:  # a program that keeps it off keeps it off
        with firstsync.gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(RuntimeError), firstsync.gc_paused():
        raise RuntimeError("a sync that fails")
    assert gc.isenabled()


def test_a_first_syncs_json_is_the_protocols() -> None:
    fields = {"name": "Bétonnage — niveau 2", "duration": 480, "ratio": 0.1, "none": None, "codes": ["a", 1, 2.5],
              "nested": {"k": [True, False]}, "big": 2**62, "nan": float("inf")}  # fmt: skip
    (change,) = firstsync.import_changes("p", [("activity", "a1", fields)], uuid.uuid4())
    assert change.fields_json == protocol.dumps(fields)
    assert json.loads(change.fields_json or "") == fields
