"""One helper for every long operation: a plain function `fn(progress)` runs on a thread pool while a progress
dialog with Cancel keeps the window alive; the result or the error comes back on the GUI thread.

The function gets a core Progress, so it is the same function the CLI and the tests call without any Qt.
Tests pass SynchronousPool to run the function in place.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from typing_extensions import override

from bbschedule.core.errors import BBScheduleError, CancelledError
from bbschedule.core.progress import Progress

log = logging.getLogger(__name__)

Work = Callable[[Progress], Any]
_REPORT_INTERVAL = 0.05
"""Seconds between progress signals: enough for a smooth bar without flooding the event queue."""


class Pool(Protocol):
    def start(self, runnable: QRunnable, /) -> None: ...


class SynchronousPool:
    """Runs work in place, on the calling thread: for tests and for the off-screen screenshot."""

    def start(self, runnable: QRunnable, /) -> None:
        runnable.run()


class _Relay(QObject):
    """Lives on the GUI thread; signals emitted from the pool thread are queued to it."""

    sig_progressed = Signal(float, str)
    sig_succeeded = Signal(object)
    sig_failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Work, progress: Progress, relay: _Relay) -> None:
        super().__init__()
        self._work, self._progress, self._relay = work, progress, relay

    @override
    def run(self) -> None:
        try:
            result = self._work(self._progress)
        except BaseException as exc:  # every failure must reach the window, never kill the pool thread
            self._relay.sig_failed.emit(exc)
        else:
            self._relay.sig_succeeded.emit(result)


class TaskRunner(QObject):
    sig_busy_changed = Signal(bool)

    def __init__(self, parent: QWidget, *, pool: Pool | None = None) -> None:
        super().__init__(parent)
        self._window = parent
        self._pool: Pool = pool if pool is not None else QThreadPool.globalInstance()
        self._running: list[tuple[_Relay, QProgressDialog | None, Progress]] = []

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def run(
        self,
        work: Work,
        *,
        title: str,
        on_success: Callable[[Any], None],
        on_failure: Callable[[BaseException], None],
        on_cancel: Callable[[], None] | None = None,
        show_dialog: bool = True,
    ) -> Progress:
        relay = _Relay(self)
        dialog = self._dialog(title) if show_dialog else None
        last = [0.0]

        def report(fraction: float, message: str) -> None:
            now = time.monotonic()
            if now - last[0] >= _REPORT_INTERVAL or fraction >= 1.0:
                last[0] = now
                relay.sig_progressed.emit(fraction, message)

        progress = Progress(on_report=report)
        entry = (relay, dialog, progress)

        def finish() -> None:
            if entry in self._running:
                self._running.remove(entry)
            if dialog is not None:
                dialog.reset()
                dialog.deleteLater()
            relay.deleteLater()
            self.sig_busy_changed.emit(self.busy)

        def succeeded(result: Any) -> None:
            finish()
            on_success(result)

        def failed(exc: BaseException) -> None:
            finish()
            if isinstance(exc, CancelledError):
                (on_cancel or (lambda: None))()
                return
            if isinstance(exc, BBScheduleError):  # expected (a bad file, a loop): the message says it all
                log.info("%s failed: %s", title, exc)
            else:
                log.error("%s failed: %s", title, exc, exc_info=exc)
            on_failure(exc)

        def progressed(fraction: float, message: str) -> None:
            if dialog is not None:
                dialog.setValue(round(fraction * 1000))
                if message:
                    dialog.setLabelText(message)

        relay.sig_progressed.connect(progressed, Qt.ConnectionType.QueuedConnection)
        relay.sig_succeeded.connect(succeeded, Qt.ConnectionType.QueuedConnection)
        relay.sig_failed.connect(failed, Qt.ConnectionType.QueuedConnection)
        if dialog is not None:
            dialog.canceled.connect(progress.cancel)
        self._running.append(entry)
        self.sig_busy_changed.emit(True)
        self._pool.start(_Job(work, progress, relay))
        return progress

    def stop_all(self, *, wait_ms: int = 10_000) -> None:
        """Cancel running work and wait for it to stop (closing the window must not pull the cache from under it)."""
        for _relay, _dialog, progress in self._running:
            progress.cancel()
        if self._running and isinstance(self._pool, QThreadPool):
            self._pool.waitForDone(wait_ms)

    def _dialog(self, title: str) -> QProgressDialog:
        dialog = QProgressDialog(title, "Cancel", 0, 1000, self._window)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(300)  # quick work finishes before a dialog flashes up
        dialog.setValue(0)
        return dialog
