"""The project's multiple float path settings (P6's Schedule Options, Advanced) through XER, PMXML, MSPDI, the
.bbs.json file, the local cache (old rows without them) and the sync codec (server rows without them)."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest

from bbschedule.core.codec import from_plain, to_plain
from bbschedule.core.enums import FloatPathBasis
from bbschedule.core.errors import ValidationError
from bbschedule.core.project import ScheduleOptions
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.registry import read_file, write_file
from bbschedule.storage.cache import LocalCache
from bbschedule.sync.fastcodec import entity_from_fields, fields_of

NEW_KEYS = ("multiple_float_paths", "float_path_count", "float_path_end_activity_id", "float_path_by")


def _schedoptions(path: Path) -> dict[str, str]:
    """SCHEDOPTIONS' first row straight from the file, as P6 wrote it."""
    lines = path.read_text(encoding="cp1252").splitlines()
    start = lines.index("%T\tSCHEDOPTIONS")
    names = lines[start + 1].split("\t")[1:]
    return dict(zip(names, lines[start + 2].split("\t")[1:], strict=False))


def _settings(data: ProjectData) -> tuple[bool, int, str | None, FloatPathBasis]:
    o = data.project.options
    end = data.activities[o.float_path_end_activity_id].code if o.float_path_end_activity_id else None
    return o.multiple_float_paths, o.float_path_count, end, o.float_path_by


@pytest.fixture(scope="module")
def jaggelas(samples_dir: Path) -> ProjectData:
    return read_file(samples_dir / "xer" / "jaggelas_test.xer").pick()


def test_jaggelas_gives_p6s_settings(samples_dir: Path, jaggelas: ProjectData) -> None:
    raw = _schedoptions(samples_dir / "xer" / "jaggelas_test.xer")
    key = next(a for a in jaggelas.activities.values() if a.source_id == raw["key_activity_for_multiple_longest_paths"])
    assert key.code == "M1320"
    assert _settings(jaggelas) == (True, 30, "M1320", FloatPathBasis.FREE_FLOAT)


def test_p6_defaults_read_as_p6_defaults(samples_dir: Path) -> None:
    # SP10 was saved with P6's defaults: off, 10 paths, total float, no ending activity.
    data = read_file(samples_dir / "xer" / "pyp6xer_SP10_COST_LOADED.xer").pick()
    assert _settings(data) == (False, 10, None, FloatPathBasis.TOTAL_FLOAT)
    assert ScheduleOptions().float_path_by is FloatPathBasis.TOTAL_FLOAT


@pytest.mark.parametrize("fmt", ["xer", "pmxml"])
def test_round_trips_keep_the_settings(tmp_path: Path, jaggelas: ProjectData, fmt: str) -> None:
    out = tmp_path / f"again.{fmt}"
    write_file(jaggelas, out, fmt=fmt)
    assert _settings(read_file(out).pick()) == (True, 30, "M1320", FloatPathBasis.FREE_FLOAT)
    # and other values than the sample's: total float, 7 paths, to the project's finish, off
    options = dataclasses.replace(
        jaggelas.project.options,
        multiple_float_paths=False,
        float_path_count=7,
        float_path_end_activity_id=None,
        float_path_by=FloatPathBasis.TOTAL_FLOAT,
    )
    changed = dataclasses.replace(jaggelas, project=dataclasses.replace(jaggelas.project, options=options))
    write_file(changed, out, fmt=fmt)
    assert _settings(read_file(out).pick()) == (False, 7, None, FloatPathBasis.TOTAL_FLOAT)


def test_xer_to_pmxml_to_xer(tmp_path: Path, jaggelas: ProjectData) -> None:
    write_file(jaggelas, tmp_path / "a.pmxml", fmt="pmxml")
    write_file(read_file(tmp_path / "a.pmxml").pick(), tmp_path / "b.xer")
    assert _settings(read_file(tmp_path / "b.xer").pick()) == (True, 30, "M1320", FloatPathBasis.FREE_FLOAT)


