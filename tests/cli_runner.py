"""Runs the command line as a planner or a script does: `python main.py --profile DIR ...` in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, profile: Path, cwd: Path = ROOT, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    """The finished process, output captured as text; the exit code is the caller's to check."""
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--profile", str(profile), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        check=False,
    )
