"""A small project that uses what both XML formats must carry (and some they cannot), for the writer tests."""

from __future__ import annotations

import datetime as dt

from bbschedule.core.activity import Activity, Constraint, Relationship
from bbschedule.core.baseline import Baseline, BaselineActivity
from bbschedule.core.calendar import Calendar, CalendarException, WorkInterval, standard_week
from bbschedule.core.computed import ComputedDates
from bbschedule.core.enums import (
    ActivityType,
    ConstraintType,
    LagCalendar,
    PercentCompleteType,
    RelationshipType,
    ResourceType,
)
from bbschedule.core.project import Project, ScheduleOptions, Wbs
from bbschedule.core.project_data import ProjectData
from bbschedule.core.resource import Assignment, Resource, ResourceRate

D = dt.datetime


def build() -> ProjectData:
    standard = Calendar(
        name="Standard",
        exceptions=(
            CalendarException(dt.date(2024, 12, 25), dt.date(2024, 12, 26), name="Christmas"),
            CalendarException(dt.date(2024, 3, 9), dt.date(2024, 3, 9), (WorkInterval(480, 720),), "Saturday shift"),
        ),
        is_default=True,
    )
    nights = Calendar(name="Nights", week=standard_week(18, 23, lunch=None, days=6))
    data = ProjectData(
        project=Project(
            code="RICH",
            name="Rich project",
            planned_start=D(2024, 3, 4, 8),
            data_date=D(2024, 3, 11, 8),
            default_calendar_id=standard.id,
            options=ScheduleOptions(lag_calendar=LagCalendar.SUCCESSOR),
        )
    )
    data.calendars = {standard.id: standard, nights.id: nights}
    civil = Wbs(code="CIV", name="Civil", sequence=1)
    piling = Wbs(code="PIL", name="Piling", parent_id=civil.id, sequence=2)
    data.wbs = {w.id: w for w in (civil, piling)}
    acts = [
        Activity(
            code="A1000", name="Mobilise", calendar_id=standard.id, wbs_id=civil.id, type=ActivityType.START_MILESTONE
        ),
        Activity(
            code="A1010",
            name="Piles",
            calendar_id=standard.id,
            wbs_id=piling.id,
            original_duration=5 * 480,
            remaining_duration=3 * 480,
            actual_duration=2 * 480,
            actual_start=D(2024, 3, 6, 8),
            physical_percent_complete=35.0,
            percent_complete_type=PercentCompleteType.PHYSICAL,
            primary_constraint=Constraint(ConstraintType.START_ON, D(2024, 3, 6, 8)),
            secondary_constraint=Constraint(ConstraintType.FINISH_ON_OR_BEFORE, D(2024, 3, 20, 17)),
            notes="Bored piles, 600 mm.",
        ),
        Activity(
            code="A1020",
            name="Caps at night",
            calendar_id=nights.id,
            wbs_id=piling.id,
            original_duration=600,
            primary_constraint=Constraint(ConstraintType.START_ON_OR_AFTER, D(2024, 3, 12, 18)),
            secondary_constraint=Constraint(ConstraintType.START_ON_OR_BEFORE, D(2024, 3, 15, 18)),
        ),
        Activity(
            code="A1030",
            name="Supervision",
            calendar_id=standard.id,
            wbs_id=civil.id,
            type=ActivityType.LEVEL_OF_EFFORT,
            original_duration=10 * 480,
        ),
        Activity(
            code="A1040",
            name="Handover",
            calendar_id=standard.id,
            type=ActivityType.FINISH_MILESTONE,
            primary_constraint=Constraint(ConstraintType.AS_LATE_AS_POSSIBLE),
        ),
    ]
    data.activities = {a.id: a for a in acts}
    links = [
        Relationship(acts[0].id, acts[1].id, RelationshipType.FS, 0),
        Relationship(acts[1].id, acts[2].id, RelationshipType.SS, 2 * 480),
        Relationship(acts[2].id, acts[4].id, RelationshipType.FF, -120),
        Relationship(acts[0].id, acts[3].id, RelationshipType.SF, 90),
    ]
    data.relationships = {r.id: r for r in links}
    crew = Resource(
        code="CREW",
        name="Piling crew",
        rates=(ResourceRate(dt.date(2024, 1, 1), 120.0), ResourceRate(dt.date(2024, 6, 1), 130.0)),
    )
    steel = Resource(code="STEEL", name="Rebar", type=ResourceType.MATERIAL, unit="t")
    data.resources = {r.id: r for r in (crew, steel)}
    assignment = Assignment(
        acts[1].id, crew.id, budgeted_units=40, actual_units=16, remaining_units=24, budgeted_cost=4800
    )
    data.assignments = {assignment.id: assignment}
    data.computed = {
        acts[1].id: ComputedDates(D(2024, 3, 11, 8), D(2024, 3, 13, 17), D(2024, 3, 12, 8), D(2024, 3, 14, 17), 480, 0),
    }
    baseline = Baseline(
        "Contract",
        D(2024, 3, 1, 8),
        (BaselineActivity(acts[1].id, D(2024, 3, 5, 8), D(2024, 3, 11, 17), 5 * 480, 5000.0),),
    )
    data.baselines = {baseline.id: baseline}
    data.check_all()
    return data


def build_with_codes() -> ProjectData:
    """The rich project with a global and a project code type (hierarchical values) and a UDF of each type."""
    import dataclasses

    from bbschedule.core.codes import ActivityCodeType, ActivityCodeValue, UserField
    from bbschedule.core.enums import UserFieldType

    data = build()
    area = ActivityCodeType("Area", is_global=True)
    phase = ActivityCodeType("Phase", is_global=False)
    north = ActivityCodeValue(area.id, "N", "North", sequence=1)
    north_east = ActivityCodeValue(area.id, "NE", "North east", parent_id=north.id, sequence=2)
    design = ActivityCodeValue(phase.id, "DES", "Design")
    data.code_types = {t.id: t for t in (area, phase)}
    data.code_values = {v.id: v for v in (north, north_east, design)}
    fields = {kind: UserField(f"UDF {kind.value}", kind) for kind in UserFieldType}
    data.user_fields = {f.id: f for f in fields.values()}
    values: dict[UserFieldType, object] = {
        UserFieldType.TEXT: "rock",
        UserFieldType.NUMBER: 2.5,
        UserFieldType.INTEGER: 7.0,
        UserFieldType.COST: 1234.5,
        UserFieldType.DATE: "2024-04-01T08:00:00",
    }
    key = next(k for k, a in data.activities.items() if a.code == "A1010")
    data.activities[key] = dataclasses.replace(
        data.activities[key],
        codes={area.id: north_east.id, phase.id: design.id},
        user_fields={fields[k].id: v for k, v in values.items()},
    )
    data.check_all()
    return data
