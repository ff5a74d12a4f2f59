"""Backups of the local cache with SQLite's online backup API (safe while the application writes), and restore.

A backup is a complete SQLite file named by its UTC time; only the newest `keep` are kept.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bbschedule.core.errors import InputFileError
from bbschedule.storage.engine import raw_connect

log = logging.getLogger(__name__)
PREFIX = "cache-"
SUFFIX = ".sqlite3"
DEFAULT_KEEP = 10


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime
    """UTC."""
    size: int

    def to_json(self) -> dict[str, object]:
        return {"path": str(self.path), "taken_at": self.taken_at.isoformat(), "size": self.size}


def backup_now(cache_path: Path, backup_dir: Path, *, keep: int = DEFAULT_KEEP, reason: str = "") -> Path:
    """Copy the cache into `backup_dir` as a new timestamped file, then drop all but the newest `keep`."""
    if not cache_path.is_file():
        raise InputFileError(str(cache_path), "no local cache to back up")
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir / f"{PREFIX}{stamp}{'-' + reason if reason else ''}{SUFFIX}"
    partial = target.with_name(target.name + ".partial")
    source = raw_connect(cache_path)
    try:
        _copy(source, partial)
    finally:
        source.close()
    partial.replace(target)  # a backup that exists under its final name is complete
    _prune(backup_dir, keep=keep)
    log.info("backed up %s to %s", cache_path, target)
    return target


def backup_if_due(
    cache_path: Path, backup_dir: Path, *, every: dt.timedelta = dt.timedelta(hours=24), keep: int = DEFAULT_KEEP
) -> Path | None:
    """The scheduled backup: make one when the newest is older than `every` (the application calls this at start
    and on a timer). None when a recent one exists or there is no cache yet."""
    if not cache_path.is_file():
        return None
    newest = list_backups(backup_dir)[:1]
    if newest and dt.datetime.now(dt.UTC) - newest[0].taken_at < every:
        return None
    return backup_now(cache_path, backup_dir, keep=keep, reason="scheduled")


def list_backups(backup_dir: Path) -> list[BackupInfo]:
    """The backups in `backup_dir`, newest first."""
    found = []
    for path in backup_dir.glob(f"{PREFIX}*{SUFFIX}") if backup_dir.is_dir() else ():
        stamp = path.name[len(PREFIX) : len(PREFIX) + 22]
        try:
            taken = dt.datetime.strptime(stamp, "%Y%m%d-%H%M%S-%f").replace(tzinfo=dt.UTC)
        except ValueError:
            continue
        found.append(BackupInfo(path, taken, path.stat().st_size))
    return sorted(found, key=lambda b: b.path.name, reverse=True)


def restore(backup_file: Path, cache_path: Path) -> None:
    """Replace the cache by a backup, all or nothing: the backup is copied aside and checked first.

    The copy goes into the live file through the backup API, inside one SQLite transaction, so the cache's WAL
    stays consistent and a crash midway leaves the old cache.
    """
    if not backup_file.is_file():
        raise InputFileError(str(backup_file), "no such backup file")
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".restore-", suffix=SUFFIX, dir=cache_path.parent)
    os.close(fd)
    staged = Path(name)
    try:
        try:
            source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
            try:
                _copy(source, staged)
            finally:
                source.close()
            _check(staged)
        except sqlite3.DatabaseError as exc:
            raise InputFileError(str(backup_file), f"is not an intact BBSchedule backup ({exc})") from None
        except InputFileError as exc:
            raise InputFileError(str(backup_file), exc.message) from None
        checked = sqlite3.connect(staged)
        target = raw_connect(cache_path)
        try:
            checked.backup(target)
            target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            target.close()
            checked.close()
    finally:
        for leftover in (staged, Path(f"{staged}-wal"), Path(f"{staged}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    log.info("restored %s from %s", cache_path, backup_file)


def integrity_problems(path: Path) -> list[str]:
    """SQLite's integrity_check and foreign_key_check of a file: empty when all is well."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = [str(r[0]) for r in connection.execute("PRAGMA integrity_check")]
        problems = [] if rows == ["ok"] else rows
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        problems += [f"{table} row {rowid} refers to a missing {parent}" for table, rowid, parent, _ in broken[:20]]
        return problems
    finally:
        connection.close()


def _copy(source: sqlite3.Connection, target_path: Path) -> None:
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()


def _check(path: Path) -> None:
    problems = integrity_problems(path)
    if problems:
        raise InputFileError(str(path), "fails the integrity check: " + "; ".join(problems[:5]))
    connection = sqlite3.connect(path)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        connection.close()
    if not {"projects", "activities", "alembic_version"} <= tables:
        raise InputFileError(str(path), "is an SQLite file but not a BBSchedule cache")


def _prune(backup_dir: Path, *, keep: int) -> None:
    for old in list_backups(backup_dir)[max(keep, 1) :]:
        with contextlib.suppress(OSError):
            old.path.unlink()
            log.info("removed old backup %s", old.path)
