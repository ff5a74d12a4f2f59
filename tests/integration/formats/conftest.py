"""MPXJ as the peer reader: one JVM for the whole session, and a plain-Python view of what MPXJ read.

Tests that use these fixtures are marked `java`; they skip when Java, JPype or mpxj are missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

MpxjReader = Callable[[Path], Any]


@pytest.fixture(scope="session")
def mpxj_reader() -> MpxjReader:
    """path -> org.mpxj.ProjectFile, read by MPXJ's UniversalProjectReader (the JVM starts once)."""
    jpype = pytest.importorskip("jpype")
    pytest.importorskip("mpxj")  # puts MPXJ's jars on the class path; must come before the JVM starts
    if shutil.which("java") is None and jpype.getDefaultJVMPath() is None:
        pytest.skip("no Java for the MPXJ peer")
    if not jpype.isJVMStarted():
        jpype.startJVM(convertStrings=False)
    from org.mpxj.reader import UniversalProjectReader

    def read(path: Path) -> Any:
        project = UniversalProjectReader().read(str(path))
        if project is None:
            raise AssertionError(f"MPXJ could not read {path}")
        return project

    return read


def _minutes(duration: Any, props: Any) -> int | None:
    from org.mpxj import TimeUnit

    if duration is None:
        return None
    # Core keeps whole working minutes.
    return round(float(duration.convertUnits(TimeUnit.MINUTES, props).getDuration()))


def _is_activity(task: Any, *, p6: bool) -> bool:
    """A schedule activity as MPXJ sees one: not the project summary, a summary/WBS row or a blank row.

    In P6 files MPXJ gives every activity an activity type and none to WBS rows (a WBS without activities
    is not flagged as a summary, so the type is what tells them apart).
    """
    if task.getNull() or task.getUniqueID() is None:
        return False
    if p6:
        return task.getActivityType() is not None
    return not task.getSummary() and int(task.getUniqueID()) != 0


def _key(task: Any, *, text1: bool = False) -> str:
    """P6's Activity ID, else MS Project's UID; with `text1`, the Activity ID our MSPDI writer keeps in Text1."""
    if text1 and task.getText(1) is not None:
        return str(task.getText(1))
    return str(task.getActivityID() or task.getUniqueID())


def _date(value: Any) -> str | None:
    return None if value is None else str(value)[:16]


def calendar_work(project: Any, extra: set[str] | None = None) -> dict[str, dict[str, int]]:
    """Working minutes of each calendar on its exception days, two weeks from the start and `extra` days."""
    from java.time import LocalDate
    from org.mpxj import TimeUnit

    props = project.getProjectProperties()
    calendars = {}
    for calendar in project.getCalendars():
        days = set()
        for exc in calendar.getCalendarExceptions():
            day = exc.getFromDate()
            while not day.isAfter(exc.getToDate()) and len(days) < 4000:
                days.add(str(day))
                day = day.plusDays(1)
        start = LocalDate.of(2000, 1, 3)
        if props.getStartDate() is not None:
            start = props.getStartDate().toLocalDate()
        for offset in range(14):
            days.add(str(start.plusDays(offset)))
        work = {}
        for text in sorted(days | (extra or set())):
            day = LocalDate.parse(text)
            work[text] = round(float(calendar.getWork(day, TimeUnit.MINUTES).getDuration()))
        calendars[str(calendar.getName())] = work
    return calendars


def summarize(project: Any, days: set[str] | None = None, *, text1: bool = False) -> dict[str, Any]:
    """What must survive a round trip, as MPXJ reads it: activities, links, calendars, resources.

    Calendars are compared by their working minutes on every exception day, on two weeks from the project
    start, and on any extra `days` (ISO dates) given.
    """
    props = project.getProjectProperties()
    p6 = any(t.getActivityType() is not None for t in project.getTasks())
    tasks = [t for t in project.getTasks() if _is_activity(t, p6=p6)]
    activities = {}
    links = set()
    for task in tasks:
        constraint = task.getConstraintType()
        constraint_name = None if constraint is None else str(constraint.name())
        if constraint_name == "AS_SOON_AS_POSSIBLE":
            constraint_name = None
        activities[_key(task, text1=text1)] = {
            "name": str(task.getName()).strip(),
            "duration": _minutes(task.getDuration(), props),
            "planned_duration": _minutes(task.getPlannedDuration(), props) if p6 else None,
            "milestone": bool(task.getMilestone()),
            "constraint": constraint_name,
            "constraint_date": _date(task.getConstraintDate())
            if constraint_name not in (None, "AS_LATE_AS_POSSIBLE")
            else None,
            "actual_start": _date(task.getActualStart()),
            "actual_finish": _date(task.getActualFinish()),
        }
        for rel in task.getPredecessors():
            pred = rel.getPredecessorTask()
            if _is_activity(pred, p6=p6):
                links.add(
                    (
                        _key(pred, text1=text1),
                        _key(task, text1=text1),
                        str(rel.getType()),
                        _minutes(rel.getLag(), props),
                    )
                )
    calendars = {}
    calendars = calendar_work(project, days)
    # Names are compared without surrounding blanks (readers may trim them; they carry no meaning).
    resources = sorted(
        str(r.getName()).strip() for r in project.getResources() if r.getName() is not None and not r.getRole()
    )
    return {"activities": activities, "links": links, "calendars": calendars, "resources": resources}


