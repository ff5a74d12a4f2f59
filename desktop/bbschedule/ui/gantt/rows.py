"""The row controller: which rows the Gantt shows and at what y, following the table's expand, collapse and scroll.

It reads the geometry of the view beside the chart: a tree view (rows below rows through indexBelow) or a table
view over flat rows (the activity table, whose groups open and close by inserting and removing rows).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint
from PySide6.QtWidgets import QAbstractItemView, QTreeView


@dataclass(frozen=True, slots=True)
class RowSlot:
    key: str
    y: int
    height: int
    index: QPersistentModelIndex


class TreeRowController:
    """Reads row geometry from the activity table (or any tree view) so the chart and the table are one view.

    `key_role` is the item-data role under which the model gives each row's key (an activity or WBS id).
    """

    def __init__(self, view: QAbstractItemView, key_role: int) -> None:
        self.view = view
        self.key_role = key_role
        self._index_by_key: dict[str, QPersistentModelIndex] = {}
        model = view.model()
        if model is not None:
            model.modelReset.connect(self.forget)
            model.rowsInserted.connect(self.forget)
            model.rowsRemoved.connect(self.forget)
            model.layoutChanged.connect(self.forget)

    def forget(self) -> None:
        self._index_by_key.clear()

    def key_of(self, index: QModelIndex) -> str | None:
        value = index.siblingAtColumn(0).data(self.key_role)
        return value if isinstance(value, str) else None

    def visible(self, height: int) -> list[RowSlot]:
        """The rows shown in the viewport, top to bottom, in viewport coordinates."""
        view = self.view
        index = view.indexAt(QPoint(1, 0))
        slots: list[RowSlot] = []
        guard = 0
        while index.isValid() and guard < 2000:
            guard += 1
            rect = view.visualRect(index)
            if rect.top() > height:
                break
            key = self.key_of(index)
            if key is not None:
                slots.append(RowSlot(key, rect.top(), rect.height(), QPersistentModelIndex(index.siblingAtColumn(0))))
            index = self._below(index)
        return slots

    def _below(self, index: QModelIndex) -> QModelIndex:
        view = self.view
        if isinstance(view, QTreeView):
            return view.indexBelow(index)
        return index.sibling(index.row() + 1, 0)  # flat rows: the next row is the next index

    def row_at(self, y: int) -> RowSlot | None:
        index = self.view.indexAt(QPoint(1, y))
        if not index.isValid():
            return None
        key = self.key_of(index)
        rect = self.view.visualRect(index)
        return None if key is None else RowSlot(key, rect.top(), rect.height(), QPersistentModelIndex(index))

    def slot_of(self, key: str) -> tuple[int, int] | None:
        """The (y, height) of a key's row, also outside the viewport; None when collapsed away."""
        index = self._find(key)
        if index is None:
            return None
        model = self.view.model()
        rect = self.view.visualRect(model.index(index.row(), 0, index.parent()))
        if not rect.isValid():
            return None
        return rect.top(), rect.height()

    def _find(self, key: str) -> QPersistentModelIndex | None:
        cached = self._index_by_key.get(key)
        if cached is not None and cached.isValid():
            return cached
        model = self.view.model()
        finder = getattr(model, "index_of", None)
        if callable(finder):
            found = finder(key)
            if isinstance(found, QModelIndex) and found.isValid():
                persistent = QPersistentModelIndex(found)
                self._index_by_key[key] = persistent
                return persistent
            return None
        if not self._index_by_key:
            self._walk(QModelIndex())
        return self._index_by_key.get(key)

    def _walk(self, parent: QModelIndex) -> None:
        model = self.view.model()
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            key = self.key_of(index)
            if key is not None:
                self._index_by_key[key] = QPersistentModelIndex(index)
            if model.hasChildren(index):
                self._walk(index)
