"""The activity table widget: a tree view over ActivityTreeModel tuned for 100k rows, with a header menu to
show and hide columns. The Gantt chart (issue 5) will sit beside it in the window's splitter and follow it.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTreeView, QWidget

from bbschedule.ui.activity_model import ActivityTreeModel
from bbschedule.ui.columns import COLUMNS
from bbschedule.ui.delegates import ActivityDelegate


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
        self.apply_default_layout()
        model.sig_structure_changed.connect(self.expand_groups)

    def apply_default_layout(self) -> None:
        """Column widths from the column table (never resizeColumnsToContents: it reads every row)."""
        for number, column in enumerate(COLUMNS):
            self.setColumnWidth(number, column.width)
            self.setColumnHidden(number, column.hidden)

    def expand_groups(self) -> None:
        """Open every WBS group: what planners expect on opening a project."""
        self.expandAll()

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
