"""doctor's checks on real folders and real SQLite files: all is well on a fresh profile, and each problem shows."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest

from bbschedule.telemetry import locations
from bbschedule.telemetry.diagnostics import (
    cache_integrity_check,
    redact_dsn,
    run_diagnostics,
    schema_check,
    versions,
)


def _make_cache(path: Path, *, rows: int = 2_000, revision: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE activity (id TEXT PRIMARY KEY, name TEXT, duration INTEGER)")
    connection.execute("CREATE INDEX activity_name ON activity (name)")
    connection.executemany(
        "INSERT INTO activity VALUES (?, ?, ?)", [(f"id-{n:06d}", f"Pour slab {n}" * 3, n) for n in range(rows)]
    )
    if revision is not None:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        connection.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
    connection.commit()
    connection.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_fresh_profile_is_well(tmp_path: Path) -> None:
    report = run_diagnostics(tmp_path / "profile", min_free_bytes=1)
    assert report.ok, report.to_text()
    assert report.reasons == []
    names = [check.name for check in report.checks]
    for expected in ("data folder", "log folder", "local cache", "schema version", "server", "disk space"):
        assert expected in names
    assert "all is well" in report.to_text()
    assert report.to_json()["ok"] is True


def test_versions_name_the_program_and_libraries() -> None:
    found = versions()
    assert found["BBSchedule"]
    assert found["Python"].startswith("3.")
    assert found["PySide6"].startswith("6.")
    assert found["SQLAlchemy"].startswith("2.")


def test_a_sound_cache_passes_the_integrity_check(tmp_path: Path) -> None:
    cache = locations.cache_path(tmp_path)
    _make_cache(cache)
    check = cache_integrity_check(cache)
    assert check.ok, check
    assert "integrity ok" in check.detail


def test_a_damaged_cache_fails_with_the_reason(tmp_path: Path) -> None:
    cache = locations.cache_path(tmp_path)
    _make_cache(cache)
    raw = bytearray(cache.read_bytes())
    page = 4096
    assert len(raw) > 8 * page
    # Scribble over the middle pages (table and index b-tree pages), as a failing disk would.
    raw[3 * page : 6 * page] = bytes((n * 37) % 251 for n in range(3 * page))
    cache.write_bytes(bytes(raw))
    report = run_diagnostics(tmp_path, min_free_bytes=1)
    assert not report.ok
    [reason] = [r for r in report.reasons if r.startswith("local cache")]
    assert "integrity_check" in reason or "cannot be read" in reason


def test_an_unknown_schema_revision_fails(tmp_path: Path) -> None:
    cache = locations.cache_path(tmp_path)
    _make_cache(cache, rows=10, revision="ffffffffffff")
    check = schema_check(cache)
    assert check.value == "ffffffffffff"
    assert not check.ok
    assert "unknown to this version" in check.detail


def test_an_unreachable_server_is_a_reason(tmp_path: Path) -> None:
    dsn = f"host=127.0.0.1 port={_closed_port()} dbname=bbs user=planner password=hunter2"
    report = run_diagnostics(tmp_path, server_dsn=dsn, server_timeout_s=2, min_free_bytes=1)
    assert not report.ok
    [reason] = report.reasons
    assert reason.startswith("server: unreachable")
    assert "hunter2" not in report.to_text()
    assert "hunter2" not in str(report.to_json())


def test_too_little_disk_space_is_a_reason(tmp_path: Path) -> None:
    report = run_diagnostics(tmp_path, min_free_bytes=1 << 60)
    assert not report.ok
    assert any(reason.startswith("disk space") for reason in report.reasons)


def test_passwords_are_redacted() -> None:
    assert "s3cret" not in redact_dsn("postgresql://planner:s3cret@db.example.com:5432/bbs")
    assert "s3cret" not in redact_dsn("host=db port=5432 user=planner password=s3cret")
    assert "db.example.com" in redact_dsn("postgresql://planner:s3cret@db.example.com:5432/bbs")


def test_sync_lag_counts_the_unpushed_changes_of_a_real_cache(tmp_path: Path) -> None:
    import datetime as dt

    from bbschedule.formats.registry import read_file
    from bbschedule.storage.cache import LocalCache
    from bbschedule.telemetry.diagnostics import sync_lag_check

    sample = Path(__file__).resolve().parents[3] / "resources" / "samples" / "sample_project.bbs.json"
    cache_file = locations.cache_path(tmp_path)
    with LocalCache(cache_file) as cache:
        cache.import_project(read_file(sample).pick())
    assert sync_lag_check(cache_file, server_dsn=None).value == "n/a"
    fresh = sync_lag_check(cache_file, server_dsn="host=db.example.com")
    assert fresh.ok, fresh
    assert fresh.value.startswith("1 change(s) waiting to be pushed")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    stale = sync_lag_check(cache_file, server_dsn="host=db.example.com", now=later)
    assert not stale.ok
    assert "the oldest 3 days old" in stale.value
    schema = schema_check(cache_file)
    assert schema.ok
    assert schema.detail == "current"


def test_the_last_session_is_reported(tmp_path: Path) -> None:
    import logging

    from bbschedule.telemetry.crash import CrashHandler
    from bbschedule.telemetry.diagnostics import last_session_check
    from bbschedule.telemetry.logging_setup import configure_logging, remove_logging
    from bbschedule.telemetry.recovery import MARKER_NAME

    data, logs = locations.data_dir(tmp_path), locations.log_dir(tmp_path)
    assert last_session_check(data, logs).value == "closed cleanly"
    (data / MARKER_NAME).write_text('{"pid": 999999999, "started": "2026-11-20T08:00:00", "version": "0.0.9"}')
    configure_logging(folder=logs)
    try:
        try:
            raise KeyError("boom")
        except KeyError as exc:
            CrashHandler().handle(KeyError, exc, exc.__traceback__, thread_name="MainThread")
        logging.getLogger("x").critical("not a crash")
    finally:
        remove_logging()
    check = last_session_check(data, logs)
    assert check.ok
    assert check.value == "did not close cleanly (started 2026-11-20T08:00:00, version 0.0.9)"
    assert check.detail == "1 unhandled error(s) in bbschedule.log"


def test_doctor_says_whether_traces_would_leave_the_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bbschedule.telemetry.diagnostics import telemetry_check

    monkeypatch.delenv("LOGFIRE_TOKEN", raising=False)
    data = locations.data_dir(tmp_path)
    assert telemetry_check(data).value == "no logfire token: traces stay on this machine"
    creds = data / "logfire" / "logfire_credentials.json"
    creds.parent.mkdir()
    creds.write_text("{}")
    assert str(creds) in telemetry_check(data).value
