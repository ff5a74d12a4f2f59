"""A project with every entity and every field set to a non-default value, for round-trip tests of the cache."""

from __future__ import annotations

import datetime as dt

from bbschedule.core.activity import Activity, Constraint, Relationship
from bbschedule.core.baseline import Baseline, BaselineActivity
from bbschedule.core.calendar import Calendar, CalendarException, WorkInterval, standard_week
from bbschedule.core.codes import ActivityCodeType, ActivityCodeValue, UserField
from bbschedule.core.computed import ComputedDates
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

T0 = dt.datetime(2026, 3, 2, 8, 0)


def rich_project(code: str = "RICH") -> ProjectData:
    base = Calendar("Base 5x8", week=standard_week(), is_default=True, source_id="10")
    night = Calendar(
        "Night shift",
        week=tuple(((WorkInterval(0, 240), WorkInterval(1200, 1440)) if i < 4 else ()) for i in range(7)),
        exceptions=(
            CalendarException(dt.date(2026, 12, 24), dt.date(2026, 12, 26), name="Christmas"),
            CalendarException(dt.date(2026, 3, 7), dt.date(2026, 3, 7), (WorkInterval.hours(7, 12),), "Saturday"),
        ),
        hours_per_day=8.5,
        hours_per_week=34.0,
        hours_per_month=150.5,
        hours_per_year=1700.25,
        base_calendar_id=base.id,
        source_id="11",
    )
    project = Project(
        code=code,
        name="Rich project: every field",
        planned_start=T0,
        data_date=T0 + dt.timedelta(days=14, minutes=30),
        must_finish_by=T0 + dt.timedelta(days=400),
        default_calendar_id=base.id,
        eps_id="eps-somewhere",
        options=ScheduleOptions(
            progress_mode=ProgressMode.PROGRESS_OVERRIDE,
            float_mode=FloatMode.SMALLEST,
            critical_mode=CriticalMode.LONGEST_PATH,
            critical_float_threshold=480,
            lag_calendar=LagCalendar.SUCCESSOR,
            open_ended_critical=True,
            ignore_external_links=False,
        ),
        currency="EUR",
        notes="Line one\nline two — ünïcode",
        source_id="P-77",
    )
    data = ProjectData(project, calendars={base.id: base, night.id: night})
    root = Wbs("1", "Site", sequence=1, source_id="W1")
    child = Wbs("1.1", "Foundations", parent_id=root.id, sequence=2, source_id="W2")
    data.wbs = {root.id: root, child.id: child}
    ctype = ActivityCodeType("Area", is_global=True, source_id="CT1")
    cval = ActivityCodeValue(ctype.id, "N", "North", sequence=3, source_id="CV1")
    cchild = ActivityCodeValue(ctype.id, "N1", "North 1", parent_id=cval.id, sequence=4)
    data.code_types = {ctype.id: ctype}
    data.code_values = {cval.id: cval, cchild.id: cchild}
    ufield = UserField("Cost centre", UserFieldType.NUMBER, source_id="UDF1")
    data.user_fields = {ufield.id: ufield}
    crew = Resource("CREW", "Crew", ResourceType.LABOR, "h", night.id, (ResourceRate(dt.date(2026, 1, 1), 55.5, 2.0),))
    sub = Resource("PUMP", "Pump", ResourceType.NONLABOR, "d", None, (), parent_id=crew.id, source_id="R2")
    data.resources = {crew.id: crew, sub.id: sub}
    a = Activity(
        "A100", "Excavate", night.id, child.id, ActivityType.RESOURCE_DEPENDENT, DurationType.FIXED_UNITS,
        PercentCompleteType.PHYSICAL, 2400, 960, 1440, 37.5,
        Constraint(ConstraintType.START_ON_OR_AFTER, T0 + dt.timedelta(days=1)),
        Constraint(ConstraintType.FINISH_ON_OR_BEFORE, T0 + dt.timedelta(days=30, hours=9)),
        T0 + dt.timedelta(hours=1), None, T0 + dt.timedelta(days=9), T0 + dt.timedelta(days=3),
        T0 + dt.timedelta(days=4), T0, T0 + dt.timedelta(days=5), 1200.5, "m3", 12.25, 10.0, 250.75,
        "Notes with 'quotes' and \"doubles\"", {ctype.id: cchild.id}, {ufield.id: 42.5}, source_id="T100",
    )  # fmt: skip
    b = Activity("A200", "Pour", base.id, child.id, original_duration=480, actual_start=T0, actual_finish=T0)
    m = Activity(
        "M900",
        "Handover",
        base.id,
        root.id,
        ActivityType.FINISH_MILESTONE,
        primary_constraint=Constraint(ConstraintType.AS_LATE_AS_POSSIBLE),
    )
    data.activities = {x.id: x for x in (a, b, m)}
    r1 = Relationship(a.id, b.id, RelationshipType.SS, -120)
    r2 = Relationship(b.id, m.id, RelationshipType.FF, 960)
    data.relationships = {r1.id: r1, r2.id: r2}
    asg = Assignment(a.id, crew.id, 40.0, 10.5, 29.5, 2220.0, 582.75, 1637.25)
    data.assignments = {asg.id: asg}
    exp = Expense(b.id, "Concrete", 1000.0, 250.0, 750.5)
    data.expenses = {exp.id: exp}
    bl = Baseline(
        "Contract",
        T0 - dt.timedelta(days=3),
        (BaselineActivity(a.id, T0, T0 + dt.timedelta(days=5), 2400, 5000.5), BaselineActivity(m.id, None, None)),
    )
    data.baselines = {bl.id: bl}
    data.computed = {
        a.id: ComputedDates(
            T0,
            T0 + dt.timedelta(days=5),
            T0 + dt.timedelta(days=6),
            T0 + dt.timedelta(days=11),
            2400,
            480,
            critical=True,
            longest_path=True,
        ),
        m.id: ComputedDates(None, None, None, None, None, None),
    }
    data.check_all()
    return data


def tables_of(data: ProjectData) -> dict[str, dict[str, object]]:
    from bbschedule.core.project_data import ENTITY_KINDS

    return {kind: dict(data.table(kind)) for kind in ENTITY_KINDS}
