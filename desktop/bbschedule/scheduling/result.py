"""What a scheduling run gives back: dates per activity (as flat arrays, turned into ComputedDates on demand),
the project's start and finish, warnings and the time the passes took.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from bbschedule.core.computed import ComputedDates
from bbschedule.core.project_data import ProjectData
from bbschedule.scheduling.calendar import from_minutes
from bbschedule.scheduling.codes import (
    C_FNLT,
    C_FON,
    C_MFO,
    C_MSO,
    C_SNLT,
    C_SON,
    COMPLETE,
    FF,
    FS,
    NONE,
    NOT_STARTED,
    SS,
)
from bbschedule.scheduling.network import Network
from bbschedule.scheduling.passes import Dates

if TYPE_CHECKING:
    from bbschedule.scheduling.engine import Scheduler


@dataclass(frozen=True)
class ScheduleWarning:
    code: str
    """open_start, open_end, constraint_violated, out_of_sequence, ignored_link."""
    message: str
    activity_id: str | None = None


def _dt(minutes: int) -> dt.datetime | None:
    return None if minutes == NONE else from_minutes(minutes)


@dataclass
class ScheduleResult:
    """A view of the scheduler's arrays: valid until the scheduler's next update."""

    net: Network
    dates: Dates
    total_float: list[int | None]
    free_float: list[int | None]
    critical: list[bool]
    longest_path: set[int]
    project_finish: int
    elapsed_ms: float
    scheduler: Scheduler

    @cached_property
    def project_start(self) -> int:
        """The earliest actual or early start (computed on demand: an incremental run should not pay for it)."""
        net, d = self.net, self.dates
        first_actual = min((t for t in net.actual_start if t != NONE), default=net.data_date)
        return min(first_actual, min((t for t in d.es if t != NONE), default=net.data_date))

    @property
    def start(self) -> dt.datetime:
        return from_minutes(self.project_start)

    @property
    def finish(self) -> dt.datetime:
        return from_minutes(self.project_finish)

    @cached_property
    def warnings(self) -> list[ScheduleWarning]:
        return collect_warnings(self.net, self.dates, self.scheduler.data, self.total_float)

    def dates_of(self, activity_id: str) -> ComputedDates:
        return self._dates_at(self.net.index[activity_id])

    def _dates_at(self, i: int) -> ComputedDates:
        d = self.dates
        return ComputedDates(
            early_start=_dt(d.es[i]),
            early_finish=_dt(d.ef[i]),
            late_start=_dt(d.ls[i]),
            late_finish=_dt(d.lf[i]),
            total_float=self.total_float[i],
            free_float=self.free_float[i],
            critical=self.critical[i],
            longest_path=i in self.longest_path,
        )

    def computed(self) -> dict[str, ComputedDates]:
        """Every activity's ComputedDates by id (what ProjectSession.set_computed takes)."""
        return {a_id: self._dates_at(i) for i, a_id in enumerate(self.net.ids)}

    def changed_ids(self) -> list[str]:
        """Activities whose results the run may have changed: all after a full run, few after an edit."""
        ids = self.net.ids
        return [ids[i] for i in sorted(self.scheduler.last_touched)]

    def driving_path(self, activity_id: str) -> list[str]:
        return self.scheduler.driving_path(activity_id)

    def minutes(self, activity_id: str) -> dict[str, Any]:
        """Raw epoch minutes and work positions (for tests and tools that compare)."""
        i = self.net.index[activity_id]
        d = self.dates
        return {"es": d.es[i], "ef": d.ef[i], "ls": d.ls[i], "lf": d.lf[i], "tf": self.total_float[i]}


def collect_warnings(
    net: Network, d: Dates, data: ProjectData, total_float: list[int | None], *, limit: int = 10_000
) -> list[ScheduleWarning]:
    """Open ends, constraints that logic breaks (negative float at a constraint), out-of-sequence progress."""
    out: list[ScheduleWarning] = []
    n = net.n_pass
    codes = net.codes
    has_succ = [False] * n
    for p in net.pred_src:
        has_succ[p] = True
    for i in range(n):
        if len(out) >= limit:
            break
        a_id, code = net.ids[i], codes[i]
        if net.pred_ptr[i] == net.pred_ptr[i + 1] and net.status[i] == NOT_STARTED:
            out.append(ScheduleWarning("open_start", f"{code} has no predecessor", a_id))
        if not has_succ[i] and net.status[i] != COMPLETE:
            out.append(ScheduleWarning("open_end", f"{code} has no successor", a_id))
        tf = total_float[i]
        hard = {C_SNLT, C_SON, C_FNLT, C_FON, C_MSO, C_MFO}
        if tf is not None and tf < 0 and (net.c1_type[i] in hard or net.c2_type[i] in hard):
            out.append(
                ScheduleWarning("constraint_violated", f"{code}: its constraint leaves {tf / 60:g} h of float", a_id)
            )
        if net.status[i] != NOT_STARTED:
            for k in range(net.pred_ptr[i], net.pred_ptr[i + 1]):
                p = net.pred_src[k]
                t = net.pred_type[k]
                if (t == FS and net.status[p] != COMPLETE) or (t == SS and net.status[p] == NOT_STARTED):
                    out.append(
                        ScheduleWarning("out_of_sequence", f"{code} started before its predecessor {codes[p]}", a_id)
                    )
                    break
                if t == FF and net.status[i] == COMPLETE and net.status[p] != COMPLETE:
                    out.append(ScheduleWarning("out_of_sequence", f"{code} finished before {codes[p]}", a_id))
                    break
    for rel_id in net.ignored_links[: max(0, limit - len(out))]:
        rel = data.relationships[rel_id]
        pred = data.activities.get(rel.predecessor_id)
        succ = data.activities.get(rel.successor_id)
        names = f"{pred.code if pred else '?'} -> {succ.code if succ else '?'}"
        out.append(ScheduleWarning("ignored_link", f"relationship {names} on a WBS summary is not scheduled"))
    return out
