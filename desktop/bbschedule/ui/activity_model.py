"""The activity table as a Qt item model: WBS group rows with roll-up dates and the activities beneath them.

Rows live in flat parallel lists indexed by node number (the index's internalId), so 100k activities cost a few
lists, not 100k Python objects. Edits become core commands handed to the session; the model refreshes from the
change set the session reports: dataChanged for an edit, row inserts/removes for add/delete, a reset only when
the WBS itself changes.
"""

from __future__ import annotations

import bisect
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon
from typing_extensions import override

from bbschedule.core.changes import ChangeSet
from bbschedule.core.errors import BBScheduleError
from bbschedule.services.session import ProjectSession
from bbschedule.ui import roles
from bbschedule.ui.activity_cells import (
    ACTIVITY_FLAGS,
    ALIGN_CENTER,
    ALIGNMENTS,
    BAND_COLORS,
    FLOAT_COLUMN,
    NEGATIVE_FLOAT,
    NO_FLAGS,
    WBS_FLAGS,
    wbs_edited_in_place,
)
from bbschedule.ui.columns import ACTIVITY_TYPE_LABELS, COLUMNS, CONSTRAINT_LABELS, Editor, Row
from bbschedule.ui.edits import activity_edit, wbs_edit
from bbschedule.ui.rollups import RollupTable

WBS = 0
ACTIVITY = 1
DEAD = -1
ROOT = -1

Index = QModelIndex | QPersistentModelIndex


