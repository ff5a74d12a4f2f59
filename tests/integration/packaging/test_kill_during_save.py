"""The application killed (SIGKILL: no handler runs) in the middle of writing leaves an intact local cache:
PRAGMA integrity_check says ok, an import is either all there or not there at all, and every edit the session
acknowledged before the kill is still there when the cache is opened again."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bbschedule.storage.cache import LocalCache
from bbschedule.storage.paths import cache_path
from bbschedule.telemetry.diagnostics import cache_integrity_check

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "resources" / "samples" / "sample_project.bbs.json"
N_ACTIVITIES = 8_000

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, int, int]:
    from benchmarks.generate import generate_project

    from bbschedule.formats.registry import write_file

    data = generate_project(n_activities=N_ACTIVITIES, seed=7)
    path = tmp_path_factory.mktemp("big") / "big.bbs.json"
    write_file(data, path)
    return path, data.project.id, len(data.activities), len(data.relationships)


def _env() -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "desktop"), "HOME": os.environ.get("HOME", "/tmp")}


def _counts(cache: Path, project_id: str) -> tuple[int, int, int]:
    # A plain read-write connection: opening it is what replays (or discards) a half-written WAL.
    connection = sqlite3.connect(cache)
    try:
        projects = connection.execute("SELECT count(*) FROM projects WHERE id = ?", (project_id,)).fetchone()[0]
        activities = connection.execute(
            "SELECT count(*) FROM activities WHERE project_id = ?", (project_id,)
        ).fetchone()
        relationships = connection.execute(
            "SELECT count(*) FROM relationships WHERE project_id = ?", (project_id,)
        ).fetchone()
    finally:
        connection.close()
    return int(projects), int(activities[0]), int(relationships[0])


def _import_and_kill(profile: Path, big: Path, *, wal_bytes: int) -> tuple[bool, int]:
    """Start `main.py import`, SIGKILL it once its WAL holds wal_bytes; (killed while running, WAL size then)."""
    wal = cache_path(profile).with_name(cache_path(profile).name + "-wal")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--profile", str(profile), "import", str(big)],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    size = 0
    while process.poll() is None and time.monotonic() < deadline:
        size = wal.stat().st_size if wal.exists() else 0
        if size >= wal_bytes:
            break
        time.sleep(0.0005)
    running = process.poll() is None
    if running:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    return running and process.returncode == -signal.SIGKILL, size


def test_killing_an_import_mid_write_leaves_all_or_nothing(
    tmp_path: Path, big_file: tuple[Path, str, int, int]
) -> None:
    big, project_id, n_activities, n_relationships = big_file
    outcomes: list[tuple[int, bool, int, str]] = []
    for attempt, wal_bytes in enumerate((64 * 1024, 1 << 20, 3 << 20)):
        profile = tmp_path / f"profile{attempt}"
        LocalCache(cache_path(profile)).close()  # the schema exists; the import is the only writer left
        killed, wal_size = _import_and_kill(profile, big, wal_bytes=wal_bytes)
        check = cache_integrity_check(cache_path(profile))
        assert check.ok, check
        assert check.detail.startswith("integrity ok")
        found = _counts(cache_path(profile), project_id)
        assert found in ((0, 0, 0), (1, n_activities, n_relationships)), f"half an import: {found}"
        outcomes.append((wal_bytes, killed, wal_size, "all" if found[0] else "nothing"))
    # The cache opens and takes the import again after a kill.
    with LocalCache(cache_path(tmp_path / "profile0")) as cache:
        if cache.find_project(project_id) is None:
            from bbschedule.formats.registry import read_file

            cache.import_project(read_file(big).pick())
        assert cache.find_project(project_id) is not None
    assert _counts(cache_path(tmp_path / "profile0"), project_id) == (1, n_activities, n_relationships)
    # At least one kill must have hit the write itself (WAL growing, commit not reached), or nothing was tested.
    mid_write = [o for o in outcomes if o[1] and o[2] > 0 and o[3] == "nothing"]
    assert mid_write, f"no kill landed mid-write: {outcomes}"


EDIT_DRIVER = r"""
import sys
from pathlib import Path
from bbschedule.core.commands import SetField
from bbschedule.services.projects import import_file, open_or_create_cache, open_session

cache = open_or_create_cache(Path(sys.argv[1]))
summary, _report = import_file(cache, Path(sys.argv[2]))
session = open_session(cache, summary.id)
activity = sorted(session.data.activities.values(), key=lambda a: a.code)[3]
print(summary.id, activity.id, flush=True)
n = 0
while True:
    n += 1
    session.apply(SetField("activity", (activity.id,), "name", f"edit {n}"))
    print(n, flush=True)  # acknowledged: apply() returned, so the edit is in the cache
"""


def test_every_acknowledged_edit_survives_a_kill(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    process = subprocess.Popen(
        [sys.executable, "-c", EDIT_DRIVER, str(profile), str(SAMPLE)],
        env=_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    project_id, activity_id = process.stdout.readline().split()
    acknowledged = 0
    while acknowledged < 40:
        line = process.stdout.readline()
        assert line, "the editing driver stopped early"
        acknowledged = int(line)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()

    check = cache_integrity_check(cache_path(profile))
    assert check.ok, check
    with LocalCache(cache_path(profile)) as cache:
        data, history = cache.load_project(project_id)
    name = data.activities[activity_id].name
    saved = int(name.removeprefix("edit "))
    # Everything acknowledged is there; at most the edits in flight after the last line read may be there too.
    assert saved >= acknowledged
    assert history.cursor == saved, "the undo history is written in the same transaction as the edit"
    outbox = [json.loads(row["payload"])["name"] for row in cache_rows(profile, activity_id)]
    assert outbox[-1] == name


def cache_rows(profile: Path, activity_id: str) -> list[sqlite3.Row]:
    connection = sqlite3.connect(cache_path(profile))
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute(
            "SELECT payload FROM outbox WHERE row_id = ? AND kind = 'activity' ORDER BY rowid", (activity_id,)
        ).fetchall()
    finally:
        connection.close()
