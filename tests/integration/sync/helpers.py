"""Small builders for server tests: changes for push, and a project with a calendar and activities."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from bbschedule.sync import protocol
from bbschedule.sync.protocol import Cursor, OutgoingChange, PushResult


def new_id() -> str:
    return str(uuid.uuid4())


def change(project: str, kind: str, row_id: str, fields: dict[str, Any] | None, *, base_rev: int = 0) -> OutgoingChange:
    return OutgoingChange(new_id(), project, kind, row_id, base_rev, fields)


def activity_fields(code: str, calendar_id: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "name": f"Activity {code}", "calendar_id": calendar_id, "original_duration": 480, **extra}


def rel_fields(pred: str, succ: str) -> dict[str, Any]:
    return {"predecessor_id": pred, "successor_id": succ, "type": "FS", "lag": 0}


class ProjectBuilder:
    """A project pushed by its creator: ids of the calendar and of activities by code."""

    def __init__(self, conn: psycopg.Connection[Any], codes: list[str]) -> None:
        self.id = new_id()
        self.calendar = new_id()
        self.activities = {code: new_id() for code in codes}
        self.revs: dict[str, int] = {}
        changes = [
            change(self.id, "project", self.id, {"code": f"P{self.id[:6]}", "name": "Test project"}),
            change(self.id, "calendar", self.calendar, {"name": "Standard", "is_default": True}),
        ]
        changes += [
            change(self.id, "activity", aid, activity_fields(code, self.calendar))
            for code, aid in self.activities.items()
        ]
        results = push(conn, changes)
        assert all(r.status == "applied" for r in results), results
        for code, result in zip(self.activities, results[2:], strict=True):
            assert result.rev is not None
            self.revs[code] = result.rev

    def act(self, code: str) -> str:
        return self.activities[code]


def push(conn: psycopg.Connection[Any], changes: list[OutgoingChange]) -> list[PushResult]:
    return protocol.push(conn, changes)


def pull_all(
    conn: psycopg.Connection[Any], project: str, cursor: Cursor, *, limit: int = 1000
) -> tuple[list[protocol.PulledRow], Cursor]:
    rows: list[protocol.PulledRow] = []
    while True:
        page = protocol.pull_page(conn, project, cursor, limit=limit)
        if not page:
            return rows, cursor
        rows += page
        cursor = page[-1].cursor


def server_row(admin_dsn: str, project: str, kind: str, row_id: str) -> dict[str, Any] | None:
    with psycopg.connect(admin_dsn) as conn:
        row = conn.execute(
            "SELECT fields, rev, deleted, updated_by FROM bbschedule.entities WHERE project_id = %s AND kind = %s"
            " AND id = %s",
            (project, kind, row_id),
        ).fetchone()
    if row is None:
        return None
    return {"fields": row[0], "rev": row[1], "deleted": row[2], "updated_by": row[3]}
