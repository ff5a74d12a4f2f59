"""`bbschedule --profile DIR sync --server DSN --user NAME --password-stdin`: two profile folders on one machine
act as two planners; a wrong password is a clear error with exit 1 and never echoes the password."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import keyring
import keyring.backend
import psycopg
import pytest
from tests.integration.sync.clients import sample_project
from tests.integration.sync.conftest import ServerDb

from bbschedule.cli import main
from bbschedule.storage.cache import LocalCache
from bbschedule.storage.paths import cache_path
from bbschedule.sync import admin
from bbschedule.sync.client import sync_all
from bbschedule.sync.credentials import store_password
from bbschedule.sync.errors import SyncError

pytestmark = pytest.mark.postgres


def test_two_profiles_sync_through_the_cli(
    server_db: ServerDb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    admin.add_user(server_db.admin_dsn, name="cli_alice", password="alice-pw")
    admin.add_user(server_db.admin_dsn, name="cli_bob", password="bob-pw")
    server = f"host=127.0.0.1 port={server_db.cluster.port} dbname={server_db.dbname}"
    alice_profile, bob_profile = tmp_path / "alice", tmp_path / "bob"
    data = sample_project(50, code="CLISYNC")
    with LocalCache(cache_path(alice_profile)) as cache:
        cache.import_project(data)

    monkeypatch.setattr("sys.stdin", io.StringIO("alice-pw\n"))
    args = ["--profile", str(alice_profile), "sync", "--server", server, "--user", "cli_alice", "--password-stdin"]
    assert main([*args, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["projects"][0]["pushed"] == {"applied": 1 + 1 + 50 + 49}

    admin.grant(server_db.admin_dsn, user="cli_bob", project="CLISYNC", role="viewer")
    monkeypatch.setattr("sys.stdin", io.StringIO("bob-pw\n"))
    assert (
        main(["--profile", str(bob_profile), "sync", "--server", server, "--user", "cli_bob", "--password-stdin"]) == 0
    )
    out = capsys.readouterr().out
    assert "CLISYNC" in out
    assert "viewer" in out
    assert main(["--profile", str(bob_profile), "projects", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(p["code"], p["activity_count"]) for p in listed] == [("CLISYNC", 50)]

    monkeypatch.setattr("sys.stdin", io.StringIO("not-bobs-password\n"))
    assert (
        main(["--profile", str(bob_profile), "sync", "--server", server, "--user", "cli_bob", "--password-stdin"]) == 1
    )
    err = capsys.readouterr().err
    assert "cannot sign in" in err
    assert "not-bobs-password" not in err


def test_sync_over_tls_with_verify_full(server_db: ServerDb, tmp_path: Path) -> None:
    ca = server_db.cluster.ca_file
    if ca is None:
        pytest.skip("no openssl to make a test certificate")
    admin.add_user(server_db.admin_dsn, name="tls_alice", password="tls-pw")
    base = f"host=localhost port={server_db.cluster.port} dbname={server_db.dbname} sslmode=verify-full"
    with LocalCache(tmp_path / "cache.sqlite3") as cache:
        cache.import_project(sample_project(5, code="TLS"))
        summary = sync_all(cache, server=f"{base} sslrootcert={ca}", user="tls_alice", password="tls-pw")
        assert summary.projects[0].pushed == {"applied": 1 + 1 + 5 + 4}
        with psycopg.connect(f"{base} sslrootcert={ca} user=tls_alice password=tls-pw") as conn:
            assert conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone() == (True,)
        # A well-formed certificate authority that did not sign the server's certificate.
        other_ca = tmp_path / "other-ca.crt"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=someone else",
             "-keyout", str(tmp_path / "other.key"), "-out", str(other_ca)],
            check=True, capture_output=True,
        )  # fmt: skip
        with pytest.raises(SyncError, match="cannot sign in"):
            sync_all(cache, server=f"{base} sslrootcert={other_ca}", user="tls_alice", password="tls-pw")


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that lives in this process, standing in for the desktop's (there is none on a CI runner)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


def test_sync_without_a_password_takes_the_one_in_the_keyring(
    server_db: ServerDb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    admin.add_user(server_db.admin_dsn, name="key_alice", password="kept-pw")
    server = f"host=127.0.0.1 port={server_db.cluster.port} dbname={server_db.dbname}"
    profile = tmp_path / "alice"
    with LocalCache(cache_path(profile)) as cache:
        cache.import_project(sample_project(3, code="KEYRING"))
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    try:
        assert main(["--profile", str(profile), "sync", "--server", server, "--user", "key_alice"]) == 1
        assert "cannot sign in" in capsys.readouterr().err
        # The same server written another way finds the same entry.
        assert store_password(f"dbname={server_db.dbname} host=127.0.0.1 port={server_db.cluster.port}",
                              "key_alice", "kept-pw")  # fmt: skip
        assert main(["--profile", str(profile), "sync", "--server", server, "--user", "key_alice"]) == 0
        assert "KEYRING" in capsys.readouterr().out
        assert list(memory.items.values()) == ["kept-pw"]
    finally:
        keyring.set_keyring(previous)
