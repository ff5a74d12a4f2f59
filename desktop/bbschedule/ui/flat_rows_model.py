"""The Qt side of the activity table's flat rows (RowLayout): rows as indexes, a group opened or closed as rows
inserted or removed, a row added or taken away, a row's data changed, and reading rows back by id. The project
side (what the rows are, what their cells say, edits) is ActivityTreeModel's.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex
from typing_extensions import override

from bbschedule.ui.activity_rows import ACTIVITY, GROUP, ROOT, RowLayout
from bbschedule.ui.cell_reader import CellReader
from bbschedule.ui.columns import COLUMNS

Index = QModelIndex | QPersistentModelIndex
LAST_COLUMN = len(COLUMNS) - 1


class FlatRowsModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.layout = RowLayout()
        self.cells = CellReader()
        self._shown = 0
        """Activities in the rows (after the filter), collapsed ones included."""

    # -- collapse and expand ----------------------------------------------------------------------------------

    def is_expanded(self, index: Index) -> bool:
        return index.isValid() and self.layout.is_expanded(index.internalId())

    def set_expanded(self, index: Index, expanded: bool) -> None:
        """Open or close one group row: its rows are inserted or removed (the Gantt follows the same signals)."""
        if not index.isValid() or not self.layout.is_group(index.internalId()):
            return
        node, layout = index.internalId(), self.layout
        if expanded == layout.is_expanded(node):
            return
        row = layout.row_of(node)
        if expanded:
            first, nodes = layout.expand_rows(node)
            if nodes:
                self.beginInsertRows(QModelIndex(), first, first + len(nodes) - 1)
            layout.expand(node, first, nodes)
            if nodes:
                self.endInsertRows()
        else:
            first, count = layout.collapse_range(node)
            if count:
                self.beginRemoveRows(QModelIndex(), first, first + count - 1)
            layout.collapse(node, first, count)
            if count:
                self.endRemoveRows()
        if row >= 0:  # its arrow turns
            self.dataChanged.emit(self.createIndex(row, 0, node), self.createIndex(row, 0, node))

    def expand_all(self) -> None:
        self._relayout(set())

    def collapse_all(self) -> None:
        self._relayout({n for n, kind in enumerate(self.layout.kind) if kind == GROUP})

    def reveal(self, obj_id: str) -> None:
        """Open the collapsed groups above a row so that it shows (selecting it from elsewhere, as 'Go To')."""
        node = self.layout.node_of.get(obj_id)
        if node is None:
            return
        for group in reversed(self.layout.ancestors(node)):
            if group in self.layout.collapsed:
                self.set_expanded(self.createIndex(self.layout.row_of(group), 0, group), True)

    def _relayout(self, collapsed: set[int]) -> None:
        """Rows laid out again with other groups collapsed; selections and current cells follow their rows."""
        if collapsed == self.layout.collapsed:
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        self.layout.collapsed = collapsed
        self.layout.layout_rows()
        new = []
        for index in old:
            node = index.internalId()
            row = self.layout.row_of(node) if index.isValid() else -1
            new.append(self.createIndex(row, index.column(), node) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    # -- reading rows back -------------------------------------------------------------------------------------

    def is_group_row(self, index: Index) -> bool:
        """A row grouping activities by a code value: a label only, never edited."""
        return index.isValid() and index.internalId() in self.layout.labels

    def index_of(self, obj_id: str, column: int = 0) -> QModelIndex:
        """The row of an activity or group; invalid when it is not shown (filtered out, or its group is closed)."""
        node = self.layout.node_of.get(obj_id)
        row = -1 if node is None else self.layout.row_of(node)
        return QModelIndex() if row < 0 or node is None else self.createIndex(row, column, node)

    def object_id(self, index: Index) -> str | None:
        return self.layout.ids[index.internalId()] if index.isValid() else None

    def is_activity(self, index: Index) -> bool:
        return index.isValid() and self.layout.kind[index.internalId()] == ACTIVITY

    def group_ids(self) -> list[str]:
        return self.layout.group_ids()

    def children_ids(self, obj_id: str | None) -> list[str]:
        """The ids under a group (None: the top level), shown or collapsed, in their order."""
        layout = self.layout
        node = ROOT if obj_id is None else layout.node_of.get(obj_id)
        return [] if node is None else [layout.ids[n] for n in layout.children.get(node, [])]

    def parent_id(self, obj_id: str) -> str | None:
        """The id of the group a row sits in (None at the top level or when it is not in the table)."""
        node = self.layout.node_of.get(obj_id)
        up = ROOT if node is None else self.layout.parent[node]
        return None if up == ROOT else self.layout.ids[up]

    # -- Qt's model interface: flat rows ------------------------------------------------------------------------

    @override
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        rows = self.layout.rows
        if parent.isValid() or not 0 <= row < len(rows) or not 0 <= column <= LAST_COLUMN:
            return QModelIndex()
        return self.createIndex(row, column, rows[row])

    @override
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.layout.rows)

    @override
    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    # -- rows changing ------------------------------------------------------------------------------------------

    def refresh_node(self, node: int) -> None:
        """One row's data changed: its texts are made again when painted."""
        self.cells.forget(node)
        row = self.layout.row_of(node)
        if row >= 0:
            self.dataChanged.emit(self.createIndex(row, 0, node), self.createIndex(row, LAST_COLUMN, node))

    def insert_node(self, activity_id: str, parent: int, position: int) -> int:
        """A new activity's row at `position` among `parent`'s children (shown if its group is open)."""
        layout = self.layout
        row = layout.insert_row_of(parent, position)
        if row >= 0:
            self.beginInsertRows(QModelIndex(), row, row)
        node = layout.add_node(ACTIVITY, activity_id, parent, position)
        layout.insert(node, row)
        self._shown += 1
        if row >= 0:
            self.endInsertRows()
        return node

    def remove_activity(self, activity_id: str) -> int:
        """Take an activity's row away; returns its group's node."""
        layout = self.layout
        node = layout.node_of[activity_id]
        parent, row = layout.parent[node], layout.row_of(node)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
        layout.remove(node)
        self._shown -= 1
        self.cells.forget(node)
        if row >= 0:
            self.endRemoveRows()
        return parent
