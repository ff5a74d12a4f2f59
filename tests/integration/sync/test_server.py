"""The central schema on a real PostgreSQL: init, row-level security, roles, merge, loops, delete, audit."""

from __future__ import annotations

import itertools

import psycopg
import pytest
from psycopg.types.json import Jsonb
from tests.integration.sync.conftest import ServerDb
from tests.integration.sync.helpers import (
    ProjectBuilder,
    activity_fields,
    change,
    new_id,
    pull_all,
    push,
    rel_fields,
    server_row,
)

from bbschedule.sync import admin, protocol
from bbschedule.sync.admin import Migration
from bbschedule.sync.protocol import Cursor

pytestmark = pytest.mark.postgres


def test_init_twice_changes_nothing_and_a_new_file_applies_on_top(server_db: ServerDb) -> None:
    before = admin.status(server_db.admin_dsn)
    again = admin.init_server(server_db.admin_dsn)
    assert again.applied == ()
    assert again.incarnation_id == before["incarnation_id"]
    extra = Migration(99, "0099_extra.sql", "CREATE TABLE extra_probe (x integer);")
    upgraded = admin.init_server(server_db.admin_dsn, available=[*admin.migrations(), extra])
    assert upgraded.applied == (99,)
    assert admin.init_server(server_db.admin_dsn, available=[*admin.migrations(), extra]).applied == ()
    with psycopg.connect(server_db.admin_dsn) as conn:
        owner = conn.execute(
            "SELECT tableowner FROM pg_tables WHERE schemaname = 'bbschedule' AND tablename = 'extra_probe'"
        ).fetchone()
        versions = [r[0] for r in conn.execute("SELECT version FROM bbschedule.schema_version ORDER BY 1")]
        unforced = conn.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'bbschedule'::regnamespace AND relkind = 'r'"
            " AND relname <> 'extra_probe' AND NOT (relrowsecurity AND relforcerowsecurity)"
        ).fetchall()
        can_login = conn.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'bbschedule_owner'").fetchone()
        timeouts = conn.execute(
            "SELECT count(*) FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase"
            " WHERE d.datname = current_database()"
            " AND 'idle_in_transaction_session_timeout=60s' = ANY (s.setconfig)"
        ).fetchone()
    assert owner == (admin.OWNER_ROLE,)
    assert versions == [m.version for m in admin.migrations()] + [99]
    assert unforced == []
    assert can_login == (False,)
    assert timeouts == (1,)


def test_a_non_member_reads_and_writes_nothing_even_with_raw_sql(server_db: ServerDb) -> None:
    _alice, alice_dsn = server_db.user("alice")
    _mallory, mallory_dsn = server_db.user("mallory")
    with psycopg.connect(alice_dsn) as alice:
        project = ProjectBuilder(alice, ["A100", "A200"])
    a100 = project.act("A100")
    with psycopg.connect(mallory_dsn, autocommit=True) as conn:
        for table in ("projects", "memberships", "entities", "conflicts", "audit", "applied_changes"):
            assert conn.execute(f"SELECT count(*) FROM bbschedule.{table}").fetchone() == (0,), table
        denied = [
            "INSERT INTO bbschedule.entities (project_id, kind, id, fields) VALUES "
            f"('{project.id}', 'activity', '{new_id()}', '{{}}')",
            f"UPDATE bbschedule.entities SET fields = '{{}}' WHERE id = '{a100}'",
            f"DELETE FROM bbschedule.entities WHERE id = '{a100}'",
            f"INSERT INTO bbschedule.memberships (project_id, user_name, role) VALUES ('{project.id}', 'x', 'admin')",
            "DELETE FROM bbschedule.audit",
            "SET ROLE bbschedule_owner",
            f"SELECT bbschedule.apply_change('{new_id()}', '{project.id}', 'activity', '{a100}', 0, '{{}}', true)",
        ]
        for statement in denied:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM bbschedule.pull(%s, '0', 0, 100)", (project.id,))
        # A client-settable variable is no identity: the functions go by session_user.
        conn.execute("SET application_name = 'alice'")
        conn.execute("SELECT set_config('bbschedule.user', 'alice', false)")
    with psycopg.connect(mallory_dsn) as conn:
        results = push(
            conn,
            [
                change(project.id, "activity", a100, {"name": "hijacked"}, base_rev=project.revs["A100"]),
                change(project.id, "activity", new_id(), activity_fields("X1", project.calendar)),
            ],
        )
        hello = protocol.hello(conn)
    assert [r.status for r in results] == ["refused", "refused"]
    assert {r.code for r in results} == {"forbidden"}
    assert hello.projects == ()
    row = server_row(server_db.admin_dsn, project.id, "activity", a100)
    assert row is not None
    assert row["fields"]["name"] == "Activity A100"


