"""The scheduling use case: schedule a ProjectData, a file or a cached project, keep the result in the session
(and so in the cache), and write the result JSON of contracts/schedule-result.schema.json.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bbschedule.core.changes import ChangeSet
from bbschedule.core.errors import InputFileError, ValidationError
from bbschedule.core.progress import NO_PROGRESS, Progress
from bbschedule.core.project_data import ProjectData
from bbschedule.scheduling.calendar import from_minutes
from bbschedule.scheduling.codes import NONE
from bbschedule.scheduling.engine import Scheduler, schedule
from bbschedule.scheduling.float_paths import FloatPathBasis, FloatPathOptions, FloatPaths
from bbschedule.scheduling.float_paths import float_paths as float_paths_of
from bbschedule.scheduling.result import ScheduleResult
from bbschedule.services.session import ProjectSession
from bbschedule.telemetry.observability import SpanHandle, span

log = logging.getLogger(__name__)

RESULT_FORMAT = "bbschedule.schedule/1"


@dataclass
class ScheduledProject:
    data: ProjectData
    result: ScheduleResult
    source_format: str


def _span(data: ProjectData, *, kind: str = "full") -> AbstractContextManager[SpanHandle]:
    """The telemetry span of one scheduling run: sizes only, never project content."""
    return span("schedule", kind=kind, activities=len(data.activities), relationships=len(data.relationships))


def with_data_date(data: ProjectData, data_date: dt.datetime | None) -> ProjectData:
    """A copy of the snapshot with another data date (the tables are shared, not copied)."""
    if data_date is None:
        return data
    project = dataclasses.replace(data.project, data_date=data_date)
    return dataclasses.replace(data, project=project, computed={})


def schedule_data(
    data: ProjectData, *, data_date: dt.datetime | None = None, progress: Progress = NO_PROGRESS
) -> ScheduleResult:
    """Schedule a snapshot (raises LogicLoopError naming a loop)."""
    with _span(data):
        result = schedule(with_data_date(data, data_date), progress=progress)
    log.info("scheduled %s: %d activities in %.0f ms", data.project.code, len(data.activities), result.elapsed_ms)
    return result


def schedule_session(session: ProjectSession, *, progress: Progress = NO_PROGRESS) -> ScheduleResult:
    """Schedule the session's project and keep the dates as its computed cache (stored, not undoable)."""
    with _span(session.data):
        result = schedule(session.data, progress=progress)
    session.set_computed(result.computed())
    return result


def driving_path(data: ProjectData, activity_id: str, *, progress: Progress = NO_PROGRESS) -> list[str]:
    """The activities whose logic sets `activity_id`'s early dates, first to last ("why is this date here?")."""
    with _span(data, kind="driving_path"):
        return schedule(data, progress=progress).driving_path(activity_id)


def float_path_options(
    data: ProjectData,
    *,
    count: int = 10,
    end_code: str | None = None,
    basis: FloatPathBasis = FloatPathBasis.FREE_FLOAT,
) -> FloatPathOptions:
    """Float path options with the ending activity named by its code (None: the project's finish)."""
    end_id = None
    if end_code is not None:
        end = data.activity_by_code(end_code)
        if end is None:
            raise ValidationError("float_path_end", f"no activity {end_code!r} in project {data.project.code}")
        end_id = end.id
    return FloatPathOptions(count=count, end_activity_id=end_id, basis=basis)


def project_float_path_options(data: ProjectData) -> FloatPathOptions | None:
    """The project's own multiple float path settings (P6's Schedule Options), or None when they are off.

    An ending activity deleted since it was chosen leaves the paths ending at the project's finish."""
    o = data.project.options
    if not o.multiple_float_paths:
        return None
    end = o.float_path_end_activity_id
    if end is not None and end not in data.activities:
        log.warning("%s: the float paths' ending activity is gone; they end at the finish", data.project.code)
        end = None
    return FloatPathOptions(count=o.float_path_count, end_activity_id=end, basis=o.float_path_by)


