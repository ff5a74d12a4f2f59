"""Roll-up dates of WBS group rows: earliest start, latest finish and least float of what lies beneath.

Kept per WBS node and updated along the ancestors of an edited activity only, so an edit costs the depth of
the tree, not the size of the project.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bbschedule.ui.columns import Rollup, finish_of, start_of

if TYPE_CHECKING:
    from bbschedule.ui.activity_model import ActivityTreeModel

_ROOT = -1
_WBS = 0
_ACTIVITY = 1
_EMPTY = Rollup()


def _min(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _max(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    return b if a is None else a if b is None else max(a, b)


def _min_int(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


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
        session = model.session
        if session is None:
            return _EMPTY
        data = session.data
        start = finish = es = ef = ls = lf = None
        tf: int | None = None
        hours_per_day = 0.0
        for child in model.children_of(node):
            kind = model.node_kind(child)
            if kind == _WBS:
                r = self._by_node.get(child, _EMPTY)
                c_start, c_finish, c_es, c_ef, c_ls, c_lf, c_tf = (
                    r.start,
                    r.finish,
                    r.early_start,
                    r.early_finish,
                    r.late_start,
                    r.late_finish,
                    r.total_float,
                )
                c_hours = r.hours_per_day
            elif kind == _ACTIVITY:
                activity = data.activities.get(model.node_id(child))
                if activity is None:
                    continue
                computed = data.computed.get(activity.id)
                c_start, c_finish = start_of(activity, computed), finish_of(activity, computed)
                if computed is not None:
                    c_es, c_ef, c_ls, c_lf = (
                        computed.early_start,
                        computed.early_finish,
                        computed.late_start,
                        computed.late_finish,
                    )
                    c_tf = computed.total_float
                else:
                    c_es = c_ef = c_ls = c_lf = None
                    c_tf = None
                calendar = data.calendars.get(activity.calendar_id)
                c_hours = calendar.hours_per_day if calendar is not None else 8.0
            else:
                continue
            start, finish = _min(start, c_start), _max(finish, c_finish)
            es, ef, ls, lf = _min(es, c_es), _max(ef, c_ef), _min(ls, c_ls), _max(lf, c_lf)
            if c_tf is not None and (tf is None or c_tf < tf):
                hours_per_day = c_hours
            tf = _min_int(tf, c_tf)
            if not hours_per_day:
                hours_per_day = c_hours
        return Rollup(start, finish, es, ef, ls, lf, tf, hours_per_day or 8.0)
