"""How P6's tables map onto the model: odd but real inputs (loops, duplicates, old layouts) and notes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bbschedule.core.enums import ConstraintType, CriticalMode, FloatMode, ProgressMode
from bbschedule.core.errors import InputFileError
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.registry import ImportResult, ReadOptions
from bbschedule.formats.xer import read, read_bytes, write
from bbschedule.formats.xer.extras import memo_text

HEAD = "ERMHDR\t8.4\t2024-01-01\tProject\tadmin\tA\tdb\tProject Management\tEUR\n"
PROJECT = (
    "%T\tPROJECT\n%F\tproj_id\tproj_short_name\tclndr_id\tplan_start_date\tlast_recalc_date\tplan_end_date"
    "\tcritical_path_type\tcritical_drtn_hr_cnt\n"
    "%R\t1\tP1\t5\t2024-01-01 08:00\t2024-02-01 08:00\t2025-01-01 17:00\tCT_DrivPath\t8\n"
    "%R\t2\tP2\t5\t2024-01-01 08:00\t\t\t\t\n"
)
CALENDAR = "%T\tCALENDAR\n%F\tclndr_id\tclndr_name\tclndr_type\tclndr_data\n%R\t5\tStd\tCA_Base\t\n"
SCHEDOPTIONS = (
    "%T\tSCHEDOPTIONS\n%F\tproj_id\tsched_retained_logic\tsched_progress_override\tsched_float_type"
    "\tsched_open_critical_flag\n%R\t1\tN\tN\tFT_MIN\tY\n"
)
WBS = (
    "%T\tPROJWBS\n%F\twbs_id\tproj_id\tproj_node_flag\tseq_num\twbs_short_name\twbs_name\tparent_wbs_id\n"
    "%R\t100\t1\tY\t0\tP1\tThe first project\t\n"
    "%R\t101\t1\tN\t1\tA\tArea A\t100\n"
    "%R\t102\t1\tN\t2\tB\tLoop B\t103\n"
    "%R\t103\t1\tN\t3\tC\tLoop C\t102\n"
)
TASK = (
    "%T\tTASK\n%F\ttask_id\tproj_id\twbs_id\tclndr_id\ttask_code\ttask_name\ttask_type\ttarget_drtn_hr_cnt"
    "\tremain_drtn_hr_cnt\tcstr_type\tcstr_date\ttotal_float_hr_cnt\tdriving_path_flag\n"
    "%R\t10\t1\t101\t5\tA10\tFirst\tTT_Task\t8\t8\tCS_MSOA\t2024-01-03 08:00\t0\tY\n"
    "%R\t11\t1\t100\t5\tA11\tSecond\tTT_Mile\t0\t0\tCS_MEO\t\t16.5\tN\n"
    "%R\t11\t1\t100\t5\tA11b\tDuplicate\tTT_Task\t8\t8\t\t\t\t\n"
    "%R\t20\t2\t\t5\tB20\tOther project\tTT_Task\t8\t8\t\t\t\t\n"
)
PRED = "%T\tTASKPRED\n%F\ttask_pred_id\ttask_id\tpred_task_id\tpred_type\tlag_hr_cnt\n%R\t1\t11\t10\tPR_FF\t-2.5\n"
MEMO = (
    "%T\tMEMOTYPE\n%F\tmemo_type_id\tmemo_type\n%R\t7\tComments\n"
    "%T\tTASKMEMO\n%F\tmemo_id\ttask_id\tmemo_type_id\tproj_id\ttask_memo\n"
    '%R\t1\t10\t7\t1\t<html><head><META content=""text/html""></head><body><div>Line &amp; one</div>'
    "\x7f\x7f<div>two</div></body></html>\n"
)


def _read(text: str) -> tuple[ImportResult, dict[str, ProjectData]]:
    result = read_bytes((HEAD + text + "%E\n").encode("cp1252"), path="made.xer", options=ReadOptions())
    return result, {p.project.code: p for p in result.projects}


def test_project_options_wbs_and_tasks() -> None:
    result, found = _read(PROJECT + CALENDAR + SCHEDOPTIONS + WBS + TASK + PRED + MEMO)
    p1, p2 = found["P1"], found["P2"]
    summary = result.report.summary()
    project = p1.project
    assert project.name == "The first project"  # from the root WBS node
    assert project.currency == "EUR"
    assert project.data_date == dt.datetime(2024, 2, 1, 8)
    assert project.must_finish_by == dt.datetime(2025, 1, 1, 17)
    assert project.options.critical_mode is CriticalMode.LONGEST_PATH
    assert project.options.critical_float_threshold == 480
    assert project.options.progress_mode is ProgressMode.ACTUAL_DATES
    assert project.options.float_mode is FloatMode.SMALLEST
    assert project.options.open_ended_critical
    wbs = {w.code: w for w in p1.wbs.values()}
    assert set(wbs) == {"A", "B", "C"}  # the root node is the project itself
    assert wbs["A"].parent_id is None
    assert summary["wbs.cycle"] == 1
    assert summary["task.duplicate"] == 1
    assert summary["constraint.no_date"] == 1
    acts = {a.code: a for a in p1.activities.values()}
    assert set(acts) == {"A10", "A11"}
    assert acts["A10"].wbs_id == wbs["A"].id
    assert acts["A11"].wbs_id is None
    assert acts["A10"].primary_constraint is not None
    assert acts["A10"].primary_constraint.type is ConstraintType.START_ON_OR_AFTER
    assert acts["A10"].notes == "Line & one\ntwo"
    computed = p1.computed
    assert computed[acts["A10"].id].total_float == 0
    assert computed[acts["A10"].id].critical  # longest path: the driving path flag
    assert computed[acts["A11"].id].total_float == 990
    (link,) = p1.relationships.values()
    assert link.lag == -150  # TASKPRED without proj_id: the link follows its successor's project
    assert [a.code for a in p2.activities.values()] == ["B20"]
    assert not p2.relationships


def test_missing_optional_tables_are_tolerated() -> None:
    _, found = _read(PROJECT.replace("\t5\t", "\t\t"))
    p1 = found["P1"]
    assert not p1.activities
    assert p1.project.name == "P1"


def test_notes_survive_our_round_trip(samples_dir: Path, tmp_path: Path) -> None:
    data = read(samples_dir / "xer" / "jaggelas_test.xer", options=ReadOptions()).pick()
    notes = {a.code: a.notes for a in data.activities.values() if a.notes}
    assert len(notes) == 6
    write(data, tmp_path / "out.xer")
    again = read(tmp_path / "out.xer", options=ReadOptions()).pick()
    assert {a.code: a.notes for a in again.activities.values() if a.notes} == notes


def test_memo_text() -> None:
    assert memo_text("<p>a<br>b</p>\x7f\x7f<p>&lt;c&gt;</p>") == "a\nb\n<c>"
    assert memo_text("plain\x7f\x7ftext") == "plain\ntext"


def test_a_baseline_project_becomes_a_baseline() -> None:
    text = (
        "%T\tPROJECT\n%F\tproj_id\tproj_short_name\tclndr_id\tplan_start_date\tlast_recalc_date\tsum_base_proj_id\n"
        "%R\t1\tLIVE\t5\t2024-01-01 08:00\t2024-03-01 08:00\t2\n"
        "%R\t2\tLIVE-BL1\t5\t2024-01-01 08:00\t2024-01-01 08:00\t\n"
        + CALENDAR
        + "%T\tTASK\n%F\ttask_id\tproj_id\tclndr_id\ttask_code\ttask_name\ttask_type\ttarget_drtn_hr_cnt"
        "\tearly_start_date\tearly_end_date\n"
        "%R\t10\t1\t5\tA10\tWork\tTT_Task\t16\t2024-01-10 08:00\t2024-01-11 16:00\n"
        "%R\t20\t2\t5\tA10\tWork\tTT_Task\t8\t2024-01-02 08:00\t2024-01-02 16:00\n"
        "%R\t21\t2\t5\tA99\tGone since\tTT_Task\t8\t2024-01-03 08:00\t2024-01-03 16:00\n"
    )
    result, found = _read(text)
    live, base = found["LIVE"], found["LIVE-BL1"]
    assert len(base.activities) == 2  # the baseline stays a project of its own
    (baseline,) = live.baselines.values()
    assert baseline.name == "LIVE-BL1 (P6 baseline)"
    assert baseline.taken_at == dt.datetime(2024, 1, 1, 8)
    (row,) = baseline.activities
    assert row.activity_id == next(iter(live.activities))
    assert (row.start, row.finish, row.duration) == (dt.datetime(2024, 1, 2, 8), dt.datetime(2024, 1, 2, 16), 480)
    assert result.report.summary()["baseline.from_project"] == 1


def test_bad_links() -> None:
    links = (
        "%T\tTASKPRED\n%F\ttask_pred_id\ttask_id\tpred_task_id\tproj_id\tpred_type\tlag_hr_cnt\n"
        "%R\t1\t10\t10\t1\tPR_FS\t0\n"
        "%R\t2\t10\t999\t1\tPR_FS\t0\n"
        "%R\t3\t10\t20\t1\tPR_FS\t0\n"
        "%R\t4\t11\t10\t1\tPR_SS\t1\n"
        "%R\t5\t11\t10\t1\tPR_SS\t1\n"
        "%R\t6\t11\t10\t1\tPR_SS\t2\n"
    )
    result, found = _read(PROJECT + CALENDAR + TASK + links)
    assert sorted(r.lag for r in found["P1"].relationships.values()) == [60, 120]
    summary = result.report.summary()
    assert summary["relationship.duplicate"] == 1
    assert summary["relationship.self"] == 1
    assert summary["relationship.dangling"] == 1
    assert summary["relationship.external"] == 1
    bad = links.replace("%R\t3\t10\t20\t1\tPR_FS", "%R\t3\t11\t10\t1\tPR_XX")
    line = (HEAD + PROJECT + CALENDAR + TASK + bad).split("\n").index("%R\t3\t11\t10\t1\tPR_XX\t0") + 1
    with pytest.raises(InputFileError) as info:
        _read(PROJECT + CALENDAR + TASK + bad)
    assert info.value.field == "TASKPRED.pred_type"
    assert info.value.line == line