def result_float_paths(data: ProjectData, result: ScheduleResult) -> FloatPaths | None:
    """The float paths the project's settings ask for, from a run on `data` (None when they are off).

    Raises ValidationError naming the ending activity when it cannot end a path (a level of effort, a WBS
    summary)."""
    options = project_float_path_options(data)
    if options is None:
        return None
    with _span(data, kind="float_paths"):
        try:
            return float_paths_of(result, options)
        except ValidationError as exc:
            end = data.activities.get(options.end_activity_id or "")
            code = end.code if end is not None else options.end_activity_id
            raise ValidationError(
                "options.float_path_end_activity_id", f"{code} cannot end float paths: {exc.message}"
            ) from None


@dataclass(frozen=True)
class ScheduleWithPaths:
    """One run of the window's F9: the result and, when the project's option is on, its float paths."""

    result: ScheduleResult
    float_paths: dict[str, tuple[int, int]] | None
    """Activity id -> (float_path, float_path_order); None when the project's option is off."""
    problem: str | None = None
    """Why the paths could not be computed (the schedule itself stands)."""


def schedule_with_float_paths(data: ProjectData, *, progress: Progress = NO_PROGRESS) -> ScheduleWithPaths:
    """Schedule a snapshot and compute the float paths the project's settings ask for, from the same run."""
    result = schedule_data(data, progress=progress)
    try:
        paths = result_float_paths(data, result)
    except ValidationError as exc:
        return ScheduleWithPaths(result, {}, exc.message)
    return ScheduleWithPaths(result, paths.numbers() if paths is not None else None)


def float_paths(
    data: ProjectData, *, options: FloatPathOptions, progress: Progress = NO_PROGRESS
) -> dict[str, tuple[int, int]]:
    """P6's multiple float paths: activity id -> (float_path, float_path_order), 1 the most critical path."""
    with _span(data, kind="float_paths"):
        return float_paths_of(schedule(data, progress=progress), options).numbers()


def scheduled_float_paths(scheduled: ScheduledProject, options: FloatPathOptions) -> FloatPaths:
    """The float paths of a scheduled file or project, for result_json (the run's dates, no second run)."""
    with _span(scheduled.data, kind="float_paths"):
        return float_paths_of(scheduled.result, options)


class SessionScheduler:
    """Schedules a session's project and keeps the compiled network, so that after edits (F9 again) only what
    the edited activities can reach is recomputed. Listens to the session for what changed."""

    def __init__(self, session: ProjectSession) -> None:
        self.session = session
        self._scheduler: Scheduler | None = None
        self._edited: set[str] = set()
        self._structural = False
        self.unsubscribe = session.subscribe(self._on_change)

    def _on_change(self, change_set: ChangeSet) -> None:
        for change in change_set.changes:
            if change.kind != "activity" or change.before is None or change.after is None:
                self._structural = True  # links, calendars, WBS, project options, added or deleted activities
            else:
                self._edited.add(change.id)

    def run(self, *, progress: Progress = NO_PROGRESS) -> ScheduleResult:
        with _span(self.session.data, kind="full" if self._scheduler is None or self._structural else "incremental"):
            return self._run(progress)

    def _run(self, progress: Progress) -> ScheduleResult:
        data = self.session.data
        if self._scheduler is None:
            self._scheduler = Scheduler(data, progress=progress)
            result = self._scheduler.run()
            computed = result.computed()
        else:
            self._scheduler.progress = progress
            edited = [a for a in self._edited if a in data.activities]
            result = self._scheduler.update(data, edited, only_these=not self._structural)
            computed = dict(data.computed)
            for a_id in result.changed_ids():
                computed[a_id] = result.dates_of(a_id)
            for gone in computed.keys() - data.activities.keys():
                del computed[gone]
        self._edited.clear()
        self._structural = False
        self.session.set_computed(computed)
        return result


