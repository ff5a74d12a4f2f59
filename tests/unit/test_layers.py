"""The layer rules of DESIGN.md section 1 hold, and the contracts do catch a break."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd / "desktop"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_contracts_hold() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_contracts_fail_when_core_imports_qt(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "desktop", tmp_path / "desktop", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    broken = tmp_path / "desktop" / "bbschedule" / "core" / "broken.py"
    broken.write_text("import PySide6.QtCore\nimport bbschedule.services.session\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "Only the UI imports Qt" in result.stdout
    assert "BROKEN" in result.stdout
