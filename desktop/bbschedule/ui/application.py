"""Starts the Qt application: settings, style, the main window, the first-start sample, and the off-screen
screenshot of `--screenshot OUT.png`.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, QSettings, QSize, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from bbschedule import __version__
from bbschedule.telemetry.runtime import TelemetryRuntime
from bbschedule.ui.crash_dialog import attach_telemetry
from bbschedule.ui.main_window import MainWindow
from bbschedule.ui.resources import icon, sample_projects, style_sheet
from bbschedule.ui.sync_controller import install_sync
from bbschedule.ui.worker import Pool, SynchronousPool
from bbschedule.ui.workspace import Workspace

log = logging.getLogger(__name__)
_qt_log = logging.getLogger("bbschedule.qt")

ORGANISATION = "BBSchedule"
APPLICATION = "BBSchedule"
SCREENSHOT_SIZE = QSize(1600, 900)
EXIT_BAD_INPUT = 2
"""As the CLI's: an unreadable file or folder, named in the message (DESIGN.md section 5)."""


def _qt_message(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's own warnings go to our log (and its file), not to the planner's terminal."""
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
    }.get(mode, logging.ERROR)
    _qt_log.log(level, "%s (%s)", message, context.category or "qt")


def make_application() -> QApplication:
    qInstallMessageHandler(_qt_message)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(icon("app"))
    app.setStyle("Fusion")
    font = QFont()
    font.setFamilies(["Segoe UI", "Noto Sans", "DejaVu Sans"])
    font.setPointSizeF(9.0)
    app.setFont(font)
    app.setStyleSheet(style_sheet())
    return app


def settings_for(profile: Path | None) -> QSettings:
    """Per-profile settings in the profile folder (so profiles and tests never share), else the user's."""
    if profile is None:
        return QSettings()
    profile.mkdir(parents=True, exist_ok=True)
    return QSettings(str(profile / "window.ini"), QSettings.Format.IniFormat)


def build_window(
    *,
    profile: Path | None,
    open_path: Path | None,
    pool: Pool | None = None,
    workspace: Workspace | None = None,
    interactive: bool = True,
) -> MainWindow:
    """The window with its projects loading: the file asked for, else the largest cached one, else the sample."""
    window = make_window(profile=profile, pool=pool, workspace=workspace, interactive=interactive)
    load_projects(window, open_path=open_path)
    return window


def make_window(
    *, profile: Path | None, pool: Pool | None = None, workspace: Workspace | None = None, interactive: bool = True
) -> MainWindow:
    workspace = workspace if workspace is not None else Workspace(profile)
    window = MainWindow(workspace, settings=settings_for(profile), pool=pool)
    window.interactive = interactive
    return window


def load_projects(window: MainWindow, *, open_path: Path | None) -> None:
    if open_path is not None:
        window.import_path(open_path)
    elif window.workspace.is_empty():
        samples = sample_projects()
        if samples:
            window.import_path(samples[0])
        else:
            log.warning("no sample project found under resources/samples")
    else:
        window.open_largest_project()
    window.refresh_catalog()


def run(
    *,
    profile: Path | None,
    open_path: Path | None,
    screenshot: Path | None,
    telemetry: TelemetryRuntime | None = None,
) -> int:
    if screenshot is not None:
        # The screenshot is rendered off screen: it must work on a server with no display.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = make_application()
    try:
        if screenshot is not None:
            window = build_window(profile=profile, open_path=open_path, pool=SynchronousPool(), interactive=False)
            settle(window)
            if window.tasks.last_error is not None:  # the file asked for could not be read: say so, draw nothing
                print(f"bbschedule: {window.tasks.last_error}", file=sys.stderr)
                return EXIT_BAD_INPUT
            return write_screenshot(window, screenshot)
        window = make_window(profile=profile)
    except OSError as exc:
        print(f"bbschedule: cannot use the profile folder {profile}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    # Shown first, then loaded: the planner sees the window (and any progress dialog) at once.
    window.restore_settings()
    window.show()
    if telemetry is not None:
        # Kept on the window: the presenter must live as long as it does (it may offer to reopen a project).
        window.crash_presenter = attach_telemetry(window, telemetry)
    install_sync(window)  # parented to the window: the Sync menu, the status indicator, background sync
    window.start_scheduled_backups()
    if open_path is not None or window.session is None:  # unless recovery reopened the project already
        load_projects(window, open_path=open_path)
    return app.exec()


def settle(window: MainWindow, *, rounds: int = 20) -> None:
    """Deliver the queued results of work already run (an import, then the schedule it starts)."""
    for _ in range(rounds):
        QApplication.processEvents()
        if not window.runner.busy:
            QApplication.processEvents()
            return


def write_screenshot(window: MainWindow, path: Path) -> int:
    """Render the window off screen as a planner first sees it: groups open, a few activities selected."""
    window.resize(SCREENSHOT_SIZE)
    if window.session is not None:
        window.session.ensure_loaded()  # the whole project, links included, not its first frame
    window.show()
    window.activity_view.expand_all()
    activities = sorted(window.session.data.activities.values(), key=lambda a: a.code) if window.session else []
    window.activity_view.select_ids([a.id for a in activities[4:7]])
    window.activity_view.scrollToTop()
    QApplication.processEvents()
    image = window.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        print(f"bbschedule: could not write {path}", file=sys.stderr)
        return 1
    window.close()
    return 0
