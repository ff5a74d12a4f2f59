"""Logging goes to a rotating file in the log folder, and configuring twice does not double the lines."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bbschedule.telemetry import locations
from bbschedule.telemetry.logging_setup import configure_logging, current_log_file, remove_logging


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    level = logging.getLogger().level
    yield
    remove_logging()
    logging.getLogger().setLevel(level)


def test_messages_land_in_the_profile_log_folder(tmp_path: Path) -> None:
    folder = locations.log_dir(tmp_path)
    path = configure_logging(folder=folder)
    logging.getLogger("bbschedule.test").warning("schedule of %d activities", 42)
    assert current_log_file() == path
    assert path.parent == folder
    assert folder.is_relative_to(tmp_path)
    assert "WARNING  [MainThread] bbschedule.test: schedule of 42 activities" in path.read_text(encoding="utf-8")


def test_configuring_twice_replaces_the_handler(tmp_path: Path) -> None:
    configure_logging(folder=tmp_path / "a")
    path = configure_logging(folder=tmp_path / "b")
    logging.getLogger("bbschedule.test").info("once")
    assert path.read_text(encoding="utf-8").count("once") == 1
    assert "once" not in (tmp_path / "a" / path.name).read_text(encoding="utf-8")


def test_the_file_rotates_and_keeps_the_last_few(tmp_path: Path) -> None:
    path = configure_logging(folder=tmp_path, max_bytes=2_000, backup_count=2)
    for number in range(200):
        logging.getLogger("bbschedule.test").info("line %04d %s", number, "x" * 40)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == [path.name, f"{path.name}.1", f"{path.name}.2"]
    assert all(p.stat().st_size <= 2_100 for p in tmp_path.iterdir())
    assert "line 0199" in path.read_text(encoding="utf-8")
