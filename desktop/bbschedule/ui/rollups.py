"""Roll-up dates of group rows: earliest start, latest finish, least float and criticality of what lies beneath.

Built for every group at once after a (re)build, then updated along the ancestors of an edited activity only,
so an edit costs the depth of the tree, not the size of the project. The Gantt's summary bars and its "fit"
read the same values.
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter
from typing import TypeVar

from bbschedule.core.activity import Activity
from bbschedule.core.project_data import ProjectData
from bbschedule.ui.activity_rows import ACTIVITY, GROUP, ROOT, RowLayout
from bbschedule.ui.columns import Rollup

_EMPTY = Rollup()
_CRITICAL = attrgetter("critical")
_T = TypeVar("_T", dt.datetime, int)


class RollupTable:
    def __init__(self) -> None:
        self._by_node: dict[int, Rollup] = {}

    def get(self, node: int) -> Rollup:
        return self._by_node.get(node, _EMPTY)

    def rebuild(self, layout: RowLayout, data: ProjectData, acts_of: dict[int, list[Activity]] | None = None) -> None:
        """Every group's roll-up; `acts_of`: each group's activities when the caller has them at hand."""
        self._by_node = {}
        order: list[int] = []
        stack = [ROOT]
        kinds, children = layout.kind, layout.children
        while stack:
            node = stack.pop()
            order.append(node)
            stack.extend(n for n in children[node] if kinds[n] == GROUP)
        for node in reversed(order):  # children before parents
            self._by_node[node] = self._compute(layout, data, node, None if acts_of is None else acts_of.get(node))

    def update(self, layout: RowLayout, data: ProjectData, touched: set[int]) -> list[int]:
        """Recompute the groups in `touched` and their ancestors; returns those whose roll-up changed."""
        changed: list[int] = []
        pending = {n for n in touched if n == ROOT or layout.kind[n] == GROUP}
        while pending:
            # Deepest first, so a parent sees its children's new values.
            node = max(pending, key=lambda n: -1 if n == ROOT else layout.depth[n])
            pending.discard(node)
            rollup = self._compute(layout, data, node)
            if rollup != self._by_node.get(node):
                self._by_node[node] = rollup
                if node != ROOT:
                    changed.append(node)
            if node != ROOT:
                pending.add(layout.parent[node])
        return changed

    def _compute(self, layout: RowLayout, data: ProjectData, node: int, acts: list[Activity] | None = None) -> Rollup:
        # Comprehensions over plain lists, min/max in C: this runs for every group after each schedule (100k rows).
        kinds, ids, kids = layout.kind, layout.ids, layout.children.get(node, ())
        activities, computed_get = data.activities, data.computed.get
        groups = [self._by_node.get(n, _EMPTY) for n in kids if kinds[n] == GROUP]
        if acts is None:
            acts = [activities[ids[n]] for n in kids if kinds[n] == ACTIVITY]
        comps = [computed_get(a.id) for a in acts]
        known = [c for c in comps if c is not None]
        # start_of/finish_of inlined: actual date, else the early date, else the planned date.
        starts = [
            a.actual_start or (c.early_start if c is not None and c.early_start is not None else a.planned_start)
            for a, c in zip(acts, comps, strict=True)
        ]
        finishes = [
            a.actual_finish or (c.early_finish if c is not None and c.early_finish is not None else a.planned_finish)
            for a, c in zip(acts, comps, strict=True)
        ]
        floats = [c.total_float if c is not None else None for c in comps]
        total_float, hours = _least_float(data, acts, floats)
        for group in groups:
            if group.total_float is not None and (total_float is None or group.total_float < total_float):
                total_float, hours = group.total_float, group.hours_per_day
        return Rollup(
            start=_least(starts + [g.start for g in groups]),
            finish=_most(finishes + [g.finish for g in groups]),
            early_start=_least([c.early_start for c in known] + [g.early_start for g in groups]),
            early_finish=_most([c.early_finish for c in known] + [g.early_finish for g in groups]),
            late_start=_least([c.late_start for c in known] + [g.late_start for g in groups]),
            late_finish=_most([c.late_finish for c in known] + [g.late_finish for g in groups]),
            total_float=total_float,
            hours_per_day=hours,
            critical=any(map(_CRITICAL, known)) or any(map(_CRITICAL, groups)),
        )


def _least_float(data: ProjectData, acts: list[Activity], floats: list[int | None]) -> tuple[int | None, float]:
    values = [f for f in floats if f is not None]
    if not values:
        return None, 8.0
    least = min(values)
    calendar = data.calendars.get(acts[floats.index(least)].calendar_id)
    return least, calendar.hours_per_day if calendar is not None else 8.0


def _least(values: list[_T | None]) -> _T | None:
    return min([v for v in values if v is not None], default=None)


def _most(values: list[_T | None]) -> _T | None:
    return max([v for v in values if v is not None], default=None)
