"""A small project builder for hand-worked scheduling cases: a 5x8 calendar with a lunch break
(08:00-12:00, 13:00-17:00), project start Monday 2026-01-05 08:00."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from bbschedule.core.activity import Activity, Constraint, Relationship
from bbschedule.core.calendar import Calendar, CalendarException, standard_week, twenty_four_hour_calendar
from bbschedule.core.enums import ActivityType, ConstraintType, RelationshipType
from bbschedule.core.project import Project, ScheduleOptions
from bbschedule.core.project_data import ProjectData
from bbschedule.scheduling.engine import schedule
from bbschedule.scheduling.result import ScheduleResult

DAY = 480
MONDAY = dt.datetime(2026, 1, 5, 8, 0)


class Build:
    def __init__(self, **options: Any) -> None:
        self.standard = Calendar(name="5x8", week=standard_week(), id="std", is_default=True)
        self.full = dataclasses.replace(twenty_four_hour_calendar(), id="24h")
        project = Project(
            code="T",
            name="Test",
            planned_start=MONDAY,
            default_calendar_id="std",
            options=ScheduleOptions(**options),
            id="p",
        )
        self.data = ProjectData(project=project, calendars={"std": self.standard, "24h": self.full})

    def project(self, **changes: Any) -> Build:
        self.data.project = dataclasses.replace(self.data.project, **changes)
        return self

    def holiday(self, day: dt.date) -> Build:
        cal = self.data.calendars["std"]
        self.data.calendars["std"] = dataclasses.replace(
            cal, exceptions=(*cal.exceptions, CalendarException(day, day, name="holiday"))
        )
        return self

    def act(
        self,
        code: str,
        days: float = 1,
        *,
        kind: ActivityType = ActivityType.TASK,
        calendar: str = "std",
        constraint: tuple[ConstraintType, dt.datetime | None] | None = None,
        secondary: tuple[ConstraintType, dt.datetime | None] | None = None,
        **fields: Any,
    ) -> Build:
        minutes = 0 if kind.is_milestone else round(days * (DAY if calendar == "std" else 1440))
        self.data.activities[code] = Activity(
            code=code,
            name=code,
            calendar_id=calendar,
            type=kind,
            original_duration=fields.pop("original_duration", minutes),
            primary_constraint=Constraint(*constraint) if constraint else None,
            secondary_constraint=Constraint(*secondary) if secondary else None,
            id=code,
            **fields,
        )
        return self

    def link(self, pred: str, succ: str, kind: str = "FS", lag_hours: float = 0) -> Build:
        rel = Relationship(pred, succ, RelationshipType(kind), round(lag_hours * 60), id=f"{pred}-{succ}")
        self.data.relationships[rel.id] = rel
        return self

    def run(self) -> ScheduleResult:
        return schedule(self.data)


@pytest.fixture
def build() -> type[Build]:
    return Build
