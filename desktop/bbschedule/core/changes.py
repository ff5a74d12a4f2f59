"""Change sets: the small 'what changed' value every edit produces, applied, inverted and stored for undo."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bbschedule.core.errors import ValidationError
from bbschedule.core.project_data import ProjectData

PROJECT_KIND = "project"


@dataclass(frozen=True, slots=True)
class Change:
    """One row replaced: `before` None is an insert, `after` None a delete."""

    kind: str
    id: str
    before: Any
    after: Any

    def inverted(self) -> Change:
        return Change(self.kind, self.id, self.after, self.before)


@dataclass(frozen=True, slots=True)
class ChangeSet:
    label: str
    changes: tuple[Change, ...]

    def inverted(self) -> ChangeSet:
        return ChangeSet(self.label, tuple(c.inverted() for c in reversed(self.changes)))

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(c.kind for c in self.changes)

    def ids(self, kind: str) -> frozenset[str]:
        return frozenset(c.id for c in self.changes if c.kind == kind)

    def __bool__(self) -> bool:
        return bool(self.changes)


def apply_change_set(data: ProjectData, change_set: ChangeSet) -> None:
    """Apply every change or none: a change that does not fit leaves `data` as it was."""
    done: list[Change] = []
    try:
        for change in change_set.changes:
            _apply_one(data, change)
            done.append(change)
    except Exception:
        for change in reversed(done):
            _apply_one(data, change.inverted(), check=False)
        raise


def _apply_one(data: ProjectData, change: Change, *, check: bool = True) -> None:
    if change.kind == PROJECT_KIND:
        if check and data.project != change.before:
            raise ValidationError("project", "was changed by someone else")
        data.project = change.after
        return
    table = data.table(change.kind)
    current = table.get(change.id)
    if check and current != change.before:
        raise ValidationError(change.kind, f"{change.id} is not as the change expects")
    if change.after is None:
        del table[change.id]
        if change.kind == "activity":
            data.computed.pop(change.id, None)
    else:
        if check:
            data.check_refs(change.kind, change.after)
        table[change.id] = change.after