def test_a_viewer_reads_but_their_push_is_refused(server_db: ServerDb) -> None:
    _alice, alice_dsn = server_db.user("alice")
    victor, victor_dsn = server_db.user("victor")
    with psycopg.connect(alice_dsn) as alice:
        project = ProjectBuilder(alice, ["A100"])
    admin.grant(server_db.admin_dsn, user=victor, project=project.id, role="viewer")
    with psycopg.connect(victor_dsn) as conn:
        rows, _cursor = pull_all(conn, project.id, Cursor())
        results = push(
            conn,
            [
                change(
                    project.id, "activity", project.act("A100"), {"name": "viewer edit"}, base_rev=project.revs["A100"]
                )
            ],
        )
        visible = conn.execute("SELECT count(*) FROM bbschedule.entities").fetchone()
    assert {r.kind for r in rows} == {"project", "calendar", "activity"}
    assert visible == (3,)
    assert results[0].status == "refused"
    assert results[0].code == "forbidden"
    row = server_row(server_db.admin_dsn, project.id, "activity", project.act("A100"))
    assert row is not None
    assert row["fields"]["name"] == "Activity A100"


def test_a_planner_pushes_and_a_duplicate_batch_is_skipped(server_db: ServerDb) -> None:
    _alice, alice_dsn = server_db.user("alice")
    bob, bob_dsn = server_db.user("bob")
    with psycopg.connect(alice_dsn) as alice:
        project = ProjectBuilder(alice, ["A100"])
    admin.grant(server_db.admin_dsn, user=bob, project=project.id, role="planner")
    batch = [
        change(project.id, "activity", project.act("A100"), {"original_duration": 960}, base_rev=project.revs["A100"]),
        change(project.id, "activity", new_id(), activity_fields("A300", project.calendar)),
    ]
    with psycopg.connect(bob_dsn) as conn:
        first = push(conn, batch)
        second = push(conn, batch)
    assert [r.status for r in first] == ["applied", "applied"]
    assert [r.status for r in second] == ["skipped", "skipped"]
    assert [r.rev for r in second] == [r.rev for r in first]
    row = server_row(server_db.admin_dsn, project.id, "activity", project.act("A100"))
    assert row is not None
    assert row["fields"]["original_duration"] == 960
    assert row["rev"] == first[0].rev
    assert row["updated_by"] == bob


