"""Synchronisation with the central server as use cases: one sync of a profile for scripts, and the window's
sync that also settles conflicts, reads back the rows of the open project that came from the server, and says
which projects stopped syncing (deleted on the server, or no longer shared). Each runs in a telemetry span.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg

from bbschedule.storage.cache import LocalCache
from bbschedule.storage.syncstate import DELETED, REVOKED, SyncedProject, SyncTables
from bbschedule.sync.client import SyncSummary, connect, sync_all, sync_connection
from bbschedule.sync.conflicts import Conflict, mark_resolved, open_conflicts
from bbschedule.sync.errors import SyncError
from bbschedule.sync.localstate import SyncState
from bbschedule.telemetry.observability import SpanHandle, record_sync_lag, span

log = logging.getLogger(__name__)


def sync_profile(cache: LocalCache, *, server: str, user: str, password: str | None) -> ProfileSync:
    """One synchronisation of every project the user may see (the `sync` command), with the projects kept here
    that no longer sync."""
    before = set(SyncState(cache).detached())
    with _sync_span(cache) as run:
        summary = sync_all(cache, server=server, user=user, password=password)
        _measure(run, cache, summary)
    report = ProfileSync(summary, local_only_projects(cache, known=before))
    for gone in report.local_only:
        if gone.new:
            log.warning("%s: the local copy is kept with its unsent edits", gone.describe())
    return report


@dataclass(frozen=True)
class LocalOnlyProject:
    """A project kept in this cache that no longer syncs, as the `sync` command reports it."""

    project_id: str
    code: str
    reason: str
    """DELETED (on the server) or REVOKED (no longer shared with this user)."""
    by: str | None
    """Who deleted it on the server (unknown for a revoked membership)."""
    since: dt.datetime | None
    """When this cache learnt it, UTC."""
    unsent: int
    """Edits made here that the server will not take."""
    new: bool
    """It stopped syncing in this run."""

    def why(self) -> str:
        """Why it stopped syncing and since when: "deleted on the server by alice since 2026-11-22 23:10 UTC"."""
        if self.reason == DELETED:
            why = "deleted on the server" + (f" by {self.by}" if self.by else "")
        else:
            why = "no longer shared with you on the server"
        return why + (f" since {self.since:%Y-%m-%d %H:%M} UTC" if self.since is not None else "")

    def describe(self) -> str:
        return f"{self.code} {self.why()}"

    def to_json(self) -> dict[str, Any]:
        return {
            "project_id": self.project_id, "code": self.code, "reason": self.reason, "by": self.by,
            "since": None if self.since is None else self.since.isoformat(timespec="seconds") + "Z",
            "unsent": self.unsent, "new": self.new,
        }  # fmt: skip


@dataclass
class ProfileSync:
    """The `sync` command's report: the run's summary and the projects kept here that no longer sync."""

    summary: SyncSummary
    local_only: list[LocalOnlyProject] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.summary.ok

    def to_json(self) -> dict[str, Any]:
        return {**self.summary.to_json(), "local_only": [p.to_json() for p in self.local_only]}

    def to_text(self) -> str:
        lines = [self.summary.to_text()]
        for p in self.local_only:
            unsent = f"{p.unsent} unsent edit{'s' if p.unsent != 1 else ''}" if p.unsent else "no unsent edits"
            lines.append(f"  {p.code:<16} local only: {p.why()}; kept here, {unsent}")
        return "\n".join(lines)


def local_only_projects(cache: LocalCache, *, known: set[str] | None = None) -> list[LocalOnlyProject]:
    """The projects kept in the cache that no longer sync, by code; `known`: the ids already detached before a run
    (the others are new)."""
    codes = {p.id: p.code for p in cache.list_projects()}
    found = [
        LocalOnlyProject(
            pid,
            codes.get(pid, pid),
            gone.detached or REVOKED,
            gone.detached_by,
            gone.detached_at,
            unsent=len(cache.outbox(pid)),
            new=known is not None and pid not in known,
        )
        for pid, gone in SyncState(cache).detached().items()
    ]
    return sorted(found, key=lambda p: (p.code.lower(), p.project_id))


@dataclass
class SyncOutcome:
    """What one sync brought back to the GUI thread."""

    summary: SyncSummary
    project_id: str | None
    conflicts: list[Conflict] = field(default_factory=list)
    """The open project's unresolved conflicts of this user."""
    remote: dict[tuple[str, str], Any] = field(default_factory=dict)
    """The open project's rows that the sync wrote (pulled, or set back by the server), as the cache holds them
    after it: (kind, id) -> entity, None when gone. ProjectSession.take_remote shows them."""
    detached: dict[str, SyncedProject] = field(default_factory=dict)
    """Every project kept locally that no longer syncs (deleted on the server, or no longer shared)."""
    newly_detached: list[str] = field(default_factory=list)
    """Those that stopped syncing in this sync: the planner is told once."""

    @property
    def open_conflicts(self) -> int:
        return sum(p.open_conflicts for p in self.summary.projects)


