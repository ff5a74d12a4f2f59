"""The data folder: platformdirs by default, --profile DIR when given, created on demand."""

from __future__ import annotations

from pathlib import Path

import pytest

from bbschedule.storage.paths import backup_dir, cache_path, data_dir, log_dir


def test_profile_folder_is_used_and_created(tmp_path: Path) -> None:
    profile = tmp_path / "a" / "profile"
    assert data_dir(profile) == profile
    assert profile.is_dir()
    assert cache_path(profile) == profile / "cache.sqlite3"
    assert backup_dir(profile).is_dir()
    assert backup_dir(profile).parent == profile
    assert log_dir(profile).is_dir()
    assert log_dir(profile).is_relative_to(profile)


def test_default_is_the_platform_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    folder = data_dir(None)
    assert folder == tmp_path / "xdg-data" / "BBSchedule"
    assert folder.is_dir()
    assert cache_path(None).parent == folder
    assert log_dir(None).is_relative_to(tmp_path)


def test_two_profiles_are_two_caches(tmp_path: Path) -> None:
    assert cache_path(tmp_path / "one") != cache_path(tmp_path / "two")
