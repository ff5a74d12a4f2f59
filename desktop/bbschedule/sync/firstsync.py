"""The first sync of a new project through the server's bulk door (bulk_begin, COPY, bulk_push): the rows read
from the cache as they are sent, in batches of one transaction each, pipelined so that the server writes one
batch while this side prepares the next and settles the one before.

Change ids derive from the import's change id (`uuid5`), so a first sync cut off half-way is sent again and the
server skips the rows already in. A batch the server sends back (a loop, a dangling link, rows it has already)
ends the bulk path; the caller then sends everything through push(), which answers change by change.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
import logging
import threading
import uuid
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import psycopg

from bbschedule.core.changes import PROJECT_KIND
from bbschedule.core.project_data import ENTITY_KINDS
from bbschedule.storage.cache import LocalCache
from bbschedule.storage.engine import transaction
from bbschedule.storage.mapping import MAPPERS, PROJECT_COLUMNS, decode_project
from bbschedule.sync import protocol
from bbschedule.sync.localstate import SyncState, plain_fields
from bbschedule.sync.protocol import OutgoingChange, PushResult, dumps

log = logging.getLogger(__name__)

BULK_BATCH = 80_000
"""Rows per transaction through bulk_push: the server writes one batch while this side settles the one before."""
BULK_EDGE = 10_000
"""The first and the last batch are this small: the server starts at once, and little is left to settle at the end."""

_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode
"""protocol.dumps's text, without an encoder made per call (json.dumps does that for any option; 250k rows)."""

ImportRow = tuple[str, str, dict[str, Any]]
NewShadow = tuple[str, str, int, str]
"""(kind, row id, the server's revision, the fields as JSON text)."""
_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_state = [True]
"""Whether the collector was on when the first pause began."""

Settle = Callable[[list[tuple[OutgoingChange, PushResult]], "int | None"], None]
"""Called with each batch's (change, result) pairs, in order, and its server transaction when every row of the
batch went in as sent (None otherwise)."""


def import_changes(project_id: str, rows: Sequence[ImportRow], seed: uuid.UUID) -> list[OutgoingChange]:
    """Rows of a new project as changes, with change ids derived from the import's (`seed`): a push cut off
    half-way is sent again and the rows already in are skipped."""
    return [
        OutgoingChange(uuid5(seed, f"{kind}:{row_id}"), project_id, kind, row_id, 0, fields, _ENCODE(fields))
        for kind, row_id, fields in rows
    ]


def project_rows(cache: LocalCache, project_id: str) -> Generator[ImportRow, None, None]:
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


def bulk_chunks(reader: Iterator[ImportRow], rows: list[ImportRow]) -> Iterator[list[ImportRow]]:
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


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a first sync: its 250k rows (dicts, tuples, JSON texts) hold no
    cycles, reference counting frees them, yet the collector's full passes over them cost about a quarter of
    the client's CPU. Nested or on several threads at once, it is back on when the last one ends."""
    global _gc_pauses
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_state[0] = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_state[0]:
                gc.enable()


def push_new_project(
    conn: psycopg.Connection[tuple[Any, ...]],
    project_id: str,
    *,
    reader: Iterator[ImportRow],
    rows: list[ImportRow],
    seed: uuid.UUID,
    settle: Settle,
) -> bool:
    """Every row `reader` gives (kept in `rows`) through bulk_push, a transaction per batch: one thread talks to
    the server while this one prepares the next batch and settles (`settle`) the one before. False when the
    server (or this side: the logic has a loop) sent a batch back untouched; the batches before it are in and
    settled."""
    ranks: dict[str, int] | None = None
    ranks_sent = False
    in_flight: deque[tuple[Future[protocol.BulkResults | protocol.BulkRefusal], list[OutgoingChange]]] = deque()
    refused: protocol.BulkRefusal | None = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bbschedule-bulk") as pool:
        try:
            for chunk in bulk_chunks(reader, rows):
                batch = import_changes(project_id, chunk, seed)
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
                while in_flight and refused is None and (len(in_flight) > 1 or in_flight[0][0].done()):
                    refused = _settle_batch(in_flight.popleft(), settle)
                if refused is not None:
                    break
            while in_flight and refused is None:
                refused = _settle_batch(in_flight.popleft(), settle)
        finally:
            for future, _ in in_flight:
                future.cancel()
            for future, batch in in_flight:  # already under way: wait, and settle what went in
                if not future.cancelled() and future.exception() is None:
                    _settle_batch((future, batch), settle)
    if refused is not None:
        log.info("first sync of %s goes change by change: %s (%s)", project_id, refused.reason, refused.code)
        return False
    return True


def _settle_batch(
    item: tuple[Future[protocol.BulkResults | protocol.BulkRefusal], list[OutgoingChange]], settle: Settle
) -> protocol.BulkRefusal | None:
    future, batch = item
    answer = future.result()
    if isinstance(answer, protocol.BulkRefusal):
        return answer
    exact = all(r.status == "applied" for r in answer)  # else some rows of its transaction came from elsewhere
    settle(list(zip(batch, answer, strict=True)), answer.txid if exact else None)
    return None


def store_new_shadows(
    state: SyncState, project_id: str, pairs: list[tuple[OutgoingChange, PushResult]]
) -> tuple[list[NewShadow], list[tuple[OutgoingChange, PushResult]]]:
    """Shadows of the rows of a batch the server took as sent, stored: exactly what was sent, at the server's
    revision, by plain inserts (new rows: no shadow to merge into, and no object per row on the way; 250k rows
    in a first sync). Returns them, and the other pairs (e.g. rows of an earlier, cut-off sync: skipped) for
    the caller to settle change by change."""
    fresh: list[NewShadow] = []
    rest: list[tuple[OutgoingChange, PushResult]] = []
    for change, result in pairs:
        if result.status == "applied" and result.rev is not None and change.fields is not None:
            fresh.append((change.kind, change.row_id, result.rev, change.fields_json or dumps(change.fields)))
        else:
            rest.append((change, result))
    if fresh:
        state.add_new_shadows(project_id, fresh)
    return fresh, rest


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


def uuid5(namespace: uuid.UUID, name: str) -> str:
    """uuid.uuid5(namespace, name) as text, without building UUID objects (250k of them in a first sync)."""
    digest = bytearray(hashlib.sha1(namespace.bytes + name.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
