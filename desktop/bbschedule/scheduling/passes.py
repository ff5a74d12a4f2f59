"""The CPM passes over a Network's flat arrays: forward (early dates), backward (late dates) and floats.

Dates are kept twice: clock minutes (es, ef, ls, lf) and work positions on the activity's own calendar
(*_pos), so links between activities on one calendar are plain integer additions. Each pass takes the
indices to visit: incremental runs call them on what an edit reaches; a full run goes through levels.py,
which computes the same values a level at a time with numpy and calls these for what it leaves aside.
Progress modes: modes.py.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from bbschedule.scheduling.calendar import CalendarTable, CompiledCalendar, IntArray
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
from bbschedule.scheduling.network import Network

INF = 1 << 60


@dataclass
class Dates:
    """Per activity results, indexed like the Network."""

    es: list[int]
    ef: list[int]
    ls: list[int]
    lf: list[int]
    es_pos: list[int]
    ef_pos: list[int]
    ls_pos: list[int]
    lf_pos: list[int]
    link_start: list[int]
    """The start successors' SS/SF links see: the actual start once started, else the early start."""
    link_start_pos: list[int]
    early_forced: list[bool]
    """The early dates come from a mandatory constraint, not from logic."""
    project_finish: int = NONE

    @classmethod
    def empty(cls, n: int) -> Dates:
        def blank() -> list[int]:
            return [NONE] * n

        return cls(
            es=blank(),
            ef=blank(),
            ls=blank(),
            lf=blank(),
            es_pos=blank(),
            ef_pos=blank(),
            ls_pos=blank(),
            lf_pos=blank(),
            link_start=blank(),
            link_start_pos=blank(),
            early_forced=[False] * n,
        )


