"""The command line with XER files: convert exits 0 and writes a file that reads back; a bad file exits 2,
names the file and the line, and leaves the local cache as it was.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_runner import run_cli

from bbschedule.formats.registry import ReadOptions
from bbschedule.formats.xer import read


def test_convert_xer_to_xer(samples_dir: Path, tmp_path: Path) -> None:
    source = samples_dir / "xer" / "jaggelas_test.xer"
    out = tmp_path / "out.xer"
    report = tmp_path / "report.json"
    done = run_cli("convert", str(source), str(out), "--report", str(report), profile=tmp_path / "profile")
    assert done.returncode == 0, done.stderr
    (data,) = read(out, options=ReadOptions()).projects
    assert len(data.activities) == 692  # the larger of the file's two projects, by default
    assert len(data.relationships) == 1592
    both = json.loads(report.read_text(encoding="utf-8"))
    assert both["import"]["counts"]["projects"] == 2
    assert both["export"]["counts"]["rows.TASK"] == 692


def test_import_of_a_bad_xer_exits_2_and_changes_nothing(samples_dir: Path, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    good = samples_dir / "xer" / "mpxj_percent-complete-8.4.xer"
    done = run_cli("import", str(good), profile=profile)
    assert done.returncode == 0, done.stderr
    before = run_cli("projects", "--json", profile=profile)
    assert before.returncode == 0, before.stderr
    raw = good.read_bytes()
    bad = tmp_path / "bad.xer"
    bad.write_bytes(raw[: len(raw) // 2])
    done = run_cli("import", str(bad), profile=profile)
    assert done.returncode == 2
    assert str(bad) in done.stderr
    assert "line" in done.stderr
    assert "Traceback" not in done.stderr
    after = run_cli("projects", "--json", profile=profile)
    assert after.stdout == before.stdout


def test_convert_with_a_wrong_code_page_exits_2(samples_dir: Path, tmp_path: Path) -> None:
    source = samples_dir / "xer" / "pyp6xer_SP10_COST_LOADED.xer"  # cp1252 with bytes that are not UTF-8
    out = tmp_path / "out.xer"
    done = run_cli("convert", str(source), str(out), "--encoding", "utf-8", profile=tmp_path / "profile")
    assert done.returncode == 2
    assert f"{source}, line " in done.stderr
    assert not out.exists()
