"""The activity table widget: a tree view over ActivityTreeModel tuned for 100k rows, with a header menu to
show and hide columns, header clicks that sort within groups, spreadsheet keys (Enter down, Tab right) and bulk
edit (a cell edited with several rows selected changes them all, as one command). The Gantt chart follows it.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QHeaderView, QMenu, QTreeView, QWidget
from typing_extensions import override

from bbschedule.ui.activity_model import ActivityTreeModel
from bbschedule.ui.columns import COLUMNS
from bbschedule.ui.delegates import ActivityDelegate

_HINT = QAbstractItemDelegate.EndEditHint


class ActivityView(QTreeView):
    def __init__(self, model: ActivityTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activityTable")
        self.setModel(model)
        self._model = model
        # Uniform rows let the view compute geometry without asking every row: essential at 100k rows.
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setItemDelegate(ActivityDelegate(self))
        self.setAllColumnsShowFocus(True)
        self.setIndentation(14)
        self.setAnimated(False)
        self.setExpandsOnDoubleClick(False)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.on_header_menu_requested)
        self.setTabKeyNavigation(True)
        header.setSortIndicatorClearable(True)  # a third click goes back to Activity ID order
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        self.apply_default_layout()
        self._kept: tuple[list[str], str | None] = ([], None)
        self._collapsed: set[str] = set()
        model.modelAboutToBeReset.connect(self._keep_selection)
        model.sig_structure_changed.connect(self.expand_groups)

    def apply_default_layout(self) -> None:
        """Column widths from the column table (never resizeColumnsToContents: it reads every row)."""
        for number, column in enumerate(COLUMNS):
            self.setColumnWidth(number, column.width)
            self.setColumnHidden(number, column.hidden)

    def expand_groups(self) -> None:
        """Open every WBS group: what planners expect on opening a project (or filtering, grouping, sorting);
        the rows selected before a rebuild stay selected."""
        self.expandAll()
        for group_id in self._collapsed:  # groups the planner closed stay closed through a filter or sort
            index = self._model.index_of(group_id)
            if index.isValid():
                self.collapse(index)
        self._collapsed = set()
        ids, current = self._kept
        self._kept = ([], None)
        if ids:
            self.select_ids(ids)
        if current is not None:
            index = self._model.index_of(current, max(self.currentIndex().column(), 0))
            if index.isValid():
                self.selectionModel().setCurrentIndex(index, self.selectionModel().SelectionFlag.NoUpdate)

    def _keep_selection(self) -> None:
        if self.selectionModel() is not None:
            self._kept = (self.selected_ids(ordered=False), self.current_object_id())
        model = self._model
        self._collapsed = {i for i in model.wbs_ids() if not self.isExpanded(model.index_of(i))}

    # -- spreadsheet keys and bulk edit -----------------------------------------------------------------------

    @override
    def commitData(self, editor: QWidget) -> None:
        """With several activities selected, the value typed into one of them goes to all of them."""
        ids = self.selected_ids(ordered=False)
        own = self.current_object_id()
        self._model.set_bulk_ids(ids if len(ids) > 1 and own in ids else None)
        try:
            super().commitData(editor)
        finally:
            self._model.set_bulk_ids(None)

    @override
    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        # Enter commits and moves down, Tab right (Shift+Tab left), as in a spreadsheet; the next cell is not
        # opened: typing into it replaces its value.
        super().closeEditor(editor, _HINT.NoHint if hint != _HINT.RevertModelCache else hint)
        if hint == _HINT.SubmitModelCache:
            self.move_current(down=1)
        elif hint == _HINT.EditNextItem:
            self.move_current(right=1)
        elif hint == _HINT.EditPreviousItem:
            self.move_current(right=-1)

    @override
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self.state() != QAbstractItemView.State.EditingState:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.move_current(down=-1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1)
                return
            if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                self.move_current(right=-1 if key == Qt.Key.Key_Backtab else 1)
                return
        super().keyPressEvent(event)

    def move_current(self, *, down: int = 0, right: int = 0) -> None:
        """The current cell one row down (up) in the same column, or one visible column right (left)."""
        current = self.currentIndex()
        if not current.isValid():
            return
        target = current
        if down:
            row = self.indexBelow(current) if down > 0 else self.indexAbove(current)
            target = row.siblingAtColumn(current.column()) if row.isValid() else current
        if right:
            header = self.header()
            visual = header.visualIndex(current.column()) + right
            while 0 <= visual < header.count() and header.isSectionHidden(header.logicalIndex(visual)):
                visual += right
            if 0 <= visual < header.count():
                target = current.siblingAtColumn(header.logicalIndex(visual))
        if target != current:
            self.setCurrentIndex(target)
            self.scrollTo(target)

    # -- selection --------------------------------------------------------------------------------------------

    def selected_ids(self, *, ordered: bool = True) -> list[str]:
        """Ids of the selected activities (WBS rows left out), in row order unless `ordered` is False."""
        rows = [i for i in self.selectionModel().selectedRows(0) if self._model.is_activity(i)]
        if ordered:
            rows.sort(key=lambda index: self.visualRect(index).top())
        ids = [self._model.object_id(i) for i in rows]
        return [i for i in ids if i is not None]

    def current_object_id(self) -> str | None:
        return self._model.object_id(self.currentIndex())

    def select_ids(self, ids: list[str]) -> None:
        selection = self.selectionModel()
        selection.clearSelection()
        first: QModelIndex | None = None
        for obj_id in ids:
            index = self._model.index_of(obj_id)
            if not index.isValid():
                continue
            first = first or index
            selection.select(
                index,
                selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
            )
        if first is not None:
            selection.setCurrentIndex(first, selection.SelectionFlag.NoUpdate)
            self.scrollTo(first)

    def selection_as_text(self) -> str:
        """The selected rows' visible columns as tab-separated text with a header line (pastes into Excel)."""
        header = self.header()
        columns = [
            header.logicalIndex(visual)
            for visual in range(header.count())
            if not header.isSectionHidden(header.logicalIndex(visual))
        ]
        rows = self.selectionModel().selectedRows(0)
        rows.sort(key=lambda index: self.visualRect(index).top())
        lines = ["\t".join(COLUMNS[c].title.replace("\n", " ") for c in columns)]
        for index in rows:
            lines.append("\t".join(str(index.siblingAtColumn(c).data() or "") for c in columns))
        return "\n".join(lines) + "\n"

    def on_header_menu_requested(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for number, column in enumerate(COLUMNS):
            action = QAction(column.title.replace("\n", " "), menu)
            action.setCheckable(True)
            action.setChecked(not self.isColumnHidden(number))
            action.setEnabled(number != 0)
            action.toggled.connect(lambda on, n=number: self.setColumnHidden(n, not on))
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction("Default Columns", self.apply_default_layout)
        menu.exec(self.header().mapToGlobal(pos))
