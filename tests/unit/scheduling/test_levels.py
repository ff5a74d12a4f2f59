"""The numpy forms (CalendarTable, the level-at-a-time passes, free_floats) give the scalar forms' values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import numpy as np
import pytest
from benchmarks.generate import generate_project

from bbschedule.core.activity import Constraint
from bbschedule.core.enums import ConstraintType, ProgressMode
from bbschedule.core.project_data import ProjectData
from bbschedule.scheduling import levels
from bbschedule.scheduling.calendar import CalendarTable
from bbschedule.scheduling.engine import Scheduler
from bbschedule.scheduling.passes import free_float, free_floats

BASE = generate_project(3000, seed=11)


def with_mode(data: ProjectData, mode: ProgressMode) -> ProjectData:
    options = dataclasses.replace(data.project.options, progress_mode=mode)
    return dataclasses.replace(data, project=dataclasses.replace(data.project, options=options))


def everything(scheduler: Scheduler) -> tuple[object, ...]:
    d = scheduler.dates
    return (
        d.es,
        d.ef,
        d.ls,
        d.lf,
        d.es_pos,
        d.ef_pos,
        d.ls_pos,
        d.lf_pos,
        d.link_start,
        d.early_forced,
        scheduler.total_float,
        scheduler.free_float,
        scheduler.critical,
        sorted(scheduler.longest),
    )


def test_calendar_table_answers_as_each_calendar_does():
    scheduler = Scheduler(BASE)
    flat = scheduler.net.flat
    assert flat is not None
    calendars = flat.cal_objects
    table = CalendarTable(calendars)
    rng = random.Random(3)
    dd = scheduler.net.data_date
    # Values inside the compiled horizon and far outside it (which makes the calendars grow).
    minutes = [dd + rng.randint(-3_000_000, 6_000_000) for _ in range(2000)]
    cal = [rng.randrange(len(calendars)) for _ in minutes]
    m_arr, c_arr = np.array(minutes, dtype=np.int64), np.array(cal, dtype=np.int64)
    positions = table.position(m_arr, c_arr).tolist()
    assert positions == [calendars[j].position(m) for m, j in zip(minutes, cal, strict=True)]
    p_arr = np.array(positions, dtype=np.int64) + rng.randint(-5000, 5000)
    expected_start = [calendars[j].start_at(p) for p, j in zip(p_arr.tolist(), cal, strict=True)]
    expected_finish = [calendars[j].finish_at(p) for p, j in zip(p_arr.tolist(), cal, strict=True)]
    assert table.start_at(p_arr, c_arr).tolist() == expected_start
    assert table.finish_at(p_arr, c_arr).tolist() == expected_finish


@pytest.mark.parametrize("mode", list(ProgressMode))
def test_level_passes_equal_the_scalar_passes(monkeypatch, mode):
    data = with_mode(BASE, mode)
    results = []
    for vector_min in (10**9, 1, 48):  # all scalar, all numpy, the mix a real run uses
        monkeypatch.setattr(levels, "VECTOR_MIN", vector_min)
        scheduler = Scheduler(data)
        scheduler.run()
        results.append(everything(scheduler))
    assert results[0] == results[1]
    assert results[0] == results[2]


def test_free_floats_equal_free_float_of_each_activity():
    for mode in ProgressMode:
        scheduler = Scheduler(with_mode(BASE, mode))
        scheduler.run()
        net, d = scheduler.net, scheduler.dates
        bulk = free_floats(net, d, finish=scheduler.finish)
        one_by_one = [
            free_float(net, d, i, finish_pos=net.cal[i].position(scheduler.finish)) for i in range(net.n_pass)
        ]
        assert bulk == one_by_one


def test_a_full_run_after_an_edit_sees_the_edit():
    """The compiled numpy copies of the activity fields must not outlive an incremental edit."""
    scheduler = Scheduler(BASE)
    scheduler.run()
    a_id = next(
        a.id
        for a in BASE.activities.values()
        if a.actual_start is None and a.type.value in ("task", "resource_dependent")
    )
    when = BASE.project.effective_data_date + dt.timedelta(days=300)
    edited = dataclasses.replace(
        BASE.activities[a_id], primary_constraint=Constraint(ConstraintType.MANDATORY_START, when)
    )
    data = dataclasses.replace(BASE, activities={**BASE.activities, a_id: edited})
    scheduler.update(data, [a_id], only_these=True)
    scheduler.run()
    fresh = Scheduler(data)
    fresh.run()
    assert fresh.dates.es[fresh.net.index[a_id]] != Scheduler(BASE).run().dates.es[fresh.net.index[a_id]]
    assert everything(scheduler) == everything(fresh)