def forward(net: Network, d: Dates, order: Iterable[int]) -> list[int]:
    """Early dates of the pass activities in `order` (topological); returns those whose early dates changed."""
    cal = net.cal
    status = net.status
    dur = net.dur
    kind = net.kind
    pred_ptr, pred_src, pred_type, pred_lag = net.pred_ptr, net.pred_src, net.pred_type, net.pred_lag
    pred_lagcal, pred_fast = net.pred_lagcal, net.pred_fast
    es, ef, es_pos, ef_pos = d.es, d.ef, d.es_pos, d.ef_pos
    link_start, link_start_pos = d.link_start, d.link_start_pos
    c1_type, c2_type = net.c1_type, net.c2_type
    expected = net.expected_finish
    actual_finish = net.actual_finish
    rules = ProgressRules.of(net.progress_mode)
    override = rules.finished_links_satisfied
    ignore_logic = rules.started_ignore_logic
    actuals_drive = rules.actuals_drive
    actual_start = net.actual_start
    dd = net.data_date
    dd_cache: dict[CompiledCalendar, int] = {}
    changed: list[int] = []
    for i in order:
        c = cal[i]
        st = status[i]
        es_p = dd_cache.get(c)
        if es_p is None:
            es_p = dd_cache[c] = c.position(dd)
        ef_min = NONE
        if st == NOT_STARTED or not ignore_logic:
            for k in range(pred_ptr[i], pred_ptr[i + 1]):
                p = pred_src[k]
                t = pred_type[k]
                if status[p] == COMPLETE and (override or (pred_lag[k] and not t & 1 and not actuals_drive)):
                    if override:
                        continue  # progress override: a finished predecessor's links are satisfied
                    # A finished predecessor's lag runs from its actual finish: what is left of it at the data
                    # date is added to the predecessor's node; a lead adds nothing (as P6, and MPXJ's emulation).
                    lc = pred_lagcal[k]
                    assert lc is not None
                    lag = pred_lag[k]
                    tp = ef[p]
                    if lag > 0:
                        af = actual_finish[p]
                        left = lag - (lc.position(dd) - lc.position(af) if af < dd else 0)
                        if left > 0:
                            tp = lc.finish_at(lc.position(tp) + left)
                    pos = c.position(tp)
                elif pred_fast[k]:
                    pos = (ef_pos[p] if not t & 1 else link_start_pos[p]) + pred_lag[k]
                else:
                    tp = ef[p] if not t & 1 else link_start[p]
                    lc = pred_lagcal[k]
                    if lc is not None:
                        tp = lc.finish_at(lc.position(tp) + pred_lag[k])
                    pos = c.position(tp)
                if t <= SS:
                    if pos > es_p:
                        es_p = pos
                elif pos > ef_min:
                    ef_min = pos
        elif st == IN_PROGRESS and actuals_drive and actual_start[i] > dd:
            es_p = c.position(actual_start[i])  # an actual start after the data date counts (actual dates)
        # P6 keeps a finished activity in the network as a zero-duration node at its remaining position.
        n_dur = dur[i] if st != COMPLETE else 0
        forced = False
        if st == NOT_STARTED and (c1_type[i] or c2_type[i]):
            es_p, ef_min, forced = _early_constraints(net, c, i, es_p, ef_min)
        ef_p = es_p + n_dur
        if st == IN_PROGRESS and expected[i] != NONE:
            ef_p = max(es_p, c.position(expected[i]))
            n_dur = ef_p - es_p
        if ef_min > ef_p and not forced:
            ef_p = ef_min
            es_p = ef_p - n_dur
        k_i = kind[i]
        if n_dur == 0:
            # P6 leaves a finished activity at the data date itself, and starts a zero-duration activity that
            # the data date holds at the next working minute; one that logic pushed sits at its driver's time.
            if st == COMPLETE:
                if actuals_drive:  # at its actual finish, even one after the data date (modes.py)
                    t_es = actual_finish[i]
                elif override:
                    t_es = dd
                else:
                    t_es = _finished_node_time(net, d, i)
                es_p = ef_p = c.position(t_es)
            elif es_p == dd_cache[c]:
                t_es = c.start_at(es_p)
            elif k_i == K_FINISH_MS or st == COMPLETE:
                t_es = c.finish_at(es_p)
            else:
                t_es = c.start_at(es_p)
            t_ef = t_es
        else:
            # start_at and finish_at inlined: this is the hottest spot of the pass.
            cum = c.cum_end
            if cum[0] < es_p and ef_p < cum[-1]:
                ends = c.ends
                j = bisect_right(cum, es_p)
                t_es = ends[j] - (cum[j] - es_p)
                j = bisect_left(cum, ef_p, j)
                t_ef = ends[j] - (cum[j] - ef_p)
            else:
                t_es = c.start_at(es_p)
                t_ef = c.finish_at(ef_p)
        if t_es != es[i] or t_ef != ef[i] or es_p != es_pos[i] or ef_p != ef_pos[i] or d.early_forced[i] != forced:
            es[i], ef[i], es_pos[i], ef_pos[i] = t_es, t_ef, es_p, ef_p
            d.early_forced[i] = forced
            changed.append(i)
        if st != NOT_STARTED:
            a_start = actual_start[i]
            link_start[i], link_start_pos[i] = a_start, c.position(a_start)
        else:
            link_start[i], link_start_pos[i] = t_es, es_p
    return changed


def _finished_node_time(net: Network, d: Dates, i: int) -> int:
    """Where a finished activity sits under retained logic: the latest clock time its links give, or the data
    date. Clock times, not work positions: P6 carries a predecessor's 08:00 across to another calendar."""
    best = net.data_date
    for k in range(net.pred_ptr[i], net.pred_ptr[i + 1]):
        p = net.pred_src[k]
        t = net.pred_type[k]
        tp = d.ef[p] if not t & 1 else d.link_start[p]
        lag = net.pred_lag[k]
        lc = net.pred_lagcal[k]
        if lc is not None and lag:
            if net.status[p] == COMPLETE and not t & 1:
                af = net.actual_finish[p]
                lag = lag - (lc.position(net.data_date) - lc.position(af) if af < net.data_date else 0)
            if lag > 0 or net.status[p] != COMPLETE:
                tp = lc.finish_at(lc.position(tp) + lag)
        best = max(best, tp)
    return best


def _early_constraints(net: Network, c: CompiledCalendar, i: int, es_p: int, ef_min: int) -> tuple[int, int, bool]:
    forced = False
    for ct, cd in ((net.c1_type[i], net.c1_date[i]), (net.c2_type[i], net.c2_date[i])):
        if cd == NONE:
            continue
        if ct in (C_SNET, C_SON):
            es_p = max(es_p, c.position(cd))
        elif ct in (C_FNET, C_FON):
            ef_min = max(ef_min, c.position(cd))
        elif ct == C_MSO:
            es_p, ef_min, forced = c.position(cd), NONE, True
        elif ct == C_MFO:
            es_p, ef_min, forced = c.position(cd) - net.dur[i], NONE, True
    if forced:  # a mandatory date overrides logic but not the data date (P6)
        es_p = max(es_p, c.position(net.data_date))
    return es_p, ef_min, forced


