"""The window's door to the projects of a profile: list, open, import. It calls services only.

Import runs as a plain function with a Progress (the TaskRunner puts it on a pool thread).
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from bbschedule.core.computed import ComputedDates
from bbschedule.core.progress import Progress
from bbschedule.core.project import Eps
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.registry import read_file
from bbschedule.services.session import ProjectSession
from bbschedule.ui.formatting import format_date
from bbschedule.ui.project_tree_model import ProjectEntry

log = logging.getLogger(__name__)


class Workspace:
    """Projects held in memory; the local cache takes this place once services.projects lands."""

    def __init__(self, profile: Path | None) -> None:
        self.profile = profile
        self._projects: dict[str, ProjectData] = {}
        self._sessions: dict[str, ProjectSession] = {}

    def close(self) -> None:
        for session in self._sessions.values():
            session.save()

    def is_empty(self) -> bool:
        return not self._projects

    def list_eps(self) -> list[Eps]:
        return []

    def list_projects(self) -> list[ProjectEntry]:
        return [
            ProjectEntry(d.project.id, d.project.code, d.project.name, d.project.eps_id, len(d.activities))
            for d in self._projects.values()
        ]

    def open_session(self, project_id: str) -> ProjectSession:
        session = self._sessions.get(project_id)
        if session is None:
            session = ProjectSession(self._projects[project_id])
            self._sessions[project_id] = session
        return session

    @staticmethod
    def schedule(data: ProjectData, progress: Progress) -> tuple[dict[str, ComputedDates], str]:
        """Schedule a snapshot of the project; returns the dates and a one-line summary. Runs on a pool thread."""
        from bbschedule.scheduling.engine import schedule

        result = schedule(_snapshot(data), progress=progress)
        computed = result.computed()
        summary = f"finish {format_date(result.finish)}, {len(result.warnings)} warnings, {result.elapsed_ms:.0f} ms"
        return computed, summary

    def import_file(self, path: Path, progress: Progress) -> str:
        """Read a schedule file and keep its largest project; returns the project id. Runs on a pool thread."""
        progress.report(0.05, f"Reading {path.name}…")
        result = read_file(path)
        progress.check()
        data = result.pick()
        progress.report(0.8, f"Storing {data.project.code}…")
        self._projects[data.project.id] = data
        self._sessions.pop(data.project.id, None)
        progress.report(1.0, f"Imported {data.project.code}")
        return data.project.id


def _snapshot(data: ProjectData) -> ProjectData:
    """Copies of the tables (the objects are frozen), so edits on the GUI thread cannot race the scheduler."""
    tables = {f.name: dict(getattr(data, f.name)) for f in dataclasses.fields(data) if f.name != "project"}
    return ProjectData(project=data.project, **tables)
