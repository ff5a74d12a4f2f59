"""Which activities a planner wants to see: filters (critical, status, text, date window) and grouping by an
activity code instead of the WBS. Plain functions over the project, so the table and reports share them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bbschedule.core.activity import Activity
from bbschedule.core.computed import ComputedDates, span_of
from bbschedule.core.project_data import ProjectData


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"


def status_of(activity: Activity) -> Status:
    if activity.actual_finish is not None:
        return Status.COMPLETE
    if activity.actual_start is not None:
        return Status.IN_PROGRESS
    return Status.NOT_STARTED


@dataclass(frozen=True)
class ActivityFilter:
    critical_only: bool = False
    statuses: frozenset[Status] = frozenset()
    """Empty: every status."""
    text: str = ""
    """Matched, case-insensitive, against Activity ID, name and notes."""
    window_start: dt.datetime | None = None
    window_finish: dt.datetime | None = None
    """Activities whose dates overlap the window."""

    @property
    def is_empty(self) -> bool:
        return self == ActivityFilter()

    def matches(self, activity: Activity, computed: ComputedDates | None) -> bool:
        if self.critical_only and not (computed is not None and computed.critical):
            return False
        if self.statuses and status_of(activity) not in self.statuses:
            return False
        if self.text:
            needle = self.text.casefold()
            if not any(needle in field.casefold() for field in (activity.code, activity.name, activity.notes)):
                return False
        if self.window_start is not None or self.window_finish is not None:
            span = span_of(activity, computed)
            if span is None:
                return False
            start, finish = span
            if self.window_finish is not None and start > self.window_finish:
                return False
            if self.window_start is not None and finish < self.window_start:
                return False
        return True

    def apply(self, data: ProjectData) -> set[str]:
        """The ids of the activities that pass."""
        computed = data.computed
        return {a.id for a in data.activities.values() if self.matches(a, computed.get(a.id))}


@dataclass(frozen=True)
class CodeGroup:
    value_id: str | None
    """None: the activities without a value of this code."""
    label: str
    activity_ids: tuple[str, ...]


def group_by_code(data: ProjectData, code_type_id: str, *, among: set[str] | None = None) -> list[CodeGroup]:
    """Activities grouped by their value of one activity code, in the values' order, unassigned last."""
    values = sorted(
        (v for v in data.code_values.values() if v.type_id == code_type_id), key=lambda v: (v.sequence, v.code)
    )
    members: dict[str | None, list[Activity]] = {v.id: [] for v in values}
    members[None] = []
    for activity in data.activities.values():
        if among is not None and activity.id not in among:
            continue
        value_id = activity.codes.get(code_type_id)
        members.setdefault(value_id if value_id in members else None, []).append(activity)
    groups = []
    for value in values:
        acts = sorted(members[value.id], key=lambda a: a.code)
        label = f"{value.code} {value.description}".strip()
        groups.append(CodeGroup(value.id, label, tuple(a.id for a in acts)))
    if members[None]:
        groups.append(CodeGroup(None, "(no value)", tuple(a.id for a in sorted(members[None], key=lambda a: a.code))))
    return groups
