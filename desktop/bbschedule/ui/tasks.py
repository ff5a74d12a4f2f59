"""The window's long operations: import into the cache, schedule, export, and the import report.

Each runs through the TaskRunner (off the GUI thread, with progress and Cancel) and reports back to the window.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from bbschedule.core.errors import BBScheduleError, ValidationError
from bbschedule.core.progress import Progress
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.fidelity import FidelityReport
from bbschedule.formats.registry import ImportResult
from bbschedule.services.scheduling import ScheduleWithPaths, driving_path, schedule_with_float_paths
from bbschedule.services.session import ProjectSession
from bbschedule.ui.formatting import format_date
from bbschedule.ui.workspace import Imported, snapshot

if TYPE_CHECKING:
    from bbschedule.ui.main_window import MainWindow

IMPORT_FILTER = "Schedules (*.xer *.xml *.pmxml *.xlsx *.json);;All files (*)"


def _summary(run: ScheduleWithPaths) -> str:
    result = run.result
    warnings = f"{len(result.warnings)} warning{'' if len(result.warnings) == 1 else 's'}"
    text = f"finish {format_date(result.finish)}, {warnings}, {result.elapsed_ms:.0f} ms"
    if run.problem is not None:
        return f"{text}; float paths not computed: {run.problem}"
    if run.float_paths is not None:
        paths = len({number for number, _ in run.float_paths.values()})
        text += f", {paths} float paths (columns Float Path and Float Path Order)"
    return text


class ProjectTasks:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.last_report: FidelityReport | None = None
        self.last_error: BaseException | None = None
        """Why the last import failed (None once one succeeds)."""

    def import_path(self, path: Path, *, open_after: bool = True, replace: bool = False) -> None:
        """Import a schedule file into the local cache off the GUI thread, then open it.

        The file is read first; when it holds several projects the planner chooses one, then it is stored.
        """
        win = self.window

        def read(outcome: object) -> None:
            result = cast(ImportResult, outcome)
            data = self._choose_project(result, path)
            if data is None:
                win.show_message("Import cancelled")
                return
            self._store(result, data, path, open_after=open_after, replace=replace)

        win.runner.run(
            lambda progress: win.workspace.read_file(path, progress),
            title=f"Reading {path.name}",
            on_success=read,
            on_failure=lambda exc: self._import_failed(path, exc),
            on_cancel=lambda: win.show_message("Import cancelled"),
        )

    def _choose_project(self, result: ImportResult, path: Path) -> ProjectData | None:
        """The project to import: the only one, else the planner's choice (the largest is offered first)."""
        if len(result.projects) < 2 or not self.window.interactive:
            return result.pick()
        ordered = sorted(result.projects, key=lambda p: len(p.activities), reverse=True)
        labels = [f"{p.project.code} — {p.project.name} ({len(p.activities)} activities)" for p in ordered]
        label, ok = QInputDialog.getItem(
            self.window, "Import", f"{path.name} holds {len(ordered)} projects. Import:", labels, 0, False
        )
        return ordered[labels.index(label)] if ok else None

    def _store(self, result: ImportResult, data: ProjectData, path: Path, *, open_after: bool, replace: bool) -> None:
        win = self.window

        def done(outcome: object) -> None:
            imported = cast(Imported, outcome)
            self.last_report, self.last_error = imported.report, None
            findings = len(imported.report.items)
            note = f" ({findings} findings: File › Fidelity Report)" if findings else ""
            win.show_message(f"Imported {imported.code} from {path.name}{note}")
            win.refresh_catalog()
            if open_after:
                win.open_project(imported.project_id)
                if win.session is not None and not win.session.data.computed:
                    self.schedule()  # a file without dates: show them at once, as P6 does after F9
            win.update_actions()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError) and exc.field == "project" and not replace and self._ask_replace(exc):
                self._store(result, data, path, open_after=open_after, replace=True)
                return
            self._import_failed(path, exc)

        win.runner.run(
            lambda progress: win.workspace.store(result, data, path, progress, replace=replace),
            title=f"Importing {data.project.code}",
            on_success=done,
            on_failure=failed,
            on_cancel=lambda: win.show_message("Import cancelled"),
        )

    def _import_failed(self, path: Path, exc: BaseException) -> None:
        win = self.window
        self.last_error = exc
        win.show_error(f"Could not import {path.name}", exc)
        if win.session is None:
            win.open_largest_project()

    def _ask_replace(self, exc: ValidationError) -> bool:
        if not self.window.interactive:
            return False
        answer = QMessageBox.question(
            self.window,
            "Project exists",
            f"{exc.message}.\n\nReplace the cached project with the file? Edits made since are lost.",
        )
        return answer == QMessageBox.StandardButton.Yes

    def load_rest(self, session: ProjectSession) -> None:
        """Read the rest of a project just painted (its relationships) on a thread; the session takes them when
        read, or at the planner's first edit, which waits for them."""
        win = self.window
        later = win.workspace.start_loading(session.project_id)
        if later is None or not session.loading:
            return
        win.show_message("Loading relationships… (an edit now waits for them)")
        poll = QTimer(win)
        poll.setInterval(25)

        def check() -> None:
            if later.done() or not session.loading:
                poll.stop()
                poll.deleteLater()
                try:
                    session.ensure_loaded()
                except BBScheduleError as exc:
                    win.show_error("Could not read the project's relationships", exc)
                    return
                if win.session is session:
                    win.show_message(f"{session.data.project.code}: {len(session.data.relationships):,} relationships")

        poll.timeout.connect(check)
        poll.start()

    def schedule(self) -> None:
        """Schedule the open project off the GUI thread; the dates arrive as a (non-undoable) scheduling result."""
        win = self.window
        session = win.session
        if session is None or win.runner.busy:
            return
        session.ensure_loaded()  # the logic must be whole before it is scheduled
        # Copied here, on the GUI thread: an edit made while the pool thread schedules cannot change what it reads.
        data = snapshot(session.data)

        def done(outcome: object) -> None:
            run = cast(ScheduleWithPaths, outcome)
            if win.session is session:
                # the paths first: the session's notice of new dates repaints (or re-sorts) the rows with them
                win.activity_model.set_float_paths(run.float_paths or {})
                session.set_computed(run.result.computed())
                win.show_message(f"Scheduled {data.project.code}: {_summary(run)}")

        win.runner.run(
            lambda progress: schedule_with_float_paths(data, progress=progress),
            title=f"Scheduling {data.project.code}",
            on_success=done,
            on_failure=lambda exc: win.show_error("Could not schedule", exc),
            on_cancel=lambda: win.show_message("Scheduling cancelled"),
        )

    def show_driving_path(self, activity_id: str) -> None:
        """Select the activities that drive this one's dates (off the GUI thread: it schedules a snapshot)."""
        win = self.window
        session = win.session
        if session is None or win.runner.busy or activity_id not in session.data.activities:
            return
        session.ensure_loaded()
        data = snapshot(session.data)
        code = data.activities[activity_id].code

        def done(outcome: object) -> None:
            path = [a for a in cast(list[str], outcome) if a in session.data.activities]
            if win.session is session:
                win.activity_view.select_ids(path)
                win.show_message(f"Driving path to {code}: {len(path)} activities, selected in the table and the Gantt")

        win.runner.run(
            lambda progress: driving_path(data, activity_id, progress=progress),
            title=f"Tracing the driving path to {code}",
            on_success=done,
            on_failure=lambda exc: win.show_error("Could not trace the driving path", exc),
            on_cancel=lambda: win.show_message("Cancelled"),
        )

    def ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open or import a schedule", "", IMPORT_FILTER)
        if path:
            self.import_path(Path(path))

    def ask_export(self) -> None:
        win = self.window
        if win.session is None:
            return
        suggested = f"{win.session.data.project.code}.bbs.json"
        path, _ = QFileDialog.getSaveFileName(win, "Export project", suggested, IMPORT_FILTER)
        if path:
            self.export(Path(path))

    def export(self, path: Path) -> None:
        """Write the open project to a file off the GUI thread (a large XER or PDF takes seconds)."""
        win = self.window
        if win.session is None:
            return
        win.session.ensure_loaded()
        data = snapshot(win.session.data)

        def write(progress: Progress) -> FidelityReport:
            from bbschedule.formats.registry import write_file

            progress.report(0.1, f"Writing {path.name}…")
            return write_file(data, path)

        def done(outcome: object) -> None:
            report = cast(FidelityReport, outcome)
            self.last_report = report
            findings = len(report.items)
            note = f", {findings} findings: File › Fidelity Report" if findings else ""
            win.show_message(f"Exported {data.project.code} to {path} ({report.format}{note})")
            win.update_actions()

        win.runner.run(
            write,
            title=f"Exporting {data.project.code}",
            on_success=done,
            on_failure=lambda exc: win.show_error("Could not export", exc),
        )

    def show_report(self) -> None:
        if self.last_report is None:
            return
        from bbschedule.ui.fidelity_dialog import FidelityDialog

        FidelityDialog(self.last_report, self.window).exec()
