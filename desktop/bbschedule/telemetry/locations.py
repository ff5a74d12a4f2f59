"""Where a profile keeps its files, as telemetry sees them.

storage.paths owns these answers; until it offers one, the platformdirs folders of DESIGN.md section 4 stand in.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import cast

APP_NAME = "BBSchedule"
CACHE_FILE_NAME = "cache.sqlite"


def _storage_function(name: str) -> Callable[[Path | None], Path] | None:
    # Imported by name so telemetry works (and type-checks) whether or not storage.paths offers this function yet.
    try:
        module = importlib.import_module("bbschedule.storage.paths")
    except ImportError:
        return None
    function = getattr(module, name, None)
    return cast("Callable[[Path | None], Path] | None", function)


def data_dir(profile: Path | None) -> Path:
    """The profile folder itself, or the user's data folder when no --profile was given."""
    function = _storage_function("data_dir")
    if function is not None:
        return Path(function(profile))
    if profile is not None:
        return Path(profile)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir(profile: Path | None) -> Path:
    """The folder of the rotating log files: profile/logs, or the user's log folder."""
    function = _storage_function("log_dir")
    if function is not None:
        return Path(function(profile))
    if profile is not None:
        return Path(profile) / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def cache_path(profile: Path | None) -> Path:
    """The local SQLite cache of the profile (it may not exist yet on a fresh install)."""
    function = _storage_function("cache_path")
    if function is not None:
        return Path(function(profile))
    return data_dir(profile) / CACHE_FILE_NAME
