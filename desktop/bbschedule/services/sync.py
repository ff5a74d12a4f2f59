"""Synchronisation with the central server as use cases: one sync of a profile for scripts, and the window's
sync that also settles conflicts and reads the open project back. Each runs in a telemetry span (sizes only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg

from bbschedule.core.history import UndoHistory
from bbschedule.core.project_data import ENTITY_KINDS, ProjectData
from bbschedule.storage.cache import LocalCache
from bbschedule.sync.client import SyncSummary, connect, sync_all, sync_connection
from bbschedule.sync.conflicts import Conflict, mark_resolved, open_conflicts
from bbschedule.sync.errors import SyncError
from bbschedule.telemetry.observability import SpanHandle, record_sync_lag, span


def sync_profile(cache: LocalCache, *, server: str, user: str, password: str | None) -> SyncSummary:
    """One synchronisation of every project the user may see (the `sync` command)."""
    with _sync_span(cache) as run:
        summary = sync_all(cache, server=server, user=user, password=password)
        _measure(run, cache, summary)
    return summary


@dataclass
class SyncOutcome:
    """What one sync brought back to the GUI thread."""

    summary: SyncSummary
    project_id: str | None
    conflicts: list[Conflict] = field(default_factory=list)
    """The open project's unresolved conflicts of this user."""
    fresh: tuple[ProjectData, UndoHistory] | None = None
    """The open project as the cache holds it after the sync (None: nothing was pulled for it)."""

    @property
    def open_conflicts(self) -> int:
        return sum(p.open_conflicts for p in self.summary.projects)


def run_sync(
    cache: LocalCache, *, server: str, user: str, password: str | None, project_id: str | None,
    resolved: Sequence[int] = (),
) -> SyncOutcome:  # fmt: skip
    """One sync on one connection (a pool thread): push and pull, close the conflicts the planner settled (after
    the push carried their picks), list the open project's conflicts and read it back if rows came in."""
    with _sync_span(cache) as run, connect(server, user=user, password=password) as conn:
        try:
            summary = sync_connection(conn, cache)
            _measure(run, cache, summary)
            for conflict_id in resolved:
                mark_resolved(conn, conflict_id)
            conflicts = open_conflicts(conn, project_id) if project_id else []
        except psycopg.OperationalError as exc:
            raise SyncError(f"the connection to the server broke off: {_first_line(exc)}") from None
        except psycopg.Error as exc:
            raise SyncError(f"the server refused the synchronisation: {_first_line(exc)}") from None
    if resolved:  # the count in the summary was taken before these were closed
        for entry in summary.projects:
            if entry.project_id == project_id:
                entry.open_conflicts = len(conflicts)
    outcome = SyncOutcome(summary, project_id, conflicts)
    pulled = sum(p.pulled for p in summary.projects if p.project_id == project_id)
    if project_id is not None and pulled:
        outcome.fresh = cache.load_project(project_id)
    return outcome


def same_rows(a: ProjectData, b: ProjectData) -> bool:
    """Whether two copies of a project hold the same rows (scheduling results aside: they are not synced)."""
    return a.project == b.project and all(a.table(kind) == b.table(kind) for kind in ENTITY_KINDS)


@contextmanager
def _sync_span(cache: LocalCache) -> Iterator[SpanHandle]:
    with span("sync", pending=len(cache.outbox())) as run:
        yield run


def _measure(run: SpanHandle, cache: LocalCache, summary: SyncSummary) -> None:
    run.set_size("projects", len(summary.projects))
    run.set_size("pushed", sum(sum(p.pushed.values()) for p in summary.projects))
    run.set_size("pulled", sum(p.pulled for p in summary.projects))
    run.set_size("conflicts", sum(p.open_conflicts for p in summary.projects))
    pending = cache.outbox()
    lag = 0.0
    if pending:
        oldest = dt.datetime.fromisoformat(str(pending[0]["created_at"]))
        if oldest.tzinfo is None:  # the cache stamps outbox rows in UTC
            oldest = oldest.replace(tzinfo=dt.UTC)
        lag = max((dt.datetime.now(dt.UTC) - oldest).total_seconds(), 0.0)
    record_sync_lag(lag, pending_changes=len(pending))


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
