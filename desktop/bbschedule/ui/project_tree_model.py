"""The project tree of the side dock: EPS nodes, the projects under them, and the open project's WBS; projects
that no longer sync are marked "local only" (why, by whom and since when in the tooltip), viewers' "read-only".

Small (hundreds to a few thousand nodes), so it keeps one record per node and rebuilds on change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap
from typing_extensions import override

from bbschedule.core.changes import ChangeSet
from bbschedule.core.project import Eps
from bbschedule.core.project_data import ProjectData
from bbschedule.storage.syncstate import DELETED
from bbschedule.ui import roles
from bbschedule.ui.formatting import format_date

Index = QModelIndex | QPersistentModelIndex

VIEWER = "viewer"
LOCAL_ONLY_ICON, READ_ONLY_ICON = "project_local_only", "project_read_only"
_GREY = QColor("#6b6b6b")


@dataclass(frozen=True, slots=True)
class ProjectEntry:
    """A project as the tree lists it (open or not)."""

    id: str
    code: str
    name: str
    eps_id: str | None = None
    activity_count: int = 0
    role: str | None = None
    """The user's role on the server at the last sync (None: never synced)."""
    detached: str | None = None
    """DELETED or REVOKED when the project no longer syncs and is kept here only."""
    detached_by: str | None = None
    detached_at: dt.datetime | None = None
    """When this cache learnt it (UTC, naive)."""
    data_date: dt.datetime | None = None

    @property
    def read_only(self) -> bool:
        return self.detached is None and self.role == VIEWER

    def mark(self) -> str:
        """The suffix the tree shows after the name ("" for a project that syncs normally, or never did)."""
        if self.detached == DELETED:
            return "(local only — deleted on the server" + (f" by {self.detached_by})" if self.detached_by else ")")
        if self.detached is not None:
            return "(local only — no longer shared)"
        return "(read-only)" if self.read_only else ""


def local_only_text(reason: str | None, *, by: str | None, at: dt.datetime | None) -> str:
    """A sentence for tooltips and messages: why a project no longer syncs, who did it and when (local time)."""
    if reason == DELETED:
        why = "Deleted on the server" + (f" by {by}" if by else "")
    else:
        why = "No longer shared with you on the server"
    return f"{why}{f' ({local_time(at)})' if at is not None else ''}"


def local_time(at: dt.datetime) -> str:
    """A naive UTC time (as the cache stamps it) in the machine's local time, the way the window writes dates."""
    local = at.replace(tzinfo=dt.UTC).astimezone()
    return f"{format_date(local)} {local:%H:%M}"


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
        self._by_id: dict[str, ProjectEntry] = {}
        self._open: ProjectData | None = None
        self._icons: dict[str, QIcon] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    def set_icons(self, icons: dict[str, QIcon]) -> None:
        """Icons by node kind; the local-only and read-only project icons are the project's with a badge, unless
        given."""
        self._icons = dict(icons)
        project = self._icons.get("project")
        if project is not None and not project.isNull():
            self._icons.setdefault(LOCAL_ONLY_ICON, _badged(project, local_only=True))
            self._icons.setdefault(READ_ONLY_ICON, _badged(project, local_only=False))

    def set_catalog(self, *, eps: list[Eps], projects: list[ProjectEntry], open_project: ProjectData | None) -> None:
        self._eps, self._projects, self._open = list(eps), list(projects), open_project
        self._by_id = {p.id: p for p in self._projects}
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
            is_open = self._open is not None and self._open.project.id == entry.id
            # The open project's own row is newer than the catalog's (an edit, or a rename pulled by sync).
            code, name = (self._open.project.code, self._open.project.name) if self._open and is_open else (
                entry.code, entry.name
            )  # fmt: skip
            text = f"{code}  {name}" + (f"  {entry.mark()}" if entry.mark() else "")
            node = self._add("project", entry.id, text, parent)
            if self._open is not None and is_open:
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
        if role == roles.OBJECT_ID:
            return node.obj_id
        if role == roles.NODE_KIND:
            return node.kind
        if node.kind != "project":
            return self._icons.get(node.kind) if role == roles.DECORATION else None
        entry = self._entry(node.obj_id)
        if role == roles.DECORATION:
            if entry is not None and entry.detached is not None:
                return self._icons.get(LOCAL_ONLY_ICON)
            return self._icons.get(READ_ONLY_ICON if entry is not None and entry.read_only else "project")
        if role == roles.FONT and self._open is not None:
            return self._bold if self._open.project.id == node.obj_id else None
        if role == roles.FOREGROUND and entry is not None and entry.detached is not None:
            return QBrush(_GREY)
        if role == roles.TOOL_TIP and entry is not None:
            return self._project_tip(entry)
        return None

    def _entry(self, project_id: str) -> ProjectEntry | None:
        return self._by_id.get(project_id)

    def _project_tip(self, entry: ProjectEntry) -> str:
        lines = []
        if entry.detached is not None:
            lines.append(local_only_text(entry.detached, by=entry.detached_by, at=entry.detached_at) + ".")
            lines.append("Your copy is kept here, with its unsent edits, and no longer syncs.")
        elif entry.read_only:
            lines.append("You are a viewer of this project on the server: read-only.")
        elif entry.role is not None:
            lines.append(f"Shared on the server: you are its {entry.role}.")
        open_project = self._open.project if self._open is not None and self._open.project.id == entry.id else None
        data_date = open_project.effective_data_date if open_project is not None else entry.data_date
        if data_date is not None:
            lines.append(f"Data date {format_date(data_date)}")
        lines.append(f"{entry.activity_count} activities — double-click to open")
        return "\n".join(lines)

    def project_of(self, index: Index) -> str | None:
        """The project a node belongs to (itself for a project, the open project for a WBS node)."""
        while index.isValid():
            node = self._nodes[index.internalId()]
            if node.kind == "project":
                return node.obj_id
            index = self.parent(index)
        return None


def _badged(base: QIcon, *, local_only: bool) -> QIcon:
    """The project icon with a corner badge: a grey disc with a slash (local only), an amber padlock (read-only)."""
    size = 32
    pixmap = QPixmap(base.pixmap(size, size))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if local_only:
        painter.setPen(QPen(QColor("#ffffff"), 2))
        painter.setBrush(QColor("#7a7a7a"))
        painter.drawEllipse(QRectF(15, 15, 16, 16))
        painter.setPen(QPen(QColor("#ffffff"), 2.5))
        painter.drawLine(QPointF(19, 27), QPointF(27, 19))
    else:
        painter.setPen(QPen(QColor("#8a5a00"), 2.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        shackle = QPainterPath()
        shackle.moveTo(19, 22)
        shackle.lineTo(19, 18)
        shackle.arcTo(QRectF(19, 13, 8, 9), 180, -180)
        shackle.lineTo(27, 22)
        painter.drawPath(shackle)
        painter.setPen(QPen(QColor("#ffffff"), 1))
        painter.setBrush(QColor("#d99a00"))
        painter.drawRoundedRect(QRectF(16, 21, 14, 10), 2, 2)
    painter.end()
    return QIcon(pixmap)
