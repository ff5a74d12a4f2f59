"""The bulk door of a first sync (0003: bulk_begin, COPY, bulk_push) on a real PostgreSQL: all or nothing per
batch, loops and dangling links refused set-based, every row audited, viewers refused, retries skipped, and an
upgrade from a 0002 server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from tests.integration.sync.clients import Client, sample_project, server_state
from tests.integration.sync.conftest import ServerDb
from tests.integration.sync.helpers import (
    ProjectBuilder,
    activity_fields,
    change,
    new_id,
    pull_all,
    push,
    rel_fields,
)

from bbschedule.core.activity import Relationship
from bbschedule.sync import admin, firstsync, protocol
from bbschedule.sync.localstate import SyncState
from bbschedule.sync.protocol import BulkRefusal, Cursor, OutgoingChange, PushResult

pytestmark = pytest.mark.postgres


def new_project(n_activities: int, links: list[tuple[int, int]]) -> tuple[str, list[str], list[OutgoingChange]]:
    """A project row, a calendar, activities and links between them (by index): as a first sync sends them."""
    pid, calendar = new_id(), new_id()
    acts = [new_id() for _ in range(n_activities)]
    changes = [
        change(pid, "project", pid, {"code": f"B{pid[:6]}", "name": "Bulk project"}),
        change(pid, "calendar", calendar, {"name": "Standard", "is_default": True}),
    ]
    changes += [change(pid, "activity", a, activity_fields(f"A{i}", calendar)) for i, a in enumerate(acts)]
    changes += [change(pid, "relationship", new_id(), rel_fields(acts[p], acts[s])) for p, s in links]
    return pid, acts, changes


def counts(admin_dsn: str) -> tuple[int, ...]:
    with psycopg.connect(admin_dsn) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM bbschedule.projects), (SELECT count(*) FROM bbschedule.memberships),"
            " (SELECT count(*) FROM bbschedule.entities), (SELECT count(*) FROM bbschedule.applied_changes),"
            " (SELECT count(*) FROM bbschedule.audit)"
        ).fetchone()
    assert row is not None
    return tuple(int(x) for x in row)


def bulk(conn: psycopg.Connection[Any], changes: list[OutgoingChange], **kw: Any) -> list[PushResult] | BulkRefusal:
    return protocol.push_bulk(conn, changes[0].project_id, changes, **kw)


def test_a_batch_with_a_loop_or_a_dangling_link_is_refused_whole_and_the_server_is_unchanged(
    server_db: ServerDb,
) -> None:
    _alice, dsn = server_db.user("alice")
    before = counts(server_db.admin_dsn)
    chain = [(i, i + 1) for i in range(299)]
    with psycopg.connect(dsn) as conn:
        _pid, acts, looped = new_project(300, [*chain, (299, 0)])
        # No ranks: the server searches for the loop itself.
        refusal = bulk(conn, looped)
        assert isinstance(refusal, BulkRefusal)
        assert refusal.code == "loop"
        # Ranks that lie (the closing link goes down): the claim is checked, not trusted.
        refusal = bulk(conn, looped, ranks={a: i for i, a in enumerate(acts)})
        assert isinstance(refusal, BulkRefusal)
        assert refusal.code == "loop"
        _pid, _acts, dangling = new_project(300, chain)
        ghost = new_id()
        dangling.append(change(dangling[0].project_id, "relationship", new_id(), rel_fields(ghost, _acts[5])))
        refusal = bulk(conn, dangling)
        assert isinstance(refusal, BulkRefusal)
        assert refusal.code == "dangling"
        assert any(ghost in why for _kind, _id, why in refusal.rows)
        assert counts(server_db.admin_dsn) == before
        # The same rows without the faults go in, in the same session: nothing was left half-done.
        _pid, acts, clean = new_project(300, chain)
        results = bulk(conn, clean, ranks={a: i for i, a in enumerate(acts)})
        assert isinstance(results, list)
        assert {r.status for r in results} == {"applied"}
        assert len({r.rev for r in results}) == len(clean)


def test_bulk_rows_are_each_audited_with_who_and_what(server_db: ServerDb) -> None:
    alice, dsn = server_db.user("alice")
    pid, _acts, changes = new_project(200, [(i, i + 1) for i in range(150)])
    with psycopg.connect(dsn) as conn:
        results = bulk(conn, changes)
    assert isinstance(results, list)
    with psycopg.connect(server_db.admin_dsn) as conn:
        trail = {
            r[0]: r[1:]
            for r in conn.execute(
                "SELECT row_key, who, (new ->> 'rev')::bigint, new -> 'fields', txid::text, at FROM bbschedule.audit"
                " WHERE table_name = 'entities' AND op = 'INSERT' AND project_id = %s",
                (pid,),
            )
        }
        memberships = conn.execute(
            "SELECT count(*) FROM bbschedule.audit WHERE table_name = 'memberships' AND op = 'INSERT'"
            " AND new ->> 'user_name' = %s",
            (alice,),
        ).fetchone()
    assert len(trail) == len(changes)
    assert isinstance(results, protocol.BulkResults)
    for c, r in zip(changes, results, strict=True):
        who, rev, fields, txid, at = trail[f"{c.kind}:{c.row_id}"]
        assert (who, rev, fields, int(txid)) == (alice, r.rev, c.fields, results.txid)
        assert at is not None
    assert memberships == (1,)  # the creator became the project's admin, and that is audited too


def test_a_viewer_and_a_non_member_are_refused_and_nothing_changes(server_db: ServerDb) -> None:
    _alice, alice_dsn = server_db.user("alice")
    viewer, viewer_dsn = server_db.user("viewer")
    _mallory, mallory_dsn = server_db.user("mallory")
    with psycopg.connect(alice_dsn) as conn:
        project = ProjectBuilder(conn, ["A", "B"])
    admin.grant(server_db.admin_dsn, user=viewer, project=project.id, role="viewer")
    rows = [change(project.id, "activity", new_id(), activity_fields(f"V{i}", project.calendar)) for i in range(50)]
    before = counts(server_db.admin_dsn)
    for dsn in (viewer_dsn, mallory_dsn):
        with psycopg.connect(dsn) as conn:
            refusal = bulk(conn, rows)
        assert isinstance(refusal, BulkRefusal)
        assert refusal.code == "forbidden", refusal
    # A project row of someone else's project is not a way in either.
    with psycopg.connect(mallory_dsn) as conn:
        takeover = [change(project.id, "project", project.id, {"code": "MINE", "name": "x"}), *rows]
        refusal = bulk(conn, takeover)
    assert isinstance(refusal, BulkRefusal)
    assert refusal.code in ("forbidden", "not_new")
    assert counts(server_db.admin_dsn) == before


def test_a_retry_after_a_lost_answer_skips_what_went_in(server_db: ServerDb) -> None:
    _alice, dsn = server_db.user("alice")
    pid, acts, changes = new_project(100, [(i, i + 1) for i in range(99)])
    with psycopg.connect(dsn) as conn:
        first = bulk(conn, changes[:60])  # committed; say its answer was lost
        assert isinstance(first, list)
        before = counts(server_db.admin_dsn)
        again = bulk(conn, changes)
    assert isinstance(again, list)
    assert [r.status for r in again[:60]] == ["skipped"] * 60
    assert [r.rev for r in again[:60]] == [r.rev for r in first]
    assert {r.outcome for r in again} == {"applied"}
    after = counts(server_db.admin_dsn)
    # Only the 141 new rows were written (entities, applied changes, audit); nothing twice.
    assert after[2:] == (before[2] + 141, before[3] + 141, before[4] + 141)
    assert len(server_state(server_db.admin_dsn, pid)) == len(changes)
    del acts


def test_a_bulk_push_killed_mid_copy_leaves_nothing(server_db: ServerDb, monkeypatch: pytest.MonkeyPatch) -> None:
    alice, dsn = server_db.user("alice")
    _pid, _acts, changes = new_project(12_000, [])
    real_line = protocol._copy_line

    def line_then_cut(ord_: int, c: OutgoingChange) -> str:
        if ord_ == 10_001:  # two chunks of 5,000 rows are on the wire, the COPY is open
            server_db.cluster.terminate_backends(user=alice)
        return real_line(ord_, c)

    monkeypatch.setattr(protocol, "_copy_line", line_then_cut)
    before = counts(server_db.admin_dsn)
    with psycopg.connect(dsn) as conn, pytest.raises(psycopg.OperationalError):
        bulk(conn, changes)
    assert counts(server_db.admin_dsn) == before


def test_a_staging_table_of_the_clients_own_is_refused(server_db: ServerDb) -> None:
    _alice, dsn = server_db.user("alice")
    pid, _acts, changes = new_project(3, [])
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TEMP TABLE bulk_stage (ord integer, change_id uuid, kind text, id uuid, fields jsonb)")
        conn.execute("CREATE TEMP TABLE bulk_ranks (id uuid, topo integer)")
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
            conn.execute("SELECT bbschedule.bulk_push(%s)", (pid,))
        conn.rollback()
        conn.execute("CREATE TEMP TABLE bulk_stage (ord integer, change_id uuid, kind text, id uuid, fields jsonb)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT bbschedule.bulk_begin()")  # it cannot drop the client's table, nor use it
        conn.rollback()
        results = bulk(conn, changes)
    assert isinstance(results, list)
    assert len(results) == len(changes)


def test_a_0002_server_upgrades_and_its_rows_stay(pg_cluster: Any, tmp_path: Path) -> None:
    dbname = pg_cluster.create_database()
    admin_dsn = pg_cluster.admin_dsn(dbname)
    old = [m for m in admin.migrations() if m.version <= 2]
    assert admin.init_server(admin_dsn, available=old).version == 2
    server = ServerDb(pg_cluster, dbname)
    _alice, dsn = server.user("alice")
    with psycopg.connect(dsn) as conn:
        project = ProjectBuilder(conn, ["A", "B"])
    upto3 = [m for m in admin.migrations() if m.version <= 3]  # this test is the 0002 -> 0003 step
    upgraded = admin.init_server(admin_dsn, available=upto3)
    assert upgraded.applied == (3,)
    assert upgraded.version == 3
    assert admin.init_server(admin_dsn, available=upto3).applied == ()
    with psycopg.connect(dsn) as conn:
        more = [change(project.id, "activity", new_id(), activity_fields(f"N{i}", project.calendar)) for i in range(5)]
        link = change(project.id, "relationship", new_id(), rel_fields(project.act("A"), more[0].row_id))
        results = bulk(conn, [*more, link])
        assert isinstance(results, list)
        assert {r.status for r in results} == {"applied"}
        assert push(conn, [change(project.id, "activity", project.act("B"), {"name": "still by push"})])[0].status in (
            "applied",
            "conflict",
        )
    assert len(server_state(admin_dsn, project.id)) == 2 + 2 + 6


def test_a_first_sync_whose_logic_loops_goes_change_by_change(server_db: ServerDb, tmp_path: Path) -> None:
    _alice, dsn = server_db.user("alice")
    client = Client(tmp_path / "alice", dsn)
    data = sample_project(50)
    ids = list(data.activities)
    closing = Relationship(ids[-1], ids[0])
    data.relationships[closing.id] = closing
    client.cache.import_project(data)
    summary = client.sync()
    entry = summary.projects[0]
    assert entry.pushed == {"applied": 1 + 1 + 50 + 49, "refused": 1}
    assert "loop" in entry.refused[0]
    assert client.state(data.project.id) == server_state(server_db.admin_dsn, data.project.id)
    client.close()


def test_batches_are_cut_small_first_full_then_small_last() -> None:
    rows = [("activity", str(i), {}) for i in range(100)] + [("relationship", f"r{i}", {}) for i in range(95)]
    seen: list[Any] = []
    sizes = [len(c) for c in firstsync.bulk_chunks(iter(rows), seen)]
    edge, full = firstsync.BULK_EDGE, firstsync.BULK_BATCH
    assert sizes == [len(rows)]  # below one small batch: one batch
    assert seen == rows
    many = [("activity", str(i), {}) for i in range(2 * edge + full + 5)]
    sizes = [len(c) for c in firstsync.bulk_chunks(iter(many), [])]
    assert sum(sizes) == len(many)
    assert sizes[0] == edge
    assert sizes[-1] <= edge
    assert max(sizes) <= full


def test_a_first_sync_in_many_batches_sends_its_ranks_once_and_equals_the_server(
    server_db: ServerDb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _alice, dsn = server_db.user("alice")
    monkeypatch.setattr(firstsync, "BULK_EDGE", 40)
    monkeypatch.setattr(firstsync, "BULK_BATCH", 150)
    sent: list[tuple[int, bool, bool]] = []
    real_bulk = protocol.push_bulk

    def recording(conn: Any, project_id: str, changes: Any, **kw: Any) -> Any:
        sent.append((len(changes), kw.get("ranks") is not None, bool(kw.get("keep_ranks"))))
        return real_bulk(conn, project_id, changes, **kw)

    monkeypatch.setattr(protocol, "push_bulk", recording)
    client = Client(tmp_path / "alice", dsn)
    data = sample_project(400)
    client.cache.import_project(data)
    entry = client.sync().projects[0]
    assert entry.pushed == {"applied": 1 + 1 + 400 + 399}
    assert len(sent) > 4
    assert [ranks for _n, ranks, _keep in sent].count(True) == 1  # once, with the first batch of links
    first_links = next(i for i, (_n, ranks, _keep) in enumerate(sent) if ranks)
    assert all(keep for _n, _ranks, keep in sent[first_links + 1 :])
    assert client.state(data.project.id) == server_state(server_db.admin_dsn, data.project.id)
    assert client.cache.outbox(data.project.id) == []
    assert client.sync().projects[0].pushed == {}  # nothing sent twice
    client.close()


def test_pull_keys_leaves_out_the_clients_own_bulk_rows_yet_moves_the_cursor_past_them(
    server_db: ServerDb, tmp_path: Path
) -> None:
    _alice, dsn = server_db.user("alice")
    pid, acts, changes = new_project(30, [(i, i + 1) for i in range(29)])
    with psycopg.connect(dsn) as conn:
        results = bulk(conn, changes)
        assert isinstance(results, protocol.BulkResults)
        edit = push(conn, [change(pid, "activity", acts[3], {"name": "later"}, base_rev=results[5].rev or 0)])
        everything, end = pull_all(conn, pid, Cursor())
        keys, scanned, full = protocol.pull_keys(conn, pid, Cursor(), limit=1000, skip_txids=[results.txid])
        assert [(k.kind, k.id, k.rev) for k in keys] == [("activity", acts[3], edit[0].rev)]
        assert scanned == end
        assert not full
        assert protocol.pull_keys(conn, pid, end, limit=1000, skip_txids=[results.txid]) == ([], None, False)
        # Pages: a full page says so and the next one starts where it stopped.
        first, at, full = protocol.pull_keys(conn, pid, Cursor(), limit=10, skip_txids=[results.txid])
        assert (first, full) == ([], True)
        assert at == everything[9].cursor
    # A client's first sync pulls none of its own rows back, and its cursor is past them.
    client = Client(tmp_path / "bob", server_db.user("bob")[1])
    data = sample_project(20)
    client.cache.import_project(data)
    entry = client.sync().projects[0]
    assert entry.pulled == 0
    with psycopg.connect(server_db.admin_dsn) as conn:
        last = conn.execute(
            "SELECT txid::text, rev FROM bbschedule.entities WHERE project_id = %s ORDER BY txid DESC, rev DESC"
            " LIMIT 1",
            (data.project.id,),
        ).fetchone()
    assert last is not None
    assert SyncState(client.cache).cursor(data.project.id) == Cursor(int(last[0]), int(last[1]))
    assert client.sync().projects[0].pulled == 0
    client.close()


def test_a_link_to_a_deleted_activity_is_dangling(server_db: ServerDb) -> None:
    _alice, dsn = server_db.user("alice")
    with psycopg.connect(dsn) as conn:
        project = ProjectBuilder(conn, ["A", "B"])
        gone = push(conn, [change(project.id, "activity", project.act("B"), None, base_rev=project.revs["B"])])
        assert gone[0].status == "applied"
        before = counts(server_db.admin_dsn)
        fresh = change(project.id, "activity", new_id(), activity_fields("C", project.calendar))
        links = [
            change(project.id, "relationship", new_id(), rel_fields(project.act("A"), fresh.row_id)),
            change(project.id, "relationship", new_id(), rel_fields(fresh.row_id, project.act("B"))),
        ]
        refusal = bulk(conn, [fresh, *links])
        assert isinstance(refusal, BulkRefusal)
        assert refusal.code == "dangling"
        assert [row_id for _kind, row_id, _why in refusal.rows] == [links[1].row_id]
        assert counts(server_db.admin_dsn) == before
