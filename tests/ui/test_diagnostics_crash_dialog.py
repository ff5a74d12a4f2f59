"""An exception escaping a slot or a worker thread shows the crash dialog on the GUI thread; after an unclean
exit the next start says so and offers to reopen the project that was open."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox
from pytestqt.qtbot import QtBot

from bbschedule.telemetry.crash import CrashHandler
from bbschedule.telemetry.logging_setup import configure_logging, remove_logging
from bbschedule.telemetry.observability import disable_observability
from bbschedule.telemetry.recovery import RunMarker
from bbschedule.telemetry.runtime import start_telemetry
from bbschedule.ui.crash_dialog import SAVED_NOTE, CrashPresenter, attach_telemetry

pytestmark = pytest.mark.qt_no_exception_capture


@pytest.fixture
def handler(tmp_path: Path) -> Iterator[CrashHandler]:
    configure_logging(folder=tmp_path / "logs")
    installed = CrashHandler().install()
    yield installed
    installed.uninstall()
    remove_logging()


def _broken_slot() -> None:
    raise LookupError("activity A1030 vanished")


def test_an_error_in_a_slot_shows_the_dialog(qtbot: QtBot, tmp_path: Path, handler: CrashHandler) -> None:
    presenter = CrashPresenter(lambda: None, modal=False)
    presenter.attach(handler)
    QTimer.singleShot(0, _broken_slot)
    qtbot.waitUntil(lambda: presenter.dialog is not None and presenter.dialog.isVisible(), timeout=5_000)
    dialog = presenter.dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    text = dialog.message.text()
    assert "LookupError: activity A1030 vanished" in text
    assert "in _broken_slot" in text
    assert str(tmp_path / "logs" / "bbschedule.log") in text
    assert SAVED_NOTE in text
    assert "raise LookupError" in dialog.details.toPlainText()
    assert "LookupError: activity A1030 vanished" in (tmp_path / "logs" / "bbschedule.log").read_text(encoding="utf-8")
    dialog.on_copy_clicked()
    assert "activity A1030 vanished" in QApplication.clipboard().text()


def test_errors_from_worker_threads_reach_the_gui_thread_once(
    qtbot: QtBot, tmp_path: Path, handler: CrashHandler
) -> None:
    presenter = CrashPresenter(lambda: None, modal=False)
    presenter.attach(handler)
    shown_on: list[bool] = []
    presenter.sig_crash_reported.connect(
        lambda _report: shown_on.append(threading.current_thread() is threading.main_thread())
    )
    workers = [threading.Thread(target=lambda n=n: 1 / (n - n), name=f"worker-{n}") for n in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    qtbot.waitUntil(lambda: presenter.dialog is not None and presenter.dialog.more_count == 2, timeout=5_000)
    assert presenter.dialog is not None
    qtbot.addWidget(presenter.dialog)
    assert "3 unexpected errors" in presenter.dialog.windowTitle()
    assert presenter.dialog.report.thread.startswith("worker-")


class _Window(QMainWindow):
    sig_project_opened = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    def open_project(self, project_id: str) -> None:
        self.opened.append(project_id)


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_after_an_unclean_exit_the_next_start_offers_to_reopen(qtbot: QtBot, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    profile.mkdir()
    crashed = RunMarker(profile)
    crashed.start(version="0.0.9")
    crashed.note_open_project("project-42")
    # Pretend that run was another process, now dead (as after a kill or a power cut).
    marker_file = crashed.path
    marker_file.write_text(marker_file.read_text().replace(f'"pid": {os.getpid()}', f'"pid": {_dead_pid()}'))

    runtime = start_telemetry(profile, gui=True)
    try:
        assert runtime.unclean_exit
        window = _Window()
        qtbot.addWidget(window)

        def click_reopen() -> None:
            box = QApplication.activeModalWidget()
            assert isinstance(box, QMessageBox)
            assert "did not close properly" in box.windowTitle()
            assert str(runtime.log_dir) in box.informativeText()
            [reopen] = [b for b in box.buttons() if b.text() == "&Reopen Project"]
            reopen.click()

        QTimer.singleShot(0, click_reopen)
        attach_telemetry(window, runtime)
        assert window.opened == ["project-42"]
        # The window now tells the marker what is open, for the next recovery.
        window.sig_project_opened.emit("project-43")
        assert '"open_project": "project-43"' in marker_file.read_text()
    finally:
        runtime.shutdown()
        remove_logging()
        disable_observability()
    assert not marker_file.exists(), "a clean shutdown removes the marker"
