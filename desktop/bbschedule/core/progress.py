"""Progress and cancellation for long work, passed as `state` to plain functions (no threads, no Qt)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from bbschedule.core.errors import CancelledError


class Progress:
    """Reports a fraction done and answers whether the planner cancelled. Safe across threads."""

    def __init__(self, on_report: Callable[[float, str], None] | None = None) -> None:
        self._cancel = threading.Event()
        self._on_report = on_report
        self.fraction = 0.0
        self.message = ""

    def report(self, fraction: float, message: str = "") -> None:
        self.fraction = max(0.0, min(1.0, fraction))
        self.message = message or self.message
        if self._on_report is not None:
            self._on_report(self.fraction, self.message)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise CancelledError when cancelled; call it between chunks of work."""
        if self._cancel.is_set():
            raise CancelledError("cancelled")


NO_PROGRESS = Progress()
