"""What the planner sees when something breaks: the crash dialog, and the recovery notice after an unclean exit.

attach_telemetry() wires a window to the TelemetryRuntime: crash callbacks (flush the open session, then show the
dialog on the GUI thread), the open project remembered in the clean-shutdown marker, and the notice at start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bbschedule.telemetry.crash import CrashHandler, CrashReport
from bbschedule.telemetry.recovery import PreviousRun
from bbschedule.telemetry.runtime import TelemetryRuntime

log = logging.getLogger(__name__)

SAVED_NOTE = "Your edits are safe: each one was written to the local cache as you made it."


class CrashDialog(QDialog):
    def __init__(self, report: CrashReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle("BBSchedule hit an unexpected error")
        self.report = report
        self.more_count = 0
        layout = QVBoxLayout(self)
        where = str(report.log_file) if report.log_file is not None else "no log file (logging was not set up)"
        self.message = QLabel(self)
        self.message.setObjectName("crashMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setText(
            f"<p><b>{_escape(report.summary)}</b></p>"
            f"<p>in {_escape(report.where)} (thread {_escape(report.thread)}).</p>"
            f"<p>{SAVED_NOTE} You may carry on, or quit and start again.</p>"
            f"<p>The details are in the log: <code>{_escape(where)}</code></p>"
        )
        layout.addWidget(self.message)
        self.details = QPlainTextEdit(report.traceback, self)
        self.details.setObjectName("crashDetails")
        self.details.setReadOnly(True)
        self.details.setVisible(False)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(self)
        self.continue_button = buttons.addButton("&Continue", QDialogButtonBox.ButtonRole.RejectRole)
        self.quit_button = buttons.addButton("&Quit", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.details_button = QPushButton("Show &Details", self)
        self.copy_button = QPushButton("&Copy Details", self)
        self.log_button = QPushButton("Open &Log Folder", self)
        for button in (self.details_button, self.copy_button, self.log_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.log_button.setEnabled(report.log_file is not None)
        self.continue_button.clicked.connect(self.reject)
        self.quit_button.clicked.connect(self.on_quit_clicked)
        self.details_button.clicked.connect(self.on_details_clicked)
        self.copy_button.clicked.connect(self.on_copy_clicked)
        self.log_button.clicked.connect(self.on_log_clicked)
        layout.addWidget(buttons)

    def note_another(self, report: CrashReport) -> None:
        """A further error while this dialog is open: count it rather than stack dialogs."""
        self.more_count += 1
        self.details.appendPlainText(f"\n--- and then ---\n{report.traceback}")
        self.setWindowTitle(f"BBSchedule hit {self.more_count + 1} unexpected errors")

    def details_text(self) -> str:
        where = self.report.log_file or "no log file"
        return f"{self.report.summary}\nat {self.report.where}\nlog: {where}\n\n{self.details.toPlainText()}"

    def on_details_clicked(self) -> None:
        shown = not self.details.isVisible()
        self.details.setVisible(shown)
        self.details_button.setText("Hide &Details" if shown else "Show &Details")

    def on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())

    def on_log_clicked(self) -> None:
        if self.report.log_file is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.report.log_file.parent)))

    def on_quit_clicked(self) -> None:
        self.done(QDialog.DialogCode.Accepted)
        app = QGuiApplication.instance()
        if app is not None:
            app.quit()


class CrashPresenter(QObject):
    """Receives crash reports from any thread and shows one dialog at a time on the GUI thread."""

    sig_crash_reported = Signal(object)
    """An unhandled exception was logged; the argument is the CrashReport (emitted from any thread)."""

    def __init__(self, parent_widget: Callable[[], QWidget | None], *, modal: bool = True) -> None:
        super().__init__()
        self._parent_widget = parent_widget
        self._modal = modal
        self.dialog: CrashDialog | None = None
        self.sig_crash_reported.connect(self.on_crash_reported, Qt.ConnectionType.QueuedConnection)

    def attach(self, handler: CrashHandler) -> Callable[[], None]:
        return handler.add_callback(self.sig_crash_reported.emit)

    def on_crash_reported(self, report: CrashReport) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.note_another(report)
            return
        self.dialog = CrashDialog(report, self._parent_widget())
        self.dialog.setModal(self._modal)
        self.dialog.show()


def recovery_notice(previous: PreviousRun, *, log_dir: Path, parent: QWidget | None = None) -> QMessageBox:
    """The message after an unclean exit; a "Reopen" button when the marker remembers an open project."""
    box = QMessageBox(parent)
    box.setObjectName("recoveryNotice")
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle("BBSchedule did not close properly")
    box.setText(
        f"The last session (started {previous.started}, version {previous.version}) ended without closing "
        f"cleanly.\n\n{SAVED_NOTE}"
    )
    box.setInformativeText(f"What happened is in the log folder:\n{log_dir}")
    if previous.open_project:
        box.addButton("&Reopen Project", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Not Now", QMessageBox.ButtonRole.RejectRole)
    else:
        box.addButton(QMessageBox.StandardButton.Ok)
    return box


def attach_telemetry(window: Any, runtime: TelemetryRuntime, *, show_notice: bool = True) -> CrashPresenter:
    """Wire the main window to telemetry (see the module docstring); returns the presenter (keep it alive)."""
    presenter = CrashPresenter(lambda: window)

    def flush_session(_report: CrashReport) -> None:
        # Every edit is already in the cache; this flushes whatever a store may still buffer.
        session = getattr(window, "session", None)
        store = getattr(session, "store", None)
        if store is not None:
            store.flush()

    runtime.crash_handler.add_callback(flush_session)
    presenter.attach(runtime.crash_handler)
    marker = runtime.marker
    signal = getattr(window, "sig_project_opened", None)
    if marker is not None and signal is not None:
        signal.connect(marker.note_open_project)
    previous = runtime.previous_run
    if show_notice and previous is not None and runtime.unclean_exit:
        box = recovery_notice(previous, log_dir=runtime.log_dir, parent=window)
        box.exec()
        reopen = box.clickedButton() is not None and box.buttonRole(box.clickedButton()) == (
            QMessageBox.ButtonRole.AcceptRole
        )
        if reopen and previous.open_project and hasattr(window, "open_project"):
            try:
                window.open_project(previous.open_project)
            except Exception:
                log.exception("could not reopen project %s after an unclean exit", previous.open_project)
    return presenter


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
