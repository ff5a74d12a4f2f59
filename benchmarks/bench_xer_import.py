"""XER import benchmark: a generated 100k-activity / 150k-link project written by our XER writer, then read
by our reader (median of several runs) and by MPXJ in the same run (PrimaveraXERFileReader and
UniversalProjectReader through JPype), with the ratio. Target (DESIGN.md section 9): <= 3 s and faster than MPXJ.

    .venv/bin/python benchmarks/bench_xer_import.py [--activities 100000] [--runs 5] [--mpxj-runs 3] [--no-mpxj]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "desktop"), str(ROOT)]

from benchmarks.generate import generate_project  # noqa: E402

from bbschedule.formats.registry import ReadOptions  # noqa: E402
from bbschedule.formats.xer import read, write  # noqa: E402


def _times(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    """Wall-clock seconds per run (the result is the last run's counts); CPU seconds go into CPU_TIMES."""
    out, result = [], None
    cpu = []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        out.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        result = _summary(result)
    CPU_TIMES.append(statistics.median(cpu))
    return out, result


CPU_TIMES: list[float] = []
"""Median process CPU seconds of each _times call, in call order (the machine is shared: wall time varies)."""


def _summary(result: Any) -> Any:
    """Keep counts only, so the previous run's objects are freed before the next one."""
    if hasattr(result, "projects"):
        data = result.projects[0]
        return (len(data.activities), len(data.relationships))
    if result is not None and hasattr(result, "getTasks"):
        return (int(result.getTasks().size()), int(result.getRelations().size()))
    return result


def _mpxj(path: Path, runs: int) -> dict[str, tuple[list[float], Any]]:
    import jpype
    import mpxj  # noqa: F401  (puts MPXJ's jars on the class path)

    if not jpype.isJVMStarted():
        jpype.startJVM(convertStrings=False)
    from org.mpxj.primavera import PrimaveraXERFileReader
    from org.mpxj.reader import UniversalProjectReader

    return {
        "MPXJ PrimaveraXERFileReader": _times(lambda: PrimaveraXERFileReader().read(str(path)), runs),
        "MPXJ UniversalProjectReader": _times(lambda: UniversalProjectReader().read(str(path)), runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mpxj-runs", type=int, default=3)
    parser.add_argument("--no-mpxj", action="store_true")
    parser.add_argument("--keep", type=Path, help="also copy the generated XER here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.xer"
        start = time.perf_counter()
        data = generate_project(args.activities)
        generated = time.perf_counter() - start
        start = time.perf_counter()
        write(data, path)
        written = time.perf_counter() - start
        print(f"generated {len(data.activities)} activities / {len(data.relationships)} links in {generated:.2f} s")
        print(f"wrote {path.stat().st_size / 1e6:.1f} MB XER in {written:.2f} s")
        del data
        if args.keep:
            args.keep.write_bytes(path.read_bytes())

        ours, counts = _times(lambda: read(path, options=ReadOptions()), args.runs)
        ours_median = statistics.median(ours)
        print(f"ours: median {ours_median:.2f} s over {len(ours)} runs {[round(t, 2) for t in ours]} -> {counts}")
        print(f"      CPU median {CPU_TIMES[0]:.2f} s (os.getloadavg: {[round(x, 1) for x in os.getloadavg()]})")
        print(f"      target <= 3 s: {'met' if ours_median <= 3 else 'NOT met'}")
        if args.no_mpxj:
            return
        for offset, (name, (times, peer_counts)) in enumerate(_mpxj(path, args.mpxj_runs).items(), start=1):
            median = statistics.median(times)
            print(
                f"{name}: median {median:.2f} s {[round(t, 2) for t in times]} -> {peer_counts}; "
                f"ratio MPXJ/ours = {median / ours_median:.2f}; CPU median {CPU_TIMES[offset]:.2f} s (all JVM threads)"
            )


if __name__ == "__main__":
    main()