@pytest.fixture(scope="session")
def mpxj_summary(mpxj_reader: MpxjReader) -> Callable[..., dict[str, Any]]:
    """(path, days=None) -> summarize(MPXJ's reading of it)."""

    def view(path: Path, days: set[str] | None = None, *, text1: bool = False) -> dict[str, Any]:
        return summarize(mpxj_reader(path), days, text1=text1)

    return view


@pytest.fixture(scope="session")
def mpxj_compare(mpxj_reader: MpxjReader) -> Callable[..., None]:
    """Assert that MPXJ sees the same activities, links, calendars and resources in two files.

    `converted` names (activity key, field) pairs that the fidelity report says were converted, `fields`
    limits the activity fields compared (formats that do not share a field), `links_dropped` is how many
    links the writer reported dropping.
    """

    def compare(
        before_path: Path,
        after_path: Path,
        converted: set[tuple[str, str]] = frozenset(),
        resource_name_limit: int | None = None,
        links_dropped: int = 0,
        fields: set[str] | None = None,
        after_text1: bool = False,
    ) -> None:
        first, second = mpxj_reader(before_path), mpxj_reader(after_path)
        before, after = summarize(first), summarize(second, text1=after_text1)
        # Compare calendars on the same days: every exception day of either file.
        days = {d for s in (before, after) for work in s["calendars"].values() for d in work}
        before["calendars"], after["calendars"] = calendar_work(first, days), calendar_work(second, days)
        # Links the writer had to drop (reported) are missing after; nothing else may differ.
        assert after["links"] <= before["links"]
        assert len(before["links"] - after["links"]) == links_dropped
        # P6 holds 100 characters of a resource name: the writer cuts longer ones (and reports it).
        assert after["resources"] == sorted(n[:resource_name_limit].strip() for n in before["resources"])
        assert set(after["calendars"]) == set(before["calendars"])
        for name, work in before["calendars"].items():
            diff = {
                d: (w, after["calendars"][name].get(d)) for d, w in work.items() if after["calendars"][name].get(d) != w
            }
            assert not diff, f"calendar {name!r}: working minutes (before, after) differ on {sorted(diff.items())[:5]}"
        assert set(after["activities"]) == set(before["activities"])
        for key, row in before["activities"].items():
            got = after["activities"][key]
            for field, value in row.items():
                if (key, field) in converted or (fields is not None and field not in fields):
                    continue
                assert got[field] == value, f"activity {key}: {field} {got[field]!r} != {value!r}"

    return compare


def _jaxb_order(cls: Any) -> list[str] | None:
    """XML element names of a JAXB class in its schema order (MPXJ generated them from the vendors' XSDs)."""
    import jpype

    xml_type = cls.getAnnotation(jpype.JClass("jakarta.xml.bind.annotation.XmlType"))
    if xml_type is None:
        return None
    names = {}
    element = jpype.JClass("jakarta.xml.bind.annotation.XmlElement")
    for field in cls.getDeclaredFields():
        ann = field.getAnnotation(element)
        name = str(ann.name()) if ann is not None else str(field.getName())
        names[str(field.getName())] = str(field.getName()) if name == "##default" else name
    return [names.get(str(p), str(p)) for p in xml_type.propOrder()]


def _child_class(cls: Any, tag: str) -> Any:
    import jpype

    element = jpype.JClass("jakarta.xml.bind.annotation.XmlElement")
    for field in cls.getDeclaredFields():
        ann = field.getAnnotation(element)
        name = str(ann.name()) if ann is not None else "##default"
        if (name if name != "##default" else str(field.getName())) == tag:
            kind = field.getType()
            if str(kind.getName()) == "java.util.List":
                kind = field.getGenericType().getActualTypeArguments()[0]
            return kind
    return None


def schema_problems(path: Path, root_class: str) -> list[str]:
    """Every element of `path` whose children are unknown to, or out of, the vendor's schema order."""
    import jpype
    from lxml import etree

    problems: list[str] = []

    def walk(el: Any, cls: Any, where: str) -> None:
        order = _jaxb_order(cls)
        if order is None:
            return
        tags = [c.tag.rsplit("}", 1)[-1] for c in el if isinstance(c.tag, str)]
        unknown = [t for t in tags if t not in order]
        if unknown:
            problems.append(f"{where}: not in the schema: {unknown}")
        positions = [order.index(t) for t in tags if t in order]
        if positions != sorted(positions):
            problems.append(f"{where}: out of schema order: {tags}")
        for child in el:
            if isinstance(child.tag, str) and len(child):
                tag = child.tag.rsplit("}", 1)[-1]
                sub = _child_class(cls, tag)
                if sub is not None:
                    walk(child, sub, f"{where}/{tag}")

    root = etree.parse(str(path)).getroot()
    walk(root, jpype.JClass(root_class).class_, root.tag.rsplit("}", 1)[-1])
    return sorted(set(problems))


@pytest.fixture(scope="session")
def schema_order_problems(mpxj_reader: MpxjReader) -> Callable[[Path, str], list[str]]:
    """(file, root JAXB class) -> schema_problems, with the JVM running."""
    del mpxj_reader  # only for the JVM
    return schema_problems
