"""Multiple float paths (P6's "Calculate multiple float paths"): the chains of logic that end at one activity
(or at the project's finish), numbered from the most critical, over a scheduled network's flat arrays.

Sources. P6 names the options (Schedule Options, Advanced: calculate multiple float paths ending with an
activity, using total float or free float, number of paths; in an XER the SCHEDOPTIONS columns
key_activity_for_multiple_longest_paths, use_total_float_multiple_longest_paths, max_multiple_longest_path,
and the results TASK.float_path and float_path_order) but not how it finds the paths. T. Boyle's notes
(boyleprojectconsulting.com, 2015-2018, and with P. Kelly, "Interpreting Logic Paths in Multi-Calendar Project
Schedules: Examining Multiple Float Path Calculation in Oracle Primavera P6", AACE 2020) describe the paths as
the driving and near-driving logic of the chosen activity, and give P6's relationship floats: a relationship
has early and late dates like an activity whose duration is its lag; its free float is the successor's early
date (start for FS/SS, finish for FF/SF) less the relationship's early finish (the predecessor's finish, or
start for SS/SF, plus the lag), its total float the successor's late date less the same; on the predecessor's
calendar. The tracing below is our reading of those notes, confirmed by P6's own output:
path 1 is traced back from the ending activity through, at each activity, the predecessor relationship of
least float; each further path starts at the activity on no path with the least-float relationship into an
activity already on one, and is traced back the same way until the relationship of least float comes from an
activity already on a path, or there is none. Which of two equal relationships wins is written nowhere: the
order below is the one that reproduces, activity by activity, P6's own 30 free-float paths in a P6 23.12
export (samples/xer/jaggelas_test.xer: 150/150, tests/integration/scheduling/test_float_paths_oracle.py; each
of its parts is needed there: dropping or reversing any one leaves 17 to 147 of the 150 right):
  - tracing back from an activity: least float, then a predecessor on no path yet (so a chain goes on rather
    than stopping at an equal link into an earlier path), then the later early finish, then the longer
    predecessor (working time from its early start to its early finish), then the activity code;
  - choosing where the next path starts: least float, then the longer predecessor, then the activity code.

Here, concretely:
  - float is `free float` (FloatPathBasis.FREE_FLOAT, P6's "Free Float": the driving chains) or `total float`
    (TOTAL_FLOAT) of the relationship; a start-based link leaves from the predecessor's actual start once it
    started (the date the passes use), so a driving link has free float 0 whatever the progress;
  - finished activities are on no path and links the progress mode sets aside (into a started successor's
    start under progress override or actual dates) are not followed, as for free float (passes.py);
  - with no ending activity the paths end at the project's finish: each activity without successors is a
    predecessor of that finish, its link float being its own float to the finish;
  - float_path_order counts along the path from its first activity (1) to its last (the ending activity on
    path 1, the activity that joins an earlier path on the others).
LOE and WBS summary activities take no part (they are not in the passes).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from itertools import compress
from typing import TYPE_CHECKING

from bbschedule.core.enums import FloatPathBasis
from bbschedule.core.errors import ValidationError
from bbschedule.scheduling.codes import COMPLETE, NOT_STARTED, SS
from bbschedule.scheduling.modes import ProgressRules
from bbschedule.scheduling.network import Network
from bbschedule.scheduling.passes import Dates

if TYPE_CHECKING:
    from bbschedule.scheduling.result import ScheduleResult


__all__ = ["FloatPathBasis", "FloatPathOptions", "FloatPaths", "compute_float_paths", "float_paths"]


@dataclass(frozen=True)
class FloatPathOptions:
    count: int = 10
    """How many paths at most (P6's "Number of paths to calculate")."""
    end_activity_id: str | None = None
    """The activity the paths end at; None: the project's finish."""
    basis: FloatPathBasis = FloatPathBasis.FREE_FLOAT

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValidationError("count", f"the number of float paths must be at least 1, not {self.count}")


@dataclass(frozen=True)
class FloatPaths:
    """The paths found, as network indices from each path's first activity to its last (path 1 first)."""

    ids: list[str]
    paths: list[list[int]]
    options: FloatPathOptions

    def numbers(self) -> dict[str, tuple[int, int]]:
        """Activity id -> (float_path, float_path_order) for the activities on a path."""
        out: dict[str, tuple[int, int]] = {}
        for number, path in enumerate(self.paths, start=1):
            for order, i in enumerate(path, start=1):
                out[self.ids[i]] = (number, order)
        return out

    def path_ids(self, number: int) -> list[str]:
        """The activities of path `number` (1 = the most critical), first to last."""
        return [self.ids[i] for i in self.paths[number - 1]]


class _Tracer:
    """One computation: relationship floats on demand, paths numbered as they are found."""

    def __init__(self, net: Network, d: Dates, *, basis: FloatPathBasis) -> None:
        self.net, self.d = net, d
        self.total = basis is FloatPathBasis.TOTAL_FLOAT
        self.ignore_logic = ProgressRules.of(net.progress_mode).started_ignore_logic
        self.path = [0] * net.n_pass
        self.codes = net.codes
        # The successor's dates a link is measured against: early for free float, late for total float.
        if self.total:
            self.start, self.finish, self.start_pos, self.finish_pos = d.ls, d.lf, d.ls_pos, d.lf_pos
        else:
            self.start, self.finish, self.start_pos, self.finish_pos = d.es, d.ef, d.es_pos, d.ef_pos

    def live(self, k: int, s: int) -> bool:
        """Whether link k into s counts: its predecessor is not finished and the progress mode keeps it."""
        net = self.net
        if net.status[net.pred_src[k]] == COMPLETE:
            return False
        st = net.status[s]
        return not (self.ignore_logic and st != NOT_STARTED and (net.pred_type[k] <= SS or st == COMPLETE))

    def link_float(self, k: int, s: int) -> int:
        """Free (or total) float of link k into s, in working minutes on the predecessor's calendar."""
        net = self.net
        p = net.pred_src[k]
        t = net.pred_type[k]
        starts = t <= SS
        if net.pred_fast[k]:
            limit = (self.start_pos[s] if starts else self.finish_pos[s]) - net.pred_lag[k]
        else:
            ts = self.start[s] if starts else self.finish[s]
            lc = net.pred_lagcal[k]
            if lc is not None:
                ts = lc.start_at(lc.position(ts) - net.pred_lag[k])
            limit = net.cal[p].position(ts)
        own = self.d.link_start_pos[p] if t & 1 else self.d.ef_pos[p]
        return limit - own

    def branch_rank(self, value: int, p: int) -> tuple[int, int, str, int]:
        """Where the next path starts: least float, then the longer predecessor, then its code (see the module)."""
        d = self.d
        return value, d.es_pos[p] - d.ef_pos[p], self.codes[p], p

    def trace(self, start: int, number: int) -> list[int]:
        """Number `start` and the chain behind it; returns the chain from its first activity to `start`."""
        net, d, path, codes = self.net, self.d, self.path, self.codes
        path[start] = number
        chain = [start]
        i = start
        while True:
            best: tuple[int, bool, int, int, str, int] | None = None
            for k in range(net.pred_ptr[i], net.pred_ptr[i + 1]):
                if self.live(k, i):
                    p = net.pred_src[k]
                    # least float, on no path yet, later early finish, longer, code (see the module)
                    key = (self.link_float(k, i), path[p] != 0, -d.ef[p], d.es_pos[p] - d.ef_pos[p], codes[p], p)
                    if best is None or key < best:
                        best = key
            if best is None or path[best[5]]:
                break
            i = best[5]
            path[i] = number
            chain.append(i)
        chain.reverse()
        return chain

    def branches(self, chain: list[int]) -> list[tuple[int, int, str, int]]:
        """The links into a numbered chain from activities on no path, ranked."""
        net, path = self.net, self.path
        out = []
        for s in chain:
            for k in range(net.pred_ptr[s], net.pred_ptr[s + 1]):
                p = net.pred_src[k]
                if not path[p] and self.live(k, s):
                    out.append(self.branch_rank(self.link_float(k, s), p))
        return out

    def open_ends(self, finish: int) -> list[tuple[int, int, str, int]]:
        """Activities no live link leaves, as predecessors of the project's finish, ranked by their float to it."""
        net, d = self.net, self.d
        n, status, succ_ptr = net.n_pass, net.status, net.succ_ptr
        # Links out of an unfinished activity are all live but those into a started successor's start (or into a
        # finished one) when the progress mode sets them aside: only those activities need a closer look.
        ends = set(compress(range(n), map(int.__eq__, succ_ptr[:n], succ_ptr[1 : n + 1])))
        if self.ignore_logic:
            for s in range(n):
                if status[s] != NOT_STARTED:
                    ends.update(net.pred_src[k] for k in range(net.pred_ptr[s], net.pred_ptr[s + 1]))
        out = []
        for p in sorted(ends):
            if status[p] == COMPLETE:
                continue
            if any(self.live(net.succ_link[k2], net.succ_dst[k2]) for k2 in range(succ_ptr[p], succ_ptr[p + 1])):
                continue
            # the finish "succeeds" an open end at the project finish (free float) or at its late finish
            limit = d.lf_pos[p] if self.total else net.cal[p].position(finish)
            out.append(self.branch_rank(limit - d.ef_pos[p], p))
        return out


def compute_float_paths(net: Network, d: Dates, *, options: FloatPathOptions, finish: int) -> FloatPaths:
    """The float paths of a scheduled network (`finish`: the project finish the backward pass used)."""
    tracer = _Tracer(net, d, basis=options.basis)
    paths: list[list[int]] = []
    if options.end_activity_id is not None:
        end = net.index.get(options.end_activity_id)
        if end is None or end >= net.n_pass:
            raise ValidationError(
                "end_activity_id", f"{options.end_activity_id!r} is not a scheduled task or milestone"
            )
        if net.status[end] == COMPLETE:
            return FloatPaths(net.ids, [], options)  # a finished activity has no float and no path ends at it
        paths.append(tracer.trace(end, 1))
        heap = tracer.branches(paths[0])
    else:
        heap = tracer.open_ends(finish)
    heapq.heapify(heap)
    path = tracer.path
    while heap and len(paths) < options.count:
        p = heapq.heappop(heap)[3]
        if path[p]:
            continue
        chain = tracer.trace(p, len(paths) + 1)
        paths.append(chain)
        for item in tracer.branches(chain):
            heapq.heappush(heap, item)
    return FloatPaths(net.ids, paths, options)


def float_paths(result: ScheduleResult, options: FloatPathOptions) -> FloatPaths:
    """The float paths of a schedule run (read before the scheduler's next update)."""
    return compute_float_paths(result.net, result.dates, options=options, finish=result.scheduler.finish)
