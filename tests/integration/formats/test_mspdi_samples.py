"""MSPDI samples written by MS Project: every one reads, with MPXJ's counts, and survives a round trip."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bbschedule.core.calendar import WorkInterval
from bbschedule.formats import constraints, mspdi
from bbschedule.formats.registry import ReadOptions, read_file, write_file

SAMPLES = sorted(
    p.name for p in (Path(__file__).resolve().parents[3].parent / "shared" / "samples" / "mspdi").glob("*.xml")
)


def _read(path: Path) -> Any:
    return mspdi.read(path, options=ReadOptions()).pick()


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_reads_with_a_report(samples_dir: Path, name: str) -> None:
    result = mspdi.read(samples_dir / "mspdi" / name, options=ReadOptions())
    data = result.pick()
    data.check_all()
    assert result.report.direction == "import"
    assert result.report.counts["activities"] == len(data.activities)
    assert data.calendars, "every MSPDI file has at least one calendar"
    assert all(a.source_id and a.source_id.isdigit() for a in data.activities.values()), "source id is the UID"


@pytest.mark.java
@pytest.mark.parametrize("name", SAMPLES)
def test_counts_equal_what_mpxj_reads(samples_dir: Path, name: str, mpxj_summary: Callable[[Path], Any]) -> None:
    path = samples_dir / "mspdi" / name
    ours = _read(path)
    peer = mpxj_summary(path)
    assert len(ours.activities) == len(peer["activities"])
    assert len(ours.relationships) == len(peer["links"])
    assert len(ours.calendars) == len(peer["calendars"])
    assert sorted(r.name for r in ours.resources.values()) == peer["resources"]


@pytest.mark.java
@pytest.mark.parametrize("name", SAMPLES)
def test_round_trip_through_our_writer_keeps_what_mpxj_sees(
    samples_dir: Path, tmp_path: Path, name: str, mpxj_compare: Callable[..., None]
) -> None:
    path = samples_dir / "mspdi" / name
    imported = mspdi.read(path, options=ReadOptions())
    out = tmp_path / "round.xml"
    report = mspdi.write(imported.pick(), out)
    assert report.direction == "export"
    assert report.counts["activities"] == len(_read(out).activities)
    # Elapsed durations are converted to working time on import (and reported): MPXJ then sees working days.
    converted = {
        (item.where.removeprefix("Task UID "), "duration")
        for item in imported.report.items
        if item.code == "duration.elapsed"
    }
    mpxj_compare(path, out, converted)


def test_recurring_exceptions_expand_to_the_days_ms_project_listed(samples_dir: Path) -> None:
    """MS Project writes each recurring exception twice: as a rule and, for old readers, as dated WeekDays."""
    path = samples_dir / "mspdi" / "mpxj_calendar-recurring-exceptions-project2016.xml"
    result = mspdi.read(path, options=ReadOptions())
    calendar = next(iter(result.pick().calendars.values()))
    ours = set()
    for exc in calendar.exceptions:
        day = exc.start
        while day <= exc.finish:
            ours.add((day, exc.intervals))
            day += dt.timedelta(days=1)
    legacy = set()
    text = path.read_text(encoding="utf-8")
    pattern = (
        r"<WeekDay>\s*<DayType>0</DayType>\s*<DayWorking>(\d)</DayWorking>\s*<TimePeriod>\s*<FromDate>([^<]*)"
        r"</FromDate>\s*<ToDate>([^<]*)</ToDate>\s*</TimePeriod>(.*?)</WeekDay>"
    )
    for working, start, finish, rest in re.findall(pattern, text, re.S):
        intervals: tuple[WorkInterval, ...] = ()
        if working == "1":
            times = re.findall(r"<FromTime>(\d\d):(\d\d)[^<]*</FromTime>\s*<ToTime>(\d\d):(\d\d)", rest)
            intervals = tuple(WorkInterval(int(a) * 60 + int(b), int(c) * 60 + int(d)) for a, b, c, d in times)
        day, last = dt.date.fromisoformat(start[:10]), dt.date.fromisoformat(finish[:10])
        while day <= last:
            legacy.add((day, intervals))
            day += dt.timedelta(days=1)
    assert len(legacy) > 100
    assert ours == legacy
    assert result.report.summary()["calendar.recurring_exception_expanded"] >= 20


def test_ms_project_dates_and_slack_are_kept_as_the_oracle(samples_dir: Path) -> None:
    data = _read(samples_dir / "mspdi" / "mpxj_task-links-project2019.xml")
    assert len(data.computed) == len(data.activities)
    by_uid = {a.source_id: a for a in data.activities.values()}
    task1 = data.computed[by_uid["1"].id]
    # The file says TotalSlack 48000 tenths of a minute: ten 8-hour days.
    assert task1.total_float == 4800
    assert task1.early_start == dt.datetime(2018, 10, 18, 8, 0)
    assert task1.late_finish == dt.datetime(2018, 11, 2, 8, 0)


def test_links_read_with_type_and_lag_in_working_minutes(samples_dir: Path) -> None:
    data = _read(samples_dir / "mspdi" / "mpxj_task-links-project2019.xml")
    uid = {a.id: a.source_id for a in data.activities.values()}
    links = {(uid[r.predecessor_id], uid[r.successor_id]): (r.type.value, r.lag) for r in data.relationships.values()}
    assert links[("1", "2")] == ("FS", 0)
    assert links[("3", "4")] == ("FS", 480)
    assert links[("9", "10")] == ("FS", 2 * 2400)
    assert links[("11", "12")] == ("SF", 960)
    assert links[("13", "14")] == ("SS", 960)
    assert links[("15", "16")] == ("FF", 960)


def test_summary_tasks_become_the_wbs_tree(samples_dir: Path) -> None:
    data = _read(samples_dir / "mspdi" / "mpxj_legacy_sample1.xml")
    assert data.wbs
    parents = {w.parent_id for w in data.wbs.values()}
    assert None in parents
    assert all(a.wbs_id is None or a.wbs_id in data.wbs for a in data.activities.values())
    assert any(a.wbs_id is not None for a in data.activities.values())


def test_elapsed_durations_become_working_minutes_with_a_note(samples_dir: Path) -> None:
    result = mspdi.read(samples_dir / "mspdi" / "mpxj_mspdiduration.xml", options=ReadOptions())
    by_name = {a.name: a for a in result.pick().activities.values()}
    # 'Task 8' is one elapsed day from 08:00: eight working hours on the standard calendar.
    assert by_name["Task 8"].original_duration == 480
    assert by_name["Task 3"].original_duration == 480
    assert result.report.summary()["duration.elapsed"] == 5


def test_baselines_become_core_baselines(samples_dir: Path) -> None:
    data = _read(samples_dir / "mspdi" / "mpxj_baselines.xml")
    assert len(data.baselines) >= 2
    assert all(b.name.startswith("Baseline") for b in data.baselines.values())
    assert sum(len(b.activities) for b in data.baselines.values()) >= len(data.baselines)
    for baseline in data.baselines.values():
        assert all(row.activity_id in data.activities for row in baseline.activities)


def test_registry_routes_xml_to_mspdi_and_converts_to_pmxml(samples_dir: Path, tmp_path: Path) -> None:
    result = read_file(samples_dir / "mspdi" / "mpxj_task-links-project2019.xml")
    assert result.format == "mspdi"
    out = tmp_path / "links.pmxml"
    report = write_file(result.pick(), out)
    assert report.format == "pmxml"
    back = read_file(out).pick()
    assert len(back.activities) == 16
    assert len(back.relationships) == 8


@pytest.mark.java
@pytest.mark.parametrize("name", ["mpxj_legacy_sample.xml", "mpxj_calendar-recurring-exceptions-project2016.xml"])
def test_written_elements_follow_ms_projects_schema(
    samples_dir: Path, tmp_path: Path, name: str, schema_order_problems: Callable[[Path, str], list[str]]
) -> None:
    """Our output follows MS Project's published XSD, whose order MPXJ's JAXB classes carry."""
    out = tmp_path / "schema.xml"
    mspdi.write(_read(samples_dir / "mspdi" / name), out)
    assert schema_order_problems(out, "org.mpxj.mspdi.schema.Project") == []
    # The check itself finds trouble (MS Project's own files are looser than its XSD, so they are no reference).
    shuffled = tmp_path / "shuffled.xml"
    text = out.read_text(encoding="utf-8")
    shuffled.write_text(text.replace("<Calendars>", "<Bogus/><Calendars>", 1), encoding="utf-8")
    assert schema_order_problems(shuffled, "org.mpxj.mspdi.schema.Project")


def test_ms_project_scheduling_rules_become_options(samples_dir: Path) -> None:
    from bbschedule.core.enums import FloatMode, LagCalendar

    result = mspdi.read(samples_dir / "mspdi" / "mpxj_task-links-project2019.xml", options=ReadOptions())
    options = result.pick().project.options
    assert options.lag_calendar is LagCalendar.SUCCESSOR
    assert options.float_mode is FloatMode.SMALLEST
    assert options.critical_float_threshold == 0


def test_what_is_not_read_is_counted(samples_dir: Path) -> None:
    result = mspdi.read(samples_dir / "mspdi" / "mpxj_mspditimephased.xml", options=ReadOptions())
    messages = [i.message for i in result.report.items if i.code == "mspdi.not_read"]
    assert any("timephased data rows" in m for m in messages)


@pytest.mark.java
def test_lag_units_agree_with_mpxj(tmp_path: Path, mpxj_reader: Callable[[Path], Any]) -> None:
    """Percent and elapsed lags: MPXJ keeps the unit, we convert; both must mean the same thing."""
    from tests.unit.formats.mspdi.handmade import MSPDI

    path = tmp_path / "handmade.xml"
    path.write_text(MSPDI, encoding="utf-8")
    ours = _read(path)
    name = {a.id: a.name for a in ours.activities.values()}
    lags = {(name[r.predecessor_id], name[r.successor_id]): r.lag for r in ours.relationships.values()}
    peer = {}
    for task in mpxj_reader(path).getTasks():
        for rel in task.getPredecessors():
            lag = rel.getLag()
            peer[(str(rel.getPredecessorTask().getName()), str(task.getName()))] = (
                float(lag.getDuration()),
                str(lag.getUnits()),
            )
    assert peer[("Design", "Build")] == (50.0, "%")
    assert lags[("Design", "Build")] == 0.5 * 2400
    assert peer[("Build", "Cure")] == (1.0, "ed")
    assert lags[("Build", "Cure")] == 480
    assert peer[("Cure", "Done")] == (-4.0, "h")
    assert lags[("Cure", "Done")] == -240


@pytest.mark.java
@pytest.mark.parametrize(
    "name",
    [
        "mpxj_PredecessorCalendar.xer",
        "mpxj_percent-complete-8.4.xer",
        "mpxj_resource-rates-test.xer",
        # 4,000 activities: MPXJ alone takes seconds to read it twice.
        pytest.param("pyp6xer_SP10_COST_LOADED.xer", marks=pytest.mark.slow),
    ],
)
def test_xer_to_mspdi_keeps_what_mpxj_sees(
    samples_dir: Path, tmp_path: Path, name: str, mpxj_compare: Callable[..., None]
) -> None:
    """XER -> ours -> MSPDI -> MPXJ: activities (by Activity ID), links, calendars, constraints, durations."""
    source = samples_dir / "xer" / name
    try:
        data = read_file(source).pick()
    except ModuleNotFoundError:
        pytest.skip("the XER reader is not there yet")
    out = tmp_path / "from-xer.xml"
    report = mspdi.write(data, out)
    # What the report says changed: durations of started activities (MS Project's is actual + remaining),
    # P6's soft 'Start On'/'Finish On' (MS Project's Must Start/Finish On).
    converted = {(a.code, "duration") for a in data.activities.values() if a.is_started}
    converted |= {
        (a.code, "constraint")
        for a in data.activities.values()
        if a.primary_constraint is not None and constraints.to_msp(a.primary_constraint.type)[1]
    }
    dropped = report.summary().get("relationship.duplicate", 0)
    assert dropped == len(data.relationships) - len(
        {(r.predecessor_id, r.successor_id) for r in data.relationships.values()}
    )
    mpxj_compare(
        source,
        out,
        converted,
        links_dropped=dropped,
        after_text1=True,
        fields={"name", "duration", "milestone", "constraint", "constraint_date", "actual_start", "actual_finish"},
    )


@pytest.mark.java
def test_a_p6_rich_project_follows_both_schemas(
    tmp_path: Path, schema_order_problems: Callable[[Path, str], list[str]]
) -> None:
    """Baselines, rates, assignments, notes, deadlines, exceptions: every element we can write, checked."""
    from tests.unit.formats.mspdi.rich_project import build

    from bbschedule.formats import pmxml

    data = build()
    mspdi.write(data, tmp_path / "rich.xml")
    pmxml.write(data, tmp_path / "rich.pmxml")
    assert schema_order_problems(tmp_path / "rich.xml", "org.mpxj.mspdi.schema.Project") == []
    assert schema_order_problems(tmp_path / "rich.pmxml", "org.mpxj.primavera.schema.APIBusinessObjects") == []


@pytest.mark.java
def test_custom_fields_reach_mpxj(tmp_path: Path, mpxj_reader: Callable[[Path], Any]) -> None:
    """The Activity ID, user fields and codes as MS Project custom fields, named, with MPXJ reading the values."""
    from tests.unit.formats.mspdi.rich_project import build_with_codes

    out = tmp_path / "custom.xml"
    mspdi.write(build_with_codes(), out)
    project = mpxj_reader(out)
    aliases = {str(f.getAlias()): str(f.getFieldType()) for f in project.getCustomFields()}
    assert aliases["Activity ID"] == "Text1"
    assert {"UDF text", "UDF number", "UDF integer", "UDF cost", "UDF date", "Area", "Phase"} <= set(aliases)
    task = next(t for t in project.getTasks() if str(t.getText(1)) == "A1010")
    field = aliases
    assert str(task.getText(int(field["UDF text"][4:]))) == "rock"
    assert float(task.getCost(int(field["UDF cost"][4:]))) == 1234.5
    assert float(task.getNumber(int(field["UDF number"][6:]))) == 2.5
    assert str(task.getText(int(field["Area"][4:]))) == "NE"
