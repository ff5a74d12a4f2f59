"""`bbschedule sync` lists the projects kept in the profile that no longer sync: why (deleted on the server, and by
whom, or no longer shared), since when, how many edits wait unsent, and whether that is news of this run."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from tests.integration.sync.clients import sample_project
from tests.integration.sync.conftest import ServerDb

from bbschedule.cli import main
from bbschedule.core.commands import SetActivityField
from bbschedule.services import projects
from bbschedule.storage.cache import LocalCache
from bbschedule.storage.paths import cache_path
from bbschedule.sync import admin

pytestmark = pytest.mark.postgres


def run_sync(
    profile: Path, server: str, user: str, password: str, monkeypatch: pytest.MonkeyPatch, *, as_json: bool
) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{password}\n"))
    args = ["--profile", str(profile), "sync", "--server", server, "--user", user, "--password-stdin"]
    return main([*args, "--json"] if as_json else args)


def test_sync_lists_local_only_projects_with_why_and_since_when(
    server_db: ServerDb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    admin.add_user(server_db.admin_dsn, name="lo_alice", password="alice-pw")
    admin.add_user(server_db.admin_dsn, name="lo_bob", password="bob-pw")
    server = f"host=127.0.0.1 port={server_db.cluster.port} dbname={server_db.dbname}"
    alice_profile, bob_profile = tmp_path / "alice", tmp_path / "bob"
    kept, gone = sample_project(4, code="KEPT"), sample_project(4, code="GONE")
    with LocalCache(cache_path(alice_profile)) as cache:
        cache.import_project(kept)
        cache.import_project(gone)
    assert run_sync(alice_profile, server, "lo_alice", "alice-pw", monkeypatch, as_json=True) == 0
    capsys.readouterr()
    for code in ("KEPT", "GONE"):
        admin.grant(server_db.admin_dsn, user="lo_bob", project=code, role="planner")
    assert run_sync(bob_profile, server, "lo_bob", "bob-pw", monkeypatch, as_json=True) == 0
    assert json.loads(capsys.readouterr().out)["local_only"] == []

    # Bob edits GONE offline (the server refuses it: the project is deleted; it stays here, unsent); Alice deletes
    # it on the server; Bob is taken off KEPT.
    with LocalCache(cache_path(bob_profile)) as cache:
        session = projects.open_session(cache, gone.project.id)
        first = sorted(session.data.activities.values(), key=lambda a: a.code)[0]
        session.apply(SetActivityField(first.id, "name", "Bob offline"))
        session.apply(SetActivityField(first.id, "notes", "and a note"))
        session.save()
    with LocalCache(cache_path(alice_profile)) as cache:
        cache.delete_project(gone.project.id)
    assert run_sync(alice_profile, server, "lo_alice", "alice-pw", monkeypatch, as_json=True) == 0
    admin.revoke(server_db.admin_dsn, user="lo_bob", project="KEPT")
    capsys.readouterr()

    before = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    assert run_sync(bob_profile, server, "lo_bob", "bob-pw", monkeypatch, as_json=False) == 0
    text = capsys.readouterr().out
    lines = {line.split()[0]: line for line in text.splitlines()[1:] if "local only" in line}
    assert set(lines) == {"GONE", "KEPT"}
    assert "deleted on the server by lo_alice since " in lines["GONE"]
    assert "no longer shared with you on the server since " in lines["KEPT"]
    assert "lo_alice" not in lines["KEPT"]
    assert lines["KEPT"].endswith("kept here, no unsent edits")
    since = lines["GONE"].split(" since ")[1][:16]
    assert (
        before - dt.timedelta(minutes=1)
        <= dt.datetime.strptime(since, "%Y-%m-%d %H:%M")
        <= before + dt.timedelta(minutes=1)
    )

    with LocalCache(cache_path(bob_profile)) as cache:  # Bob keeps working on his copy
        session = projects.open_session(cache, gone.project.id)
        session.apply(SetActivityField(first.id, "notes", "after the news"))
        session.save()
    assert run_sync(bob_profile, server, "lo_bob", "bob-pw", monkeypatch, as_json=True) == 0
    listed = {p["code"]: p for p in json.loads(capsys.readouterr().out)["local_only"]}
    assert listed["GONE"]["reason"] == "deleted"
    assert listed["GONE"]["by"] == "lo_alice"
    assert listed["GONE"]["unsent"] == 3  # the two refused offline edits and the one made after the news
    assert listed["KEPT"]["reason"] == "revoked"
    assert listed["KEPT"]["by"] is None
    assert listed["KEPT"]["unsent"] == 0
    assert not listed["GONE"]["new"]  # told in the run before; still listed
    assert listed["GONE"]["since"].endswith("Z")
