"""The activity table's rows as one flat list: each group row (a WBS node or an activity-code value) followed by
what it holds, the rows under a collapsed group left out. Qt-free: the item model turns this into rows, and a
collapse or an expand is one contiguous range of rows removed or inserted, so no view ever walks 100k rows.
"""

from __future__ import annotations

GROUP = 0
ACTIVITY = 1
DEAD = -1
ROOT = -1


class RowLayout:
    """Nodes (groups and activities) numbered as they are added, the tree they form, and the displayed rows."""

    def __init__(self) -> None:
        self.kind: list[int] = []
        self.ids: list[str] = []
        self.parent: list[int] = []
        self.depth: list[int] = []
        self.children: dict[int, list[int]] = {ROOT: []}
        self.node_of: dict[str, int] = {}
        self.labels: dict[int, str] = {}
        """Code-group rows: their label, by node (they are groups for the roll-ups, but read-only)."""
        self.rows: list[int] = []
        """The displayed nodes, top to bottom."""
        self.collapsed: set[int] = set()
        self._row_of: dict[int, int] | None = None

    # -- building -------------------------------------------------------------------------------------------------

    def add_node(self, kind: int, obj_id: str, parent: int, position: int | None = None) -> int:
        """A new node under `parent` (at `position` among its children, else last); not yet a displayed row."""
        node = len(self.kind)
        self.kind.append(kind)
        self.ids.append(obj_id)
        self.parent.append(parent)
        self.depth.append(0 if parent == ROOT else self.depth[parent] + 1)
        siblings = self.children[parent]
        if position is None:
            siblings.append(node)
        else:
            siblings.insert(position, node)
        if kind == GROUP:
            self.children[node] = []
        self.node_of[obj_id] = node
        return node

    def add_activities(self, parent: int, activity_ids: list[str]) -> None:
        """Many activities appended under one group at once (the bulk of a 100k-row build)."""
        first = len(self.kind)
        count = len(activity_ids)
        depth = 0 if parent == ROOT else self.depth[parent] + 1
        self.kind += [ACTIVITY] * count
        self.ids += activity_ids
        self.parent += [parent] * count
        self.depth += [depth] * count
        nodes = range(first, first + count)
        self.children[parent] += nodes
        self.node_of.update(zip(activity_ids, nodes, strict=True))

    def layout_rows(self) -> None:
        """The displayed rows from the tree: depth first, a collapsed group's rows left out."""
        self.rows = self._shown_under(ROOT)
        self._row_of = None

    def _shown_under(self, top: int) -> list[int]:
        kind, children, collapsed = self.kind, self.children, self.collapsed
        out: list[int] = []
        stack = [iter(children[top])]
        while stack:
            for node in stack[-1]:
                out.append(node)
                if kind[node] == GROUP and node not in collapsed:
                    stack.append(iter(children[node]))
                    break
            else:
                stack.pop()
        return out

    # -- reading --------------------------------------------------------------------------------------------------

    def row_of(self, node: int) -> int:
        """The displayed row of a node, -1 when it is not shown (under a collapsed group, or removed)."""
        if self._row_of is None:
            rows = self.rows
            self._row_of = dict(zip(rows, range(len(rows)), strict=True))
        return self._row_of.get(node, -1)

    def is_group(self, node: int) -> bool:
        return self.kind[node] == GROUP

    def is_expanded(self, node: int) -> bool:
        return self.kind[node] == GROUP and node not in self.collapsed

    def ancestors(self, node: int) -> list[int]:
        out = []
        up = self.parent[node]
        while up != ROOT:
            out.append(up)
            up = self.parent[up]
        return out

    def group_ids(self) -> list[str]:
        return [self.ids[n] for n, kind in enumerate(self.kind) if kind == GROUP]

    # -- collapse and expand: (first row, rows) for the model to announce, then applied -----------------------

    def collapse_range(self, node: int) -> tuple[int, int]:
        """(first, count) of the rows a collapse of this displayed, expanded group removes."""
        row = self.row_of(node)
        if row < 0 or not self.is_expanded(node):
            return row + 1, 0
        depth, rows, depths = self.depth[node], self.rows, self.depth
        end = row + 1
        while end < len(rows) and depths[rows[end]] > depth:
            end += 1
        return row + 1, end - row - 1

    def collapse(self, node: int, first: int, count: int) -> None:
        self.collapsed.add(node)
        del self.rows[first : first + count]
        self._row_of = None

    def expand_rows(self, node: int) -> tuple[int, list[int]]:
        """(first row, nodes) an expand of this group inserts (nothing when it is not displayed)."""
        row = self.row_of(node)
        if row < 0 or self.is_expanded(node):
            return row + 1, []
        self.collapsed.discard(node)
        try:
            return row + 1, self._shown_under(node)
        finally:
            self.collapsed.add(node)

    def expand(self, node: int, first: int, nodes: list[int]) -> None:
        self.collapsed.discard(node)
        self.rows[first:first] = nodes
        self._row_of = None

    # -- one activity added or removed ----------------------------------------------------------------------------

    def insert_row_of(self, parent: int, position: int) -> int:
        """The row a new child at `position` of `parent` will have, -1 when its group is not displayed open."""
        if parent != ROOT and (self.row_of(parent) < 0 or not self.is_expanded(parent)):
            return -1
        row = 0 if parent == ROOT else self.row_of(parent) + 1
        for sibling in self.children[parent][:position]:
            row += 1 + (len(self._shown_under(sibling)) if self.is_expanded(sibling) else 0)
        return row

    def insert(self, node: int, row: int) -> None:
        if row >= 0:
            self.rows.insert(row, node)
            self._row_of = None

    def remove(self, node: int) -> None:
        """Take an activity out of the tree (its number stays, as DEAD) and out of the rows."""
        row = self.row_of(node)
        self.children[self.parent[node]].remove(node)
        self.kind[node] = DEAD
        del self.node_of[self.ids[node]]
        if row >= 0:
            del self.rows[row]
            self._row_of = None
