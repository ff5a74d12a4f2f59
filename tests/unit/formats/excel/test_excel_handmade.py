"""A workbook a planner types from scratch: few columns, any order, Excel's own cell types, and defaults."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bbschedule.core.enums import ActivityType, ConstraintType, RelationshipType
from bbschedule.formats import excel
from bbschedule.formats.registry import ReadOptions


def test_minimal_workbook_imports_with_defaults(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    project = book.active
    project.title = "project"  # sheet names match whatever the case
    project.append(["Field", "Value"])
    project.append(["Project Code", "HM-1"])
    project.append(["Project name", "Hand made"])
    project.append(["Planned Start", dt.datetime(2026, 5, 4, 8, 0)])
    calendars = book.create_sheet("Calendars")
    calendars.append(["Calendar", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])
    calendars.append(["Standard", *["07:30-12:00, 12:30-16:00"] * 5])
    acts = book.create_sheet("Activities")
    acts.append(
        ["Original Duration (d)", "Activity Name", "Activity ID", "Primary Constraint", "Primary Constraint Date"]
    )
    acts.append([0, "Start", 1000, None, None])
    acts.append([2.5, "Set out", "A1010", "snet", "2026-05-06 07:30"])
    acts.append([None, "Done", "A1020", None, None])
    rels = book.create_sheet("Relationships")
    rels.append(["Predecessor", "Successor", "Lag (d)"])
    rels.append([1000, "A1010", None])
    rels.append(["A1010", "A1020", "-1"])
    path = tmp_path / "handmade.xlsx"
    book.save(path)

    result = excel.read(path, options=ReadOptions())
    data = result.pick()
    assert data.project.code == "HM-1"
    assert data.project.planned_start == dt.datetime(2026, 5, 4, 8, 0)
    (cal,) = data.calendars.values()
    assert data.project.default_calendar_id == cal.id
    assert sum(i.minutes for i in cal.week[0]) == 8 * 60
    assert cal.week[5] == ()
    by_code = {a.code: a for a in data.activities.values()}
    assert set(by_code) == {"1000", "A1010", "A1020"}
    assert by_code["A1010"].original_duration == 20 * 60  # 2.5 days of the calendar's 8 hours
    assert by_code["A1010"].type is ActivityType.TASK
    constraint = by_code["A1010"].primary_constraint
    assert constraint is not None
    assert constraint.type is ConstraintType.START_ON_OR_AFTER
    assert constraint.date == dt.datetime(2026, 5, 6, 7, 30)
    assert by_code["A1020"].original_duration == 0
    lags = {(data.activities[r.predecessor_id].code, r.type, r.lag) for r in data.relationships.values()}
    assert lags == {("1000", RelationshipType.FS, 0), ("A1010", RelationshipType.FS, -8 * 60)}
    assert "column.ignored" not in result.report.summary()


def test_blank_hours_per_day_follow_the_work_week(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    project = book.active
    project.title = "Project"
    for row in (
        ["Field", "Value"],
        ["Project Code", "T"],
        ["Project Name", "Ten hours"],
        ["Planned Start", "2026-05-04"],
    ):
        project.append(row)
    calendars = book.create_sheet("Calendars")
    calendars.append(["Calendar", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])
    calendars.append(["4x10", *["06:00-11:00, 11:30-16:30"] * 4, None])
    acts = book.create_sheet("Activities")
    acts.append(["Activity ID", "Activity Name", "Original Duration (d)"])
    acts.append(["A1", "Pour", 3])
    path = tmp_path / "tens.xlsx"
    book.save(path)
    data = excel.read(path, options=ReadOptions()).pick()
    (cal,) = data.calendars.values()
    assert (cal.hours_per_day, cal.hours_per_week) == (10, 40)
    (act,) = data.activities.values()
    assert act.original_duration == 3 * 10 * 60
