"""Our XER reader and writer against MPXJ (the peer): the same counts on every sample, and a round trip
XER -> ours -> XER that MPXJ reads back with every activity, link, calendar, constraint and duration.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from bbschedule.formats.registry import ReadOptions, read_file
from bbschedule.formats.xer import read, write
from bbschedule.formats.xer.tokenizer import tokenize

pytestmark = pytest.mark.java


@pytest.fixture(scope="session")
def xer_peer() -> Any:
    """MPXJ's PrimaveraXERFileReader class (the JVM starts once per session, shared with other tests)."""
    jpype = pytest.importorskip("jpype")
    pytest.importorskip("mpxj")  # puts MPXJ's jars on the class path before the JVM starts
    if shutil.which("java") is None and jpype.getDefaultJVMPath() is None:
        pytest.skip("no Java for the MPXJ peer")
    if not jpype.isJVMStarted():
        jpype.startJVM(convertStrings=False)
    from org.mpxj.primavera import PrimaveraXERFileReader

    return PrimaveraXERFileReader


def _samples(samples_dir: Path) -> list[Path]:
    return sorted((samples_dir / "xer").glob("*.xer"))


_PEER_CACHE: dict[Path, dict[str, Any]] = {}


def _peer_projects(peer: Any, path: Path) -> dict[str, Any]:
    """MPXJ's projects of a file by code (each sample is read by MPXJ once per session)."""
    if path not in _PEER_CACHE:
        _PEER_CACHE[path] = {str(p.getProjectProperties().getProjectID()): p for p in peer().readAll(str(path))}
    return _PEER_CACHE[path]


def _activities(project: Any) -> list[Any]:
    return [t for t in project.getTasks() if t.getUniqueID() is not None and not t.getSummary()]


def _hours(duration: Any) -> float | None:
    return None if duration is None else round(float(duration.getDuration()), 3)


def _view(project: Any) -> dict[str, Any]:
    """What a round trip must keep, as MPXJ reads it."""
    from java.time import DayOfWeek

    tasks = {}
    links = set()
    for task in _activities(project):
        code = str(task.getActivityID())
        constraint = task.getConstraintType()
        second = task.getSecondaryConstraintType()
        tasks[code] = (
            str(task.getName()),
            _hours(task.getDuration()),
            _hours(task.getRemainingDuration()),
            None if constraint is None else str(constraint),
            None if task.getConstraintDate() is None else str(task.getConstraintDate())[:16],
            None if second is None else str(second),
            str(task.getActualStart())[:16] if task.getActualStart() is not None else None,
            str(task.getActualFinish())[:16] if task.getActualFinish() is not None else None,
        )
        for rel in task.getPredecessors():
            links.add((str(rel.getPredecessorTask().getActivityID()), code, str(rel.getType()), _hours(rel.getLag())))
    calendars = {}
    for cal in project.getCalendars():
        week = []
        for day in DayOfWeek.values():
            hours = cal.getCalendarHours(day)
            week.append(tuple((str(r.getStart()), str(r.getEnd())) for r in hours) if hours is not None else ())
        exceptions = sorted((str(e.getFromDate()), str(e.getToDate()), e.size()) for e in cal.getCalendarExceptions())
        calendars[str(cal.getName())] = (tuple(week), tuple(exceptions))
    return {"tasks": tasks, "links": links, "calendars": calendars}


def test_counts_equal_what_mpxj_reports(samples_dir: Path, xer_peer: Any) -> None:
    for path in _samples(samples_dir):
        ours = read(path, options=ReadOptions())
        peer = _peer_projects(xer_peer, path)
        assert len(peer) == len(ours.projects), path.name
        calendar_table = tokenize(path.read_bytes(), path=str(path)).tables["CALENDAR"]
        kinds, owners = calendar_table.column("clndr_type"), calendar_table.column("proj_id")
        for data in ours.projects:
            project = peer[data.project.code]
            where = f"{path.name} {data.project.code}"
            assert len(data.activities) == len(_activities(project)), where
            links = sum(len(list(t.getPredecessors())) for t in _activities(project))
            assert len(data.relationships) == links, where
            resources = [r for r in project.getResources() if r.getUniqueID() is not None and not r.getRole()]
            assert len(data.resources) == len(resources), where
            # MPXJ gives every project all calendars of the file; we leave out other projects' own calendars.
            others = sum(
                1 for k, o in zip(kinds, owners, strict=True) if k == "CA_Project" and o != data.project.source_id
            )
            assert len(data.calendars) == project.getCalendars().size() - others, where
            assert len(data.assignments) == project.getResourceAssignments().size(), where


