"""What scheduling computed for one activity: a cached result, never a user edit, never synced."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bbschedule.core.activity import Activity


@dataclass(frozen=True, slots=True)
class ComputedDates:
    early_start: dt.datetime | None
    early_finish: dt.datetime | None
    late_start: dt.datetime | None
    late_finish: dt.datetime | None
    total_float: int | None
    """Working minutes on the activity's calendar."""
    free_float: int | None
    critical: bool = False
    longest_path: bool = False


def start_of(activity: Activity, computed: ComputedDates | None) -> dt.datetime | None:
    """P6's Start: the actual start once started, else the early start, else the planned start."""
    if activity.actual_start is not None:
        return activity.actual_start
    if computed is not None and computed.early_start is not None:
        return computed.early_start
    return activity.planned_start


def finish_of(activity: Activity, computed: ComputedDates | None) -> dt.datetime | None:
    """P6's Finish: the actual finish once finished, else the early finish, else the planned finish."""
    if activity.actual_finish is not None:
        return activity.actual_finish
    if computed is not None and computed.early_finish is not None:
        return computed.early_finish
    return activity.planned_finish


def span_of(activity: Activity, computed: ComputedDates | None) -> tuple[dt.datetime, dt.datetime] | None:
    """Start and finish as shown (one standing in for the other when missing), or None without any date."""
    start, finish = start_of(activity, computed), finish_of(activity, computed)
    if start is None:
        if finish is None:
            return None
        start = finish
    finish = start if finish is None else finish
    return start, max(start, finish)
