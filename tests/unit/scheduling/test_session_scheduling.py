"""The scheduling use case on a session: the first F9 schedules in full, the next ones only what edits reach,
and the session's computed dates are always those of a full run."""

from __future__ import annotations

import copy

from benchmarks.generate import generate_project

from bbschedule.core.activity import Relationship
from bbschedule.core.commands import AddRelationship, DeleteActivity, SetActivityField
from bbschedule.scheduling.engine import schedule
from bbschedule.services.scheduling import SessionScheduler, schedule_session
from bbschedule.services.session import ProjectSession


def fresh_session() -> ProjectSession:
    return ProjectSession(copy.deepcopy(generate_project(400, seed=3)))


def test_session_scheduler_matches_full_runs_after_edits() -> None:
    session = fresh_session()
    runner = SessionScheduler(session)
    runner.run()
    assert session.data.computed == schedule(session.data).computed()
    ids = [a.id for a in session.data.activities.values() if a.original_duration > 0 and a.actual_start is None]
    session.apply(SetActivityField(ids[3], "original_duration", 480 * 12))
    session.apply(SetActivityField(ids[40], "original_duration", 480))
    result = runner.run()
    assert len(result.changed_ids()) < len(session.data.activities)
    assert session.data.computed == schedule(session.data).computed()
    # A structural edit (a new link, a deleted activity) is seen too.
    session.apply(AddRelationship(Relationship(ids[0], ids[-1], lag=480 * 50)))
    session.apply(DeleteActivity(ids[7]))
    runner.run()
    assert session.data.computed == schedule(session.data).computed()
    assert ids[7] not in session.data.computed


def test_schedule_session_stores_every_activity() -> None:
    session = fresh_session()
    seen = []
    session.subscribe(seen.append)
    result = schedule_session(session)
    assert set(session.data.computed) == set(session.data.activities)
    assert seen
    assert result.elapsed_ms > 0