def test_round_trip_keeps_what_mpxj_sees(samples_dir: Path, xer_peer: Any, tmp_path: Path) -> None:
    for path in _samples(samples_dir):
        originals = _peer_projects(xer_peer, path)
        for data in read(path, options=ReadOptions()).projects:
            out = tmp_path / f"{path.stem}-{data.project.source_id}.xer"
            write(data, out)
            (project,) = _peer_projects(xer_peer, out).values()
            before, after = _view(originals[data.project.code]), _view(project)
            where = f"{path.name} {data.project.code}"
            assert after["tasks"].keys() == before["tasks"].keys(), where
            for code, row in before["tasks"].items():
                assert after["tasks"][code] == row, f"{where} activity {code}"
            assert after["links"] == before["links"], where
            for name, calendar in after["calendars"].items():
                if name in before["calendars"] and "Invalid" not in name:
                    assert calendar == before["calendars"][name], f"{where} calendar {name}"
            assert set(after["calendars"]) <= set(before["calendars"]), where
            # ...and our own reader gets the same project back.
            (again,) = read(out, options=ReadOptions()).projects
            assert len(again.activities) == len(data.activities)
            assert {a.code for a in again.activities.values()} == {a.code for a in data.activities.values()}


def test_p6_computed_dates_and_floats_match_mpxj(samples_dir: Path, xer_peer: Any) -> None:
    """The scheduler's oracle: P6's own early/late dates and floats, as MPXJ reads them too."""
    from org.mpxj import TimeUnit

    compared = 0
    for name in ("pyp6xer_SP10_COST_LOADED.xer", "jaggelas_test.xer"):
        path = samples_dir / "xer" / name
        peer = _peer_projects(xer_peer, path)
        for data in read(path, options=ReadOptions()).projects:
            project = peer[data.project.code]
            props = project.getProjectProperties()
            tasks = {str(t.getActivityID()): t for t in _activities(project)}

            def text(value: Any) -> str | None:
                return None if value is None else str(value)[:16].replace("T", " ")

            def minutes(value: Any, props: Any = props) -> int | None:
                return (
                    None if value is None else round(float(value.convertUnits(TimeUnit.MINUTES, props).getDuration()))
                )

            for activity in data.activities.values():
                ours, task = data.computed[activity.id], tasks[activity.code]
                where = f"{name} {activity.code}"
                assert text(ours.early_start) == text(task.getEarlyStart()), where
                assert text(ours.early_finish) == text(task.getEarlyFinish()), where
                assert text(ours.late_start) == text(task.getLateStart()), where
                assert text(ours.late_finish) == text(task.getLateFinish()), where
                if ours.total_float is None:
                    # P6 leaves the floats of finished activities empty; MPXJ shows zero.
                    assert activity.actual_finish is not None, where
                    continue
                assert ours.total_float == minutes(task.getTotalSlack()), where
                assert ours.free_float == minutes(task.getFreeSlack()), where
                compared += 1
    assert compared > 3000


@pytest.mark.parametrize(
    "name",
    [
        "mspdi/mpxj_task-links-project2019.xml",
        "mspdi/mpxj_legacy_sample.xml",
        "mspdi/mpxj_mspditimephased.xml",
        "pmxml/mpxj_percent-complete-8.4.pmxml.xml",
    ],
)
def test_other_formats_written_as_xer_read_in_mpxj(samples_dir: Path, xer_peer: Any, tmp_path: Path, name: str) -> None:
    """A schedule read from MS Project or P6 XML and written by our XER writer: MPXJ sees all of it."""
    data = read_file(samples_dir / name).pick()
    out = tmp_path / "converted.xer"
    write(data, out)
    (project,) = xer_peer().readAll(str(out))
    activities = _activities(project)
    assert {str(t.getActivityID()) for t in activities} == {a.code for a in data.activities.values()}
    assert sum(len(list(t.getPredecessors())) for t in activities) == len(data.relationships)
    assert project.getCalendars().size() == len(data.calendars)
    by_code = {str(t.getActivityID()): t for t in activities}
    for activity in data.activities.values():
        task = by_code[activity.code]
        # MPXJ's Duration of a P6 activity is actual + remaining; the original one is its Planned Duration.
        assert round(float(task.getPlannedDuration().getDuration()) * 60) == activity.original_duration, activity.code
        assert round(float(task.getRemainingDuration().getDuration()) * 60) == activity.remaining, activity.code
