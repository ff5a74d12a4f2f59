"""Hostile and broken XML ends as an InputFileError naming the file, for both XML readers, and nothing leaks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bbschedule.core.errors import InputFileError
from bbschedule.formats import mspdi, pmxml
from bbschedule.formats.registry import ImportResult, ReadOptions

Reader = Callable[..., ImportResult]
READERS = {"mspdi": (mspdi.read, "Project"), "pmxml": (pmxml.read, "APIBusinessObjects")}

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE {root} [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<{root}><Name>&lol9;</Name></{root}>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file://{secret}">]>
<{root}><Name>&xxe;</Name></{root}>
"""


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def _fails(reader: Reader, path: Path, **options: Any) -> InputFileError:
    with pytest.raises(InputFileError) as info:
        reader(path, options=ReadOptions(**options))
    assert str(path) in str(info.value), "the message names the file"
    return info.value


@pytest.fixture(params=sorted(READERS))
def fmt(request: pytest.FixtureRequest) -> tuple[Reader, str]:
    reader, root = READERS[request.param]
    return reader, root


def test_billion_laughs_is_refused(tmp_path: Path, fmt: tuple[Reader, str]) -> None:
    reader, root = fmt
    error = _fails(reader, _write(tmp_path, "laughs.xml", BILLION_LAUGHS.format(root=root)))
    assert "DTD" in error.message
    assert error.line == 2


def test_external_entity_is_refused_and_never_read(tmp_path: Path, fmt: tuple[Reader, str]) -> None:
    reader, root = fmt
    secret = _write(tmp_path, "secret.txt", "TOP-SECRET-CONTENT")
    error = _fails(reader, _write(tmp_path, "xxe.xml", EXTERNAL_ENTITY.format(root=root, secret=secret)))
    assert "TOP-SECRET" not in str(error)


def test_a_dtd_hidden_behind_a_long_comment_is_still_refused(tmp_path: Path, fmt: tuple[Reader, str]) -> None:
    reader, root = fmt
    padding = "<!--" + "x" * 100_000 + "-->\n"
    text = (
        '<?xml version="1.0"?>\n' + padding + EXTERNAL_ENTITY.format(root=root, secret="/etc/passwd").split("\n", 1)[1]
    )
    error = _fails(reader, _write(tmp_path, "hidden.xml", text))
    assert "DTD" in error.message


def test_utf16_dtd_is_refused(tmp_path: Path, fmt: tuple[Reader, str]) -> None:
    reader, root = fmt
    text = BILLION_LAUGHS.format(root=root).replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    _fails(reader, _write(tmp_path, "utf16.xml", text.encode("utf-16")))


def test_truncated_file_names_the_line(samples_dir: Path, tmp_path: Path) -> None:
    sample = (samples_dir / "mspdi" / "mpxj_task-links-project2019.xml").read_bytes()
    error = _fails(mspdi.read, _write(tmp_path, "cut.xml", sample[: len(sample) // 2]))
    assert error.line is not None
    assert error.line > 100
    assert "well-formed" in error.message


def test_truncated_pmxml(samples_dir: Path, tmp_path: Path) -> None:
    sample = (samples_dir / "pmxml" / "mpxj_percent-complete-8.4.pmxml.xml").read_bytes()
    error = _fails(pmxml.read, _write(tmp_path, "cut.xml", sample[: len(sample) * 2 // 3]))
    assert error.line is not None


@pytest.mark.parametrize("garbage", [b"hello, not xml", b"\x00\x01\x02\xff\xfe garbage", b"PK\x03\x04 a zip file"])
def test_not_xml(tmp_path: Path, fmt: tuple[Reader, str], garbage: bytes) -> None:
    reader, _root = fmt
    _fails(reader, _write(tmp_path, "junk.xml", garbage))


def test_empty_file(tmp_path: Path, fmt: tuple[Reader, str]) -> None:
    reader, _root = fmt
    assert "empty" in _fails(reader, _write(tmp_path, "empty.xml", b"")).message


def test_wrong_root_is_named(tmp_path: Path, fmt: tuple[Reader, str]) -> None:
    reader, root = fmt
    error = _fails(reader, _write(tmp_path, "html.xml", "<html><body/></html>"))
    assert "<html>" in error.message
    assert f"<{root}>" in error.message


def test_pmxml_given_to_the_mspdi_reader_is_refused(samples_dir: Path) -> None:
    path = samples_dir / "pmxml" / "mpxj_percent-complete-8.4.pmxml.xml"
    assert "APIBusinessObjects" in _fails(mspdi.read, path).message


def test_size_limit(samples_dir: Path) -> None:
    path = samples_dir / "mspdi" / "mpxj_task-links-project2019.xml"
    assert "larger than" in _fails(mspdi.read, path, max_bytes=1000).message


def test_a_bad_date_names_line_and_field(tmp_path: Path) -> None:
    text = (
        '<Project xmlns="http://schemas.microsoft.com/project"><StartDate>2020-01-01T08:00:00</StartDate>'
        "<Tasks>\n<Task><UID>1</UID><ID>1</ID><Name>A</Name>\n<Start>someday</Start></Task></Tasks></Project>"
    )
    error = _fails(mspdi.read, _write(tmp_path, "bad-date.xml", text))
    assert error.field == "Task/Start"
    assert error.line == 2


def test_a_pmxml_activity_without_id_names_the_field(tmp_path: Path) -> None:
    text = (
        "<APIBusinessObjects><Project><ObjectId>1</ObjectId><Id>P</Id><PlannedStartDate>2020-01-01T08:00:00"
        "</PlannedStartDate>\n<Activity><ObjectId>5</ObjectId><Name>x</Name></Activity></Project></APIBusinessObjects>"
    )
    error = _fails(pmxml.read, _write(tmp_path, "no-id.xml", text))
    assert error.field == "Activity/Id"
    assert error.line == 2


def test_a_failed_write_leaves_nothing_behind(samples_dir: Path, tmp_path: Path) -> None:
    data = mspdi.read(samples_dir / "mspdi" / "mpxj_task-links-project2019.xml", options=ReadOptions()).pick()
    target = tmp_path / "taken.xml"
    target.mkdir()
    with pytest.raises(IsADirectoryError):
        mspdi.write(data, target)
    with pytest.raises(IsADirectoryError):
        pmxml.write(data, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.xml"]


def test_a_note_that_mentions_a_doctype_is_fine(tmp_path: Path) -> None:
    from tests.unit.formats.mspdi.handmade import MSPDI

    text = MSPDI.replace("<Name>Design</Name>", "<Name>Design</Name><Notes><![CDATA[<!DOCTYPE html><p>x</p>]]></Notes>")
    data = mspdi.read(_write(tmp_path, "note.xml", text), options=ReadOptions()).pick()
    assert any("<!DOCTYPE html>" in a.notes for a in data.activities.values())
