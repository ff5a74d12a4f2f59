"""Long work runs off the GUI thread, reports progress, can be cancelled, and brings failures back."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QWidget

from bbschedule.core.errors import InputFileError
from bbschedule.core.progress import Progress
from bbschedule.ui.worker import SynchronousPool, TaskRunner


@pytest.fixture
def parent(qtbot: Any) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_work_runs_on_a_pool_thread_and_returns_on_the_gui_thread(qtbot: Any, parent: QWidget) -> None:
    runner = TaskRunner(parent, pool=QThreadPool.globalInstance())
    seen: dict[str, Any] = {}

    def work(progress: Progress) -> int:
        seen["worker"] = threading.get_ident()
        for step in range(5):
            progress.report(step / 5, f"step {step}")
        return 42

    def done(result: Any) -> None:
        seen["result"] = result
        seen["callback"] = threading.get_ident()

    runner.run(work, title="Test", on_success=done, on_failure=lambda exc: seen.update(error=exc))
    qtbot.waitUntil(lambda: "result" in seen, timeout=20_000)
    assert seen["result"] == 42
    assert seen["worker"] != threading.get_ident()
    assert seen["callback"] == threading.get_ident()
    qtbot.waitUntil(lambda: not runner.busy)


def test_cancel_stops_the_work(qtbot: Any, parent: QWidget) -> None:
    runner = TaskRunner(parent, pool=QThreadPool.globalInstance())
    started = threading.Event()
    outcome: list[str] = []

    def work(progress: Progress) -> None:
        started.set()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            progress.check()
            time.sleep(0.005)
        outcome.append("ran to the end")

    progress = runner.run(
        work,
        title="Long",
        on_success=lambda _: outcome.append("success"),
        on_failure=lambda exc: outcome.append(f"failure {exc}"),
        on_cancel=lambda: outcome.append("cancelled"),
    )
    assert started.wait(5)
    progress.cancel()
    qtbot.waitUntil(lambda: bool(outcome), timeout=20_000)
    assert outcome == ["cancelled"]


def test_a_failure_reaches_the_callback(qtbot: Any, parent: QWidget) -> None:
    runner = TaskRunner(parent, pool=SynchronousPool())
    errors: list[BaseException] = []

    def work(progress: Progress) -> None:
        raise InputFileError("plan.xer", "not a XER file", line=1)

    runner.run(work, title="Import", on_success=lambda _: None, on_failure=errors.append, show_dialog=False)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], InputFileError)
    assert "plan.xer, line 1" in str(errors[0])


def test_stop_all_cancels_and_waits(qtbot: Any, parent: QWidget) -> None:
    runner = TaskRunner(parent, pool=QThreadPool.globalInstance())
    started = threading.Event()
    finished = threading.Event()

    def work(progress: Progress) -> None:
        started.set()
        try:
            while True:
                progress.check()
                time.sleep(0.005)
        finally:
            finished.set()

    runner.run(work, title="Long", on_success=lambda _: None, on_failure=lambda _: None, show_dialog=False)
    assert started.wait(10)
    runner.stop_all()
    assert finished.is_set()  # stopped before stop_all returned
