"""A small real project for the window tests: two calendars, a three-level WBS, activities of each kind."""

from __future__ import annotations

import datetime as dt

import pytest

from bbschedule.core.activity import Activity, Constraint, Relationship
from bbschedule.core.calendar import Calendar, CalendarException, standard_week
from bbschedule.core.computed import ComputedDates
from bbschedule.core.enums import ActivityType, ConstraintType, RelationshipType
from bbschedule.core.project import Project, Wbs
from bbschedule.core.project_data import ProjectData
from bbschedule.services.session import ProjectSession

DAY = 8 * 60


def build_project() -> ProjectData:
    five = Calendar(
        "5-Day Site",
        exceptions=(CalendarException(dt.date(2026, 4, 3), dt.date(2026, 4, 6), name="Easter"),),
        is_default=True,
    )
    six = Calendar("6-Day Concrete", week=standard_week(7, 17, days=6), hours_per_day=9, hours_per_week=54)
    project = Project("BLD-01", "Office Block", dt.datetime(2026, 3, 2, 8), default_calendar_id=five.id)
    data = ProjectData(project, calendars={five.id: five, six.id: six})
    site = Wbs("1", "Site Works", sequence=1)
    civil = Wbs("1.1", "Earthworks", parent_id=site.id, sequence=1)
    frame = Wbs("2", "Structure", sequence=2)
    for wbs in (site, civil, frame):
        data.wbs[wbs.id] = wbs
    start = project.planned_start
    rows = [
        ("A1000", "Notice to proceed", ActivityType.START_MILESTONE, 0, site.id, five),
        ("A1010", "Site set-up", ActivityType.TASK, 5 * DAY, site.id, five),
        ("A1020", "Bulk excavation", ActivityType.TASK, 10 * DAY, civil.id, five),
        ("A1030", "Pile caps", ActivityType.TASK, 54 * 60, frame.id, six),
        ("A1040", "Structure complete", ActivityType.FINISH_MILESTONE, 0, frame.id, five),
    ]
    previous: Activity | None = None
    for i, (code, name, kind, minutes, wbs_id, calendar) in enumerate(rows):
        constraint = Constraint(ConstraintType.START_ON_OR_AFTER, start) if i == 0 else None
        activity = Activity(
            code, name, calendar.id, wbs_id=wbs_id, type=kind, original_duration=minutes, primary_constraint=constraint
        )
        data.activities[activity.id] = activity
        es = start + dt.timedelta(days=7 * i)
        data.computed[activity.id] = ComputedDates(
            es, es + dt.timedelta(days=5), es, es + dt.timedelta(days=5), 0 if i % 2 else -DAY, 0
        )
        if previous is not None:
            rel = Relationship(previous.id, activity.id, RelationshipType.FS if i % 2 else RelationshipType.SS)
            data.relationships[rel.id] = rel
        previous = activity
    return data


@pytest.fixture
def project() -> ProjectData:
    return build_project()


@pytest.fixture
def session(project: ProjectData) -> ProjectSession:
    return ProjectSession(project)
