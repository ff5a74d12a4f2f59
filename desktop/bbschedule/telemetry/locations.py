"""Where a profile keeps its files, as telemetry sees them: storage.paths decides, this module only names them
for the telemetry and diagnostics code (and keeps the folders doctor reports in one place).
"""

from __future__ import annotations

from pathlib import Path

from bbschedule.storage import paths


def data_dir(profile: Path | None) -> Path:
    """The profile folder itself, or the user's data folder when no --profile was given."""
    return paths.data_dir(profile)


def log_dir(profile: Path | None) -> Path:
    """The folder of the rotating log files: profile/logs, or the user's log folder."""
    return paths.log_dir(profile)


def cache_path(profile: Path | None) -> Path:
    """The local SQLite cache of the profile (it may not exist yet on a fresh install)."""
    return paths.cache_path(profile)
