"""One synchronisation of a profile's cache with the central server: check protocol and incarnation, push the
outbox (each change with its id and base revision), then pull every visible project page by page.

A new project (an "import" in the outbox) goes up as every one of its rows, with change ids derived from the
import's change id, so a push cut off half-way is simply sent again and the rows already in are skipped.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import uuid
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo

from bbschedule.core.changes import PROJECT_KIND
from bbschedule.core.project_data import ENTITY_KINDS
from bbschedule.storage.cache import LocalCache
from bbschedule.storage.engine import transaction
from bbschedule.storage.mapping import MAPPERS, PROJECT_COLUMNS, decode_project
from bbschedule.sync import protocol
from bbschedule.sync.credentials import stored_password
from bbschedule.sync.errors import ProtocolMismatchError, SyncError
from bbschedule.sync.localstate import PendingRow, Shadow, SyncState, plain_fields
from bbschedule.sync.protocol import OutgoingChange, PushResult, dumps

log = logging.getLogger(__name__)

PUSH_BATCH = 20_000
MIN_SCHEMA_VERSION = 2
IMPORT_BATCH = 100_000
"""A first sync goes up in few large batches: the server checks the whole logic for loops once per batch."""
PULL_PAGE = 25_000
BULK_BATCH = 80_000
BULK_EDGE = 10_000
"""Rows per transaction of a first sync through bulk_push: the server writes one batch while this side settles
the one before."""


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
        rows: list[ImportRow] = []
        if bulk:
            reader = _project_rows(state.cache, project_id)
            try:
                if _push_bulk(
                    conn, state, project_id, reader=reader, rows=rows, seed=seed, pending=pending, entry=entry
                ):
                    return
                rows.extend(reader)
            finally:
                reader.close()
        else:
            rows = state.current_rows(project_id)
        everything = _import_changes(project_id, rows, seed)
    # One thread talks to the server while this one prepares the next batch and settles the previous one: the
    # server's work and ours overlap (batches touch different rows, so their order of settling is free).
    in_flight: deque[tuple[Future[list[PushResult]], list[OutgoingChange], dict[Key, Shadow], list[int]]] = deque()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bbschedule-push") as pool:
        try:
            for batch, covered in _batches(state, project_id, pending, everything):
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
        change = OutgoingChange(row.change_id, project_id, row.kind, row.row_id, 0, _fields(row, shadows.get(key)))
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
            server = _server_shadow(result)
            server_rows[key] = server
            if server is not None:
                new_shadows[key] = server
    state.acknowledge(project_id, pushed_seqs=covered, shadows=new_shadows, server_rows=server_rows)


def _fields(row: PendingRow, shadow: Shadow | None) -> dict[str, Any] | None:
    """What to send for an outbox row: None for a delete, else the fields that differ from the server's row."""
    if row.payload is None:
        return None
    payload = dict(row.payload)
    payload.pop("id", None)
    return payload if shadow is None or shadow.deleted else _diff(shadow.fields, payload)


def _server_shadow(result: PushResult) -> Shadow | None:
    if not result.row:
        return None
    return Shadow(int(result.row["rev"]), bool(result.row["deleted"]), dict(result.row["fields"]))


def _import_changes(project_id: str, rows: Sequence[ImportRow], seed: uuid.UUID) -> list[OutgoingChange]:
    """Rows of a new project as changes, with change ids derived from the import's (`seed`): a push cut off
    half-way is sent again and the rows already in are skipped."""
    return [
        OutgoingChange(_uuid5(seed, f"{kind}:{row_id}"), project_id, kind, row_id, 0, fields, dumps(fields))
        for kind, row_id, fields in rows
    ]


ImportRow = tuple[str, str, dict[str, Any]]


def _project_rows(cache: LocalCache, project_id: str) -> Generator[ImportRow, None, None]:
    """Every row of the local project as (kind, id, fields), project row first, in dependency order, read as
    they are wanted (what SyncState.current_rows gives at once): a first sync sends its first batch while the
    cache is still being read. One read transaction, so one consistent state of the project."""
    with transaction(cache.engine, write=False) as db:
        found = db.execute(f"SELECT {', '.join(PROJECT_COLUMNS)} FROM projects WHERE id = ?", (project_id,)).fetchone()
        if found is not None:
            yield (PROJECT_KIND, project_id, plain_fields(decode_project(found)))
        for kind in ENTITY_KINDS:
            mapper = MAPPERS[kind]
            cursor = db.execute(mapper.select_sql(), (project_id,))
            while chunk := cursor.fetchmany(5000):
                for values in chunk:
                    obj = mapper.decode(values)
                    yield (kind, obj.id, plain_fields(obj))


