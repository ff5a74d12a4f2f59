"""Oracle: our multiple float paths against the ones P6 23.12 stored in jaggelas_test.xer, activity by activity.

P6 computed them with the options in the file's SCHEDOPTIONS row (read here, not assumed): multiple float
paths on, ending with the activity whose task_id is key_activity_for_multiple_longest_paths (M1320), by free
float (use_total_float_multiple_longest_paths = N), 30 paths (max_multiple_longest_path). Its results are
TASK.float_path / float_path_order, and TASKPRED.float_path marks the relationships that join a path's
activities. Our reader keeps none of these (they are results, like floats), so this test reads the two
tables itself. Measured when this was written: 150/150 activities on the same path at the same place, 30/30
paths, every joining relationship the one P6 marked.
"""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import jsonschema
import pytest

from bbschedule.cli import EXIT_BAD_INPUT, EXIT_OK, main
from bbschedule.core.errors import ValidationError
from bbschedule.formats.registry import read_file
from bbschedule.scheduling.engine import schedule
from bbschedule.scheduling.float_paths import FloatPathBasis, FloatPathOptions, float_paths
from bbschedule.services.scheduling import float_path_options
from bbschedule.services.scheduling import float_paths as service_float_paths

TARGET = 1.0
SCHEMA = Path(__file__).resolve().parents[4] / "shared" / "contracts" / "schedule-result.schema.json"


def xer_tables(path: Path, names: set[str]) -> dict[str, list[dict[str, str]]]:
    """The rows of the named XER tables as dicts (a small reader for columns our import leaves out)."""
    tables: dict[str, list[dict[str, str]]] = {name: [] for name in names}
    table: str | None = None
    fields: list[str] = []
    for line in path.read_text(encoding="cp1252").splitlines():
        cells = line.split("\t")
        if cells[0] == "%T":
            table = cells[1]
        elif cells[0] == "%F":
            fields = cells[1:]
        elif cells[0] == "%R" and table in tables:
            tables[table].append(dict(zip(fields, cells[1:], strict=False)))
    return tables


@pytest.fixture(scope="module")
def jaggelas(samples_dir: Path) -> dict[str, list[dict[str, str]]]:
    return xer_tables(samples_dir / "xer" / "jaggelas_test.xer", {"PROJECT", "SCHEDOPTIONS", "TASK", "TASKPRED"})


def test_p6_float_paths_match(samples_dir: Path, jaggelas: dict[str, list[dict[str, str]]]) -> None:
    data = read_file(samples_dir / "xer" / "jaggelas_test.xer").pick()
    proj_id = next(p["proj_id"] for p in jaggelas["PROJECT"] if p["proj_short_name"] == data.project.code)
    options_row = next(o for o in jaggelas["SCHEDOPTIONS"] if o["proj_id"] == proj_id)
    assert options_row["enable_multiple_longest_path_calc"] == "Y"
    tasks = [t for t in jaggelas["TASK"] if t["proj_id"] == proj_id]
    code_of = {t["task_id"]: t["task_code"] for t in tasks}
    end = data.activity_by_code(code_of[options_row["key_activity_for_multiple_longest_paths"]])
    assert end is not None
    by_total = options_row["use_total_float_multiple_longest_paths"] == "Y"
    options = FloatPathOptions(
        count=int(options_row["max_multiple_longest_path"]),
        end_activity_id=end.id,
        basis=FloatPathBasis.TOTAL_FLOAT if by_total else FloatPathBasis.FREE_FLOAT,
    )
    p6 = {t["task_code"]: (int(t["float_path"]), int(t["float_path_order"])) for t in tasks if t["float_path"]}

    found = float_paths(schedule(data), options)
    ours = {data.activities[a_id].code: place for a_id, place in found.numbers().items()}

    matched = sum(ours.get(code) == place for code, place in p6.items())
    extra = sorted(set(ours) - set(p6))
    mismatched = [(code, place, ours.get(code)) for code, place in sorted(p6.items()) if ours.get(code) != place]
    share = matched / len(p6)
    print(
        f"\njaggelas float paths ({options.basis.value}, {options.count} paths ending at {end.code}): "
        f"{matched}/{len(p6)} activities on P6's path at P6's place ({100 * share:.2f} %), "
        f"{len(found.paths)} paths; not on P6's paths: {extra}; differ (code, P6, ours): {mismatched[:10]}"
    )
    assert len(p6) > 100
    assert options.count == 30
    assert len(found.paths) == options.count
    assert extra == []
    assert share >= TARGET
    assert ours[end.code] == (1, max(order for path, order in p6.values() if path == 1))

    # The relationships P6 marks with a path number join that path's consecutive activities.
    marked: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for rel in jaggelas["TASKPRED"]:
        if rel["float_path"] and rel["task_id"] in code_of:
            marked[int(rel["float_path"])].add((code_of[rel["pred_task_id"]], code_of[rel["task_id"]]))
    for number in range(1, len(found.paths) + 1):
        codes = [data.activities[a_id].code for a_id in found.path_ids(number)]
        assert set(pairwise(codes)) == marked[number], number