def schedule_source(
    source: str | Path,
    *,
    project: str | None = None,
    data_date: dt.datetime | None = None,
    profile: Path | None = None,
    progress: Progress = NO_PROGRESS,
) -> ScheduledProject:
    """Schedule a file (any supported format) or, when no such file exists, a project of the local cache.

    A cached project's result is stored back in the cache through its session.
    """
    path = Path(source)
    if path.exists():
        from bbschedule.formats.registry import SOURCE_FORMAT_NAMES, read_file

        imported = read_file(path)
        data = imported.pick(project)
        result = schedule_data(data, data_date=data_date, progress=progress)
        return ScheduledProject(data, result, SOURCE_FORMAT_NAMES.get(imported.format, "bbschedule"))
    from bbschedule.services.projects import open_or_create_cache, open_session

    cache = open_or_create_cache(profile)
    try:
        summary = cache.find_project(str(source))
        if summary is None:
            raise InputFileError(str(source), "is neither a file nor a project of the local cache")
        session = open_session(cache, summary.id)
        if data_date is not None:
            result = schedule_data(session.data, data_date=data_date, progress=progress)
        else:
            result = schedule_session(session, progress=progress)
        return ScheduledProject(session.data, result, "bbschedule")
    finally:
        cache.close()


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M")


def _minutes_iso(minutes: int) -> str | None:
    return None if minutes == NONE else from_minutes(minutes).strftime("%Y-%m-%dT%H:%M")


def _hours(minutes: int | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 4)


def result_json(scheduled: ScheduledProject, *, paths: FloatPaths | None = None) -> dict[str, Any]:
    """The schedule result as contracts/schedule-result.schema.json describes it; with `paths`, each activity
    also carries float_path and float_path_order (null when on no path)."""
    data, result = scheduled.data, scheduled.result
    on_path = paths.numbers() if paths is not None else {}
    net, d = result.net, result.dates
    by_code = scheduled.source_format in ("xer", "bbschedule", "xlsx")
    wbs_codes = {w.id: w.code for w in data.wbs.values()}
    calendars = {c.id: c.name for c in data.calendars.values()}
    activities = []
    for i, a_id in enumerate(net.ids):
        a = data.activities[a_id]
        activities.append(
            {
                "source_id": a.code if by_code or not a.source_id else a.source_id,
                "name": a.name,
                "wbs": wbs_codes.get(a.wbs_id) if a.wbs_id else None,
                "type": a.type.value,
                "calendar": calendars.get(a.calendar_id),
                "original_duration_hours": a.original_duration / 60,
                "remaining_duration_hours": a.remaining / 60,
                "actual_start": _iso(a.actual_start),
                "actual_finish": _iso(a.actual_finish),
                "early_start": _minutes_iso(d.es[i]),
                "early_finish": _minutes_iso(d.ef[i]),
                "late_start": _minutes_iso(d.ls[i]),
                "late_finish": _minutes_iso(d.lf[i]),
                "total_float_hours": _hours(result.total_float[i]),
                "free_float_hours": _hours(result.free_float[i]),
                "critical": result.critical[i],
                "longest_path": i in result.longest_path,
            }
        )
        if paths is not None:
            number, order = on_path.get(a_id, (None, None))
            activities[-1]["float_path"] = number
            activities[-1]["float_path_order"] = order
    warnings = []
    codes = {a.id: a.code for a in data.activities.values()}
    for w in result.warnings:
        item: dict[str, Any] = {"code": w.code, "message": w.message}
        if w.activity_id is not None:
            item["source_id"] = codes.get(w.activity_id, w.activity_id)
        warnings.append(item)
    project = data.project
    out: dict[str, Any] = {
        "format": RESULT_FORMAT,
        "project": {
            "name": project.name,
            "source_format": scheduled.source_format,
            "data_date": _minutes_iso(net.data_date),
            "start": _iso(result.start),
            "finish": _iso(result.finish),
            "activity_count": len(data.activities),
            "relationship_count": len(data.relationships),
            "progress_mode": project.options.progress_mode.value,
            "elapsed_ms": round(result.elapsed_ms, 3),
        },
        "activities": activities,
        "warnings": warnings,
    }
    if paths is not None:
        end = paths.options.end_activity_id
        out["float_paths"] = {
            "by": paths.options.basis.value,
            "ending_activity": codes.get(end, end) if end is not None else None,
            "requested": paths.options.count,
            "found": len(paths.paths),
        }
    return out