def test_an_ending_activity_outside_the_project_is_reported(tmp_path: Path, samples_dir: Path) -> None:
    text = (samples_dir / "xer" / "jaggelas_test.xer").read_text(encoding="cp1252")
    raw = _schedoptions(samples_dir / "xer" / "jaggelas_test.xer")
    key = raw["key_activity_for_multiple_longest_paths"]
    row = next(line for line in text.splitlines() if line.startswith("%R\t") and f"\t{key}\tpriority_type" in line)
    broken = tmp_path / "broken.xer"
    broken.write_text(text.replace(row, row.replace(f"\t{key}\t", "\t999999999\t")), encoding="cp1252")
    result = read_file(broken)
    assert _settings(result.pick()) == (True, 30, None, FloatPathBasis.FREE_FLOAT)
    assert any(i.code == "options.float_path_end" and "999999999" in i.message for i in result.report.items)


@pytest.mark.parametrize(("fmt", "name"), [("mspdi", "out.xml"), ("xlsx", "out.xlsx")])
def test_formats_without_them_say_so(tmp_path: Path, jaggelas: ProjectData, fmt: str, name: str) -> None:
    report = write_file(jaggelas, tmp_path / name, fmt=fmt)
    assert "project.float_paths" in report.summary()
    off = dataclasses.replace(jaggelas.project.options, multiple_float_paths=False)
    quiet = dataclasses.replace(jaggelas, project=dataclasses.replace(jaggelas.project, options=off))
    assert "project.float_paths" not in write_file(quiet, tmp_path / name, fmt=fmt).summary()


def test_project_json_keeps_them_and_reads_old_files(tmp_path: Path, jaggelas: ProjectData) -> None:
    out = tmp_path / "p.bbs.json"
    write_file(jaggelas, out)
    assert _settings(read_file(out).pick()) == (True, 30, "M1320", FloatPathBasis.FREE_FLOAT)
    doc = json.loads(out.read_text(encoding="utf-8"))
    for key in NEW_KEYS:
        del doc["project"]["options"][key]
    out.write_text(json.dumps(doc), encoding="utf-8")
    again = read_file(out).pick()
    assert _settings(again) == (False, 10, None, FloatPathBasis.TOTAL_FLOAT)
    assert again.project.options.progress_mode is jaggelas.project.options.progress_mode


def test_cache_keeps_them_and_loads_rows_written_before_them(tmp_path: Path, jaggelas: ProjectData) -> None:
    path = tmp_path / "cache.sqlite3"
    with LocalCache(path) as cache:
        summary = cache.import_project(jaggelas)
        data, _ = cache.load_project(summary.id)
        assert _settings(data) == (True, 30, "M1320", FloatPathBasis.FREE_FLOAT)
    # A cache written before these settings existed: its options JSON lacks the keys.
    with sqlite3.connect(path) as db:
        (text,) = db.execute("SELECT options FROM projects WHERE id = ?", (summary.id,)).fetchone()
        old = {k: v for k, v in json.loads(text).items() if k not in NEW_KEYS}
        db.execute("UPDATE projects SET options = ? WHERE id = ?", (json.dumps(old), summary.id))
    with LocalCache(path) as cache:
        data, _ = cache.load_project(summary.id)
    assert _settings(data) == (False, 10, None, FloatPathBasis.TOTAL_FLOAT)
    assert data.project.options.lag_calendar is jaggelas.project.options.lag_calendar


def test_sync_codec_round_trips_them_and_reads_server_rows_without_them(jaggelas: ProjectData) -> None:
    project = jaggelas.project
    fields = fields_of(project)
    assert entity_from_fields("project", project.id, fields).options == project.options
    fields["options"] = {k: v for k, v in fields["options"].items() if k not in NEW_KEYS}
    assert entity_from_fields("project", project.id, fields).options == dataclasses.replace(
        project.options,
        multiple_float_paths=False,
        float_path_count=10,
        float_path_end_activity_id=None,
        float_path_by=FloatPathBasis.TOTAL_FLOAT,
    )


@pytest.mark.parametrize("count", [0, -3, 1000])
def test_a_bad_count_is_refused_naming_the_field(count: int) -> None:
    with pytest.raises(ValidationError) as caught:
        ScheduleOptions(float_path_count=count)
    assert caught.value.field == "options.float_path_count"
    plain = to_plain(ScheduleOptions())
    plain["float_path_count"] = count
    with pytest.raises(ValidationError):
        from_plain(ScheduleOptions, plain, "project.options")
    assert ScheduleOptions(float_path_count=999).float_path_count == 999
