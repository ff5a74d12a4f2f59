"""Scheduling as a function of a snapshot: `schedule(data)` for one run, `Scheduler` to reschedule after edits.

The Scheduler keeps the compiled network and the dates; `update(data, changed_ids)` recomputes only what
the edited activities can reach (forward from them, backward from what moved) and equals a full run.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Iterable
from itertools import compress
from typing import Any

import numpy as np

from bbschedule.core.activity import Activity
from bbschedule.core.enums import CriticalMode, FloatMode
from bbschedule.core.progress import NO_PROGRESS, Progress
from bbschedule.core.project_data import ProjectData
from bbschedule.scheduling.calendar import CompiledCalendar, compile_calendars
from bbschedule.scheduling.codes import C_ALAP, COMPLETE, K_FINISH_MS, NONE, NOT_STARTED, SS
from bbschedule.scheduling.fields import set_activity_fields
from bbschedule.scheduling.graph import IntArray
from bbschedule.scheduling.levels import run_levels
from bbschedule.scheduling.network import Network, compile_network
from bbschedule.scheduling.passes import Dates, backward, forward, free_float, free_floats_of, project_finish
from bbschedule.scheduling.passive import WbsRollup, level_of_effort
from bbschedule.scheduling.result import ScheduleResult


class Scheduler:
    """Holds one project's compiled network and dates between runs."""

    def __init__(self, data: ProjectData, *, progress: Progress = NO_PROGRESS) -> None:
        self.progress = progress
        self._load(data)

    def _load(self, data: ProjectData) -> None:
        self.data = data
        self.options = data.project.options
        self.calendars: dict[str, CompiledCalendar] = compile_calendars(
            data.calendars, around=data.project.effective_data_date
        )
        self.net: Network = compile_network(data, calendars=self.calendars)
        n = len(self.net.ids)
        self.rollup = WbsRollup(self.net)
        self.dates = Dates.empty(n)
        self.total_float: list[int | None] = [None] * n
        self.free_float: list[int | None] = [None] * n
        self.critical = [False] * n
        self.longest: set[int] = set()
        self.last_touched: set[int] = set()
        """Indices whose results the last run may have changed (all of them after a full run)."""
        self.finish = NONE
        net = self.net
        n_pass = net.n_pass
        is_alap = C_ALAP.__eq__  # compress/map: no Python frame per activity (most have no constraint)
        self.alap = sorted(
            {*compress(range(n_pass), map(is_alap, net.c1_type[:n_pass]))}
            | {*compress(range(n_pass), map(is_alap, net.c2_type[:n_pass]))}
        )
        self._alap_saved: dict[int, tuple[int, ...]] = {}
        self._open_ends: list[int] | None = None
        self._loe_finish = NONE
        self._take_snapshot(data)

    # -- full run ----------------------------------------------------------------------------------

    def run(self) -> ScheduleResult:
        started = time.perf_counter()
        net, d = self.net, self.dates
        progress = self.progress
        progress.report(0.0, "forward pass")
        self.finish, arrays = run_levels(net, d, progress=progress)
        moved = sorted(self._as_late_as_possible())
        if moved:
            for name in ("es", "ef", "es_pos", "ef_pos", "link_start", "link_start_pos"):
                values = getattr(d, name)
                arrays[name][moved] = [values[i] for i in moved]
        self.last_touched = set(range(len(net.ids)))
        self._after_passes(range(len(net.ids)), arrays=arrays)
        progress.report(1.0, "scheduled")
        return self._result(time.perf_counter() - started)

    # -- incremental -------------------------------------------------------------------------------

    def update(self, data: ProjectData, changed_ids: Iterable[str], *, only_these: bool = False) -> ScheduleResult:
        """Reschedule after edits to the named activities' fields; other edits fall back to a full run.

        `only_these=True` is the caller's word that nothing but those activities changed (a session knows it
        from its change sets); otherwise the project is compared with what the network was compiled from.
        """
        started = time.perf_counter()
        changed_ids = list(changed_ids)
        if not self._can_patch(data, changed_ids, trust=only_these):
            self._load(data)
            return self.run()
        self.data = data
        self._take_snapshot(data, changed_ids)
        net, d = self.net, self.dates
        restored = self._restore_alap()
        seeds = sorted({net.index[a] for a in changed_ids})
        for i in seeds:
            set_activity_fields(net, i, data.activities[net.ids[i]])
        moved_early = self._propagate_forward([i for i in seeds if i < net.n_pass])
        finish = project_finish(net, d)
        if finish != self.finish:
            self.finish = finish
            moved_late = set(backward(net, d, range(net.n_pass - 1, -1, -1), finish=finish))
        else:
            moved_late = self._propagate_backward(sorted(set(seeds) | moved_early))
        touched = moved_early | moved_late | {i for i in seeds if i < net.n_pass} | self._as_late_as_possible()
        touched |= restored
        for i in [*moved_early, *restored, *(i for i in seeds if i < net.n_pass)]:  # free float follows successors
            for k in range(net.pred_ptr[i], net.pred_ptr[i + 1]):
                touched.add(net.pred_src[k])
        passive = set(range(net.n_pass, len(net.ids)))
        self.last_touched = touched | passive
        self._after_passes(sorted(touched | passive), touched=touched | set(seeds))
        return self._result(time.perf_counter() - started)

    def _can_patch(self, data: ProjectData, changed_ids: list[str], *, trust: bool) -> bool:
        """True when only the named activities' scheduling fields changed since the last run.

        Sessions edit ProjectData in place, so the comparison is against snapshots taken at the last run,
        not against self.data (which may be the very same object).
        """
        snap = self._snapshot
        activities: dict[str, Activity] = snap["activities"]
        if trust:
            return all(
                a_id in activities and _same_place(activities[a_id], data.activities.get(a_id)) for a_id in changed_ids
            )
        if data.project != snap["project"] or data.calendars != snap["calendars"] or data.wbs != snap["wbs"]:
            return False
        if data.relationships != snap["relationships"]:
            return False
        if data.activities.keys() != activities.keys():
            return False
        return all(_same_place(activities[a_id], data.activities[a_id]) for a_id in changed_ids)

    def _take_snapshot(self, data: ProjectData, changed_ids: Iterable[str] | None = None) -> None:
        """Shallow copies of what the network was compiled from (the objects are immutable)."""
        if changed_ids is None:
            self._snapshot: dict[str, Any] = {
                "project": data.project,
                "calendars": dict(data.calendars),
                "wbs": dict(data.wbs),
                "relationships": dict(data.relationships),
                "activities": dict(data.activities),
            }
        else:
            for a_id in changed_ids:
                self._snapshot["activities"][a_id] = data.activities[a_id]

    def _propagate_forward(self, seeds: list[int]) -> set[int]:
        net, d = self.net, self.dates
        heap = list(seeds)
        heapq.heapify(heap)
        queued = set(seeds)
        moved: set[int] = set()
        first = set(seeds)  # an edited activity's successors are visited even if its dates hold (status, start)
        while heap:
            i = heapq.heappop(heap)
            if forward(net, d, (i,)) or i in first:
                moved.add(i)
                for k2 in range(net.succ_ptr[i], net.succ_ptr[i + 1]):
                    s = net.succ_dst[k2]
                    if s not in queued:
                        queued.add(s)
                        heapq.heappush(heap, s)
        return moved

    def _propagate_backward(self, seeds: list[int]) -> set[int]:
        net, d = self.net, self.dates
        heap = [-i for i in seeds if i < net.n_pass]
        heapq.heapify(heap)
        queued = set(seeds)
        moved: set[int] = set()
        first = set(seeds)
        while heap:
            i = -heapq.heappop(heap)
            if backward(net, d, (i,), finish=self.finish) or i in first:
                moved.add(i)
                for k in range(net.pred_ptr[i], net.pred_ptr[i + 1]):
                    p = net.pred_src[k]
                    if p not in queued:
                        queued.add(p)
                        heapq.heappush(heap, -p)
        return moved

    def _as_late_as_possible(self) -> set[int]:
        """ALAP activities keep their late position by consuming free float (last first, as P6 does)."""
        net, d = self.net, self.dates
        moved: set[int] = set()
        for i in reversed(self.alap):
            if net.status[i] != NOT_STARTED:
                continue
            c = net.cal[i]
            slack = free_float(net, d, i, finish_pos=c.position(self.finish))
            if slack <= 0:
                continue
            self._alap_saved[i] = (d.es[i], d.ef[i], d.es_pos[i], d.ef_pos[i], d.link_start[i], d.link_start_pos[i])
            es_p, ef_p = d.es_pos[i] + slack, d.ef_pos[i] + slack
            if ef_p == es_p:
                t_es = t_ef = c.finish_at(es_p) if net.kind[i] == K_FINISH_MS else c.start_at(es_p)
            else:
                t_es, t_ef = c.start_at(es_p), c.finish_at(ef_p)
            d.es[i], d.ef[i], d.es_pos[i], d.ef_pos[i] = t_es, t_ef, es_p, ef_p
            d.link_start[i], d.link_start_pos[i] = t_es, es_p
            moved.add(i)
            for k in range(net.pred_ptr[i], net.pred_ptr[i + 1]):
                moved.add(net.pred_src[k])
        return moved

    def _restore_alap(self) -> set[int]:
        """Put back the early dates the forward pass gave ALAP activities, so propagation sees a full run's."""
        d = self.dates
        restored = set(self._alap_saved)
        for i, (es, ef, es_p, ef_p, ls, ls_p) in self._alap_saved.items():
            d.es[i], d.ef[i], d.es_pos[i], d.ef_pos[i], d.link_start[i], d.link_start_pos[i] = (
                es,
                ef,
                es_p,
                ef_p,
                ls,
                ls_p,
            )
        self._alap_saved.clear()
        return restored

    # -- floats, criticality, passive activities -----------------------------------------------------

    def _after_passes(
        self,
        indices: Iterable[int],
        *,
        touched: set[int] | None = None,
        arrays: dict[str, IntArray] | None = None,
    ) -> None:
        """Level of effort, WBS summaries, floats and critical flags after the passes: of every activity after a
        full run (`arrays`: its dates as numpy arrays), else of `indices` after an incremental run of `touched`."""
        net, d = self.net, self.dates
        loe_only = None
        if touched is not None and arrays is None and self.finish == self._loe_finish:
            loe_only = {loe for loe, other, *_ in net.loe_links if other in touched}
            loe_only |= {i for i in touched if i >= net.n_pass}  # an edited LOE itself
        self._loe_finish = self.finish
        level_of_effort(net, d, finish=self.finish, only=loe_only)
        if arrays is not None:
            self.rollup.full(d, arrays)
        elif touched is not None:
            self.rollup.update(d, touched)
        finish_pos: dict[CompiledCalendar, int] = {}
        mode = self.options.float_mode
        threshold = self.options.critical_float_threshold
        by_float = self.options.critical_mode is CriticalMode.TOTAL_FLOAT
        if arrays is not None:
            self._all_floats(arrays)
            indices = range(net.n_pass, len(net.ids))
        for i in indices:
            if net.status[i] == COMPLETE or d.es[i] == NONE:
                self.total_float[i] = self.free_float[i] = None
                self.critical[i] = False
                continue
            finish_tf = d.lf_pos[i] - d.ef_pos[i]
            if mode is FloatMode.FINISH:
                tf = finish_tf
            elif mode is FloatMode.START:
                tf = d.ls_pos[i] - d.es_pos[i]
            else:
                tf = min(finish_tf, d.ls_pos[i] - d.es_pos[i])
            self.total_float[i] = tf
            if i < net.n_pass:
                c = net.cal[i]
                fp = finish_pos.get(c)
                if fp is None:
                    fp = finish_pos[c] = c.position(self.finish)
                self.free_float[i] = free_float(net, d, i, finish_pos=fp)
            else:
                self.free_float[i] = None
            self.critical[i] = by_float and tf <= threshold
        previous = self.longest
        self.longest = self._longest_path()
        self.last_touched.update(previous ^ self.longest)
        if not by_float:
            for i in range(len(net.ids)):
                self.critical[i] = i in self.longest
        if self.options.open_ended_critical:  # P6's "make open-ended activities critical"
            if self._open_ends is None:
                self._open_ends = [i for i in range(net.n_pass) if net.succ_ptr[i] == net.succ_ptr[i + 1]]
            for i in self._open_ends:
                if net.status[i] != COMPLETE:
                    self.critical[i] = True

    def _all_floats(self, arrays: dict[str, IntArray]) -> None:
        """Total float, free float and critical flag of every pass activity, with numpy (full runs).

        `arrays`: the dates as numpy arrays (levels.run_levels).
        """
        net = self.net
        n = net.n_pass
        es_pos, ef_pos = arrays["es_pos"][:n], arrays["ef_pos"][:n]
        tf = arrays["lf_pos"][:n] - ef_pos
        if self.options.float_mode is not FloatMode.FINISH:
            start_tf = arrays["ls_pos"][:n] - es_pos
            tf = start_tf if self.options.float_mode is FloatMode.START else np.minimum(tf, start_tf)
        ff: list[int | None] = list(
            free_floats_of(net, arrays["es"][:n], arrays["ef"][:n], es_pos, ef_pos, finish=self.finish)
        )
        total: list[int | None] = tf.tolist()
        critical: list[bool] = (tf <= self.options.critical_float_threshold).tolist()
        for i in compress(range(n), map(COMPLETE.__eq__, net.status[:n])):  # finished: no float, not critical
            total[i] = ff[i] = None
            critical[i] = False
        self.total_float[:n] = total
        self.free_float[:n] = ff
        self.critical[:n] = critical

    def driving_links(self, i: int) -> list[int]:
        """Indices (in the pred arrays) of the links that set activity i's early dates."""
        net, d = self.net, self.dates
        if i >= net.n_pass or net.status[i] == COMPLETE or d.early_forced[i]:
            return []
        c = net.cal[i]
        out = []
        for k in range(net.pred_ptr[i], net.pred_ptr[i + 1]):
            p = net.pred_src[k]
            t = net.pred_type[k]
            if net.pred_fast[k]:
                pos = (d.ef_pos[p] if not t & 1 else d.link_start_pos[p]) + net.pred_lag[k]
            else:
                tp = d.ef[p] if not t & 1 else d.link_start[p]
                lc = net.pred_lagcal[k]
                if lc is not None:
                    tp = lc.finish_at(lc.position(tp) + net.pred_lag[k])
                pos = c.position(tp)
            target = d.es_pos[i] if t <= SS else d.ef_pos[i]
            if pos == target:
                out.append(k)
        return out

    def _longest_path(self) -> set[int]:
        net, d = self.net, self.dates
        n = net.n_pass
        if n == 0:
            return set()
        ef = d.ef[:n]
        last = max(ef)
        status = net.status
        stack = []
        j = ef.index(last)
        while True:  # list.index finds the activities that finish last at C speed
            if status[j] != COMPLETE:
                stack.append(j)
            try:
                j = ef.index(last, j + 1)
            except ValueError:
                break
        seen = set(stack)
        while stack:
            i = stack.pop()
            for k in self.driving_links(i):
                p = net.pred_src[k]
                if p not in seen and net.status[p] != COMPLETE:
                    seen.add(p)
                    stack.append(p)
        return seen

    def driving_path(self, activity_id: str) -> list[str]:
        """The activities that drive `activity_id`'s early dates, transitively, from the first to it."""
        net = self.net
        start = net.index[activity_id]
        seen = {start}
        stack = [start]
        while stack:
            i = stack.pop()
            for k in self.driving_links(i):
                p = net.pred_src[k]
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        return [net.ids[i] for i in sorted(seen)]

    def driving_predecessors(self, activity_id: str) -> list[str]:
        """The relationships (ids) that set this activity's early dates."""
        return [self.net.pred_rel[k] for k in self.driving_links(self.net.index[activity_id])]

    def _result(self, elapsed: float) -> ScheduleResult:
        return ScheduleResult(
            net=self.net,
            dates=self.dates,
            total_float=self.total_float,
            free_float=self.free_float,
            critical=self.critical,
            longest_path=self.longest,
            project_finish=max(self.dates.ef[: self.net.n_pass], default=self.finish),
            elapsed_ms=elapsed * 1000.0,
            scheduler=self,
        )


def _same_place(old: Activity, new: Activity | None) -> bool:
    """An edit that keeps the activity's place in the network: same type, calendar and WBS node."""
    return new is not None and (old.type, old.calendar_id, old.wbs_id) == (new.type, new.calendar_id, new.wbs_id)


def schedule(data: ProjectData, *, progress: Progress = NO_PROGRESS) -> ScheduleResult:
    """Schedule a snapshot; raises LogicLoopError naming a loop, CancelledError when cancelled."""
    return Scheduler(data, progress=progress).run()
