"""One synchronisation of a profile's cache with the central server: check protocol and incarnation, push the
outbox (each change with its id and base revision), then pull every visible project page by page.

A new project (an "import" in the outbox) goes up as every one of its rows, with change ids derived from the
import's change id, so a push cut off half-way is simply sent again and the rows already in are skipped: through
the server's bulk door (firstsync.py) when it has one, else, or when it sends a batch back, through push().
"""

from __future__ import annotations

import logging
import uuid
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from bbschedule.storage.cache import LocalCache
from bbschedule.sync import firstsync, protocol
from bbschedule.sync.credentials import stored_password
from bbschedule.sync.errors import ProtocolMismatchError, SyncError
from bbschedule.sync.localstate import PendingRow, Shadow, SyncState, outgoing_batches, outgoing_fields
from bbschedule.sync.protocol import OutgoingChange, PushResult

log = logging.getLogger(__name__)

PUSH_BATCH = 20_000
MIN_SCHEMA_VERSION = 2
IMPORT_BATCH = 100_000
"""A first sync goes up in few large batches: the server checks the whole logic for loops once per batch."""
PULL_PAGE = 25_000


@dataclass
class ProjectSummary:
    project_id: str
    code: str = ""
    role: str | None = None
    pushed: dict[str, int] = field(default_factory=dict)
    pulled: int = 0
    refused: list[str] = field(default_factory=list)
    open_conflicts: int = 0
    resent: int = 0
    """Changes the server had already applied (an earlier answer was lost) and skipped this time."""
    bulk_txids: list[int] = field(default_factory=list, repr=False)
    """The server transactions of this sync's bulk batches: the pull leaves their rows out (all known here)."""
    written: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)
    """Rows this sync pushed as new, at the server's revision: the pull that follows knows them without a look
    at the cache (a first sync pulls back every row it pushed)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "project_id": self.project_id, "code": self.code, "role": self.role, "pushed": self.pushed,
            "pulled": self.pulled, "refused": self.refused, "open_conflicts": self.open_conflicts,
            "resent": self.resent,
        }  # fmt: skip


@dataclass
class SyncSummary:
    user: str
    incarnation_id: str
    full_resync: bool = False
    projects: list[ProjectSummary] = field(default_factory=list)
    ok: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "user": self.user, "incarnation_id": self.incarnation_id, "full_resync": self.full_resync,
            "ok": self.ok, "projects": [p.to_json() for p in self.projects],
        }  # fmt: skip

    def to_text(self) -> str:
        lines = [f"synchronised as {self.user}" + (" (server restored: full resync)" if self.full_resync else "")]
        for p in self.projects:
            pushed = ", ".join(f"{n} {status}" for status, n in sorted(p.pushed.items())) or "nothing"
            lines.append(f"  {p.code or p.project_id:<16} {p.role or '-':<8} pushed {pushed}; pulled {p.pulled} rows;"
                         f" {p.open_conflicts} open conflicts")  # fmt: skip
            lines += [f"    refused: {reason}" for reason in p.refused[:10]]
        return "\n".join(lines)


def connect(server: str, *, user: str, password: str | None) -> psycopg.Connection[tuple[Any, ...]]:
    """Sign in; libpq takes TLS settings (sslmode=verify-full, sslrootcert) from `server` as given."""
    extra: dict[str, Any] = {"user": user, "application_name": "bbschedule-sync"}
    if password is not None:
        extra["password"] = password
    try:
        conninfo = make_conninfo(server, **extra)
        conn = psycopg.connect(conninfo, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise SyncError(f"cannot sign in to the server as {user}: {_first_line(exc)}") from None
    except psycopg.ProgrammingError as exc:
        raise SyncError(f"the server address is not a valid connection string: {_first_line(exc)}") from None
    return conn


def sync_all(cache: LocalCache, *, server: str, user: str, password: str | None) -> SyncSummary:
    """One synchronisation; `password` None: the keyring's, else whatever libpq finds (PGPASSFILE, ...)."""
    if password is None:
        password = stored_password(server, user)
    with connect(server, user=user, password=password) as conn:
        try:
            return sync_connection(conn, cache)
        except psycopg.OperationalError as exc:
            raise SyncError(f"the connection to the server broke off: {_first_line(exc)}") from None
        except psycopg.Error as exc:
            raise SyncError(f"the server refused the synchronisation: {_first_line(exc)}") from None


