"""Unhandled exceptions, in the main thread or any other: logged with their traceback, then handed to callbacks.

The callbacks are the application's business: flush the local cache, then show the crash dialog (ui/crash_dialog).
A failing callback is logged and never hides the original error.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

from bbschedule.telemetry.logging_setup import current_log_file

log = logging.getLogger("bbschedule.crash")


@dataclass(frozen=True)
class CrashReport:
    """An unhandled exception as the planner (summary) and support (traceback, log file) see it."""

    exc_type: str
    message: str
    traceback: str
    thread: str
    where: str
    when: datetime
    log_file: Path | None

    @property
    def summary(self) -> str:
        return f"{self.exc_type}: {self.message}" if self.message else self.exc_type


CrashCallback = Callable[[CrashReport], None]


class CrashHandler:
    """Installs sys.excepthook and threading.excepthook; uninstall() restores the previous hooks."""

    def __init__(self) -> None:
        self.callbacks: list[CrashCallback] = []
        self.reports: list[CrashReport] = []
        self._previous_sys = sys.excepthook
        self._previous_threading = threading.excepthook
        self._installed = False

    def install(self) -> CrashHandler:
        if not self._installed:
            self._previous_sys = sys.excepthook
            self._previous_threading = threading.excepthook
            sys.excepthook = self._on_sys_exception
            threading.excepthook = self._on_thread_exception
            self._installed = True
        return self

    def uninstall(self) -> None:
        if self._installed:
            sys.excepthook = self._previous_sys
            threading.excepthook = self._previous_threading
            self._installed = False

    def add_callback(self, callback: CrashCallback) -> Callable[[], None]:
        self.callbacks.append(callback)
        return lambda: self.callbacks.remove(callback)

    def handle(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
        *,
        thread_name: str,
    ) -> CrashReport:
        """Log the exception and run the callbacks; returns the report (also kept in self.reports)."""
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.critical("unhandled exception in thread %s\n%s", thread_name, text.rstrip())
        report = CrashReport(
            exc_type=exc_type.__name__,
            message=str(exc),
            traceback=text,
            thread=thread_name,
            where=_innermost_frame(tb),
            when=datetime.now(),
            log_file=current_log_file(),
        )
        self.reports.append(report)
        for callback in list(self.callbacks):
            try:
                callback(report)
            except Exception:
                log.exception("crash callback %r failed", callback)
        for handler in logging.getLogger().handlers:
            handler.flush()
        return report

    def _on_sys_exception(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_sys(exc_type, exc, tb)
            return
        self.handle(exc_type, exc, tb, thread_name=threading.current_thread().name)

    def _on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "unknown thread"
        self.handle(args.exc_type, args.exc_value, args.exc_traceback, thread_name=name)


def install_crash_handler() -> CrashHandler:
    return CrashHandler().install()


def _innermost_frame(tb: TracebackType | None) -> str:
    if tb is None:
        return "unknown"
    frames = traceback.extract_tb(tb)
    last = frames[-1]
    return f"{Path(last.filename).name}:{last.lineno} in {last.name}"
