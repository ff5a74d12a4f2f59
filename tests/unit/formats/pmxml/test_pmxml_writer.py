"""Our P6 XML writer: everything P6 holds survives a round trip, and P6's import rules are kept."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from lxml import etree
from tests.unit.formats.mspdi.rich_project import build

from bbschedule.core.activity import Constraint
from bbschedule.core.calendar import Calendar
from bbschedule.core.enums import ActivityType, ConstraintType, LagCalendar, PercentCompleteType, RelationshipType
from bbschedule.formats import pmxml
from bbschedule.formats.registry import ReadOptions

NS = "{http://xmlns.oracle.com/Primavera/P6/V8.3/API/BusinessObjects}"


def _days(calendar: Calendar) -> set[tuple[dt.date, object]]:
    out: set[tuple[dt.date, object]] = set()
    for exc in calendar.exceptions:
        day = exc.start
        while day <= exc.finish:
            out.add((day, exc.intervals))
            day += dt.timedelta(days=1)
    return out


def _round_trip(tmp_path: Path) -> tuple[object, object, object]:
    data = build()
    out = tmp_path / "rich.pmxml"
    report = pmxml.write(data, out)
    return data, report, pmxml.read(out, options=ReadOptions()).pick()


def test_every_activity_field_p6_holds_survives(tmp_path: Path) -> None:
    data, _report, back = _round_trip(tmp_path)
    before = {a.code: a for a in data.activities.values()}
    after = {a.code: a for a in back.activities.values()}
    assert set(after) == set(before)
    for code, activity in before.items():
        other = after[code]
        for field in (
            "name", "type", "duration_type", "percent_complete_type", "original_duration", "remaining",
            "actual_duration", "physical_percent_complete", "primary_constraint", "secondary_constraint",
            "actual_start", "actual_finish", "notes",
        ):  # fmt: skip
            assert getattr(other, field) == getattr(activity, field), f"{code}.{field}"
    assert after["A1030"].type is ActivityType.LEVEL_OF_EFFORT
    assert after["A1000"].type is ActivityType.START_MILESTONE
    assert after["A1010"].percent_complete_type is PercentCompleteType.PHYSICAL


def test_links_calendars_wbs_resources_and_options_survive(tmp_path: Path) -> None:
    data, report, back = _round_trip(tmp_path)
    code = {a.id: a.code for a in data.activities.values()}
    back_code = {a.id: a.code for a in back.activities.values()}
    assert {(code[r.predecessor_id], code[r.successor_id], r.type, r.lag) for r in data.relationships.values()} == {
        (back_code[r.predecessor_id], back_code[r.successor_id], r.type, r.lag) for r in back.relationships.values()
    }
    # P6 exceptions are single unnamed days: compare day by day.
    assert {c.name: (c.week, _days(c)) for c in back.calendars.values()} == {
        c.name: (c.week, _days(c)) for c in data.calendars.values()
    }
    assert {(w.code, w.name) for w in back.wbs.values()} == {("CIV", "Civil"), ("PIL", "Piling")}
    crew = next(r for r in back.resources.values() if r.code == "CREW")
    assert [(r.effective_from, r.price_per_unit) for r in crew.rates] == [
        (dt.date(2024, 1, 1), 120.0),
        (dt.date(2024, 6, 1), 130.0),
    ]
    assert len(back.assignments) == 1
    assert back.project.options.lag_calendar is LagCalendar.SUCCESSOR
    assert back.project.data_date == dt.datetime(2024, 3, 11, 8)
    assert report.summary() == {}
    (baseline,) = back.baselines.values()
    (before,) = data.baselines.values()
    assert baseline.name == before.name
    assert baseline.taken_at == before.taken_at
    piles = next(a.id for a in back.activities.values() if a.code == "A1010")
    assert [(r.activity_id, r.start, r.finish, r.duration, r.budgeted_cost) for r in baseline.activities] == [
        (piles, row.start, row.finish, row.duration, row.budgeted_cost) for row in before.activities
    ]


def test_fields_are_alphabetical_and_calendar_finishes_are_last_minutes(tmp_path: Path) -> None:
    out = tmp_path / "rich.pmxml"
    pmxml.write(build(), out)
    root = etree.parse(str(out)).getroot()
    for tag in ("Activity", "WBS", "Relationship", "Resource", "ResourceAssignment", "Project"):
        for element in root.iter(f"{NS}{tag}"):
            fields = [c.tag.removeprefix(NS) for c in element if len(c) == 0]
            assert fields == sorted(fields), tag
    finishes = {el.text for el in root.iter(f"{NS}Finish")}
    assert "11:59:00" in finishes
    assert "12:00:00" not in finishes


def test_p6_id_rules(tmp_path: Path) -> None:
    data = build()
    long_code = "X" * 50
    first, second = list(data.activities)[:2]
    data.activities[first] = dataclasses.replace(data.activities[first], code=long_code)
    data.activities[second] = dataclasses.replace(data.activities[second], code=long_code + "Y")
    out = tmp_path / "ids.pmxml"
    report = pmxml.write(data, out)
    codes = [a.code for a in pmxml.read(out, options=ReadOptions()).pick().activities.values()]
    assert len(codes) == len(set(codes))
    assert all(len(c) <= 40 for c in codes)
    assert report.summary()["activity.id"] == 2


def test_a_lone_secondary_constraint_becomes_the_primary(tmp_path: Path) -> None:
    data = build()
    key = next(k for k, a in data.activities.items() if a.code == "A1030")
    deadline = Constraint(ConstraintType.FINISH_ON_OR_BEFORE, dt.datetime(2024, 4, 1, 17))
    data.activities[key] = dataclasses.replace(data.activities[key], secondary_constraint=deadline)
    out = tmp_path / "lone.pmxml"
    report = pmxml.write(data, out)
    back = {a.code: a for a in pmxml.read(out, options=ReadOptions()).pick().activities.values()}
    assert back["A1030"].primary_constraint == deadline
    assert back["A1030"].secondary_constraint is None
    assert report.summary()["constraint.secondary_alone"] == 1


def test_what_p6_xml_does_not_carry_is_reported(tmp_path: Path) -> None:
    data = build()
    key = next(iter(data.activities))
    data.activities[key] = dataclasses.replace(
        data.activities[key], quantity=12.0, quantity_unit="m3", location_start=0.0, location_end=150.0
    )
    report = pmxml.write(data, tmp_path / "q.pmxml")
    messages = [i.message for i in report.items if i.code == "pmxml.not_written"]
    assert messages == ["1 quantities and production rates", "1 location ranges"]


def test_duplicate_names_and_codes_are_made_unique(tmp_path: Path) -> None:
    data = build()
    first, second = list(data.calendars)[:2]
    data.calendars[second] = dataclasses.replace(data.calendars[second], name=data.calendars[first].name)
    civil, piling = list(data.wbs)
    data.wbs[piling] = dataclasses.replace(data.wbs[piling], parent_id=None, code="CIV")
    crew, steel = list(data.resources)
    data.resources[steel] = dataclasses.replace(data.resources[steel], code="CREW")
    out = tmp_path / "dup.pmxml"
    report = pmxml.write(data, out)
    back = pmxml.read(out, options=ReadOptions()).pick()
    assert len({c.name for c in back.calendars.values()}) == 2
    assert sorted(w.code for w in back.wbs.values()) == ["CIV", "CIV-2"]
    assert sorted(r.code for r in back.resources.values()) == ["CREW", "CREW-2"]
    assert {"calendar.renamed", "wbs.code", "resource.id"} <= set(report.summary())
    del civil, crew


def test_one_link_between_two_activities(tmp_path: Path) -> None:
    """P6 takes one link of each type between two activities; MS Project one link at all."""
    from bbschedule.core.activity import Relationship
    from bbschedule.formats import mspdi

    data = build()
    first = next(iter(data.relationships.values()))
    same = Relationship(first.predecessor_id, first.successor_id, first.type, 60)
    other = Relationship(first.predecessor_id, first.successor_id, RelationshipType.FF, 0)
    data.relationships.update({same.id: same, other.id: other})
    for module, name, kept in ((pmxml, "dup.pmxml", 1), (mspdi, "dup.xml", 0)):
        report = module.write(data, tmp_path / name)
        back = module.read(tmp_path / name, options=ReadOptions()).pick()
        assert len(back.relationships) == len(data.relationships) - 2 + kept
        assert report.summary()["relationship.duplicate"] == 2 - kept


def test_activity_codes_and_user_fields_survive(tmp_path: Path) -> None:
    from tests.unit.formats.mspdi.rich_project import build_with_codes

    data = build_with_codes()
    out = tmp_path / "codes.pmxml"
    report = pmxml.write(data, out)
    back = pmxml.read(out, options=ReadOptions()).pick()
    back.check_all()

    def view(d: object) -> dict[str, object]:
        assert hasattr(d, "activities")
        types = {t.id: (t.name, t.is_global) for t in d.code_types.values()}
        values = {v.id: (v.code, v.description) for v in d.code_values.values()}
        fields = {f.id: (f.name, f.data_type) for f in d.user_fields.values()}
        return {
            a.code: (
                sorted((types[t], values[v]) for t, v in a.codes.items()),
                sorted((fields[k], v) for k, v in a.user_fields.items()),
            )
            for a in d.activities.values()
        }

    assert view(back) == view(data)
    parents = {v.code: v.parent_id for v in back.code_values.values()}
    north = next(v.id for v in back.code_values.values() if v.code == "N")
    assert parents["NE"] == north
    assert "pmxml.not_written" not in report.summary()
