"""ProjectSession: the one object the UI and CLI reach the project through.

Every command becomes a change set that is applied, recorded for undo and handed to the store in one step;
listeners learn what changed and refresh only that.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from bbschedule.core.activity import Relationship
from bbschedule.core.changes import PROJECT_KIND, Change, ChangeSet, apply_change_set
from bbschedule.core.commands import Command
from bbschedule.core.computed import ComputedDates
from bbschedule.core.errors import ValidationError
from bbschedule.core.history import UndoHistory
from bbschedule.core.project_data import ENTITY_KINDS, ProjectData

ChangeListener = Callable[[ChangeSet], None]
REMOTE_LABEL = "Changes from the server"
LOADED_LABEL = "Relationships loaded"
"""The notice that a project opened in two steps has its relationships now (no row of the other tables changed)."""


class ProjectStore(Protocol):
    """Where a session's edits go: the local cache writes rows, outbox and history in one transaction."""

    def write_change_set(self, project_id: str, change_set: ChangeSet, history: UndoHistory) -> None: ...

    def write_computed(self, project_id: str, computed: dict[str, ComputedDates]) -> None: ...

    def write_history(self, project_id: str, history: UndoHistory) -> None: ...

    def flush(self) -> None: ...


class ProjectSession:
    def __init__(self, data: ProjectData, *, store: ProjectStore | None = None, history: UndoHistory | None = None):
        self.data = data
        self.history = history if history is not None else UndoHistory()
        self.store = store
        self.read_only = False
        self._listeners: list[ChangeListener] = []
        self.dirty = False
        self._finish_loading: Callable[[], Mapping[str, Relationship]] | None = None

    def load_later(self, finish: Callable[[], Mapping[str, Relationship]]) -> None:
        """The relationships are still being read (the window paints first): `finish` waits for them and returns
        them. Every edit, undo, redo and pulled change waits for them first (ensure_loaded)."""
        self._finish_loading = finish

    @property
    def loading(self) -> bool:
        return self._finish_loading is not None

    def ensure_loaded(self) -> None:
        """Take the relationships if they are still coming (waiting for them), and announce them once taken. If
        they cannot be read, the error is raised here and again at every edit: nothing builds on half a project."""
        finish = self._finish_loading
        if finish is not None:
            relationships = finish()
            self._finish_loading = None
            self.data.relationships.update(relationships)
            self._notify(ChangeSet(LOADED_LABEL, ()))

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
        self.ensure_loaded()
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
        self.ensure_loaded()
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

    def take_remote(self, rows: Mapping[tuple[str, str], Any]) -> tuple[ChangeSet, int]:
        """Show rows another planner changed, which sync has already written to the store: `rows` maps (kind, id)
        to the row as the store now holds it (None: gone). They become one change set that is applied and
        announced like an edit (views refresh what it names and keep selection and scroll), but is not undoable,
        not written and not pushed. Returns it with the number of undo entries dropped.

        The undo rule (P6 and MS Project have no shared editing to follow): an entry that touches a row changed
        from the server is dropped, and so is any entry sharing a row with a dropped one (undoing it would no
        longer find that row as it left it); the other entries are kept in their order, and the cursor moves back
        by the dropped entries before it. Raises ValidationError, changing nothing, when the rows do not fit.
        """
        self.ensure_loaded()
        change_set = remote_change_set(self.data, rows)
        if not change_set:
            return change_set, 0
        apply_change_set(self.data, change_set)
        dropped = drop_entries_touching(self.history, {(c.kind, c.id) for c in change_set.changes})
        if dropped and self.store is not None:
            self.store.write_history(self.project_id, self.history)
        self._notify(change_set)
        return change_set, dropped

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


def remote_change_set(data: ProjectData, rows: Mapping[tuple[str, str], Any]) -> ChangeSet:
    """The change set that takes `data` to `rows`: the project row, then inserts and updates parents first, then
    deletes children first, so each step finds the references it needs."""
    project = rows.get((PROJECT_KIND, data.project.id))
    changes = [] if project is None or project == data.project else [
        Change(PROJECT_KIND, data.project.id, data.project, project)
    ]  # fmt: skip
    order = {kind: i for i, kind in enumerate(ENTITY_KINDS)}
    upserts: list[Change] = []
    deletes: list[Change] = []
    for (kind, row_id), after in rows.items():
        if kind not in order:
            continue
        before = data.table(kind).get(row_id)
        if before != after:
            (upserts if after is not None else deletes).append(Change(kind, row_id, before, after))
    upserts.sort(key=lambda c: order[c.kind])
    deletes.sort(key=lambda c: -order[c.kind])
    changes += upserts
    return ChangeSet(REMOTE_LABEL, (*changes, *deletes))


def drop_entries_touching(history: UndoHistory, rows: set[tuple[str, str]]) -> int:
    """Drop the undo entries that touch `rows`, and those sharing a row with a dropped one (see take_remote);
    returns how many went. Changes `history` in place: stores match its entries by identity."""
    touched = [{(c.kind, c.id) for c in entry.changes} for entry in history.entries]
    tainted = set(rows)
    dropped = [False] * len(touched)
    grew = True
    while grew:  # a dropped entry taints its other rows, which may reach earlier or later entries
        grew = False
        for i, keys in enumerate(touched):
            if not dropped[i] and not keys.isdisjoint(tainted):
                dropped[i] = True
                tainted |= keys
                grew = True
    if not any(dropped):
        return 0
    cursor = sum(1 for i in range(history.cursor) if not dropped[i])
    history.entries[:] = [entry for entry, gone in zip(history.entries, dropped, strict=True) if not gone]
    history.cursor = cursor
    return sum(dropped)
