"""CPM benchmark: full schedule, incremental reschedule after one duration edit, peak memory, and MPXJ's
PrimaveraScheduler on the same generated project in the same run.

    .venv/bin/python benchmarks/bench_cpm.py [--sizes 100000 150000] [--repeat 5] [--no-mpxj]

Medians are wall-clock (time.perf_counter) with the CPU time beside them: the machine is shared.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "desktop"), str(Path(__file__).resolve().parents[1])]

from benchmarks.generate import generate_project  # noqa: E402

from bbschedule.core.enums import ConstraintType  # noqa: E402
from bbschedule.core.project_data import ProjectData  # noqa: E402
from bbschedule.scheduling.engine import Scheduler, schedule  # noqa: E402


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `repeat` calls."""
    walls, cpus = [], []
    for _ in range(repeat):
        gc.collect()
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def incremental(data: ProjectData, *, edits: int, seed: int) -> tuple[float, float]:
    scheduler = Scheduler(data)
    scheduler.run()
    rng = random.Random(seed)
    candidates = [a for a in data.activities.values() if a.original_duration > 0 and a.actual_start is None]
    walls, cpus = [], []
    for _ in range(edits):
        activity = rng.choice(candidates)
        changed = dataclasses.replace(activity, original_duration=activity.original_duration + 480 * rng.randint(1, 5))
        data = dataclasses.replace(data, activities={**data.activities, activity.id: changed})
        w, c = time.perf_counter(), time.process_time()
        scheduler.update(data, [activity.id], only_these=True)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def without_alap(data: ProjectData) -> ProjectData:
    activities = {
        a_id: dataclasses.replace(a, primary_constraint=None)
        if a.primary_constraint is not None and a.primary_constraint.type is ConstraintType.AS_LATE_AS_POSSIBLE
        else a
        for a_id, a in data.activities.items()
    }
    return dataclasses.replace(data, activities=activities)


def mpxj_schedule(data: ProjectData, repeat: int) -> tuple[float, float] | None:
    """Write the project as XER with our writer, read it with MPXJ and time PrimaveraScheduler.schedule."""
    try:
        import jpype
        import mpxj  # noqa: F401  (puts MPXJ's jars on the class path)
    except ImportError:
        return None
    from bbschedule.formats.registry import write_file

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.xer"
        write_file(data, path)
        if not jpype.isJVMStarted():
            jpype.startJVM("-Xmx2g", convertStrings=False)
        from java.time import LocalDateTime
        from org.mpxj.cpm import PrimaveraScheduler
        from org.mpxj.reader import UniversalProjectReader

        start = data.project.effective_data_date
        when = LocalDateTime.of(start.year, start.month, start.day, start.hour, start.minute)
        w0 = time.perf_counter()
        project = UniversalProjectReader().read(str(path))
        read_s = time.perf_counter() - w0
        walls = []
        for _ in range(repeat):
            w = time.perf_counter()
            PrimaveraScheduler().schedule(project, when)
            walls.append(time.perf_counter() - w)
        return statistics.median(walls), read_s


def memory(n: int) -> tuple[float, float]:
    """(peak MB that schedule() allocates, process max RSS MB with the project loaded and scheduled)."""
    data = generate_project(n, seed=1)
    gc.collect()
    tracemalloc.start()
    result = schedule(data)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result.computed()  # what the session keeps: one ComputedDates per activity
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return peak / 2**20, rss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 150_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--no-mpxj", action="store_true")
    parser.add_argument("--mpxj-sizes", type=int, nargs="*", default=[5_000, 20_000])
    args = parser.parse_args()
    if args.sizes:
        peak, rss = memory(args.sizes[0])
        print(f"memory, {args.sizes[0]} activities: schedule() allocates {peak:.0f} MB at peak (tracemalloc); ", end="")
        print(f"process max RSS with the project, its schedule and the computed dates {rss:.0f} MB")
    for n in args.sizes:
        data = generate_project(n, seed=1)
        links = len(data.relationships)
        scheduler = Scheduler(data)
        passes = timed(scheduler.run, args.repeat)
        full = timed(lambda d=data: schedule(d), args.repeat)  # type: ignore[misc]
        inc = incremental(data, edits=args.edits, seed=2)
        print(f"n={n} activities, {links} links")
        print(f"  passes only (elapsed_ms)   median {passes[0] * 1000:7.0f} ms wall, {passes[1] * 1000:7.0f} ms CPU")
        print(f"  full schedule(data)        median {full[0] * 1000:7.0f} ms wall, {full[1] * 1000:7.0f} ms CPU")
        print(f"  incremental, one edit      median {inc[0] * 1000:7.1f} ms wall, {inc[1] * 1000:7.1f} ms CPU")
        del scheduler, data
        gc.collect()
    if args.no_mpxj:
        return
    # MPXJ's PrimaveraScheduler fails (a year-1e9 date in its backward pass) on our as-late-as-possible
    # activities, so the same-run comparison uses the projects without that one constraint, for both engines.
    peers = []
    for n in args.mpxj_sizes:
        data = without_alap(generate_project(n, seed=1))
        peers.append((n, data, timed(lambda d=data: schedule(d), args.repeat)[0]))  # type: ignore[misc]
    for n, data, ours in peers:  # the JVM starts only now: it weighs on nothing above
        try:
            peer = mpxj_schedule(data, 1 if n > 20_000 else args.repeat)
        except Exception as exc:
            print(f"n={n}: MPXJ PrimaveraScheduler failed: {str(exc).splitlines()[0][:160]}")
            continue
        if peer is None:
            print("MPXJ: not available")
            return
        print(f"n={n} (no ALAP): MPXJ PrimaveraScheduler median {peer[0] * 1000:.0f} ms wall ", end="")
        print(
            f"(XER read {peer[1]:.1f} s); ours, full, same run {ours * 1000:.0f} ms; ours/MPXJ = {ours / peer[0]:.3f}"
        )


if __name__ == "__main__":
    main()
