"""The planner's open conflicts on the server (same-field edits that kept theirs, edits that lost to a delete),
for the conflicts dialog: list them, and mark one resolved once the planner's pick has been pushed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import psycopg

from bbschedule.sync.protocol import SCHEMA


@dataclass(frozen=True, slots=True)
class Conflict:
    id: int
    project_id: str
    kind: str
    row_id: str
    field: str
    """The field, or '*' for a whole row (an edit that lost to a delete)."""
    reason: str
    """same_field or deleted."""
    theirs: Any
    mine: Any
    other_user: str | None
    created_at: dt.datetime

    @property
    def lost_to_delete(self) -> bool:
        return self.reason == "deleted"


def open_conflicts(conn: psycopg.Connection[tuple[Any, ...]], project_id: str) -> list[Conflict]:
    """This user's unresolved conflicts in the project, oldest first (row-level security shows no one else's)."""
    rows = conn.execute(
        "SELECT id, project_id::text, kind, row_id::text, field, reason, theirs, mine, other_user, created_at"
        f" FROM {SCHEMA}.conflicts WHERE project_id = %s AND user_name = session_user AND resolved_at IS NULL"
        " ORDER BY id",
        (project_id,),
    ).fetchall()
    conn.commit()
    return [Conflict(*row) for row in rows]


def mark_resolved(conn: psycopg.Connection[tuple[Any, ...]], conflict_id: int) -> bool:
    """Close a conflict of this user's; False when it is not theirs or was closed already."""
    row = conn.execute(f"SELECT {SCHEMA}.resolve_conflict(%s)", (conflict_id,)).fetchone()
    conn.commit()
    return bool(row and row[0])
