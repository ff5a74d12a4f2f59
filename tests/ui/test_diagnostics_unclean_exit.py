"""End to end through the composition root: the running application leaves its marker, a kill leaves it behind,
and `doctor` (and the next start) knows the last session did not close cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bbschedule.telemetry.recovery import MARKER_NAME

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def test_a_killed_application_is_reported_by_doctor(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT / "desktop"),
    }
    app = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--profile", str(profile)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    marker = profile / MARKER_NAME
    log_file = profile / "logs" / "bbschedule.log"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (marker.exists() and "imported" in _text(log_file)):
            assert app.poll() is None, "the application stopped by itself"
            time.sleep(0.1)
        assert marker.exists(), "the running application writes its marker"
        running = json.loads(marker.read_text(encoding="utf-8"))
        assert running["pid"] == app.pid
    finally:
        os.kill(app.pid, signal.SIGKILL)
        app.wait(timeout=30)

    doctor = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--profile", str(profile), "doctor", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    report = json.loads(doctor.stdout)
    checks = {check["name"]: check for check in report["checks"]}
    assert checks["last session"]["value"].startswith("did not close cleanly")
    assert checks["local cache"]["ok"], checks["local cache"]
    assert f"starting (profile {profile}, gui)" in _text(log_file)


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
