"""The main window: project tree dock, activity table (the Gantt joins it in the splitter), menus, toolbar and
status bar. It reaches projects through the Workspace and edits through the ProjectSession, and refreshes
from the change sets the session reports.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTreeView,
)
from typing_extensions import override

from bbschedule import __version__
from bbschedule.core.activity import Activity
from bbschedule.core.changes import ChangeSet
from bbschedule.core.commands import AddActivity, AddRelationship, Command, DeleteObjects
from bbschedule.core.enums import ActivityType
from bbschedule.core.errors import BBScheduleError, ValidationError
from bbschedule.services.session import ProjectSession
from bbschedule.ui import roles
from bbschedule.ui.actions import WindowActions
from bbschedule.ui.activity_model import ActivityTreeModel
from bbschedule.ui.activity_view import ActivityView
from bbschedule.ui.dialogs import RelationshipDialog, project_information
from bbschedule.ui.edits import next_activity_code
from bbschedule.ui.formatting import format_date
from bbschedule.ui.gantt.panel import GanttPanel
from bbschedule.ui.project_tree_model import ProjectTreeModel
from bbschedule.ui.resources import icon
from bbschedule.ui.worker import Pool, TaskRunner
from bbschedule.ui.workspace import Imported, Scheduled, Workspace

_STATE_VERSION = 1
_ACTIVITY_ICONS = tuple(kind.value for kind in ActivityType)
IMPORT_FILTER = "Schedules (*.xer *.xml *.pmxml *.xlsx *.json);;All files (*)"


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
        self._unsubscribe: Callable[[], None] = lambda: None
        self.setWindowTitle("BBSchedule")
        self.setWindowIcon(icon("app"))
        self.runner = TaskRunner(self, pool=pool)

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
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([950, 400])  # scaled to the window: table to the left of the Gantt, as in P6
        self.setCentralWidget(self.splitter)

        self.project_model = ProjectTreeModel(self)
        self.project_model.set_icons({k: icon(k) for k in ("eps", "project", "wbs")})
        self.project_view = QTreeView(self)
        self.project_view.setObjectName("projectTree")
        self.project_view.setModel(self.project_model)
        self.project_view.setHeaderHidden(True)
        self.project_view.setUniformRowHeights(True)
        self.project_dock = QDockWidget("Projects", self)
        self.project_dock.setObjectName("projectDock")
        self.project_dock.setWidget(self.project_view)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.project_dock)
        self.resizeDocks([self.project_dock], [250], Qt.Orientation.Horizontal)

        self.window_actions = WindowActions(self)
        self.toolbar = self.window_actions.build_toolbar(self)
        self.window_actions.build_menus(
            self, view_toggles=[self.project_dock.toggleViewAction(), self.toolbar.toggleViewAction()]
        )
        self.activity_view.addActions([self.window_actions.add_activity, self.window_actions.delete_activity])
        self._build_status_bar()
        self._connect()
        self._default_state = self.saveState(_STATE_VERSION)
        self._update_actions()

    # -- building ---------------------------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_project = QLabel(self)
        self.status_count = QLabel(self)
        self.status_data_date = QLabel(self)
        self.status_selection = QLabel(self)
        for label in (self.status_project, self.status_count, self.status_data_date, self.status_selection):
            bar.addPermanentWidget(label)

    def _connect(self) -> None:
        a = self.window_actions
        a.open.triggered.connect(self.on_open_triggered)
        a.save.triggered.connect(self.on_save_triggered)
        a.export.triggered.connect(self.on_export_triggered)
        a.quit.triggered.connect(self.close)
        a.undo.triggered.connect(self.on_undo_triggered)
        a.redo.triggered.connect(self.on_redo_triggered)
        a.add_activity.triggered.connect(self.on_add_activity_triggered)
        a.delete_activity.triggered.connect(self.on_delete_activity_triggered)
        a.add_relationship.triggered.connect(self.on_add_relationship_triggered)
        a.expand_all.triggered.connect(self.activity_view.expandAll)
        a.collapse_all.triggered.connect(self.activity_view.collapseAll)
        a.reset_layout.triggered.connect(self.on_reset_layout_triggered)
        a.schedule.triggered.connect(self.on_schedule_triggered)
        a.project_info.triggered.connect(self.on_project_info_triggered)
        a.about.triggered.connect(self.on_about_triggered)
        self.activity_model.sig_edit_refused.connect(self.show_message)
        self.activity_view.selectionModel().selectionChanged.connect(self._update_selection)
        self.project_view.doubleClicked.connect(self.on_project_tree_double_clicked)
        self.project_view.clicked.connect(self.on_project_tree_clicked)

    # -- projects ---------------------------------------------------------------------------------------------

    def refresh_catalog(self) -> None:
        open_data = self.session.data if self.session is not None else None
        projects = self.workspace.list_projects()
        self.project_model.set_catalog(eps=self.workspace.list_eps(), projects=projects, open_project=open_data)
        self.project_view.expandAll()

    def open_project(self, project_id: str) -> None:
        self.set_session(self.workspace.open_session(project_id))

    def set_session(self, session: ProjectSession | None) -> None:
        self._unsubscribe()
        self.session = session
        self.activity_model.set_session(session)
        self.gantt.set_session(session)
        if session is not None:
            self._unsubscribe = session.subscribe(self.on_session_changed)
            self.setWindowTitle(f"{session.data.project.code} — {session.data.project.name} — BBSchedule")
            self.sig_project_opened.emit(session.project_id)
        self.refresh_catalog()
        self._update_actions()

    def import_path(self, path: Path, *, open_after: bool = True, replace: bool = False) -> None:
        """Import a schedule file into the local cache off the GUI thread, then open it."""

        def done(outcome: object) -> None:
            imported = cast(Imported, outcome)
            findings = len(imported.report.items)
            note = f" ({findings} findings in the import report)" if findings else ""
            self.show_message(f"Imported {imported.code} from {path.name}{note}")
            self.refresh_catalog()
            if open_after:
                self.open_project(imported.project_id)
                if self.session is not None and not self.session.data.computed:
                    self.schedule()  # a file without dates: show them at once, as P6 does after F9

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError) and exc.field == "project" and not replace and self._ask_replace(exc):
                self.import_path(path, open_after=open_after, replace=True)
                return
            self.show_error(f"Could not import {path.name}", exc)
            if self.session is None:
                self.open_largest_project()

        self.runner.run(
            lambda progress: self.workspace.import_file(path, progress, replace=replace),
            title=f"Importing {path.name}",
            on_success=done,
            on_failure=failed,
            on_cancel=lambda: self.show_message("Import cancelled"),
        )

    def _ask_replace(self, exc: ValidationError) -> bool:
        if not self.interactive:
            return False
        answer = QMessageBox.question(
            self,
            "Project exists",
            f"{exc.message}.\n\nReplace the cached project with the file? Edits made since are lost.",
        )
        return answer == QMessageBox.StandardButton.Yes

    def open_largest_project(self) -> None:
        entries = self.workspace.list_projects()
        if entries:
            self.open_project(max(entries, key=lambda p: p.activity_count).id)

    def schedule(self) -> None:
        """Schedule the open project off the GUI thread; the dates arrive as a (non-undoable) scheduling result."""
        session = self.session
        if session is None or self.runner.busy:
            return
        data = session.data

        def done(outcome: object) -> None:
            scheduled = cast(Scheduled, outcome)
            if self.session is session:
                session.set_computed(scheduled.computed)
                self.show_message(f"Scheduled {data.project.code}: {scheduled.summary}")

        self.runner.run(
            lambda progress: self.workspace.schedule(data, progress),
            title=f"Scheduling {data.project.code}",
            on_success=done,
            on_failure=lambda exc: self.show_error("Could not schedule", exc),
            on_cancel=lambda: self.show_message("Scheduling cancelled"),
        )

    # -- editing ----------------------------------------------------------------------------------------------

    def apply(self, command: Command) -> ChangeSet | None:
        """Hand a command to the session; a refusal is reported in the status bar and changes nothing."""
        if self.session is None:
            return None
        try:
            return self.session.apply(command)
        except BBScheduleError as exc:
            self.show_message(f"Not changed: {getattr(exc, 'message', None) or exc}")
            return None

    def on_session_changed(self, change_set: ChangeSet) -> None:
        if "wbs" in change_set.kinds or "project" in change_set.kinds:
            self.project_model.on_session_changed(change_set)
            self.project_view.expandAll()
        self._update_actions()

    def on_schedule_triggered(self) -> None:
        self.schedule()

    def on_undo_triggered(self) -> None:
        self._step(undo=True)

    def on_redo_triggered(self) -> None:
        self._step(undo=False)

    def _step(self, *, undo: bool) -> None:
        if self.session is None:
            return
        try:
            change_set = self.session.undo() if undo else self.session.redo()
        except (IndexError, BBScheduleError) as exc:
            self.show_message(f"Could not {'undo' if undo else 'redo'}: {exc}")
            return
        ids = [c.id for c in change_set.changes if c.kind == "activity" and c.after is not None]
        if ids:
            self.activity_view.select_ids(ids)
        self.show_message(f"{'Undone' if undo else 'Redone'}: {change_set.label}")

    def on_add_activity_triggered(self) -> None:
        if self.session is None:
            return
        data = self.session.data
        current = self.activity_view.current_object_id()
        after = data.activities.get(current or "")
        wbs_id = after.wbs_id if after is not None else (current if current in data.wbs else None)
        calendar = data.default_calendar()
        activity = Activity(
            next_activity_code(data, after=after.code if after is not None else None),
            "New Activity",
            calendar.id,
            wbs_id=wbs_id,
            original_duration=round(5 * calendar.hours_per_day * 60),
        )
        if self.apply(AddActivity(activity)) is not None:
            index = self.activity_model.index_of(activity.id, 1)
            self.activity_view.select_ids([activity.id])
            self.activity_view.edit(index)

    def on_delete_activity_triggered(self) -> None:
        ids = self.activity_view.selected_ids()
        if not ids:
            self.show_message("Select the activities to delete")
            return
        if self.apply(DeleteObjects("activity", tuple(ids))) is not None:
            self.show_message(f"Deleted {len(ids)} activit{'y' if len(ids) == 1 else 'ies'} (Undo brings them back)")

    def on_add_relationship_triggered(self) -> None:
        if self.session is None or not self.session.data.activities:
            return
        ids = self.activity_view.selected_ids()
        dialog = RelationshipDialog(
            self.session.data,
            predecessor=ids[0] if ids else None,
            successor=ids[1] if len(ids) > 1 else None,
            parent=self,
        )
        if dialog.exec() != dialog.DialogCode.Accepted:
            return
        try:
            relationship = dialog.relationship()
        except (ValueError, BBScheduleError) as exc:
            self.show_message(f"Not changed: {getattr(exc, 'message', None) or exc}")
            return
        self.apply(AddRelationship(relationship))

    # -- files ------------------------------------------------------------------------------------------------

    def on_open_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open or import a schedule", "", IMPORT_FILTER)
        if path:
            self.import_path(Path(path))

    def on_save_triggered(self) -> None:
        if self.session is not None:
            self.session.save()
            self.show_message(f"Saved {self.session.data.project.code}")

    def on_export_triggered(self) -> None:
        if self.session is None:
            return
        suggested = f"{self.session.data.project.code}.bbs.json"
        path, _ = QFileDialog.getSaveFileName(self, "Export project", suggested, IMPORT_FILTER)
        if not path:
            return
        from bbschedule.formats.registry import write_file

        try:
            report = write_file(self.session.data, Path(path))
        except (OSError, BBScheduleError) as exc:
            self.show_error("Could not export", exc)
            return
        self.show_message(f"Exported {self.session.data.project.code} to {path} ({report.format})")

    # -- panels and messages ----------------------------------------------------------------------------------

    def on_project_tree_double_clicked(self, index: QModelIndex) -> None:
        if index.data(roles.NODE_KIND) == "project":
            project_id = str(index.data(roles.OBJECT_ID))
            if self.session is None or self.session.project_id != project_id:
                self.open_project(project_id)

    def on_project_tree_clicked(self, index: QModelIndex) -> None:
        if index.data(roles.NODE_KIND) == "wbs":
            target = self.activity_model.index_of(str(index.data(roles.OBJECT_ID)))
            if target.isValid():
                self.activity_view.setCurrentIndex(target)
                self.activity_view.scrollTo(target, self.activity_view.ScrollHint.PositionAtTop)

    def on_project_info_triggered(self) -> None:
        if self.session is not None:
            project_information(self.session.data, self).exec()

    def on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            "About BBSchedule",
            f"<b>BBSchedule {__version__}</b><p>CPM scheduling for construction planners.</p>",
        )

    def on_reset_layout_triggered(self) -> None:
        self.restoreState(self._default_state, _STATE_VERSION)
        self.activity_view.apply_default_layout()

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def show_error(self, title: str, exc: BaseException) -> None:
        self.show_message(f"{title}: {exc}")
        if self.interactive and self.isVisible():
            QMessageBox.warning(self, title, str(exc))

    def _update_actions(self) -> None:
        a = self.window_actions
        history = self.session.history if self.session is not None else None
        undo_label = history.undo_label if history is not None else None
        redo_label = history.redo_label if history is not None else None
        a.undo.setText(f"&Undo {undo_label}" if undo_label else "&Undo")
        a.redo.setText(f"&Redo {redo_label}" if redo_label else "&Redo")
        a.undo.setEnabled(undo_label is not None)
        a.redo.setEnabled(redo_label is not None)
        editable = self.session is not None and not self.session.read_only
        for action in (a.add_activity, a.delete_activity, a.add_relationship):
            action.setEnabled(editable)
        for action in (a.save, a.export, a.project_info, a.schedule):
            action.setEnabled(self.session is not None)
        self._update_status()

    def _update_status(self) -> None:
        if self.session is None:
            for label in (self.status_project, self.status_count, self.status_data_date):
                label.setText("")
            self.status_project.setText("No project open")
            return
        data = self.session.data
        self.status_project.setText(f"{data.project.code}  {data.project.name}")
        self.status_count.setText(f"{len(data.activities):,} activities")
        self.status_data_date.setText(f"Data date {format_date(data.project.effective_data_date)}")
        self._update_selection()

    def _update_selection(self, *_: object) -> None:
        count = len(self.activity_view.selected_ids())
        self.status_selection.setText(f"{count} selected" if count else "")

    # -- window state -----------------------------------------------------------------------------------------

    def restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state, _STATE_VERSION)
        splitter = self.settings.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        header = self.settings.value("table/header")
        if isinstance(header, QByteArray):
            self.activity_view.header().restoreState(header)

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(_STATE_VERSION))
        self.settings.setValue("table/header", self.activity_view.header().saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.sync()

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        self.workspace.close()
        super().closeEvent(event)