def _bulk_chunks(reader: Iterator[ImportRow], rows: list[ImportRow]) -> Iterator[list[ImportRow]]:
    """Batches of rows as `reader` gives them (`rows` keeps all read so far): a small first one (the server
    starts at once), full ones, and a small last one (little left to settle once the server is done). The
    first batch holding links reads the rest: the ranks that prove the logic loop-free need every link."""
    pos = 0
    exhausted = False
    while True:
        if not exhausted:
            want = pos + (BULK_EDGE if pos == 0 else BULK_BATCH)
            rows.extend(itertools.islice(reader, want - len(rows)))
            if len(rows) < want:
                exhausted = True
            elif any(kind == "relationship" for kind, _id, _fields in rows[pos:want]):
                rows.extend(reader)
                exhausted = True
        left = len(rows) - pos
        if left == 0:
            return
        if pos == 0:
            size = min(left, BULK_EDGE)
        elif not exhausted:
            size = BULK_BATCH
        else:
            size = left if left <= BULK_EDGE else min(BULK_BATCH, left - BULK_EDGE)
        yield rows[pos : pos + size]
        pos += size


def _push_bulk(
    conn: psycopg.Connection[tuple[Any, ...]],
    state: SyncState,
    project_id: str,
    *,
    reader: Iterator[ImportRow],
    rows: list[ImportRow],
    seed: uuid.UUID,
    pending: list[PendingRow],
    entry: ProjectSummary,
) -> bool:
    """A first sync through the server's bulk door, a transaction per batch of new rows: one thread talks to the
    server while this one prepares the next batch and settles the one before. False when the server (or this
    side: the logic has a loop) sent a batch back untouched: push() then answers change by change, skipping
    the batches already in."""
    ranks: dict[str, int] | None = None
    ranks_sent = False
    in_flight: deque[tuple[Future[protocol.BulkResults | protocol.BulkRefusal], list[OutgoingChange]]] = deque()
    refused: protocol.BulkRefusal | None = None
    chunks = _bulk_chunks(reader, rows)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bbschedule-bulk") as pool:
        try:
            for chunk in chunks:
                batch = _import_changes(project_id, chunk, seed)
                linked = any(c.kind == "relationship" for c in batch)
                if linked and ranks is None:
                    ranks = topological_ranks(rows)  # every row is read by now
                    if ranks is None:  # a loop: push() names the link that closes it
                        refused = protocol.BulkRefusal("loop", "the logic has a loop")
                        break
                # The server keeps the ranks for the session: sent once, with the first batch of links.
                send = ranks if linked and not ranks_sent else None
                future = pool.submit(protocol.push_bulk, conn, project_id, batch, ranks=send, keep_ranks=ranks_sent)
                ranks_sent = ranks_sent or send is not None
                in_flight.append((future, batch))
                while in_flight and (len(in_flight) > 1 or in_flight[0][0].done()):
                    refused = _settle_bulk(state, project_id, in_flight.popleft(), entry)
                    if refused is not None:
                        break
                if refused is not None:
                    break
            while in_flight and refused is None:
                refused = _settle_bulk(state, project_id, in_flight.popleft(), entry)
        finally:
            for future, _ in in_flight:
                future.cancel()
            for future, batch in in_flight:  # already under way: wait, and settle what went in
                if not future.cancelled() and not isinstance(future.exception(), BaseException):
                    _settle_bulk(state, project_id, (future, batch), entry)
    if refused is not None:
        log.info("first sync of %s goes change by change: %s (%s)", project_id, refused.reason, refused.code)
        return False
    # Every row is in: the outbox is done. (Cut off before this, the next sync sends the rows again and the
    # server skips every one by its change id.)
    state.acknowledge(project_id, pushed_seqs=[p.seq for p in pending], shadows={}, server_rows={})
    return True