def project_finish(net: Network, d: Dates) -> int:
    """The latest early finish of the pass activities (the must-finish-by date when the project has one)."""
    if net.must_finish_by != NONE:
        return net.must_finish_by
    finish = max(d.ef[: net.n_pass], default=net.data_date)
    return max(finish, net.data_date)


def backward(net: Network, d: Dates, order: Iterable[int], *, finish: int) -> list[int]:
    """Late dates of the pass activities in `order` (reverse topological); returns those that changed."""
    cal = net.cal
    status = net.status
    dur = net.dur
    succ_ptr, succ_dst, succ_link = net.succ_ptr, net.succ_dst, net.succ_link
    pred_type, pred_lag, pred_lagcal, pred_fast = net.pred_type, net.pred_lag, net.pred_lagcal, net.pred_fast
    ls, lf, ls_pos, lf_pos = d.ls, d.lf, d.ls_pos, d.lf_pos
    c1_type, c2_type = net.c1_type, net.c2_type
    finish_cache: dict[CompiledCalendar, int] = {}
    ignore_logic = ProgressRules.of(net.progress_mode).started_ignore_logic
    changed: list[int] = []
    for i in order:
        c = cal[i]
        st = status[i]
        lf_p = INF
        ls_max = INF
        for k2 in range(succ_ptr[i], succ_ptr[i + 1]):
            s = succ_dst[k2]
            k = succ_link[k2]
            t = pred_type[k]
            if ignore_logic and status[s] != NOT_STARTED and (t <= SS or status[s] == COMPLETE):
                continue  # a started successor's start (a finished one's all) is history (modes.py)
            if pred_fast[k]:
                pos = (ls_pos[s] if t <= SS else lf_pos[s]) - pred_lag[k]
            else:
                ts = ls[s] if t <= SS else lf[s]
                lc = pred_lagcal[k]
                if lc is not None:
                    ts = lc.start_at(lc.position(ts) - pred_lag[k])
                pos = c.position(ts)
            if not t & 1:
                if pos < lf_p:
                    lf_p = pos
            elif pos < ls_max:
                ls_max = pos
        if lf_p == INF:  # no successor holds the finish: it may run to the project finish (P6)
            lf_p = finish_cache.get(c, NONE)
            if lf_p == NONE:
                lf_p = finish_cache[c] = c.position(finish)
        n_dur = d.ef_pos[i] - d.es_pos[i]
        if st == NOT_STARTED and (c1_type[i] or c2_type[i]):
            lf_p, ls_max = _late_constraints(net, c, i, lf_p, ls_max)
        ls_p = lf_p - n_dur if lf_p != INF else INF
        if ls_max < ls_p:
            ls_p = ls_max
        lf_p = ls_p + n_dur
        if n_dur == 0 or dur[i] == 0:
            t_ls = t_lf = c.finish_at(ls_p) if net.kind[i] == K_FINISH_MS else c.start_at(ls_p)
        else:
            cum = c.cum_end
            if cum[0] < ls_p and lf_p < cum[-1]:
                ends = c.ends
                j = bisect_right(cum, ls_p)
                t_ls = ends[j] - (cum[j] - ls_p)
                j = bisect_left(cum, lf_p, j)
                t_lf = ends[j] - (cum[j] - lf_p)
            else:
                t_ls = c.start_at(ls_p)
                t_lf = c.finish_at(lf_p)
        if t_ls != ls[i] or t_lf != lf[i] or ls_p != ls_pos[i] or lf_p != lf_pos[i]:
            ls[i], lf[i], ls_pos[i], lf_pos[i] = t_ls, t_lf, ls_p, lf_p
            changed.append(i)
    return changed


