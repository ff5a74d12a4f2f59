"""The full run's forward and backward passes a topological level at a time, with numpy.

No link joins two activities of one level, so a level's early (or late) dates depend only on levels already
done and can be computed as array operations: every link into the level at once, the calendar conversions
of the links that cross calendars as one searchsorted (CalendarTable), the per-activity maximum or minimum
with reduceat. Activities the array form does not cover (started or finished ones, constraints, a finished
predecessor's lag under retained logic) go through the scalar passes of passes.py, level by level, as do
levels too small for numpy to pay. The result is value for value the scalar passes' (tests compare both).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from bbschedule.core.progress import Progress
from bbschedule.scheduling.calendar import CalendarTable, IntArray
from bbschedule.scheduling.modes import ProgressRules
from bbschedule.scheduling.network import COMPLETE, K_FINISH_MS, NONE, NOT_STARTED, SS, FlatArrays, Network
from bbschedule.scheduling.passes import INF, Dates, backward, forward, project_finish

VECTOR_MIN = 48
"""Levels with fewer pass activities than this run through the scalar passes (numpy's fixed cost per call
outweighs the work); tests set it to 1 or to a huge number to compare the two forms."""

BoolArray = npt.NDArray[np.bool_]
_EARLY = ("es", "ef", "es_pos", "ef_pos", "link_start", "link_start_pos")
_LATE = ("ls", "lf", "ls_pos", "lf_pos")


@dataclass
class _Run:
    net: Network
    flat: FlatArrays
    table: CalendarTable
    d: Dates
    arrays: dict[str, IntArray]
    status: IntArray
    kind_finish_ms: BoolArray
    cal: IntArray
    dur: IntArray

    def sync_to_lists(self, names: tuple[str, ...], lo: int, hi: int) -> None:
        for name in names:
            getattr(self.d, name)[lo:hi] = self.arrays[name][lo:hi].tolist()

    def sync_to_arrays(self, names: tuple[str, ...], idx: list[int]) -> None:
        for name in names:
            values = getattr(self.d, name)
            self.arrays[name][idx] = [values[i] for i in idx]

    def sync_range_to_arrays(self, names: tuple[str, ...], lo: int, hi: int) -> None:
        for name in names:
            self.arrays[name][lo:hi] = getattr(self.d, name)[lo:hi]


def run_levels(net: Network, d: Dates, *, progress: Progress) -> tuple[int, dict[str, IntArray]]:
    """Early and late dates of every pass activity (the full run); returns the project finish and the dates
    as numpy arrays (es, ef, es_pos, ef_pos, link_start, link_start_pos, ls, lf, ls_pos, lf_pos)."""
    flat = net.flat
    assert flat is not None
    n = net.n_pass
    rules = ProgressRules.of(net.progress_mode)
    status = np.asarray(net.status[:n], dtype=np.int64)
    constrained = (np.asarray(net.c1_type[:n]) != 0) | (np.asarray(net.c2_type[:n]) != 0)
    run = _Run(
        net=net,
        flat=flat,
        table=CalendarTable(flat.cal_objects),
        d=d,
        arrays={name: np.full(n, NONE, dtype=np.int64) for name in _EARLY + _LATE},
        status=status,
        kind_finish_ms=np.asarray(net.kind[:n]) == K_FINISH_MS,
        cal=flat.cal_num[:n],
        dur=np.asarray(net.dur[:n], dtype=np.int64),
    )
    # Early dates the array form leaves to the scalar pass: progress, constraints, and (retained logic) a
    # finished predecessor's lag, which runs from its actual finish.
    scalar_early = (status != NOT_STARTED) | constrained
    if not rules.started_ignore_logic and not rules.actuals_drive and flat.pred_src.size:
        odd = (flat.pred_type & 1).astype(bool)
        special = (status[flat.pred_src] == COMPLETE) & (flat.pred_lag != 0) & ~odd
        scalar_early[flat.pred_dst[special]] = True
    scalar_late = (status == NOT_STARTED) & constrained
    levels = _batches(net.levels)
    done = 0
    for lo, hi, vector in levels:
        progress.check()
        if vector:
            _forward_level(run, lo, hi, rules, np.flatnonzero(scalar_early[lo:hi]) + lo)
        else:
            forward(net, d, range(lo, hi))
            run.sync_range_to_arrays(_EARLY, lo, hi)
        done += hi - lo
        progress.report(0.45 * done / max(n, 1), "forward pass")
    finish = project_finish(net, d)
    n_cal = len(flat.cal_objects)
    finish_pos = run.table.position(np.full(n_cal, finish, dtype=np.int64), np.arange(n_cal, dtype=np.int64))
    for lo, hi, vector in reversed(levels):
        progress.check()
        if vector:
            _backward_level(run, lo, hi, rules, finish_pos, np.flatnonzero(scalar_late[lo:hi]) + lo, finish=finish)
        else:
            backward(net, d, range(hi - 1, lo - 1, -1), finish=finish)
            run.sync_range_to_arrays(_LATE, lo, hi)
        done += hi - lo
        progress.report(0.45 * done / max(n, 1), "backward pass")
    return finish, run.arrays


def _batches(levels: list[int]) -> list[tuple[int, int, bool]]:
    """(lo, hi, vectorised) ranges: each level big enough on its own, runs of small levels joined."""
    out: list[tuple[int, int, bool]] = []
    for lo, hi in pairwise(levels):
        vector = hi - lo >= VECTOR_MIN
        if not vector and out and not out[-1][2]:
            out[-1] = (out[-1][0], hi, False)
        else:
            out.append((lo, hi, vector))
    return out


def _segment_extreme(values: IntArray, ptr: IntArray, *, fill: int, biggest: bool) -> IntArray:
    """Per activity of a level, the max (or min) of its links' values; `fill` for an activity with none.
    `ptr` are the level's link bounds (n+1, absolute); links are grouped by activity."""
    counts = ptr[1:] - ptr[:-1]
    out = np.full(counts.size, fill, dtype=np.int64)
    if values.size:
        has = counts > 0
        starts = ptr[:-1][has] - ptr[0]
        ufunc = np.maximum if biggest else np.minimum
        out[has] = ufunc.reduceat(values, starts)
    return out