class ActivityTreeModel(QAbstractItemModel):
    sig_edit_refused = Signal(str)
    """An edit was refused; the text says why (for the status bar)."""
    sig_structure_changed = Signal()
    """Rows were rebuilt (a reset): views re-expand their groups."""

    def __init__(self, session: ProjectSession | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session: ProjectSession | None = None
        self._unsubscribe: Any = None
        self._kind: list[int] = []
        self._ids: list[str] = []
        self._parent: list[int] = []
        self._row: list[int] = []
        self._children: dict[int, list[int]] = {ROOT: []}
        self._node_of: dict[str, int] = {}
        self._texts: dict[int, list[str]] = {}
        """Display texts of activity rows already shown, by node; dropped when the row's data changes."""
        self._rollups = RollupTable()
        self._bold = QFont()
        self._bold.setBold(True)
        self._bands = [QBrush(QColor(c)) for c in BAND_COLORS]
        self._icons: dict[str, QIcon] = {}
        if session is not None:
            self.set_session(session)

    # -- building ---------------------------------------------------------------------------------------------

    @property
    def session(self) -> ProjectSession | None:
        return self._session

    def set_session(self, session: ProjectSession | None) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._session = session
        if session is not None:
            self._unsubscribe = session.subscribe(self.on_session_changed)
        self.rebuild()

    def set_icons(self, icons: dict[str, QIcon]) -> None:
        """Icons for column 0 by activity type value, plus 'wbs' for group rows."""
        self._icons = icons

    def rebuild(self) -> None:
        self.beginResetModel()
        self._kind, self._ids, self._parent, self._row = [], [], [], []
        self._children = {ROOT: []}
        self._node_of = {}
        self._texts = {}
        if self._session is not None:
            self._build(self._session)
        self.endResetModel()
        self.sig_structure_changed.emit()

    def _build(self, session: ProjectSession) -> None:
        data = session.data
        wbs_children: dict[str | None, list[str]] = {}
        for wbs in sorted(data.wbs.values(), key=lambda w: (w.sequence, w.code, w.name)):
            parent = wbs.parent_id if wbs.parent_id in data.wbs else None
            wbs_children.setdefault(parent, []).append(wbs.id)
        activities: dict[str | None, list[str]] = {}
        for activity in sorted(data.activities.values(), key=lambda a: a.code):
            wbs_id = activity.wbs_id if activity.wbs_id in data.wbs else None
            activities.setdefault(wbs_id, []).append(activity.id)
        # Iterative, so that a deep WBS cannot hit the recursion limit; appends inlined (100k rows).
        kinds, ids, parents, rows, node_of = self._kind, self._ids, self._parent, self._row, self._node_of
        stack: list[tuple[str | None, int]] = [(None, ROOT)]
        while stack:
            wbs_id, node = stack.pop()
            siblings = self._children[node]
            for activity_id in activities.get(wbs_id, ()):
                number = len(kinds)
                kinds.append(ACTIVITY)
                ids.append(activity_id)
                parents.append(node)
                rows.append(len(siblings))
                siblings.append(number)
                node_of[activity_id] = number
            for child_id in wbs_children.get(wbs_id, ()):
                stack.append((child_id, self._add_node(WBS, child_id, node)))
        self._rollups.rebuild(self)

    def _add_node(self, kind: int, obj_id: str, parent: int, position: int | None = None) -> int:
        node = len(self._kind)
        self._kind.append(kind)
        self._ids.append(obj_id)
        self._parent.append(parent)
        siblings = self._children[parent]
        if position is None:
            position = len(siblings)
        siblings.insert(position, node)
        self._row.append(position)
        for later in siblings[position + 1 :]:
            self._row[later] += 1
        if kind == WBS:
            self._children[node] = []
        self._node_of[obj_id] = node
        return node

    # -- what the rollup table and views read -----------------------------------------------------------------

    @property
    def node_kinds(self) -> list[int]:
        """Kind by node number (WBS, ACTIVITY or DEAD): read-only, for bulk readers like the roll-ups."""
        return self._kind

    @property
    def node_ids(self) -> list[str]:
        return self._ids

    def node_kind(self, node: int) -> int:
        return self._kind[node]

    def node_id(self, node: int) -> str:
        return self._ids[node]

    def node_parent(self, node: int) -> int:
        return self._parent[node]

    def children_of(self, node: int) -> list[int]:
        return self._children.get(node, [])

    def node_count(self) -> int:
        return len(self._kind)

    def index_of(self, obj_id: str, column: int = 0) -> QModelIndex:
        node = self._node_of.get(obj_id)
        if node is None or self._kind[node] == DEAD:
            return QModelIndex()
        return self.createIndex(self._row[node], column, node)

    def object_id(self, index: Index) -> str | None:
        return self._ids[index.internalId()] if index.isValid() else None

    def is_activity(self, index: Index) -> bool:
        return index.isValid() and self._kind[index.internalId()] == ACTIVITY

    def wbs_ids(self) -> list[str]:
        return [self._ids[n] for n, kind in enumerate(self._kind) if kind == WBS]

    # -- Qt's model interface ---------------------------------------------------------------------------------

    @override
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = parent.internalId() if parent.isValid() else ROOT
        children = self._children.get(node)
        if children is None or not 0 <= row < len(children) or not 0 <= column < len(COLUMNS):
            return QModelIndex()
        return self.createIndex(row, column, children[row])

    @override
    def parent(self, child: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not child.isValid():
            return QModelIndex()
        up = self._parent[child.internalId()]
        if up == ROOT:
            return QModelIndex()
        return self.createIndex(self._row[up], 0, up)

    @override
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._children[ROOT])
        if parent.column() > 0:
            return 0
        return len(self._children.get(parent.internalId(), ()))

    @override
    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    @override
    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    @override
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == roles.DISPLAY:
                return COLUMNS[section].title
            if role == roles.TEXT_ALIGNMENT:
                return ALIGN_CENTER
        return None

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        # Looked up, not computed: expanding 100k rows asks for every row's flags, and enum arithmetic is slow.
        if not index.isValid():
            return NO_FLAGS
        read_only = self._session is None or self._session.read_only
        table = WBS_FLAGS if self._kind[index.internalId()] == WBS else ACTIVITY_FLAGS
        return table[read_only][index.column()]

    @override
    def data(self, index: Index, role: int = 0) -> Any:
        if self._session is None or not index.isValid():
            return None
        node = index.internalId()
        if self._kind[node] == WBS:
            return self._wbs_data(node, index.column(), role)
        return self._activity_data(node, index.column(), role)

    @override
    def multiData(self, index: Index, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        # The delegate asks for seven roles per painted cell; one Python call for all of them instead of seven
        # keeps scrolling smooth. Every slot is written: the delegate reuses the span from cell to cell.
        # PySide6 indexes the span (its type stubs do not say so); a lone QModelRoleData is a span of one.
        slots: Any = [roleDataSpan] if isinstance(roleDataSpan, QModelRoleData) else roleDataSpan
        count = 1 if isinstance(roleDataSpan, QModelRoleData) else roleDataSpan.size()
        if self._session is None or not index.isValid():
            for i in range(count):
                slots[i].clearData()
            return
        node, column = index.internalId(), index.column()
        read = self._wbs_data if self._kind[node] == WBS else self._activity_data
        for i in range(count):
            slot = slots[i]
            value = read(node, column, slot.role())
            if value is None:
                slot.clearData()
            else:
                slot.setData(value)

    def _activity_data(self, node: int, column: int, role: int) -> Any:
        # The hottest function of the window (several roles per visible cell per frame): cheap checks first.
        assert self._session is not None
        if role == roles.DISPLAY or role == roles.EDIT:
            texts = self._texts.get(node)
            if texts is None:
                row = self._row_of(node)
                texts = self._texts[node] = [c.text(row) for c in COLUMNS]
            return texts[column]
        if role == roles.TEXT_ALIGNMENT:
            return ALIGNMENTS[column]
        if role == roles.DECORATION:
            if column != 0:
                return None
            activity = self._session.data.activities.get(self._ids[node])
            return self._icons.get(activity.type.value) if activity is not None else None
        if role == roles.FOREGROUND:
            if column != FLOAT_COLUMN:
                return None
            computed = self._session.data.computed.get(self._ids[node])
            if computed is not None and computed.total_float is not None and computed.total_float < 0:
                return NEGATIVE_FLOAT
            return None
        if role == roles.OBJECT_ID:
            return self._ids[node]
        if role == roles.CHOICES:
            return self._choices(column)
        return None

    def _wbs_data(self, node: int, column: int, role: int) -> Any:
        assert self._session is not None
        if role == roles.DISPLAY or role == roles.EDIT:
            wbs = self._session.data.wbs.get(self._ids[node])
            key = COLUMNS[column].key
            if wbs is None:
                return ""
            if key == "code":
                return wbs.code
            if key == "name":
                return wbs.name
            rollup_text = COLUMNS[column].rollup
            return rollup_text(self._rollups.get(node)) if rollup_text is not None else ""
        if role == roles.FONT:
            return self._bold
        if role == roles.FOREGROUND and column == FLOAT_COLUMN:
            total_float = self._rollups.get(node).total_float
            return NEGATIVE_FLOAT if total_float is not None and total_float < 0 else None
        if role == roles.BACKGROUND:
            return self._bands[min(self._depth(node), len(self._bands) - 1)]
        if role == roles.TEXT_ALIGNMENT:
            return ALIGNMENTS[column]
        if role == roles.DECORATION and column == 0:
            return self._icons.get("wbs")
        if role == roles.OBJECT_ID:
            return self._ids[node]
        return None

    def _row_of(self, node: int) -> Row:
        assert self._session is not None
        data = self._session.data
        activity = data.activities[self._ids[node]]
        return Row(activity, data.computed.get(activity.id), data.calendars.get(activity.calendar_id))

    def _depth(self, node: int) -> int:
        depth = 0
        while self._parent[node] != ROOT:
            node = self._parent[node]
            depth += 1
        return depth

    def _choices(self, column: int) -> list[tuple[str, str]] | None:
        assert self._session is not None
        editor = COLUMNS[column].editor
        if editor is Editor.CALENDAR:
            calendars = sorted(self._session.data.calendars.values(), key=lambda c: c.name)
            return [(c.name, c.id) for c in calendars]
        if editor is Editor.ACTIVITY_TYPE:
            return [(label, kind.value) for kind, label in ACTIVITY_TYPE_LABELS.items()]
        if editor is Editor.CONSTRAINT:
            return [("", ""), *((label, kind.value) for kind, label in CONSTRAINT_LABELS.items())]
        return None

    @override
    def setData(self, index: Index, value: Any, role: int = 2) -> bool:
        if not index.isValid() or role != roles.EDIT or self._session is None:
            return False
        node = index.internalId()
        column = COLUMNS[index.column()]
        try:
            if self._kind[node] == WBS:
                command = wbs_edit(self._session.data, wbs_id=self._ids[node], column=column, value=value)
            else:
                command = activity_edit(self._session.data, activity_id=self._ids[node], column=column, value=value)
            self._session.apply(command)
        except (ValueError, BBScheduleError) as exc:
            message = getattr(exc, "message", None) or str(exc)
            self.sig_edit_refused.emit(f"Not changed: {message}")
            return False
        return True

    # -- refreshing from the session's change sets ------------------------------------------------------------

    def on_session_changed(self, change_set: ChangeSet) -> None:
        kinds = change_set.kinds
        if not kinds:  # a new scheduling result: every date may have moved
            self._texts.clear()
            self._rollups.rebuild(self)
            self._all_changed()
            return
        if "calendar" in kinds or ("wbs" in kinds and not wbs_edited_in_place(change_set)):
            self.rebuild()
            return
        touched: set[int] = set()
        for change in change_set.changes:
            if change.kind == "wbs":  # renamed or recoded: its own row only
                node = self._node_of[change.id]
                self.dataChanged.emit(self.createIndex(self._row[node], 0, node), self._last_cell(node))
                continue
            if change.kind != "activity":
                continue
            if change.before is None:
                touched.add(self._insert_activity(change.after))
            elif change.after is None:
                touched.add(self._remove_activity(change.id))
            elif change.before.wbs_id != change.after.wbs_id:
                touched.add(self._remove_activity(change.id))
                touched.add(self._insert_activity(change.after))
            else:
                node = self._node_of[change.id]
                self._texts.pop(node, None)
                self.dataChanged.emit(self.createIndex(self._row[node], 0, node), self._last_cell(node))
                touched.add(self._parent[node])
        for node in self._rollups.update(self, touched):
            self.dataChanged.emit(self.createIndex(self._row[node], 0, node), self._last_cell(node))

    def _last_cell(self, node: int) -> QModelIndex:
        return self.createIndex(self._row[node], len(COLUMNS) - 1, node)

    def _all_changed(self) -> None:
        """Every row's dates changed. One signal per top-level row, from column 1: a single range over the whole
        tree makes QTreeView walk all 100k expanded rows asking hasChildren; any multi-cell range repaints the
        viewport, which is what a new schedule needs (column 0, the Activity ID, does not change)."""
        for row in range(len(self._children[ROOT])):
            self.dataChanged.emit(self.index(row, 1), self.index(row, len(COLUMNS) - 1))

    def _parent_index(self, parent: int) -> QModelIndex:
        return QModelIndex() if parent == ROOT else self.createIndex(self._row[parent], 0, parent)

    def _insert_activity(self, activity: Any) -> int:
        parent = self._node_of.get(activity.wbs_id, ROOT) if activity.wbs_id else ROOT
        siblings = self._children[parent]
        codes = [self._activity_code(n) for n in siblings if self._kind[n] == ACTIVITY]
        position = bisect.bisect(codes, activity.code)
        self.beginInsertRows(self._parent_index(parent), position, position)
        self._add_node(ACTIVITY, activity.id, parent, position)
        self.endInsertRows()
        return parent

    def _activity_code(self, node: int) -> str:
        assert self._session is not None
        activity = self._session.data.activities.get(self._ids[node])
        return activity.code if activity is not None else ""

    def _remove_activity(self, activity_id: str) -> int:
        node = self._node_of.pop(activity_id)
        parent = self._parent[node]
        row = self._row[node]
        self.beginRemoveRows(self._parent_index(parent), row, row)
        siblings = self._children[parent]
        del siblings[row]
        for later in siblings[row:]:
            self._row[later] -= 1
        self._kind[node] = DEAD
        self._texts.pop(node, None)
        self.endRemoveRows()
        return parent
