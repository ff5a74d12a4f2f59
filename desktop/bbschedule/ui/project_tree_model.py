"""The project tree of the side dock: EPS nodes, the projects under them, and the open project's WBS.

Small (hundreds to a few thousand nodes), so it keeps one record per node and rebuilds on change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QIcon
from typing_extensions import override

from bbschedule.core.changes import ChangeSet
from bbschedule.core.project import Eps
from bbschedule.core.project_data import ProjectData
from bbschedule.ui import roles

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class ProjectEntry:
    """A project as the tree lists it (open or not)."""

    id: str
    code: str
    name: str
    eps_id: str | None = None
    activity_count: int = 0


@dataclass(slots=True)
class _Node:
    kind: str
    obj_id: str
    text: str
    parent: int
    row: int
    children: list[int] = field(default_factory=list)


class ProjectTreeModel(QAbstractItemModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._nodes: list[_Node] = []
        self._roots: list[int] = []
        self._eps: list[Eps] = []
        self._projects: list[ProjectEntry] = []
        self._open: ProjectData | None = None
        self._icons: dict[str, QIcon] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    def set_icons(self, icons: dict[str, QIcon]) -> None:
        self._icons = icons

    def set_catalog(self, *, eps: list[Eps], projects: list[ProjectEntry], open_project: ProjectData | None) -> None:
        self._eps, self._projects, self._open = list(eps), list(projects), open_project
        self.rebuild()

    def set_open_project(self, data: ProjectData | None) -> None:
        self._open = data
        self.rebuild()

    def on_session_changed(self, change_set: ChangeSet) -> None:
        if "wbs" in change_set.kinds or "project" in change_set.kinds:
            self.rebuild()

    def rebuild(self) -> None:
        self.beginResetModel()
        self._nodes, self._roots = [], []
        eps_node: dict[str, int] = {}
        pending = sorted(self._eps, key=lambda e: (e.code or e.name).lower())
        # Parents before children, whatever order the EPS arrives in.
        while pending:
            rest = [e for e in pending if e.parent_id is not None and e.parent_id not in eps_node]
            placeable = [e for e in pending if e not in rest]
            if not placeable:  # a parent that is not in the list: hang what is left at the top
                placeable, rest = rest, []
            for eps in placeable:
                label = f"{eps.code}  {eps.name}".strip() if eps.code else eps.name
                eps_node[eps.id] = self._add("eps", eps.id, label, eps_node.get(eps.parent_id or "", -1))
            pending = rest
        for entry in sorted(self._projects, key=lambda p: p.code.lower()):
            parent = eps_node.get(entry.eps_id or "", -1)
            node = self._add("project", entry.id, f"{entry.code}  {entry.name}", parent)
            if self._open is not None and self._open.project.id == entry.id:
                self._add_wbs(self._open, node)
        self.endResetModel()

    def _add_wbs(self, data: ProjectData, project_node: int) -> None:
        children: dict[str | None, list[Any]] = {}
        for wbs in sorted(data.wbs.values(), key=lambda w: (w.sequence, w.code, w.name)):
            parent = wbs.parent_id if wbs.parent_id in data.wbs else None
            children.setdefault(parent, []).append(wbs)
        stack: list[tuple[str | None, int]] = [(None, project_node)]
        while stack:
            wbs_id, node = stack.pop()
            for wbs in children.get(wbs_id, ()):
                stack.append((wbs.id, self._add("wbs", wbs.id, f"{wbs.code}  {wbs.name}".strip(), node)))

    def _add(self, kind: str, obj_id: str, text: str, parent: int) -> int:
        siblings = self._roots if parent == -1 else self._nodes[parent].children
        node = len(self._nodes)
        self._nodes.append(_Node(kind, obj_id, text, parent, len(siblings)))
        siblings.append(node)
        return node

    def index_of(self, obj_id: str) -> QModelIndex:
        for number, node in enumerate(self._nodes):
            if node.obj_id == obj_id:
                return self.createIndex(node.row, 0, number)
        return QModelIndex()

    @override
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        siblings = self._nodes[parent.internalId()].children if parent.isValid() else self._roots
        if column != 0 or not 0 <= row < len(siblings):
            return QModelIndex()
        return self.createIndex(row, column, siblings[row])

    @override
    def parent(self, child: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not child.isValid():
            return QModelIndex()
        up = self._nodes[child.internalId()].parent
        return QModelIndex() if up == -1 else self.createIndex(self._nodes[up].row, 0, up)

    @override
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._roots)
        if parent.column() > 0:
            return 0
        return len(self._nodes[parent.internalId()].children)

    @override
    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    @override
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == roles.DISPLAY and orientation == Qt.Orientation.Horizontal and section == 0:
            return "Projects"
        return None

    @override
    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        node = self._nodes[index.internalId()]
        if role == roles.DISPLAY:
            return node.text
        if role == roles.DECORATION:
            return self._icons.get(node.kind)
        if role == roles.FONT and node.kind == "project" and self._open is not None:
            return self._bold if self._open.project.id == node.obj_id else None
        if role == roles.OBJECT_ID:
            return node.obj_id
        if role == roles.NODE_KIND:
            return node.kind
        if role == roles.TOOL_TIP and node.kind == "project":
            entry = next((p for p in self._projects if p.id == node.obj_id), None)
            return f"{entry.activity_count} activities — double-click to open" if entry is not None else None
        return None

    def project_of(self, index: Index) -> str | None:
        """The project a node belongs to (itself for a project, the open project for a WBS node)."""
        while index.isValid():
            node = self._nodes[index.internalId()]
            if node.kind == "project":
                return node.obj_id
            index = self.parent(index)
        return None
