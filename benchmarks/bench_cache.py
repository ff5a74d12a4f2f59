"""Times the local cache's hot paths on a generated project: import, load (open), one edit, delete.

    .venv/bin/python benchmarks/bench_cache.py [-n 100000] [--repeat 5]

Prints medians; the targets are DESIGN.md section 9's (import a few seconds, load well under 1.5 s).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "desktop"), str(ROOT)]

from benchmarks.generate import generate_project  # noqa: E402

from bbschedule.core.commands import SetActivityField  # noqa: E402
from bbschedule.services.session import ProjectSession  # noqa: E402
from bbschedule.storage.cache import LocalCache  # noqa: E402


def _median(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}, n={len(times)})"


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
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
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            cache = LocalCache(Path(tmp) / f"cache{i}.sqlite3")
            imports.append(_timed(lambda c=cache: c.import_project(data)))
            cache.close()
            cache = LocalCache(Path(tmp) / f"cache{i}.sqlite3")  # a fresh open, as the application does
            start = time.perf_counter()
            loaded, history = cache.load_project(data.project.id)
            loads.append(time.perf_counter() - start)
            assert len(loaded.activities) == len(data.activities)
            session = ProjectSession(loaded, store=cache.store_for(data.project.id), history=history)
            first = next(iter(loaded.activities))
            edits.append(_timed(lambda s=session, a=first: s.apply(SetActivityField(a, "name", "Renamed"))))
            deletes.append(_timed(lambda c=cache: c.delete_project(data.project.id)))
            cache.close()
    size = args.n
    print(f"import {size} activities: {_median(imports)}")
    print(f"load   {size} activities: {_median(loads)}")
    print(f"one edit (rows + outbox + history): {_median(edits)}")
    print(f"delete project: {_median(deletes)}")
    print(f"ratio load/import: {statistics.median(loads) / statistics.median(imports):.2f}")


if __name__ == "__main__":
    main()
