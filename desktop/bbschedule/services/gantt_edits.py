"""What a drag on the Gantt chart means as commands: a new duration, a relationship, or a move that can only
hold through a constraint or a lag (CPM computes dates; a bar is never placed by hand).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from bbschedule.core.activity import Activity, Constraint, Relationship
from bbschedule.core.commands import (
    AddRelationship,
    Command,
    Composite,
    SetActivityDuration,
    SetActivityField,
    SetField,
)
from bbschedule.core.enums import ConstraintType, RelationshipType
from bbschedule.core.errors import ValidationError
from bbschedule.core.project_data import ProjectData
from bbschedule.scheduling.calendar import CompiledCalendar, to_minutes


@dataclass(frozen=True)
class MoveOption:
    label: str
    command: Command


def _activity(data: ProjectData, activity_id: str) -> Activity:
    activity = data.activities.get(activity_id)
    if activity is None:
        raise ValidationError("activity.id", f"no activity {activity_id!r} in this project")
    return activity


def working_minutes(data: ProjectData, calendar_id: str, start: dt.datetime, finish: dt.datetime) -> int:
    calendar = CompiledCalendar(data.calendars[calendar_id], around=start)
    return calendar.work_between(to_minutes(start), to_minutes(finish))


def resize_command(data: ProjectData, activity_id: str, start: dt.datetime, new_finish: dt.datetime) -> Command:
    """Dragging a bar's end: the remaining (or original, before progress) duration up to the new finish."""
    activity = _activity(data, activity_id)
    if activity.type.is_milestone:
        raise ValidationError("activity.original_duration", f"{activity.code}: a milestone has no duration")
    if activity.is_complete:
        raise ValidationError("activity.actual_finish", f"{activity.code} is complete: edit its actual finish")
    if activity.is_started:
        from_moment = max(start, data.project.effective_data_date)
        minutes = working_minutes(data, activity.calendar_id, from_moment, new_finish)
        return SetActivityDuration(activity_id, "remaining_duration", max(minutes, 0))
    minutes = working_minutes(data, activity.calendar_id, start, new_finish)
    return SetActivityDuration(activity_id, "original_duration", max(minutes, 0))


def link_command(data: ProjectData, predecessor: str, successor: str, rel_type: RelationshipType) -> Command:
    _activity(data, predecessor)
    _activity(data, successor)
    return AddRelationship(Relationship(predecessor, successor, rel_type))


def move_options(
    data: ProjectData, activity_id: str, current_start: dt.datetime, new_start: dt.datetime
) -> list[MoveOption]:
    """The ways a moved bar can hold: a constraint, or extra lag on the relationships that drive it."""
    activity = _activity(data, activity_id)
    if activity.is_started:
        raise ValidationError("activity.actual_start", f"{activity.code} has started: edit its actual start instead")
    options: list[MoveOption] = []
    later = new_start > current_start
    stamp = f"{new_start:%d-%b-%y}"
    if later:
        constraint = Constraint(ConstraintType.START_ON_OR_AFTER, new_start)
        options.append(
            MoveOption(f"Add constraint 'Start On or After {stamp}'", _constrain(activity_id, constraint, "Move"))
        )
        predecessors = [r for r in data.relationships.values() if r.successor_id == activity_id]
        if predecessors:
            delta = working_minutes(data, activity.calendar_id, current_start, new_start)
            days = delta / 60 / data.calendars[activity.calendar_id].hours_per_day
            commands: list[Command] = [SetField("relationship", (r.id,), "lag", r.lag + delta) for r in predecessors]
            noun = "relationship" if len(predecessors) == 1 else f"{len(predecessors)} predecessor relationships"
            options.append(MoveOption(f"Add {days:g}d lag to its {noun}", Composite("Add lag", commands)))
    else:
        constraint = Constraint(ConstraintType.MANDATORY_START, new_start)
        options.append(
            MoveOption(
                f"Add constraint 'Mandatory Start {stamp}' (overrides logic)",
                _constrain(activity_id, constraint, "Move"),
            )
        )
        if activity.primary_constraint is not None and activity.primary_constraint.type in (
            ConstraintType.START_ON_OR_AFTER,
            ConstraintType.START_ON,
            ConstraintType.MANDATORY_START,
        ):
            relaxed = dataclasses.replace(activity.primary_constraint, date=new_start)
            options.insert(0, MoveOption(f"Move its constraint to {stamp}", _constrain(activity_id, relaxed, "Move")))
    return options


def _constrain(activity_id: str, constraint: Constraint, label: str) -> Command:
    return Composite(label, [SetActivityField(activity_id, "primary_constraint", constraint)])
