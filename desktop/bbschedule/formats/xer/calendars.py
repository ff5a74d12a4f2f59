"""CALENDAR rows into core calendars: global, project and resource calendars, base calendars, clndr_data.

Malformed clndr_data never stops an import: the calendar falls back to its base calendar's week (or a
standard 5x8 week) and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from bbschedule.core.calendar import Calendar, CalendarException, DayIntervals, standard_week
from bbschedule.formats.fidelity import Severity
from bbschedule.formats.xer.clndr import ClndrError, parse_clndr_data
from bbschedule.formats.xer.context import Context
from bbschedule.formats.xer.values import flag


@dataclass
class CalendarRow:
    source_id: str
    name: str
    proj_id: str
    kind: str
    """CA_Base (global), CA_Project or CA_Rsrc."""
    base_id: str
    is_default: bool
    week: tuple[DayIntervals, ...] | None
    exceptions: tuple[CalendarException, ...]
    hours: tuple[float, float, float, float]


def parse_calendars(ctx: Context) -> dict[str, CalendarRow]:
    table = ctx.table("CALENDAR")
    out: dict[str, CalendarRow] = {}
    if table is None:
        return out
    c = {name: table.col(name) for name in (*_FIELDS, "clndr_data")}
    v = ctx.values
    for row, line in zip(table.rows, table.lines, strict=True):
        source_id = row[c["clndr_id"]].strip()
        if not source_id:
            ctx.note(Severity.DROPPED, "calendar.no_id", "a calendar row without clndr_id was ignored", f"line {line}")
            continue
        name = row[c["clndr_name"]].strip() or f"Calendar {source_id}"
        week: tuple[DayIntervals, ...] | None = None
        exceptions: tuple[CalendarException, ...] = ()
        data = row[c["clndr_data"]]
        if data.strip():
            try:
                parsed = parse_clndr_data(data)
                week, exceptions = parsed.week, parsed.exceptions
                for warning in parsed.warnings:
                    ctx.note(Severity.WARNING, "calendar.data", f"{name}: {warning}", f"CALENDAR line {line}")
            except ClndrError as exc:
                ctx.note(
                    Severity.WARNING,
                    "calendar.invalid_data",
                    f"{name}: the calendar data cannot be read ({exc}); its base calendar's week or a standard "
                    "5x8 week is used and its exceptions are lost",
                    f"CALENDAR line {line} clndr_data",
                )
        if week is not None and not any(week):
            ctx.note(Severity.WARNING, "calendar.no_work", f"{name}: the work week has no working time",
                     f"CALENDAR line {line} clndr_data")  # fmt: skip
        where = f"CALENDAR.{{}} line {line}"
        hours = tuple(
            v.number(row[c[key]], line=line, where=where.format(key), default=dflt)
            for key, dflt in (("day_hr_cnt", 8), ("week_hr_cnt", 40), ("month_hr_cnt", 172), ("year_hr_cnt", 2000))
        )
        out[source_id] = CalendarRow(
            source_id=source_id,
            name=name,
            proj_id=row[c["proj_id"]].strip(),
            kind=row[c["clndr_type"]].strip() or "CA_Base",
            base_id=row[c["base_clndr_id"]].strip(),
            is_default=flag(row[c["default_flag"]]),
            week=week,
            exceptions=exceptions,
            hours=(hours[0], hours[1], hours[2], hours[3]),
        )
    return out


_FIELDS = (
    "clndr_id",
    "default_flag",
    "clndr_name",
    "proj_id",
    "base_clndr_id",
    "clndr_type",
    "day_hr_cnt",
    "week_hr_cnt",
    "month_hr_cnt",
    "year_hr_cnt",
)


def calendars_for_project(
    ctx: Context, rows: dict[str, CalendarRow], *, proj_id: str, referenced: set[str]
) -> dict[str, Calendar]:
    """This project's calendars keyed by clndr_id: global, its own, resource ones, and any a row refers to."""
    chosen = [
        r for r in rows.values() if r.proj_id in ("", proj_id) or r.kind == "CA_Rsrc" or r.source_id in referenced
    ]
    # A base calendar must come along with the calendars derived from it.
    wanted = {r.source_id for r in chosen}
    for r in list(chosen):
        base = rows.get(r.base_id)
        while base is not None and base.source_id not in wanted:
            wanted.add(base.source_id)
            chosen.append(base)
            base = rows.get(base.base_id)
    ids = {r.source_id: ctx.new_id() for r in chosen}
    out: dict[str, Calendar] = {}
    for r in chosen:
        out[r.source_id] = Calendar(
            name=r.name,
            week=_week_of(r, rows),
            exceptions=r.exceptions,
            id=ids[r.source_id],
            hours_per_day=r.hours[0] if r.hours[0] > 0 else 8.0,
            hours_per_week=r.hours[1],
            hours_per_month=r.hours[2],
            hours_per_year=r.hours[3],
            is_default=r.is_default,
            base_calendar_id=ids.get(r.base_id),
            source_id=r.source_id,
        )
    return out


def _week_of(row: CalendarRow, rows: dict[str, CalendarRow]) -> tuple[DayIntervals, ...]:
    seen: set[str] = set()
    current: CalendarRow | None = row
    while current is not None and current.source_id not in seen:
        if current.week is not None:
            return current.week
        seen.add(current.source_id)
        current = rows.get(current.base_id)
    return standard_week()
