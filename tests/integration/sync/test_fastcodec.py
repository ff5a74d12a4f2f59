"""The compiled codec of sync gives exactly what core.codec gives, both ways, on every entity of a generated
project (so a first sync and later field diffs agree byte for byte with the outbox's payloads)."""

from __future__ import annotations

from benchmarks.generate import generate_project

from bbschedule.core.codec import entity_class, from_plain, to_plain
from bbschedule.sync.fastcodec import entity_from_fields, fields_of


def test_compiled_codec_matches_core_codec() -> None:
    data = generate_project(400, seed=3)
    rows = [("project", data.project), *data.rows()]
    kinds = {kind for kind, _ in rows}
    assert {"project", "calendar", "activity", "relationship", "wbs"} <= kinds
    for kind, obj in rows:
        plain = to_plain(obj)
        plain.pop("id")
        assert fields_of(obj) == plain, kind
        assert entity_from_fields(kind, obj.id, plain) == obj
        assert entity_from_fields(kind, obj.id, plain) == from_plain(entity_class(kind), {**plain, "id": obj.id})
