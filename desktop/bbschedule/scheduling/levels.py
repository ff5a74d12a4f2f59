"""The full run's forward and backward passes a topological level at a time, with numpy.

No link joins two activities of one level, so a level's early (or late) dates depend only on levels already
done and can be computed as array operations: every link into the level at once, the calendar conversions
of the links that cross calendars as one searchsorted (CalendarTable), the per-activity maximum or minimum
with reduceat, constraints and progress as masks. Only in-progress activities with an expected finish go
through the scalar passes of passes.py, and levels too small for numpy to pay. The rules are those of
passes.py (see there for the why); the result is value for value the scalar passes' (tests compare both).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from bbschedule.core.progress import Progress
from bbschedule.scheduling.calendar import CalendarTable, IntArray
from bbschedule.scheduling.codes import (
    C_FNET,
    C_FNLT,
    C_FON,
    C_MFO,
    C_MSO,
    C_SNET,
    C_SNLT,
    C_SON,
    COMPLETE,
    IN_PROGRESS,
    K_FINISH_MS,
    NONE,
    NOT_STARTED,
    SS,
)
from bbschedule.scheduling.modes import ProgressRules
from bbschedule.scheduling.network import FlatArrays, Network
from bbschedule.scheduling.passes import INF, Dates, backward, forward, project_finish

VECTOR_MIN = 48
"""Levels with fewer pass activities than this run through the scalar passes (numpy's fixed cost per call
outweighs the work); tests set it to 1 or to a huge number to compare the two forms."""

BoolArray = npt.NDArray[np.bool_]
_EARLY = ("es", "ef", "es_pos", "ef_pos", "link_start", "link_start_pos")
_LATE = ("ls", "lf", "ls_pos", "lf_pos")
_FIELDS = ("status", "actual_start", "actual_finish", "expected_finish", "c1_type", "c1_date", "c2_type", "c2_date")


@dataclass
class _Run:
    net: Network
    flat: FlatArrays
    rules: ProgressRules
    table: CalendarTable
    d: Dates
    arrays: dict[str, IntArray]
    status: IntArray
    kind_finish_ms: BoolArray
    cal: IntArray
    dur: IntArray
    actual_start: IntArray
    actual_finish: IntArray
    constraints: tuple[tuple[IntArray, IntArray], tuple[IntArray, IntArray]]
    """(type, date) of the primary and the secondary constraint."""
    constrained: BoolArray
    dd_pos: IntArray
    """The data date's work position on each calendar."""

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

    def positions(self, minutes: IntArray, cal: IntArray) -> IntArray:
        return self.table.position(minutes, cal)


def _ints(values: list[int], n: int) -> IntArray:
    return np.asarray(values[:n], dtype=np.int64)


def run_levels(net: Network, d: Dates, *, progress: Progress) -> tuple[int, dict[str, IntArray]]:
    """Early and late dates of every pass activity (the full run); returns the project finish and the dates
    as numpy arrays (es, ef, es_pos, ef_pos, link_start, link_start_pos, ls, lf, ls_pos, lf_pos)."""
    flat = net.flat
    assert flat is not None
    n = net.n_pass
    fields = net.field_arrays
    if fields is None:  # an edit since compiling: from the lists
        fields = {name: _ints(getattr(net, name), n) for name in _FIELDS}
    else:
        fields = {name: values[:n] for name, values in fields.items()}
    c1_type, c2_type = fields["c1_type"], fields["c2_type"]
    n_cal = len(flat.cal_objects)
    table = CalendarTable(flat.cal_objects)
    every_calendar = np.arange(n_cal, dtype=np.int64)
    run = _Run(
        net=net,
        flat=flat,
        rules=ProgressRules.of(net.progress_mode),
        table=table,
        d=d,
        arrays={name: np.full(n, NONE, dtype=np.int64) for name in _EARLY + _LATE},
        status=fields["status"],
        kind_finish_ms=np.asarray(net.kind[:n]) == K_FINISH_MS,
        cal=flat.cal_num[:n],
        dur=_ints(net.dur, n),
        actual_start=fields["actual_start"],
        actual_finish=fields["actual_finish"],
        constraints=((c1_type, fields["c1_date"]), (c2_type, fields["c2_date"])),
        constrained=(c1_type != 0) | (c2_type != 0),
        dd_pos=table.position(np.full(n_cal, net.data_date, dtype=np.int64), every_calendar),
    )
    # The one case left to the scalar pass: an in-progress activity with an expected finish.
    scalar_early = (run.status == IN_PROGRESS) & (fields["expected_finish"] != NONE)
    levels = _batches(net.levels)
    done = 0
    for lo, hi, vector in levels:
        progress.check()
        if vector:
            _forward_level(run, lo, hi, np.flatnonzero(scalar_early[lo:hi]) + lo)
        else:
            forward(net, d, range(lo, hi))
            run.sync_range_to_arrays(_EARLY, lo, hi)
        done += hi - lo
        progress.report(0.45 * done / max(n, 1), "forward pass")
    finish = project_finish(net, d)
    finish_pos = table.position(np.full(n_cal, finish, dtype=np.int64), every_calendar)
    for lo, hi, vector in reversed(levels):
        progress.check()
        if vector:
            _backward_level(run, lo, hi, finish_pos)
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