def _late_constraints(net: Network, c: CompiledCalendar, i: int, lf_p: int, ls_max: int) -> tuple[int, int]:
    n_dur = net.dur[i]
    for ct, cd in ((net.c1_type[i], net.c1_date[i]), (net.c2_type[i], net.c2_date[i])):
        if cd == NONE:
            continue
        if ct in (C_SNLT, C_SON):
            ls_max = min(ls_max, c.position(cd))
        elif ct in (C_FNLT, C_FON):
            lf_p = min(lf_p, c.position(cd))
        elif ct == C_MSO:
            ls_max, lf_p = c.position(cd), INF
        elif ct == C_MFO:
            ls_max, lf_p = c.position(cd) - n_dur, INF
    return lf_p, ls_max


def free_float(net: Network, d: Dates, i: int, *, finish_pos: int) -> int:
    """Working minutes the activity's early dates can slip without moving any successor's early dates."""
    c = net.cal[i]
    best = INF
    ignore_logic = ProgressRules.of(net.progress_mode).started_ignore_logic
    for k2 in range(net.succ_ptr[i], net.succ_ptr[i + 1]):
        s = net.succ_dst[k2]
        k = net.succ_link[k2]
        t = net.pred_type[k]
        if ignore_logic and net.status[s] != NOT_STARTED and (t <= SS or net.status[s] == COMPLETE):
            continue
        if net.pred_fast[k]:
            limit = (d.es_pos[s] if t <= SS else d.ef_pos[s]) - net.pred_lag[k]
        else:
            ts = d.es[s] if t <= SS else d.ef[s]
            lc = net.pred_lagcal[k]
            if lc is not None:
                ts = lc.start_at(lc.position(ts) - net.pred_lag[k])
            limit = c.position(ts)
        own = d.ef_pos[i] if not t & 1 else d.es_pos[i]
        best = min(best, limit - own)
    if best == INF:
        best = finish_pos - d.ef_pos[i]
    return best


def free_floats(net: Network, d: Dates, *, finish: int) -> list[int]:
    """free_float of every pass activity (the full-run form), as numpy arrays: the links that cross calendars
    converted all at once through a CalendarTable."""
    n = net.n_pass
    es, ef, es_pos, ef_pos = (np.asarray(values[:n], dtype=np.int64) for values in (d.es, d.ef, d.es_pos, d.ef_pos))
    return free_floats_of(net, es, ef, es_pos, ef_pos, finish=finish)


def free_floats_of(
    net: Network, es: IntArray, ef: IntArray, es_a: IntArray, ef_a: IntArray, *, finish: int
) -> list[int]:
    """free_floats from the early dates (clock minutes and positions) as numpy arrays."""
    n = net.n_pass
    flat = net.flat
    assert flat is not None
    table = CalendarTable(flat.cal_objects)
    cal = flat.cal_num[:n]
    best = np.full(n, INF, dtype=np.int64)
    if flat.pred_src.size:
        src, dst, typ, lag = flat.pred_src, flat.pred_dst, flat.pred_type, flat.pred_lag
        starts_succ = typ <= SS
        limit = np.where(starts_succ, es_a[dst], ef_a[dst]) - lag
        slow = np.flatnonzero(~flat.pred_fast)
        if slow.size:
            s_dst = dst[slow]
            ts = np.where(starts_succ[slow], es[s_dst], ef[s_dst])
            lc = flat.pred_lagcal[slow]
            has = lc >= 0
            if has.any():
                lcs = lc[has]
                ts[has] = table.start_at(table.position(ts[has], lcs) - lag[slow][has], lcs)
            limit[slow] = table.position(ts, cal[src[slow]])
        slack = limit - np.where(typ & 1, es_a[src], ef_a[src])
        if ProgressRules.of(net.progress_mode).started_ignore_logic:
            st = np.asarray(net.status[:n], dtype=np.int64)[dst]
            slack[(st != NOT_STARTED) & (starts_succ | (st == COMPLETE))] = INF
        np.minimum.at(best, src, slack)
    # An activity no successor constrains may slip to the project finish.
    open_end = best == INF
    if open_end.any():
        n_cal = len(flat.cal_objects)
        finish_pos = table.position(np.full(n_cal, finish, dtype=np.int64), np.arange(n_cal, dtype=np.int64))
        best[open_end] = finish_pos[cal[open_end]] - ef_a[open_end]
    out: list[int] = best.tolist()
    return out
