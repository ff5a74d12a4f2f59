"""The use cases the UI and the CLI share: open the profile's cache, import any file, open a session, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.unit.storage.storage_factories import rich_project, tables_of

from bbschedule.core.commands import SetActivityField
from bbschedule.core.errors import InputFileError
from bbschedule.formats.project_json import to_document
from bbschedule.formats.registry import read_file
from bbschedule.services.projects import export_project, import_file, open_or_create_cache, open_session


def test_import_open_edit_export(tmp_path: Path) -> None:
    data = rich_project("USE1")
    source = tmp_path / "in.bbs.json"
    source.write_text(json.dumps(to_document(data)), encoding="utf-8")
    cache = open_or_create_cache(tmp_path / "profile")
    try:
        assert cache.path == tmp_path / "profile" / "cache.sqlite3"
        summary, report = import_file(cache, source)
        assert (summary.code, summary.activity_count) == ("USE1", 3)
        assert report.counts["activities"] == 3
        session = open_session(cache, summary.id)
        assert tables_of(session.data) == tables_of(data)
        first = next(iter(data.activities))
        session.apply(SetActivityField(first, "name", "Edited in the session"))
        out = tmp_path / "out.bbs.json"
        export_project(cache, "USE1", out)
        exported = json.loads(out.read_text(encoding="utf-8"))
        names = {a["id"]: a["name"] for a in exported["activities"]}
        assert names[first] == "Edited in the session"
        with pytest.raises(InputFileError, match="NOPE"):
            export_project(cache, "NOPE", out)
    finally:
        cache.close()


def test_a_real_p6_export_goes_in_and_comes_back_whole(tmp_path: Path, samples_dir: Path) -> None:
    path = samples_dir / "xer" / "pyp6xer_SP10_COST_LOADED.xer"
    cache = open_or_create_cache(tmp_path / "profile")
    try:
        summary, report = import_file(cache, path)
        assert report.format == "xer"
        assert summary.activity_count > 3000
        # The reader makes new ids on each read, so the exact comparison imports one read's objects directly.
        expected = read_file(path).pick()
        cache.import_project(expected, replace=True)
        assert [p.id for p in cache.list_projects()] == [expected.project.id]
        loaded, _history = cache.load_project(expected.project.id)
    finally:
        cache.close()
    assert loaded.project == expected.project
    assert tables_of(loaded) == tables_of(expected)
    assert loaded.computed == expected.computed


def test_a_file_with_several_projects_takes_the_one_asked_for(tmp_path: Path, samples_dir: Path) -> None:
    path = samples_dir / "xer" / "jaggelas_test.xer"
    result = read_file(path)
    if len(result.projects) < 2:
        pytest.skip("the reader returns a single project for this file")
    smallest = min(result.projects, key=lambda p: len(p.activities))
    cache = open_or_create_cache(tmp_path / "profile")
    try:
        summary, _ = import_file(cache, path, smallest.project.code)
        assert summary.code == smallest.project.code
        assert summary.activity_count == len(smallest.activities)
    finally:
        cache.close()


def test_import_reports_progress_and_can_be_cancelled(tmp_path: Path) -> None:
    from bbschedule.core.errors import CancelledError
    from bbschedule.core.progress import Progress

    source = tmp_path / "in.bbs.json"
    source.write_text(json.dumps(to_document(rich_project("PROG"))), encoding="utf-8")
    seen: list[tuple[float, str]] = []
    cache = open_or_create_cache(tmp_path / "profile")
    try:
        import_file(cache, source, progress=Progress(lambda f, m: seen.append((f, m))))
        fractions = [f for f, _ in seen]
        assert fractions == sorted(fractions)
        assert fractions[-1] == 1.0
        assert any("activities" in m for _, m in seen)
        cancelled = Progress()
        cancelled.cancel()
        with pytest.raises(CancelledError):
            import_file(cache, source, replace=True, progress=cancelled)
        assert [p.code for p in cache.list_projects()] == ["PROG"]
    finally:
        cache.close()
