"""The main window: project tree dock, activity table and Gantt chart in one splitter, activity details dock,
menus, toolbar and status bar. Projects come through the Workspace, edits go through the ProjectSession, and
every part refreshes from the change sets the session reports. Edit operations live in editing.py, long work in
tasks.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QToolBar,
    QTreeView,
    QWidget,
)
from typing_extensions import override

from bbschedule.core.changes import ChangeSet
from bbschedule.core.commands import Command
from bbschedule.core.enums import ActivityType
from bbschedule.services.session import ProjectSession
from bbschedule.ui import roles
from bbschedule.ui.actions import WindowActions
from bbschedule.ui.activity_model import ActivityTreeModel
from bbschedule.ui.activity_order import FLOAT_PATH_GROUP
from bbschedule.ui.activity_view import ActivityView
from bbschedule.ui.backup_dialog import ask_and_restore, restore_into, start_backups
from bbschedule.ui.diagnostics_dialog import install_help_menu
from bbschedule.ui.editing import ActivityEditing
from bbschedule.ui.filter_bar import FilterBar, GroupByMenu
from bbschedule.ui.formatting import format_date
from bbschedule.ui.gantt.panel import GanttPanel
from bbschedule.ui.panels.activity_details import ActivityDetailsPanel
from bbschedule.ui.project_tree_model import ProjectTreeModel
from bbschedule.ui.resources import icon
from bbschedule.ui.tasks import ProjectTasks
from bbschedule.ui.view_settings import load_view, save_view
from bbschedule.ui.window_layout import STATE_VERSION, restore_layout, save_layout
from bbschedule.ui.worker import Pool, TaskRunner
from bbschedule.ui.workspace import Workspace

_ACTIVITY_ICONS = tuple(kind.value for kind in ActivityType)


class MainWindow(QMainWindow):
    sig_project_opened = Signal(str)
    """A project was opened; the argument is its id."""

    def __init__(self, workspace: Workspace, *, settings: QSettings, pool: Pool | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.settings = settings
        self.session: ProjectSession | None = None
        self.interactive = True
        """False for the off-screen screenshot: no question boxes."""
        self.crash_presenter: QObject | None = None
        """Shows crash reports over this window (set by the application when telemetry runs)."""
        self._unsubscribe: Callable[[], None] = lambda: None
        self.setWindowTitle("BBSchedule")
        self.setWindowIcon(icon("app"))
        self.runner = TaskRunner(self, pool=pool)
        self.tasks = ProjectTasks(self)
        self.editing = ActivityEditing(self)

        self.activity_model = ActivityTreeModel(None, self)
        self.activity_model.set_icons({k: icon(k) for k in (*_ACTIVITY_ICONS, "wbs")})
        self.activity_view = ActivityView(self.activity_model, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("planningSplitter")
        self.splitter.addWidget(self.activity_view)
        self.gantt = GanttPanel(
            self.activity_view,
            key_role=roles.OBJECT_ID,
            select_key=lambda key: self.activity_view.select_ids([key]),
            report=self.show_message,
            parent=self.splitter,
        )
        self.splitter.addWidget(self.gantt)
        # Group bars read the table's roll-ups, which it keeps anyway (no second pass over 100k rows).
        self.gantt.chart.summary_source = self.activity_model.summary_span
        self.gantt.chart.label_source = self.activity_model.group_label
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([860, 500])  # scaled to the window: the table left of the Gantt, as in P6
        self.setCentralWidget(self.splitter)

        self.project_model = ProjectTreeModel(self)
        self.project_model.set_icons({k: icon(k) for k in ("eps", "project", "wbs")})
        self.project_view = QTreeView(self)
        self.project_view.setObjectName("projectTree")
        self.project_view.setModel(self.project_model)
        self.project_view.setHeaderHidden(True)
        self.project_view.setUniformRowHeights(True)
        # Names scroll sideways rather than end in "…": a "(local only — …)" mark after a long name stays readable.
        self.project_view.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.project_view.header().setStretchLastSection(False)
        self.project_dock = self._dock(
            "Projects", "projectDock", self.project_view, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.resizeDocks([self.project_dock], [250], Qt.Orientation.Horizontal)
        self.details = ActivityDetailsPanel(report=self.show_message, parent=self)
        self.details_dock = self._dock(
            "Activity Details", "detailsDock", self.details, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.details_dock.hide()  # a planner opens it when needed; the table and Gantt get the height
        self.details_dock.visibilityChanged.connect(self.on_details_visibility_changed)
        self._details_sized = False

        self.window_actions = WindowActions(self)
        self.toolbar = self.window_actions.build_toolbar(self)
        # The filter bar spans the table and the Gantt: inside the splitter it would shift the table's rows
        # down against the chart's.
        self.filter_bar = FilterBar(self)
        self.filter_toolbar = QToolBar("Filters", self)
        self.filter_toolbar.setObjectName("filterToolbar")
        self.filter_toolbar.setMovable(False)
        self.filter_toolbar.addWidget(self.filter_bar)
        self.addToolBarBreak()
        self.addToolBar(self.filter_toolbar)
        self.group_menu = GroupByMenu(self)
        toggles = [self.project_dock.toggleViewAction(), self.details_dock.toggleViewAction()]
        self.window_actions.build_menus(
            self,
            view_toggles=[*toggles, self.toolbar.toggleViewAction(), self.filter_toolbar.toggleViewAction()],
            view_extra=[
                self.gantt.action_zoom_in,
                self.gantt.action_zoom_out,
                self.gantt.action_fit,
                self.group_menu.menuAction(),
            ],
        )
        install_help_menu(self, profile=workspace.profile)
        self.activity_view.addActions(self.window_actions.table_context_actions())
        self.activity_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self._build_status_bar()
        self._connect()
        self._default_state = self.saveState(STATE_VERSION)
        self.update_actions()

    # -- building ---------------------------------------------------------------------------------------------

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_project = QLabel(self)
        self.status_count = QLabel(self)
        self.status_data_date = QLabel(self)
        self.status_selection = QLabel(self)
        for label in (self.status_project, self.status_count, self.status_data_date, self.status_selection):
            bar.addPermanentWidget(label)

    def _connect(self) -> None:
        a, tasks, editing = self.window_actions, self.tasks, self.editing
        a.open.triggered.connect(tasks.ask_open)
        a.save.triggered.connect(self.on_save_triggered)
        a.export.triggered.connect(tasks.ask_export)
        a.import_report.triggered.connect(tasks.show_report)
        a.quit.triggered.connect(self.close)
        a.undo.triggered.connect(lambda: editing.step(undo=True))
        a.redo.triggered.connect(lambda: editing.step(undo=False))
        a.copy.triggered.connect(self.on_copy_triggered)
        a.add_activity.triggered.connect(editing.add_activity)
        a.delete_activity.triggered.connect(editing.delete_activities)
        a.add_relationship.triggered.connect(editing.add_relationship)
        a.expand_all.triggered.connect(self.activity_view.expand_all)
        a.collapse_all.triggered.connect(self.activity_view.collapse_all)
        a.reset_layout.triggered.connect(self.on_reset_layout_triggered)
        a.schedule.triggered.connect(tasks.schedule)
        a.project_info.triggered.connect(self.on_project_properties_triggered)
        a.calendars.triggered.connect(self.on_calendars_triggered)
        a.about.triggered.connect(self.on_about_triggered)
        a.restore_backup.triggered.connect(self.on_restore_backup_triggered)
        self.activity_model.sig_edit_refused.connect(self.show_message)
        self.activity_model.sig_structure_changed.connect(self._update_status)
        self.activity_model.sig_structure_changed.connect(self._remember_view)
        self.filter_bar.sig_filter_changed.connect(self.activity_model.set_filter)
        self.group_menu.sig_grouping_chosen.connect(self.activity_model.set_grouping)
        self.activity_view.selectionModel().selectionChanged.connect(self._update_selection)
        self.activity_view.selectionModel().currentRowChanged.connect(self.on_current_row_changed)
        self.project_view.doubleClicked.connect(self.on_project_tree_double_clicked)
        self.project_view.clicked.connect(self.on_project_tree_clicked)
        self.gantt.chart.sig_bar_double_clicked.connect(self.on_gantt_bar_double_clicked)
        self.gantt.chart.sig_context_menu.connect(self.on_gantt_context_menu)

    # -- projects ---------------------------------------------------------------------------------------------

    def refresh_catalog(self) -> None:
        open_data = self.session.data if self.session is not None else None
        projects = self.workspace.list_projects()
        self.project_model.set_catalog(eps=self.workspace.list_eps(), projects=projects, open_project=open_data)
        self.project_view.expandAll()

    def open_project(self, project_id: str) -> None:
        self.set_session(self.workspace.open_session(project_id))

    def open_largest_project(self) -> None:
        entries = self.workspace.list_projects()
        if entries:
            self.open_project(max(entries, key=lambda p: p.activity_count).id)

    def set_session(self, session: ProjectSession | None) -> None:
        self._unsubscribe()
        self._unsubscribe = lambda: None
        self.session = session
        view = None if session is None else load_view(self.settings, session.project_id, session.data)
        self.activity_model.set_session(session, view=view)
        if view is not None:
            self.filter_bar.show_filter(view[1])
        self._refresh_group_menu()
        self.gantt.set_session(session)
        self.details.set_session(session)
        if session is not None:
            self._unsubscribe = session.subscribe(self.on_session_changed)
            if session.loading:
                # After the first frame (a zero timer runs once the paint is done): the relationships.
                QTimer.singleShot(0, lambda: self.tasks.load_rest(session))
            self.filter_bar.suggest_window(session.data.project.effective_data_date)
            self.sig_project_opened.emit(session.project_id)
        self._update_title()
        self.refresh_catalog()
        self.update_actions()

    def _update_title(self) -> None:
        """The open project's code and name (kept current: a rename may come from the properties or from sync)."""
        project = self.session.data.project if self.session is not None else None
        self.setWindowTitle(f"{project.code} — {project.name} — BBSchedule" if project is not None else "BBSchedule")

    def import_path(self, path: Path, *, open_after: bool = True, replace: bool = False) -> None:
        self.tasks.import_path(path, open_after=open_after, replace=replace)

    def schedule(self) -> None:
        self.tasks.schedule()

    def apply(self, command: Command) -> ChangeSet | None:
        return self.editing.apply(command)

    def _refresh_group_menu(self) -> None:
        data = self.session.data if self.session is not None else None
        grouping = self.activity_model.grouping
        self.group_menu.set_code_types(
            data,
            current=grouping
            if data is not None and (grouping in data.code_types or grouping == FLOAT_PATH_GROUP)
            else None,
        )

    def _remember_view(self) -> None:
        """The grouping and filter of the open project, kept for its next opening (written when they change)."""
        if self.session is not None:
            view = (self.activity_model.grouping, self.activity_model.activity_filter)
            save_view(self.settings, self.session.project_id, view)

    def on_session_changed(self, change_set: ChangeSet) -> None:
        if "code_type" in change_set.kinds:
            self._refresh_group_menu()
        if "wbs" in change_set.kinds or "project" in change_set.kinds:
            self.project_model.on_session_changed(change_set)
            self.project_view.expandAll()
            self._update_title()
        self.update_actions()

    def on_copy_triggered(self) -> None:
        rows = len(self.activity_view.selectionModel().selectedRows(0))
        if rows:
            QApplication.clipboard().setText(self.activity_view.selection_as_text())
            self.show_message(f"Copied {rows} row{'s' if rows > 1 else ''}")

    def on_save_triggered(self) -> None:
        if self.session is not None:
            self.session.save()
            self.show_message(f"Saved {self.session.data.project.code}")

    # -- panels and dialogs -----------------------------------------------------------------------------------

    def on_details_visibility_changed(self, visible: bool) -> None:
        if visible and not self._details_sized:  # first shown: a strip under the table, not half the window
            self._details_sized = True
            self.resizeDocks([self.details_dock], [260], Qt.Orientation.Vertical)

    def on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.details.show_activity(
            self.activity_model.object_id(current) if self.activity_model.is_activity(current) else None
        )

    def on_restore_backup_triggered(self) -> None:
        ask_and_restore(self)

    def restore_from(self, backup: Path) -> None:
        """Replace the cache by a backup and reopen the projects from it (the open sessions are dropped)."""
        restore_into(self, backup)

    def start_scheduled_backups(self, *, every_ms: int = 3_600_000) -> None:
        """A backup of the cache now if the newest is old, and again on a timer; each runs off the GUI thread."""
        self._backup_timer = start_backups(self, every_ms=every_ms)

    def on_gantt_bar_double_clicked(self, key: str) -> None:
        """A bar double-clicked opens its activity in the details panel, as in the table."""
        self.activity_view.select_ids([key])
        self.details_dock.show()
        self.details.show_activity(key)

    def on_gantt_context_menu(self, key: str, where: QPoint) -> None:
        self.activity_view.select_ids([key])
        menu = QMenu(self)
        menu.addAction("Activity Details", lambda: self.on_gantt_bar_double_clicked(key))
        menu.addAction("Show Driving Path", lambda: self.tasks.show_driving_path(key))
        menu.addSeparator()
        menu.addActions(self.window_actions.table_context_actions())
        menu.addSeparator()
        menu.addActions([self.gantt.action_zoom_in, self.gantt.action_zoom_out, self.gantt.action_fit])
        menu.exec(where)

    def on_project_tree_double_clicked(self, index: QModelIndex) -> None:
        if index.data(roles.NODE_KIND) == "project":
            project_id = str(index.data(roles.OBJECT_ID))
            if self.session is None or self.session.project_id != project_id:
                self.open_project(project_id)

    def on_project_tree_clicked(self, index: QModelIndex) -> None:
        if index.data(roles.NODE_KIND) == "wbs":
            self.activity_model.reveal(str(index.data(roles.OBJECT_ID)))
            target = self.activity_model.index_of(str(index.data(roles.OBJECT_ID)))
            if target.isValid():
                self.activity_view.setCurrentIndex(target)
                self.activity_view.scrollTo(target, QAbstractItemView.ScrollHint.PositionAtTop)

    def on_project_properties_triggered(self) -> None:
        if self.session is not None:
            from bbschedule.ui.panels.project_properties import ProjectPropertiesDialog

            ProjectPropertiesDialog(self.session, self).exec()

    def on_calendars_triggered(self) -> None:
        if self.session is not None:
            from bbschedule.ui.panels.calendar_editor import CalendarEditor

            CalendarEditor(self.session, self).exec()

    def on_about_triggered(self) -> None:
        from bbschedule.ui.about_dialog import AboutDialog

        AboutDialog(self.workspace.profile, self).exec()

    def on_reset_layout_triggered(self) -> None:
        self.restoreState(self._default_state, STATE_VERSION)
        self.activity_view.apply_default_layout()

    # -- messages, actions and status -------------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def show_error(self, title: str, exc: BaseException) -> None:
        self.show_message(f"{title}: {exc}")
        if self.interactive and self.isVisible():
            QMessageBox.warning(self, title, str(exc))

    def update_actions(self) -> None:
        a = self.window_actions
        history = self.session.history if self.session is not None else None
        undo_label = history.undo_label if history is not None else None
        redo_label = history.redo_label if history is not None else None
        a.undo.setText(f"&Undo {undo_label}" if undo_label else "&Undo")
        a.redo.setText(f"&Redo {redo_label}" if redo_label else "&Redo")
        a.undo.setEnabled(undo_label is not None)
        a.redo.setEnabled(redo_label is not None)
        editable = self.session is not None and not self.session.read_only
        for action in (a.add_activity, a.delete_activity, a.add_relationship, a.calendars):
            action.setEnabled(editable)
        for action in (a.save, a.export, a.project_info, a.schedule):
            action.setEnabled(self.session is not None)
        a.import_report.setEnabled(self.tasks.last_report is not None)
        self._update_status()

    def _update_status(self) -> None:
        if self.session is None:
            for label in (self.status_count, self.status_data_date, self.status_selection):
                label.setText("")
            self.status_project.setText("No project open")
            return
        data = self.session.data
        self.status_project.setText(f"{data.project.code}  {data.project.name}")
        shown, total = self.activity_model.shown_count(), len(data.activities)
        filtered = not self.activity_model.activity_filter.is_empty
        self.status_count.setText(f"{shown:,} of {total:,} activities shown" if filtered else f"{total:,} activities")
        self.filter_bar.show_counts(shown, total)
        self.status_data_date.setText(f"Data date {format_date(data.project.effective_data_date)}")
        self._update_selection()

    def _update_selection(self, *_: object) -> None:
        # Counted, not sorted: this runs on every selection change, and "select all" may be 100k rows.
        rows = self.activity_view.selectionModel().selectedRows(0)
        count = sum(1 for index in rows if self.activity_model.is_activity(index))
        self.status_selection.setText(f"{count} selected" if count else "")

    # -- window state -----------------------------------------------------------------------------------------

    def restore_settings(self) -> None:
        restore_layout(self, self.settings)

    def save_settings(self) -> None:
        save_layout(self, self.settings)

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        self.runner.stop_all()
        self.save_settings()
        self.workspace.close()
        super().closeEvent(event)