def sync_connection(conn: psycopg.Connection[tuple[Any, ...]], cache: LocalCache) -> SyncSummary:
    with firstsync.gc_paused():  # a first sync makes and drops 250k rows holding no cycles
        return _sync_connection(conn, cache)


def _sync_connection(conn: psycopg.Connection[tuple[Any, ...]], cache: LocalCache) -> SyncSummary:
    hello = protocol.hello(conn)
    if hello.protocol_version != protocol.PROTOCOL_VERSION:
        raise ProtocolMismatchError(
            f"the server speaks sync protocol {hello.protocol_version}, this BBSchedule speaks "
            f"{protocol.PROTOCOL_VERSION}: update the one that is older"
        )
    if hello.schema_version < MIN_SCHEMA_VERSION:
        raise SyncError(
            f"the server's schema is version {hello.schema_version}, this BBSchedule needs {MIN_SCHEMA_VERSION}:"
            " an administrator runs `bbschedule server init` to upgrade it"
        )
    state = SyncState(cache)
    summary = SyncSummary(hello.user, hello.incarnation_id)
    summary.full_resync = state.reset_for_incarnation(hello.incarnation_id)
    state.note_access(hello)  # projects the server no longer shows this user stop syncing (kept locally)
    to_push = state.pending_projects()
    for project_id in to_push:
        role = hello.role(project_id)
        entry = ProjectSummary(project_id, role=role)
        summary.projects.append(entry)
        _push_project(conn, state, project_id, entry, bulk=hello.schema_version >= protocol.BULK_SCHEMA_VERSION)
    hello = protocol.hello(conn)  # a first push may have created projects
    for access in hello.projects:
        found = [p for p in summary.projects if p.project_id == access.id]
        entry = found[0] if found else ProjectSummary(access.id)
        if not found:
            summary.projects.append(entry)
        entry.code, entry.role = access.code, access.role
        entry.pulled = _pull_project(
            conn, state, access.id, role=access.role, written=entry.written, skip_txids=entry.bulk_txids
        )
        row = conn.execute(
            "SELECT count(*) FROM bbschedule.conflicts WHERE project_id = %s AND user_name = session_user"
            " AND resolved_at IS NULL",
            (access.id,),
        ).fetchone()
        conn.commit()
        entry.open_conflicts = int(row[0]) if row else 0
    return summary


def _push_project(
    conn: psycopg.Connection[tuple[Any, ...]], state: SyncState, project_id: str, entry: ProjectSummary, *, bulk: bool
) -> None:
    pending = state.pending(project_id)
    if not pending:
        return
    if _recover(conn, state, project_id, pending, entry):
        pending = state.pending(project_id)
    imports = [p for p in pending if p.kind == "import"]
    everything: list[OutgoingChange] | None = None
    if imports:
        seed = uuid.UUID(imports[0].change_id)
        rows: list[firstsync.ImportRow] = []
        if bulk:
            reader = firstsync.project_rows(state.cache, project_id)

            def settle(pairs: list[tuple[OutgoingChange, PushResult]], txid: int | None) -> None:
                fresh, rest = firstsync.store_new_shadows(state, project_id, pairs)
                entry.pushed["applied"] = entry.pushed.get("applied", 0) + len(fresh)
                if txid is None:  # the pull does not leave this batch's transaction out: tell it these rows
                    entry.written.update({(kind, row_id): rev for kind, row_id, rev, _raw in fresh})
                if rest:  # e.g. rows an earlier, cut-off sync sent (skipped): they may have shadows
                    resent = {(c.kind, c.row_id) for c, r in rest if r.status == "skipped"}
                    _settle(state, project_id, rest, state.shadows(project_id, resent) if resent else {}, [], entry)
                if txid is not None:
                    entry.bulk_txids.append(txid)

            try:
                if firstsync.push_new_project(conn, project_id, reader=reader, rows=rows, seed=seed, settle=settle):
                    # Every row is in: the outbox is done. (Cut off before this, the next sync sends the rows
                    # again and the server skips every one by its change id.)
                    state.acknowledge(project_id, pushed_seqs=[p.seq for p in pending], shadows={}, server_rows={})
                    return
                rows.extend(reader)
            finally:
                reader.close()
        else:
            rows = state.current_rows(project_id)
        everything = firstsync.import_changes(project_id, rows, seed)
    # One thread talks to the server while this one prepares the next batch and settles the previous one: the
    # server's work and ours overlap (batches touch different rows, so their order of settling is free).
    in_flight: deque[tuple[Future[list[PushResult]], list[OutgoingChange], dict[Key, Shadow], list[int]]] = deque()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bbschedule-push") as pool:
        try:
            for batch, covered in outgoing_batches(
                state, project_id, pending, everything, push_batch=PUSH_BATCH, import_batch=IMPORT_BATCH
            ):
                shadows = state.shadows(project_id, {(c.kind, c.row_id) for c in batch})
                in_flight.append((pool.submit(protocol.push, conn, batch), batch, shadows, covered))
                if len(in_flight) > 1:
                    _settle_when_done(state, project_id, in_flight.popleft(), entry)
            while in_flight:
                _settle_when_done(state, project_id, in_flight.popleft(), entry)
        finally:
            for future, *_ in in_flight:
                future.cancel()


