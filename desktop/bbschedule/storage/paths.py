"""Where a profile keeps its files: the data folder (platformdirs, or --profile DIR), the cache, logs, backups."""

from __future__ import annotations

from pathlib import Path

APP_NAME = "BBSchedule"
CACHE_FILE = "cache.sqlite3"


def data_dir(profile: Path | None) -> Path:
    """The profile's data folder, created on demand; `profile` None is the user's platform data folder."""
    if profile is None:
        from platformdirs import user_data_dir

        folder = Path(user_data_dir(APP_NAME, APP_NAME))
    else:
        folder = Path(profile).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cache_path(profile: Path | None) -> Path:
    return data_dir(profile) / CACHE_FILE


def log_dir(profile: Path | None) -> Path:
    """Log files: the platform's log folder, or `logs/` inside an explicit profile (several profiles, several logs)."""
    if profile is None:
        from platformdirs import user_log_dir

        folder = Path(user_log_dir(APP_NAME, APP_NAME))
    else:
        folder = data_dir(profile) / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def backup_dir(profile: Path | None) -> Path:
    return backups_beside(cache_path(profile))


def backups_beside(cache_file: Path) -> Path:
    """The backup folder of a cache file: `backups/` next to it (the same as backup_dir(profile))."""
    folder = cache_file.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
