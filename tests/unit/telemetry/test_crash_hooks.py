"""An unhandled exception, in the main thread or a worker, is logged with its traceback and reaches the callbacks."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from bbschedule.telemetry.crash import CrashHandler, CrashReport
from bbschedule.telemetry.logging_setup import configure_logging, remove_logging

ROOT = Path(__file__).resolve().parents[3]

DRIVER = r"""
import sys, threading
from pathlib import Path
from bbschedule.telemetry.logging_setup import configure_logging
from bbschedule.telemetry.crash import install_crash_handler

folder = Path(sys.argv[1])
configure_logging(folder=folder)
handler = install_crash_handler()

def remember(report):
    with (folder / "seen.txt").open("a") as seen:
        seen.write(f"{report.thread}|{report.summary}|{report.where}\n")

handler.add_callback(remember)

def broken_callback(report):
    raise RuntimeError("the dialog itself failed")

handler.add_callback(broken_callback)

def worker():
    {}["missing activity"]

thread = threading.Thread(target=worker, name="scheduler-worker")
thread.start()
thread.join()

def save_project():
    raise OSError("disk full while saving")

save_project()
"""


def test_unhandled_exceptions_are_logged_and_reported(tmp_path: Path) -> None:
    script = tmp_path / "crashing_app.py"
    script.write_text(DRIVER, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script), str(tmp_path)],
        env={"PYTHONPATH": str(ROOT / "desktop"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1  # the interpreter still ends the process after the hook
    log = (tmp_path / "bbschedule.log").read_text(encoding="utf-8")
    assert "unhandled exception in thread scheduler-worker" in log
    assert "KeyError: 'missing activity'" in log
    assert "unhandled exception in thread MainThread" in log
    assert "OSError: disk full while saving" in log
    assert 'in save_project\n    raise OSError("disk full while saving")' in log
    assert "crash callback" in log
    assert "RuntimeError: the dialog itself failed" in log
    seen = (tmp_path / "seen.txt").read_text(encoding="utf-8").splitlines()
    assert seen[0].startswith("scheduler-worker|KeyError: 'missing activity'|crashing_app.py:")
    assert seen[1].startswith("MainThread|OSError: disk full while saving|crashing_app.py:")
    assert seen[1].endswith("in save_project")


def test_the_report_names_the_log_file(tmp_path: Path) -> None:
    path = configure_logging(folder=tmp_path)
    handler = CrashHandler().install()
    reports: list[CrashReport] = []
    handler.add_callback(reports.append)
    try:
        thread = threading.Thread(target=lambda: 1 / 0, name="t1")
        thread.start()
        thread.join()
    finally:
        handler.uninstall()
        remove_logging()
    assert sys.excepthook is not handler._on_sys_exception
    [report] = reports
    assert report.log_file == path
    assert report.exc_type == "ZeroDivisionError"
    assert "Traceback (most recent call last)" in report.traceback