def _forward_level(run: _Run, lo: int, hi: int, rules: ProgressRules, scalar: IntArray) -> None:
    net, flat, table, a = run.net, run.flat, run.table, run.arrays
    cal = run.cal[lo:hi]
    dd = net.data_date
    es_p = table.position(np.full(hi - lo, dd, dtype=np.int64), cal)
    dd_pos = es_p.copy()
    ptr = flat.pred_ptr[lo : hi + 1]
    klo, khi = int(ptr[0]), int(ptr[-1])
    ef_min = np.full(hi - lo, NONE, dtype=np.int64)
    if khi > klo:
        src = flat.pred_src[klo:khi]
        typ = flat.pred_type[klo:khi]
        lag = flat.pred_lag[klo:khi]
        odd = (typ & 1).astype(bool)
        pos = np.where(odd, a["link_start_pos"][src], a["ef_pos"][src]) + lag
        slow = np.flatnonzero(~flat.pred_fast[klo:khi])
        if slow.size:
            s_src = src[slow]
            tp = np.where(odd[slow], a["link_start"][s_src], a["ef"][s_src])
            lc = flat.pred_lagcal[klo:khi][slow]
            has = lc >= 0
            if has.any():
                lcs = lc[has]
                tp[has] = table.finish_at(table.position(tp[has], lcs) + lag[slow][has], lcs)
            pos[slow] = table.position(tp, run.cal[flat.pred_dst[klo:khi][slow]])
        if rules.finished_links_satisfied:
            pos[run.status[src] == COMPLETE] = NONE
        starts_succ = typ <= SS
        es_p = np.maximum(es_p, _segment_extreme(np.where(starts_succ, pos, NONE), ptr, fill=NONE, biggest=True))
        ef_min = _segment_extreme(np.where(starts_succ, NONE, pos), ptr, fill=NONE, biggest=True)
    n_dur = run.dur[lo:hi]
    ef_p = es_p + n_dur
    pushed = ef_min > ef_p
    ef_p = np.where(pushed, ef_min, ef_p)
    es_p = np.where(pushed, ef_p - n_dur, es_p)
    zero = n_dur == 0
    # A zero-duration activity the data date holds starts at the next working minute; a finish milestone
    # pushed by logic sits at its driver's finish; everything else starts at the next working minute.
    as_finish = zero & (es_p != dd_pos) & run.kind_finish_ms[lo:hi]
    t_start = table.start_at(es_p, cal)
    t_finish = table.finish_at(np.where(zero, es_p, ef_p), cal)
    t_es = np.where(as_finish, t_finish, t_start)
    t_ef = np.where(zero, t_es, t_finish)
    for name, values in (("es", t_es), ("ef", t_ef), ("es_pos", es_p), ("ef_pos", ef_p)):
        a[name][lo:hi] = values
    a["link_start"][lo:hi] = t_es
    a["link_start_pos"][lo:hi] = es_p
    run.sync_to_lists(_EARLY, lo, hi)
    run.d.early_forced[lo:hi] = [False] * (hi - lo)
    if scalar.size:
        idx = scalar.tolist()
        forward(net, run.d, idx)
        run.sync_to_arrays(_EARLY, idx)


