"""CPM benchmark: full schedule, incremental reschedule after one duration edit, peak memory, and MPXJ's
PrimaveraScheduler on the same generated project in the same run.

    .venv/bin/python benchmarks/bench_cpm.py [--sizes 100000 150000] [--repeat 5] [--no-mpxj] [--against REV]
        [--float-paths N]

Medians are wall-clock (time.perf_counter) with the CPU time beside them: the machine is shared.
`--float-paths N` also times N multiple float paths (scheduling/float_paths.py) on each scheduled project,
ending at the project's finish and at an activity in the middle of it, each on a fresh run's result.
`--against REV` also times the scheduling package as it was at git revision REV, in the same process and
alternating with today's, so that both see the same load.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib
import io
import random
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "desktop"), str(ROOT)]

from benchmarks.generate import generate_project  # noqa: E402

from bbschedule.core.enums import ConstraintType  # noqa: E402
from bbschedule.core.project_data import ProjectData  # noqa: E402
from bbschedule.scheduling.engine import Scheduler, schedule  # noqa: E402
from bbschedule.scheduling.float_paths import FloatPathBasis, FloatPathOptions, float_paths  # noqa: E402


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


def engine_at(rev: str) -> Callable[[ProjectData], object]:
    """schedule() of the scheduling package at git revision `rev`, imported as the package `sched_at_rev`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "desktop/bbschedule/scheduling"], capture_output=True, check=True
    ).stdout
    tmp = Path(tempfile.mkdtemp(prefix="bench_cpm_"))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tmp, filter="data")
    package = tmp / "sched_at_rev"
    package.mkdir()
    for source in (tmp / "desktop" / "bbschedule" / "scheduling").glob("*.py"):
        (package / source.name).write_text(source.read_text().replace("bbschedule.scheduling", "sched_at_rev"))
    sys.path.insert(0, str(tmp))
    schedule_at: Callable[[ProjectData], object] = importlib.import_module("sched_at_rev.engine").schedule
    return schedule_at


def against(data: ProjectData, old: Callable[[ProjectData], object], repeat: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds of today's schedule() and the old one, called in turn."""
    runs: dict[str, tuple[list[float], list[float]]] = {"now": ([], []), "old": ([], [])}
    for _ in range(repeat):
        for name, fn in (("old", old), ("now", schedule)):
            gc.collect()
            w, c = time.perf_counter(), time.process_time()
            fn(data)
            runs[name][0].append(time.perf_counter() - w)
            runs[name][1].append(time.process_time() - c)
    return {name: (statistics.median(w), statistics.median(c)) for name, (w, c) in runs.items()}


def float_path_times(data: ProjectData, *, count: int, repeat: int) -> None:
    """Median wall/CPU of `count` float paths on a fresh result (activity codes not yet made), by free and total
    float, ending at the project's finish and at the activity with the median early finish."""
    result = schedule(data)
    live = sorted((f, a) for a, f in zip(result.net.ids, result.dates.ef[: result.net.n_pass], strict=False))
    middle = live[len(live) // 2][1]
    for end, label in ((None, "project finish"), (middle, "a mid-project activity")):
        for basis in FloatPathBasis:
            options = FloatPathOptions(count=count, end_activity_id=end, basis=basis)
            walls, cpus, sizes = [], [], []
            for _ in range(repeat):
                result = schedule(data)
                gc.collect()
                w, c = time.perf_counter(), time.process_time()
                found = float_paths(result, options)
                walls.append(time.perf_counter() - w)
                cpus.append(time.process_time() - c)
                sizes.append(sum(map(len, found.paths)))
            print(
                f"  {count} float paths to {label}, {basis.value}: median {statistics.median(walls) * 1000:.1f} ms "
                f"wall, {statistics.median(cpus) * 1000:.1f} ms CPU ({len(found.paths)} paths, {sizes[-1]} activities)"
            )


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
    parser.add_argument("--against", metavar="REV", help="also time the scheduler of this git revision")
    parser.add_argument("--float-paths", type=int, metavar="N", help="also time N multiple float paths")
    args = parser.parse_args()
    old = engine_at(args.against) if args.against else None
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
        if args.float_paths:
            float_path_times(data, count=args.float_paths, repeat=args.repeat)
        if old is not None:
            both = against(data, old, args.repeat)
            (now_w, now_c), (old_w, old_c) = both["now"], both["old"]
            print(
                f"  full schedule(data), same run: now {now_w * 1000:.0f} ms wall / {now_c * 1000:.0f} ms CPU, ", end=""
            )
            print(f"at {args.against} {old_w * 1000:.0f} ms wall / {old_c * 1000:.0f} ms CPU; ", end="")
            print(f"now/old = {now_w / old_w:.2f} wall, {now_c / old_c:.2f} CPU")
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
