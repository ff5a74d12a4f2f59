"""`python main.py convert` on P6 XML: exit 0 both ways, exit 2 for a broken file."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.cli_runner import run_cli

from bbschedule.formats import mspdi
from bbschedule.formats.registry import ReadOptions


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, profile=tmp_path / "profile", cwd=tmp_path)


def test_convert_pmxml_to_mspdi(samples_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xml"
    done = _run(tmp_path, "convert", str(samples_dir / "pmxml" / "mpxj_percent-complete-8.4.pmxml.xml"), str(out))
    assert done.returncode == 0, done.stderr
    assert "12 activities" in done.stdout
    data = mspdi.read(out, options=ReadOptions()).pick()
    assert sorted(a.name for a in data.activities.values())[:2] == ["Duration 0%", "Duration 100%"]


def test_convert_pmxml_to_pmxml_by_extension(samples_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.pmxml"
    done = _run(tmp_path, "convert", str(samples_dir / "pmxml" / "mpxj_resource-rates-test.pmxml.xml"), str(out))
    assert done.returncode == 0, done.stderr
    assert b"APIBusinessObjects" in out.read_bytes()[:400]


def test_wrong_root_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pmxml"
    bad.write_text("<Project><Name>not P6</Name></Project>", encoding="utf-8")
    done = _run(tmp_path, "convert", str(bad), str(tmp_path / "out.xml"))
    assert done.returncode == 2
    assert str(bad) in done.stderr
    assert "APIBusinessObjects" in done.stderr
    assert "Traceback" not in done.stderr
