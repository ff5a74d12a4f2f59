"""P6 XML samples: every one reads with MPXJ's counts, round trips through our writer, and P6's options land."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bbschedule.core.enums import ActivityType, LagCalendar, PercentCompleteType
from bbschedule.formats import mspdi, pmxml
from bbschedule.formats.registry import ReadOptions, read_file

SAMPLES = sorted(
    p.name for p in (Path(__file__).resolve().parents[3].parent / "shared" / "samples" / "pmxml").glob("*.xml")
)


def _read(path: Path) -> Any:
    return pmxml.read(path, options=ReadOptions()).pick()


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_reads_with_a_report(samples_dir: Path, name: str) -> None:
    result = pmxml.read(samples_dir / "pmxml" / name, options=ReadOptions())
    data = result.pick()
    data.check_all()
    assert result.format == "pmxml"
    assert result.report.counts["activities"] == len(data.activities) > 0
    assert all(a.source_id == a.code for a in data.activities.values()), "source id is the Activity Id"


@pytest.mark.java
@pytest.mark.parametrize("name", SAMPLES)
def test_counts_equal_what_mpxj_reads(samples_dir: Path, name: str, mpxj_summary: Callable[..., Any]) -> None:
    path = samples_dir / "pmxml" / name
    ours, peer = _read(path), mpxj_summary(path)
    assert sorted(a.code for a in ours.activities.values()) == sorted(peer["activities"])
    assert len(ours.relationships) == len(peer["links"])
    assert len(ours.calendars) == len(peer["calendars"])
    # MPXJ lists P6 roles among resources; we drop roles and say so in the report.
    assert sorted(r.name for r in ours.resources.values()) == peer["resources"]


@pytest.mark.java
@pytest.mark.parametrize("name", SAMPLES)
def test_round_trip_through_our_writer_keeps_what_mpxj_sees(
    samples_dir: Path, tmp_path: Path, name: str, mpxj_compare: Callable[..., None]
) -> None:
    path = samples_dir / "pmxml" / name
    out = tmp_path / "round.pmxml"
    report = pmxml.write(_read(path), out)
    assert report.direction == "export"
    assert report.counts["activities"] == len(_read(out).activities)
    mpxj_compare(path, out)


@pytest.mark.java
@pytest.mark.parametrize(
    "name", ["mpxj_task-links-project2019.xml", "mpxj_legacy_sample.xml", "mpxj_mspdiresource.xml"]
)
def test_mspdi_to_pmxml_keeps_counts_and_links(
    samples_dir: Path, tmp_path: Path, name: str, mpxj_summary: Callable[..., Any]
) -> None:
    data = mspdi.read(samples_dir / "mspdi" / name, options=ReadOptions()).pick()
    out = tmp_path / "from-mspdi.pmxml"
    pmxml.write(data, out)
    peer = mpxj_summary(out)
    assert sorted(peer["activities"]) == sorted(a.code for a in data.activities.values())
    code = {a.id: a.code for a in data.activities.values()}
    ours = {(code[r.predecessor_id], code[r.successor_id], r.type.value, r.lag) for r in data.relationships.values()}
    assert peer["links"] == ours


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mpxj_PredecessorCalendar.pmxml.xml", LagCalendar.PREDECESSOR),
        ("mpxj_SuccessorCalendar.pmxml.xml", LagCalendar.SUCCESSOR),
        ("mpxj_TwentyFourHourCalendar.pmxml.xml", LagCalendar.TWENTY_FOUR_HOUR),
        ("mpxj_ProjectDefaultCalendar.pmxml.xml", LagCalendar.PROJECT_DEFAULT),
    ],
)
def test_relationship_lag_calendar_option_is_read(samples_dir: Path, name: str, expected: LagCalendar) -> None:
    assert _read(samples_dir / "pmxml" / name).project.options.lag_calendar is expected


def test_lag_calendar_option_survives_our_writer(samples_dir: Path, tmp_path: Path) -> None:
    data = _read(samples_dir / "pmxml" / "mpxj_SuccessorCalendar.pmxml.xml")
    out = tmp_path / "succ.pmxml"
    pmxml.write(data, out)
    assert _read(out).project.options.lag_calendar is LagCalendar.SUCCESSOR


def test_calendar_finish_minutes_are_p6s_last_minute(samples_dir: Path) -> None:
    data = _read(samples_dir / "pmxml" / "mpxj_PredecessorCalendar.pmxml.xml")
    calendar = next(iter(data.calendars.values()))
    # The file says 07:00-11:59 and 12:30-15:29: work until 12:00 and 15:30.
    assert [(i.start, i.end) for i in calendar.week[0]] == [(420, 720), (750, 930)]
    assert calendar.week[5] == ()


def test_percent_complete_types_and_progress(samples_dir: Path) -> None:
    data = _read(samples_dir / "pmxml" / "mpxj_percent-complete-8.4.pmxml.xml")
    by_name = {a.name: a for a in data.activities.values()}
    assert by_name["Physical 25%"].percent_complete_type is PercentCompleteType.PHYSICAL
    assert by_name["Physical 25%"].physical_percent_complete == pytest.approx(25.0)
    assert by_name["Units 75%"].percent_complete_type is PercentCompleteType.UNITS
    assert by_name["Duration 25%"].original_duration == 800 * 60
    assert by_name["Duration 25%"].remaining == 600 * 60
    assert by_name["Duration 0%"].remaining_duration is None
    assert len(next(iter(data.calendars.values())).exceptions) == 24


def test_resources_rates_and_assignments(samples_dir: Path) -> None:
    result = pmxml.read(samples_dir / "pmxml" / "mpxj_resource-rates-test.pmxml.xml", options=ReadOptions())
    data = result.pick()
    (resource,) = data.resources.values()
    assert len(resource.rates) >= 2
    assert [r.effective_from for r in resource.rates] == sorted(r.effective_from for r in resource.rates)
    assert len(data.assignments) == 5
    assert result.report.summary().get("pmxml.role") == 1


def test_p6_computed_dates_are_kept(samples_dir: Path) -> None:
    data = _read(samples_dir / "pmxml" / "mpxj_PredecessorCalendar.pmxml.xml")
    assert len(data.computed) == len(data.activities)
    (computed,) = data.computed.values()
    assert computed.early_start is not None
    assert computed.late_finish is not None


@pytest.mark.java
@pytest.mark.parametrize("name", ["jaggelas_test.xer"])
def test_a_large_pmxml_written_from_an_xer_reads_back_in_mpxj(
    samples_dir: Path, tmp_path: Path, name: str, mpxj_reader: Callable[[Path], Any]
) -> None:
    """No large public PMXML exists: write one from the XER samples and let MPXJ judge it."""
    try:
        data = read_file(samples_dir / "xer" / name).pick()
    except ModuleNotFoundError:
        pytest.skip("the XER reader is not there yet")
    out = tmp_path / "big.pmxml"
    report = pmxml.write(data, out)
    peer = mpxj_reader(out)
    activities = [t for t in peer.getTasks() if t.getActivityType() is not None]
    assert sorted(str(t.getActivityID()) for t in activities) == sorted(a.code for a in data.activities.values())
    links = sum(t.getPredecessors().size() for t in activities)
    assert links == len(data.relationships) == report.counts["relationships"]
    assert peer.getCalendars().size() == len(data.calendars)
    assert sum(1 for r in peer.getResources() if not r.getRole()) == len(data.resources)
    back = _read(out)
    assert len(back.activities) == len(data.activities)
    milestones = sum(a.type.is_milestone for a in data.activities.values())
    assert sum(a.type.is_milestone for a in back.activities.values()) == milestones
    by_code = {a.code: a for a in back.activities.values()}
    for activity in data.activities.values():
        other = by_code[activity.code]
        assert other.original_duration == activity.original_duration
        assert other.primary_constraint == activity.primary_constraint
        assert other.type is activity.type or activity.type is ActivityType.WBS_SUMMARY


@pytest.mark.java
def test_written_elements_follow_p6s_schema(
    samples_dir: Path, tmp_path: Path, schema_order_problems: Callable[[Path, str], list[str]]
) -> None:
    """P6's XML import follows its XSD; MPXJ's JAXB classes carry that order."""
    for source in ("mpxj_percent-complete-8.4.pmxml.xml", "mpxj_resource-rates-test.pmxml.xml"):
        out = tmp_path / f"{source}.pmxml"
        pmxml.write(_read(samples_dir / "pmxml" / source), out)
        assert schema_order_problems(out, "org.mpxj.primavera.schema.APIBusinessObjects") == [], source
    legacy = tmp_path / "from-mspdi.pmxml"
    pmxml.write(mspdi.read(samples_dir / "mspdi" / "mpxj_legacy_sample.xml", options=ReadOptions()).pick(), legacy)
    assert schema_order_problems(legacy, "org.mpxj.primavera.schema.APIBusinessObjects") == []


@pytest.mark.java
@pytest.mark.parametrize(
    "name",
    [
        "mpxj_PredecessorCalendar.xer",
        "mpxj_TwentyFourHourCalendar.xer",
        "mpxj_percent-complete-8.4.xer",
        "mpxj_resource-rates-test.xer",
        # 4,000 activities: MPXJ alone takes seconds to read it twice.
        pytest.param("pyp6xer_SP10_COST_LOADED.xer", marks=pytest.mark.slow),
    ],
)
def test_xer_to_pmxml_keeps_what_mpxj_sees(
    samples_dir: Path, tmp_path: Path, name: str, mpxj_compare: Callable[..., None]
) -> None:
    """XER -> ours -> PMXML -> MPXJ: every activity, link (type and lag), calendar, constraint and duration."""
    source = samples_dir / "xer" / name
    try:
        result = read_file(source)
    except ModuleNotFoundError:
        pytest.skip("the XER reader is not there yet")
    data = result.pick()
    out = tmp_path / "from-xer.pmxml"
    report = pmxml.write(data, out)
    # For a started activity MPXJ's 'duration' is the planned one in an XER and the at-completion one
    # (actual + remaining) in P6 XML; the planned duration is compared on its own.
    started = {(a.code, "duration") for a in data.activities.values() if a.is_started and not a.is_complete}
    mpxj_compare(source, out, started, resource_name_limit=100)
    assert report.summary().get("resource.name", 0) == sum(len(r.name) > 100 for r in data.resources.values())


@pytest.mark.java
def test_baseline_projects_do_not_confuse_mpxj(
    samples_dir: Path, tmp_path: Path, mpxj_reader: Callable[..., Any]
) -> None:
    data = mspdi.read(samples_dir / "mspdi" / "mpxj_baselines.xml", options=ReadOptions()).pick()
    assert len(data.baselines) > 1
    out = tmp_path / "baselines.pmxml"
    pmxml.write(data, out)
    peer = mpxj_reader(out)
    assert sorted(str(t.getActivityID()) for t in peer.getTasks() if t.getActivityType() is not None) == sorted(
        a.code for a in data.activities.values()
    )
    back = _read(out)
    assert [b.name for b in back.baselines.values()] == [b.name for b in data.baselines.values()]


@pytest.mark.java
def test_activity_codes_from_an_xer_reach_mpxj_through_pmxml(
    samples_dir: Path, tmp_path: Path, mpxj_reader: Callable[..., Any]
) -> None:
    try:
        data = read_file(samples_dir / "xer" / "jaggelas_test.xer").pick()
    except ModuleNotFoundError:
        pytest.skip("the XER reader is not there yet")
    assert data.code_values
    out = tmp_path / "codes.pmxml"
    pmxml.write(data, out)
    types = {t.id: t.name for t in data.code_types.values()}
    values = {v.id: v.code for v in data.code_values.values()}
    ours = {a.code: {(types[t], values[v]) for t, v in a.codes.items()} for a in data.activities.values()}
    peer = {}
    for task in mpxj_reader(out).getTasks():
        if task.getActivityType() is None:
            continue
        assigned = task.getActivityCodeValues()
        peer[str(task.getActivityID())] = {
            (str(code.getName()), str(value.getName())) for code, value in assigned.items()
        }
    assert peer == ours
