"""Builds resources/samples/sample_project.bbs.json: the Riverside Medical Centre, loaded on first start.

Run `PYTHONPATH=desktop .venv/bin/python resources/samples/make_sample.py`; ids come from uuid5 so the file is
reproducible. A small day-by-day forward pass here gives plausible baseline and actual dates (the real engine
lives in scheduling/ and recomputes everything on load).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from sample_logic import ACTIVITIES, RELATIONSHIPS, RESOURCES, WBS_TREE, Row

from bbschedule.core.activity import Activity, Constraint, Relationship
from bbschedule.core.baseline import Baseline, BaselineActivity
from bbschedule.core.calendar import Calendar, CalendarException, standard_week
from bbschedule.core.codes import ActivityCodeType, ActivityCodeValue, UserField
from bbschedule.core.enums import (
    ActivityType,
    ConstraintType,
    CriticalMode,
    PercentCompleteType,
    RelationshipType,
    ResourceType,
    UserFieldType,
)
from bbschedule.core.project import Project, ScheduleOptions, Wbs
from bbschedule.core.project_data import ProjectData
from bbschedule.core.resource import Assignment, Expense, Resource, ResourceRate
from bbschedule.formats import project_json

OUT = Path(__file__).with_name("sample_project.bbs.json")
NAMESPACE = uuid.UUID("6f1f3c2e-9a57-4c1e-8d0b-52c1a1e0b001")
DAY = 480  # working minutes in an 8-hour day
PROJECT_START = dt.datetime(2026, 3, 2, 8, 0)
CONTRACT_COMPLETION = dt.datetime(2027, 5, 28, 17, 0)
MOBILISATION_NOT_BEFORE = dt.datetime(2026, 4, 13, 8, 0)

# Bank holidays of England and Wales, 2026-2027 (gov.uk), with substitute days where one falls on a weekend.
UK_BANK_HOLIDAYS = (
    (dt.date(2026, 1, 1), "New Year's Day"),
    (dt.date(2026, 4, 3), "Good Friday"),
    (dt.date(2026, 4, 6), "Easter Monday"),
    (dt.date(2026, 5, 4), "Early May bank holiday"),
    (dt.date(2026, 5, 25), "Spring bank holiday"),
    (dt.date(2026, 8, 31), "Summer bank holiday"),
    (dt.date(2026, 12, 25), "Christmas Day"),
    (dt.date(2026, 12, 28), "Boxing Day (substitute day)"),
    (dt.date(2027, 1, 1), "New Year's Day"),
    (dt.date(2027, 3, 26), "Good Friday"),
    (dt.date(2027, 3, 29), "Easter Monday"),
    (dt.date(2027, 5, 3), "Early May bank holiday"),
    (dt.date(2027, 5, 31), "Spring bank holiday"),
    (dt.date(2027, 8, 30), "Summer bank holiday"),
    (dt.date(2027, 12, 27), "Christmas Day (substitute day)"),
    (dt.date(2027, 12, 28), "Boxing Day (substitute day)"),
)


def sid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def calendars() -> tuple[Calendar, Calendar]:
    holidays = tuple(CalendarException(day, day, (), name) for day, name in UK_BANK_HOLIDAYS)
    office = Calendar(
        name="5-Day Week (UK Bank Holidays)",
        week=standard_week(8, 17, (12, 13), days=5),
        exceptions=holidays,
        id=sid("calendar", "5day"),
        is_default=True,
    )
    shutdown = CalendarException(dt.date(2026, 12, 21), dt.date(2027, 1, 1), (), "Christmas site shutdown")
    site = Calendar(
        name="6-Day Site Week",
        week=standard_week(8, 17, (12, 13), days=6),
        exceptions=(*holidays, shutdown),
        id=sid("calendar", "6day"),
        hours_per_week=48,
        hours_per_month=208,
        hours_per_year=2400,
    )
    return office, site


# --- a small forward pass over working time (plausible dates for the baseline and the actuals) -------------


def _intervals(cal: Calendar, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    base = dt.datetime.combine(day, dt.time())
    return [(base + dt.timedelta(minutes=i.start), base + dt.timedelta(minutes=i.end)) for i in cal.intervals_on(day)]


def next_work(cal: Calendar, t: dt.datetime) -> dt.datetime:
    day = t.date()
    while True:
        for start, end in _intervals(cal, day):
            if t < end:
                return max(t, start)
        day += dt.timedelta(days=1)


def add_work(cal: Calendar, t: dt.datetime, minutes: int) -> dt.datetime:
    if minutes == 0:
        return t
    day = t.date()
    while True:
        for start, end in _intervals(cal, day):
            if t >= end:
                continue
            cur = max(t, start)
            avail = int((end - cur).total_seconds() // 60)
            if minutes <= avail:
                return cur + dt.timedelta(minutes=minutes)
            minutes -= avail
            t = end
        day += dt.timedelta(days=1)


def sub_work(cal: Calendar, t: dt.datetime, minutes: int) -> dt.datetime:
    if minutes == 0:
        return t
    day = t.date()
    while True:
        for start, end in reversed(_intervals(cal, day)):
            if t <= start:
                continue
            cur = min(t, end)
            avail = int((cur - start).total_seconds() // 60)
            if minutes <= avail:
                return cur - dt.timedelta(minutes=minutes)
            minutes -= avail
            t = start
        day -= dt.timedelta(days=1)


def work_between(cal: Calendar, a: dt.datetime, b: dt.datetime) -> int:
    total, day = 0, a.date()
    while day <= b.date():
        for start, end in _intervals(cal, day):
            lo, hi = max(a, start), min(b, end)
            if hi > lo:
                total += int((hi - lo).total_seconds() // 60)
        day += dt.timedelta(days=1)
    return total


def topological(rows: list[Row], rels: list[tuple[str, str, str, int]]) -> list[str]:
    preds: dict[str, set[str]] = {r.code: set() for r in rows}
    for p, s, _t, _lag in rels:
        preds[s].add(p)
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(rows):
        ready = [r.code for r in rows if r.code not in done and preds[r.code] <= done]
        if not ready:
            raise SystemExit("the sample's logic has a loop")
        order.extend(ready)
        done.update(ready)
    return order


def forward_pass(
    rows: list[Row], cals: dict[str, Calendar], durations: dict[str, int]
) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """Early start and finish of every activity; the LOE spans the rest and is set last."""
    by_code = {r.code: r for r in rows}
    rels = [rel for rel in RELATIONSHIPS if by_code[rel[0]].kind != "loe" and by_code[rel[1]].kind != "loe"]
    dates: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    for code in topological(rows, rels):
        row, cal, dur = by_code[code], cals[by_code[code].cal], durations[code]
        if row.kind == "loe":
            continue
        es, ef = PROJECT_START, PROJECT_START
        for p, s, kind, lag_days in rels:
            if s != code:
                continue
            pcal, (pes, pef) = cals[by_code[p].cal], dates[p]
            anchor = pes if kind in ("SS", "SF") else pef
            lag = lag_days * DAY
            t = add_work(pcal, anchor, lag) if lag >= 0 else sub_work(pcal, anchor, -lag)
            if kind in ("FS", "SS"):
                es = max(es, t)
            else:
                ef = max(ef, t)
        if row.kind == "finish":
            finish = max(es, ef)
            dates[code] = (finish, finish)
            continue
        if code == "A1170":
            es = max(es, MOBILISATION_NOT_BEFORE)
        es = max(es, sub_work(cal, ef, dur)) if ef > PROJECT_START else es
        es = next_work(cal, es)
        dates[code] = (es, add_work(cal, es, dur))
    loe = next(r for r in rows if r.kind == "loe")
    last = max(f for c, (_s, f) in dates.items() if by_code[c].kind != "finish")
    dates[loe.code] = (PROJECT_START, last)
    return dates


# --- the project -------------------------------------------------------------------------------------------


def build() -> ProjectData:
    office, site = calendars()
    cals = {"5d": office, "6d": site}
    project = Project(
        code="RMC-2026",
        name="Riverside Medical Centre",
        planned_start=PROJECT_START,
        must_finish_by=CONTRACT_COMPLETION,
        default_calendar_id=office.id,
        currency="GBP",
        # The contract date leaves about a month of float: critical = the longest path, as P6 can show it.
        options=ScheduleOptions(critical_mode=CriticalMode.LONGEST_PATH),
        notes="New-build 4-storey primary care centre (GIFA 4,800 m2), RC frame on CFA piles, curtain wall and "
        "brick rainscreen. JCT Design and Build 2024. Programme rev C.",
        id=sid("project"),
    )
    data = ProjectData(project=project, calendars={office.id: office, site.id: site})
    for seq, (code, name, parent) in enumerate(WBS_TREE):
        node = Wbs(code, name, sid("wbs", parent) if parent else None, seq, sid("wbs", code))
        data.wbs[node.id] = node
    _codes(data)
    rows = list(ACTIVITIES)
    durations = {r.code: r.days * DAY for r in rows}
    baseline_dates = forward_pass(rows, cals, durations)
    # Reality drifts: some early activities ran longer or shorter than planned.
    drift = {"A1040": 4, "A1060": 6, "A1090": -2, "A1120": 3, "A1200": 2, "A1210": 3, "A1230": 5, "A1300": 1}
    actual_dates = forward_pass(rows, cals, {c: d + drift.get(c, 0) * DAY for c, d in durations.items()})
    data_date = _data_date(actual_dates, share=0.15)
    project = Project(**{**_fields(project), "data_date": data_date})
    data.project = project
    res_by_code = _resources(data, site)
    for row in rows:
        cal = cals[row.cal]
        start, finish = actual_dates[row.code]
        act = _activity(data, row, cal, baseline_dates[row.code], start, finish, data_date)
        data.activities[act.id] = act
        _assign(data, act, row, res_by_code, baseline_dates[row.code])
    by_code = {a.code: a.id for a in data.activities.values()}
    for p, s, kind, lag_days in RELATIONSHIPS:
        rel = Relationship(by_code[p], by_code[s], RelationshipType(kind), lag_days * DAY, sid("rel", p, s, kind))
        data.relationships[rel.id] = rel
    _check_logic(data)
    _expenses(data, by_code)
    _baseline(data, baseline_dates)
    finish = baseline_dates["A1990"][1]
    if finish > CONTRACT_COMPLETION:
        raise SystemExit(f"planned completion {finish} is after the contract date")
    data.check_all()
    return data


def _check_logic(data: ProjectData) -> None:
    pairs = [(r.predecessor_id, r.successor_id) for r in data.relationships.values()]
    if len(set(pairs)) != len(pairs):
        raise SystemExit("two relationships join the same pair of activities")
    for act in data.activities.values():
        has_pred = any(s == act.id for _p, s in pairs)
        has_succ = any(p == act.id for p, _s in pairs)
        if (not has_pred and act.code != "A1000") or (not has_succ and act.code != "A1990"):
            raise SystemExit(f"{act.code} is open-ended")


def _fields(obj: object) -> dict[str, object]:
    return {name: getattr(obj, name) for name in obj.__dataclass_fields__}  # type: ignore[attr-defined]


def _data_date(dates: dict[str, tuple[dt.datetime, dt.datetime]], *, share: float) -> dt.datetime:
    """The Monday 08:00 after which about `share` of the activities have started."""
    starts = sorted(s for s, _f in dates.values())
    day = starts[round(share * len(starts)) - 1].date() + dt.timedelta(days=1)
    while day.weekday() != 0:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(8))


def _activity(
    data: ProjectData,
    row: Row,
    cal: Calendar,
    planned: tuple[dt.datetime, dt.datetime],
    start: dt.datetime,
    finish: dt.datetime,
    data_date: dt.datetime,
) -> Activity:
    kind = {
        "task": ActivityType.TASK,
        "start": ActivityType.START_MILESTONE,
        "finish": ActivityType.FINISH_MILESTONE,
        "loe": ActivityType.LEVEL_OF_EFFORT,
    }[row.kind]
    extra: dict[str, object] = {}
    if start < data_date:
        extra["actual_start"] = start
        if finish <= data_date:
            extra["actual_finish"] = finish
            extra["actual_duration"] = work_between(cal, start, finish)
            extra["remaining_duration"] = 0
        else:
            extra["actual_duration"] = work_between(cal, start, data_date)
            extra["remaining_duration"] = work_between(cal, data_date, finish)
            if row.physical:
                extra["physical_percent_complete"] = round(100 * extra["actual_duration"] / (row.days * DAY))
    if row.code == "A1170":
        extra["primary_constraint"] = Constraint(ConstraintType.START_ON_OR_AFTER, MOBILISATION_NOT_BEFORE)
    if row.code == "A1990":
        extra["primary_constraint"] = Constraint(ConstraintType.FINISH_ON_OR_BEFORE, CONTRACT_COMPLETION)
    if row.quantity is not None:
        extra["quantity"], extra["quantity_unit"] = row.quantity
        extra["production_rate"] = round(row.quantity[0] / (row.days * 8), 3) if row.days else None
    codes = {
        sid("codetype", "RESP"): sid("code", "RESP", row.resp),
        sid("codetype", "AREA"): sid("code", "AREA", row.area),
    }
    fields: dict[str, object] = {}
    if row.package:
        fields[sid("udf", "package")] = row.package
    if row.crew:
        fields[sid("udf", "crew")] = row.crew
    return Activity(
        code=row.code,
        name=row.name,
        calendar_id=cal.id,
        wbs_id=sid("wbs", row.wbs),
        type=kind,
        percent_complete_type=PercentCompleteType.PHYSICAL if row.physical else PercentCompleteType.DURATION,
        # P6 stores a level of effort's duration as the span it had when last scheduled.
        original_duration=work_between(cal, *planned) if row.kind == "loe" else row.days * DAY,
        planned_start=planned[0],
        planned_finish=planned[1],
        notes=row.notes,
        codes=codes,
        user_fields=fields,
        id=sid("activity", row.code),
        **extra,  # type: ignore[arg-type]
    )


def _codes(data: ProjectData) -> None:
    resp = ActivityCodeType("Responsibility", id=sid("codetype", "RESP"))
    area = ActivityCodeType("Area", id=sid("codetype", "AREA"))
    data.code_types = {resp.id: resp, area.id: area}
    values = [
        ("RESP", "GC", "Main Contractor", None),
        ("RESP", "CL", "Client", None),
        ("RESP", "DT", "Design Team", None),
        ("RESP", "GW", "Groundworks Subcontractor", None),
        ("RESP", "PL", "Piling Subcontractor", None),
        ("RESP", "FR", "RC Frame Subcontractor", None),
        ("RESP", "FA", "Facade Subcontractor", None),
        ("RESP", "ME", "M&E Subcontractor", None),
        ("RESP", "LF", "Lift Subcontractor", None),
        ("RESP", "FO", "Fit-out Subcontractor", None),
        ("AREA", "EXT", "External Areas", None),
        ("AREA", "BLD", "Building (all levels)", None),
        ("AREA", "GF", "Ground Floor", "BLD"),
        ("AREA", "L1", "Level 1", "BLD"),
        ("AREA", "L2", "Level 2", "BLD"),
        ("AREA", "L3", "Level 3", "BLD"),
        ("AREA", "RF", "Roof", "BLD"),
    ]
    for seq, (type_code, code, desc, parent) in enumerate(values):
        value = ActivityCodeValue(
            sid("codetype", type_code),
            code,
            desc,
            sid("code", type_code, parent) if parent else None,
            seq,
            sid("code", type_code, code),
        )
        data.code_values[value.id] = value
    package = UserField("Subcontract Package", UserFieldType.TEXT, sid("udf", "package"))
    crew = UserField("Planned Crew Size", UserFieldType.INTEGER, sid("udf", "crew"))
    data.user_fields = {package.id: package, crew.id: crew}


def _resources(data: ProjectData, site: Calendar) -> dict[str, Resource]:
    out: dict[str, Resource] = {}
    escalation = dt.date(2027, 1, 1)
    for code, name, kind, unit, price, max_units in RESOURCES:
        rtype = ResourceType(kind)
        rates = [ResourceRate(dt.date(2026, 1, 1), price, max_units)]
        if rtype is ResourceType.LABOR:  # annual wage award in January
            rates.append(ResourceRate(escalation, round(price * 1.04, 2), max_units))
        res = Resource(
            code,
            name,
            rtype,
            unit,
            site.id if rtype is not ResourceType.MATERIAL else None,
            tuple(rates),
            id=sid("resource", code),
        )
        data.resources[res.id] = res
        out[code] = res
    return out


def _assign(
    data: ProjectData,
    act: Activity,
    row: Row,
    resources: dict[str, Resource],
    planned: tuple[dt.datetime, dt.datetime],
) -> None:
    for res_code, qty in row.resources:
        res = resources[res_code]
        units = float(qty) if res.type is ResourceType.MATERIAL else qty * act.original_duration / 60
        price = res.price_on(planned[0].date())
        done = 1.0 if act.is_complete else 0.0
        if act.is_started and not act.is_complete:
            total = act.actual_duration + act.remaining
            done = act.actual_duration / total if total else 0.0
        actual = round(units * done, 1)
        remaining = 0.0 if act.is_complete else round(units - actual, 1)
        data.assignments[sid("assignment", act.code, res_code)] = Assignment(
            act.id,
            res.id,
            budgeted_units=round(units, 1),
            actual_units=actual,
            remaining_units=remaining,
            budgeted_cost=round(units * price, 2),
            actual_cost=round(actual * price, 2),
            remaining_cost=round(remaining * price, 2),
            id=sid("assignment", act.code, res_code),
        )


def _expenses(data: ProjectData, by_code: dict[str, str]) -> None:
    for code, name, cost in (
        ("A1040", "Building Control plan check fee", 6800.0),
        ("A1240", "Utility connection charges (water, gas, telecoms)", 48500.0),
        ("A1250", "DNO HV connection and substation adoption", 126000.0),
        ("A1920", "Building Control inspection fee", 5200.0),
    ):
        done = data.activities[by_code[code]].is_complete
        exp = Expense(
            by_code[code],
            name,
            budgeted_cost=cost,
            actual_cost=cost if done else 0.0,
            remaining_cost=0.0 if done else cost,
            id=sid("expense", code),
        )
        data.expenses[exp.id] = exp


def _baseline(data: ProjectData, dates: dict[str, tuple[dt.datetime, dt.datetime]]) -> None:
    cost: dict[str, float] = {}
    for asg in data.assignments.values():
        cost[asg.activity_id] = cost.get(asg.activity_id, 0.0) + asg.budgeted_cost
    rows = tuple(
        BaselineActivity(a.id, dates[a.code][0], dates[a.code][1], a.original_duration, round(cost.get(a.id, 0.0), 2))
        for a in data.activities.values()
    )
    bl = Baseline("BL01 Contract Programme (rev C)", dt.datetime(2026, 2, 27, 16, 0), rows, sid("baseline", "BL01"))
    data.baselines[bl.id] = bl


def main() -> None:
    data = build()
    OUT.write_text(json.dumps(project_json.to_document(data), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    started = sum(a.is_started for a in data.activities.values())
    finish = data.activities[sid("activity", "A1990")].planned_finish
    print(f"wrote {OUT}: {len(data.activities)} activities, {len(data.relationships)} relationships")
    print(f"  data date {data.project.data_date}, {started} started, planned completion {finish}")


if __name__ == "__main__":
    main()
