"""The `schedule` command: JSON that follows contracts/schedule-result.schema.json, exit 3 naming a loop."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from bbschedule.cli import EXIT_LOGIC, EXIT_OK, main
from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.calendar import Calendar
from bbschedule.core.project import Project
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.registry import write_file

SCHEMA = Path(__file__).resolve().parents[4] / "shared" / "contracts" / "schedule-result.schema.json"


@pytest.fixture(scope="module")
def schema() -> dict[str, object]:
    if not SCHEMA.exists():
        pytest.skip(f"no schema at {SCHEMA}")
    return json.loads(SCHEMA.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_schedule_xer_writes_valid_json(samples_dir: Path, tmp_path: Path, schema: dict[str, object]) -> None:
    out = tmp_path / "result.json"
    assert main(["schedule", str(samples_dir / "xer" / "jaggelas_test.xer"), "--json", str(out)]) == EXIT_OK
    doc = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    assert doc["project"]["activity_count"] == len(doc["activities"]) == 692
    assert doc["project"]["elapsed_ms"] > 0
    first = next(a for a in doc["activities"] if a["source_id"] == "A10290")
    assert first["early_start"] == "2025-04-22T09:40"  # P6's own date for this activity
    assert any(a["critical"] for a in doc["activities"])


def test_schedule_with_data_date_to_stdout(
    samples_dir: Path, capsys: pytest.CaptureFixture[str], schema: dict[str, object]
) -> None:
    path = samples_dir / "xer" / "jaggelas_test.xer"
    assert main(["schedule", str(path), "--data-date", "2025-06-02T08:00"]) == EXIT_OK
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, schema)
    assert doc["project"]["data_date"] == "2025-06-02T08:00"
    starts = [a["early_start"] for a in doc["activities"] if a["early_start"] and not a["actual_finish"]]
    assert min(starts) >= "2025-06-02T08:00"


def test_loop_exits_3_and_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cal = Calendar(name="Standard", id="c")
    import datetime as dt

    data = ProjectData(
        project=Project(code="L", name="Loop", planned_start=dt.datetime(2026, 1, 5, 8), default_calendar_id="c")
    )
    data.calendars["c"] = cal
    for code in ("A1", "A2", "A3"):
        data.activities[code] = Activity(code=code, name=code, calendar_id="c", original_duration=480, id=code)
    for pred, succ in (("A1", "A2"), ("A2", "A3"), ("A3", "A1")):
        rel = Relationship(pred, succ)
        data.relationships[rel.id] = rel
    path = tmp_path / "loop.bbs.json"
    write_file(data, path)
    assert main(["schedule", str(path)]) == EXIT_LOGIC
    err = capsys.readouterr().err
    assert "A1" in err
    assert "A2" in err
    assert "A3" in err


def test_unknown_source_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--profile", str(tmp_path), "schedule", "NO-SUCH-PROJECT"]) == 2
    assert "NO-SUCH-PROJECT" in capsys.readouterr().err


def test_schedule_a_cached_project_stores_the_dates(
    samples_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bbschedule.storage.cache import LocalCache
    from bbschedule.storage.paths import cache_path

    assert main(["--profile", str(tmp_path), "import", str(samples_dir / "xer" / "jaggelas_test.xer")]) == EXIT_OK
    capsys.readouterr()
    assert main(["--profile", str(tmp_path), "schedule", "10001"]) == EXIT_OK
    doc = json.loads(capsys.readouterr().out)
    assert doc["project"]["source_format"] == "bbschedule"
    cache = LocalCache(cache_path(tmp_path))
    try:
        summary = cache.find_project("10001")
        assert summary is not None
        data, _ = cache.load_project(summary.id)
    finally:
        cache.close()
    # A9200 is the one activity where our late finish differs from the one P6 stored: the cache holds ours.
    a = data.activity_by_code("A9200")
    assert a is not None
    ours = next(x for x in doc["activities"] if x["source_id"] == "A9200")["late_finish"]
    stored = data.computed[a.id].late_finish
    assert stored is not None
    assert stored.strftime("%Y-%m-%dT%H:%M") == ours != "2025-06-17T15:20"
