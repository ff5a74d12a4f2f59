"""Commands: one per user operation. A command reads the project and builds the change set it means.

Commands never mutate; the session applies the change set and records it for undo.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.baseline import Baseline
from bbschedule.core.calendar import Calendar
from bbschedule.core.changes import PROJECT_KIND, Change, ChangeSet
from bbschedule.core.enums import ActivityType
from bbschedule.core.errors import LogicLoopError, ValidationError
from bbschedule.core.project import Wbs
from bbschedule.core.project_data import ProjectData
from bbschedule.core.resource import Assignment, Resource

_KIND_OF_TYPE = {
    Activity: "activity",
    Relationship: "relationship",
    Wbs: "wbs",
    Calendar: "calendar",
    Resource: "resource",
    Assignment: "assignment",
    Baseline: "baseline",
}


def _plural(kind: str) -> str:
    return {"activity": "activities", "wbs": "WBS nodes"}.get(kind, kind.replace("_", " ") + "s")


class Command(ABC):
    @property
    @abstractmethod
    def label(self) -> str: ...

    @abstractmethod
    def build(self, data: ProjectData) -> ChangeSet: ...


def _replaced(obj: Any, field: str, value: Any) -> Any:
    names = {f.name for f in dataclasses.fields(obj)}
    if field not in names or field == "id":
        raise ValidationError(field, f"is not an editable field of {type(obj).__name__}")
    return dataclasses.replace(obj, **{field: value})


def _get(data: ProjectData, kind: str, obj_id: str) -> Any:
    try:
        return data.table(kind)[obj_id]
    except KeyError:
        raise ValidationError(f"{kind}.id", f"no {kind} {obj_id!r} in this project") from None


@dataclass(frozen=True)
class AddObject(Command):
    """Add a new activity, relationship, WBS node, calendar, resource, assignment or baseline."""

    obj: Any

    @property
    def kind(self) -> str:
        return _KIND_OF_TYPE[type(self.obj)]

    @property
    def label(self) -> str:
        name = getattr(self.obj, "code", "") or getattr(self.obj, "name", "")
        return f"Add {self.kind.replace('_', ' ')} {name}".strip()

    def build(self, data: ProjectData) -> ChangeSet:
        if self.obj.id in data.table(self.kind):
            raise ValidationError(f"{self.kind}.id", f"{self.obj.id} exists already")
        data.check_refs(self.kind, self.obj)
        if isinstance(self.obj, Relationship):
            _check_relationship(data, self.obj, ignore_id=None)
        if isinstance(self.obj, Activity):
            _check_unique_code(data, self.obj)
        return ChangeSet(self.label, (Change(self.kind, self.obj.id, None, self.obj),))


def AddActivity(activity: Activity) -> AddObject:  # noqa: N802 - reads as the command it builds
    return AddObject(activity)


def AddRelationship(relationship: Relationship) -> AddObject:  # noqa: N802
    return AddObject(relationship)


@dataclass(frozen=True)
class SetField(Command):
    """Set one field of one or more objects of a kind, as one undoable step (a bulk edit when several)."""

    kind: str
    ids: tuple[str, ...]
    field: str
    value: Any

    @property
    def label(self) -> str:
        what = self.field.replace("_", " ")
        return f"Change {what}" if len(self.ids) == 1 else f"Change {what} of {len(self.ids)} {_plural(self.kind)}"

    def build(self, data: ProjectData) -> ChangeSet:
        changes = []
        for obj_id in self.ids:
            before = _get(data, self.kind, obj_id)
            after = _replaced(before, self.field, self.value)
            if after == before:
                continue
            data.check_refs(self.kind, after)
            if isinstance(after, Relationship):
                _check_relationship(data, after, ignore_id=after.id)
            if isinstance(after, Activity) and self.field == "code":
                _check_unique_code(data, after)
            changes.append(Change(self.kind, obj_id, before, after))
        return ChangeSet(self.label, tuple(changes))


def SetActivityField(activity_id: str, field: str, value: Any) -> SetField:  # noqa: N802
    return SetField("activity", (activity_id,), field, value)


@dataclass(frozen=True)
class SetActivityDuration(Command):
    """Set the original or remaining duration; before progress the remaining follows the original, as in P6."""

    activity_id: str
    field: str
    minutes: int

    @property
    def label(self) -> str:
        return f"Change {self.field.replace('_', ' ')}"

    def build(self, data: ProjectData) -> ChangeSet:
        if self.field not in ("original_duration", "remaining_duration"):
            raise ValidationError(self.field, "is not a duration of an activity")
        activity = _get(data, "activity", self.activity_id)
        steps: list[Command] = [SetActivityField(self.activity_id, self.field, self.minutes)]
        if self.field == "original_duration" and not activity.is_started and activity.remaining_duration is not None:
            steps.append(SetActivityField(self.activity_id, "remaining_duration", None))
        return Composite(self.label, steps).build(data)


@dataclass(frozen=True)
class SetActivityType(Command):
    """Change an activity's type; becoming a milestone clears its durations in the same step, as in P6."""

    activity_id: str
    type: ActivityType

    @property
    def label(self) -> str:
        return "Change activity type"

    def build(self, data: ProjectData) -> ChangeSet:
        activity = _get(data, "activity", self.activity_id)
        steps: list[Command] = []
        if self.type.is_milestone and activity.original_duration:
            steps += [
                SetActivityField(self.activity_id, "remaining_duration", None),
                SetActivityField(self.activity_id, "original_duration", 0),
            ]
        steps.append(SetActivityField(self.activity_id, "type", self.type))
        return Composite(self.label, steps).build(data)


