"""`python main.py convert` on MS Project XML: exit 0 with a file MPXJ-compatible readers take, exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.cli_runner import run_cli

from bbschedule.formats import pmxml
from bbschedule.formats.registry import ReadOptions


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, profile=tmp_path / "profile", cwd=tmp_path)


def test_convert_mspdi_to_pmxml(samples_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.pmxml"
    report = tmp_path / "report.json"
    source = samples_dir / "mspdi" / "mpxj_task-links-project2019.xml"
    done = _run(tmp_path, "convert", str(source), str(out), "--report", str(report))
    assert done.returncode == 0, done.stderr
    data = pmxml.read(out, options=ReadOptions()).pick()
    assert len(data.activities) == 16
    assert len(data.relationships) == 8
    both = json.loads(report.read_text(encoding="utf-8"))
    assert both["import"]["format"] == "mspdi"
    assert both["export"]["counts"]["relationships"] == 8


def test_convert_recurring_calendar_reports_the_expansion(samples_dir: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    source = samples_dir / "mspdi" / "mpxj_calendar-recurring-exceptions-project2016.xml"
    done = _run(tmp_path, "convert", str(source), str(tmp_path / "cal.xml"), "--to", "mspdi", "--report", str(report))
    assert done.returncode == 0, done.stderr
    summary = json.loads(report.read_text(encoding="utf-8"))["import"]["summary"]
    assert summary["calendar.recurring_exception_expanded"] >= 20


def test_a_hostile_file_exits_2_naming_it_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "laughs.xml"
    bad.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
        "<Project>&b;</Project>",
        encoding="utf-8",
    )
    out = tmp_path / "out.pmxml"
    done = _run(tmp_path, "convert", str(bad), str(out))
    assert done.returncode == 2
    assert str(bad) in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_a_truncated_file_exits_2_with_the_line(samples_dir: Path, tmp_path: Path) -> None:
    sample = (samples_dir / "mspdi" / "mpxj_legacy_sample.xml").read_bytes()
    bad = tmp_path / "cut.xml"
    bad.write_bytes(sample[: len(sample) // 3])
    done = _run(tmp_path, "convert", str(bad), str(tmp_path / "out.xml"))
    assert done.returncode == 2
    assert f"{bad}, line " in done.stderr
    assert "not well-formed XML at column" in done.stderr
    assert "Traceback" not in done.stderr
