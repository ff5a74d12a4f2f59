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
from bbschedule.core.commands import Command, Composite
from bbschedule.core.errors import BBScheduleError
from bbschedule.services.filters import ActivityFilter
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
from bbschedule.ui.activity_order import code_layout, wbs_layout
from bbschedule.ui.columns import ACTIVITY_TYPE_LABELS, COLUMNS, CONSTRAINT_LABELS, Column, Editor, Row
from bbschedule.ui.edits import activity_edit, wbs_edit
from bbschedule.ui.rollups import RollupTable

WBS = 0
ACTIVITY = 1
DEAD = -1
ROOT = -1
GROUP_PREFIX = "code-group:"
"""Group rows of an activity-code grouping are keyed by this and the value id ('none': without a value)."""

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
        self._filter = ActivityFilter()
        self._group_code: str | None = None
        """The code type the rows are grouped by; None: by WBS."""
        self._sort: tuple[int, bool] | None = None
        """(column, descending) activities are sorted by within their group; None: by Activity ID."""
        self._labels: dict[int, str] = {}
        """Code group rows: their label, by node (they are WBS-kind nodes for the roll-ups, but read-only)."""
        self._shown = 0
        self._bulk: list[str] | None = None
        """While the view commits a bulk edit: the activities the edited value goes to."""
        self._pinned: set[str] = set()
        """Activities added while a filter is on: shown until the filter changes, as a planner expects."""
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
        self._labels = {}
        self._shown = 0
        if self._session is not None:
            self._build(self._session)
        self.endResetModel()
        self.sig_structure_changed.emit()

    def _build(self, session: ProjectSession) -> None:
        data = session.data
        keep = None if self._filter.is_empty else self._filter.apply(data) | (self._pinned & data.activities.keys())
        column, descending = self._sort if self._sort is not None else (None, False)
        if self._group_code is not None and self._group_code in data.code_types:
            for key, label, members in code_layout(
                data, self._group_code, keep=keep, column=column, descending=descending
            ):
                node = self._add_node(WBS, f"{GROUP_PREFIX}{key}", ROOT)
                self._labels[node] = label
                for activity_id in members:
                    self._add_node(ACTIVITY, activity_id, node)
                self._shown += len(members)
            self._rollups.rebuild(self)
            return
        wbs_children, activities = wbs_layout(data, keep=keep, column=column, descending=descending)
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
            self._shown += len(activities.get(wbs_id, ()))
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

    # -- what the planner chose to see: filter, grouping, sort ------------------------------------------------

    @property
    def activity_filter(self) -> ActivityFilter:
        return self._filter

    def set_filter(self, activity_filter: ActivityFilter) -> None:
        """Show only the matching activities and the groups that hold some (one reset: the Gantt follows)."""
        if activity_filter != self._filter:
            self._filter = activity_filter
            self._pinned = set()
            self.rebuild()

    @property
    def grouping(self) -> str | None:
        """The activity code type the rows are grouped by, or None for the WBS."""
        return self._group_code

    def set_grouping(self, code_type_id: str | None) -> None:
        if code_type_id != self._group_code:
            self._group_code = code_type_id
            self.rebuild()

    @property
    def sort_order(self) -> tuple[int, bool] | None:
        return self._sort

    @override
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Activities sorted within their groups (the WBS or code grouping stays); column < 0: Activity ID."""
        wanted = None if column < 0 else (column, order == Qt.SortOrder.DescendingOrder)
        if wanted == (0, False):
            wanted = None  # by Activity ID ascending: the natural order
        if wanted != self._sort:
            self._sort = wanted
            self.rebuild()

    def set_bulk_ids(self, ids: list[str] | None) -> None:
        """The activities the next setData applies to, all in one command (None: the edited row only)."""
        self._bulk = ids

    def shown_count(self) -> int:
        """Activities shown in the table (after the filter)."""
        return self._shown

    def is_group_row(self, index: Index) -> bool:
        """A row grouping activities by a code value: a label only, never edited."""
        return index.isValid() and index.internalId() in self._labels

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
        read_only = self._session is None or self._session.read_only or index.internalId() in self._labels
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
            key = COLUMNS[column].key
            label = self._labels.get(node)
            wbs = self._session.data.wbs.get(self._ids[node]) if label is None else None
            if key == "code":
                return wbs.code if wbs is not None else label or ""
            if key == "name":
                return wbs.name if wbs is not None else ""
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
        if node in self._labels:
            return False
        try:
            if self._kind[node] == WBS:
                command = wbs_edit(self._session.data, wbs_id=self._ids[node], column=column, value=value)
            else:
                command = self._activity_edit(node, column, value)
            self._session.apply(command)
        except (ValueError, BBScheduleError) as exc:
            message = getattr(exc, "message", None) or str(exc)
            self.sig_edit_refused.emit(f"Not changed: {message}")
            return False
        return True

    def _activity_edit(self, node: int, column: Column, value: Any) -> Command:
        """One activity's edit, or the same value for every bulk-selected activity as one undoable command (never
        the Activity ID: it must stay unique)."""
        assert self._session is not None
        data, own = self._session.data, self._ids[node]
        ids = self._bulk if self._bulk and own in self._bulk and column.key != "code" else [own]
        commands = [activity_edit(data, activity_id=i, column=column, value=value) for i in ids if i in data.activities]
        if len(commands) == 1:
            return commands[0]
        return Composite(f"{commands[0].label} of {len(commands)} activities", tuple(commands))

    # -- refreshing from the session's change sets ------------------------------------------------------------

    def on_session_changed(self, change_set: ChangeSet) -> None:
        kinds = change_set.kinds
        if not kinds:  # a new scheduling result: every date may have moved
            f = self._filter
            if self._sort is not None or f.critical_only or f.window_start is not None or f.window_finish is not None:
                self.rebuild()  # criticality and dates decide what shows, and in what order: as P6 re-applies
                return
            self._texts.clear()
            self._rollups.rebuild(self)
            self._all_changed()
            return
        if "calendar" in kinds or ("wbs" in kinds and not wbs_edited_in_place(change_set)):
            self.rebuild()
            return
        if self._needs_rebuild(change_set):
            self.rebuild()
            return
        touched: set[int] = set()
        for change in change_set.changes:
            node = self._node_of.get(change.id, DEAD) if change.kind in ("wbs", "activity") else DEAD
            if change.kind == "wbs":  # renamed or recoded: its own row only
                if node != DEAD:
                    self.dataChanged.emit(self.createIndex(self._row[node], 0, node), self._last_cell(node))
                continue
            if change.kind != "activity":
                continue
            if change.before is None:
                touched.add(self._insert_activity(change.after))
            elif node == DEAD:  # filtered out: nothing on screen changes
                continue
            elif change.after is None:
                touched.add(self._remove_activity(change.id))
            elif change.before.wbs_id != change.after.wbs_id and self._group_code is None:
                touched.add(self._remove_activity(change.id))
                touched.add(self._insert_activity(change.after))
            else:
                self._texts.pop(node, None)
                self.dataChanged.emit(self.createIndex(self._row[node], 0, node), self._last_cell(node))
                touched.add(self._parent[node])
        for node in self._rollups.update(self, touched):
            self.dataChanged.emit(self.createIndex(self._row[node], 0, node), self._last_cell(node))

    def _needs_rebuild(self, change_set: ChangeSet) -> bool:
        """Added activities that land where no row is (a code group, a WBS hidden by the filter) or a changed
        code value under a code grouping: rows move between groups, so rebuild (the added ones stay pinned)."""
        if self._session is None:
            return False
        wbs = self._session.data.wbs
        rebuild = False
        for change in change_set.changes:
            if change.kind != "activity" or change.after is None:
                continue
            target = change.after.wbs_id
            hidden_wbs = target is not None and target in wbs and target not in self._node_of
            if change.before is None:
                if not self._filter.is_empty:
                    self._pinned.add(change.id)
                rebuild = rebuild or self._group_code is not None or hidden_wbs
            elif self._group_code is not None and change.before.codes != change.after.codes:
                rebuild = True
            elif self._group_code is None and change.before.wbs_id != target:
                rebuild = rebuild or hidden_wbs
        return rebuild

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
        self._shown += 1
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
        self._shown -= 1
        self._texts.pop(node, None)
        self.endRemoveRows()
        return parent