@dataclass(frozen=True)
class ReplaceObject(Command):
    """Replace a whole object by an edited copy (a calendar edited in its dialog, say)."""

    obj: Any

    @property
    def label(self) -> str:
        return f"Edit {_KIND_OF_TYPE[type(self.obj)]} {getattr(self.obj, 'name', '')}".strip()

    def build(self, data: ProjectData) -> ChangeSet:
        kind = _KIND_OF_TYPE[type(self.obj)]
        before = _get(data, kind, self.obj.id)
        data.check_refs(kind, self.obj)
        return ChangeSet(self.label, (Change(kind, self.obj.id, before, self.obj),))


@dataclass(frozen=True)
class SetProjectField(Command):
    field: str
    value: Any

    @property
    def label(self) -> str:
        return f"Change project {self.field.replace('_', ' ')}"

    def build(self, data: ProjectData) -> ChangeSet:
        after = _replaced(data.project, self.field, self.value)
        if after.default_calendar_id is not None and after.default_calendar_id not in data.calendars:
            raise ValidationError("project.default_calendar_id", "refers to an unknown calendar")
        return ChangeSet(self.label, (Change(PROJECT_KIND, data.project.id, data.project, after),))


@dataclass(frozen=True)
class DeleteObjects(Command):
    """Delete objects of one kind with everything that depends on them."""

    kind: str
    ids: tuple[str, ...]

    @property
    def label(self) -> str:
        n = len(self.ids)
        return f"Delete {self.kind.replace('_', ' ')}" + (f" ({n})" if n > 1 else "")

    def build(self, data: ProjectData) -> ChangeSet:
        doomed: dict[tuple[str, str], Any] = {}
        for obj_id in self.ids:
            self._collect(data, self.kind, obj_id, doomed)
        # Dependants first, so that undo re-inserts parents before children.
        order = {kind: i for i, kind in enumerate(("relationship", "assignment", "expense", "activity", "wbs"))}
        keys = sorted(doomed, key=lambda k: order.get(k[0], 99))
        return ChangeSet(self.label, tuple(Change(kind, obj_id, doomed[(kind, obj_id)], None) for kind, obj_id in keys))

    def _collect(self, data: ProjectData, kind: str, obj_id: str, doomed: dict[tuple[str, str], Any]) -> None:
        if (kind, obj_id) in doomed:
            return
        doomed[(kind, obj_id)] = _get(data, kind, obj_id)
        if kind == "activity":
            for rel in data.relationships.values():
                if obj_id in (rel.predecessor_id, rel.successor_id):
                    doomed[("relationship", rel.id)] = rel
            for table in ("assignment", "expense"):
                for row in data.table(table).values():
                    if row.activity_id == obj_id:
                        doomed[(table, row.id)] = row
        elif kind == "wbs":
            for child in [w for w in data.wbs.values() if w.parent_id == obj_id]:
                self._collect(data, "wbs", child.id, doomed)
            for act in [a for a in data.activities.values() if a.wbs_id == obj_id]:
                self._collect(data, "activity", act.id, doomed)
        elif kind == "resource":
            for row in data.assignments.values():
                if row.resource_id == obj_id:
                    doomed[("assignment", row.id)] = row
        elif kind == "calendar":
            users = [a.code for a in data.activities.values() if a.calendar_id == obj_id]
            if users or data.project.default_calendar_id == obj_id:
                raise ValidationError("calendar", f"is in use ({', '.join(users[:5]) or 'project default'})")


def DeleteActivity(activity_id: str) -> DeleteObjects:  # noqa: N802
    return DeleteObjects("activity", (activity_id,))


@dataclass(frozen=True)
class Composite(Command):
    """Several commands as one undoable step; each sees the effect of the ones before it."""

    name: str
    commands: Sequence[Command]

    @property
    def label(self) -> str:
        return self.name

    def build(self, data: ProjectData) -> ChangeSet:
        from bbschedule.core.changes import apply_change_set

        built: list[ChangeSet] = []
        try:
            for command in self.commands:
                change_set = command.build(data)
                apply_change_set(data, change_set)
                built.append(change_set)
        finally:
            for change_set in reversed(built):
                apply_change_set(data, change_set.inverted())
        return ChangeSet(self.name, tuple(c for cs in built for c in cs.changes))


def _check_unique_code(data: ProjectData, activity: Activity) -> None:
    for other in data.activities.values():
        if other.code == activity.code and other.id != activity.id:
            raise ValidationError("activity.code", f"Activity ID {activity.code!r} is used already")


def _check_relationship(data: ProjectData, rel: Relationship, *, ignore_id: str | None) -> None:
    others = [r for r in data.relationships.values() if r.id != ignore_id]
    for other in others:
        if (other.predecessor_id, other.successor_id) == (rel.predecessor_id, rel.successor_id):
            pred = data.activities[rel.predecessor_id].code
            succ = data.activities[rel.successor_id].code
            raise ValidationError("relationship", f"{pred} is already a predecessor of {succ}")
    path = find_path(others, start=rel.successor_id, goal=rel.predecessor_id)
    if path is not None:
        raise LogicLoopError([data.activities[a].code for a in path])


def find_path(relationships: Iterable[Relationship], *, start: str, goal: str) -> list[str] | None:
    """The activity ids on a path of relationships from `start` to `goal`, or None."""
    successors: dict[str, list[str]] = {}
    for rel in relationships:
        successors.setdefault(rel.predecessor_id, []).append(rel.successor_id)
    parent: dict[str, str | None] = {start: None}
    stack = [start]
    while stack:
        node = stack.pop()
        if node == goal:
            path = [node]
            while (prev := parent[path[-1]]) is not None:
                path.append(prev)
            return path[::-1]
        for nxt in successors.get(node, ()):
            if nxt not in parent:
                parent[nxt] = node
                stack.append(nxt)
    return None