def _settle_bulk(
    state: SyncState,
    project_id: str,
    item: tuple[Future[protocol.BulkResults | protocol.BulkRefusal], list[OutgoingChange]],
    entry: ProjectSummary,
) -> protocol.BulkRefusal | None:
    future, batch = item
    answer = future.result()
    if isinstance(answer, protocol.BulkRefusal):
        return answer
    pairs = list(zip(batch, answer, strict=True))
    written = all(r.status == "applied" for r in answer)  # else some rows of its txid are not known exactly
    resent = {(c.kind, c.row_id) for c, r in pairs if r.status == "skipped"}  # earlier pushes' rows
    shadows = state.shadows(project_id, resent) if resent else {}
    _settle(state, project_id, pairs, shadows, [], entry)
    if written:
        entry.bulk_txids.append(answer.txid)
    return None


def topological_ranks(rows: Sequence[ImportRow]) -> dict[str, int] | None:
    """A rank per activity such that every relationship of `rows` goes from a lower to a higher rank (the
    server checks it, and so needs no loop search of its own); None when the relationships close a loop."""
    succs: dict[str, list[str]] = {}
    indeg: dict[str, int] = {}
    for kind, row_id, fields in rows:
        if kind == "activity":
            indeg.setdefault(row_id, 0)
        elif kind == "relationship":
            pred, succ = fields.get("predecessor_id"), fields.get("successor_id")
            if isinstance(pred, str) and isinstance(succ, str):
                succs.setdefault(pred, []).append(succ)
                indeg[succ] = indeg.get(succ, 0) + 1
                indeg.setdefault(pred, 0)
    front = [node for node, n in indeg.items() if n == 0]
    ranks: dict[str, int] = {}
    while front:
        node = front.pop()
        ranks[node] = len(ranks)
        for succ in succs.get(node, ()):
            indeg[succ] -= 1
            if indeg[succ] == 0:
                front.append(succ)
    return ranks if len(ranks) == len(indeg) else None


def _batches(
    state: SyncState, project_id: str, pending: list[PendingRow], everything: list[OutgoingChange] | None
) -> Iterator[tuple[list[OutgoingChange], list[int]]]:
    """Outgoing changes in batches, with the outbox rows each batch settles; `everything`: a new project's rows."""
    if everything is not None:
        all_seqs = [p.seq for p in pending]
        size = IMPORT_BATCH
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
        fields = _fields(row, shadow)
        if fields is not None and not fields and shadow is not None:
            seqs += settles[key]  # back to what the server has: nothing to send
            continue
        changes.append(OutgoingChange(row.change_id, project_id, row.kind, row.row_id, base_rev, fields))
        seqs += settles[key]
        if len(changes) >= PUSH_BATCH:
            yield changes, seqs
            changes, seqs = [], []
    if changes or seqs:
        yield changes, seqs


def _uuid5(namespace: uuid.UUID, name: str) -> str:
    """uuid.uuid5(namespace, name) as text, without building UUID objects (250k of them in a first sync)."""
    digest = bytearray(hashlib.sha1(namespace.bytes + name.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _diff(base: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if base.get(k) != v}


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
    cursor = state.cursor(project_id)
    count = 0
    while True:
        if skip_txids:  # leave out the rows this sync wrote in bulk: this cache has them exactly
            keys, scanned, full = protocol.pull_keys(
                conn, project_id, cursor, limit=PULL_PAGE * 4, skip_txids=skip_txids
            )
            if scanned is None:
                return count
        else:
            keys = protocol.pull_page(conn, project_id, cursor, limit=PULL_PAGE, with_fields=False)
            if not keys:
                return count
            scanned, full = keys[-1].cursor, len(keys) >= PULL_PAGE
        mine = {(r.kind, r.id): r.rev for r in keys if written.get((r.kind, r.id)) == r.rev}
        known = state.exact_revs(project_id, [(r.kind, r.id) for r in keys if (r.kind, r.id) not in mine])
        known.update(mine)
        pending = {(p.kind, p.row_id) for p in state.pending(project_id)}
        wanted = [
            (r.kind, r.id)
            for r in keys
            if not r.deleted and (known.get((r.kind, r.id)) != r.rev or (r.kind, r.id) in pending)
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
