"""A session whose relationships arrive after it opens (the window paints first): every edit, undo, redo and
pulled change waits for them, so nothing is ever built on half a project."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pytest

from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.calendar import Calendar
from bbschedule.core.changes import ChangeSet
from bbschedule.core.commands import DeleteActivity
from bbschedule.core.errors import BBScheduleError
from bbschedule.core.project import Project
from bbschedule.core.project_data import ProjectData
from bbschedule.services.session import ProjectSession


def _split() -> tuple[ProjectSession, dict[str, Relationship], list[str]]:
    """A session on three chained activities without their two links, and the links held back."""
    cal = Calendar("Standard")
    data = ProjectData(Project("P", "Later", dt.datetime(2026, 3, 2, 8)), calendars={cal.id: cal})
    acts = [Activity(f"A{i}", f"Activity {i}", cal.id) for i in range(3)]
    data.activities = {a.id: a for a in acts}
    links = [Relationship(acts[0].id, acts[1].id), Relationship(acts[1].id, acts[2].id)]
    return ProjectSession(data), {r.id: r for r in links}, [a.id for a in acts]


def test_an_edit_waits_for_the_relationships_and_sees_them() -> None:
    session, links, ids = _split()
    calls: list[int] = []
    announced: list[ChangeSet] = []
    session.subscribe(announced.append)

    def finish() -> Mapping[str, Relationship]:
        calls.append(1)
        return links

    session.load_later(finish)
    assert session.loading
    change_set = session.apply(DeleteActivity(ids[1]))  # deleting an activity deletes its links: they must be there
    assert calls == [1]
    assert not session.loading
    assert {c.id for c in change_set.changes if c.kind == "relationship"} == set(links)
    assert session.data.relationships == {}
    assert announced[0].label == "Relationships loaded"  # views learn the links came, before the edit
    session.undo()
    assert session.data.relationships == links
    session.ensure_loaded()
    assert calls == [1]  # taken once


def test_relationships_that_cannot_be_read_stop_every_edit() -> None:
    session, _links, ids = _split()

    def finish() -> Mapping[str, Relationship]:
        raise BBScheduleError("cannot read the project's relationships (disk I/O error)")

    session.load_later(finish)
    for _ in range(2):
        with pytest.raises(BBScheduleError, match="relationships"):
            session.apply(DeleteActivity(ids[0]))
    assert session.loading
    assert ids[0] in session.data.activities  # nothing half done
