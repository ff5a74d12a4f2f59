"""Turns what the planner typed into a cell into the core command that makes the change (no Qt, no rules).

A value that cannot be read raises ValueError with a message for the status bar; the core's own checks
(negative duration, duplicate Activity ID, milestone with a duration) happen when the session applies it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

from bbschedule.core.activity import Activity, Constraint
from bbschedule.core.commands import Command, SetActivityDuration, SetActivityField, SetActivityType, SetField
from bbschedule.core.computed import finish_of, start_of
from bbschedule.core.enums import ActivityType
from bbschedule.core.project_data import ProjectData
from bbschedule.ui.columns import ACTIVITY_TYPE_LABELS, CONSTRAINT_LABELS, Column, Editor
from bbschedule.ui.formatting import at_work_finish, at_work_start, parse_date, parse_duration


def activity_edit(data: ProjectData, *, activity_id: str, column: Column, value: Any) -> Command:
    activity = data.activities[activity_id]
    field = column.field
    if field is None or column.editor is Editor.NONE:
        raise ValueError(f"{column.title.replace(chr(10), ' ')} is calculated and cannot be edited")
    if column.editor is Editor.TEXT:
        text = str(value).strip()
        if not text:
            raise ValueError(f"{column.title} cannot be empty")
        return SetActivityField(activity_id, field, text)
    if column.editor is Editor.DURATION:
        return _duration_edit(data, activity, field, value)
    if column.editor in (Editor.START_DATE, Editor.FINISH_DATE):
        day = parse_date(str(value))
        calendar = data.calendars.get(activity.calendar_id) or data.default_calendar()
        if day is None:
            return SetActivityField(activity_id, field, None)
        when = at_work_start(day, calendar) if column.editor is Editor.START_DATE else at_work_finish(day, calendar)
        return SetActivityField(activity_id, field, when)
    if column.editor is Editor.CALENDAR:
        return SetActivityField(activity_id, field, _calendar_id(data, value))
    if column.editor is Editor.ACTIVITY_TYPE:
        return SetActivityType(activity_id, _activity_type(value))
    if column.editor is Editor.CONSTRAINT:
        return SetActivityField(activity_id, field, _constraint(data, activity, value))
    if column.editor is Editor.CONSTRAINT_DATE:
        return SetActivityField(activity_id, field, _constraint_on(data, activity, value))
    raise ValueError(f"{column.title} cannot be edited")


def wbs_edit(data: ProjectData, *, wbs_id: str, column: Column, value: Any) -> Command:
    """A WBS group row edits its code (in the Activity ID column) and its name."""
    text = str(value).strip()
    if column.key not in ("code", "name"):
        raise ValueError("a WBS row shows a summary here; edit its activities instead")
    if not text and column.key == "name":
        raise ValueError("a WBS node needs a name")
    return SetField("wbs", (wbs_id,), column.key, text)


def _duration_edit(data: ProjectData, activity: Activity, field: str, value: Any) -> Command:
    calendar = data.calendars.get(activity.calendar_id)
    hours_per_day = calendar.hours_per_day if calendar is not None else 8.0
    hours_per_week = calendar.hours_per_week if calendar is not None else None
    minutes = parse_duration(str(value), hours_per_day=hours_per_day, hours_per_week=hours_per_week)
    return SetActivityDuration(activity.id, field, minutes)


def _calendar_id(data: ProjectData, value: Any) -> str:
    text = str(value).strip()
    if text in data.calendars:
        return text
    for calendar in data.calendars.values():
        if calendar.name.lower() == text.lower():
            return calendar.id
    raise ValueError(f"no calendar {text!r} in this project")


def _constraint(data: ProjectData, activity: Activity, value: Any) -> Constraint | None:
    """A constraint type from the combo; its date stays, or is the activity's start (finish) as in P6."""
    text = str(value or "").strip()
    if not text:
        return None
    kind = next((k for k, label in CONSTRAINT_LABELS.items() if text.lower() in (label.lower(), k.value)), None)
    if kind is None:
        raise ValueError(f"{text!r} is not a constraint")
    if not kind.needs_date:
        return Constraint(kind)
    current = activity.primary_constraint
    if current is not None and current.date is not None:
        return Constraint(kind, current.date)
    computed = data.computed.get(activity.id)
    when = finish_of(activity, computed) if "finish" in kind.value else start_of(activity, computed)
    if when is None:
        raise ValueError(f"{CONSTRAINT_LABELS[kind]} needs a date: schedule first or type it in the date column")
    return Constraint(kind, when)


def _constraint_on(data: ProjectData, activity: Activity, value: Any) -> Constraint | None:
    current = activity.primary_constraint
    if current is None or not current.type.needs_date:
        raise ValueError("choose a constraint with a date first (Primary Constraint column)")
    day = parse_date(str(value))
    if day is None:
        raise ValueError(f"{CONSTRAINT_LABELS[current.type]} needs a date")
    calendar = data.calendars.get(activity.calendar_id) or data.default_calendar()
    finish = "finish" in current.type.value
    return Constraint(current.type, at_work_finish(day, calendar) if finish else at_work_start(day, calendar))


def _activity_type(value: Any) -> ActivityType:
    if isinstance(value, ActivityType):
        return value
    text = str(value).strip()
    for kind, label in ACTIVITY_TYPE_LABELS.items():
        if text.lower() in (label.lower(), kind.value):
            return kind
    raise ValueError(f"{text!r} is not an activity type")


def next_activity_code(data: ProjectData, *, after: str | None) -> str:
    """A free Activity ID after `after`, P6 style: A1010 -> A1020 (step 10); if that is taken, A1011, so that the
    new activity sorts right after the one it was inserted below."""
    taken = {a.code for a in data.activities.values()}
    match = re.match(r"^(.*?)(\d+)$", after or "")
    candidates: Iterator[int]
    if match is None:
        prefix, width, candidates = "A", 4, itertools.count(1000, 10)
    else:
        prefix, number, width = match.group(1), int(match.group(2)), len(match.group(2))
        candidates = itertools.chain((number + 10 - number % 10,), itertools.count(number + 1))
    return next(code for n in candidates if (code := f"{prefix}{n:0{width}d}") not in taken)
