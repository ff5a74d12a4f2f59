"""Which activities the table shows and in what order: the WBS groups (or activity code groups) that hold the
activities passing the filter, each with its members sorted by a column. Qt-free: the item model only turns
these lists into rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from operator import attrgetter
from typing import Any

from bbschedule.core.activity import Activity
from bbschedule.core.computed import finish_of, start_of
from bbschedule.core.project_data import ProjectData
from bbschedule.services.filters import group_by_code
from bbschedule.ui.columns import COLUMNS, Row

_ACTIVITY_FIELDS = frozenset(
    {"code", "name", "original_duration", "remaining_duration", "actual_start", "actual_finish"}
)
_COMPUTED_FIELDS = frozenset({"early_start", "early_finish", "late_start", "late_finish", "total_float"})
_CODE = attrgetter("code")
FLOAT_PATH_GROUP = "float_path"
"""The grouping key of Group By Float Path (code type ids are UUIDs: it cannot clash with one)."""
FloatPathNumbers = Mapping[str, tuple[int, int]]
"""Activity id -> (Float Path, Float Path Order): the last schedule's multiple float paths."""


def sort_value(data: ProjectData, activity: Activity, column: int, float_paths: FloatPathNumbers | None = None) -> Any:
    """The value an activity sorts by in a column: typed (dates as dates, durations as minutes), else the text."""
    key = COLUMNS[column].key
    if key == "float_path" or key == "float_path_order":
        numbers = float_paths.get(activity.id) if float_paths else None
        if numbers is None:
            return None
        return numbers if key == "float_path" else numbers[1]  # by path, each path first to last
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


def ordered(
    data: ProjectData,
    activities: Iterable[Activity],
    *,
    column: int | None,
    descending: bool,
    float_paths: FloatPathNumbers | None = None,
) -> list[Activity]:
    """Activities by Activity ID, or by a column's value (ties by Activity ID); blanks last either way."""
    by_code = sorted(activities, key=_CODE)
    if column is None:
        return by_code[::-1] if descending else by_code
    values = [(sort_value(data, a, column, float_paths), a) for a in by_code]
    known = [(v, a) for v, a in values if v is not None]
    blank = [a for v, a in values if v is None]
    known.sort(key=_first, reverse=descending)  # a stable sort keeps Activity ID order among ties
    return [a for _, a in known] + blank


def _first(pair: tuple[Any, Activity]) -> Any:
    value = pair[0]
    # Dates and numbers never share a column, but guard against a naive/aware mix from imports.
    return value.replace(tzinfo=None) if isinstance(value, dt.datetime) else value


def wbs_layout(
    data: ProjectData,
    *,
    keep: set[str] | None,
    column: int | None,
    descending: bool,
    float_paths: FloatPathNumbers | None = None,
) -> tuple[dict[str | None, list[str]], dict[str | None, list[Activity]]]:
    """(WBS ids by parent, activities by WBS in their order), None for the top level. With a filter (`keep`: the
    ids that pass) only the WBS nodes that still hold a passing activity, and their ancestors, stay."""
    wbs = data.wbs
    members: dict[str | None, list[Activity]] = {}
    for activity in data.activities.values():
        if keep is None or activity.id in keep:
            members.setdefault(activity.wbs_id if activity.wbs_id in wbs else None, []).append(activity)
    holding: set[str] | None = None
    if keep is not None:
        holding = set()
        for wbs_id in members:
            while wbs_id is not None and wbs_id not in holding:
                holding.add(wbs_id)
                parent = wbs[wbs_id].parent_id
                wbs_id = parent if parent in wbs else None
    children: dict[str | None, list[str]] = {}
    for node in sorted(wbs.values(), key=lambda w: (w.sequence, w.code, w.name)):
        if holding is None or node.id in holding:
            children.setdefault(node.parent_id if node.parent_id in wbs else None, []).append(node.id)
    activities = {
        wbs_id: ordered(data, acts, column=column, descending=descending, float_paths=float_paths)
        for wbs_id, acts in members.items()
    }
    return children, activities


def code_layout(
    data: ProjectData,
    code_type_id: str,
    *,
    keep: set[str] | None,
    column: int | None,
    descending: bool,
    float_paths: FloatPathNumbers | None = None,
) -> list[tuple[str, str, list[Activity]]]:
    """(key, label, activities in their order) of each value of an activity code that holds a shown activity, in
    the values' order, those without a value last (key 'none')."""
    layout = []
    for group in group_by_code(data, code_type_id, among=keep):
        if group.activity_ids:
            acts = [data.activities[i] for i in group.activity_ids]
            layout.append(
                (
                    group.value_id or "none",
                    group.label,
                    ordered(data, acts, column=column, descending=descending, float_paths=float_paths),
                )
            )
    return layout


def float_path_layout(
    data: ProjectData,
    float_paths: FloatPathNumbers,
    *,
    keep: set[str] | None,
    column: int | None,
    descending: bool,
) -> list[tuple[str, str, list[Activity]]]:
    """(key, label, activities in their order) of each float path holding a shown activity, path 1 first, each
    from its first activity to its last unless a column is sorted; the activities on no path last."""
    on_path: dict[int, list[tuple[int, Activity]]] = {}
    rest: list[Activity] = []
    for activity in data.activities.values():
        if keep is not None and activity.id not in keep:
            continue
        numbers = float_paths.get(activity.id)
        if numbers is None:
            rest.append(activity)
        else:
            on_path.setdefault(numbers[0], []).append((numbers[1], activity))
    layout = []
    for number in sorted(on_path):
        members = [a for _, a in sorted(on_path[number], key=lambda pair: pair[0])]
        if column is not None:
            members = ordered(data, members, column=column, descending=descending, float_paths=float_paths)
        layout.append((str(number), f"Float Path {number}", members))
    if rest:
        rest = ordered(data, rest, column=column, descending=descending, float_paths=float_paths)
        layout.append(("none", "Not on a float path", rest))
    return layout
