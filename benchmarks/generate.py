"""Realistic synthetic schedules for benchmarks: WBS, mixed relationship types and lags, 5 calendars with
holidays, constraints, milestones, level of effort, WBS summaries and progress at a data date.

`generate_project(n_activities=100_000, seed=1)` is deterministic for a seed; the logic is acyclic by
construction (every link goes from a lower "level" of the schedule to a higher one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import uuid
from pathlib import Path

from bbschedule.core.activity import Activity, Constraint, Relationship
from bbschedule.core.calendar import Calendar, CalendarException, WorkInterval, standard_week, twenty_four_hour_calendar
from bbschedule.core.enums import ActivityType, ConstraintType, RelationshipType
from bbschedule.core.project import Project, ScheduleOptions, Wbs
from bbschedule.core.project_data import ProjectData

PLANNED_START = dt.datetime(2026, 1, 5, 8, 0)
LEVELS = 150
"""Time slices of the schedule: links go forward 1-3 levels, so the longest path is about LEVELS activities."""
PROGRESS_LEVELS = 10
"""Levels before the data date: completed below 8, in progress at 8 and 9."""


def _holidays(years: range) -> list[dt.date]:
    days: list[dt.date] = []
    for year in years:
        days += [dt.date(year, 1, 1), dt.date(year, 5, 1), dt.date(year, 7, 4), dt.date(year, 11, 11)]
        days += [dt.date(year, 12, 24), dt.date(year, 12, 25), dt.date(year, 12, 26)]
    return days


def make_calendars(rng: random.Random) -> list[Calendar]:
    """Five calendars: 5x8 with lunch, 6x10, 24-hour, 4x10, and a split night shift."""
    years = range(PLANNED_START.year - 1, PLANNED_START.year + 8)
    holidays = tuple(CalendarException(day, day, name="holiday") for day in _holidays(years))
    # A plant shutdown week each summer and one Saturday worked per year (a working exception).
    shutdowns = tuple(CalendarException(dt.date(y, 8, 3), dt.date(y, 8, 9), name="shutdown") for y in years)
    saturday = tuple(
        CalendarException(dt.date(y, 3, 7), dt.date(y, 3, 7), intervals=(WorkInterval.hours(7, 12),)) for y in years
    )
    night_day = (WorkInterval(0, 4 * 60), WorkInterval(20 * 60, 24 * 60))
    return [
        Calendar(
            name="Standard 5x8", week=standard_week(), exceptions=holidays + saturday, is_default=True, source_id="1"
        ),
        Calendar(
            name="6x10",
            week=standard_week(7, 18, lunch=(12, 13), days=6),
            exceptions=holidays + shutdowns,
            hours_per_day=10,
            hours_per_week=60,
            source_id="2",
        ),
        twenty_four_hour_calendar("24 Hour"),
        Calendar(
            name="4x10",
            week=standard_week(6.5, 17, lunch=(11, 11.5), days=4),
            exceptions=holidays,
            hours_per_day=10,
            hours_per_week=40,
            source_id="4",
        ),
        Calendar(
            name="Night shift",
            week=(night_day,) * 5 + ((), ()),
            exceptions=holidays,
            hours_per_day=8,
            hours_per_week=40,
            source_id="5",
        ),
    ]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def generate_project(n_activities: int = 100_000, n_links: int | None = None, seed: int = 1) -> ProjectData:
    """A project of about n_activities activities and n_links (default 1.5n) relationships."""
    rng = random.Random(seed)
    n_links = round(1.5 * n_activities) if n_links is None else n_links
    calendars = make_calendars(rng)
    cal_weights = (0.6, 0.15, 0.05, 0.1, 0.1)
    data_date = PLANNED_START + dt.timedelta(days=7 * PROGRESS_LEVELS)
    project = Project(
        code=f"GEN{n_activities}",
        name=f"Generated {n_activities} activities (seed {seed})",
        planned_start=PLANNED_START,
        data_date=data_date,
        default_calendar_id=calendars[0].id,
        options=ScheduleOptions(),
        id=_uuid(rng),
    )
    data = ProjectData(project=project, calendars={c.id: c for c in calendars})

    n_areas = max(1, min(20, n_activities // 500))
    area_nodes: list[Wbs] = []
    leaves: list[list[Wbs]] = []
    for a in range(n_areas):
        area = Wbs(code=f"A{a:02d}", name=f"Area {a}", sequence=a, id=_uuid(rng))
        area_nodes.append(area)
        data.wbs[area.id] = area
        area_leaves: list[Wbs] = []
        for s in range(10):
            system = Wbs(code=f"S{s}", name=f"System {a}.{s}", parent_id=area.id, sequence=s, id=_uuid(rng))
            data.wbs[system.id] = system
            for w in range(max(1, min(10, n_activities // (n_areas * 100)))):
                leaf = Wbs(code=f"W{w}", name=f"Work package {a}.{s}.{w}", parent_id=system.id, id=_uuid(rng))
                data.wbs[leaf.id] = leaf
                area_leaves.append(leaf)
        leaves.append(area_leaves)

    # buckets[area][level] = list of activity ids, so links can pick "an activity 1-3 levels later".
    buckets: list[list[list[str]]] = [[[] for _ in range(LEVELS)] for _ in range(n_areas)]
    levels: dict[str, tuple[int, int]] = {}
    n_loe = max(1, n_activities // 400)
    n_summary = n_areas
    n_regular = n_activities - n_loe - n_summary
    for i in range(n_regular):
        area_i = i % n_areas
        level = min(LEVELS - 1, (i // n_areas) * LEVELS // max(1, n_regular // n_areas))
        cal = rng.choices(calendars, weights=cal_weights)[0]
        kind = ActivityType.TASK
        roll = rng.random()
        if level == 0 and i < n_areas:
            kind = ActivityType.START_MILESTONE
        elif roll < 0.05:
            kind = ActivityType.FINISH_MILESTONE
        elif roll < 0.07:
            kind = ActivityType.START_MILESTONE
        elif roll < 0.20:
            kind = ActivityType.RESOURCE_DEPENDENT
        minutes_per_day = round(cal.hours_per_day * 60)
        duration = 0 if kind.is_milestone else minutes_per_day * rng.choice((1, 2, 3, 5, 5, 10, 15, 20))
        activity = _make_activity(
            rng=rng, i=i, kind=kind, cal=cal, level=level, duration=duration, wbs=rng.choice(leaves[area_i])
        )
        data.activities[activity.id] = activity
        buckets[area_i][level].append(activity.id)
        levels[activity.id] = (area_i, level)

    ids = list(levels)
    rel_types = (RelationshipType.FS, RelationshipType.SS, RelationshipType.FF, RelationshipType.SF)

    def link(pred: str, succ: str, rtype: RelationshipType | None = None) -> None:
        if rtype is None:
            rtype = rng.choices(rel_types, weights=(0.75, 0.12, 0.10, 0.03))[0]
        lag = 0
        if rng.random() < 0.15:
            lag = rng.choice((-2, -1, 1, 2, 3, 5, 10)) * 480
            if rtype is RelationshipType.SF and lag < 0:
                lag = -lag
        rel = Relationship(predecessor_id=pred, successor_id=succ, type=rtype, lag=lag, id=_uuid(rng))
        data.relationships[rel.id] = rel

    def later(area_i: int, level: int) -> str | None:
        for _ in range(4):
            target_area = area_i if rng.random() < 0.85 else rng.randrange(n_areas)
            target_level = level + rng.randint(1, 3)
            if target_level < LEVELS and buckets[target_area][target_level]:
                return rng.choice(buckets[target_area][target_level])
        return None

    regular_links = n_links - 2 * n_loe
    for k in range(regular_links):
        pred = ids[k] if k < len(ids) else rng.choice(ids)
        succ = later(*levels[pred])
        if succ is not None:
            link(pred, succ)

    for j in range(n_loe):
        area_i = rng.randrange(n_areas)
        start_level = rng.randrange(0, LEVELS - 20)
        first = buckets[area_i][start_level] or ids[:1]
        last = buckets[area_i][start_level + rng.randint(5, 15)] or ids[-1:]
        loe = Activity(
            code=f"LOE{j:05d}",
            name=f"Supervision {j}",
            calendar_id=calendars[0].id,
            wbs_id=rng.choice(leaves[area_i]).id,
            type=ActivityType.LEVEL_OF_EFFORT,
            id=_uuid(rng),
        )
        data.activities[loe.id] = loe
        link(rng.choice(first), loe.id, RelationshipType.SS)
        link(rng.choice(last), loe.id, RelationshipType.FF)

    for a, area in enumerate(area_nodes):
        summary = Activity(
            code=f"SUM{a:03d}",
            name=f"Summary of {area.name}",
            calendar_id=calendars[0].id,
            wbs_id=area.id,
            type=ActivityType.WBS_SUMMARY,
            id=_uuid(rng),
        )
        data.activities[summary.id] = summary
    return data


def _make_activity(
    *, rng: random.Random, i: int, kind: ActivityType, cal: Calendar, level: int, duration: int, wbs: Wbs
) -> Activity:
    around = PLANNED_START + dt.timedelta(days=7 * level)
    constraint = None
    roll = rng.random()
    if roll < 0.02:
        constraint = Constraint(ConstraintType.START_ON_OR_AFTER, around + dt.timedelta(days=rng.randint(0, 20)))
    elif roll < 0.03:
        constraint = Constraint(ConstraintType.FINISH_ON_OR_BEFORE, around + dt.timedelta(days=rng.randint(30, 90)))
    elif roll < 0.035:
        constraint = Constraint(ConstraintType.AS_LATE_AS_POSSIBLE)
    elif roll < 0.037:
        constraint = Constraint(ConstraintType.MANDATORY_START, around + dt.timedelta(days=rng.randint(0, 10)))
    elif roll < 0.039:
        constraint = Constraint(ConstraintType.FINISH_ON_OR_AFTER, around + dt.timedelta(days=rng.randint(0, 30)))
    actual_start = actual_finish = None
    remaining = None
    if level < PROGRESS_LEVELS and constraint is None:
        actual_start = PLANNED_START + dt.timedelta(days=7 * level + rng.randint(0, 2))
        if level < PROGRESS_LEVELS - 2:
            finish_days = 0 if kind.is_milestone else max(1, duration // 480)
            actual_finish = actual_start + dt.timedelta(days=finish_days, hours=0 if kind.is_milestone else 9)
            actual_finish = min(actual_finish, PLANNED_START + dt.timedelta(days=7 * PROGRESS_LEVELS - 1))
            if kind is ActivityType.START_MILESTONE:
                actual_finish = actual_start
        elif kind.is_milestone:
            actual_start = None
        else:
            remaining = duration // 2
    return Activity(
        code=f"ACT{i:06d}",
        name=f"Activity {i}",
        calendar_id=cal.id,
        wbs_id=wbs.id,
        type=kind,
        original_duration=duration,
        remaining_duration=remaining,
        actual_duration=0,
        primary_constraint=constraint,
        actual_start=actual_start,
        actual_finish=actual_finish,
        id=_uuid(rng),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a generated project as .bbs.json (or .xer when available).")
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from bbschedule.formats.registry import write_file

    data = generate_project(args.n, seed=args.seed)
    write_file(data, args.out)
    print(f"wrote {len(data.activities)} activities, {len(data.relationships)} relationships to {args.out}")


if __name__ == "__main__":
    main()
