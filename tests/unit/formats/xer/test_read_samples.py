"""Every shared XER sample reads; the known facts of the samples (README) come back."""

from __future__ import annotations

from pathlib import Path

import pytest

from bbschedule.core.enums import ActivityType, LagCalendar, ProgressMode, RelationshipType
from bbschedule.formats.registry import ReadOptions, read_file
from bbschedule.formats.xer import read


def _samples(samples_dir: Path) -> list[Path]:
    return sorted((samples_dir / "xer").glob("*.xer"))


def test_every_sample_reads_with_consistent_references(samples_dir: Path) -> None:
    files = _samples(samples_dir)
    assert len(files) >= 9
    for path in files:
        result = read_file(path)
        assert result.format == "xer"
        assert result.projects, path.name
        for data in result.projects:
            data.check_all()
            assert set(data.computed) == set(data.activities)
            assert data.project.default_calendar_id in data.calendars


def test_cost_loaded_sample_matches_its_description(samples_dir: Path) -> None:
    result = read(samples_dir / "xer" / "pyp6xer_SP10_COST_LOADED.xer", options=ReadOptions())
    assert result.extra["encoding"] == "cp1252"
    (data,) = result.projects
    kinds = [a.type for a in data.activities.values()]
    assert len(kinds) == 3994
    assert kinds.count(ActivityType.TASK) == 2635
    assert kinds.count(ActivityType.FINISH_MILESTONE) == 1037
    assert kinds.count(ActivityType.START_MILESTONE) == 319
    assert kinds.count(ActivityType.LEVEL_OF_EFFORT) == 3
    assert len(data.relationships) == 5966
    assert sum(1 for r in data.relationships.values() if r.lag) == 220
    assert len(data.calendars) == 6
    assert len(data.resources) == 180
    progressed = [a for a in data.activities.values() if a.actual_start is not None]
    assert len(progressed) == 693
    # P6's own dates are kept for the scheduler's oracle; floats in minutes.
    with_dates = [c for c in data.computed.values() if c.early_start is not None]
    assert len(with_dates) > 3000


def test_two_projects_and_non_default_options(samples_dir: Path) -> None:
    result = read(samples_dir / "xer" / "jaggelas_test.xer", options=ReadOptions())
    assert len(result.projects) == 2
    main = result.pick()
    assert len(main.activities) == 692
    assert len(main.relationships) == 1592
    assert {r.type for r in main.relationships.values()} == set(RelationshipType)
    assert main.project.options.progress_mode is ProgressMode.PROGRESS_OVERRIDE
    assert main.project.options.lag_calendar is LagCalendar.SUCCESSOR


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mpxj_PredecessorCalendar.xer", LagCalendar.PREDECESSOR),
        ("mpxj_SuccessorCalendar.xer", LagCalendar.SUCCESSOR),
        ("mpxj_ProjectDefaultCalendar.xer", LagCalendar.PROJECT_DEFAULT),
        ("mpxj_TwentyFourHourCalendar.xer", LagCalendar.TWENTY_FOUR_HOUR),
    ],
)
def test_lag_calendar_option(samples_dir: Path, name: str, expected: LagCalendar) -> None:
    (data,) = read(samples_dir / "xer" / name, options=ReadOptions()).projects
    assert data.project.options.lag_calendar is expected


def test_invalid_calendar_data_is_a_warning(samples_dir: Path) -> None:
    result = read(samples_dir / "xer" / "mpxj_invalid-8.4.xer", options=ReadOptions())
    codes = result.report.summary()
    assert codes.get("calendar.invalid_data") == 1
    (data,) = result.projects
    names = {c.name for c in data.calendars.values()}
    assert "Test - Invalid" in names
    assert len(data.activities) == 12
