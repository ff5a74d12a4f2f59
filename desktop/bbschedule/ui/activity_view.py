"""The activity table widget: a table view over ActivityTreeModel's flat rows, tuned for 100k rows, with group
rows opened and closed from their arrow (or Left/Right in the first column), a header menu to show and hide
columns, header clicks that sort within groups, spreadsheet keys (Enter down, Tab right) and bulk edit (a cell
edited with several rows selected changes them all, as one command). The Gantt chart follows it.

A table view, not a tree view: a tree view lays out every expanded row when a model is reset (100k rows, each
asking Python for its index, flags and children), a table view only the rows it paints.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QTableView,
    QWidget,
)
from typing_extensions import override

from bbschedule.ui.activity_model import ActivityTreeModel
from bbschedule.ui.columns import COLUMNS
from bbschedule.ui.delegates import ActivityDelegate

_HINT = QAbstractItemDelegate.EndEditHint


class ActivityView(QTableView):
    def __init__(self, model: ActivityTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activityTable")
        self.setModel(model)
        self._model = model
        self._delegate = ActivityDelegate(self)
        self.setItemDelegate(self._delegate)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        rows = self.verticalHeader()
        rows.hide()
        # Every row the same height, fixed: the view computes geometry without asking any row.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self._delegate.row_height(self))
        header = self.horizontalHeader()
        header.setHighlightSections(False)
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
        model.modelAboutToBeReset.connect(self._keep_selection)
        model.sig_structure_changed.connect(self._restore_selection)

    def header(self) -> QHeaderView:
        """The column header (the name a tree view gives it, which the window and the Gantt use)."""
        return self.horizontalHeader()

    def apply_default_layout(self) -> None:
        """Column widths from the column table (never resizeColumnsToContents: it reads every row)."""
        for number, column in enumerate(COLUMNS):
            self.setColumnWidth(number, column.width)
            self.setColumnHidden(number, column.hidden)

    # -- groups -----------------------------------------------------------------------------------------------

    def is_expanded(self, index: QModelIndex) -> bool:
        return self._model.is_expanded(index)

    def set_expanded(self, index: QModelIndex, expanded: bool) -> None:
        self._model.set_expanded(index.siblingAtColumn(0), expanded)

    def expand_all(self) -> None:
        self._model.expand_all()

    def collapse_all(self) -> None:
        self._model.collapse_all()

    @override
    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and index.column() == 0 and event.button() == Qt.MouseButton.LeftButton:
            rect = self.visualRect(index)
            if self._delegate.on_arrow(index, rect, event.position().x()):
                self.set_expanded(index, not self.is_expanded(index))
                return
        super().mousePressEvent(event)

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
            current = self.currentIndex()
            if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and current.column() == 0:
                # In the first column the arrows close and open a group, as in a tree.
                expand = key == Qt.Key.Key_Right
                if not self._model.is_activity(current) and self.is_expanded(current) != expand:
                    self.set_expanded(current, expand)
                    return
        super().keyPressEvent(event)

    def move_current(self, *, down: int = 0, right: int = 0) -> None:
        """The current cell one row down (up) in the same column, or one visible column right (left)."""
        current = self.currentIndex()
        if not current.isValid():
            return
        target = current
        if down:
            row = current.row() + (1 if down > 0 else -1)
            if 0 <= row < self._model.rowCount():
                target = current.siblingAtRow(row)
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
        """Ids of the selected activities (group rows left out), in row order unless `ordered` is False."""
        rows = [i for i in self.selectionModel().selectedRows(0) if self._model.is_activity(i)]
        if ordered:
            rows.sort(key=lambda index: index.row())
        ids = [self._model.object_id(i) for i in rows]
        return [i for i in ids if i is not None]

    def current_object_id(self) -> str | None:
        return self._model.object_id(self.currentIndex())

    def select_ids(self, ids: list[str]) -> None:
        """Select these rows (opening the groups they are in) and scroll to the first."""
        for obj_id in ids:
            self._model.reveal(obj_id)
        indexes = [index for index in map(self._model.index_of, ids) if index.isValid()]
        first = indexes[0] if indexes else None
        # One selection of row runs, selected at once: a signal per row made a large selection quadratic.
        rows = sorted({index.row() for index in indexes})
        wanted = QItemSelection()
        for run in _runs(rows):
            wanted.select(self._model.index(run[0], 0), self._model.index(run[-1], 0))
        selection = self.selectionModel()
        selection.select(
            wanted,
            selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows,
        )
        if first is not None:
            selection.setCurrentIndex(first, selection.SelectionFlag.NoUpdate)
            self.scrollTo(first)

    def _keep_selection(self) -> None:
        if self.selectionModel() is not None:
            self._kept = (self.selected_ids(ordered=False), self.current_object_id())

    def _restore_selection(self) -> None:
        """After a rebuild (filter, grouping, sort) the rows selected before stay selected."""
        ids, current = self._kept
        self._kept = ([], None)
        if ids:
            self.select_ids(ids)
        if current is not None:
            index = self._model.index_of(current, max(self.currentIndex().column(), 0))
            if index.isValid():
                self.selectionModel().setCurrentIndex(index, self.selectionModel().SelectionFlag.NoUpdate)

    def selection_as_text(self) -> str:
        """The selected rows' visible columns as tab-separated text with a header line (pastes into Excel)."""
        header = self.header()
        columns = [
            header.logicalIndex(visual)
            for visual in range(header.count())
            if not header.isSectionHidden(header.logicalIndex(visual))
        ]
        rows = self.selectionModel().selectedRows(0)
        rows.sort(key=lambda index: index.row())
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


def _runs(rows: list[int]) -> list[list[int]]:
    """Sorted row numbers cut into runs of consecutive rows."""
    runs: list[list[int]] = []
    for row in rows:
        if runs and runs[-1][-1] == row - 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs
