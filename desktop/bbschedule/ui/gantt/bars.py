"""What the Gantt draws for each row, read from the project (Qt-free): bar kind, dates, progress, float, baseline.

Bars follow P6's convention: an activity not yet scheduled shows its planned dates; once scheduled, its early
dates; the part before the data date that has actuals is the actual portion.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from bbschedule.core.activity import Activity
from bbschedule.core.enums import ActivityType
from bbschedule.core.project_data import ProjectData


class BarKind(Enum):
    TASK = "task"
    MILESTONE = "milestone"
    SUMMARY = "summary"
    LEVEL_OF_EFFORT = "level_of_effort"


@dataclass(frozen=True, slots=True)
class BarSpec:
    key: str
    kind: BarKind
    start: dt.datetime
    finish: dt.datetime
    actual_until: dt.datetime | None = None
    """The end of the actual (done) portion: the actual finish, or the data date while in progress."""
    critical: bool = False
    late_finish: dt.datetime | None = None
    """Where the total-float bar ends."""
    baseline_start: dt.datetime | None = None
    baseline_finish: dt.datetime | None = None
    label: str = ""
    total_float_hours: float | None = None


def _dates(activity: Activity, data: ProjectData) -> tuple[dt.datetime, dt.datetime] | None:
    computed = data.computed.get(activity.id)
    start = activity.actual_start or (computed.early_start if computed else None) or activity.planned_start
    finish = activity.actual_finish or (computed.early_finish if computed else None) or activity.planned_finish
    if start is None and finish is None:
        return None
    start = start or finish
    finish = finish or start
    assert start is not None
    assert finish is not None
    return (start, max(start, finish))


def _kind(activity: Activity) -> BarKind:
    if activity.type.is_milestone:
        return BarKind.MILESTONE
    if activity.type is ActivityType.LEVEL_OF_EFFORT:
        return BarKind.LEVEL_OF_EFFORT
    if activity.type is ActivityType.WBS_SUMMARY:
        return BarKind.SUMMARY
    return BarKind.TASK


def activity_bars(data: ProjectData, *, baseline_id: str | None = None) -> dict[str, BarSpec]:
    """One bar per activity that has dates, keyed by activity id."""
    baseline = data.baselines.get(baseline_id) if baseline_id else None
    if baseline is None and data.baselines:
        baseline = max(data.baselines.values(), key=lambda b: b.taken_at)
    base_rows = baseline.by_activity() if baseline else {}
    data_date = data.project.effective_data_date
    bars: dict[str, BarSpec] = {}
    for activity in data.activities.values():
        dates = _dates(activity, data)
        if dates is None:
            continue
        start, finish = dates
        computed = data.computed.get(activity.id)
        if activity.actual_finish is not None:
            actual_until: dt.datetime | None = activity.actual_finish
        elif activity.actual_start is not None:
            actual_until = max(activity.actual_start, data_date)
        else:
            actual_until = None
        base = base_rows.get(activity.id)
        float_hours = None if computed is None or computed.total_float is None else computed.total_float / 60.0
        bars[activity.id] = BarSpec(
            key=activity.id,
            kind=_kind(activity),
            start=start,
            finish=finish,
            actual_until=actual_until,
            critical=bool(computed and computed.critical),
            late_finish=computed.late_finish if computed else None,
            baseline_start=base.start if base else None,
            baseline_finish=base.finish if base else None,
            label=activity.name,
            total_float_hours=float_hours,
        )
    return bars


def summary_bars(data: ProjectData, bars: dict[str, BarSpec]) -> dict[str, BarSpec]:
    """One summary bar per WBS node spanning everything beneath it, keyed by WBS id."""
    spans: dict[str, tuple[dt.datetime, dt.datetime, bool]] = {}

    def widen(wbs_id: str | None, start: dt.datetime, finish: dt.datetime, critical: bool) -> None:
        seen = 0
        while wbs_id is not None and seen < 1000:
            seen += 1
            old = spans.get(wbs_id)
            if old is not None:
                start, finish, critical = min(old[0], start), max(old[1], finish), old[2] or critical
            spans[wbs_id] = (start, finish, critical)
            node = data.wbs.get(wbs_id)
            wbs_id = node.parent_id if node else None

    for activity in data.activities.values():
        bar = bars.get(activity.id)
        if bar is not None:
            widen(activity.wbs_id, bar.start, bar.finish, bar.critical)
    return {
        wbs_id: BarSpec(key=wbs_id, kind=BarKind.SUMMARY, start=s, finish=f, critical=c, label=data.wbs[wbs_id].name)
        for wbs_id, (s, f, c) in spans.items()
        if wbs_id in data.wbs
    }


def span_of(bars: Iterable[BarSpec]) -> tuple[dt.datetime, dt.datetime] | None:
    listed = list(bars)
    if not listed:
        return None
    return min(b.start for b in listed), max(b.finish for b in listed)
