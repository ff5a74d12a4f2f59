"""Bad XER input ends in InputFileError naming the file and the line (or field), never a traceback."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bbschedule.core.errors import InputFileError
from bbschedule.formats.registry import ReadOptions
from bbschedule.formats.xer import read, read_bytes, write
from bbschedule.formats.xer.tokenizer import Limits, tokenize

GOOD = (
    "ERMHDR\t19.12\t2024-01-01\tProject\tadmin\tA\tdb\tProject Management\tUSD\n"
    "%T\tPROJECT\n%F\tproj_id\tproj_short_name\tclndr_id\tplan_start_date\n%R\t1\tP1\t5\t2024-01-01 08:00\n"
    "%T\tCALENDAR\n%F\tclndr_id\tclndr_name\tclndr_type\tclndr_data\n"
    "%R\t5\tStd\tCA_Base\t(0||CalendarData()((0||DaysOfWeek()((0||2()((0||0(s|08:00|f|16:00)()))))))))\n"
    "%T\tTASK\n%F\ttask_id\tproj_id\tclndr_id\ttask_code\ttask_name\ttask_type\ttarget_drtn_hr_cnt\ttarget_start_date\n"
    "%R\t10\t1\t5\tA100\tCafé ☕\tTT_Task\t16\t2024-01-01 08:00\n"
    "%E\n"
)


def _write(tmp_path: Path, payload: bytes, name: str = "bad.xer") -> Path:
    path = tmp_path / name
    path.write_bytes(payload)
    return path


def _error(path: Path, options: ReadOptions | None = None) -> InputFileError:
    with pytest.raises(InputFileError) as info:
        read(path, options=options or ReadOptions())
    assert str(path) in str(info.value)
    return info.value


def test_the_good_file_reads(tmp_path: Path) -> None:
    (data,) = read(_write(tmp_path, GOOD.encode("utf-8")), options=ReadOptions()).projects
    (activity,) = data.activities.values()
    assert activity.name == "Café ☕"
    assert activity.original_duration == 16 * 60


def test_truncated_file_names_the_last_line(tmp_path: Path) -> None:
    payload = GOOD.encode("utf-8")
    path = _write(tmp_path, payload[: payload.index(b"%E")])
    error = _error(path)
    assert error.line == GOOD.count("\n")
    assert "truncated" in error.message


def test_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace("☕", "").encode("cp1252"))
    assert read(path, options=ReadOptions()).extra["encoding"] == "cp1252"
    error = _error(path, ReadOptions(encoding="utf-8"))
    assert error.line == 10
    assert "utf-8" in error.message


def test_unknown_encoding_names_the_option(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, GOOD.encode("utf-8")), ReadOptions(encoding="no-such-codepage"))
    assert error.field == "encoding"


@pytest.mark.parametrize("codec", ["utf-16", "utf-8-sig", "utf-16-be", "utf-16-le", "utf-8"])
def test_unicode_files_with_and_without_bom(tmp_path: Path, codec: str) -> None:
    payload = GOOD.encode(codec)
    if codec == "utf-16-be":
        payload = b"\xfe\xff" + payload  # with a byte order mark; utf-16-le goes without one
    result = read(_write(tmp_path, payload), options=ReadOptions())
    (data,) = result.projects
    assert next(iter(data.activities.values())).name == "Café ☕"


def test_garbage_bytes(tmp_path: Path) -> None:
    rng = random.Random(7)
    error = _error(_write(tmp_path, bytes(rng.getrandbits(8) for _ in range(5000))))
    assert error.line is not None


def test_garbage_line_inside_the_file(tmp_path: Path) -> None:
    text = GOOD.replace("%T\tTASK", "this is not xer\n%T\tTASK")
    error = _error(_write(tmp_path, text.encode("utf-8")))
    assert error.line == 8


def test_row_before_field_list(tmp_path: Path) -> None:
    text = "ERMHDR\t19.12\n%T\tPROJECT\n%R\t1\tP1\n%E\n"
    error = _error(_write(tmp_path, text.encode()))
    assert error.line == 3
    assert "%R" in error.message


def test_a_huge_field_is_refused_with_its_name(tmp_path: Path) -> None:
    text = GOOD.replace("Café ☕", "x" * (Limits().max_line_chars + 1))
    error = _error(_write(tmp_path, text.encode("utf-8")))
    assert error.line == 10
    assert error.field == "TASK.task_name"
    with pytest.raises(InputFileError) as info:
        tokenize(GOOD.replace("Café", "x" * 1000).encode("utf-8"), path="big.xer", limits=Limits(max_line_chars=500))
    assert info.value.field == "TASK.task_name"


def test_an_unwritable_target_is_a_clear_error(tmp_path: Path) -> None:
    (data,) = read(_write(tmp_path, GOOD.encode("utf-8")), options=ReadOptions()).projects
    target = tmp_path / "no such folder" / "out.xer"
    with pytest.raises(InputFileError) as info:
        write(data, target)
    assert str(target) in str(info.value)


def test_too_many_bytes(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, GOOD.encode("utf-8")), ReadOptions(max_bytes=100))
    assert "bytes" in error.message


def test_too_many_fields_in_a_row(tmp_path: Path) -> None:
    text = GOOD.replace("2024-01-01 08:00\n%E", "2024-01-01 08:00" + "\tx" * 30 + "\n%E")
    with pytest.raises(InputFileError) as info:
        tokenize(text.encode("utf-8"), path="wide.xer", limits=Limits(max_fields_per_row=20))
    assert info.value.line == 10


def test_a_bad_date_names_line_and_field(tmp_path: Path) -> None:
    text = GOOD.replace("TT_Task\t16\t2024-01-01 08:00", "TT_Task\t16\tnot a date")
    error = _error(_write(tmp_path, text.encode("utf-8")))
    assert error.line == 10
    assert error.field == "TASK.target_start_date"


def test_a_bad_number_names_line_and_field(tmp_path: Path) -> None:
    text = GOOD.replace("TT_Task\t16\t", "TT_Task\tsixteen\t")
    error = _error(_write(tmp_path, text.encode("utf-8")))
    assert (error.line, error.field) == (10, "TASK.target_drtn_hr_cnt")


def test_no_project_table(tmp_path: Path) -> None:
    text = "ERMHDR\t19.12\n%T\tCURRTYPE\n%F\tcurr_id\n%R\t1\n%E\n"
    error = _error(_write(tmp_path, text.encode()))
    assert error.field == "PROJECT"


def test_empty_file(tmp_path: Path) -> None:
    assert _error(_write(tmp_path, b"")).line == 1


def test_missing_file(tmp_path: Path) -> None:
    _error(tmp_path / "absent.xer")


def test_every_prefix_of_a_real_file_fails_cleanly(samples_dir: Path, tmp_path: Path) -> None:
    raw = (samples_dir / "xer" / "mpxj_percent-complete-8.4.xer").read_bytes()
    for cut in range(0, len(raw) - 4, 397):
        path = _write(tmp_path, raw[:cut], f"cut{cut}.xer")
        with pytest.raises(InputFileError):
            read(path, options=ReadOptions())


def test_mutated_real_files_read_or_fail_cleanly(samples_dir: Path, tmp_path: Path) -> None:
    """Lines deleted, repeated, swapped or cut, fields replaced by odd values, bytes flipped: a project (that our
    writer writes and we read back whole) or an InputFileError, nothing else."""
    rng = random.Random(11)
    sources = [(samples_dir / "xer" / n).read_bytes() for n in ("mpxj_resource-rates-test.xer", "mpxj_invalid-8.4.xer")]
    odd = [b"", b"x", b"-1", b"1e400", b"nan", b"2024-13-45 25:61", b"TT_Mile", b"CS_MSO", b"(0||", b"%R", b"24:00"]
    outcomes = {"read": 0, "refused": 0}
    for n in range(300):
        lines = rng.choice(sources).split(b"\n")
        for _ in range(rng.randint(1, 4)):
            i, j = rng.randrange(1, len(lines)), rng.randrange(1, len(lines))
            op = rng.randrange(5)
            if op == 0:
                del lines[i]
            elif op == 1:
                lines.insert(i, lines[j])
            elif op == 2:
                lines[i], lines[j] = lines[j], lines[i]
            elif op == 3:
                lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
            else:
                parts = lines[i].split(b"\t")
                parts[rng.randrange(len(parts))] = rng.choice(odd)
                lines[i] = b"\t".join(parts)
        data = bytearray(b"\n".join(lines))
        for _ in range(rng.randint(0, 2)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            projects = read_bytes(bytes(data), path=f"mutant{n}.xer", options=ReadOptions()).projects
            outcomes["read"] += 1
        except InputFileError as exc:
            outcomes["refused"] += 1
            message = str(exc)
        else:
            message = f"mutant{n}.xer"
            for data_read in projects:
                write(data_read, tmp_path / "again.xer")
                (back,) = read(tmp_path / "again.xer", options=ReadOptions()).projects
                assert len(back.activities) == len(data_read.activities)
                assert len(back.relationships) == len(data_read.relationships)
        assert f"mutant{n}.xer" in message
    assert min(outcomes.values()) > 20
