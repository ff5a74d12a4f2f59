"""Backups of a profile's local cache as use cases: the scheduled one, the list, and a restore."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bbschedule.storage.backup import BackupInfo, backup_if_due, backup_now, list_backups, restore
from bbschedule.storage.paths import backup_dir, cache_path

SCHEDULE = dt.timedelta(hours=4)
"""How old the newest backup may be before the application makes another while it runs."""


def scheduled_backup(profile: Path | None, *, every: dt.timedelta = SCHEDULE) -> Path | None:
    """A backup when the newest is older than `every` (at start and on the window's timer)."""
    return backup_if_due(cache_path(profile), backup_dir(profile), every=every)


def backups(profile: Path | None) -> list[BackupInfo]:
    """The profile's backups, newest first."""
    return list_backups(backup_dir(profile))


def restore_backup(profile: Path | None, backup_file: Path) -> Path:
    """Restore a backup over the cache, after backing up the cache as it is (so a restore can be undone)."""
    before = backup_now(cache_path(profile), backup_dir(profile), reason="before-restore")
    restore(backup_file, cache_path(profile))
    return before
