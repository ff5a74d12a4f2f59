"""The command line with workbooks: convert both ways, and a bad workbook ends with exit 2 and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_runner import run_cli

ROOT = Path(__file__).resolve().parents[4]
SAMPLE = ROOT / "resources" / "samples" / "sample_project.bbs.json"


def test_convert_sample_to_xlsx_and_back(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    out = tmp_path / "out.xlsx"
    done = run_cli("convert", str(SAMPLE), str(out), profile=profile)
    assert done.returncode == 0, done.stderr
    assert out.is_file()
    assert not out.with_name("out.xlsx.tmp").exists()
    back = tmp_path / "back.bbs.json"
    report = tmp_path / "report.json"
    done = run_cli("convert", str(out), str(back), "--report", str(report), profile=profile)
    assert done.returncode == 0, done.stderr
    original = json.loads(SAMPLE.read_text(encoding="utf-8"))
    copy = json.loads(back.read_text(encoding="utf-8"))
    assert sorted(a["code"] for a in copy["activities"]) == sorted(a["code"] for a in original["activities"])
    assert len(copy["relationships"]) == len(original["relationships"])
    assert json.loads(report.read_text(encoding="utf-8"))["import"]["format"] == "xlsx"


def test_bad_workbook_exits_2_naming_the_cell_and_leaves_the_cache_alone(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    profile = tmp_path / "profile"
    assert run_cli("import", str(SAMPLE), profile=profile).returncode == 0
    before = run_cli("projects", "--json", profile=profile)
    good = tmp_path / "good.xlsx"
    assert run_cli("convert", str(SAMPLE), str(good), profile=profile).returncode == 0
    book = load_workbook(good)
    sheet = book["Relationships"]
    column = next(c for c in sheet[1] if c.value == "Lag (d)")
    sheet.cell(row=7, column=column.column).value = "two days"
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    done = run_cli("import", str(bad), profile=profile)
    assert done.returncode == 2
    assert f"Relationships!{column.column_letter}7" in done.stderr
    assert "Traceback" not in done.stderr
    after = run_cli("projects", "--json", profile=profile)
    assert json.loads(after.stdout) == json.loads(before.stdout)
