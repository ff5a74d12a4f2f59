"""The activity table as a Qt item model: one flat list of rows, each group row (a WBS node or an activity-code
value, with roll-up dates) followed by the activities and groups beneath it, indented by depth.

A collapse removes the group's rows and an expand inserts them, so views lay out only what they paint and a
100k-activity project opens without walking every row. Rows live in RowLayout's plain lists (no object per
row); cell texts are made when a row is first painted. Edits become core commands handed to the session, and
the model follows the change sets the session reports (activity_refresh).
"""

from __future__ import annotations

import bisect
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QIcon
from typing_extensions import override

from bbschedule.core.activity import Activity
from bbschedule.core.changes import ChangeSet
from bbschedule.core.commands import Command, Composite
from bbschedule.core.errors import BBScheduleError
from bbschedule.services.filters import ActivityFilter
from bbschedule.services.session import ProjectSession
from bbschedule.ui import activity_refresh, roles
from bbschedule.ui.activity_cells import (
    ACTIVITY_FLAGS,
    ALIGN_CENTER,
    NO_FLAGS,
    WBS_FLAGS,
)
from bbschedule.ui.activity_order import FLOAT_PATH_GROUP, code_layout, float_path_layout, wbs_layout
from bbschedule.ui.activity_rows import ACTIVITY, DEAD, GROUP, ROOT, RowLayout
from bbschedule.ui.columns import COLUMNS, Column
from bbschedule.ui.edits import activity_edit, wbs_edit
from bbschedule.ui.flat_rows_model import LAST_COLUMN, FlatRowsModel

GROUP_PREFIX = "code-group:"
"""Group rows of an activity-code grouping are keyed by this and the value id ('none': without a value)."""

Index = QModelIndex | QPersistentModelIndex


