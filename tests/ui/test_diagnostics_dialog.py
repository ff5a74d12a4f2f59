"""The Diagnostics dialog, Copy Diagnostics, Open Log Folder and the About box, on real widgets off screen."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMainWindow, QMenu
from pytestqt.qtbot import QtBot

from bbschedule import __version__
from bbschedule.telemetry import locations
from bbschedule.ui.about_dialog import AboutDialog
from bbschedule.ui.diagnostics_dialog import (
    DiagnosticsDialog,
    copy_diagnostics,
    install_help_menu,
    open_log_folder,
)


class _UrlCatcher(QObject):
    """Qt's own hook for a URL scheme: QDesktopServices hands file:// URLs here instead of the file manager."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def catch(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def caught_urls() -> Iterator[_UrlCatcher]:
    catcher = _UrlCatcher()
    # The stubs say bytes; PySide6 6.11 accepts only str at run time.
    QDesktopServices.setUrlHandler("file", catcher, "catch")  # type: ignore[arg-type]
    yield catcher
    QDesktopServices.unsetUrlHandler("file")


def _cell(dialog: DiagnosticsDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    assert item is not None
    return item.text()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_dialog_shows_every_check(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = DiagnosticsDialog(tmp_path)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.sig_report_shown, timeout=20_000) as shown:
        pass
    report = shown.args[0] if shown.args else dialog.report
    assert report is not None
    assert dialog.table.rowCount() == len(report.checks)
    names = [_cell(dialog, row, 0) for row in range(dialog.table.rowCount())]
    assert names[:4] == ["data folder", "log folder", "local cache", "schema version"]
    assert dialog.summary.text() == "All is well."
    assert dialog.copy_button.isEnabled()


def test_a_failing_check_is_named_in_the_summary(qtbot: QtBot, tmp_path: Path) -> None:
    dsn = f"host=127.0.0.1 port={_closed_port()} dbname=bbs user=planner password=hunter2 connect_timeout=2"
    dialog = DiagnosticsDialog(tmp_path, server_dsn=dsn)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20_000)
    assert "1 problem(s): server: unreachable" in dialog.summary.text()
    server_row = next(r for r in range(dialog.table.rowCount()) if _cell(dialog, r, 0) == "server")
    assert _cell(dialog, server_row, 1) == "FAILED"
    assert "hunter2" not in _cell(dialog, server_row, 2)
    dialog.on_copy_clicked()
    assert "[FAIL] server" in QGuiApplication.clipboard().text()


def test_copy_diagnostics_puts_the_report_on_the_clipboard(qtbot: QtBot, tmp_path: Path) -> None:
    QGuiApplication.clipboard().setText("something else")
    report = copy_diagnostics(tmp_path)
    text = QGuiApplication.clipboard().text()
    assert text == report.to_text()
    assert text.startswith("BBSchedule diagnostics")
    assert str(locations.log_dir(tmp_path)) in text


def test_open_log_folder_asks_the_desktop_for_the_profile_log_folder(
    qtbot: QtBot, tmp_path: Path, caught_urls: _UrlCatcher
) -> None:
    assert open_log_folder(tmp_path)
    [url] = caught_urls.urls
    assert Path(url.toLocalFile()) == locations.log_dir(tmp_path)
    assert Path(url.toLocalFile()).is_dir()


def test_the_help_menu_gains_the_three_actions(qtbot: QtBot, tmp_path: Path, caught_urls: _UrlCatcher) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    help_menu = window.menuBar().addMenu("&Help")
    about = help_menu.addAction("&About BBSchedule")
    made = install_help_menu(window, profile=tmp_path)
    texts = [action.text() for action in help_menu.actions() if not action.isSeparator()]
    assert texts == ["&Diagnostics…", "&Copy Diagnostics", "Open &Log Folder", about.text()]
    by_name = {action.objectName(): action for action in made}
    by_name["actionCopyDiagnostics"].trigger()
    assert QGuiApplication.clipboard().text().startswith("BBSchedule diagnostics")
    assert window.statusBar().currentMessage().startswith("Diagnostics copied to the clipboard")
    by_name["actionOpenLogFolder"].trigger()
    assert [Path(url.toLocalFile()) for url in caught_urls.urls] == [locations.log_dir(tmp_path)]


def test_the_about_box_names_the_versions(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = AboutDialog(tmp_path)
    qtbot.addWidget(dialog)
    labels = dict(dialog.rows)
    assert labels["PySide6"].startswith("6.")
    assert labels["Qt runtime"].startswith("6.")
    assert labels["Log folder"] == str(locations.log_dir(tmp_path))
    dialog.on_copy_clicked()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(f"BBSchedule {__version__}")
    assert "SQLAlchemy: 2." in copied


def test_the_main_window_help_menu_offers_diagnostics_and_about(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from bbschedule.ui.application import settings_for
    from bbschedule.ui.main_window import MainWindow
    from bbschedule.ui.worker import SynchronousPool
    from bbschedule.ui.workspace import Workspace

    profile = tmp_path / "profile"
    window = MainWindow(Workspace(profile), settings=settings_for(profile), pool=SynchronousPool())
    qtbot.addWidget(window)
    [help_menu] = [a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Help"]
    assert isinstance(help_menu, QMenu)
    texts = [a.text().replace("&", "") for a in help_menu.actions() if not a.isSeparator()]
    for expected in ("Diagnostics…", "Copy Diagnostics", "Open Log Folder", "About BBSchedule"):
        assert expected in texts
    seen: list[str] = []

    def close_modal() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        seen.append(dialog.objectName())
        dialog.close()

    QTimer.singleShot(0, close_modal)
    window.on_about_triggered()
    assert seen == ["aboutDialog"]
