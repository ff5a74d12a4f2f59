"""The Gantt's link index: the same links whether whole, half built or not built yet, and it follows edits."""

from __future__ import annotations

import datetime as dt
import itertools

from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.calendar import Calendar
from bbschedule.core.changes import Change, ChangeSet
from bbschedule.core.enums import RelationshipType
from bbschedule.core.project import Project
from bbschedule.core.project_data import ProjectData
from bbschedule.ui.gantt.link_index import LinkIndex


def _chain(n: int) -> ProjectData:
    cal = Calendar("Standard")
    data = ProjectData(Project("P", "Links", dt.datetime(2026, 3, 2, 8)), calendars={cal.id: cal})
    acts = [Activity(f"A{i:03}", f"Activity {i}", cal.id) for i in range(n)]
    data.activities = {a.id: a for a in acts}
    for a, b in itertools.pairwise(acts):
        rel = Relationship(a.id, b.id)
        data.relationships[rel.id] = rel
    for a, c in zip(acts, acts[5:], strict=False):  # some activities with several links
        rel = Relationship(a.id, c.id, RelationshipType.SS)
        data.relationships[rel.id] = rel
    return data


def _ids(found: dict[str, list[Relationship]]) -> dict[str, set[str]]:
    return {k: {r.id for r in v} for k, v in found.items()}


def test_scan_partial_and_whole_index_give_the_same_links() -> None:
    data = _chain(60)
    keys = list(data.activities)[10:20]
    expected = {k: {r.id for r in data.relationships.values() if k in (r.predecessor_id, r.successor_id)} for k in keys}
    index = LinkIndex(data)
    assert not index.complete
    assert _ids(index.links_of(keys)) == expected  # nothing indexed yet: one pass over the relationships
    assert not index.step(budget=40)  # half built
    assert _ids(index.links_of(keys)) == expected
    while not index.step(budget=40):
        pass
    assert index.complete
    assert _ids(index.links_of(keys)) == expected


def test_the_index_follows_an_added_changed_and_removed_link() -> None:
    data = _chain(20)
    index = LinkIndex(data)
    while not index.step():
        pass
    a, b = next(iter(data.activities)), list(data.activities)[19]
    added = Relationship(a, b, RelationshipType.FF)
    index.follow(ChangeSet("Add", (Change("relationship", added.id, None, added),)))
    assert added.id in {r.id for r in index.links_of([b])[b]}
    lagged = Relationship(a, b, RelationshipType.FF, lag=480, id=added.id)
    index.follow(ChangeSet("Lag", (Change("relationship", added.id, added, lagged),)))
    assert [r.lag for r in index.links_of([b])[b] if r.id == added.id] == [480]
    index.follow(ChangeSet("Delete", (Change("relationship", added.id, lagged, None),)))
    assert added.id not in {r.id for r in index.links_of([a, b]).get(b, [])}
    assert index.complete  # followed in place, not rebuilt


def test_an_edit_during_indexing_starts_it_again() -> None:
    data = _chain(30)
    index = LinkIndex(data)
    index.step(budget=10)
    a, b = next(iter(data.activities)), list(data.activities)[29]
    added = Relationship(a, b)
    data.relationships[added.id] = added
    index.follow(ChangeSet("Add", (Change("relationship", added.id, None, added),)))
    while not index.step(budget=10):
        pass
    assert added.id in {r.id for r in index.links_of([b])[b]}
