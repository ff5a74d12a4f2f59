"""Roll-up dates of WBS group rows: earliest start, latest finish and least float of what lies beneath.

Kept per WBS node and updated along the ancestors of an edited activity only, so an edit costs the depth of
the tree, not the size of the project.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bbschedule.ui.columns import Rollup

if TYPE_CHECKING:
    from bbschedule.ui.activity_model import ActivityTreeModel

_ROOT = -1
_WBS = 0
_ACTIVITY = 1
_EMPTY = Rollup()


class RollupTable:
    def __init__(self) -> None:
        self._by_node: dict[int, Rollup] = {}

    def get(self, node: int) -> Rollup:
        return self._by_node.get(node, _EMPTY)

    def rebuild(self, model: ActivityTreeModel) -> None:
        self._by_node = {}
        order: list[int] = []
        stack = [_ROOT]
        while stack:
            node = stack.pop()
            order.append(node)
            stack.extend(n for n in model.children_of(node) if model.node_kind(n) == _WBS)
        for node in reversed(order):  # children before parents
            if node != _ROOT:
                self._by_node[node] = self._compute(model, node)

    def update(self, model: ActivityTreeModel, touched: set[int]) -> list[int]:
        """Recompute the WBS nodes in `touched` and their ancestors; returns those whose roll-up changed."""
        changed: list[int] = []
        pending = {n for n in touched if n != _ROOT}
        while pending:
            # Deepest first, so a parent sees its children's new values.
            node = max(pending, key=lambda n: self._depth(model, n))
            pending.discard(node)
            if model.node_kind(node) != _WBS:
                continue
            rollup = self._compute(model, node)
            if rollup != self._by_node.get(node):
                self._by_node[node] = rollup
                changed.append(node)
            parent = model.node_parent(node)
            if parent != _ROOT:
                pending.add(parent)
        return changed

    @staticmethod
    def _depth(model: ActivityTreeModel, node: int) -> int:
        depth = 0
        while node != _ROOT:
            node = model.node_parent(node)
            depth += 1
        return depth

    def _compute(self, model: ActivityTreeModel, node: int) -> Rollup:
        # Written as comprehensions over plain lists: this runs for every WBS node after each schedule (100k rows).
        session = model.session
        if session is None:
            return _EMPTY
        data = session.data
        activities, computed, calendars = data.activities, data.computed, data.calendars
        kinds, ids, children = model.node_kinds, model.node_ids, model.children_of(node)
        groups = [self._by_node.get(n, _EMPTY) for n in children if kinds[n] == _WBS]
        acts = [a for n in children if kinds[n] == _ACTIVITY and (a := activities.get(ids[n])) is not None]
        comps = [computed.get(a.id) for a in acts]
        # start_of/finish_of inlined: actual date, else the early date, else the planned date.
        starts = [
            a.actual_start or (c.early_start if c is not None and c.early_start is not None else a.planned_start)
            for a, c in zip(acts, comps, strict=True)
        ] + [g.start for g in groups]
        finishes = [
            a.actual_finish or (c.early_finish if c is not None and c.early_finish is not None else a.planned_finish)
            for a, c in zip(acts, comps, strict=True)
        ] + [g.finish for g in groups]
        known = [c for c in comps if c is not None]
        floats = [(c.total_float, a.calendar_id) for a, c in zip(acts, comps, strict=True) if c is not None]
        least = min((f for f in floats if f[0] is not None), key=lambda f: f[0], default=None)  # type: ignore[arg-type,return-value]
        group_least = min(
            (g for g in groups if g.total_float is not None), key=lambda g: g.total_float or 0, default=None
        )
        total_float, hours = None, 8.0
        if least is not None:
            calendar = calendars.get(least[1])
            total_float, hours = least[0], calendar.hours_per_day if calendar is not None else 8.0
        if group_least is not None and (total_float is None or (group_least.total_float or 0) < total_float):
            total_float, hours = group_least.total_float, group_least.hours_per_day
        return Rollup(
            start=_earliest(starts),
            finish=_latest(finishes),
            early_start=_earliest([c.early_start for c in known] + [g.early_start for g in groups]),
            early_finish=_latest([c.early_finish for c in known] + [g.early_finish for g in groups]),
            late_start=_earliest([c.late_start for c in known] + [g.late_start for g in groups]),
            late_finish=_latest([c.late_finish for c in known] + [g.late_finish for g in groups]),
            total_float=total_float,
            hours_per_day=hours,
        )


def _earliest(values: list[dt.datetime | None]) -> dt.datetime | None:
    return min((v for v in values if v is not None), default=None)


def _latest(values: list[dt.datetime | None]) -> dt.datetime | None:
    return max((v for v in values if v is not None), default=None)