def _backward_level(
    run: _Run, lo: int, hi: int, rules: ProgressRules, finish_pos: IntArray, scalar: IntArray, *, finish: int
) -> None:
    net, flat, table, a = run.net, run.flat, run.table, run.arrays
    cal = run.cal[lo:hi]
    ptr = flat.succ_ptr[lo : hi + 1]
    klo, khi = int(ptr[0]), int(ptr[-1])
    lf_p = np.full(hi - lo, INF, dtype=np.int64)
    ls_max = np.full(hi - lo, INF, dtype=np.int64)
    if khi > klo:
        s = flat.succ_dst[klo:khi]
        k = flat.succ_link[klo:khi]
        typ = flat.pred_type[k]
        lag = flat.pred_lag[k]
        starts_succ = typ <= SS
        pos = np.where(starts_succ, a["ls_pos"][s], a["lf_pos"][s]) - lag
        slow = np.flatnonzero(~flat.pred_fast[k])
        if slow.size:
            s_s = s[slow]
            ts = np.where(starts_succ[slow], a["ls"][s_s], a["lf"][s_s])
            lc = flat.pred_lagcal[k[slow]]
            has = lc >= 0
            if has.any():
                lcs = lc[has]
                ts[has] = table.start_at(table.position(ts[has], lcs) - lag[slow][has], lcs)
            pos[slow] = table.position(ts, run.cal[flat.pred_src[k[slow]]])
        if rules.started_ignore_logic:
            st = run.status[s]
            pos[(st != NOT_STARTED) & (starts_succ | (st == COMPLETE))] = INF
        odd = (typ & 1).astype(bool)
        lf_p = _segment_extreme(np.where(odd, INF, pos), ptr, fill=INF, biggest=False)
        ls_max = _segment_extreme(np.where(odd, pos, INF), ptr, fill=INF, biggest=False)
    lf_p = np.where(lf_p == INF, finish_pos[cal], lf_p)  # no successor holds the finish: the project finish
    n_dur = a["ef_pos"][lo:hi] - a["es_pos"][lo:hi]
    ls_p = np.minimum(lf_p - n_dur, ls_max)
    lf_p = ls_p + n_dur
    zero = (n_dur == 0) | (run.dur[lo:hi] == 0)
    as_finish = zero & run.kind_finish_ms[lo:hi]
    t_start = table.start_at(ls_p, cal)
    t_finish = table.finish_at(np.where(zero, ls_p, lf_p), cal)
    t_ls = np.where(as_finish, t_finish, t_start)
    t_lf = np.where(zero, t_ls, t_finish)
    for name, values in (("ls", t_ls), ("lf", t_lf), ("ls_pos", ls_p), ("lf_pos", lf_p)):
        a[name][lo:hi] = values
    run.sync_to_lists(_LATE, lo, hi)
    if scalar.size:
        idx = scalar.tolist()
        backward(net, run.d, idx[::-1], finish=finish)
        run.sync_to_arrays(_LATE, idx)
