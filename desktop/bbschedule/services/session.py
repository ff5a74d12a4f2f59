"""ProjectSession: the one object the UI and CLI reach the project through.

Every command becomes a change set that is applied, recorded for undo and handed to the store in one step;
listeners learn what changed and refresh only that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from bbschedule.core.changes import ChangeSet, apply_change_set
from bbschedule.core.commands import Command
from bbschedule.core.computed import ComputedDates
from bbschedule.core.errors import ValidationError
from bbschedule.core.history import UndoHistory
from bbschedule.core.project_data import ProjectData

ChangeListener = Callable[[ChangeSet], None]


class ProjectStore(Protocol):
    """Where a session's edits go: the local cache writes rows, outbox and history in one transaction."""

    def write_change_set(self, project_id: str, change_set: ChangeSet, history: UndoHistory) -> None: ...

    def write_computed(self, project_id: str, computed: dict[str, ComputedDates]) -> None: ...

    def flush(self) -> None: ...


class ProjectSession:
    def __init__(self, data: ProjectData, *, store: ProjectStore | None = None, history: UndoHistory | None = None):
        self.data = data
        self.history = history if history is not None else UndoHistory()
        self.store = store
        self.read_only = False
        self._listeners: list[ChangeListener] = []
        self.dirty = False

    @property
    def project_id(self) -> str:
        return self.data.project.id

    def subscribe(self, listener: ChangeListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def apply(self, command: Command) -> ChangeSet:
        """Build, apply, record and store the command; raises ValidationError/LogicLoopError and changes nothing.

        If the store cannot write it, memory and history are put back as they were and the error is raised: what
        the planner sees is always what the file holds.
        """
        if self.read_only:
            raise ValidationError("project", "is read-only for you (viewer)")
        change_set = command.build(self.data)
        if not change_set:
            return change_set
        entries, cursor = list(self.history.entries), self.history.cursor
        apply_change_set(self.data, change_set)
        self.history.record(change_set)
        try:
            self._store(change_set)
        except Exception:
            apply_change_set(self.data, change_set.inverted())
            self.history.entries[:] = entries
            self.history.cursor = cursor
            raise
        self._notify(change_set)
        return change_set

    def undo(self) -> ChangeSet:
        return self._step(self.history.step_back)

    def redo(self) -> ChangeSet:
        return self._step(self.history.step_forward)

    def _step(self, take: Callable[[], ChangeSet]) -> ChangeSet:
        """Undo or redo one entry; like apply, a failed write puts memory and cursor back."""
        if self.read_only:
            raise ValidationError("project", "is read-only for you (viewer)")
        cursor = self.history.cursor
        change_set = take()
        try:
            apply_change_set(self.data, change_set)
        except Exception:
            self.history.cursor = cursor
            raise
        try:
            self._store(change_set)
        except Exception:
            apply_change_set(self.data, change_set.inverted())
            self.history.cursor = cursor
            raise
        self._notify(change_set)
        return change_set

    def set_computed(self, computed: dict[str, ComputedDates]) -> None:
        """Take a scheduling result (a cache: not an edit, not undoable, not synced)."""
        self.data.computed = dict(computed)
        if self.store is not None:
            self.store.write_computed(self.project_id, self.data.computed)
        self._notify(ChangeSet("Schedule", ()))

    def save(self) -> None:
        if self.store is not None:
            self.store.flush()
        self.dirty = False

    def _store(self, change_set: ChangeSet) -> None:
        if self.store is not None:
            self.store.write_change_set(self.project_id, change_set, self.history)
        else:
            self.dirty = True

    def _notify(self, change_set: ChangeSet) -> None:
        for listener in list(self._listeners):
            listener(change_set)
