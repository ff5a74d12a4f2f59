"""`python main.py --screenshot OUT.png` renders the window with the sample project and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]


def test_screenshot_writes_a_png_of_the_window(tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--profile", str(tmp_path / "profile"), "--screenshot", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1600, 900)
    # Not a blank window: the table's text and WBS bands make many distinct colours.
    colours = {image.pixel(x, y) for x in range(0, 1600, 7) for y in range(0, 900, 7)}
    assert len(colours) > 50


def test_screenshot_of_an_unreadable_file_names_it_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "broken.bbs.json"
    bad.write_text('{"format": "bbschedule.project/1", "project": {', encoding="utf-8")
    out = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--profile", str(tmp_path / "p"), "--screenshot", str(out), str(bad)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "broken.bbs.json, line 1" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
