"""What the Gantt draws for each row, read from the project (Qt-free): bar kind, dates, progress, float, baseline.

Bars follow P6's convention: an activity not yet scheduled shows its planned dates; once scheduled, its early
dates; the part before the data date that has actuals is the actual portion.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from bbschedule.core.activity import Activity
from bbschedule.core.baseline import BaselineActivity
from bbschedule.core.computed import span_of
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
    return span_of(activity, data.computed.get(activity.id))


def _kind(activity: Activity) -> BarKind:
    if activity.type.is_milestone:
        return BarKind.MILESTONE
    if activity.type is ActivityType.LEVEL_OF_EFFORT:
        return BarKind.LEVEL_OF_EFFORT
    if activity.type is ActivityType.WBS_SUMMARY:
        return BarKind.SUMMARY
    return BarKind.TASK


def activity_bar(
    data: ProjectData, activity: Activity, *, baseline_rows: dict[str, BaselineActivity] | None = None
) -> BarSpec | None:
    """The bar of one activity, or None when it has no dates yet."""
    dates = _dates(activity, data)
    if dates is None:
        return None
    start, finish = dates
    computed = data.computed.get(activity.id)
    if activity.actual_finish is not None:
        actual_until: dt.datetime | None = activity.actual_finish
    elif activity.actual_start is not None:
        actual_until = max(activity.actual_start, data.project.effective_data_date)
    else:
        actual_until = None
    base = baseline_rows.get(activity.id) if baseline_rows else None
    float_hours = None if computed is None or computed.total_float is None else computed.total_float / 60.0
    return BarSpec(
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


def current_baseline_rows(data: ProjectData) -> dict[str, BaselineActivity]:
    """The rows of the most recent baseline (the one the Gantt shows under the bars)."""
    if not data.baselines:
        return {}
    return max(data.baselines.values(), key=lambda b: b.taken_at).by_activity()


def summary_spans(data: ProjectData) -> dict[str, tuple[dt.datetime, dt.datetime, bool]]:
    """(start, finish, critical) of every WBS node over everything beneath it."""
    spans: dict[str, tuple[dt.datetime, dt.datetime, bool]] = {}
    parent_of = {w.id: w.parent_id for w in data.wbs.values()}
    computed = data.computed
    for activity in data.activities.values():
        dates = _dates(activity, data)
        if dates is None:
            continue
        start, finish = dates
        c = computed.get(activity.id)
        critical = bool(c and c.critical)
        wbs_id = activity.wbs_id
        depth = 0
        while wbs_id is not None and depth < 1000:
            depth += 1
            old = spans.get(wbs_id)
            if old is not None:
                if old[0] <= start and old[1] >= finish and (old[2] or not critical):
                    break
                start, finish, critical = min(old[0], start), max(old[1], finish), old[2] or critical
            spans[wbs_id] = (start, finish, critical)
            wbs_id = parent_of.get(wbs_id)
    return spans


SummarySource = Callable[[str], "tuple[dt.datetime, dt.datetime, bool] | None"]
"""(start, finish, critical) of a group row by its key (a WBS id or an activity-code group), None for others."""


class BarCache:
    """Bars built on demand for the rows being painted, forgotten by the change sets that touch them.

    With a `summary_source` (the table's roll-ups) group bars come from it instead of a pass over every activity:
    the table has them already.
    """

    def __init__(
        self,
        data: ProjectData,
        *,
        summary_source: SummarySource | None = None,
        label_source: Callable[[str], str] | None = None,
    ) -> None:
        self.data = data
        self._summary_source = summary_source
        self._label_source = label_source
        self._bars: dict[str, BarSpec | None] = {}
        self._spans: dict[str, tuple[dt.datetime, dt.datetime, bool]] | None = None
        self._baseline_rows: dict[str, BaselineActivity] | None = None
        self._span: tuple[dt.datetime, dt.datetime] | None = None

    def get(self, key: str) -> BarSpec | None:
        if key in self._bars:
            return self._bars[key]
        bar: BarSpec | None = None
        activity = self.data.activities.get(key)
        if activity is not None:
            if self._baseline_rows is None:
                self._baseline_rows = current_baseline_rows(self.data)
            bar = activity_bar(self.data, activity, baseline_rows=self._baseline_rows)
        elif key in self.data.wbs or self._summary_source is not None:
            span = self._summary(key)
            if span is not None:
                label = self._label_source(key) if self._label_source is not None else self.data.wbs[key].name
                bar = BarSpec(key, BarKind.SUMMARY, span[0], span[1], critical=span[2], label=label)
        self._bars[key] = bar
        return bar

    def _summary(self, wbs_id: str) -> tuple[dt.datetime, dt.datetime, bool] | None:
        if self._summary_source is not None:
            return self._summary_source(wbs_id)
        if self._spans is None:
            self._spans = summary_spans(self.data)
        return self._spans.get(wbs_id)

    def forget(self, activity_ids: Iterable[str] | None = None) -> None:
        """Forget the bars of these activities and every summary (None: forget everything)."""
        if activity_ids is None:
            self._bars.clear()
            self._baseline_rows = None
        else:
            for key in activity_ids:
                self._bars.pop(key, None)
            activities = self.data.activities
            for key in [k for k in self._bars if k not in activities]:  # the summaries above them
                del self._bars[key]
        self._spans = None
        self._span = None

    def span(self) -> tuple[dt.datetime, dt.datetime] | None:
        """The dates of the whole project, for 'fit'."""
        if self._span is None:
            self._span = project_span(self.data)
        return self._span


def project_span(data: ProjectData) -> tuple[dt.datetime, dt.datetime] | None:
    """From the earliest to the latest date any bar shows: actual dates, scheduled dates, and the planned dates of
    activities not scheduled yet. Straight passes over the tables, no lookup per activity (100k in a few ms)."""
    acts, comps = data.activities.values(), data.computed.values()
    starts = [a.actual_start for a in acts if a.actual_start is not None]
    starts += [c.early_start for c in comps if c.early_start is not None]
    finishes = [a.actual_finish for a in acts if a.actual_finish is not None]
    finishes += [c.early_finish for c in comps if c.early_finish is not None]
    if len(data.computed) < len(data.activities):
        unscheduled = [a for a in acts if a.id not in data.computed]
        starts += [a.planned_start for a in unscheduled if a.planned_start is not None]
        finishes += [a.planned_finish for a in unscheduled if a.planned_finish is not None]
    if not starts and not finishes:
        return None
    start, finish = min(starts or finishes), max(finishes or starts)
    return start, max(start, finish)
