"""A project scheduled with P6's "actual dates" option keeps it through XER and PMXML (sched_retained_logic=N,
sched_progress_override=N) and schedules the same after reading back.

No sample in ../shared/samples was scheduled by P6 with actual dates, so the expected dates are the ones worked
by hand in tests/unit/scheduling/test_progress_modes.py (the rules in scheduling/modes.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.calendar import Calendar, standard_week
from bbschedule.core.enums import ProgressMode
from bbschedule.core.project import Project, ScheduleOptions
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.registry import read_file, write_file
from bbschedule.scheduling.engine import schedule

DAY = 480


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 1, day, hour)


def project(mode: ProgressMode) -> ProjectData:
    data = ProjectData(
        project=Project(
            code="AD",
            name="Actual dates",
            planned_start=at(5, 8),
            data_date=at(7, 8),
            default_calendar_id="std",
            options=ScheduleOptions(progress_mode=mode),
        )
    )
    data.calendars["std"] = Calendar(name="5x8", week=standard_week(), id="std", is_default=True)

    def act(code: str, days: int, **fields: object) -> None:
        data.activities[code] = Activity(
            code=code, name=code, calendar_id="std", original_duration=days * DAY, id=code, **fields
        )

    # A2 finished out of sequence (A1 has not started) and after the data date.
    act("A1", 3)
    act("A2", 2, actual_start=at(5, 8), actual_finish=at(8, 17), remaining_duration=0)
    act("A3", 2)
    for pred, succ in (("A1", "A2"), ("A2", "A3")):
        rel = Relationship(pred, succ)
        data.relationships[rel.id] = rel
    return data


@pytest.mark.parametrize("suffix", [".xer", ".xml"])
@pytest.mark.parametrize(
    ("mode", "a3_start"),
    [
        (ProgressMode.RETAINED_LOGIC, at(12, 8)),
        (ProgressMode.PROGRESS_OVERRIDE, at(7, 8)),
        (ProgressMode.ACTUAL_DATES, at(9, 8)),
    ],
)
def test_progress_mode_survives_the_file_and_drives_the_dates(
    tmp_path: Path, suffix: str, mode: ProgressMode, a3_start: dt.datetime
) -> None:
    path = tmp_path / f"actual-dates{suffix}"
    write_file(project(mode), path, fmt="xer" if suffix == ".xer" else "pmxml")
    back = read_file(path).pick()
    assert back.project.options.progress_mode is mode
    result = schedule(back)
    a3 = back.activity_by_code("A3")
    assert a3 is not None
    assert result.dates_of(a3.id).early_start == a3_start
