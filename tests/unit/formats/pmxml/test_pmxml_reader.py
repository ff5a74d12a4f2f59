# ruff: noqa: E501  (the hand-made P6 file below reads best one element a line)
"""The P6 XML reader on a hand-made file with what the samples lack: two projects, project calendars,
base calendars, relationships across projects, roles, baselines, options in <ScheduleOptions>."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bbschedule.core.enums import ActivityType, ConstraintType, FloatMode, ProgressMode, RelationshipType
from bbschedule.core.errors import InputFileError
from bbschedule.formats import pmxml
from bbschedule.formats.registry import ImportResult, ReadOptions

FILE = """<?xml version="1.0" encoding="UTF-8"?>
<APIBusinessObjects xmlns="http://xmlns.oracle.com/Primavera/P6/V19.12/API/BusinessObjects"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Calendar><ObjectId>10</ObjectId><Name>Global 5d</Name><IsDefault>1</IsDefault><HoursPerDay>8</HoursPerDay>
    <StandardWorkWeek>
      <StandardWorkHours><DayOfWeek>Monday</DayOfWeek><WorkTime><Start>08:00:00</Start><Finish>16:59:00</Finish></WorkTime></StandardWorkHours>
      <StandardWorkHours><DayOfWeek>Tuesday</DayOfWeek><WorkTime><Start>08:00:00</Start><Finish>16:59:00</Finish></WorkTime></StandardWorkHours>
      <StandardWorkHours><DayOfWeek>Saturday</DayOfWeek><WorkTime xsi:nil="true"/></StandardWorkHours>
    </StandardWorkWeek>
    <HolidayOrExceptions><HolidayOrException><Date>2024-12-25T00:00:00</Date><WorkTime xsi:nil="true"/></HolidayOrException></HolidayOrExceptions>
  </Calendar>
  <Calendar><ObjectId>11</ObjectId><Name>Nights</Name><BaseCalendarObjectId>10</BaseCalendarObjectId><HoursPerDay>6</HoursPerDay>
    <StandardWorkWeek><StandardWorkHours><DayOfWeek>Monday</DayOfWeek><WorkTime><Start>18:00:00</Start><Finish>23:59:00</Finish></WorkTime></StandardWorkHours></StandardWorkWeek>
    <HolidayOrExceptions><HolidayOrException><Date>2024-12-31T00:00:00</Date></HolidayOrException></HolidayOrExceptions>
  </Calendar>
  <Role><ObjectId>5</ObjectId><Name>Engineer</Name></Role>
  <Resource><ObjectId>7</ObjectId><Id>CR</Id><Name>Crane</Name><ResourceType>Nonlabor</ResourceType></Resource>
  <BaselineProject><ObjectId>99</ObjectId><Name>BL</Name><OriginalProjectObjectId>2</OriginalProjectObjectId>
    <Activity><ObjectId>900</ObjectId><Id>B2</Id><PlannedDuration>32</PlannedDuration><PlannedStartDate>2024-01-29T08:00:00</PlannedStartDate></Activity>
    <Activity><ObjectId>901</ObjectId><Id>GONE</Id></Activity>
  </BaselineProject>
  <Project><ObjectId>1</ObjectId><Id>SMALL</Id><Name>Small</Name><PlannedStartDate>2024-01-01T08:00:00</PlannedStartDate>
    <ActivityDefaultCalendarObjectId>10</ActivityDefaultCalendarObjectId>
    <Activity><ObjectId>100</ObjectId><Id>S1</Id><Name>Only</Name><PlannedDuration>8</PlannedDuration><WBSObjectId xsi:nil="true"/></Activity>
  </Project>
  <Project><ObjectId>2</ObjectId><Id>BIG</Id><Name>Big</Name><PlannedStartDate>2024-02-01T08:00:00</PlannedStartDate>
    <DataDate>2024-02-05T08:00:00</DataDate><MustFinishByDate>2024-06-28T17:00:00</MustFinishByDate>
    <ActivityDefaultCalendarObjectId>12</ActivityDefaultCalendarObjectId>
    <Calendar><ObjectId>12</ObjectId><Name>Project 6d</Name><Type>Project</Type>
      <StandardWorkWeek><StandardWorkHours><DayOfWeek>Saturday</DayOfWeek><WorkTime><Start>07:00:00</Start><Finish>12:59:00</Finish></WorkTime></StandardWorkHours></StandardWorkWeek>
    </Calendar>
    <WBS><ObjectId>20</ObjectId><Code>A</Code><Name>Area A</Name><ParentObjectId>2</ParentObjectId><SequenceNumber>2</SequenceNumber></WBS>
    <WBS><ObjectId>21</ObjectId><Code>A.1</Code><Name>Zone 1</Name><ParentObjectId>20</ParentObjectId><SequenceNumber>1</SequenceNumber></WBS>
    <Activity><ObjectId>200</ObjectId><Id>B1</Id><Name>Start</Name><Type>Start Milestone</Type><PlannedDuration>0</PlannedDuration><WBSObjectId>20</WBSObjectId></Activity>
    <Activity><ObjectId>201</ObjectId><Id>B2</Id><Name>Dig</Name><CalendarObjectId>11</CalendarObjectId><PlannedDuration>40</PlannedDuration>
      <RemainingDuration>16</RemainingDuration><ActualDuration>24</ActualDuration><ActualStartDate>2024-02-01T08:00:00</ActualStartDate>
      <PrimaryConstraintType>Start On or After</PrimaryConstraintType><PrimaryConstraintDate>2024-02-01T08:00:00</PrimaryConstraintDate>
      <SecondaryConstraintType>Finish On or Before</SecondaryConstraintType><SecondaryConstraintDate>2024-03-01T17:00:00</SecondaryConstraintDate>
      <EarlyStartDate>2024-02-05T08:00:00</EarlyStartDate><EarlyFinishDate>2024-02-06T17:00:00</EarlyFinishDate>
      <TotalFloat>12.5</TotalFloat><FreeFloat>0</FreeFloat><IsCritical>0</IsCritical><WBSObjectId>21</WBSObjectId></Activity>
    <Activity><ObjectId>202</ObjectId><Id>B3</Id><Name>Oversee</Name><Type>Level of Effort</Type><PlannedDuration>80</PlannedDuration>
      <PrimaryConstraintType>Weird Constraint</PrimaryConstraintType></Activity>
    <ActivityNote><ActivityObjectId>201</ActivityObjectId><Note>&lt;html&gt;&lt;head&gt;&lt;style&gt;p {}&lt;/style&gt;&lt;/head&gt;&lt;body&gt;&lt;p&gt;Rock expected&lt;/p&gt;&lt;p&gt;Use &amp;amp; breakers&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</Note></ActivityNote>
    <ResourceAssignment><ActivityObjectId>201</ActivityObjectId><ResourceObjectId>7</ResourceObjectId><PlannedUnits>40</PlannedUnits></ResourceAssignment>
    <ResourceAssignment><ActivityObjectId>201</ActivityObjectId><RoleObjectId>5</RoleObjectId><PlannedUnits>8</PlannedUnits></ResourceAssignment>
    <Relationship><ObjectId>1</ObjectId><PredecessorActivityObjectId>200</PredecessorActivityObjectId><SuccessorActivityObjectId>201</SuccessorActivityObjectId><Type>Start to Start</Type><Lag>-4</Lag></Relationship>
    <ScheduleOptions><OutOfSequenceScheduleType>Actual Dates</OutOfSequenceScheduleType><ComputeTotalFloatType>Start Float</ComputeTotalFloatType><CriticalActivityFloatThreshold>8</CriticalActivityFloatThreshold></ScheduleOptions>
  </Project>
  <Relationship><ObjectId>2</ObjectId><PredecessorActivityObjectId>201</PredecessorActivityObjectId><SuccessorActivityObjectId>202</SuccessorActivityObjectId><Type>Finish to Finish</Type><Lag>2</Lag></Relationship>
  <Relationship><ObjectId>3</ObjectId><PredecessorActivityObjectId>100</PredecessorActivityObjectId><SuccessorActivityObjectId>200</SuccessorActivityObjectId><Type>Finish to Start</Type></Relationship>
