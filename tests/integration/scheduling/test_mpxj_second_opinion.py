"""Second opinion: MPXJ's PrimaveraScheduler (a peer that emulates P6) schedules the same real export; our
dates and its dates agree activity by activity."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from bbschedule.formats.registry import read_file
from bbschedule.scheduling.calendar import to_minutes
from bbschedule.scheduling.engine import schedule

pytestmark = pytest.mark.java


@pytest.fixture(scope="module")
def peer() -> Any:
    jpype = pytest.importorskip("jpype")
    pytest.importorskip("mpxj")  # puts MPXJ's jars on the class path before the JVM starts
    if shutil.which("java") is None and jpype.getDefaultJVMPath() is None:
        pytest.skip("no Java for the MPXJ peer")
    if not jpype.isJVMStarted():
        jpype.startJVM(convertStrings=False)
    from org.mpxj.cpm import PrimaveraScheduler
    from org.mpxj.primavera import PrimaveraXERFileReader

    return PrimaveraXERFileReader, PrimaveraScheduler


def _when(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime(
        value.getYear(), value.getMonthValue(), value.getDayOfMonth(), value.getHour(), value.getMinute()
    )


def test_mpxj_primavera_scheduler_agrees_on_sp10(samples_dir: Path, peer: Any) -> None:
    reader_class, scheduler_class = peer
    path = samples_dir / "xer" / "pyp6xer_SP10_COST_LOADED.xer"
    projects = list(reader_class().readAll(str(path)))
    project = max(projects, key=lambda p: p.getTasks().size())
    scheduler_class().schedule(project, project.getProjectProperties().getStatusDate())
    theirs = {
        str(t.getActivityID()): (
            _when(t.getEarlyStart()),
            _when(t.getEarlyFinish()),
            _when(t.getLateStart()),
            _when(t.getLateFinish()),
        )
        for t in project.getTasks()
        if t.getActivityID() is not None
    }
    data = read_file(path).pick()
    result = schedule(data)
    compared = agreed = 0
    for activity in data.activities.values():
        if activity.actual_finish is not None or activity.code not in theirs:
            continue
        if activity.type.value in ("level_of_effort", "wbs_summary"):
            continue
        ours = result.dates_of(activity.id)
        cal = result.net.cal[result.net.index[activity.id]]
        mine = (ours.early_start, ours.early_finish, ours.late_start, ours.late_finish)
        compared += 1
        agreed += all(
            a is not None and b is not None and cal.position(to_minutes(a)) == cal.position(to_minutes(b))
            for a, b in zip(mine, theirs[activity.code], strict=True)
        )
    share = agreed / max(1, compared)
    print(f"\nSP10: MPXJ's PrimaveraScheduler and ours agree on {agreed}/{compared} activities ({100 * share:.2f} %)")
    assert compared > 3000
    assert share >= 0.995