def test_same_field_edits_conflict_and_different_fields_merge(server_db: ServerDb) -> None:
    _alice, alice_dsn = server_db.user("alice")
    bob, bob_dsn = server_db.user("bob")
    with psycopg.connect(alice_dsn) as alice:
        project = ProjectBuilder(alice, ["A100", "A200"])
    admin.grant(server_db.admin_dsn, user=bob, project=project.id, role="planner")
    a1, a2 = project.act("A100"), project.act("A200")
    base1, base2 = project.revs["A100"], project.revs["A200"]
    with psycopg.connect(alice_dsn) as alice, psycopg.connect(bob_dsn) as bob_conn:
        mine = push(
            alice,
            [
                change(project.id, "activity", a1, {"name": "Alice's name"}, base_rev=base1),
                change(project.id, "activity", a2, {"original_duration": 120}, base_rev=base2),
            ],
        )
        theirs = push(
            bob_conn,
            [
                change(project.id, "activity", a1, {"name": "Bob's name", "notes": "bob"}, base_rev=base1),
                change(project.id, "activity", a2, {"notes": "checked"}, base_rev=base2),
            ],
        )
        conflicts = bob_conn.execute(
            "SELECT kind, row_id::text, field, theirs, mine, reason, user_name FROM bbschedule.conflicts"
        ).fetchall()
    assert [r.status for r in mine] == ["applied", "applied"]
    assert [r.status for r in theirs] == ["conflict", "applied"]
    assert [c["field"] for c in theirs[0].conflicts] == ["name"]
    assert conflicts == [("activity", a1, "name", "Alice's name", "Bob's name", "same_field", bob)]
    row1 = server_row(server_db.admin_dsn, project.id, "activity", a1)
    row2 = server_row(server_db.admin_dsn, project.id, "activity", a2)
    assert row1 is not None
    assert row2 is not None
    assert (row1["fields"]["name"], row1["fields"]["notes"]) == ("Alice's name", "bob")
    assert (row2["fields"]["original_duration"], row2["fields"]["notes"]) == (120, "checked")


def test_a_loop_and_a_dangling_link_are_refused(server_db: ServerDb) -> None:
    _alice, alice_dsn = server_db.user("alice")
    bob, bob_dsn = server_db.user("bob")
    with psycopg.connect(alice_dsn) as alice:
        project = ProjectBuilder(alice, ["A", "B", "C", "D"])
        ab, bc = new_id(), new_id()
        results = push(
            alice,
            [
                change(project.id, "relationship", ab, rel_fields(project.act("A"), project.act("B"))),
                change(project.id, "relationship", bc, rel_fields(project.act("B"), project.act("C"))),
            ],
        )
        assert [r.status for r in results] == ["applied", "applied"]
    admin.grant(server_db.admin_dsn, user=bob, project=project.id, role="planner")
    gone = new_id()
    with psycopg.connect(alice_dsn) as alice, psycopg.connect(bob_dsn) as bob_conn:
        # Each planner's edit alone is fine; merged, C -> A would close A -> B -> C -> A.
        loop = push(
            bob_conn, [change(project.id, "relationship", new_id(), rel_fields(project.act("C"), project.act("A")))]
        )
        # Re-pointing an existing link into a loop is refused too.
        repoint = push(
            alice,
            [change(project.id, "relationship", bc, {"successor_id": project.act("A")}, base_rev=results[1].rev or 0)],
        )
        dangling = push(bob_conn, [change(project.id, "relationship", new_id(), rel_fields(project.act("D"), gone))])
        removed = push(alice, [change(project.id, "activity", project.act("D"), None, base_rev=project.revs["D"])])
        to_deleted = push(
            bob_conn, [change(project.id, "relationship", new_id(), rel_fields(project.act("C"), project.act("D")))]
        )
        fine = push(
            bob_conn, [change(project.id, "relationship", new_id(), rel_fields(project.act("A"), project.act("C")))]
        )
    assert (loop[0].status, loop[0].code) == ("refused", "loop")
    assert (repoint[0].status, repoint[0].code) == ("refused", "loop")
    assert (dangling[0].status, dangling[0].code) == ("refused", "dangling")
    assert removed[0].status == "applied"
    assert (to_deleted[0].status, to_deleted[0].code) == ("refused", "dangling")
    assert fine[0].status == "applied"
    row = server_row(server_db.admin_dsn, project.id, "relationship", bc)
    assert row is not None
    assert row["fields"]["successor_id"] == project.act("C")


