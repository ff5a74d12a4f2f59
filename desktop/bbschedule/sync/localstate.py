"""The sync bookkeeping as the sync client sees it: cursors, shadows (the server's last known rows, in the server's
field form) and pending outbox rows, over storage's sync tables (storage.syncstate owns the tables and the SQL).

Here: the conversion between server fields and core entities, which projects stop syncing (deleted on the
server, or the user's membership revoked), and what the outbox sends (each row's fields diffed against its shadow,
in batches).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bbschedule.storage.cache import LocalCache
from bbschedule.storage.mapping import dumps
from bbschedule.storage.syncstate import REVOKED, OutboxEntry, StoredShadow, SyncedProject, SyncTables
from bbschedule.sync.fastcodec import entity_from_fields, fields_of
from bbschedule.sync.protocol import Cursor, OutgoingChange, PulledRow, ServerHello

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Shadow:
    rev: int
    deleted: bool
    fields: dict[str, Any]
    exact: bool = True
    """False: the server's row at `rev` has others' edits merged in that this cache has yet to pull."""
    raw: str | None = None
    """`fields` as JSON text, when already at hand."""


PendingRow = OutboxEntry
"""An outbox row not yet pushed, as storage keeps it."""


def plain_fields(obj: Any) -> dict[str, Any]:
    """An entity as the server stores it: its plain form without the id."""
    return fields_of(obj)


def _decode(kind: str, row_id: str, raw: str) -> Any:
    return entity_from_fields(kind, row_id, json.loads(raw))


class SyncState:
    def __init__(self, cache: LocalCache) -> None:
        self.cache = cache
        self.tables = SyncTables(cache.engine)

    # ---- server identity, cursors and which projects sync ----------------------------------------------------
    def server_value(self, key: str) -> str | None:
        return self.tables.server_value(key)

    def reset_for_incarnation(self, incarnation_id: str) -> bool:
        """Remember the server's incarnation; a different one (a restored server) drops cursors and shadows."""
        return self.tables.reset_for_incarnation(incarnation_id)

    def note_access(self, hello: ServerHello) -> list[str]:
        """Projects this cache synced before that the server no longer shows the user are detached as revoked
        (kept here with their unpushed edits, neither pushed nor pulled); one shown again syncs again. Returns the
        ids newly detached. Projects never pulled (a first push pending) are not concerned."""
        visible = {p.id for p in hello.projects}
        local = set(self.tables.local_project_ids())  # one the planner deleted here is nothing to tell about
        newly: list[str] = []
        for project_id, synced in self.tables.synced_projects().items():
            if project_id not in visible and synced.detached is None and project_id in local:
                self.tables.set_detached(project_id, REVOKED, by=None)
                newly.append(project_id)
                log.warning("project %s is no longer shared with %s: kept locally, not synced", project_id, hello.user)
            elif project_id in visible and synced.detached == REVOKED:
                self.tables.set_detached(project_id, None)
                log.info("project %s is shared with %s again: it syncs again", project_id, hello.user)
        return newly

    def detached(self) -> dict[str, SyncedProject]:
        """Projects kept locally that no longer sync, by id."""
        local = set(self.tables.local_project_ids())
        return {pid: p for pid, p in self.tables.synced_projects().items() if p.detached is not None and pid in local}

    def exact_revs(self, project_id: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        return self.tables.exact_revs(project_id, keys)

    def role(self, project_id: str) -> str | None:
        """The user's role on the project at the last sync (viewer: the application opens it read-only)."""
        synced = self.tables.synced_project(project_id)
        return None if synced is None else synced.role

    def set_role(self, project_id: str, role: str | None) -> None:
        """Keep the role the server gives now, when it is not the one stored (no page needed)."""
        if self.role(project_id) != role:
            self.tables.set_role(project_id, role)

    def cursor(self, project_id: str) -> Cursor:
        synced = self.tables.synced_project(project_id)
        return Cursor() if synced is None else Cursor(*synced.cursor)

    # ---- outbox -----------------------------------------------------------------------------------------------
    def pending(self, project_id: str) -> list[PendingRow]:
        return self.tables.pending_outbox(project_id)

    def pending_projects(self) -> list[str]:
        """Projects with changes to push; detached ones keep theirs unsent."""
        return self.tables.pending_projects()

    def shadows(self, project_id: str, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Shadow]:
        return {
            key: Shadow(s.rev, s.deleted, json.loads(s.raw), s.exact)
            for key, s in self.tables.shadows(project_id, keys).items()
        }

    def current_rows(self, project_id: str) -> list[tuple[str, str, dict[str, Any]]]:
        """Every row of the local project as (kind, id, fields), project row first, in dependency order."""
        return [(kind, row_id, plain_fields(obj)) for kind, row_id, obj in self.tables.current_rows(project_id)]

    def acknowledge(
        self,
        project_id: str,
        *,
        pushed_seqs: Sequence[int],
        shadows: dict[tuple[str, str], Shadow],
        server_rows: dict[tuple[str, str], Shadow | None],
    ) -> None:
        """After a push: outbox rows done, shadows moved on, and rows the server did not take as sent set back
        to the server's version (None: the server has no such row, so it goes locally too)."""
        stored = [
            (key, StoredShadow(sh.rev, sh.deleted, sh.raw or dumps(sh.fields), sh.exact)) for key, sh in shadows.items()
        ]
        entities = {
            (kind, row_id): None if sh is None or sh.deleted else entity_from_fields(kind, row_id, sh.fields)
            for (kind, row_id), sh in server_rows.items()
        }
        self.tables.acknowledge(project_id, pushed_seqs=pushed_seqs, shadows=stored, server_rows=entities)

    def add_new_shadows(self, project_id: str, rows: Iterable[tuple[str, str, int, str]]) -> int:
        """Shadows of rows the server took exactly as sent and that had none: (kind, row id, rev, fields JSON)."""
        return self.tables.add_new_shadows(project_id, rows)

    # ---- pull -------------------------------------------------------------------------------------------------
    def apply_page(
        self, project_id: str, rows: Sequence[PulledRow], cursor: Cursor, *, role: str | None,
        known: dict[tuple[str, str], int] | None = None,
    ) -> None:  # fmt: skip
        """The server's rows, rebased under any local edit not yet pushed, and the cursor: one transaction."""
        self.tables.apply_remote_page(
            project_id, rows, cursor=(cursor.txid, cursor.rev), role=role, decode=_decode, known=known
        )


def outgoing_fields(row: PendingRow, shadow: Shadow | None) -> dict[str, Any] | None:
    """What to send for an outbox row: None for a delete, else the fields that differ from the server's row."""
    if row.payload is None:
        return None
    payload = dict(row.payload)
    payload.pop("id", None)
    return payload if shadow is None or shadow.deleted else _diff(shadow.fields, payload)


def outgoing_batches(
    state: SyncState, project_id: str, pending: list[PendingRow], everything: list[OutgoingChange] | None,
    *, push_batch: int, import_batch: int,
) -> Iterator[tuple[list[OutgoingChange], list[int]]]:  # fmt: skip
    """Outgoing changes in batches, with the outbox rows each batch settles; `everything`: a new project's rows."""
    if everything is not None:
        all_seqs = [p.seq for p in pending]
        size = import_batch
        for start in range(0, len(everything), size):
            last = start + size >= len(everything)
            yield everything[start : start + size], (all_seqs if last else [])
        return
    # One change per row: the newest payload, diffed against the server's last known version of the row.
    latest: dict[tuple[str, str], PendingRow] = {}
    settles: dict[tuple[str, str], list[int]] = {}
    for row in pending:
        key = (row.kind, row.row_id)
        latest[key] = row  # the newest payload, at the place of the first edit: an insert precedes its dependents
        settles.setdefault(key, []).append(row.seq)
    shadows = state.shadows(project_id, latest)
    changes: list[OutgoingChange] = []
    seqs: list[int] = []
    for key, row in latest.items():
        shadow = shadows.get(key)
        base_rev = 0 if shadow is None else shadow.rev
        fields = outgoing_fields(row, shadow)
        if fields is not None and not fields and shadow is not None:
            seqs += settles[key]  # back to what the server has: nothing to send
            continue
        changes.append(OutgoingChange(row.change_id, project_id, row.kind, row.row_id, base_rev, fields))
        seqs += settles[key]
        if len(changes) >= push_batch:
            yield changes, seqs
            changes, seqs = [], []
    if changes or seqs:
        yield changes, seqs


def _diff(base: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if base.get(k) != v}
