"""Times the local cache's hot paths on a generated project: import, load (open; and the window's open, whose
relationships come after its first frame), one edit, delete.

    .venv/bin/python benchmarks/bench_cache.py [-n 100000] [--repeat 5]

Prints medians; the targets are DESIGN.md section 9's (import a few seconds, load well under 1.5 s).
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

from bbschedule.core.commands import SetActivityField  # noqa: E402
from bbschedule.core.history import UndoHistory  # noqa: E402
from bbschedule.core.project_data import ProjectData  # noqa: E402
from bbschedule.services.session import ProjectSession  # noqa: E402
from bbschedule.storage.cache import LocalCache  # noqa: E402


def _median(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}, n={len(times)})"


CPU: dict[str, list[float]] = {}


def _timed(fn: Callable[[], object], name: str = "") -> float:
    """Wall time; the process's CPU time goes to CPU[name] (the machine is shared, so wall time is noisy)."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    CPU.setdefault(name, []).append(time.process_time() - cpu)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    data = generate_project(args.n, seed=1)
    print(f"project: {len(data.activities)} activities, {len(data.relationships)} relationships, "
          f"{len(data.calendars)} calendars, {len(data.wbs)} WBS nodes")  # fmt: skip
    imports, loads, edits, deletes = [], [], [], []
    firsts: list[float] = []
    rests: list[float] = []
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores; above ~1 the wall times are inflated)")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            cache = LocalCache(Path(tmp) / f"cache{i}.sqlite3")
            imports.append(_timed(lambda c=cache: c.import_project(data), "import"))
            cache.close()
            cache = LocalCache(Path(tmp) / f"cache{i}.sqlite3")  # a fresh open, as the application does
            box: list[tuple[ProjectData, UndoHistory]] = []
            loads.append(_timed(lambda c=cache, b=box: b.append(c.load_project(data.project.id)), "load"))
            loaded, history = box[0]
            assert len(loaded.activities) == len(data.activities)
            # The window's open: everything but the relationships, which a thread reads after the first frame.
            later_box: list[Any] = []
            firsts.append(_timed(lambda c=cache, b=later_box: b.append(c.load_project_later(data.project.id)), "first"))
            pending = later_box[0][2]
            if pending is not None:
                pending.start()
                rests.append(_timed(pending.result, "rest (relationships, on a thread)"))
            session = ProjectSession(loaded, store=cache.store_for(data.project.id), history=history)
            first = next(iter(loaded.activities))
            edits.append(_timed(lambda s=session, a=first: s.apply(SetActivityField(a, "name", "Renamed")), "edit"))
            deletes.append(_timed(lambda c=cache: c.delete_project(data.project.id), "delete"))
            cache.close()
    size = args.n
    print(f"import {size} activities: {_median(imports)}")
    print(f"load   {size} activities: {_median(loads)}")
    print(f"load for the window's first frame (no relationships): {_median(firsts)}")
    if rests:
        print(f"relationships read after it (thread): {_median(rests)}")
    print(f"one edit (rows + outbox + history): {_median(edits)}")
    print(f"delete project: {_median(deletes)}")
    for name, times in CPU.items():
        print(f"CPU time of {name}: median {statistics.median(times):.3f} s")
    print(f"ratio load/import: {statistics.median(loads) / statistics.median(imports):.2f}")


if __name__ == "__main__":
    main()