def run_sync(
    cache: LocalCache, *, server: str, user: str, password: str | None, project_id: str | None,
    resolved: Sequence[int] = (),
) -> SyncOutcome:  # fmt: skip
    """One sync on one connection (a pool thread): push and pull, close the conflicts the planner settled (after
    the push carried their picks), list the open project's conflicts and read back the rows that came in for it."""
    tables = SyncTables(cache.engine)
    detached_before = set(SyncState(cache).detached())
    if project_id is not None:
        tables.watch_remote_changes(project_id)
    with _sync_span(cache) as run, _taking_remote(tables, project_id) as remote_keys, connect(
        server, user=user, password=password
    ) as conn:  # fmt: skip
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
    if project_id is not None and remote_keys:
        outcome.remote = read_remote_rows(cache, project_id, remote_keys)
    outcome.detached = SyncState(cache).detached()
    outcome.newly_detached = [pid for pid in outcome.detached if pid not in detached_before]
    return outcome


def read_remote_rows(cache: LocalCache, project_id: str, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """The rows named by `keys` as the cache holds them now (None: gone)."""
    return SyncTables(cache.engine).read_rows(project_id, keys)


def project_sync_states(cache: LocalCache) -> dict[str, SyncedProject]:
    """Every project of the cache that has synced, by id: the user's role at the last sync, and whether it still
    syncs (the window's project tree marks viewers' and local-only projects). One small query."""
    return SyncTables(cache.engine).synced_projects()


@contextmanager
def _taking_remote(tables: SyncTables, project_id: str | None) -> Iterator[set[tuple[str, str]]]:
    """The set the watched project's remote rows land in, filled when the sync ends (failed or not)."""
    keys: set[tuple[str, str]] = set()
    try:
        yield keys
    finally:
        if project_id is not None:
            keys |= tables.take_remote_changes(project_id)


@contextmanager
def _sync_span(cache: LocalCache) -> Iterator[SpanHandle]:
    with span("sync", pending=len(cache.outbox())) as run:
        yield run


def _measure(run: SpanHandle, cache: LocalCache, summary: SyncSummary) -> None:
    run.set_size("projects", len(summary.projects))
    run.set_size("pushed", sum(sum(p.pushed.values()) for p in summary.projects))
    run.set_size("pulled", sum(p.pulled for p in summary.projects))
    run.set_size("conflicts", sum(p.open_conflicts for p in summary.projects))
    detached = SyncState(cache).detached()  # their edits wait for good, not for the next sync: no lag
    pending = [row for row in cache.outbox() if row["project_id"] not in detached]
    lag = 0.0
    if pending:
        oldest = dt.datetime.fromisoformat(str(pending[0]["created_at"]))
        if oldest.tzinfo is None:  # the cache stamps outbox rows in UTC
            oldest = oldest.replace(tzinfo=dt.UTC)
        lag = max((dt.datetime.now(dt.UTC) - oldest).total_seconds(), 0.0)
    record_sync_lag(lag, pending_changes=len(pending))


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
