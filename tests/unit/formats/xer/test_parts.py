"""The XER building blocks: date formats, clndr_data both ways, the tokenizer's two paths, the writer's ids."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bbschedule.core.activity import Activity, Constraint, Relationship
from bbschedule.core.calendar import Calendar, CalendarException, WorkInterval
from bbschedule.core.codes import ActivityCodeType, ActivityCodeValue, UserField
from bbschedule.core.enums import ActivityType, ConstraintType, RelationshipType, ResourceType, UserFieldType
from bbschedule.core.project import Project, Wbs
from bbschedule.core.project_data import ProjectData
from bbschedule.core.resource import Assignment, Expense, Resource, ResourceRate
from bbschedule.formats.registry import ReadOptions
from bbschedule.formats.xer import read, write
from bbschedule.formats.xer.clndr import ClndrError, format_clndr_data, parse_clndr_data
from bbschedule.formats.xer.tokenizer import tokenize
from bbschedule.formats.xer.values import parse_date_text
from bbschedule.formats.xer.writer_support import Out, number_ids


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05 08:30", dt.datetime(2024, 3, 5, 8, 30)),
        ("2024-03-05 08:30:15", dt.datetime(2024, 3, 5, 8, 30, 15)),
        ("2024-03-05", dt.datetime(2024, 3, 5)),
        ("2024/03/05 08:30", dt.datetime(2024, 3, 5, 8, 30)),
        ("2024-03-05T08:30", dt.datetime(2024, 3, 5, 8, 30)),
        ("05-Mar-24 08:30", dt.datetime(2024, 3, 5, 8, 30)),
        ("05-Mar-2024", dt.datetime(2024, 3, 5)),
        ("2024-03-05 08:30:00.000", dt.datetime(2024, 3, 5, 8, 30)),
    ],
)
def test_every_date_format(text: str, expected: dt.datetime) -> None:
    assert parse_date_text(text) == expected


def test_a_non_date_is_refused() -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_date_text("next Tuesday")


P6_CALENDAR = (
    "(0||CalendarData()(\x7f\x7f  (0||DaysOfWeek()(\x7f\x7f    (0||1()())\x7f\x7f    (0||2()(\x7f\x7f"
    "      (0||0(s|08:00|f|12:00)())\x7f\x7f      (0||1(s|13:00|f|17:00)())))\x7f\x7f"
    "    (0||3()((0||0(f|16:00|s|08:00)())))(0||7()((0||0(s|00:00|f|00:00)())))))\x7f\x7f"
    "  (0||VIEW(ShowTotal|Y)())\x7f\x7f  (0||Exceptions()(\x7f\x7f    (0||0(d|45519)())\x7f\x7f"
    "    (0||1(d|45520)((0||0(s|07:30|f|15:30)())))))))"
)


def test_p6_calendar_data() -> None:
    parsed = parse_clndr_data(P6_CALENDAR)
    assert parsed.week is not None
    monday, tuesday, _, _, _, saturday, sunday = parsed.week
    assert monday == (WorkInterval(480, 720), WorkInterval(780, 1020))
    assert tuesday == (WorkInterval(480, 960),)  # attributes in either order
    assert saturday == (WorkInterval(0, 1440),)  # 00:00-00:00 is the whole day
    assert sunday == ()
    holiday, worked = parsed.exceptions
    assert holiday.start == dt.date(2024, 8, 15)
    assert not holiday.is_working
    assert worked.intervals == (WorkInterval(450, 930),)


@pytest.mark.parametrize(
    "text", ["(0||CalendarData()(", "garbage", "(0||CalendarData()((0||DaysOfWeek()((0||9()())))))"]
)
def test_broken_calendar_data(text: str) -> None:
    with pytest.raises(ClndrError):
        parse_clndr_data(text)


_interval = st.tuples(st.integers(0, 47), st.integers(1, 48)).filter(lambda p: p[0] < p[1])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(_interval, max_size=3), min_size=7, max_size=7),
    st.lists(st.tuples(st.integers(0, 40), st.booleans()), max_size=12, unique_by=lambda p: p[0]),
)
def test_calendar_data_round_trip(days: list[list[tuple[int, int]]], exceptions: list[tuple[int, bool]]) -> None:
    week = []
    for spans in days:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        week.append(tuple(WorkInterval(s * 30, e * 30) for s, e in merged))
    excs = tuple(
        CalendarException(d, d, (WorkInterval(480, 960),) if working else ())
        for d in sorted(dt.date(2020, 1, 1) + dt.timedelta(days=n) for n, working in exceptions)
        for working in [dict(exceptions)[(d - dt.date(2020, 1, 1)).days]]
    )
    parsed = parse_clndr_data(format_clndr_data(tuple(week), excs))
    assert parsed.week == tuple(week)
    assert _by_day(parsed.exceptions) == _by_day(excs)
    assert len(parsed.exceptions) <= len(excs)  # consecutive days with the same hours come back as ranges


def _by_day(exceptions: tuple[CalendarException, ...]) -> dict[dt.date, tuple[WorkInterval, ...]]:
    out = {}
    for exc in exceptions:
        day = exc.start
        while day <= exc.finish:
            out[day] = exc.intervals
            day += dt.timedelta(days=1)
    return out


def test_short_rows_take_the_row_by_row_path_and_read_the_same() -> None:
    text = "ERMHDR\t8\n%T\tX\n%F\ta\tb\tc\n%R\t1\t2\t3\n%R\t4\n%R\t5\t6\t7\t\n%E\n"
    table = tokenize(text.encode(), path="x.xer").tables["X"]
    assert table.column("a") == ["1", "4", "5"]
    assert table.column("c") == ["3", "", "7"]
    assert list(table.lines) == [4, 5, 6]
    uniform = tokenize(text.replace("%R\t4\n", "%R\t4\t\t\n").encode(), path="x.xer").tables["X"]
    assert uniform.column("c") == ["3", "", "7"]
    assert uniform.rows[1][uniform.col("b")] == ""
    assert uniform.column("missing") == ["", "", ""]


def test_crlf_and_repeated_table() -> None:
    text = "ERMHDR\t8\r\n%T\tX\r\n%F\ta\r\n%R\t1\r\n%T\tY\r\n%F\tb\r\n%R\t2\r\n%T\tX\r\n%F\ta\r\n%R\t3\r\n%E\r\n"
    tables = tokenize(text.encode(), path="x.xer").tables
    assert tables["X"].column("a") == ["1", "3"]
    assert list(tables["X"].lines) == [4, 10]


def test_number_ids_keep_unique_numeric_sources() -> None:
    ids = number_ids([("a", "17"), ("b", "17"), ("c", "x9"), ("d", None), ("e", "3")])
    assert ids["a"] == "17"
    assert ids["e"] == "3"
    assert {ids["b"], ids["c"], ids["d"]} == {"18", "19", "20"}


def _small_project() -> ProjectData:
    cal = Calendar(name="Night\tshift", exceptions=(CalendarException(dt.date(2024, 1, 1), dt.date(2024, 1, 2)),))
    project = Project(code="P1", name="Tower ✓", planned_start=dt.datetime(2024, 1, 2, 8), default_calendar_id=cal.id)
    data = ProjectData(project=project, calendars={cal.id: cal})
    area = Wbs(code="A", name="Area")
    data.wbs[area.id] = area
    first = Activity(code="A1", name="Dig\nline two", calendar_id=cal.id, wbs_id=area.id, original_duration=960)
    second = Activity(
        code="A2",
        name="Pour",
        calendar_id=cal.id,
        type=ActivityType.FINISH_MILESTONE,
        primary_constraint=Constraint(ConstraintType.FINISH_ON_OR_BEFORE, dt.datetime(2024, 2, 1, 17)),
        secondary_constraint=Constraint(ConstraintType.AS_LATE_AS_POSSIBLE),
    )
    data.activities = {first.id: first, second.id: second}
    link = Relationship(first.id, second.id, RelationshipType.SS, lag=-90)
    data.relationships = {link.id: link}
    return data


def test_writer_output_reads_back(tmp_path: Path) -> None:
    data = _small_project()
    out = tmp_path / "out.xer"
    report = write(data, out)
    assert report.summary().get("encoding.utf8") == 1  # the check mark does not fit cp1252
    assert report.summary().get("task.planned_dates") == 1
    raw = out.read_bytes()
    assert raw.startswith(b"ERMHDR\t")
    assert raw.endswith(b"%E\r\n")
    (again,) = read(out, options=ReadOptions()).projects
    assert again.project.name == "Tower ✓"
    by_code = {a.code: a for a in again.activities.values()}
    assert by_code["A1"].name == "Dig\x7f\x7fline two"
    assert by_code["A1"].original_duration == 960
    assert by_code["A1"].wbs_id is not None
    assert again.wbs[by_code["A1"].wbs_id].code == "A"
    assert by_code["A2"].primary_constraint == Constraint(
        ConstraintType.FINISH_ON_OR_BEFORE, dt.datetime(2024, 2, 1, 17)
    )
    assert by_code["A2"].secondary_constraint == Constraint(ConstraintType.AS_LATE_AS_POSSIBLE)
    (link,) = again.relationships.values()
    assert (link.type, link.lag) == (RelationshipType.SS, -90)
    (cal,) = again.calendars.values()
    assert cal.name == "Night shift"
    # Written day by day as P6 does, read back as one range again.
    assert [(e.start, e.finish) for e in cal.exceptions] == [(dt.date(2024, 1, 1), dt.date(2024, 1, 2))]
    assert cal.week == next(iter(data.calendars.values())).week


def test_resources_codes_fields_and_expenses_round_trip(tmp_path: Path) -> None:
    data = _small_project()
    first = next(a for a in data.activities.values() if a.code == "A1")
    cal = next(iter(data.calendars.values()))
    crew = Resource(code="CREW", name="Crew", calendar_id=cal.id, rates=(ResourceRate(dt.date(2024, 1, 1), 55.5),))
    concrete = Resource(code="CONC", name="Concrete", type=ResourceType.MATERIAL, unit="m3", parent_id=crew.id)
    data.resources = {crew.id: crew, concrete.id: concrete}
    job = Assignment(first.id, crew.id, budgeted_units=16, remaining_units=16, budgeted_cost=888)
    pour = Assignment(first.id, concrete.id, budgeted_units=30, actual_units=5, remaining_units=25)
    data.assignments = {job.id: job, pour.id: pour}
    fee = Expense(first.id, "Permit", budgeted_cost=1200, actual_cost=100, remaining_cost=1100)
    data.expenses = {fee.id: fee}
    phase = ActivityCodeType(name="Phase", is_global=True)
    civil = ActivityCodeValue(type_id=phase.id, code="CIV", description="Civil")
    data.code_types, data.code_values = {phase.id: phase}, {civil.id: civil}
    note = UserField(name="Owner ref", data_type=UserFieldType.TEXT)
    due = UserField(name="Permit due", data_type=UserFieldType.DATE)
    data.user_fields = {note.id: note, due.id: due}
    data.activities[first.id] = dataclasses.replace(
        first, codes={phase.id: civil.id}, user_fields={note.id: "OR-7", due.id: "2024-03-01T00:00"}
    )
    out = tmp_path / "full.xer"
    write(data, out)
    (again,) = read(out, options=ReadOptions()).projects
    by_code = {r.code: r for r in again.resources.values()}
    assert by_code["CONC"].unit == "m3"
    assert by_code["CONC"].type is ResourceType.MATERIAL
    assert by_code["CONC"].parent_id == by_code["CREW"].id
    assert by_code["CREW"].rates == (ResourceRate(dt.date(2024, 1, 1), 55.5),)
    assert by_code["CREW"].calendar_id in again.calendars
    units = sorted((a.budgeted_units, a.actual_units, a.remaining_units) for a in again.assignments.values())
    assert units == [(16, 0, 16), (30, 5, 25)]
    (expense,) = again.expenses.values()
    assert (expense.name, expense.budgeted_cost, expense.actual_cost) == ("Permit", 1200, 100)
    activity = next(a for a in again.activities.values() if a.code == "A1")
    ((type_id, value_id),) = activity.codes.items()
    assert again.code_types[type_id].name == "Phase"
    assert again.code_values[value_id].code == "CIV"
    fields = {again.user_fields[k].name: v for k, v in activity.user_fields.items()}
    assert fields == {"Owner ref": "OR-7", "Permit due": "2024-03-01T00:00"}


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\r\n"), max_size=12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(_text, min_size=3, max_size=3), max_size=6), st.booleans())
def test_rendered_tables_tokenize_back(rows: list[list[str]], crlf: bool) -> None:
    out = Out({"X": ("a", "b", "c")}, {})
    for row in rows:
        out.add("X", dict(zip("abc", row, strict=True)))
    text = out.render("ERMHDR\t19.12", ["X"])
    if not crlf:
        text = text.replace("\r\n", "\n")
    xer = tokenize(text.encode("utf-8"), path="p.xer")
    if not rows:
        assert "X" not in xer.tables
        return
    table = xer.tables["X"]
    assert [table.column(name) for name in "abc"] == [[r[i] for r in rows] for i in range(3)]


@pytest.mark.parametrize("name", ["pyp6xer_SP10_COST_LOADED.xer", "jaggelas_test.xer"])
def test_everything_survives_our_round_trip(samples_dir: Path, tmp_path: Path, name: str) -> None:
    data = read(samples_dir / "xer" / name, options=ReadOptions()).pick()
    write(data, tmp_path / name)
    (again,) = read(tmp_path / name, options=ReadOptions()).projects

    def by_code(d: ProjectData) -> dict[str, object]:
        return {
            a.code: (d.computed[a.id], a.planned_start, a.planned_finish, a.remaining) for a in d.activities.values()
        }

    before, after = by_code(data), by_code(again)
    assert after == before

    def every_field(d: ProjectData) -> dict[str, Activity]:
        """Activities with their references replaced by what they name, so two reads can be compared."""
        cals = {c.id: c.name for c in d.calendars.values()}
        wbs = {w.id: w.code for w in d.wbs.values()}
        names = {**{t.id: t.name for t in d.code_types.values()}, **{v.id: v.code for v in d.code_values.values()}}
        names.update({f.id: f.name for f in d.user_fields.values()})
        return {
            a.code: dataclasses.replace(
                a,
                id="",
                calendar_id=cals[a.calendar_id],
                wbs_id=wbs.get(a.wbs_id or ""),
                codes={names[k]: names[v] for k, v in a.codes.items()},
                user_fields={names[k]: v for k, v in a.user_fields.items()},
            )
            for a in d.activities.values()
        }

    assert every_field(again) == every_field(data)

    def the_rest(d: ProjectData) -> dict[str, object]:
        cals = {c.id: c.name for c in d.calendars.values()}
        wbs = {w.id: w.code for w in d.wbs.values()}
        acts = {a.id: a.code for a in d.activities.values()}
        res = {r.id: r.code for r in d.resources.values()}
        return {
            "calendars": sorted(
                (c.name, c.week, c.exceptions, c.hours_per_day, c.hours_per_week, cals.get(c.base_calendar_id or ""))
                for c in d.calendars.values()
            ),
            "wbs": sorted((w.code, w.name, w.sequence, wbs.get(w.parent_id or "")) for w in d.wbs.values()),
            "resources": sorted(
                (r.code, r.name, r.type, r.unit, r.rates, res.get(r.parent_id or ""), cals.get(r.calendar_id or ""))
                for r in d.resources.values()
            ),
            "assignments": sorted(
                (
                    acts[x.activity_id],
                    res[x.resource_id],
                    x.budgeted_units,
                    x.actual_units,
                    x.remaining_units,
                    x.budgeted_cost,
                    x.actual_cost,
                    x.remaining_cost,
                )
                for x in d.assignments.values()
            ),
            "links": sorted(
                (acts[r.predecessor_id], acts[r.successor_id], r.type, r.lag) for r in d.relationships.values()
            ),
        }

    assert the_rest(again) == the_rest(data)
    assert again.project.data_date == data.project.data_date
    assert _options_by_code(again) == _options_by_code(data)


def _options_by_code(d: ProjectData) -> object:
    """The schedule options with the float paths' ending activity named by its code (ids differ per read)."""
    o = d.project.options
    end = d.activities[o.float_path_end_activity_id].code if o.float_path_end_activity_id else None
    return dataclasses.replace(o, float_path_end_activity_id=end)


def test_writer_warns_about_p6_field_lengths(tmp_path: Path) -> None:
    data = _small_project()
    first = next(iter(data.activities.values()))
    data.activities[first.id] = dataclasses.replace(first, code="X" * 41)
    report = write(data, tmp_path / "long.xer")
    assert report.summary().get("p6.activity.code") == 1
    assert "p6.activity.name" not in report.summary()