def _lag_left(run: _Run, lag: IntArray, lagcal: IntArray, pred: IntArray) -> IntArray:
    """What is left, at the data date, of a lag that runs from a finished predecessor's actual finish."""
    dd = run.net.data_date
    af = run.actual_finish[pred]
    before = af < dd
    used = run.positions(np.full(lag.size, dd, dtype=np.int64), lagcal) - run.positions(
        np.where(before, af, dd), lagcal
    )
    return lag - np.where(before, used, 0)


def _link_times(run: _Run, klo: int, khi: int, *, from_actual_finish: BoolArray) -> tuple[IntArray, IntArray]:
    """For the links klo:khi (those into one level): the work position, on the successor's calendar, that each
    gives its successor's start (FS, SS) or finish (FF, SF), and the predecessors. Links on one calendar add
    positions; the others go through clock time, converted for all of them at once."""
    flat, a = run.flat, run.arrays
    src = flat.pred_src[klo:khi]
    odd = (flat.pred_type[klo:khi] & 1).astype(bool)
    lag = flat.pred_lag[klo:khi]
    pos = np.where(odd, a["link_start_pos"][src], a["ef_pos"][src]) + lag
    conv = np.flatnonzero(~flat.pred_fast[klo:khi] | from_actual_finish)
    if conv.size:
        c_src = src[conv]
        tp = np.where(odd[conv], a["link_start"][c_src], a["ef"][c_src])
        lc = flat.pred_lagcal[klo:khi][conv]
        eff = lag[conv]
        fa = from_actual_finish[conv]
        apply = lc >= 0
        if fa.any():  # retained logic: a finished predecessor's lag runs from its actual finish (passes.forward)
            left = _lag_left(run, eff[fa], lc[fa], c_src[fa])
            eff[fa] = left
            apply[fa] = (lag[conv][fa] > 0) & (left > 0)
        if apply.any():
            lca = lc[apply]
            tp[apply] = run.table.finish_at(run.positions(tp[apply], lca) + eff[apply], lca)
        pos[conv] = run.positions(tp, run.cal[flat.pred_dst[klo:khi][conv]])
    return pos, src


def _finished_nodes(run: _Run, done: IntArray) -> IntArray:
    """Retained logic: the clock time of each finished activity's node (passes._finished_node_time)."""
    flat, a, dd = run.flat, run.arrays, run.net.data_date
    out = np.full(done.size, dd, dtype=np.int64)
    ptr = flat.pred_ptr[done]
    end = flat.pred_ptr[done + 1]
    counts = end - ptr
    if not counts.sum():
        return out
    links = np.repeat(ptr, counts) + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
    src = flat.pred_src[links]
    odd = (flat.pred_type[links] & 1).astype(bool)
    tp = np.where(odd, a["link_start"][src], a["ef"][src])
    lag = flat.pred_lag[links].copy()
    lc = flat.pred_lagcal[links]
    apply = lc >= 0
    p_done = run.status[src] == COMPLETE
    fa = apply & p_done & ~odd
    if fa.any():
        lag[fa] = _lag_left(run, lag[fa], lc[fa], src[fa])
    apply &= (lag > 0) | ~p_done
    if apply.any():
        lca = lc[apply]
        tp[apply] = run.table.finish_at(run.positions(tp[apply], lca) + lag[apply], lca)
    seg = np.concatenate([[0], np.cumsum(counts)])
    return np.maximum(out, _segment_extreme(tp, seg, fill=NONE, biggest=True))


