"""The clean-shutdown marker tells the next start about a crash, and not about a clean exit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from bbschedule.telemetry.recovery import MARKER_NAME, RunMarker

ROOT = Path(__file__).resolve().parents[3]

DRIVER = r"""
import sys, time
from pathlib import Path
from bbschedule.telemetry.recovery import RunMarker
marker = RunMarker(Path(sys.argv[1]))
marker.start(version="test")
marker.note_open_project("project-123")
print("ready", flush=True)
time.sleep(60)
"""


def test_a_clean_exit_leaves_nothing_to_recover(tmp_path: Path) -> None:
    first = RunMarker(tmp_path)
    assert first.start(version="1") is None
    assert (tmp_path / MARKER_NAME).exists()
    first.mark_clean_exit()
    assert not (tmp_path / MARKER_NAME).exists()
    assert RunMarker(tmp_path).start(version="1") is None


def test_a_killed_run_is_noticed_with_what_was_open(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(tmp_path)],
        env={"PYTHONPATH": str(ROOT / "desktop"), "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    # While it runs, a second start sees a live owner, not a crash.
    live = RunMarker(tmp_path).read()
    assert live is not None
    assert live.alive
    assert live.pid == process.pid
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()
    previous = RunMarker(tmp_path).start(version="2")
    assert previous is not None
    assert not previous.alive
    assert previous.open_project == "project-123"
    assert previous.version == "test"


def test_a_marker_cut_short_counts_as_an_unclean_exit(tmp_path: Path) -> None:
    (tmp_path / MARKER_NAME).write_text('{"pid": 12', encoding="utf-8")
    previous = RunMarker(tmp_path).start(version="2")
    assert previous is not None
    assert not previous.alive


def test_noting_the_open_project_survives_a_removed_marker(tmp_path: Path) -> None:
    marker = RunMarker(tmp_path)
    marker.start(version="1")
    marker.path.unlink()
    marker.note_open_project("project-7")
    found = RunMarker(tmp_path).read()
    assert found is not None
    assert found.open_project == "project-7"
    assert found.pid == os.getpid()


def test_an_unwritable_profile_leaves_telemetry_without_files(tmp_path: Path) -> None:
    from bbschedule.telemetry.logging_setup import current_log_file, remove_logging
    from bbschedule.telemetry.observability import disable_observability
    from bbschedule.telemetry.runtime import start_telemetry

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    runtime = start_telemetry(blocker / "profile", gui=True)
    try:
        assert runtime.log_file is None
        assert runtime.marker is None
        assert current_log_file() is None
        assert runtime.log_dir == blocker / "profile" / "logs"
    finally:
        runtime.shutdown()
        remove_logging()
        disable_observability()
