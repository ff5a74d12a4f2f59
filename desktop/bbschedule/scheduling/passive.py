"""Activities whose dates follow others instead of driving them: level of effort and WBS summary.

Both are computed after the passes and never move a pass activity.
"""

from __future__ import annotations

from bbschedule.scheduling.calendar import CompiledCalendar, IntArray
from bbschedule.scheduling.codes import COMPLETE, FF, FS, IN_PROGRESS, K_LOE, NONE, SF, SS
from bbschedule.scheduling.network import Network
from bbschedule.scheduling.passes import Dates


def _shift(lc: CompiledCalendar | None, t: int, lag: int, *, forward: bool) -> int:
    if lc is None or lag == 0:
        return t
    return lc.finish_at(lc.position(t) + lag) if forward else lc.start_at(lc.position(t) + lag)


def level_of_effort(net: Network, d: Dates, *, finish: int, only: set[int] | None = None) -> None:
    """An LOE starts with the start-type links of its predecessors and finishes with what it spans.

    `only`: the LOE activities to recompute (those linked to what an edit moved); None for all.
    """
    n_all = len(net.ids)
    early_start: dict[int, int] = {}
    early_finish: dict[int, int] = {}
    late_start: dict[int, int] = {}
    late_finish: dict[int, int] = {}
    for loe, other, t, lag, lc, loe_is_succ in net.loe_links:
        if only is not None and loe not in only:
            continue
        if loe_is_succ:
            e_src = d.ef[other] if t in (FS, FF) else d.link_start[other]
            l_src = d.lf[other] if t in (FS, FF) else d.ls[other]
            e = _shift(lc, e_src, lag, forward=True)
            late = _shift(lc, l_src, lag, forward=True)
            target_start = t in (FS, SS)
        else:
            e_src = d.es[other] if t in (FS, SS) else d.ef[other]
            l_src = d.ls[other] if t in (FS, SS) else d.lf[other]
            e = _shift(lc, e_src, -lag, forward=False)
            late = _shift(lc, l_src, -lag, forward=False)
            target_start = t in (SS, SF)
        if target_start:
            early_start[loe] = max(early_start.get(loe, NONE), e)
            late_start[loe] = max(late_start.get(loe, NONE), late)
        else:
            early_finish[loe] = max(early_finish.get(loe, NONE), e)
            late_finish[loe] = max(late_finish.get(loe, NONE), late)
    for i in range(net.n_pass, n_all) if only is None else sorted(only):
        if net.kind[i] != K_LOE:
            continue
        c = net.cal[i]
        dd_pos = c.position(net.data_date)
        if net.status[i] == COMPLETE:
            s_pos, f_pos = c.position(net.actual_start[i]), c.position(net.actual_finish[i])
            _store(d, i, c, s_pos, f_pos, s_pos, f_pos)
            continue
        s_pos = max(c.position(early_start.get(i, net.data_date)), dd_pos)
        if net.status[i] == IN_PROGRESS:
            s_pos = dd_pos
        f_pos = max(s_pos, c.position(early_finish[i]) if i in early_finish else s_pos)
        lf_pos = c.position(late_finish[i]) if i in late_finish else c.position(finish)
        ls_pos = c.position(late_start[i]) if i in late_start else s_pos
        lf_pos = max(lf_pos, f_pos) if i not in late_finish else lf_pos
        _store(d, i, c, s_pos, f_pos, min(ls_pos, lf_pos), lf_pos)