def _constraint_positions(
    run: _Run, lo: int, hi: int, eligible: BoolArray
) -> Iterator[tuple[IntArray, IntArray, BoolArray]]:
    """For the primary then the secondary constraint of a level: its types, its dates as positions on each
    activity's calendar, and which activities of `eligible` have one."""
    cal = run.cal[lo:hi]
    for types, dates in run.constraints:
        ct, cd = types[lo:hi], dates[lo:hi]
        valid = eligible & (cd != NONE)
        if not valid.any():
            continue
        cpos = np.full(hi - lo, NONE, dtype=np.int64)
        cpos[valid] = run.positions(cd[valid], cal[valid])
        yield ct, cpos, valid


def _early_constraints(
    run: _Run, lo: int, hi: int, es_p: IntArray, ef_min: IntArray, dd_pos: IntArray
) -> tuple[IntArray, IntArray, BoolArray]:
    """passes._early_constraints over a level (not-started activities only)."""
    forced = np.zeros(hi - lo, dtype=bool)
    eligible = run.constrained[lo:hi] & (run.status[lo:hi] == NOT_STARTED)
    if not eligible.any():
        return es_p, ef_min, forced
    dur = run.dur[lo:hi]
    for ct, cpos, valid in _constraint_positions(run, lo, hi, eligible):
        start = valid & ((ct == C_SNET) | (ct == C_SON))
        es_p = np.where(start, np.maximum(es_p, cpos), es_p)
        fin = valid & ((ct == C_FNET) | (ct == C_FON))
        ef_min = np.where(fin, np.maximum(ef_min, cpos), ef_min)
        mso, mfo = valid & (ct == C_MSO), valid & (ct == C_MFO)
        es_p = np.where(mso, cpos, np.where(mfo, cpos - dur, es_p))
        ef_min = np.where(mso | mfo, NONE, ef_min)
        forced |= mso | mfo
    return np.where(forced, np.maximum(es_p, dd_pos), es_p), ef_min, forced


