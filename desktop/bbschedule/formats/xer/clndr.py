"""P6's clndr_data mini-language, read into a core work week and exceptions and written back.

A node is `(0||NAME(ATTRS)(CHILDREN))`: CalendarData > DaysOfWeek > 1..7 (Sunday first) > intervals
`(s|08:00|f|12:00)`, and Exceptions > `(d|45519)` (days since 1899-12-30) with optional intervals.
P6 separates lines with \\x7f\\x7f and indents with spaces; both are ignored here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from bbschedule.core.calendar import MINUTES_PER_DAY, CalendarException, DayIntervals, WorkInterval

EPOCH = dt.date(1899, 12, 30)
_DIGITS = re.compile(r"[0-9]+")
_SPACE = " \t\r\n\x7f"


class ClndrError(ValueError):
    """clndr_data that does not follow the grammar."""


@dataclass
class Node:
    name: str
    attrs: list[str]
    children: list[Node] = field(default_factory=list)

    def child(self, name: str) -> Node | None:
        for node in self.children:
            if node.name.lower() == name.lower():
                return node
        return None

    def attr(self, key: str) -> str | None:
        pairs = self.attrs
        for i in range(0, len(pairs) - 1, 2):
            if pairs[i] == key:
                return pairs[i + 1]
        return None


def parse_tree(text: str) -> Node:
    node, end = _node(text, _skip(text, 0), 0)
    if _skip(text, end) != len(text):
        raise ClndrError(f"text after the calendar data at character {end}")
    return node


def _skip(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i] in _SPACE:
        i += 1
    return i


def _node(text: str, i: int, depth: int) -> tuple[Node, int]:
    if depth > 20:
        raise ClndrError("calendar data nested too deeply")
    if i >= len(text) or text[i] != "(":
        raise ClndrError(f"expected '(' at character {i}")
    open_attrs = text.find("(", i + 1)
    if open_attrs < 0:
        raise ClndrError(f"unterminated node at character {i}")
    head = text[i + 1 : open_attrs]
    name = head.split("||", 1)[1] if "||" in head else head
    close_attrs = text.find(")", open_attrs)
    if close_attrs < 0:
        raise ClndrError(f"unterminated attributes at character {open_attrs}")
    raw_attrs = text[open_attrs + 1 : close_attrs]
    attrs = raw_attrs.split("|") if raw_attrs else []
    j = _skip(text, close_attrs + 1)
    if j >= len(text) or text[j] != "(":
        raise ClndrError(f"expected the children of {name!r} at character {j}")
    j = _skip(text, j + 1)
    children: list[Node] = []
    while True:
        if j >= len(text):
            raise ClndrError(f"the calendar data ends inside {name!r}")
        if text[j] == ")":
            j += 1
            break
        child, j = _node(text, j, depth + 1)
        children.append(child)
        j = _skip(text, j)
    j = _skip(text, j)
    if j >= len(text) or text[j] != ")":
        raise ClndrError(f"expected ')' closing {name!r} at character {j}")
    return Node(name.strip(), attrs, children), j + 1


def _minutes(text: str) -> int:
    parts = text.strip().split(":")
    if len(parts) < 2 or not _DIGITS.fullmatch(parts[0]) or not _DIGITS.fullmatch(parts[1]):
        raise ClndrError(f"{text!r} is not a time")
    value = int(parts[0]) * 60 + int(parts[1])
    if value > MINUTES_PER_DAY:
        raise ClndrError(f"{text!r} is past midnight")
    return value


def _intervals(nodes: list[Node], warnings: list[str]) -> DayIntervals:
    spans: list[tuple[int, int]] = []
    for node in nodes:
        start_text, finish_text = node.attr("s"), node.attr("f")
        if start_text is None or finish_text is None:
            raise ClndrError(f"an interval without s| and f| ({'|'.join(node.attrs)})")
        start, finish = _minutes(start_text), _minutes(finish_text)
        if finish == 0 or finish == MINUTES_PER_DAY:
            finish = MINUTES_PER_DAY  # 'f|00:00' is midnight at the end of the day
        if start >= finish:
            warnings.append(f"interval {start_text}-{finish_text} is empty or reversed: ignored")
            continue
        spans.append((start, finish))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, finish in spans:
        if merged and start <= merged[-1][1]:
            if start < merged[-1][1]:
                warnings.append("overlapping working intervals were merged")
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((start, finish))
    return tuple(WorkInterval(s, f) for s, f in merged)


@dataclass
class ParsedCalendar:
    week: tuple[DayIntervals, ...] | None
    """None when the data has no DaysOfWeek (the base calendar's week applies)."""
    exceptions: tuple[CalendarException, ...]
    warnings: list[str]


def parse_clndr_data(text: str) -> ParsedCalendar:
    """Raises ClndrError for data that cannot be read at all; smaller faults come back as warnings."""
    warnings: list[str] = []
    root = parse_tree(text)
    if root.name.lower() != "calendardata":
        raise ClndrError(f"the data starts with {root.name!r}, not CalendarData")
    week: tuple[DayIntervals, ...] | None = None
    days = root.child("DaysOfWeek")
    if days is not None:
        slots: list[DayIntervals] = [()] * 7
        for day in days.children:
            if not _DIGITS.fullmatch(day.name) or not 1 <= int(day.name) <= 7:
                raise ClndrError(f"{day.name!r} is not a day of the week (1 Sunday to 7 Saturday)")
            slots[(int(day.name) + 5) % 7] = _intervals(day.children, warnings)
        week = tuple(slots)
    exceptions: list[CalendarException] = []
    found = root.child("Exceptions")
    for node in found.children if found is not None else ():
        serial = node.attr("d")
        if serial is None or not _DIGITS.fullmatch(serial.strip()) or int(serial.strip()) > 2_000_000:
            warnings.append(f"an exception without a day number ({'|'.join(node.attrs)}): ignored")
            continue
        when = EPOCH + dt.timedelta(days=int(serial.strip()))
        exceptions.append(CalendarException(start=when, finish=when, intervals=_intervals(node.children, warnings)))
    return ParsedCalendar(week, _merge_days(exceptions), warnings)


def _merge_days(days: list[CalendarException]) -> tuple[CalendarException, ...]:
    """P6 lists exceptions day by day; runs of consecutive days with the same hours become one range (a day
    listed twice keeps its first entry, as P6 does)."""
    merged: list[CalendarException] = []
    for exc in sorted(days, key=lambda e: e.start):
        last = merged[-1] if merged else None
        if last is not None and exc.start <= last.finish:
            continue
        if last is not None and exc.start == last.finish + dt.timedelta(days=1) and exc.intervals == last.intervals:
            merged[-1] = CalendarException(last.start, exc.finish, last.intervals)
        else:
            merged.append(exc)
    return tuple(merged)


def _hhmm(minutes: int) -> str:
    if minutes >= MINUTES_PER_DAY:
        return "00:00"
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _interval_nodes(intervals: DayIntervals) -> str:
    return "".join(f"(0||{i}(s|{_hhmm(w.start)}|f|{_hhmm(w.end)})())" for i, w in enumerate(intervals))


def format_clndr_data(week: tuple[DayIntervals, ...], exceptions: tuple[CalendarException, ...]) -> str:
    """P6's compact form (as P6 8.x writes it, without the \\x7f line breaks)."""
    days = []
    for number in range(1, 8):
        intervals = week[(number + 5) % 7]
        days.append(f"(0||{number}()({_interval_nodes(intervals)}))")
    items = []
    index = 0
    for exc in exceptions:
        day = exc.start
        while day <= exc.finish:
            serial = (day - EPOCH).days
            items.append(f"(0||{index}(d|{serial})({_interval_nodes(exc.intervals)}))")
            index += 1
            day += dt.timedelta(days=1)
    return (
        "(0||CalendarData()("
        f"(0||DaysOfWeek()({''.join(days)}))"
        "(0||VIEW(ShowTotal|Y)())"
        f"(0||Exceptions()({''.join(items)}))))"
    )
