"""The wire protocol with the central server: hello(), push(batch) and pull(project, cursor) over psycopg.

Plain values in and out; what to send and where pulled rows go is the client's business (sync/client.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

from bbschedule.storage.mapping import dumps as dumps  # the wire text is the cache's compact JSON

PROTOCOL_VERSION = 1
SCHEMA = "bbschedule"


@dataclass(frozen=True, slots=True)
class OutgoingChange:
    """One row changed locally: `fields` None is a delete (tombstone); otherwise the changed fields."""

    change_id: str
    project_id: str
    kind: str
    row_id: str
    base_rev: int
    fields: dict[str, Any] | None
    fields_json: str | None = None
    """`fields` as JSON text when the caller has it already (a first sync serialises each row once)."""

    def to_json(self) -> dict[str, Any]:
        plain: dict[str, Any] = {
            "change_id": self.change_id,
            "project": self.project_id,
            "kind": self.kind,
            "id": self.row_id,
            "base_rev": self.base_rev,
        }
        if self.fields is None:
            plain["deleted"] = True
        else:
            plain["fields"] = self.fields
        return plain

    def wire(self) -> str:
        q = _quoted
        head = (
            f'{{"change_id":{q(self.change_id)},"project":{q(self.project_id)},"kind":{q(self.kind)},'
            f'"id":{q(self.row_id)},"base_rev":{int(self.base_rev)},'
        )
        if self.fields is None:
            return head + '"deleted":true}'
        return head + '"fields":' + (self.fields_json or dumps(self.fields)) + "}"


def _quoted(text: str) -> str:
    return json.dumps(text) if '"' in text or "\\" in text or not text.isascii() else f'"{text}"'


@dataclass(frozen=True, slots=True)
class PushResult:
    change_id: str
    status: str
    """applied, skipped (already applied earlier), conflict (merged but some fields kept theirs) or refused."""
    rev: int | None
    code: str | None = None
    """Why refused: forbidden, dangling, loop, deleted (delete beat this edit), referenced, invalid."""
    reason: str | None = None
    conflicts: tuple[dict[str, Any], ...] = ()
    row: dict[str, Any] | None = None
    """The server's row after the change when it did not go through as sent (fields, rev, deleted)."""
    was: str | None = None
    """For a skipped change: what happened when it was first applied."""
    exact: bool = True
    """False when the server merged others' edits into the row: it is not what the client has."""

    @property
    def outcome(self) -> str:
        """applied, conflict or refused: for a skipped change, what it was the first time."""
        return self.was or self.status if self.status == "skipped" else self.status

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> PushResult:
        if len(value) == 3 and value.get("status") == "applied":  # the common answer, 250k times in a first sync
            return cls(value["change_id"], "applied", value["rev"])
        return cls(
            change_id=str(value["change_id"]),
            status=str(value["status"]),
            rev=None if value.get("rev") is None else int(value["rev"]),
            code=value.get("code"),
            reason=value.get("reason"),
            conflicts=tuple(value.get("conflicts") or ()),
            row=value.get("row"),
            was=value.get("was"),
            exact=bool(value.get("exact", True)),
        )


@dataclass(frozen=True, slots=True, order=True)
class Cursor:
    """Where a pull stopped: every row at or below (txid, rev) has been applied."""

    txid: int = 0
    rev: int = 0


@dataclass(frozen=True, slots=True)
class PulledRow:
    kind: str
    id: str
    raw: str
    """The fields as the server's JSON text: parsed only for rows the cache does not have yet."""
    rev: int
    txid: int
    deleted: bool
    updated_by: str

    @property
    def fields(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.raw)
        return value

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.txid, self.rev)


@dataclass(frozen=True, slots=True)
class ProjectAccess:
    id: str
    code: str
    role: str


@dataclass(frozen=True, slots=True)
class ServerHello:
    protocol_version: int
    incarnation_id: str
    schema_version: int
    user: str
    projects: tuple[ProjectAccess, ...] = field(default=())

    def role(self, project_id: str) -> str | None:
        return next((p.role for p in self.projects if p.id == project_id), None)


Connection = psycopg.Connection[tuple[Any, ...]]


def hello(conn: Connection) -> ServerHello:
    row = conn.execute(f"SELECT {SCHEMA}.hello()").fetchone()
    conn.commit()
    assert row is not None
    value: dict[str, Any] = row[0]
    return ServerHello(
        protocol_version=int(value["protocol_version"]),
        incarnation_id=str(value["incarnation_id"]),
        schema_version=int(value["schema_version"] or 0),
        user=str(value["user"]),
        projects=tuple(ProjectAccess(str(p["id"]), str(p["code"]), str(p["role"])) for p in value["projects"]),
    )


def push(conn: Connection, changes: Sequence[OutgoingChange]) -> list[PushResult]:
    """Send one batch; the server applies it in one transaction, committed here."""
    text = "[" + ",".join(c.wire() for c in changes) + "]"
    row = conn.execute(f"SELECT {SCHEMA}.push(%s::jsonb)", (text,)).fetchone()
    conn.commit()
    assert row is not None
    return [PushResult.from_json(r) for r in row[0]]


