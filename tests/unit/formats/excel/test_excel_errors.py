"""Bad workbooks: every problem named by sheet, row and column, all listed together, and no project returned."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from bbschedule.core.errors import InputFileError
from bbschedule.formats import excel, project_json
from bbschedule.formats.excel.cells import ExcelInputError
from bbschedule.formats.registry import ReadOptions

SAMPLE = Path(__file__).resolve().parents[4] / "resources" / "samples" / "sample_project.bbs.json"


@pytest.fixture(scope="module")
def good_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = project_json.read(SAMPLE, options=ReadOptions()).projects[0]
    path = tmp_path_factory.mktemp("xlsx") / "good.xlsx"
    excel.write(data, path)
    return path


def _cell(sheet: Any, header: str, row: int) -> Any:
    """The cell of `row` under the column headed `header` (found by name, as a planner would)."""
    column = next(c.column for c in sheet[1] if c.value == header)
    return sheet.cell(row=row, column=column)


def _ref(cell: Any) -> str:
    return f"{cell.parent.title}!{cell.coordinate}"


def _spoil(source: Path, target: Path, edits: list[tuple[str, str, int, object]]) -> list[str]:
    """Write `target` with the edits (sheet, header, row, value); return the cells spoiled."""
    from openpyxl import load_workbook

    book = load_workbook(source)
    refs = []
    for sheet_name, header, row, value in edits:
        cell = _cell(book[sheet_name], header, row)
        cell.value = value
        refs.append(_ref(cell))
    book.save(target)
    return refs


def _read_error(path: Path) -> ExcelInputError:
    with pytest.raises(ExcelInputError) as caught:
        excel.read(path, options=ReadOptions())
    return caught.value


def test_every_bad_cell_is_named_and_all_are_listed(good_workbook: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    refs = _spoil(
        good_workbook,
        bad,
        [
            ("Activities", "Original Duration (d)", 17, "ten days"),
            ("Activities", "Calendar", 5, "7-Day Week"),
            ("Activities", "Actual Start", 3, "sometime in March"),
            ("Activities", "Activity Type", 9, "Hammock"),
            ("Activities", "Primary Constraint", 20, "Start No Earlier Than Tuesday"),
            ("Relationships", "Type", 4, "XX"),
            ("Relationships", "Predecessor", 6, "A9999"),
            ("Calendar Exceptions", "Working Hours", 2, "8-12"),
            ("Resource Rates", "Price per Unit", 3, -5),
            ("Assignments", "Resource ID", 2, "NOBODY"),
        ],
    )
    error = _read_error(bad)
    named = {p.where for p in error.problems}
    assert set(refs) <= named, set(refs) - named
    assert error.total == len(error.problems) >= len(refs)
    assert isinstance(error, InputFileError)
    assert error.path == str(bad)
    assert error.field == error.problems[0].where
    for ref in refs:
        assert ref in str(error)
    assert "nothing was imported" in str(error)


def test_a_model_rule_is_reported_at_its_column(good_workbook: Path, tmp_path: Path) -> None:
    bad = tmp_path / "negative.xlsx"
    (duration,) = _spoil(good_workbook, bad, [("Activities", "Original Duration (d)", 12, -3)])
    error = _read_error(bad)
    assert [p.where for p in error.problems] == [duration]
    assert "negative" in error.problems[0].message


def test_duplicate_activity_ids_and_missing_required_cells(good_workbook: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(good_workbook)
    acts = book["Activities"]
    first_id = _cell(acts, "Activity ID", 2).value
    _cell(acts, "Activity ID", 3).value = first_id
    _cell(acts, "Activity Name", 4).value = None
    bad = tmp_path / "dup.xlsx"
    book.save(bad)
    error = _read_error(bad)
    messages = {p.where: p.message for p in error.problems}
    assert "second activity" in messages[_ref(_cell(acts, "Activity ID", 3))]
    assert "required" in messages[_ref(_cell(acts, "Activity Name", 4))]


def test_the_list_is_capped_but_the_count_is_not(good_workbook: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(good_workbook)
    acts = book["Activities"]
    rows = acts.max_row - 1
    for row in range(2, acts.max_row + 1):
        _cell(acts, "Original Duration (d)", row).value = "x"
    bad = tmp_path / "many.xlsx"
    book.save(bad)
    error = _read_error(bad)
    assert error.total >= rows > len(error.problems)
    assert f"and {error.total - len(error.problems)} more" in str(error)


def test_missing_sheet_and_missing_column(good_workbook: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(good_workbook)
    del book["Calendars"]
    acts = book["Activities"]
    _cell(acts, "Activity ID", 1).value = "Code"
    bad = tmp_path / "holes.xlsx"
    book.save(bad)
    error = _read_error(bad)
    wheres = " ".join(p.where for p in error.problems)
    assert "Calendars" in wheres
    assert "Activities!1:1" in wheres
    assert any("'Activity ID' is missing" in p.message for p in error.problems)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "not an Excel workbook"),
        (b"garbage that is not a zip" * 10, "not an Excel workbook"),
        (b"Activity ID,Name\nA1,x\n", "not an Excel workbook"),
    ],
)
def test_not_a_workbook(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=expected) as caught:
        excel.read(path, options=ReadOptions())
    assert str(path) in str(caught.value)


def test_truncated_workbook(good_workbook: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good_workbook.read_bytes()[:2000])
    with pytest.raises(InputFileError) as caught:
        excel.read(path, options=ReadOptions())
    assert str(path) in str(caught.value)


def test_entities_and_oversized_content_are_refused(good_workbook: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(good_workbook) as src, zipfile.ZipFile(bomb, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + body
            dst.writestr(item, data)
    with pytest.raises(InputFileError, match="DTD or entities"):
        excel.read(bomb, options=ReadOptions())
    size = good_workbook.stat().st_size
    with pytest.raises(InputFileError, match="bytes"):
        excel.read(good_workbook, options=ReadOptions(max_bytes=size * 2))
