"""The window's door to the projects of a profile: the local cache, opened and used through services.projects.

Import and schedule are plain functions with a Progress, so the TaskRunner can put them on a pool thread.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

from bbschedule.core.errors import BBScheduleError
from bbschedule.core.progress import Progress
from bbschedule.core.project import Eps
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.fidelity import FidelityReport
from bbschedule.formats.registry import ImportResult
from bbschedule.services import projects
from bbschedule.services.projects import LaterRelationships
from bbschedule.services.session import ProjectSession
from bbschedule.services.sync import project_sync_states
from bbschedule.ui.project_tree_model import ProjectEntry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Imported:
    project_id: str
    code: str
    report: FidelityReport


class Workspace:
    """One profile's local cache and the sessions open on it (one per project, kept while the window lives)."""

    def __init__(self, profile: Path | None) -> None:
        self.profile = profile
        self.cache = projects.open_or_create_cache(profile)
        self._sessions: dict[str, ProjectSession] = {}
        self._later: dict[str, LaterRelationships] = {}
        """Relationships of opened projects still being read (see open_session)."""

    def close(self) -> None:
        for later in self._later.values():
            later.start()  # its thread ends by itself
        for session in self._sessions.values():
            session.save()
        self._sessions.clear()
        self.cache.close()

    def forget_sessions(self) -> None:
        """Drop the open sessions so that projects are read again from the cache (after a restore)."""
        for later in self._later.values():  # done reading before the file is replaced
            with contextlib.suppress(BBScheduleError):
                later.result()
        self._later.clear()
        self._sessions.clear()

    def forget_session(self, project_id: str) -> None:
        """Drop one project's session so that opening it reads the cache again (sync's fallback when pulled rows
        do not fit the open copy)."""
        self._sessions.pop(project_id, None)
        later = self._later.pop(project_id, None)
        if later is not None:
            later.start()

    def is_empty(self) -> bool:
        return not self.cache.list_projects()

    def list_eps(self) -> list[Eps]:
        return self.cache.list_eps()

    def list_projects(self) -> list[ProjectEntry]:
        """The cache's projects, each with its role on the server and whether it still syncs (as of the last sync)."""

        # The cache's summaries do not carry the EPS node yet: an open project tells its own.
        def eps_of(summary: object, project_id: str) -> str | None:
            session = self._sessions.get(project_id)
            return session.data.project.eps_id if session is not None else getattr(summary, "eps_id", None)

        states = project_sync_states(self.cache)
        entries = []
        for s in self.cache.list_projects():
            entry = ProjectEntry(s.id, s.code, s.name, eps_of(s, s.id), s.activity_count, data_date=s.data_date)
            state = states.get(s.id)
            if state is not None:
                entry = dataclasses.replace(
                    entry, role=state.role, detached=state.detached, detached_by=state.detached_by,
                    detached_at=state.detached_at,
                )  # fmt: skip
            entries.append(entry)
        return entries

    def open_session(self, project_id: str) -> ProjectSession:
        """The project's session; a project opened now comes without its relationships, which are read on a thread
        once the window asks (start_loading): a 100k-activity project paints in half the time."""
        session = self._sessions.get(project_id)
        if session is None:
            session, later = projects.open_session_later(self.cache, project_id)
            self._sessions[project_id] = session
            if later is not None:
                self._later[project_id] = later
        return session

    def start_loading(self, project_id: str) -> LaterRelationships | None:
        """Let the rest of an opened project be read now (after the first frame); None when nothing is left."""
        later = self._later.pop(project_id, None)
        if later is not None:
            later.start()
        return later

    @staticmethod
    def read_file(path: Path, progress: Progress) -> ImportResult:
        """Every project of a file (the planner may choose one). Runs on a pool thread."""
        return projects.read_projects(path, progress=progress)

    def store(
        self, result: ImportResult, data: ProjectData, path: Path, progress: Progress, *, replace: bool = False
    ) -> Imported:
        """Store one project read from `path` in the cache (one transaction). Runs on a pool thread."""
        summary = projects.store_project(self.cache, data, source=path, replace=replace, progress=progress)
        self._sessions.pop(summary.id, None)
        return Imported(summary.id, summary.code, result.report)


def snapshot(data: ProjectData) -> ProjectData:
    """Copies of the tables (the objects are frozen), so edits on the GUI thread cannot race the scheduler."""
    tables = {f.name: dict(getattr(data, f.name)) for f in dataclasses.fields(data) if f.name != "project"}
    return ProjectData(project=data.project, **tables)
