"""Our MSPDI writer on a project that uses P6 features: what survives, what is converted, and the report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lxml import etree
from tests.unit.formats.mspdi.rich_project import build

from bbschedule.core.enums import ActivityType, ConstraintType, RelationshipType
from bbschedule.formats import mspdi
from bbschedule.formats.registry import ReadOptions

NS = "{http://schemas.microsoft.com/project}"


def _write_and_read(tmp_path: Path) -> tuple[object, object, object]:
    data = build()
    out = tmp_path / "rich.xml"
    report = mspdi.write(data, out)
    back = mspdi.read(out, options=ReadOptions()).pick()
    return data, report, back


def test_activities_links_and_wbs_survive(tmp_path: Path) -> None:
    data, _report, back = _write_and_read(tmp_path)
    assert sorted(a.name for a in back.activities.values()) == sorted(a.name for a in data.activities.values())
    assert sorted(w.name for w in back.wbs.values()) == ["Civil", "Piling"]
    piling = next(w for w in back.wbs.values() if w.name == "Piling")
    civil = next(w for w in back.wbs.values() if w.name == "Civil")
    assert piling.parent_id == civil.id
    name = {a.id: a.name for a in back.activities.values()}
    links = {(name[r.predecessor_id], name[r.successor_id], r.type, r.lag) for r in back.relationships.values()}
    assert links == {
        ("Mobilise", "Piles", RelationshipType.FS, 0),
        ("Piles", "Caps at night", RelationshipType.SS, 960),
        ("Caps at night", "Handover", RelationshipType.FF, -120),
        ("Mobilise", "Supervision", RelationshipType.SF, 90),
    }


def test_calendars_with_exceptions_survive(tmp_path: Path) -> None:
    data, _report, back = _write_and_read(tmp_path)
    before = {c.name: c for c in data.calendars.values()}
    after = {c.name: c for c in back.calendars.values()}
    assert set(after) == set(before)
    for name, calendar in before.items():
        assert after[name].week == calendar.week
        assert [(e.start, e.finish, e.intervals) for e in after[name].exceptions] == [
            (e.start, e.finish, e.intervals) for e in calendar.exceptions
        ]


def test_constraints_map_and_losses_are_reported(tmp_path: Path) -> None:
    _data, report, back = _write_and_read(tmp_path)
    by_name = {a.name: a for a in back.activities.values()}
    piles = by_name["Piles"]
    # P6 'Start On' has no MS Project twin: Must Start On, read back as Mandatory Start.
    assert piles.primary_constraint is not None
    assert piles.primary_constraint.type is ConstraintType.MANDATORY_START
    # The secondary 'Finish On or Before' travels as a deadline and comes back.
    assert piles.secondary_constraint is not None
    assert piles.secondary_constraint.type is ConstraintType.FINISH_ON_OR_BEFORE
    assert piles.secondary_constraint.date == dt.datetime(2024, 3, 20, 17)
    assert by_name["Caps at night"].secondary_constraint is None
    assert by_name["Handover"].primary_constraint is not None
    assert by_name["Handover"].primary_constraint.type is ConstraintType.AS_LATE_AS_POSSIBLE
    codes = report.summary()
    assert codes["constraint.converted"] == 1
    assert codes["constraint.secondary"] == 1
    assert codes["constraint.secondary_deadline"] == 1
    assert codes["activity.type"] == 1  # level of effort


def test_progress_resources_assignments_and_baseline(tmp_path: Path) -> None:
    _data, _report, back = _write_and_read(tmp_path)
    piles = next(a for a in back.activities.values() if a.name == "Piles")
    assert piles.actual_start == dt.datetime(2024, 3, 6, 8)
    assert piles.remaining == 3 * 480
    assert piles.actual_duration == 2 * 480
    assert piles.notes == "Bored piles, 600 mm."
    assert {r.code for r in back.resources.values()} == {"CREW", "STEEL"}
    crew = next(r for r in back.resources.values() if r.code == "CREW")
    assert [r.price_per_unit for r in crew.rates] == [120.0, 130.0]
    (assignment,) = back.assignments.values()
    assert (assignment.budgeted_units, assignment.actual_units, assignment.budgeted_cost) == (40, 16, 4800)
    (baseline,) = back.baselines.values()
    (row,) = baseline.activities
    assert (row.activity_id, row.duration, row.budgeted_cost) == (piles.id, 2400, 5000.0)
    assert back.computed[piles.id].total_float == 480
    assert back.project.data_date == dt.datetime(2024, 3, 11, 8)


def test_milestones_stay_milestones(tmp_path: Path) -> None:
    _data, _report, back = _write_and_read(tmp_path)
    kinds = {a.name: a.type for a in back.activities.values()}
    assert kinds["Handover"] is ActivityType.FINISH_MILESTONE
    assert kinds["Mobilise"].is_milestone


def test_task_elements_follow_the_schema_order(tmp_path: Path) -> None:
    out = tmp_path / "rich.xml"
    mspdi.write(build(), out)
    order = ["UID", "ID", "Name", "Active", "Manual", "Type", "IsNull", "WBS", "OutlineNumber", "OutlineLevel",
             "Start", "Finish", "Duration", "DurationFormat", "Milestone", "Summary", "Critical", "EarlyStart",
             "EarlyFinish", "LateStart", "LateFinish", "FreeSlack", "TotalSlack", "PercentComplete", "ActualStart",
             "ActualFinish", "ActualDuration", "RemainingDuration", "ConstraintType", "CalendarUID", "ConstraintDate",
             "Deadline", "Notes", "PhysicalPercentComplete", "PredecessorLink", "ExtendedAttribute",
             "Baseline"]  # fmt: skip
    root = etree.parse(str(out)).getroot()
    for task in root.iter(f"{NS}Task"):
        tags = [child.tag.removeprefix(NS) for child in task]
        positions = [order.index(t) for t in tags]
        assert positions == sorted(positions), tags
    top = [child.tag.removeprefix(NS) for child in root]
    assert top.index("Calendars") < top.index("Tasks") < top.index("Resources") < top.index("Assignments")


def test_activity_ids_travel_in_a_custom_field(tmp_path: Path) -> None:
    data = build()
    out = tmp_path / "ids.xml"
    mspdi.write(data, out)
    result = mspdi.read(out, options=ReadOptions())
    assert sorted(a.code for a in result.pick().activities.values()) == sorted(a.code for a in data.activities.values())
    assert "mspdi.not_read" not in result.report.summary(), "our own Activity ID field is read, not dropped"


def test_user_fields_and_codes_travel_in_custom_fields(tmp_path: Path) -> None:
    from tests.unit.formats.mspdi.rich_project import build_with_codes

    data = build_with_codes()
    out = tmp_path / "custom.xml"
    report = mspdi.write(data, out)
    back = mspdi.read(out, options=ReadOptions()).pick()
    piles_before = next(a for a in data.activities.values() if a.code == "A1010")
    piles_after = next(a for a in back.activities.values() if a.code == "A1010")
    names = {f.id: (f.name, f.data_type) for f in data.user_fields.values()}
    names_back = {f.id: (f.name, f.data_type) for f in back.user_fields.values()}
    before = {names[k]: v for k, v in piles_before.user_fields.items()}
    after = {names_back[k]: v for k, v in piles_after.user_fields.items()}
    # Integers come back as MS Project numbers; codes come back as text fields named after the code type.
    assert {k[0]: v for k, v in after.items()} == {
        **{k[0]: v for k, v in before.items()},
        "Area": "NE",
        "Phase": "DES",
    }
    assert report.summary()["code.as_text"] == 2


def test_numeric_source_uids_are_kept(samples_dir: Path, tmp_path: Path) -> None:
    source = samples_dir / "mspdi" / "mpxj_task-links-project2019.xml"
    data = mspdi.read(source, options=ReadOptions()).pick()
    out = tmp_path / "again.xml"
    mspdi.write(data, out)
    back = mspdi.read(out, options=ReadOptions()).pick()
    assert sorted(a.source_id or "" for a in back.activities.values()) == sorted(
        a.source_id or "" for a in data.activities.values()
    )


def test_what_ms_project_does_not_carry_is_reported(tmp_path: Path) -> None:
    import dataclasses

    data = build()
    key = next(iter(data.activities))
    data.activities[key] = dataclasses.replace(
        data.activities[key],
        expected_finish=dt.datetime(2024, 3, 29, 17),
        codes={"phase": "design"},
        user_fields={"risk": "high"},
    )
    report = mspdi.write(data, tmp_path / "x.xml")
    messages = {i.message for i in report.items if i.code == "mspdi.not_written"}
    assert messages == {"1 expected finish dates"}
