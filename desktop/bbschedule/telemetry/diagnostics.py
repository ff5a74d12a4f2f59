"""The checks behind `doctor` and the Diagnostics dialog: versions, folders, cache integrity, schema, server, disk.

No Qt here: the CLI prints the report, the dialog shows the same text. A check that fails carries the reason the
planner (or support) acts on; `ok` is true only when every check passed.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bbschedule import __version__
from bbschedule.telemetry import locations
from bbschedule.telemetry.observability import current_status, token_source

MIN_FREE_BYTES = 500 * 1024 * 1024
SERVER_TIMEOUT_S = 3
MAX_SYNC_LAG = dt.timedelta(days=1)
LIBRARIES = ("PySide6", "SQLAlchemy", "alembic", "psycopg", "logfire", "pydantic", "lxml", "openpyxl")


@dataclass(frozen=True)
class Check:
    """One line of the report: a name, whether it passed, the value found and, when useful, a detail."""

    name: str
    ok: bool
    value: str
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "value": self.value, "detail": self.detail}


@dataclass(frozen=True)
class DiagnosticsReport:
    checks: list[Check]
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def reasons(self) -> list[str]:
        return [f"{check.name}: {check.detail or check.value}" for check in self.checks if not check.ok]

    def check(self, name: str) -> Check | None:
        return next((check for check in self.checks if check.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "reasons": self.reasons,
            "versions": self.versions,
            "checks": [check.to_json() for check in self.checks],
        }

    def to_text(self) -> str:
        lines = ["BBSchedule diagnostics", ""]
        lines += [f"  {name:<12} {version}" for name, version in self.versions.items()]
        lines.append("")
        for check in self.checks:
            mark = "ok  " if check.ok else "FAIL"
            lines.append(f"[{mark}] {check.name:<18} {check.value}")
            if check.detail:
                lines.append(f"       {'':<18} {check.detail}")
        lines.append("")
        lines.append("all is well" if self.ok else f"{len(self.reasons)} problem(s):")
        lines += [f"  - {reason}" for reason in self.reasons]
        return "\n".join(lines)


def versions() -> dict[str, str]:
    """BBSchedule, Python, the platform and the libraries that matter to support (read from metadata: no imports)."""
    found = {
        "BBSchedule": __version__,
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
        "Platform": platform.platform(),
    }
    for library in LIBRARIES:
        try:
            found[library] = importlib.metadata.version(library)
        except importlib.metadata.PackageNotFoundError:
            found[library] = "not installed"
    if getattr(sys, "frozen", False):
        found["Bundle"] = "PyInstaller"
    return found


def run_diagnostics(
    profile: Path | None,
    *,
    server_dsn: str | None = None,
    server_timeout_s: int = SERVER_TIMEOUT_S,
    min_free_bytes: int = MIN_FREE_BYTES,
) -> DiagnosticsReport:
    """Every check, each guarded so that one broken part never hides the others."""
    data_dir = locations.data_dir(profile)
    log_dir = locations.log_dir(profile)
    cache = locations.cache_path(profile)
    steps: list[tuple[str, Callable[[], Check]]] = [
        ("data folder", lambda: _folder_check("data folder", data_dir)),
        ("log folder", lambda: _folder_check("log folder", log_dir)),
        ("local cache", lambda: cache_integrity_check(cache)),
        ("schema version", lambda: schema_check(cache)),
        ("server", lambda: server_check(server_dsn, timeout_s=server_timeout_s)),
        ("sync lag", lambda: sync_lag_check(cache, server_dsn=server_dsn)),
        ("disk space", lambda: disk_space_check(data_dir, min_free_bytes=min_free_bytes)),
        ("last session", lambda: last_session_check(data_dir, log_dir)),
        ("telemetry", lambda: telemetry_check(data_dir)),
    ]
    checks: list[Check] = []
    for name, step in steps:
        try:
            checks.append(step())
        except Exception as exc:  # a diagnostic must report, not crash
            checks.append(Check(name, False, "check failed", f"{type(exc).__name__}: {exc}"))
    return DiagnosticsReport(checks=checks, versions=versions())


def configured_server_dsn(profile: Path | None) -> str | None:
    """The server this profile synchronises with: $BBSCHEDULE_SERVER, else settings.json's "server_dsn"."""
    from bbschedule.telemetry.settings import read_settings

    return read_settings(profile).server_dsn


