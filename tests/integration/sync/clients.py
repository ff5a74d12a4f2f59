"""Client caches for sync tests: a profile's LocalCache, a session to edit it, and a way to compare with the server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.calendar import Calendar
from bbschedule.core.commands import Command
from bbschedule.core.project import Project
from bbschedule.core.project_data import ProjectData
from bbschedule.services.session import ProjectSession
from bbschedule.storage.cache import LocalCache
from bbschedule.sync.client import SyncSummary, sync_all
from bbschedule.sync.localstate import SyncState, plain_fields

if TYPE_CHECKING:
    from tests.integration.sync.conftest import ServerDb


def sample_project(n_activities: int, *, code: str = "SYNC") -> ProjectData:
    calendar = Calendar(name="Standard", is_default=True)
    project = Project(
        code=code, name="Synced project", planned_start=dt.datetime(2026, 1, 5, 8), default_calendar_id=calendar.id
    )
    data = ProjectData(project, calendars={calendar.id: calendar})
    previous = None
    for i in range(n_activities):
        activity = Activity(code=f"A{i:05d}", name=f"Activity {i}", calendar_id=calendar.id, original_duration=480)
        data.activities[activity.id] = activity
        if previous is not None:
            rel = Relationship(previous.id, activity.id)
            data.relationships[rel.id] = rel
        previous = activity
    return data


class Client:
    """One planner's profile folder: its cache, its login, and sessions on its projects."""

    def __init__(self, folder: Path, dsn: str) -> None:
        self.cache = LocalCache(folder / "cache.sqlite")
        self.dsn = dsn
        self.user = conninfo_to_dict(dsn)["user"]

    def sync(self) -> SyncSummary:
        """What `bbschedule sync` does: the password is in the test DSN, so none is passed separately."""
        return sync_all(self.cache, server=self.dsn, user=str(self.user), password=None)

    def session(self, project_id: str) -> ProjectSession:
        data, history = self.cache.load_project(project_id)
        return ProjectSession(data, store=self.cache.store_for(project_id), history=history)

    def state(self, project_id: str) -> dict[tuple[str, str], dict[str, Any]]:
        return {(kind, row_id): fields for kind, row_id, fields in SyncState(self.cache).current_rows(project_id)}

    def close(self) -> None:
        self.cache.close()


def shared_project(
    server_db: ServerDb, tmp_path: Path, n_activities: int = 6, *, name: str = "bob", role: str = "planner"
) -> tuple[Client, Client, str]:
    """Alice's project of `n_activities`, synced up, shared with another login (`name`, `role`) and pulled into
    that login's cache: (alice, the other, project id)."""
    from bbschedule.sync import admin

    alice = Client(tmp_path / "alice", server_db.user("alice")[1])
    data = sample_project(n_activities)
    alice.cache.import_project(data)
    alice.sync()
    other = Client(tmp_path / name, server_db.user(name)[1])
    admin.grant(server_db.admin_dsn, user=str(other.user), project=data.project.id, role=role)
    other.sync()
    assert other.cache.find_project(data.project.id) is not None
    return alice, other, data.project.id


def edits_by_another_planner(
    server_db: ServerDb, folder: Path, project_id: str, *commands: Command, prefix: str = "bob"
) -> str:
    """Another planner is made a planner on the project, makes `commands` in a cache of their own and syncs;
    returns their login name."""
    from bbschedule.sync import admin

    name, dsn = server_db.user(prefix)
    admin.grant(server_db.admin_dsn, user=name, project=project_id, role="planner")
    other = Client(folder / prefix, dsn)
    try:
        other.sync()
        session = other.session(project_id)
        for command in commands:
            session.apply(command)
        other.sync()
    finally:
        other.close()
    return name


def server_state(admin_dsn: str, project_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    with psycopg.connect(admin_dsn) as conn:
        rows = conn.execute(
            "SELECT kind, id::text, fields FROM bbschedule.entities WHERE project_id = %s AND NOT deleted",
            (project_id,),
        ).fetchall()
    return {(kind, row_id): fields for kind, row_id, fields in rows}


def local_fields(obj: Any) -> dict[str, Any]:
    return plain_fields(obj)
