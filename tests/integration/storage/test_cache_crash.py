"""Killing the application in the middle of saving edits leaves an intact cache in which every committed edit
has its rows, its outbox row and its undo entry, and no edit has only some of them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.unit.storage.storage_factories import rich_project

from bbschedule.core.commands import SetActivityField
from bbschedule.storage.backup import integrity_problems
from bbschedule.storage.cache import LocalCache

ROOT = Path(__file__).resolve().parents[3]

EDITOR = """
import sys
from pathlib import Path
from bbschedule.core.commands import SetActivityField
from bbschedule.services.projects import open_session
from bbschedule.storage.cache import LocalCache

cache = LocalCache(Path(sys.argv[1]))
session = open_session(cache, sys.argv[2])
activity_id = sys.argv[3]
for i in range(1, 1_000_000):
    session.apply(SetActivityField(activity_id, "original_duration", 1000 + i))
    print(i, flush=True)
"""


def test_a_killed_editor_leaves_a_consistent_cache(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    data = rich_project()
    activity_id = next(iter(data.activities))
    with LocalCache(path) as cache:
        cache.import_project(data)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "desktop")}
    editor = subprocess.Popen(
        [sys.executable, "-c", EDITOR, str(path), data.project.id, activity_id],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert editor.stdout is not None
    last_printed = 0
    for line in editor.stdout:
        last_printed = int(line)
        if last_printed >= 60:
            break
    editor.send_signal(signal.SIGKILL)  # no chance to clean up: as a crash or a power cut of the process
    editor.wait(timeout=30)
    assert last_printed >= 60

    assert integrity_problems(path) == []
    with LocalCache(path) as cache:
        loaded, history = cache.load_project(data.project.id)
        outbox = [row for row in cache.outbox(data.project.id) if row["row_id"] == activity_id]
    edits = loaded.activities[activity_id].original_duration - 1000
    assert edits >= last_printed  # everything reported as saved was saved
    assert len(outbox) == edits  # one outbox row per committed edit, none for a half-made one
    assert outbox[-1]["payload"]["original_duration"] == 1000 + edits
    assert history.cursor == len(history.entries) == min(edits, history.limit)
    assert history.entries[-1].changes[0].after.original_duration == 1000 + edits
    with LocalCache(path) as cache:  # and the planner carries on: undo works after the crash
        from bbschedule.services.projects import open_session

        session = open_session(cache, data.project.id)
        session.undo()
        assert session.data.activities[activity_id].original_duration == 1000 + edits - 1
        session.apply(SetActivityField(activity_id, "name", "After the crash"))