class WbsRollup:
    """WBS summaries span the earliest start and latest finish of the activities under their WBS node.

    Each summary remembers which member holds each extreme, so after an edit only the summaries whose
    extreme holder moved inwards are recomputed in full; the others take the edited members in O(1).
    """

    def __init__(self, net: Network) -> None:
        self.net = net
        self.holders: dict[int, list[int]] = {}
        self.values: dict[int, list[int]] = {}

    def _columns(self, d: Dates) -> tuple[list[int], list[int], list[int], list[int]]:
        return d.link_start, d.ef, d.ls, d.lf

    def full(self, d: Dates, arrays: dict[str, IntArray]) -> None:
        """Every summary, with numpy: argmin/argmax pick the first extreme member, as min/max with a key do.

        `arrays`: the pass activities' dates as numpy arrays (a full run's).
        """
        if not self.net.wbs_members:
            return
        columns = [arrays[name] for name in ("link_start", "ef", "ls", "lf")]
        for i, members in self.net.wbs_members.items():
            if not members.size:
                self._recompute(d, i)
                continue
            holders: list[int] = []
            for array, lowest in zip(columns, (True, False, True, False), strict=True):
                sub = array[members]
                holders.append(int(members[sub.argmin() if lowest else sub.argmax()]))
            self.holders[i] = holders
            self.values[i] = [column[h] for column, h in zip(self._columns(d), holders, strict=True)]
            self._store(d, i)

    def _recompute(self, d: Dates, i: int) -> None:
        members: list[int] = self.net.wbs_members[i].tolist()
        if not members:
            _store(d, i, self.net.cal[i], NONE, NONE, NONE, NONE, clock=True)
            self.holders[i], self.values[i] = [], []
            return
        holders, values = [], []
        for column, lowest in zip(self._columns(d), (True, False, True, False), strict=True):
            pick = min(members, key=column.__getitem__) if lowest else max(members, key=column.__getitem__)
            holders.append(pick)
            values.append(column[pick])
        self.holders[i], self.values[i] = holders, values
        self._store(d, i)

    def _store(self, d: Dates, i: int) -> None:
        es, ef, ls, lf = self.values[i]
        _store(d, i, self.net.cal[i], es, ef, ls, lf, clock=True)

    def update(self, d: Dates, touched: set[int]) -> None:
        changed: set[int] = set()
        dirty: set[int] = set()
        columns = self._columns(d)
        cover, wbs_of, n_pass = self.net.wbs_cover, self.net.wbs_of, self.net.n_pass
        for m in touched:
            if m >= n_pass:
                continue
            for i in cover.get(wbs_of[m], ()):
                if i in dirty:
                    continue
                holders, values = self.holders[i], self.values[i]
                for slot, (column, lowest) in enumerate(zip(columns, (True, False, True, False), strict=True)):
                    v = column[m]
                    better = v < values[slot] if lowest else v > values[slot]
                    if m == holders[slot]:
                        if v == values[slot]:
                            continue
                        if not better:
                            dirty.add(i)
                            break
                        values[slot] = v
                        changed.add(i)
                    elif better:
                        holders[slot], values[slot] = m, v
                        changed.add(i)
        for i in dirty:
            self._recompute(d, i)
        for i in changed - dirty:
            self._store(d, i)


def _store(d: Dates, i: int, c: CompiledCalendar, es: int, ef: int, ls: int, lf: int, *, clock: bool = False) -> None:
    """Store dates given as positions (or as clock minutes when clock=True)."""
    if clock:
        if es == NONE:
            d.es[i] = d.ef[i] = d.ls[i] = d.lf[i] = NONE
            d.es_pos[i] = d.ef_pos[i] = d.ls_pos[i] = d.lf_pos[i] = NONE
            d.link_start[i] = d.link_start_pos[i] = NONE
            return
        d.es[i], d.ef[i], d.ls[i], d.lf[i] = es, ef, ls, lf
        d.es_pos[i], d.ef_pos[i] = c.position(es), c.position(ef)
        d.ls_pos[i], d.lf_pos[i] = c.position(ls), c.position(lf)
    else:
        d.es_pos[i], d.ef_pos[i], d.ls_pos[i], d.lf_pos[i] = es, ef, ls, lf
        d.es[i], d.ef[i] = c.start_at(es), c.finish_at(ef)
        d.ls[i], d.lf[i] = c.start_at(ls), c.finish_at(lf)
    d.link_start[i], d.link_start_pos[i] = d.es[i], d.es_pos[i]
