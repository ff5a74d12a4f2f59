"""Help → Diagnostics…, Copy Diagnostics and Open Log Folder: the `doctor` report inside the application.

The checks (telemetry.diagnostics) run on a plain thread because a server check may wait for its timeout; the
result comes back to the dialog through a queued signal.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QColor, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bbschedule.telemetry import locations
from bbschedule.telemetry.diagnostics import DiagnosticsReport, configured_server_dsn, run_diagnostics

COLUMNS = ("Check", "Status", "Found", "Detail")
_FAIL_COLOUR = QColor(190, 30, 30)


def open_log_folder(profile: Path | None) -> bool:
    """Show the profile's log folder in the file manager; False when the desktop refused."""
    folder = locations.log_dir(profile)
    folder.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def copy_diagnostics(profile: Path | None, *, server_dsn: str | None = None) -> DiagnosticsReport:
    """Run the checks and put the text report on the clipboard, ready to paste into a support request."""
    report = run_diagnostics(profile, server_dsn=server_dsn or configured_server_dsn(profile))
    QGuiApplication.clipboard().setText(report.to_text())
    return report


class _Relay(QObject):
    sig_report_ready = Signal(object)
    """The checks finished on the worker thread; the argument is the DiagnosticsReport."""


class DiagnosticsDialog(QDialog):
    sig_report_shown = Signal(object)
    """A report was put on screen; the argument is the DiagnosticsReport."""

    def __init__(self, profile: Path | None, *, server_dsn: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diagnosticsDialog")
        self.setWindowTitle("Diagnostics")
        self.resize(820, 420)
        self.profile = profile
        self.server_dsn = server_dsn or configured_server_dsn(profile)
        self.report: DiagnosticsReport | None = None
        self._relay = _Relay(self)
        self._relay.sig_report_ready.connect(self.show_report)

        layout = QVBoxLayout(self)
        self.summary = QLabel("Running the checks…", self)
        self.summary.setObjectName("diagnosticsSummary")
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.refresh_button = QPushButton("&Run Again", self)
        self.copy_button = QPushButton("&Copy Report", self)
        self.log_button = QPushButton("Open &Log Folder", self)
        for button in (self.refresh_button, self.copy_button, self.log_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.refresh_button.clicked.connect(self.on_refresh_clicked)
        self.copy_button.clicked.connect(self.on_copy_clicked)
        self.log_button.clicked.connect(self.on_log_clicked)
        layout.addWidget(buttons)
        self.on_refresh_clicked()

    def on_refresh_clicked(self) -> None:
        self.refresh_button.setEnabled(False)
        self.copy_button.setEnabled(False)
        self.summary.setText("Running the checks…")
        relay, profile, dsn = self._relay, self.profile, self.server_dsn

        def work() -> None:
            report = run_diagnostics(profile, server_dsn=dsn)
            # RuntimeError: the dialog was closed and deleted while the checks ran.
            with contextlib.suppress(RuntimeError):
                relay.sig_report_ready.emit(report)

        threading.Thread(target=work, name="diagnostics", daemon=True).start()

    def show_report(self, report: DiagnosticsReport) -> None:
        self.report = report
        self.table.setRowCount(len(report.checks))
        for row, check in enumerate(report.checks):
            cells = (check.name, "ok" if check.ok else "FAILED", check.value, check.detail)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if not check.ok:
                    item.setForeground(_FAIL_COLOUR)
                self.table.setItem(row, column, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        if report.ok:
            self.summary.setText("All is well.")
        else:
            self.summary.setText(f"{len(report.reasons)} problem(s): " + "; ".join(report.reasons))
        self.summary.setWordWrap(True)
        self.refresh_button.setEnabled(True)
        self.copy_button.setEnabled(True)
        self.sig_report_shown.emit(report)

    def on_copy_clicked(self) -> None:
        if self.report is not None:
            QGuiApplication.clipboard().setText(self.report.to_text())

    def on_log_clicked(self) -> None:
        open_log_folder(self.profile)


def install_help_menu(window: QMainWindow, *, profile: Path | None) -> list[QAction]:
    """Add Diagnostics…, Copy Diagnostics and Open Log Folder to the window's Help menu (made if missing)."""
    menu = _help_menu(window)
    made: list[QAction] = []

    def add(text: str, name: str, slot: Callable[[], object]) -> None:
        action = QAction(text, window)
        action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())
        made.append(action)

    add("&Diagnostics…", "actionDiagnostics", lambda: DiagnosticsDialog(profile, parent=window).exec())
    add("&Copy Diagnostics", "actionCopyDiagnostics", lambda: _copy_and_tell(window, profile))
    add("Open &Log Folder", "actionOpenLogFolder", lambda: open_log_folder(profile))
    first = menu.actions()[0] if menu.actions() else None
    menu.insertActions(first, made)  # type: ignore[arg-type]  # None appends, as Qt documents
    if first is not None:
        menu.insertSeparator(first)
    return made


def _help_menu(window: QMainWindow) -> QMenu:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "").lower() == "help":
            return menu
    return window.menuBar().addMenu("&Help")


def _copy_and_tell(window: QMainWindow, profile: Path | None) -> None:
    window.setCursor(Qt.CursorShape.WaitCursor)
    try:
        report = copy_diagnostics(profile)
    finally:
        window.unsetCursor()
    problems = "all is well" if report.ok else f"{len(report.reasons)} problem(s)"
    window.statusBar().showMessage(f"Diagnostics copied to the clipboard ({problems}).", 10_000)
