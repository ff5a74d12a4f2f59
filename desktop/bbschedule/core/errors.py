"""Errors the core raises; every layer above maps them to messages and exit codes."""

from __future__ import annotations

from collections.abc import Sequence


class BBScheduleError(Exception):
    """Base of every error BBSchedule raises on purpose."""


class ValidationError(BBScheduleError, ValueError):
    """A value that the model refuses, naming the field that holds it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class LogicLoopError(BBScheduleError):
    """The relationships form a loop; `codes` names the activities in it, in order."""

    def __init__(self, codes: Sequence[str]) -> None:
        self.codes = list(codes)
        super().__init__("logic loop: " + " -> ".join([*self.codes, self.codes[0]] if self.codes else []))


class InputFileError(BBScheduleError):
    """A file that cannot be read, naming the file and where in it."""

    def __init__(self, path: str, message: str, *, line: int | None = None, field: str | None = None) -> None:
        where = path
        if line is not None:
            where += f", line {line}"
        if field is not None:
            where += f", field {field}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.field = field
        self.message = message


class CancelledError(BBScheduleError):
    """Long work stopped because the planner asked for it."""