def test_delete_beats_edit_and_the_editor_is_told(server_db: ServerDb) -> None:
    alice, alice_dsn = server_db.user("alice")
    bob, bob_dsn = server_db.user("bob")
    with psycopg.connect(alice_dsn) as alice_conn:
        project = ProjectBuilder(alice_conn, ["A", "B", "C"])
        link = new_id()
        push(alice_conn, [change(project.id, "relationship", link, rel_fields(project.act("A"), project.act("B")))])
    admin.grant(server_db.admin_dsn, user=bob, project=project.id, role="planner")
    with psycopg.connect(alice_dsn) as alice_conn, psycopg.connect(bob_dsn) as bob_conn:
        # Delete first, edit second: the edit is refused and bob hears why.
        deleted = push(alice_conn, [change(project.id, "activity", project.act("A"), None, base_rev=project.revs["A"])])
        edit = push(
            bob_conn,
            [change(project.id, "activity", project.act("A"), {"name": "renamed"}, base_rev=project.revs["A"])],
        )
        # Edit first, delete second (from the older base): the delete wins and the editor is told as well.
        edit_b = push(
            bob_conn,
            [change(project.id, "activity", project.act("B"), {"name": "renamed B"}, base_rev=project.revs["B"])],
        )
        deleted_b = push(
            alice_conn, [change(project.id, "activity", project.act("B"), None, base_rev=project.revs["B"])]
        )
        notes = bob_conn.execute(
            "SELECT row_id::text, reason, other_user FROM bbschedule.conflicts WHERE user_name = session_user"
            " ORDER BY id"
        ).fetchall()
    assert deleted[0].status == "applied"
    assert (edit[0].status, edit[0].code) == ("refused", "deleted")
    assert edit[0].row is not None
    assert edit[0].row["deleted"] is True
    assert alice in (edit[0].reason or "")
    assert edit_b[0].status == "applied"
    assert deleted_b[0].status == "applied"
    assert notes == [(project.act("A"), "deleted", alice), (project.act("B"), "deleted", alice)]
    row = server_row(server_db.admin_dsn, project.id, "activity", project.act("B"))
    link_row = server_row(server_db.admin_dsn, project.id, "relationship", link)
    assert row is not None
    assert link_row is not None
    assert row["deleted"] is True
    assert link_row["deleted"] is True  # the link to A went with A: nothing dangles