Key = tuple[str, str]


def _settle_when_done(
    state: SyncState,
    project_id: str,
    item: tuple[Future[list[PushResult]], list[OutgoingChange], dict[Key, Shadow], list[int]],
    entry: ProjectSummary,
) -> None:
    future, batch, shadows, covered = item
    results = future.result() if batch else []
    _settle(state, project_id, list(zip(batch, results, strict=True)), shadows, covered, entry)


def _recover(
    conn: psycopg.Connection[tuple[Any, ...]],
    state: SyncState,
    project_id: str,
    pending: list[PendingRow],
    entry: ProjectSummary,
) -> bool:
    """Settle outbox rows whose push committed on the server though its answer never came back (a connection
    cut after the commit): the server remembers every applied change id, so ask it rather than send again."""
    ids = [p.change_id for p in pending if p.kind != "import"]
    if not ids:
        return False
    found: dict[str, dict[str, Any]] = dict(
        conn.execute(
            "SELECT change_id::text, coalesce(result, jsonb_build_object('change_id', change_id, 'status', status,"
            " 'rev', rev)) FROM bbschedule.applied_changes WHERE change_id = ANY(%s::uuid[])",
            (ids,),
        ).fetchall()
    )
    conn.commit()
    if not found:
        return False
    done = [p for p in pending if p.change_id in found]
    shadows = state.shadows(project_id, {(p.kind, p.row_id) for p in done})
    pairs = []
    covered: list[int] = []
    for row in done:
        key = (row.kind, row.row_id)
        change = OutgoingChange(
            row.change_id, project_id, row.kind, row.row_id, 0, outgoing_fields(row, shadows.get(key))
        )
        result = PushResult.from_json(
            {**found[row.change_id], "status": "skipped", "was": found[row.change_id]["status"]}
        )
        pairs.append((change, result))
        covered += [q.seq for q in pending if (q.kind, q.row_id) == key and q.seq <= row.seq]
    _settle(state, project_id, pairs, shadows, covered, entry)
    return True