def _folder_check(name: str, folder: Path) -> Check:
    if not folder.exists():
        parent = _existing_parent(folder)
        if os.access(parent, os.W_OK):
            return Check(name, True, str(folder), "not created yet (created on first use)")
        return Check(name, False, str(folder), f"cannot be created: {parent} is not writable")
    if not folder.is_dir():
        return Check(name, False, str(folder), "exists but is not a folder")
    if not os.access(folder, os.W_OK):
        return Check(name, False, str(folder), "is not writable")
    return Check(name, True, str(folder))


def cache_integrity_check(cache: Path) -> Check:
    """PRAGMA integrity_check on the local cache, read-only (doctor must not create or migrate it)."""
    name = "local cache"
    if not cache.exists():
        return Check(name, True, str(cache), "no local cache yet (created on first start)")
    size_mb = cache.stat().st_size / 1_048_576
    try:
        with _read_only(cache) as connection:
            rows = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        return Check(name, False, str(cache), f"cannot be read as SQLite: {exc}")
    if rows == ["ok"]:
        return Check(name, True, str(cache), f"integrity ok, {size_mb:.1f} MB")
    return Check(name, False, str(cache), "integrity_check: " + "; ".join(str(row) for row in rows[:5]))


def schema_check(cache: Path) -> Check:
    """The Alembic revision stamped in the cache, against the newest revision this program knows."""
    name = "schema version"
    if not cache.exists():
        return Check(name, True, "none", "no local cache yet")
    try:
        with _read_only(cache) as connection:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        return Check(name, False, "unknown", f"no alembic_version table: {exc}")
    revision = str(row[0]) if row else "none"
    known = known_revisions()
    if known is None:
        return Check(name, True, revision, "this build ships no migrations to compare with")
    heads, all_revisions = known
    if revision in heads:
        return Check(name, True, revision, "current")
    if revision in all_revisions:
        return Check(name, True, revision, f"older than {', '.join(heads)}; migrated when the cache is next opened")
    return Check(name, False, revision, f"unknown to this version (newest known: {', '.join(heads)}); newer program?")


def known_revisions() -> tuple[list[str], set[str]] | None:
    """(heads, every revision) of the migrations shipped in bbschedule.storage, or None if there are none."""
    folder = _migrations_folder()
    if folder is None:
        return None
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(folder))
    return list(script.get_heads()), {rev.revision for rev in script.walk_revisions()}


def _migrations_folder() -> Path | None:
    # The package, not storage.migrate: diagnostics stays clear of SQLAlchemy (the UI imports this module).
    import bbschedule.storage.migrations as migrations

    folder = Path(migrations.__file__).parent
    return folder if (folder / "versions").is_dir() else None


