"""The clean-shutdown marker: a start writes it, a clean exit removes it, so the next start knows of a crash.

Every edit is already written through to the local cache (storage), so after an unclean exit nothing is lost; the
next start tells the planner so, names the log, and offers to reopen what was open (the marker remembers it).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)

MARKER_NAME = "running.json"


@dataclass(frozen=True)
class PreviousRun:
    """A run of this profile that did not exit cleanly (or is still running, when alive is True)."""

    pid: int
    started: str
    version: str
    open_project: str | None
    alive: bool


class RunMarker:
    def __init__(self, folder: Path) -> None:
        self.path = folder / MARKER_NAME
        self._owned = False

    def read(self) -> PreviousRun | None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            pid = int(raw["pid"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            # A marker cut short by the crash itself still means the last run did not finish cleanly.
            return PreviousRun(pid=-1, started="unknown", version="unknown", open_project=None, alive=False)
        return PreviousRun(
            pid=pid,
            started=str(raw.get("started", "unknown")),
            version=str(raw.get("version", "unknown")),
            open_project=raw.get("open_project"),
            alive=pid != os.getpid() and _pid_alive(pid),
        )

    def start(self, *, version: str) -> PreviousRun | None:
        """Write this run's marker; returns the previous run if it did not exit cleanly (or is still running)."""
        previous = self.read()
        if previous is not None and previous.alive:
            log.warning("profile already in use by process %s (started %s)", previous.pid, previous.started)
            return previous
        if previous is not None:
            log.warning("the previous run (pid %s, started %s) did not exit cleanly", previous.pid, previous.started)
        self._write({"pid": os.getpid(), "started": datetime.now().isoformat(timespec="seconds"), "version": version})
        self._owned = True
        return previous

    def note_open_project(self, project_id: str | None) -> None:
        """Remember what is open, so that recovery after a crash can reopen it."""
        if not self._owned:
            return
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # Removed or damaged under us: write this run's marker afresh rather than fail in a GUI slot.
            raw = {"pid": os.getpid(), "started": datetime.now().isoformat(timespec="seconds"), "version": "unknown"}
        raw["open_project"] = project_id
        self._write(raw)

    def mark_clean_exit(self) -> None:
        if self._owned:
            self.path.unlink(missing_ok=True)
            self._owned = False

    def _write(self, raw: dict[str, object]) -> None:
        # Write then rename, so that a crash while writing leaves the old marker, never half a file.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(raw), encoding="utf-8")
        os.replace(tmp, self.path)


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        process = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not process:
            return False
        ctypes.windll.kernel32.CloseHandle(process)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
