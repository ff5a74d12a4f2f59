"""Project -> .xlsx -> project keeps every field the documented layout carries; the report names the rest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bbschedule.core.activity import Activity, Constraint, Relationship
from bbschedule.core.calendar import Calendar, CalendarException, WorkInterval
from bbschedule.core.codec import to_plain
from bbschedule.core.codes import ActivityCodeType, ActivityCodeValue, UserField
from bbschedule.core.enums import (
    ActivityType,
    ConstraintType,
    CriticalMode,
    DurationType,
    FloatMode,
    LagCalendar,
    PercentCompleteType,
    ProgressMode,
    RelationshipType,
    ResourceType,
    UserFieldType,
)
from bbschedule.core.project import Project, ScheduleOptions, Wbs
from bbschedule.core.project_data import ProjectData
from bbschedule.core.resource import Assignment, Expense, Resource, ResourceRate
from bbschedule.formats import excel, project_json
from bbschedule.formats.registry import ReadOptions, read_file, write_file

SAMPLE = Path(__file__).resolve().parents[4] / "resources" / "samples" / "sample_project.bbs.json"
NOT_CARRIED = {"id", "source_id", "eps_id"}
"""Fields the layout does not carry on any row (the export's fidelity report says so)."""


def _plain(obj: Any, **refs: Any) -> dict[str, Any]:
    out = {k: v for k, v in to_plain(obj).items() if k not in NOT_CARRIED}
    out.update(refs)
    return out


def canonical(data: ProjectData) -> dict[str, Any]:
    """The project with every id replaced by the key the workbook uses (code or name)."""
    cal = {c.id: c.name for c in data.calendars.values()}
    wbs = {w.id: w.code for w in data.wbs.values()}
    acts = {a.id: a.code for a in data.activities.values()}
    res = {r.id: r.code for r in data.resources.values()}
    types = {t.id: t.name for t in data.code_types.values()}
    values = {v.id: v.code for v in data.code_values.values()}
    udfs = {u.id: u.name for u in data.user_fields.values()}
    project = _plain(data.project, default_calendar_id=cal.get(data.project.default_calendar_id or ""))

    def activity(a: Activity) -> dict[str, Any]:
        return _plain(
            a,
            calendar_id=cal[a.calendar_id],
            wbs_id=wbs.get(a.wbs_id or ""),
            codes={types[t]: values[v] for t, v in a.codes.items()},
            user_fields={udfs[u]: v for u, v in a.user_fields.items()},
        )

    return {
        "project": project,
        "calendars": {
            c.name: _plain(c, base_calendar_id=cal.get(c.base_calendar_id or "")) for c in data.calendars.values()
        },
        "wbs": {w.code: _plain(w, parent_id=wbs.get(w.parent_id or "")) for w in data.wbs.values()},
        "code_types": {t.name: _plain(t) for t in data.code_types.values()},
        "code_values": {
            (types[v.type_id], v.code): _plain(v, type_id=types[v.type_id], parent_id=values.get(v.parent_id or ""))
            for v in data.code_values.values()
        },
        "user_fields": {u.name: _plain(u) for u in data.user_fields.values()},
        "resources": {
            r.code: _plain(r, calendar_id=cal.get(r.calendar_id or ""), parent_id=res.get(r.parent_id or ""))
            for r in data.resources.values()
        },
        "activities": {a.code: activity(a) for a in data.activities.values()},
        "relationships": sorted(
            (acts[r.predecessor_id], acts[r.successor_id], r.type.value, r.lag) for r in data.relationships.values()
        ),
        "assignments": sorted(
            (acts[a.activity_id], res[a.resource_id], str(_plain(a, activity_id=None, resource_id=None)))
            for a in data.assignments.values()
        ),
        "expenses": sorted((acts[e.activity_id], str(_plain(e, activity_id=None))) for e in data.expenses.values()),
    }


@pytest.fixture(scope="module")
def sample() -> ProjectData:
    return project_json.read(SAMPLE, options=ReadOptions()).projects[0]


def _round_trip(data: ProjectData, path: Path) -> ProjectData:
    excel.write(data, path)
    result = excel.read(path, options=ReadOptions())
    assert len(result.projects) == 1
    return result.projects[0]


def test_sample_round_trip_keeps_every_carried_field(sample: ProjectData, tmp_path: Path) -> None:
    back = _round_trip(sample, tmp_path / "sample.xlsx")
    before, after = canonical(sample), canonical(back)
    for key in before:
        assert after[key] == before[key], key
    assert back.baselines == {}


def test_export_report_names_what_the_layout_does_not_carry(sample: ProjectData, tmp_path: Path) -> None:
    report = excel.write(sample, tmp_path / "sample.xlsx")
    codes = report.summary()
    assert "baseline.dropped" in codes
    assert "ids.not_carried" in codes
    assert report.counts["activities"] == len(sample.activities)
    assert report.to_json()["format"] == "xlsx"


def _rich_project() -> ProjectData:
    """Fields the sample leaves at their defaults: the round trip must keep these too."""
    base = Calendar("Base 5x8", is_default=True)
    night = Calendar(
        "Night Shift = 4x10",
        week=tuple((WorkInterval(0, 360), WorkInterval(1320, 1440)) if i < 4 else () for i in range(7)),
        exceptions=(
            CalendarException(dt.date(2026, 7, 4), dt.date(2026, 7, 6), (), "Shutdown"),
            CalendarException(dt.date(2026, 8, 1), dt.date(2026, 8, 1), (WorkInterval.hours(7, 11.5),), "Sat work"),
        ),
        hours_per_day=10,
        hours_per_week=40,
        base_calendar_id=base.id,
    )
    project = Project(
        "RICH",
        "Every field",
        dt.datetime(2026, 3, 2, 7, 30),
        data_date=dt.datetime(2026, 4, 1, 7, 30),
        must_finish_by=dt.datetime(2026, 12, 18, 16, 45),
        default_calendar_id=base.id,
        options=ScheduleOptions(
            ProgressMode.PROGRESS_OVERRIDE,
            FloatMode.SMALLEST,
            CriticalMode.LONGEST_PATH,
            450,
            LagCalendar.SUCCESSOR,
            True,
            False,
        ),
        currency="EUR",
        notes="multi\nline notes",
    )
    data = ProjectData(project, calendars={base.id: base, night.id: night})
    top = Wbs("W", "Top")
    child = Wbs("W.1", "Child", top.id, 3)
    data.wbs = {top.id: top, child.id: child}
    area = ActivityCodeType("Area", is_global=True)
    zone = ActivityCodeValue(area.id, "Z1", "Zone 1")
    room = ActivityCodeValue(area.id, "Z1-R2", "Room 2", zone.id, 2)
    empty = ActivityCodeType("Unused code type")
    data.code_types = {area.id: area, empty.id: empty}
    data.code_values = {zone.id: zone, room.id: room}
    fields = [
        UserField(n, t)
        for n, t in (
            ("Due", UserFieldType.DATE),
            ("Weight", UserFieldType.NUMBER),
            ("Count", UserFieldType.INTEGER),
            ("Budget", UserFieldType.COST),
            ("Text", UserFieldType.TEXT),
        )
    ]
    data.user_fields = {f.id: f for f in fields}
    a = Activity(
        "=A1",
        "=SUM(1,2) starts with an equals sign",
        night.id,
        child.id,
        ActivityType.RESOURCE_DEPENDENT,
        DurationType.FIXED_UNITS_TIME,
        PercentCompleteType.PHYSICAL,
        original_duration=100,
        remaining_duration=37,
        actual_duration=63,
        physical_percent_complete=42.5,
        primary_constraint=Constraint(ConstraintType.AS_LATE_AS_POSSIBLE),
        secondary_constraint=Constraint(ConstraintType.MANDATORY_FINISH, dt.datetime(2026, 9, 30, 5, 15)),
        actual_start=dt.datetime(2026, 3, 3, 22, 0),
        expected_finish=dt.datetime(2026, 5, 1, 6, 0),
        suspend_date=dt.datetime(2026, 3, 10, 0, 0),
        resume_date=dt.datetime(2026, 3, 17, 22, 0),
        quantity=12.5,
        quantity_unit="m³",
        production_rate=0.125,
        location_start=1200.0,
        location_end=1850.5,
        notes="line one\nline two",
        codes={area.id: room.id},
        user_fields={
            fields[0].id: "2026-06-30",
            fields[1].id: 2.75,
            fields[2].id: 7,
            fields[3].id: 1234.5,
            fields[4].id: "007",
        },
    )
    b = Activity("B 20", "Milestone", base.id, None, ActivityType.FINISH_MILESTONE)
    c = Activity("C30", "Level of effort", base.id, top.id, ActivityType.LEVEL_OF_EFFORT, original_duration=2400)
    data.activities = {x.id: x for x in (a, b, c)}
    rels = [
        Relationship(a.id, b.id, RelationshipType.SF, -90),
        Relationship(c.id, b.id, RelationshipType.FF, 1),
        Relationship(a.id, c.id, RelationshipType.SS, 0),
    ]
    data.relationships = {r.id: r for r in rels}
    crew = Resource("CREW", "Crew", ResourceType.LABOR, "h", night.id, (ResourceRate(dt.date(2026, 1, 1), 55.5, 4),))
    gang = Resource("CREW-2", "Sub-crew", ResourceType.NONLABOR, "day", None, (), crew.id)
    steel = Resource(
        "ST",
        "Steel",
        ResourceType.MATERIAL,
        "t",
        None,
        (ResourceRate(dt.date(2026, 1, 1), 900.0, 0.0), ResourceRate(dt.date(2027, 1, 1), 950.0, 0.0)),
    )
    data.resources = {r.id: r for r in (crew, gang, steel)}
    asg = Assignment(a.id, crew.id, 10.5, 4.25, 6.25, 582.75, 235.875, 346.875)
    data.assignments = {asg.id: asg}
    exp = Expense(a.id, "Permit", 100.0, 40.0, 60.0)
    data.expenses = {exp.id: exp}
    data.check_all()
    return data


def test_rich_project_round_trip_keeps_every_carried_field(tmp_path: Path) -> None:
    data = _rich_project()
    back = _round_trip(data, tmp_path / "rich.xlsx")
    before, after = canonical(data), canonical(back)
    for key in before:
        assert after[key] == before[key], key


def test_duplicate_keys_are_made_unique_and_reported(tmp_path: Path) -> None:
    data = _rich_project()
    first = next(iter(data.activities.values()))
    twin = Activity(first.code, "Same ID", first.calendar_id)
    data.activities[twin.id] = twin
    report = excel.write(data, tmp_path / "dup.xlsx")
    assert "activity.key" in report.summary()
    back = excel.read(tmp_path / "dup.xlsx", options=ReadOptions()).projects[0]
    assert sorted(a.code for a in back.activities.values()) == sorted(
        [*(a.code for a in data.activities.values() if a is not twin), f"{first.code} (2)"]
    )


def test_registry_chooses_excel_by_extension(sample: ProjectData, tmp_path: Path) -> None:
    out = tmp_path / "via_registry.xlsx"
    report = write_file(sample, out)
    assert report.format == "xlsx"
    result = read_file(out)
    assert result.format == "xlsx"
    assert len(result.pick().activities) == len(sample.activities)


def test_workbook_has_frozen_headers_widths_and_validation_lists(sample: ProjectData, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "look.xlsx"
    excel.write(sample, out)
    book = load_workbook(out)
    for name in (
        "Project",
        "Calendars",
        "Calendar Exceptions",
        "WBS",
        "Activities",
        "Relationships",
        "Resources",
        "Assignments",
    ):
        sheet = book[name]
        assert sheet.freeze_panes is not None, name
        assert sheet["A1"].font.b, name
        assert (sheet.column_dimensions["A"].width or 0) > 8, name
    acts = book["Activities"]
    lists = {dv.formula1 for dv in acts.data_validations.dataValidation}
    assert any("Task Dependent" in f for f in lists)
    assert any("Start On or After" in f for f in lists)
    assert any("Calendars!" in f for f in lists)
    assert any("FS" in dv.formula1 for dv in book["Relationships"].data_validations.dataValidation)
    start = next(c for c in acts[1] if c.value == "Actual Start").column
    dated = [row[start - 1] for row in acts.iter_rows(min_row=2) if row[start - 1].value is not None]
    assert dated
    assert all(isinstance(c.value, dt.datetime) and "yy" in c.number_format for c in dated)


def test_layout_document_names_every_sheet_and_column() -> None:
    from bbschedule.formats.excel.layout import PROJECT_FIELDS, SHEETS

    doc = (SAMPLE.parents[2] / "docs" / "excel-layout.md").read_text(encoding="utf-8")
    for sheet, columns in SHEETS.items():
        assert f"## Sheet `{sheet}`" in doc, sheet
        for column in columns:
            assert column.header in doc, (sheet, column.header)
    for name, _kind, _meaning in PROJECT_FIELDS:
        assert f"| {name} |" in doc, name


def test_every_sheet_states_its_size(sample: ProjectData, tmp_path: Path) -> None:
    """Without a <dimension> openpyxl's read-only reader parses each sheet twice (2x slower imports)."""
    import zipfile

    out = tmp_path / "dims.xlsx"
    excel.write(sample, out)
    with zipfile.ZipFile(out) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 12
        for name in sheets:
            assert b"<dimension ref=" in archive.read(name)[:2000], name


def test_code_and_user_field_values_of_unknown_types_are_reported(tmp_path: Path) -> None:
    import dataclasses

    data = _rich_project()
    act = next(iter(data.activities.values()))
    data.activities[act.id] = dataclasses.replace(act, codes={"no-such-type": "x"}, user_fields={"no-such-udf": 1})
    report = excel.write(data, tmp_path / "orphans.xlsx")
    assert report.summary().get("reference.dropped") == 1
    assert any("2 code or user-field values" in i.message for i in report.items)