@pytest.mark.parametrize("basis", list(FloatPathBasis))
def test_paths_to_the_project_finish_of_sp10_follow_p6_longest_path(samples_dir: Path, basis: FloatPathBasis) -> None:
    """SP10 (P6 8.1) carries no float paths, but its longest-path flags: by free float, path 1 to the
    project's finish is a chain of driving links, so it lies on P6's longest path (here it is all of it).
    By either float, every path is a chain of real links, and every path after the first joins an earlier
    one (or, open-ended, the project's finish)."""
    data = read_file(samples_dir / "xer" / "pyp6xer_SP10_COST_LOADED.xer").pick()
    result = schedule(data)
    found = float_paths(result, FloatPathOptions(count=25, basis=basis))
    p6_longest = {a_id for a_id, c in data.computed.items() if c.longest_path}
    links = {(r.predecessor_id, r.successor_id) for r in data.relationships.values()}
    first = found.path_ids(1)
    if basis is FloatPathBasis.FREE_FLOAT:
        assert set(first) == p6_longest  # SP10's longest path is a single chain of 9 activities
        assert result.dates_of(first[-1]).early_finish == result.finish
    else:  # the open end with the least total float (constraints give SP10 negative float)
        has_successor = {p for p, _ in links}
        floats = [result.dates_of(a).total_float for a in data.activities if a not in has_successor]
        assert result.dates_of(first[-1]).total_float == min(f for f in floats if f is not None)
    seen: set[str] = set()
    for number in range(1, len(found.paths) + 1):
        ids = found.path_ids(number)
        assert not seen & set(ids)
        assert all(pair in links for pair in pairwise(ids))
        if number > 1:
            # A branch ends where a link joins an earlier path, or (open end) at the project's finish.
            assert any((ids[-1], other) in links for other in seen) or not any(p == ids[-1] for p, _ in links)
        seen |= set(ids)
    assert len(found.paths) == 25


def test_schedule_command_writes_the_paths_p6_stored(
    samples_dir: Path, tmp_path: Path, jaggelas: dict[str, list[dict[str, str]]]
) -> None:
    """`schedule FILE --float-paths 30 --float-path-end M1320`: the contract's JSON (it allows extra fields)
    with float_path and float_path_order on every activity, null off the paths, P6's numbers on them."""
    if not SCHEMA.exists():
        pytest.skip(f"no schema at {SCHEMA}")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    out = tmp_path / "result.json"
    source = str(samples_dir / "xer" / "jaggelas_test.xer")
    args = ["schedule", source, "--float-paths", "30", "--float-path-end", "M1320", "--json", str(out)]
    assert main(args) == EXIT_OK
    doc = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    assert doc["float_paths"] == {"by": "free_float", "ending_activity": "M1320", "requested": 30, "found": 30}
    p6 = {
        t["task_code"]: (int(t["float_path"]), int(t["float_path_order"])) for t in jaggelas["TASK"] if t["float_path"]
    }
    ours = {a["source_id"]: (a["float_path"], a["float_path_order"]) for a in doc["activities"] if a["float_path"]}
    assert ours == p6
    assert all("float_path" in a and "float_path_order" in a for a in doc["activities"])

    # Not asked: the project's own settings (P6's Schedule Options in the XER: on, 30 paths, free float, M1320).
    assert main(["schedule", source, "--json", str(out)]) == EXIT_OK
    own = json.loads(out.read_text(encoding="utf-8"))
    assert own["float_paths"] == doc["float_paths"]
    assert {
        a["source_id"]: (a["float_path"], a["float_path_order"]) for a in own["activities"] if a["float_path"]
    } == p6
    sp10 = str(samples_dir / "xer" / "pyp6xer_SP10_COST_LOADED.xer")  # its settings are off: no such fields
    assert main(["schedule", sp10, "--json", str(out)]) == EXIT_OK
    assert not any("float_path" in a for a in json.loads(out.read_text(encoding="utf-8"))["activities"])
    assert main(["schedule", source, "--float-path-end", "NO-SUCH", "--json", str(out)]) == EXIT_BAD_INPUT
    assert main(["schedule", source, "--float-paths", "0", "--json", str(out)]) == EXIT_BAD_INPUT


def test_service_gives_p6_paths_by_activity_id(samples_dir: Path, jaggelas: dict[str, list[dict[str, str]]]) -> None:
    data = read_file(samples_dir / "xer" / "jaggelas_test.xer").pick()
    numbers = service_float_paths(data, options=float_path_options(data, count=30, end_code="M1320"))
    p6 = {
        t["task_code"]: (int(t["float_path"]), int(t["float_path_order"])) for t in jaggelas["TASK"] if t["float_path"]
    }
    assert {data.activities[a_id].code: place for a_id, place in numbers.items()} == p6
    with pytest.raises(ValidationError, match="NO-SUCH"):
        float_path_options(data, end_code="NO-SUCH")