class ActivityTreeModel(FlatRowsModel):
    sig_edit_refused = Signal(str)
    """An edit was refused; the text says why (for the status bar)."""
    sig_structure_changed = Signal()
    """Rows were rebuilt (a reset): views restore their selection."""

    def __init__(self, session: ProjectSession | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session: ProjectSession | None = None
        self._unsubscribe: Any = None
        self._rollups = self.cells.rollups
        self._filter = ActivityFilter()
        self._group_code: str | None = None
        """The code type the rows are grouped by; None: by WBS."""
        self._sort: tuple[int, bool] | None = None
        """(column, descending) activities are sorted by within their group; None: by Activity ID."""
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

    def set_session(
        self, session: ProjectSession | None, *, view: tuple[str | None, ActivityFilter] | None = None
    ) -> None:
        """Show a project; `view`: the grouping and filter to show it with (one build, not one per setting)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if session is not self._session:
            self.cells.float_paths = {}  # another project: no float paths until its next schedule
        self._session = session
        if view is not None:
            self._group_code, self._filter = view
            self._pinned = set()
        self.layout.collapsed = set()  # another project: its groups open, as P6 opens a project
        if session is not None:
            self._unsubscribe = session.subscribe(self.on_session_changed)
        self.rebuild()

    @property
    def float_paths(self) -> dict[str, tuple[int, int]]:
        """Activity id -> (Float Path, Float Path Order) of the last schedule; empty when not computed."""
        return self.cells.float_paths

    def set_float_paths(self, numbers: dict[str, tuple[int, int]]) -> None:
        """The multiple float paths of a new schedule: shown with the dates the session announces next (set them
        before session.set_computed, whose notice repaints or re-sorts the rows)."""
        self.cells.float_paths = numbers

    def set_icons(self, icons: dict[str, QIcon]) -> None:
        """Icons for column 0 by activity type value, plus 'wbs' for group rows."""
        self.cells.icons = icons

    def rebuild(self) -> None:
        """Rows built again from the project; the groups the planner collapsed stay collapsed."""
        old = self.layout
        collapsed = {old.ids[n] for n in old.collapsed}
        self.beginResetModel()
        self.layout = RowLayout()
        self.cells.forget()
        self._shown = 0
        acts_of: dict[int, list[Activity]] = {}
        if self._session is not None:
            acts_of = self._build(self._session)
            node_of = self.layout.node_of
            self.layout.collapsed = {node_of[i] for i in collapsed if i in node_of}
        self.layout.layout_rows()
        self.cells.session, self.cells.layout = self._session, self.layout
        if self._session is not None:
            self._rollups.rebuild(self.layout, self._session.data, acts_of)
        self.endResetModel()
        self.sig_structure_changed.emit()

    def _build(self, session: ProjectSession) -> dict[int, list[Activity]]:
        """The rows of the chosen grouping; returns each group's activities for the roll-ups (no second lookup)."""
        data, layout = session.data, self.layout
        keep = None if self._filter.is_empty else self._filter.apply(data) | (self._pinned & data.activities.keys())
        column, descending = self._sort if self._sort is not None else (None, False)
        acts_of: dict[int, list[Activity]] = {}
        groups = None
        if self._group_code == FLOAT_PATH_GROUP:
            groups = float_path_layout(data, self.float_paths, keep=keep, column=column, descending=descending)
        elif self._group_code is not None and self._group_code in data.code_types:
            groups = code_layout(
                data, self._group_code, keep=keep, column=column, descending=descending, float_paths=self.float_paths
            )
        if groups is not None:
            for key, label, members in groups:
                node = layout.add_node(GROUP, f"{GROUP_PREFIX}{key}", ROOT)
                layout.labels[node] = label
                layout.add_activities(node, [a.id for a in members])
                acts_of[node] = members
                self._shown += len(members)
            return acts_of
        wbs_children, activities = wbs_layout(
            data, keep=keep, column=column, descending=descending, float_paths=self.float_paths
        )
        # Iterative, so that a deep WBS cannot hit the recursion limit.
        stack: list[tuple[str | None, int]] = [(None, ROOT)]
        while stack:
            wbs_id, node = stack.pop()
            members = activities.get(wbs_id, [])
            layout.add_activities(node, [a.id for a in members])
            acts_of[node] = members
            self._shown += len(members)
            for child_id in wbs_children.get(wbs_id, ()):
                stack.append((child_id, layout.add_node(GROUP, child_id, node)))
        return acts_of

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
        """The activity code type the rows are grouped by, FLOAT_PATH_GROUP, or None for the WBS."""
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

    def pin(self, activity_id: str) -> None:
        """Keep showing an activity the planner just added although the filter would hide it."""
        self._pinned.add(activity_id)

    def shown_count(self) -> int:
        """Activities shown in the table (after the filter), collapsed ones included."""
        return self._shown

    # -- what views and the Gantt read ------------------------------------------------------------------------

    def summary_span(self, key: str) -> tuple[Any, Any, bool] | None:
        """(start, finish, critical) of a group row, from its roll-up: the Gantt's summary bar."""
        node = self.layout.node_of.get(key)
        if node is None or self.layout.kind[node] != GROUP:
            return None
        rollup = self._rollups.get(node)
        start, finish = rollup.start or rollup.finish, rollup.finish or rollup.start
        return None if start is None or finish is None else (start, max(start, finish), rollup.critical)

    def group_label(self, key: str) -> str:
        node = self.layout.node_of.get(key)
        if node is None or self._session is None:
            return ""
        wbs = self._session.data.wbs.get(key)
        return wbs.name if wbs is not None else self.layout.labels.get(node, "")

    # -- Qt's model interface ---------------------------------------------------------------------------------

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
        # Looked up, not computed: Qt enum arithmetic in Python is slow and this runs for every painted cell.
        if not index.isValid():
            return NO_FLAGS
        node = index.internalId()
        read_only = self._session is None or self._session.read_only or node in self.layout.labels
        table = WBS_FLAGS if self.layout.kind[node] == GROUP else ACTIVITY_FLAGS
        return table[read_only][index.column()]

    @override
    def data(self, index: Index, role: int = 0) -> Any:
        if self._session is None or not index.isValid():
            return None
        node = index.internalId()
        if self.layout.kind[node] == GROUP:
            return self.cells.group(node, index.column(), role)
        return self.cells.activity(node, index.column(), role)

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
        read = self.cells.group if self.layout.kind[node] == GROUP else self.cells.activity
        for i in range(count):
            slot = slots[i]
            value = read(node, column, slot.role())
            if value is None:
                slot.clearData()
            else:
                slot.setData(value)

    @override
    def setData(self, index: Index, value: Any, role: int = 2) -> bool:
        if not index.isValid() or role != roles.EDIT or self._session is None:
            return False
        node = index.internalId()
        column = COLUMNS[index.column()]
        if node in self.layout.labels:
            return False
        try:
            if self.layout.kind[node] == GROUP:
                command = wbs_edit(self._session.data, wbs_id=self.layout.ids[node], column=column, value=value)
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
        data, own = self._session.data, self.layout.ids[node]
        ids = self._bulk if self._bulk and own in self._bulk and column.key != "code" else [own]
        commands = [activity_edit(data, activity_id=i, column=column, value=value) for i in ids if i in data.activities]
        if len(commands) == 1:
            return commands[0]
        return Composite(f"{commands[0].label} of {len(commands)} activities", tuple(commands))

    # -- following the session (the decisions are in activity_refresh) ---------------------------------------

    def on_session_changed(self, change_set: ChangeSet) -> None:
        activity_refresh.on_session_changed(self, change_set)

    def refresh_rollups(self, touched: set[int]) -> None:
        assert self._session is not None
        for node in self._rollups.update(self.layout, self._session.data, touched):
            self.refresh_node(node)

    def refresh_all_dates(self) -> None:
        """Every row's dates changed (a new schedule). One range from column 1 repaints the viewport (column 0,
        the Activity ID, does not change)."""
        assert self._session is not None
        self.cells.forget()
        self._rollups.invalidate_all()
        if self.layout.rows:
            self.dataChanged.emit(self.index(0, 1), self.index(len(self.layout.rows) - 1, LAST_COLUMN))

    def insert_activity(self, activity: Activity) -> int:
        """A new activity's row among its WBS siblings, in Activity ID order; returns its group's node."""
        layout = self.layout
        parent = layout.node_of.get(activity.wbs_id, ROOT) if activity.wbs_id else ROOT
        codes = [self._activity_code(n) for n in layout.children[parent] if layout.kind[n] == ACTIVITY]
        self.insert_node(activity.id, parent, bisect.bisect(codes, activity.code))
        return parent

    def _activity_code(self, node: int) -> str:
        assert self._session is not None
        activity = self._session.data.activities.get(self.layout.ids[node])
        return activity.code if activity is not None else ""


__all__ = ["ACTIVITY", "DEAD", "GROUP", "GROUP_PREFIX", "ROOT", "ActivityTreeModel"]
