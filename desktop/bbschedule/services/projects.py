"""Use cases over the local cache that the UI and the CLI share: open the cache, open a session, import, export."""

from __future__ import annotations

import logging
from pathlib import Path

from bbschedule.core.errors import InputFileError
from bbschedule.formats.fidelity import FidelityReport
from bbschedule.formats.registry import ReadOptions, read_file, write_file
from bbschedule.services.session import ProjectSession
from bbschedule.storage.cache import LocalCache, ProjectSummary
from bbschedule.storage.paths import cache_path

log = logging.getLogger(__name__)


def open_or_create_cache(profile: Path | None) -> LocalCache:
    """The profile's cache (platformdirs data folder, or `profile`), created and migrated as needed."""
    return LocalCache(cache_path(profile))


def open_session(cache: LocalCache, project_id: str) -> ProjectSession:
    """A session on a cached project with its undo history, writing every edit back to the cache."""
    data, history = cache.load_project(project_id)
    return ProjectSession(data, store=cache.store_for(project_id), history=history)


def import_file(
    cache: LocalCache,
    path: Path,
    project_code: str | None = None,
    encoding: str | None = None,
    *,
    replace: bool = False,
) -> tuple[ProjectSummary, FidelityReport]:
    """Read any supported file and put one of its projects into the cache in one transaction."""
    result = read_file(path, options=ReadOptions(encoding=encoding))
    data = result.pick(project_code)
    summary = cache.import_project(data, replace=replace)
    log.info("imported %s from %s (%d activities)", summary.code, path, summary.activity_count)
    return summary, result.report


def find_project(cache: LocalCache, code_or_id: str) -> ProjectSummary:
    summary = cache.find_project(code_or_id)
    if summary is None:
        raise InputFileError(str(cache.path), f"no project {code_or_id!r} in the local cache", field="PROJECT")
    return summary


def export_project(cache: LocalCache, code_or_id: str, out: Path, *, fmt: str | None = None) -> FidelityReport:
    """Write a cached project to a file; the format follows the extension unless `fmt` is given."""
    data, _history = cache.load_project(find_project(cache, code_or_id).id)
    return write_file(data, out, fmt=fmt)
