"""The undo history: change sets done, and a cursor. It lives in the core so it survives save and reopen."""

from __future__ import annotations

from dataclasses import dataclass, field

from bbschedule.core.changes import ChangeSet

DEFAULT_LIMIT = 200


@dataclass
class UndoHistory:
    entries: list[ChangeSet] = field(default_factory=list)
    cursor: int = 0
    """Entries before the cursor are done; those after it can be redone."""
    limit: int = DEFAULT_LIMIT

    def record(self, change_set: ChangeSet) -> None:
        del self.entries[self.cursor :]
        self.entries.append(change_set)
        if len(self.entries) > self.limit:
            del self.entries[: len(self.entries) - self.limit]
        self.cursor = len(self.entries)

    @property
    def can_undo(self) -> bool:
        return self.cursor > 0

    @property
    def can_redo(self) -> bool:
        return self.cursor < len(self.entries)

    @property
    def undo_label(self) -> str | None:
        return self.entries[self.cursor - 1].label if self.can_undo else None

    @property
    def redo_label(self) -> str | None:
        return self.entries[self.cursor].label if self.can_redo else None

    def step_back(self) -> ChangeSet:
        """The change set that undoes the last done entry (the caller applies it)."""
        if not self.can_undo:
            raise IndexError("nothing to undo")
        self.cursor -= 1
        return self.entries[self.cursor].inverted()

    def step_forward(self) -> ChangeSet:
        if not self.can_redo:
            raise IndexError("nothing to redo")
        self.cursor += 1
        return self.entries[self.cursor - 1]