</APIBusinessObjects>
"""


@pytest.fixture
def result(tmp_path: Path) -> ImportResult:
    path = tmp_path / "two.xml"
    path.write_text(FILE, encoding="utf-8")
    return pmxml.read(path, options=ReadOptions())


def test_two_projects_and_the_largest_is_picked(result: ImportResult) -> None:
    assert sorted(p.project.code for p in result.projects) == ["BIG", "SMALL"]
    assert result.pick().project.code == "BIG"
    assert result.pick("SMALL").project.code == "SMALL"
    for data in result.projects:
        data.check_all()


def test_project_options_and_dates(result: ImportResult) -> None:
    big = result.pick("BIG").project
    assert big.data_date == dt.datetime(2024, 2, 5, 8)
    assert big.must_finish_by == dt.datetime(2024, 6, 28, 17)
    assert big.options.progress_mode is ProgressMode.ACTUAL_DATES
    assert big.options.float_mode is FloatMode.START
    assert big.options.critical_float_threshold == 480


def test_calendars_base_exceptions_and_project_calendars(result: ImportResult) -> None:
    big = result.pick("BIG")
    calendars = {c.name: c for c in big.calendars.values()}
    assert big.calendars[big.project.default_calendar_id].name == "Project 6d"
    assert [(i.start, i.end) for i in calendars["Global 5d"].week[0]] == [(480, 1020)]
    assert [(i.start, i.end) for i in calendars["Nights"].week[0]] == [(1080, 1440)]
    # Nights inherits the global holiday and keeps its own.
    assert [e.start for e in calendars["Nights"].exceptions] == [dt.date(2024, 12, 25), dt.date(2024, 12, 31)]
    assert calendars["Nights"].base_calendar_id == calendars["Global 5d"].id


def test_activities_wbs_and_computed(result: ImportResult) -> None:
    big = result.pick("BIG")
    acts = {a.code: a for a in big.activities.values()}
    dig = acts["B2"]
    assert (dig.original_duration, dig.remaining, dig.actual_duration) == (2400, 960, 1440)
    assert dig.primary_constraint is not None
    assert dig.primary_constraint.type is ConstraintType.START_ON_OR_AFTER
    assert dig.secondary_constraint is not None
    assert dig.secondary_constraint.type is ConstraintType.FINISH_ON_OR_BEFORE
    assert dig.notes == "Rock expected\nUse & breakers"
    assert big.calendars[dig.calendar_id].name == "Nights"
    assert acts["B1"].type is ActivityType.START_MILESTONE
    assert acts["B3"].type is ActivityType.LEVEL_OF_EFFORT
    assert acts["B3"].primary_constraint is None
    zone = big.wbs[dig.wbs_id or ""]
    assert zone.name == "Zone 1"
    assert big.wbs[zone.parent_id or ""].parent_id is None
    assert big.computed[dig.id].total_float == 750


def test_relationships_assignments_and_what_was_dropped(result: ImportResult) -> None:
    big = result.pick("BIG")
    code = {a.id: a.code for a in big.activities.values()}
    links = {(code[r.predecessor_id], code[r.successor_id], r.type, r.lag) for r in big.relationships.values()}
    assert links == {("B1", "B2", RelationshipType.SS, -240), ("B2", "B3", RelationshipType.FF, 120)}
    assert len(big.assignments) == 1
    summary = result.report.summary()
    assert summary["relationship.cross_project"] == 1
    assert summary["assignment.role_only"] == 1
    assert summary["pmxml.role"] == 1
    assert [b.name for b in big.baselines.values()] == ["BL"]
    assert summary["baseline.unmatched"] == 1
    assert summary["constraint.unknown"] == 1
    assert result.report.counts["projects"] == 2


def test_duplicate_activity_ids_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.xml"
    path.write_text(FILE.replace("<Id>B3</Id>", "<Id>B2</Id>"), encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        pmxml.read(path, options=ReadOptions())
    assert info.value.field == "Activity/Id"
    assert "B2" in info.value.message
