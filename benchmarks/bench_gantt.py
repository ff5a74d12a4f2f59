"""Planning-window benchmark: a generated 100k-activity project in a profile's local cache, opened the way the
window opens it (Workspace -> MainWindow.open_project -> first paint of table and Gantt), then scrolled.

Each open runs in a fresh process (nothing warm but the OS file cache), so opens are independent; with
`--baseline REV` the same opens run, interleaved, on the code of a git revision too (same cache file, same
machine load), and the medians are compared. Measured per open: wall and CPU time from "open" to the first
painted frame (window.grab(): table and Gantt with rows visible), split into load (cache -> session), table
model, Gantt, the rest of the window, and the first paint; and, since the window reads a project's
relationships on a thread after its first frame, the time until the whole project is in memory (every edit
waits for it). Then, in the last open of each code: one synchronous Gantt repaint per page while scrolling,
beside the table's own repaint on the same frames.

    .venv/bin/python benchmarks/bench_gantt.py [-n 100000] [--opens 3] [--frames 60] [--baseline REV]
        [--profile DIR]   (reuse a profile holding the generated project; made once when missing)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _child(profile: Path, frames: int) -> dict[str, Any]:
    """One open in this process (the code on sys.path), as the window does it; times in seconds."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from bbschedule.ui.application import make_application, make_window
    from bbschedule.ui.worker import SynchronousPool

    app = make_application()
    window = make_window(profile=profile, pool=SynchronousPool(), interactive=False)
    window.resize(1600, 900)
    parts: dict[str, list[float]] = {}

    def timed(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                parts[label] = [time.perf_counter() - wall, time.process_time() - cpu]

        setattr(owner, name, wrapper)

    timed(window.workspace, "open_session", "load")
    timed(window.activity_model, "set_session", "table model")
    timed(window.gantt, "set_session", "gantt")
    wall, cpu = time.perf_counter(), time.process_time()
    window.open_largest_project()
    opened_wall, opened_cpu = time.perf_counter() - wall, time.process_time() - cpu
    window.show()
    window.grab()  # the first frame of the whole window, table and Gantt painted
    total_wall, total_cpu = time.perf_counter() - wall, time.process_time() - cpu
    chart = window.gantt.chart
    rows, _slots = chart.visible_slots(chart.body.height())
    assert rows, "the first paint shows rows"
    session = window.session
    assert session is not None
    while getattr(session, "loading", False):  # the rest of the project (relationships) read after the paint
        QApplication.processEvents()
        time.sleep(0.001)
    whole_wall, whole_cpu = time.perf_counter() - wall, time.process_time() - cpu
    known = sum(parts[k][0] for k in parts)
    parts["rest of the window"] = [opened_wall - known, opened_cpu - sum(parts[k][1] for k in parts)]
    parts["first paint"] = [total_wall - opened_wall, total_cpu - opened_cpu]
    result: dict[str, Any] = {"wall": total_wall, "cpu": total_cpu, "parts": parts, "rows": len(rows)}
    result["whole"] = [whole_wall, whole_cpu]
    if frames:
        view, body = window.activity_view, chart.body
        bar = view.verticalScrollBar()
        step = max(bar.pageStep(), 1)
        gantt, table = [], []
        for frame in range(frames):
            bar.setValue((frame * step * 37) % max(bar.maximum(), 1))
            QApplication.processEvents()
            t0 = time.perf_counter()
            body.repaint()
            t1 = time.perf_counter()
            view.viewport().repaint()
            t2 = time.perf_counter()
            gantt.append((t1 - t0) * 1000)
            table.append((t2 - t1) * 1000)
        result["gantt_ms"], result["table_ms"] = gantt, table
    result["activities"], result["relationships"] = len(session.data.activities), len(session.data.relationships)
    result["table_rows"] = window.activity_model.rowCount()
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    window.close()
    app.processEvents()
    return result


def _make_profile(profile: Path, n: int) -> None:
    sys.path[:0] = [str(ROOT / "desktop"), str(ROOT / "benchmarks")]
    from bbschedule.scheduling.engine import schedule
    from bbschedule.storage.cache import LocalCache
    from bbschedule.storage.paths import cache_path
    from generate import generate_project

    data = generate_project(n, seed=1)
    data.computed = schedule(data).computed()
    cache = LocalCache(cache_path(profile))
    cache.import_project(data)
    cache.close()


def _run(src: Path, profile: Path, frames: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(profile), "--src", str(src), "--frames", str(frames)],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    if out.returncode != 0:
        raise SystemExit(f"an open with {src} failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _baseline_tree(rev: str, where: Path) -> Path:
    """The package as it was at `rev`, extracted beside (the work tree is not touched)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "desktop"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive.stdout, check=True)
    return where / "desktop"


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _report(name: str, runs: list[dict[str, Any]]) -> None:
    each = ", ".join(f"{r['wall']:.2f}/{r['cpu']:.2f}" for r in runs)
    wall, cpu = _median([r["wall"] for r in runs]), _median([r["cpu"] for r in runs])
    print(f"{name}: open -> first paint median {wall:.2f} s wall, {cpu:.2f} s CPU over {len(runs)} opens "
          f"(wall/CPU each: {each})")  # fmt: skip
    for part in runs[0]["parts"]:
        wall = _median([r["parts"][part][0] for r in runs])
        cpu = _median([r["parts"][part][1] for r in runs])
        print(f"    {part:<20} {wall:6.2f} s wall {cpu:6.2f} s CPU")
    whole_wall, whole_cpu = _median([r["whole"][0] for r in runs]), _median([r["whole"][1] for r in runs])
    print(f"    open -> whole project in memory (relationships read after the paint): {whole_wall:.2f} s wall, "
          f"{whole_cpu:.2f} s CPU")  # fmt: skip
    last = runs[-1]
    print(f"    peak memory of the process with the project open: {_median([r['peak_rss_mb'] for r in runs]):.0f} MB")
    if "gantt_ms" in last:
        g, t = _median(last["gantt_ms"]), _median(last["table_ms"])
        p90 = sorted(last["gantt_ms"])[int(len(last["gantt_ms"]) * 0.9)]
        print(f"    Gantt repaint while scrolling: median {g:.2f} ms, p90 {p90:.2f} ms; table repaint on the same "
              f"frames {t:.2f} ms (Gantt/table {g / t:.2f})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--opens", type=int, default=3)
    parser.add_argument("--baseline", help="a git revision to measure beside the work tree, interleaved")
    parser.add_argument("--profile", type=Path, help="a profile folder holding the generated project (kept)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--src", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        sys.path.insert(0, str(args.src))
        print(json.dumps(_child(args.child, args.frames)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        profile = args.profile or Path(tmp) / "profile"
        if not (profile / "cache.sqlite3").exists():
            print(f"generating and importing {args.n} activities into {profile} ...", flush=True)
            _make_profile(profile, args.n)
        codes = {"work tree": ROOT / "desktop"}
        if args.baseline:
            codes = {f"baseline {args.baseline}": _baseline_tree(args.baseline, Path(tmp)), **codes}
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in codes}
        print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores shared; wall times above CPU mean waiting)")
        for i in range(args.opens):
            for name, src in codes.items():
                last = i == args.opens - 1
                runs[name].append(_run(src, profile, args.frames if last else 0))
        first = runs["work tree"][0]
        print(f"project: {first['activities']} activities, {first['relationships']} relationships, "
              f"{first['table_rows']} table rows; load average after: {os.getloadavg()[0]:.2f}")  # fmt: skip
        for name, results in runs.items():
            _report(name, results)
        if args.baseline:
            base, new = (runs[name] for name in codes)
            wall = _median([r["wall"] for r in new]) / _median([r["wall"] for r in base])
            cpu = _median([r["cpu"] for r in new]) / _median([r["cpu"] for r in base])
            print(f"ratio work tree / baseline (medians): wall {wall:.2f}, CPU {cpu:.2f}")


if __name__ == "__main__":
    main()
