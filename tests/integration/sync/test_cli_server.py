"""`bbschedule server …` on a real PostgreSQL: init twice, add a user from standard input, grant, revoke, status."""

from __future__ import annotations

import io
import json

import psycopg
import pytest
from tests.integration.sync.conftest import ServerDb
from tests.integration.sync.helpers import ProjectBuilder

from bbschedule.cli import main
from bbschedule.sync import admin

pytestmark = pytest.mark.postgres


def test_server_commands_end_to_end(
    server_db: ServerDb, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    dsn = server_db.admin_dsn
    assert main(["server", "init", "--dsn", dsn]) == 0
    assert "nothing (up to date)" in capsys.readouterr().out

    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-Passw0rd\n"))
    assert main(["server", "user", "add", "cli_planner", "--dsn", dsn]) == 0
    out = capsys.readouterr()
    assert "s3cret" not in out.out + out.err
    login = server_db.cluster.dsn("cli_planner", "s3cret-Passw0rd", server_db.dbname)
    with psycopg.connect(login) as conn:
        project = ProjectBuilder(conn, ["A"])
    with psycopg.connect(dsn) as conn:
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'cli_planner'").fetchone()
    assert stored is not None
    assert str(stored[0]).startswith("SCRAM-SHA-256$")
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server_db.cluster.dsn("cli_planner", "wrong", server_db.dbname))

    monkeypatch.setattr("sys.stdin", io.StringIO("other\n"))
    assert main(["server", "user", "add", "cli_viewer", "--dsn", dsn]) == 0
    code = f"P{project.id[:6]}"
    assert main(["server", "grant", "cli_viewer", code, "viewer", "--dsn", dsn]) == 0
    viewer = server_db.cluster.dsn("cli_viewer", "other", server_db.dbname)
    with psycopg.connect(viewer) as conn:
        assert conn.execute("SELECT count(*) FROM bbschedule.entities").fetchone() == (3,)
    assert main(["server", "revoke", "cli_viewer", code, "--dsn", dsn]) == 0
    with psycopg.connect(viewer) as conn:
        assert conn.execute("SELECT count(*) FROM bbschedule.entities").fetchone() == (0,)
    capsys.readouterr()

    assert main(["server", "status", "--dsn", dsn, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    newest = max(m.version for m in admin.migrations())
    assert (info["projects"], info["rows"], info["schema_version"]) == (1, 3, newest)
    assert info["users"] >= 2

    # Bad input: exit 2 naming the field, nothing half-done.
    assert main(["server", "grant", "cli_viewer", "NO-SUCH-PROJECT", "planner", "--dsn", dsn]) == 2
    assert "PROJECT" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["server", "user", "add", "nopass", "--dsn", dsn]) == 2
    assert main(["server", "status", "--dsn", "host=127.0.0.1 port=1 dbname=x connect_timeout=2"]) == 1
    assert "cannot reach the server" in capsys.readouterr().err