def _forward_level(run: _Run, lo: int, hi: int, scalar: IntArray) -> None:
    net, flat, a, rules = run.net, run.flat, run.arrays, run.rules
    cal, st = run.cal[lo:hi], run.status[lo:hi]
    dd = net.data_date
    dd_pos = run.dd_pos[cal]
    es_p = dd_pos.copy()
    ptr = flat.pred_ptr[lo : hi + 1]
    klo, khi = int(ptr[0]), int(ptr[-1])
    ef_min = np.full(hi - lo, NONE, dtype=np.int64)
    if khi > klo:
        src = flat.pred_src[klo:khi]
        p_done = run.status[src] == COMPLETE
        from_af = np.zeros(khi - klo, dtype=bool)
        if not rules.finished_links_satisfied and not rules.actuals_drive:
            from_af = p_done & (flat.pred_lag[klo:khi] != 0) & ~(flat.pred_type[klo:khi] & 1).astype(bool)
        pos, _ = _link_times(run, klo, khi, from_actual_finish=from_af)
        if rules.finished_links_satisfied:
            pos[p_done] = NONE
        if rules.started_ignore_logic:
            pos[run.status[flat.pred_dst[klo:khi]] != NOT_STARTED] = NONE
        starts_succ = flat.pred_type[klo:khi] <= SS
        es_p = np.maximum(es_p, _segment_extreme(np.where(starts_succ, pos, NONE), ptr, fill=NONE, biggest=True))
        ef_min = _segment_extreme(np.where(starts_succ, NONE, pos), ptr, fill=NONE, biggest=True)
    started = st != NOT_STARTED
    a_start = run.actual_start[lo:hi]
    if rules.actuals_drive:  # an actual start after the data date counts
        late = np.flatnonzero((st == IN_PROGRESS) & (a_start > dd))
        if late.size:
            es_p[late] = run.positions(a_start[late], cal[late])
    es_p, ef_min, forced = _early_constraints(run, lo, hi, es_p, ef_min, dd_pos)
    done = st == COMPLETE
    n_dur = np.where(done, 0, run.dur[lo:hi])
    ef_p = es_p + n_dur
    pushed = (ef_min > ef_p) & ~forced
    ef_p = np.where(pushed, ef_min, ef_p)
    es_p = np.where(pushed, ef_p - n_dur, es_p)
    zero = n_dur == 0
    # A zero-duration activity the data date holds starts at the next working minute; a finish milestone
    # pushed by logic sits at its driver's finish; everything else starts at the next working minute.
    as_finish = zero & (es_p != dd_pos) & run.kind_finish_ms[lo:hi]
    t_start = run.table.start_at(es_p, cal)
    t_finish = run.table.finish_at(np.where(zero, es_p, ef_p), cal)
    t_es = np.where(as_finish, t_finish, t_start)
    t_ef = np.where(zero, t_es, t_finish)
    finished = np.flatnonzero(done)
    if finished.size:  # a finished activity is a node (passes.forward and modes.py say where)
        if rules.actuals_drive:
            node = run.actual_finish[lo:hi][finished]
        elif rules.finished_links_satisfied:
            node = np.full(finished.size, dd, dtype=np.int64)
        else:
            node = _finished_nodes(run, finished + lo)
        t_es[finished] = t_ef[finished] = node
        es_p[finished] = ef_p[finished] = run.positions(node, cal[finished])
    link_start, link_start_pos = t_es.copy(), es_p.copy()
    begun = np.flatnonzero(started)
    if begun.size:
        link_start[begun] = a_start[begun]
        link_start_pos[begun] = run.positions(a_start[begun], cal[begun])
    for name, values in (
        ("es", t_es),
        ("ef", t_ef),
        ("es_pos", es_p),
        ("ef_pos", ef_p),
        ("link_start", link_start),
        ("link_start_pos", link_start_pos),
    ):
        a[name][lo:hi] = values
    run.sync_to_lists(_EARLY, lo, hi)
    run.d.early_forced[lo:hi] = forced.tolist()
    if scalar.size:
        idx = scalar.tolist()
        forward(net, run.d, idx)
        run.sync_to_arrays(_EARLY, idx)


def _late_constraints(run: _Run, lo: int, hi: int, lf_p: IntArray, ls_max: IntArray) -> tuple[IntArray, IntArray]:
    """passes._late_constraints over a level (not-started activities only)."""
    eligible = run.constrained[lo:hi] & (run.status[lo:hi] == NOT_STARTED)
    if not eligible.any():
        return lf_p, ls_max
    dur = run.dur[lo:hi]
    for ct, cpos, valid in _constraint_positions(run, lo, hi, eligible):
        start = valid & ((ct == C_SNLT) | (ct == C_SON))
        ls_max = np.where(start, np.minimum(ls_max, cpos), ls_max)
        fin = valid & ((ct == C_FNLT) | (ct == C_FON))
        lf_p = np.where(fin, np.minimum(lf_p, cpos), lf_p)
        mso, mfo = valid & (ct == C_MSO), valid & (ct == C_MFO)
        ls_max = np.where(mso, cpos, np.where(mfo, cpos - dur, ls_max))
        lf_p = np.where(mso | mfo, INF, lf_p)
    return lf_p, ls_max


def _backward_level(run: _Run, lo: int, hi: int, finish_pos: IntArray) -> None:
    flat, table, a = run.flat, run.table, run.arrays
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
        if run.rules.started_ignore_logic:
            st = run.status[s]
            pos[(st != NOT_STARTED) & (starts_succ | (st == COMPLETE))] = INF
        odd = (typ & 1).astype(bool)
        lf_p = _segment_extreme(np.where(odd, INF, pos), ptr, fill=INF, biggest=False)
        ls_max = _segment_extreme(np.where(odd, pos, INF), ptr, fill=INF, biggest=False)
    lf_p = np.where(lf_p == INF, finish_pos[cal], lf_p)  # no successor holds the finish: the project finish
    lf_p, ls_max = _late_constraints(run, lo, hi, lf_p, ls_max)
    n_dur = a["ef_pos"][lo:hi] - a["es_pos"][lo:hi]
    ls_p = np.minimum(np.where(lf_p == INF, INF, lf_p - n_dur), ls_max)
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
