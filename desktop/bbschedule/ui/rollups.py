"""Roll-up dates of group rows: earliest start, latest finish, least float and criticality of what lies beneath.

Made for a group when it is first asked for (its row painted, its summary bar drawn: the Gantt reads the same
values), then updated along the ancestors of an edited activity only, so an edit costs the depth of the tree,
not the size of the project.
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
    """Roll-ups made when first asked for (a group row painted, a summary bar drawn), then kept until an edit
    beneath or a new schedule: opening a project computes those of the first screen, not of all 2,000 groups."""

    def __init__(self) -> None:
        self._by_node: dict[int, Rollup] = {}
        self._layout = RowLayout()
        self._data: ProjectData | None = None
        self._acts_of: dict[int, list[Activity]] = {}
        """Each group's activities as the layout found them (no lookups); dropped for a group when edits touch it."""

    def rebuild(self, layout: RowLayout, data: ProjectData, acts_of: dict[int, list[Activity]] | None = None) -> None:
        """New rows: every roll-up is made again when asked; `acts_of`: each group's activities, if at hand."""
        self._layout, self._data, self._acts_of = layout, data, dict(acts_of or {})
        self.invalidate_all()

    def invalidate_all(self) -> None:
        """Every date may have moved (a new schedule): roll-ups are made again when asked."""
        self._by_node = {}

    def get(self, node: int) -> Rollup:
        rollup = self._by_node.get(node)
        if rollup is None:
            if self._data is None:
                return _EMPTY
            self._fill(node)
            rollup = self._by_node[node]
        return rollup

    def _fill(self, top: int) -> None:
        """The roll-ups of `top` and of the groups beneath it not made yet, children before parents."""
        kinds, children, known, data = self._layout.kind, self._layout.children, self._by_node, self._data
        assert data is not None
        order: list[int] = []
        stack = [top]
        while stack:
            node = stack.pop()
            order.append(node)
            stack.extend(n for n in children.get(node, ()) if kinds[n] == GROUP and n not in known)
        for node in reversed(order):
            known[node] = self._compute(self._layout, data, node, self._acts_of.get(node))

    def update(self, layout: RowLayout, data: ProjectData, touched: set[int]) -> list[int]:
        """The groups in `touched` (their activities changed) and their ancestors made again, those already
        made; returns the ones whose roll-up changed."""
        changed: list[int] = []
        pending = {n for n in touched if n == ROOT or layout.kind[n] == GROUP}
        while pending:
            # Deepest first, so a parent sees its children's new values.
            node = max(pending, key=lambda n: -1 if n == ROOT else layout.depth[n])
            pending.discard(node)
            self._acts_of.pop(node, None)  # its activities changed: read them again
            old = self._by_node.pop(node, None)
            if old is not None:
                rollup = self.get(node)
                if rollup != old and node != ROOT:
                    changed.append(node)
            if node != ROOT:
                pending.add(layout.parent[node])
        return changed

    def _compute(self, layout: RowLayout, data: ProjectData, node: int, acts: list[Activity] | None = None) -> Rollup:
        # Comprehensions over plain lists, min/max in C: this runs for every group after each schedule (100k rows).
        kinds, ids, kids = layout.kind, layout.ids, layout.children.get(node, ())
        activities, computed_get = data.activities, data.computed.get
        groups = [self.get(n) for n in kids if kinds[n] == GROUP]
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
