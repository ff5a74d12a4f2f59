"""The activity fields the passes read (status, remaining duration, actual dates, constraints), written into a
Network's arrays: every activity at compile time from columns, one activity after an edit.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from bbschedule.core.activity import Activity, Constraint
from bbschedule.scheduling.calendar import IntArray, to_minutes
from bbschedule.scheduling.codes import (
    C_NONE,
    COMPLETE,
    CONSTRAINT_CODES,
    IN_PROGRESS,
    K_FINISH_MS,
    K_START_MS,
    NONE,
    NOT_STARTED,
)
from bbschedule.scheduling.columns import column, present, take

if TYPE_CHECKING:
    from bbschedule.scheduling.network import Network


def activity_time(value: dt.datetime | None) -> int:
    return NONE if value is None else to_minutes(value)


def _dates(values: list[dt.datetime | None], *, inv: list[int], arrays: dict[str, IntArray], name: str) -> list[int]:
    """Epoch minutes of each datetime at position inv[i] (NONE for None); each distinct datetime once.
    The same as a numpy array goes to arrays[name]."""
    seen: dict[dt.datetime, int] = {}
    out = [NONE] * len(values)
    at: list[int] = []
    for i in present(values):
        value = values[i]
        assert value is not None
        m = seen.get(value)
        if m is None:
            m = seen[value] = to_minutes(value)
        out[inv[i]] = m
        at.append(inv[i])
    array = np.full(len(values), NONE, dtype=np.int64)
    array[at] = [out[j] for j in at]
    arrays[name] = array
    return out


def set_all_fields(net: Network, acts: list[Activity], perm: list[int], *, inv: list[int], kind: IntArray) -> None:
    """set_activity_fields for every activity, from columns in project order: `perm` lists the project
    indices in network order, `inv` is its inverse. Sparse fields (dates, constraints, status) are written
    straight to their network positions; the dense one (duration) is permuted by reference, so NONE and the
    durations stay shared objects rather than a fresh int per activity and field.
    """
    actual_start = column(acts, "actual_start")
    actual_finish = column(acts, "actual_finish")
    started, finished = present(actual_start), present(actual_finish)
    status = [NOT_STARTED] * len(acts)
    for i in started:
        status[inv[i]] = IN_PROGRESS
    for i in finished:
        status[inv[i]] = COMPLETE
    net.status = status
    # The sparse fields also as numpy arrays for the level passes (set_activity_fields drops them).
    arrays: dict[str, IntArray] = {}
    status_array = np.zeros(len(acts), dtype=np.int64)
    status_array[[inv[i] for i in started]] = IN_PROGRESS
    status_array[[inv[i] for i in finished]] = COMPLETE
    arrays["status"] = status_array
    # Remaining duration, else original; none for a milestone or a finished activity (Activity.remaining).
    dur = column(acts, "original_duration")
    remaining = column(acts, "remaining_duration")
    for i in present(remaining):
        dur[i] = remaining[i]
    for i in finished + np.flatnonzero((kind == K_START_MS) | (kind == K_FINISH_MS)).tolist():
        dur[i] = 0
    net.dur = take(dur, perm)
    net.actual_start = _dates(actual_start, inv=inv, arrays=arrays, name="actual_start")
    net.actual_finish = _dates(actual_finish, inv=inv, arrays=arrays, name="actual_finish")
    net.expected_finish = _dates(column(acts, "expected_finish"), inv=inv, arrays=arrays, name="expected_finish")
    net.c1_type, net.c1_date = _constraints(column(acts, "primary_constraint"), inv=inv, arrays=arrays, name="c1")
    net.c2_type, net.c2_date = _constraints(column(acts, "secondary_constraint"), inv=inv, arrays=arrays, name="c2")
    net.field_arrays = arrays


def _constraints(
    constraints: list[Constraint | None], *, inv: list[int], arrays: dict[str, IntArray], name: str
) -> tuple[list[int], list[int]]:
    """(type codes, dates) of one constraint column, at network positions; most activities have none.
    The same as numpy arrays go to arrays[name + "_type"] and arrays[name + "_date"]."""
    codes = [C_NONE] * len(constraints)
    dates = [NONE] * len(constraints)
    seen: dict[dt.datetime, int] = {}
    at = present(constraints)
    for i in at:
        c = constraints[i]
        assert c is not None
        j = inv[i]
        codes[j] = CONSTRAINT_CODES[c.type]
        if c.date is not None:
            m = seen.get(c.date)
            if m is None:
                m = seen[c.date] = to_minutes(c.date)
            dates[j] = m
    where = [inv[i] for i in at]
    type_array = np.zeros(len(constraints), dtype=np.int64)
    date_array = np.full(len(constraints), NONE, dtype=np.int64)
    type_array[where] = [codes[j] for j in where]
    date_array[where] = [dates[j] for j in where]
    arrays[name + "_type"], arrays[name + "_date"] = type_array, date_array
    return codes, dates


def set_activity_fields(net: Network, i: int, a: Activity) -> None:
    """Write one activity's scheduling inputs into the arrays (appending when i is the next slot)."""
    net.field_arrays = None
    if a.actual_finish is not None:
        status = COMPLETE
    elif a.actual_start is not None:
        status = IN_PROGRESS
    else:
        status = NOT_STARTED
    values = (
        status,
        0 if a.type.is_milestone else a.remaining,
        activity_time(a.actual_start),
        activity_time(a.actual_finish),
        activity_time(a.expected_finish),
        CONSTRAINT_CODES[a.primary_constraint.type] if a.primary_constraint else C_NONE,
        activity_time(a.primary_constraint.date) if a.primary_constraint else NONE,
        CONSTRAINT_CODES[a.secondary_constraint.type] if a.secondary_constraint else C_NONE,
        activity_time(a.secondary_constraint.date) if a.secondary_constraint else NONE,
    )
    arrays = (
        net.status,
        net.dur,
        net.actual_start,
        net.actual_finish,
        net.expected_finish,
        net.c1_type,
        net.c1_date,
        net.c2_type,
        net.c2_date,
    )
    for array, value in zip(arrays, values, strict=True):
        if i == len(array):
            array.append(value)
        else:
            array[i] = value
