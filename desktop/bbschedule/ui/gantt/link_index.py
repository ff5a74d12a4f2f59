"""Relationships by the activities they join, for drawing the links of the painted rows (Qt-free).

Indexing 150k relationships takes a few tenths of a second: too long to put in front of a project's first frame,
so the index is built in slices when the window is idle, and until it is whole the links of the rows being
painted are found by one pass over the relationships (a few milliseconds). Edits update it in place.
"""

from __future__ import annotations

from collections.abc import Iterable

from bbschedule.core.activity import Relationship
from bbschedule.core.changes import ChangeSet
from bbschedule.core.project_data import ProjectData

SLICE = 25_000
"""Relationships indexed per idle step (some 20-40 ms)."""


class LinkIndex:
    def __init__(self, data: ProjectData | None = None) -> None:
        self._data = data
        self._index: dict[str, list[Relationship]] | None = None
        self._pending: list[Relationship] | None = None
        self._partial: dict[str, list[Relationship]] = {}

    @property
    def complete(self) -> bool:
        return self._index is not None or self._data is None

    def reset(self, data: ProjectData | None) -> None:
        """Another project, or relationships changed wholesale: index again (lazily)."""
        self._data, self._index, self._pending, self._partial = data, None, None, {}

    def step(self, budget: int = SLICE) -> bool:
        """Index the next slice; True once the index is whole."""
        if self.complete:
            return True
        assert self._data is not None
        if self._pending is None:
            self._pending = list(self._data.relationships.values())
        chunk, self._pending = self._pending[:budget], self._pending[budget:]
        partial = self._partial
        for rel in chunk:
            partial.setdefault(rel.predecessor_id, []).append(rel)
            partial.setdefault(rel.successor_id, []).append(rel)
        if not self._pending:
            self._index, self._pending, self._partial = partial, None, {}
        return self.complete

    def links_of(self, keys: Iterable[str]) -> dict[str, list[Relationship]]:
        """The relationships touching each of these activities (only those that have some)."""
        wanted = set(keys)
        if self._index is not None:
            return {k: self._index[k] for k in wanted if k in self._index}
        found: dict[str, list[Relationship]] = {}
        if self._data is None:
            return found
        for rel in [
            r for r in self._data.relationships.values() if r.predecessor_id in wanted or r.successor_id in wanted
        ]:
            for key in (rel.predecessor_id, rel.successor_id):
                if key in wanted:
                    found.setdefault(key, []).append(rel)
        return found

    def follow(self, change_set: ChangeSet) -> None:
        """An edit adds, changes or removes a few links: the index follows (a partial one starts again)."""
        if "relationship" not in change_set.kinds:
            return
        if self._index is None:
            self.reset(self._data)
            return
        index = self._index
        for change in change_set.changes:
            if change.kind != "relationship":
                continue
            if change.before is not None:
                for key in (change.before.predecessor_id, change.before.successor_id):
                    index[key] = [r for r in index.get(key, []) if r.id != change.id]
            if change.after is not None:
                for key in (change.after.predecessor_id, change.after.successor_id):
                    index.setdefault(key, []).append(change.after)
