"""Backups with SQLite's online backup API: timestamped, pruned to the newest N, restored all or nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from tests.unit.storage.storage_factories import rich_project, tables_of

from bbschedule.core.commands import SetActivityField
from bbschedule.core.errors import InputFileError
from bbschedule.services.projects import open_session
from bbschedule.storage.backup import backup_now, integrity_problems, list_backups, restore
from bbschedule.storage.cache import LocalCache


def _file_bytes(path: Path) -> bytes:
    """The cache's content as SQLite sees it (a dump), independent of WAL checkpoints."""
    db = sqlite3.connect(path)
    try:
        return "\n".join(db.iterdump()).encode()
    finally:
        db.close()


DATA = rich_project()


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    path = tmp_path / "profile" / "cache.sqlite3"
    with LocalCache(path) as cache:
        cache.import_project(DATA)
    return path


def test_backup_is_a_complete_cache_taken_while_a_session_is_open(filled: Path, tmp_path: Path) -> None:
    data = DATA
    with LocalCache(filled) as cache:
        session = open_session(cache, data.project.id)
        session.apply(SetActivityField(next(iter(data.activities)), "name", "Edited before the backup"))
        saved = backup_now(filled, tmp_path / "backups", keep=3)  # the session's connection is still open
    assert saved.exists()
    assert integrity_problems(saved) == []
    with LocalCache(saved) as copy:
        loaded, history = copy.load_project(data.project.id)
    assert loaded.activities[next(iter(data.activities))].name == "Edited before the backup"
    assert [e.label for e in history.entries] == ["Change name"]


def test_only_the_newest_backups_are_kept(filled: Path, tmp_path: Path) -> None:
    made = [backup_now(filled, tmp_path / "backups", keep=3) for _ in range(5)]
    kept = list_backups(tmp_path / "backups")
    assert [b.path for b in kept] == made[:-4:-1]  # newest first
    assert all(b.size > 0 for b in kept)
    assert not any(p.exists() for p in made[:2])


def test_restore_brings_back_the_data(filled: Path, tmp_path: Path) -> None:
    data = DATA
    saved = backup_now(filled, tmp_path / "backups")
    with LocalCache(filled) as cache:
        session = open_session(cache, data.project.id)
        for activity_id in list(data.activities):
            session.apply(SetActivityField(activity_id, "name", "Changed after the backup"))
        cache.import_project(rich_project("SECOND"))
    restore(saved, filled)
    with LocalCache(filled) as cache:
        assert [p.code for p in cache.list_projects()] == ["RICH"]
        loaded, history = cache.load_project(data.project.id)
    assert tables_of(loaded) == tables_of(data)
    assert history.entries == []
    assert integrity_problems(filled) == []


def test_a_corrupt_backup_is_refused_and_the_cache_is_unchanged(filled: Path, tmp_path: Path) -> None:
    saved = backup_now(filled, tmp_path / "backups")
    raw = bytearray(saved.read_bytes())
    page = 4096
    for offset in range(2 * page, len(raw) - page, 3 * page):  # scribble over B-tree pages, keep the header
        raw[offset : offset + 200] = b"\xa5" * 200
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(bytes(raw))
    before = _file_bytes(filled)
    with pytest.raises(InputFileError) as caught:
        restore(broken, filled)
    assert str(broken) in str(caught.value)
    assert _file_bytes(filled) == before
    assert not list(filled.parent.glob(".restore-*"))  # the staged copy is gone


def test_a_file_that_is_not_a_cache_is_refused(filled: Path, tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite3"
    text.write_text("just some text, not a database\n" * 200)
    other = tmp_path / "other.sqlite3"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    before = _file_bytes(filled)
    with pytest.raises(InputFileError, match="not an intact"):
        restore(text, filled)
    with pytest.raises(InputFileError, match="not a BBSchedule cache"):
        restore(other, filled)
    with pytest.raises(InputFileError, match="no such backup"):
        restore(tmp_path / "missing.sqlite3", filled)
    assert _file_bytes(filled) == before


def test_scheduled_backup_only_when_due(filled: Path, tmp_path: Path) -> None:
    import datetime as dt

    from bbschedule.storage.backup import backup_if_due

    folder = tmp_path / "backups"
    assert backup_if_due(tmp_path / "no-cache.sqlite3", folder) is None
    first = backup_if_due(filled, folder, every=dt.timedelta(hours=1))
    assert first is not None
    assert "scheduled" in first.name
    assert backup_if_due(filled, folder, every=dt.timedelta(hours=1)) is None
    assert backup_if_due(filled, folder, every=dt.timedelta(0)) is not None
    assert len(list_backups(folder)) == 2
