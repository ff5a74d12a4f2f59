"""Use cases over the local cache that the UI and the CLI share: open the cache, open a session, import, export."""

from __future__ import annotations

import logging
from pathlib import Path

from bbschedule.core.errors import InputFileError
from bbschedule.core.progress import NO_PROGRESS, Progress
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.fidelity import FidelityReport
from bbschedule.formats.registry import ImportResult, ReadOptions, format_of, read_file, write_file
from bbschedule.services.session import ProjectSession
from bbschedule.storage.cache import LocalCache, ProjectSummary
from bbschedule.storage.fastload import LaterRelationships as LaterRelationships
from bbschedule.storage.paths import cache_path
from bbschedule.telemetry.observability import span

log = logging.getLogger(__name__)


def open_or_create_cache(profile: Path | None) -> LocalCache:
    """The profile's cache (platformdirs data folder, or `profile`), created and migrated as needed."""
    return LocalCache(cache_path(profile))


def open_session(cache: LocalCache, project_id: str) -> ProjectSession:
    """A session on a cached project with its undo history, writing every edit back to the cache."""
    data, history = cache.load_project(project_id)
    return ProjectSession(data, store=cache.store_for(project_id), history=history)


def open_session_later(cache: LocalCache, project_id: str) -> tuple[ProjectSession, LaterRelationships | None]:
    """As open_session, but the relationships arrive after (the window paints first): call `start()` on the
    second value once painted; the session takes them at its first edit or ensure_loaded(). None: the project
    came whole (a sync was writing to the cache)."""
    data, history, later = cache.load_project_later(project_id)
    session = ProjectSession(data, store=cache.store_for(project_id), history=history)
    if later is not None:
        session.load_later(later.result)
    return session, later


def import_file(
    cache: LocalCache,
    path: Path,
    project_code: str | None = None,
    encoding: str | None = None,
    *,
    replace: bool = False,
    progress: Progress = NO_PROGRESS,
) -> tuple[ProjectSummary, FidelityReport]:
    """Read any supported file and put one of its projects into the cache in one transaction.

    Runs on any thread; `progress` reports and cancels (a cancel leaves the cache as it was).
    """
    result = read_projects(path, encoding=encoding, progress=PartOf(progress, start=0.0, end=0.5))
    data = result.pick(project_code)
    summary = store_project(cache, data, source=path, replace=replace, progress=PartOf(progress, start=0.5, end=1.0))
    return summary, result.report


def read_projects(path: Path, *, encoding: str | None = None, progress: Progress = NO_PROGRESS) -> ImportResult:
    """Read every project of a file (the first half of an import, so that the planner can choose one)."""
    progress.report(0.0, f"Reading {path.name}…")
    with span("import.read", kind=format_of(path), bytes=path.stat().st_size if path.is_file() else 0) as run:
        run.set_content("file", path.name)
        result = read_file(path, options=ReadOptions(encoding=encoding))
        run.set_size("projects", len(result.projects))
    progress.report(1.0)
    return result


def store_project(
    cache: LocalCache, data: ProjectData, *, source: Path, replace: bool = False, progress: Progress = NO_PROGRESS
) -> ProjectSummary:
    """Put one read project into the cache in one transaction (a cancel or a failure leaves it as it was)."""
    progress.check()
    with span("import", kind=format_of(source, sniff=False), activities=len(data.activities)) as run:
        run.set_size("relationships", len(data.relationships))
        summary = cache.import_project(data, replace=replace, progress=progress)
    progress.report(1.0, f"Imported {summary.code}")
    log.info("imported %s from %s (%d activities)", summary.code, source, summary.activity_count)
    return summary


class PartOf(Progress):
    """A step of longer work: its 0..1 is reported as start..end of the parent's, and it cancels with the parent."""

    def __init__(self, parent: Progress, *, start: float, end: float) -> None:
        super().__init__()
        self._parent, self._start, self._end = parent, start, end

    def report(self, fraction: float, message: str = "") -> None:
        super().report(fraction, message)
        self._parent.report(self._start + self.fraction * (self._end - self._start), message)

    def cancel(self) -> None:
        self._parent.cancel()

    @property
    def cancelled(self) -> bool:
        return self._parent.cancelled

    def check(self) -> None:
        self._parent.check()


def find_project(cache: LocalCache, code_or_id: str) -> ProjectSummary:
    summary = cache.find_project(code_or_id)
    if summary is None:
        raise InputFileError(str(cache.path), f"no project {code_or_id!r} in the local cache", field="PROJECT")
    return summary


def export_project(cache: LocalCache, code_or_id: str, out: Path, *, fmt: str | None = None) -> FidelityReport:
    """Write a cached project to a file; the format follows the extension unless `fmt` is given."""
    data, _history = cache.load_project(find_project(cache, code_or_id).id)
    with span("export", kind=fmt or format_of(out, sniff=False), activities=len(data.activities)) as run:
        run.set_content("file", out.name)
        return write_file(data, out, fmt=fmt)