def server_check(dsn: str | None, *, timeout_s: int = SERVER_TIMEOUT_S) -> Check:
    """Connect with a short timeout and say hello in the sync protocol.

    A DSN without a password (the planner's is in the keyring) that the server asks a password for still
    proves the server is reachable; a password the server refuses, a database that is not a BBSchedule server,
    or a protocol this program does not speak are reasons.
    """
    name = "server"
    if not dsn:
        return Check(name, True, "none configured", "works offline on the local cache")
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    from bbschedule.sync import protocol

    shown = redact_dsn(dsn)
    try:
        has_password = "password" in conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as exc:
        return Check(name, False, shown, f"not a valid connection string: {_first_line(exc)}")
    started = time.perf_counter()
    try:
        connection = psycopg.connect(dsn, connect_timeout=timeout_s)
    except psycopg.OperationalError as exc:
        message = _first_line(exc)
        refused_login = "password" in message or "authentication" in message
        if refused_login and not has_password:
            return Check(name, True, shown, f"reachable; signing in needs the planner's password ({message})")
        if refused_login:
            return Check(name, False, shown, f"reachable, but the login was refused: {message}")
        return Check(name, False, shown, f"unreachable: {message}")
    with connection:
        elapsed_ms = (time.perf_counter() - started) * 1000
        row = connection.execute("SHOW server_version").fetchone()
        version = f"PostgreSQL {row[0] if row else '?'}"
        connection.commit()
        try:
            hello = protocol.hello(connection)
        except psycopg.Error as exc:
            return Check(name, False, shown, f"{version}, but not a BBSchedule server: {_first_line(exc)}")
    if hello.protocol_version != protocol.PROTOCOL_VERSION:
        return Check(
            name,
            False,
            shown,
            f"{version} speaks sync protocol {hello.protocol_version}, this program {protocol.PROTOCOL_VERSION}",
        )
    return Check(
        name,
        True,
        shown,
        f"{version}, sync protocol {hello.protocol_version}, schema {hello.schema_version}; signed in as "
        f"{hello.user} with {len(hello.projects)} project(s); connected in {elapsed_ms:.0f} ms",
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def sync_lag_check(
    cache: Path, *, server_dsn: str | None, now: dt.datetime | None = None, max_lag: dt.timedelta = MAX_SYNC_LAG
) -> Check:
    """How far the server is behind this profile: local edits not yet pushed, and the age of the oldest one."""
    name = "sync lag"
    if not server_dsn:
        return Check(name, True, "n/a", "no server configured")
    if not cache.exists():
        return Check(name, True, "never synchronised", "no local cache yet")
    with _read_only(cache) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "outbox" not in tables:
            return Check(name, False, "unknown", "the cache has no outbox table")
        pending, oldest = connection.execute("SELECT count(*), min(created_at) FROM outbox WHERE pushed = 0").fetchone()
        synced = 0
        if "sync_project" in tables:
            synced = connection.execute("SELECT count(*) FROM sync_project").fetchone()[0]
    projects = f"{synced} project(s) synchronised with the server"
    if not pending:
        return Check(name, True, "up to date: no local change waiting", projects)
    lag = (now or dt.datetime.now(dt.UTC)) - _utc(dt.datetime.fromisoformat(str(oldest)))
    value = f"{pending} change(s) waiting to be pushed, the oldest {_age(lag)} old"
    if lag > max_lag:
        return Check(name, False, value, f"not pushed for more than {_age(max_lag)}: synchronise ({projects})")
    return Check(name, True, value, projects)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _age(delta: dt.timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    for size, unit in ((86_400, "day"), (3_600, "hour"), (60, "minute")):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count > 1 else ''}"
    return f"{seconds} s"


def telemetry_check(data_dir: Path) -> Check:
    status = current_status()
    if status.configured:
        return Check("telemetry", True, status.describe())
    source = token_source(data_dir)
    if source is None:
        return Check("telemetry", True, "no logfire token: traces stay on this machine")
    return Check("telemetry", True, f"logfire token from {source}: the application sends traces (no project content)")


def last_session_check(data_dir: Path, log_dir: Path) -> Check:
    """Whether the last run closed cleanly (or runs now), and the unhandled errors in the current log file.

    Informational: a past crash is not a problem of the installation, but support wants to know of it.
    """
    from bbschedule.telemetry.logging_setup import LOG_FILE_NAME
    from bbschedule.telemetry.recovery import RunMarker

    previous = RunMarker(data_dir).read()
    if previous is None:
        value = "closed cleanly"
    elif previous.alive:
        value = f"running now (process {previous.pid}, started {previous.started})"
    else:
        value = f"did not close cleanly (started {previous.started}, version {previous.version})"
    log_file = log_dir / LOG_FILE_NAME
    crashes = 0
    if log_file.exists():
        with log_file.open(encoding="utf-8", errors="replace") as lines:
            crashes = sum(1 for line in lines if "CRITICAL" in line and "unhandled exception" in line)
    detail = f"{crashes} unhandled error(s) in {log_file.name}" if crashes else ""
    return Check("last session", True, value, detail)


def disk_space_check(folder: Path, *, min_free_bytes: int = MIN_FREE_BYTES) -> Check:
    usage = shutil.disk_usage(_existing_parent(folder))
    free_mb = usage.free / 1_048_576
    value = f"{free_mb:,.0f} MB free of {usage.total / 1_048_576:,.0f} MB"
    if usage.free < min_free_bytes:
        return Check("disk space", False, value, f"less than {min_free_bytes / 1_048_576:,.0f} MB free")
    return Check("disk space", True, value)


def redact_dsn(dsn: str) -> str:
    """The DSN without its password (keyword form or URL form), fit for a report or a log."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        params = conninfo_to_dict(dsn)
    except Exception:
        return "<unparsable DSN>"
    if "password" in params:
        params["password"] = "***"
    return make_conninfo(**{key: str(value) for key, value in params.items()})


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


class _read_only:  # noqa: N801 - used as a context manager, like open()
    def __init__(self, path: Path) -> None:
        self.path = path
        self.connection: sqlite3.Connection | None = None

    def __enter__(self) -> sqlite3.Connection:
        self.connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        return self.connection

    def __exit__(self, *exc: object) -> None:
        if self.connection is not None:
            self.connection.close()
