"""The MSPDI reader on a hand-made file: what the samples lack, read and reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.unit.formats.mspdi.handmade import MSPDI

from bbschedule.core.calendar import WorkInterval
from bbschedule.core.enums import ActivityType, ConstraintType, RelationshipType
from bbschedule.formats import mspdi
from bbschedule.formats.registry import ImportResult, ReadOptions


@pytest.fixture
def result(tmp_path: Path) -> ImportResult:
    path = tmp_path / "handmade.xml"
    path.write_text(MSPDI, encoding="utf-8")
    return mspdi.read(path, options=ReadOptions())


def test_project_and_options(result: ImportResult) -> None:
    data = result.pick()
    assert data.project.name == "Hand made"
    assert data.project.data_date == dt.datetime(2024, 1, 3, 17)
    assert data.project.options.critical_float_threshold == 2 * 480


def test_work_weeks_and_derived_calendars(result: ImportResult) -> None:
    data = result.pick()
    calendars = {c.name: c for c in data.calendars.values()}
    standard, saturdays = calendars["Standard"], calendars["Saturdays too"]
    # The summer work week makes Fridays 5 and 12 July 2024 non-working.
    assert standard.intervals_on(dt.date(2024, 7, 5)) == ()
    assert standard.intervals_on(dt.date(2024, 7, 4)) != ()
    assert standard.intervals_on(dt.date(2024, 7, 19)) != ()
    assert saturdays.week[5] == (WorkInterval(480, 720),)
    assert saturdays.week[0] == standard.week[0]
    assert saturdays.intervals_on(dt.date(2024, 7, 12)) == (), "a derived calendar keeps its base's work weeks"
    assert result.report.summary()["calendar.work_week_expanded"] == 1


def test_tasks_constraints_and_progress(result: ImportResult) -> None:
    data = result.pick()
    acts = {a.name: a for a in data.activities.values()}
    assert sorted(acts) == ["Build", "Cure", "Design", "Done"]
    design = acts["Design"]
    assert design.primary_constraint is not None
    assert design.primary_constraint.type is ConstraintType.MANDATORY_START
    assert (design.original_duration, design.actual_duration, design.remaining) == (2400, 1440, 960)
    build = acts["Build"]
    assert build.primary_constraint is not None
    assert build.primary_constraint.type is ConstraintType.FINISH_ON_OR_AFTER
    assert build.secondary_constraint is not None
    assert build.secondary_constraint.date == dt.datetime(2024, 2, 1, 17)
    assert data.calendars[build.calendar_id].name == "Saturdays too"
    cure = acts["Cure"]
    assert cure.actual_start == cure.actual_finish == dt.datetime(2024, 1, 9, 17)
    assert acts["Done"].type is ActivityType.FINISH_MILESTONE
    phase = next(w for w in data.wbs.values())
    assert (phase.name, phase.code) == ("Phase", "1")
    assert design.wbs_id == build.wbs_id == phase.id
    assert cure.wbs_id is None


def test_lags_in_every_unit(result: ImportResult) -> None:
    data = result.pick()
    name = {a.id: a.name for a in data.activities.values()}
    links = {(name[r.predecessor_id], name[r.successor_id]): (r.type, r.lag) for r in data.relationships.values()}
    assert links == {
        # 50% of Design's 40 hours.
        ("Design", "Build"): (RelationshipType.FS, 1200),
        # One elapsed day from Build's finish (Monday 17:00, on its own calendar) holds 8 working hours.
        ("Build", "Cure"): (RelationshipType.FF, 480),
        ("Cure", "Done"): (RelationshipType.SS, -240),
    }
    summary = result.report.summary()
    assert summary["link.lag_converted"] == 2
    assert summary["link.summary"] == 1
    assert summary["link.cross_project"] == 2
    assert summary["task.external"] == 1
    assert summary["task.null"] == 1
    assert summary["task.actual_start_missing"] == 1
    assert summary["constraint.deadline"] == 1


@pytest.mark.parametrize("encoding", ["utf-16", "windows-1252"])
def test_declared_encodings_are_honoured(tmp_path: Path, encoding: str) -> None:
    text = MSPDI.replace('encoding="UTF-8"', f'encoding="{encoding}"').replace("Hand made", "Café façade")
    path = tmp_path / f"{encoding}.xml"
    path.write_bytes(text.encode(encoding))
    data = mspdi.read(path, options=ReadOptions()).pick()
    assert data.project.name == "Café façade"
    assert len(data.activities) == 4


def test_project_name_without_title_is_the_file_stem(tmp_path: Path) -> None:
    path = tmp_path / "untitled.xml"
    path.write_text(MSPDI.replace("<Title>Hand made</Title>", ""), encoding="utf-8")
    project = mspdi.read(path, options=ReadOptions()).pick().project
    assert (project.code, project.name) == ("handmade", "handmade")


def test_a_uid_used_twice_is_refused_with_its_line(tmp_path: Path) -> None:
    from bbschedule.core.errors import InputFileError

    path = tmp_path / "twice.xml"
    path.write_text(MSPDI.replace("<UID>14</UID>", "<UID>12</UID>"), encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        mspdi.read(path, options=ReadOptions())
    assert info.value.field == "Task/UID"
    assert info.value.line is not None
    assert "12" in info.value.message