def pull_page(
    conn: Connection, project_id: str, cursor: Cursor, *, limit: int = 5000, with_fields: bool = True
) -> list[PulledRow]:
    """Rows after `cursor`; without fields (`raw` empty) when the caller will fetch only the rows it lacks."""
    rows = conn.execute(
        "SELECT kind, id::text, coalesce(fields::text, ''), rev, txid::text, deleted, updated_by"
        f" FROM {SCHEMA}.pull(%s, %s::xid8, %s, %s, %s)",
        (project_id, str(cursor.txid), cursor.rev, limit, with_fields),
    ).fetchall()
    conn.commit()
    return [PulledRow(r[0], r[1], r[2], int(r[3]), int(r[4]), bool(r[5]), r[6]) for r in rows]


def fetch_rows(conn: Connection, project_id: str, keys: Sequence[tuple[str, str]]) -> list[PulledRow]:
    """The server's current version of the rows named by (kind, id)."""
    rows = conn.execute(
        "SELECT kind, id::text, fields::text, rev, txid::text, deleted, updated_by"
        f" FROM {SCHEMA}.fetch_rows(%s, %s::text[], %s::uuid[])",
        (project_id, [k for k, _ in keys], [i for _, i in keys]),
    ).fetchall()
    conn.commit()
    return [PulledRow(r[0], r[1], r[2], int(r[3]), int(r[4]), bool(r[5]), r[6]) for r in rows]


BULK_SCHEMA_VERSION = 3
"""The first server schema with bulk_begin()/bulk_push(): a first sync streamed with COPY."""


class BulkResults(list[PushResult]):
    """bulk_push's answers, in the order sent, and the server transaction that wrote them."""

    def __init__(self, results: list[PushResult], txid: int) -> None:
        super().__init__(results)
        self.txid = txid


@dataclass(frozen=True, slots=True)
class BulkRefusal:
    """bulk_push wrote nothing: `code` forbidden, invalid, not_new, dangling or loop; `rows` some rows at fault."""

    code: str
    reason: str
    rows: tuple[tuple[str, str, str], ...] = ()


def push_bulk(
    conn: Connection,
    project_id: str,
    changes: Sequence[OutgoingChange],
    *,
    ranks: dict[str, int] | None = None,
    keep_ranks: bool = False,
) -> BulkResults | BulkRefusal:
    """Brand-new rows of one project in one transaction: staged with COPY, checked and written set-based by the
    server. `ranks`: a topological rank per activity id, which spares the server its own loop search; the
    server keeps them for the session, so later batches pass `keep_ranks` instead. A refusal is rolled back
    (nothing was written) and returned; the caller then sends the changes through push()."""
    try:
        conn.execute(f"SELECT {SCHEMA}.bulk_begin(%s)", (keep_ranks and not ranks,))
        with conn.cursor().copy("COPY pg_temp.bulk_stage (ord, change_id, kind, id, fields) FROM STDIN") as copy:
            for start in range(0, len(changes), 5000):
                chunk = changes[start : start + 5000]
                copy.write("".join([_copy_line(start + i + 1, c) for i, c in enumerate(chunk)]))
        if ranks:
            with conn.cursor().copy("COPY pg_temp.bulk_ranks (id, topo) FROM STDIN") as copy:
                copy.write("".join([f"{_copy_text(row_id)}\t{rank}\n" for row_id, rank in ranks.items()]))
        row = conn.execute(f"SELECT {SCHEMA}.bulk_push(%s)", (project_id,)).fetchone()
    except BaseException:
        conn.rollback()
        raise
    assert row is not None
    answer: dict[str, Any] = row[0]
    if answer["status"] != "applied":
        conn.rollback()
        rows = tuple((str(k), str(i), str(why)) for k, i, why in answer.get("rows") or ())
        return BulkRefusal(str(answer.get("code")), str(answer.get("reason")), rows)
    conn.commit()
    results = [PushResult(c.change_id, "applied", rev) for c, rev in zip(changes, answer["revs"], strict=True)]
    for skipped in answer["skipped"]:
        results[int(skipped["ord"]) - 1] = PushResult.from_json(skipped)
    return BulkResults(results, int(answer["txid"]))


def pull_keys(
    conn: Connection, project_id: str, cursor: Cursor, *, limit: int, skip_txids: Sequence[int]
) -> tuple[list[PulledRow], Cursor | None, bool]:
    """Keys and revisions after `cursor`, leaving out rows last written by `skip_txids` (this client's own bulk
    transactions): the rows, where the page stopped (None: nothing after the cursor) and whether it was full."""
    rows = conn.execute(
        "SELECT kind, id::text, rev, txid::text, deleted, updated_by"
        f" FROM {SCHEMA}.pull_keys(%s, %s::xid8, %s, %s, %s::xid8[])",
        (project_id, str(cursor.txid), cursor.rev, limit, [str(t) for t in skip_txids]),
    ).fetchall()
    conn.commit()
    if not rows:
        return [], None, False
    *page, (_kind, _id, rev, txid, full, _by) = rows
    keys = [PulledRow(r[0], r[1], "", int(r[2]), int(r[3]), bool(r[4]), r[5]) for r in page]
    return keys, Cursor(int(txid), int(rev)), bool(full)


def _copy_line(ord_: int, change: OutgoingChange) -> str:
    """One row in COPY's text format: JSON never holds a raw tab or newline, so only backslashes need doubling."""
    if change.fields is None:
        raise ValueError("push_bulk takes new rows only, not deletes")
    fields = change.fields_json or dumps(change.fields)
    if "\\" in fields:
        fields = fields.replace("\\", "\\\\")
    return f"{ord_}\t{change.change_id}\t{_copy_text(change.kind)}\t{_copy_text(change.row_id)}\t{fields}\n"


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPES) if not value.isprintable() or "\\" in value else value