def _settle(
    state: SyncState,
    project_id: str,
    pairs: list[tuple[OutgoingChange, PushResult]],
    shadows: dict[tuple[str, str], Shadow],
    covered: list[int],
    entry: ProjectSummary,
) -> None:
    """Outbox rows done; shadows moved to the server's revision; rows the server did not take set back."""
    new_shadows: dict[tuple[str, str], Shadow] = {}
    server_rows: dict[tuple[str, str], Shadow | None] = {}
    kept: set[tuple[str, str]] = set()
    for change, result in pairs:
        status = result.outcome
        entry.pushed[status] = entry.pushed.get(status, 0) + 1
        if result.status == "skipped":
            entry.resent += 1
        key = (change.kind, change.row_id)
        if status == "applied" and result.rev is not None:
            old = shadows.get(key)
            if old is None and change.fields is not None:  # a new row: the server has exactly what was sent
                new_shadows[key] = Shadow(result.rev, False, change.fields, raw=change.fields_json)
                entry.written[key] = result.rev
            else:
                fields = {} if old is None else dict(old.fields)
                fields.update(change.fields or {})
                new_shadows[key] = Shadow(result.rev, change.fields is None, fields, exact=result.exact)
        elif status in ("conflict", "refused"):
            if status == "refused":
                entry.refused.append(f"{change.kind} {change.row_id}: {result.reason}")
            if status == "refused" and result.code == "forbidden" and not result.row and entry.role != "viewer":
                # No longer a member (revoked since this sync's hello): the server shows nothing, which says
                # nothing of the row. Kept as edited, and in the outbox; the next sync marks the project revoked.
                # (A viewer's new row, refused as the hello foretold, goes: the server has no such row.)
                kept.add(key)
                continue
            server = _server_shadow(result)
            server_rows[key] = server
            if server is not None:
                new_shadows[key] = server
    if kept:  # their outbox rows stay pending (a new project's import row too: it is sent whole again)
        waiting = {p.seq for p in state.pending(project_id) if (p.kind, p.row_id) in kept or p.kind == "import"}
        covered = [seq for seq in covered if seq not in waiting]
    state.acknowledge(project_id, pushed_seqs=covered, shadows=new_shadows, server_rows=server_rows)


def _server_shadow(result: PushResult) -> Shadow | None:
    if not result.row:
        return None
    return Shadow(int(result.row["rev"]), bool(result.row["deleted"]), dict(result.row["fields"]))


def _pull_project(
    conn: psycopg.Connection[tuple[Any, ...]],
    state: SyncState,
    project_id: str,
    *,
    role: str | None,
    written: dict[tuple[str, str], int],
    skip_txids: list[int],
) -> int:
    """Page by page: the keys and revisions first, then the fields of only the rows this cache lacks (after a
    first sync the cache wrote nearly every row itself), then the rows and the cursor in one transaction."""
    # The role goes with each page too, but a viewer made planner (or back) may have no row to pull.
    state.set_role(project_id, role)
    cursor = state.cursor(project_id)
    count = 0
    # A project this cache has never pulled nor pushed (a second planner's first sync): every row is wanted, so
    # the rows come with their fields in one pass.
    whole = cursor == protocol.Cursor() and not written and not skip_txids
    # Read once: a pull only ever takes rows out of the outbox (a key gone since costs one extra fetched row).
    pending = {(p.kind, p.row_id) for p in state.pending(project_id)}
    while True:
        if skip_txids:  # leave out the rows this sync wrote in bulk: this cache has them exactly
            keys, scanned, full = protocol.pull_keys(
                conn, project_id, cursor, limit=PULL_PAGE * 4, skip_txids=skip_txids
            )
            if scanned is None:
                return count
        else:
            keys = protocol.pull_page(conn, project_id, cursor, limit=PULL_PAGE, with_fields=whole)
            if not keys:
                return count
            scanned, full = keys[-1].cursor, len(keys) >= PULL_PAGE
        mine = {(r.kind, r.id): r.rev for r in keys if written.get((r.kind, r.id)) == r.rev}
        known = state.exact_revs(project_id, [(r.kind, r.id) for r in keys if (r.kind, r.id) not in mine])
        known.update(mine)
        wanted = [
            (r.kind, r.id)
            for r in keys
            if not whole and not r.deleted and (known.get((r.kind, r.id)) != r.rev or (r.kind, r.id) in pending)
        ]
        fetched = {(r.kind, r.id): r for r in protocol.fetch_rows(conn, project_id, wanted)} if wanted else {}
        page = [fetched.get((r.kind, r.id), r) for r in keys]
        cursor = scanned
        state.apply_page(project_id, page, cursor, role=role, known=known)
        count += len(keys)
        if not full:
            return count


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


__all__: Sequence[str] = ("SyncSummary", "connect", "sync_all", "sync_connection")