def test_the_audit_records_every_change_and_clients_cannot_touch_it(server_db: ServerDb) -> None:
    alice, alice_dsn = server_db.user("alice")
    bob, bob_dsn = server_db.user("bob")
    with psycopg.connect(alice_dsn) as alice_conn:
        project = ProjectBuilder(alice_conn, ["A", "B"])
    admin.grant(server_db.admin_dsn, user=bob, project=project.id, role="planner")
    with psycopg.connect(bob_dsn) as bob_conn:
        push(
            bob_conn,
            [
                change(project.id, "activity", project.act("A"), {"name": "by bob"}, base_rev=project.revs["A"]),
                change(project.id, "activity", project.act("B"), None, base_rev=project.revs["B"]),
            ],
        )
        assert bob_conn.execute("SELECT count(*) FROM bbschedule.audit").fetchone() == (0,)  # planners don't read it
    with psycopg.connect(alice_dsn, autocommit=True) as alice_conn:
        trail = alice_conn.execute(
            "SELECT who, op, row_key, old -> 'fields' ->> 'name', new -> 'fields' ->> 'name'"
            " FROM bbschedule.audit WHERE table_name = 'entities' ORDER BY id"
        ).fetchall()
        for statement in (
            "UPDATE bbschedule.audit SET who = 'nobody'",
            "DELETE FROM bbschedule.audit",
            "TRUNCATE bbschedule.audit",
            "INSERT INTO bbschedule.audit (table_name, op, row_key) VALUES ('x', 'x', 'x')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                alice_conn.execute(statement)
    # Not even the owner role can rewrite history: the trail is append-only.
    with psycopg.connect(server_db.admin_dsn, autocommit=True) as conn:
        conn.execute("SET ROLE bbschedule_owner")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM bbschedule.audit")
        memberships = conn.execute(
            "SELECT op, new ->> 'user_name', new ->> 'role' FROM bbschedule.audit WHERE table_name = 'memberships'"
            " ORDER BY id"
        ).fetchall()
    inserts = [t for t in trail if t[1] == "INSERT"]
    assert len(inserts) == 4  # project, calendar, A, B
    assert {t[0] for t in inserts} == {alice}
    assert (bob, "UPDATE", f"activity:{project.act('A')}", "Activity A", "by bob") in trail
    assert (bob, "DELETE", f"activity:{project.act('B')}", "Activity B", "Activity B") in trail
    assert len(trail) == 6
    assert memberships == [("INSERT", alice, "admin"), ("INSERT", bob, "planner")]


def test_a_late_committing_transaction_is_not_skipped(server_db: ServerDb) -> None:
    _alice, alice_dsn = server_db.user("alice")
    bob, bob_dsn = server_db.user("bob")
    carol, carol_dsn = server_db.user("carol")
    with psycopg.connect(alice_dsn) as alice_conn:
        project = ProjectBuilder(alice_conn, ["X", "Y"])
    admin.grant(server_db.admin_dsn, user=bob, project=project.id, role="planner")
    admin.grant(server_db.admin_dsn, user=carol, project=project.id, role="viewer")
    with psycopg.connect(carol_dsn) as carol_conn:
        _rows, cursor = pull_all(carol_conn, project.id, Cursor())
        t1 = psycopg.connect(alice_dsn)
        try:
            # T1 starts and writes, and stays open.
            t1.execute(
                "SELECT bbschedule.push(%s)",
                (
                    Jsonb(
                        [
                            change(
                                project.id,
                                "activity",
                                project.act("X"),
                                {"name": "from T1"},
                                base_rev=project.revs["X"],
                            ).to_json()
                        ]
                    ),
                ),
            )
            # T2 writes and commits.
            with psycopg.connect(bob_dsn) as t2:
                push(
                    t2,
                    [change(project.id, "activity", project.act("Y"), {"name": "from T2"}, base_rev=project.revs["Y"])],
                )
            middle, cursor = pull_all(carol_conn, project.id, cursor)
            t1.commit()
        finally:
            t1.close()
        late, cursor = pull_all(carol_conn, project.id, cursor)
    seen = {r.id: r.fields["name"] for r in [*middle, *late]}
    assert seen == {project.act("X"): "from T1", project.act("Y"): "from T2"}
    # The premise: T1 holds the older transaction id, though it committed last.
    t1_row = next(r for r in late if r.id == project.act("X"))
    t2_row = next(r for r in [*middle, *late] if r.id == project.act("Y"))
    assert t1_row.txid < t2_row.txid


def test_a_large_batch_goes_in_at_once_yet_refuses_exactly_the_loop_and_the_dangling_link(server_db: ServerDb) -> None:
    _alice, alice_dsn = server_db.user("alice")
    pid, calendar = new_id(), new_id()
    acts = [new_id() for _ in range(150)]
    chain = [change(pid, "relationship", new_id(), rel_fields(a, b)) for a, b in itertools.pairwise(acts)]
    closing = change(pid, "relationship", new_id(), rel_fields(acts[-1], acts[0]))
    dangling = change(pid, "relationship", new_id(), rel_fields(acts[0], new_id()))
    batch = [
        change(pid, "project", pid, {"code": "BULK", "name": "Bulk"}),
        change(pid, "calendar", calendar, {"name": "Standard"}),
        *[change(pid, "activity", a, activity_fields(f"B{i}", calendar)) for i, a in enumerate(acts)],
        *chain,
        closing,
        dangling,
    ]
    with psycopg.connect(alice_dsn) as conn:
        results = push(conn, batch)
        again = push(conn, batch)
    by_id = {r.change_id: r for r in results}
    assert (by_id[closing.change_id].status, by_id[closing.change_id].code) == ("refused", "loop")
    assert (by_id[dangling.change_id].status, by_id[dangling.change_id].code) == ("refused", "dangling")
    assert sum(r.status == "applied" for r in results) == len(batch) - 2
    assert {r.status for r in again} == {"skipped"}
    assert [r.rev for r in again] == [r.rev for r in results]
    with psycopg.connect(server_db.admin_dsn) as conn:
        live = conn.execute(
            "SELECT kind, count(*) FROM bbschedule.entities WHERE project_id = %s GROUP BY kind ORDER BY kind", (pid,)
        ).fetchall()
    assert live == [("activity", 150), ("calendar", 1), ("project", 1), ("relationship", 149)]
