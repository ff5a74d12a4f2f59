"""Which activities the table shows and in what order: the sort key of a column and the filtered, sorted
members of each group. Qt-free, so the item model only turns these lists into rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from bbschedule.core.activity import Activity
from bbschedule.core.project_data import ProjectData
from bbschedule.ui.columns import COLUMNS, Row, finish_of, start_of

_ACTIVITY_FIELDS = frozenset(
    {"code", "name", "original_duration", "remaining_duration", "actual_start", "actual_finish"}
)
_COMPUTED_FIELDS = frozenset({"early_start", "early_finish", "late_start", "late_finish", "total_float"})


def sort_value(data: ProjectData, activity: Activity, column: int) -> Any:
    """The value an activity sorts by in a column: typed (dates as dates, durations as minutes), else the text."""
    key = COLUMNS[column].key
    computed = data.computed.get(activity.id)
    if key == "start":
        return start_of(activity, computed)
    if key == "finish":
        return finish_of(activity, computed)
    if key in _ACTIVITY_FIELDS:
        value = getattr(activity, key)
        return value.casefold() if isinstance(value, str) else value
    if key in _COMPUTED_FIELDS:
        return getattr(computed, key) if computed is not None else None
    text = COLUMNS[column].text(Row(activity, computed, data.calendars.get(activity.calendar_id)))
    return text.casefold() or None


def ordered(data: ProjectData, activities: Iterable[Activity], *, column: int | None, descending: bool) -> list[str]:
    """Activity ids by Activity ID, or by a column's value (ties by Activity ID); blanks last either way."""
    by_code = sorted(activities, key=lambda a: a.code)
    if column is None:
        return [a.id for a in (reversed(by_code) if descending else by_code)]
    values = [(sort_value(data, a, column), a) for a in by_code]
    known = [(v, a) for v, a in values if v is not None]
    blank = [a for v, a in values if v is None]
    known.sort(key=_first, reverse=descending)  # a stable sort keeps Activity ID order among ties
    return [a.id for _, a in known] + [a.id for a in blank]


def _first(pair: tuple[Any, Activity]) -> Any:
    value = pair[0]
    # Dates and numbers never share a column, but guard against a naive/aware mix from imports.
    return value.replace(tzinfo=None) if isinstance(value, dt.datetime) else value
