"""Gantt benchmark: a generated 100k-activity project, scheduled and stored in a local cache, then opened.

Measures (medians, same run): open from the cache to the first painted frame of table + Gantt, and the time
of one synchronous Gantt repaint while scrolling page by page. A baseline in the same run: repainting the
table alone (Qt's own view), so the ratio tells what our chart adds per frame.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gantt.py [-n 100000] [--frames 60]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "desktop"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtWidgets import QApplication, QSplitter

from bbschedule.scheduling.engine import schedule
from bbschedule.services.session import ProjectSession
from bbschedule.storage.cache import LocalCache
from bbschedule.ui import roles
from bbschedule.ui.activity_model import ActivityTreeModel
from bbschedule.ui.activity_view import ActivityView
from bbschedule.ui.gantt.panel import GanttPanel
from generate import generate_project


def _open(cache: LocalCache, project_id: str) -> tuple[QSplitter, ActivityView, GanttPanel, float]:
    start = time.perf_counter()
    data, history = cache.load_project(project_id)
    session = ProjectSession(data, history=history)
    model = ActivityTreeModel(session)
    splitter = QSplitter()
    view = ActivityView(model)
    panel = GanttPanel(view, key_role=roles.OBJECT_ID, report=lambda _: None)
    splitter.addWidget(view)
    splitter.addWidget(panel)
    splitter.resize(1600, 900)
    view.expand_groups()
    panel.set_session(session)
    splitter.show()
    splitter.grab()
    return splitter, view, panel, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--opens", type=int, default=3)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    data = generate_project(args.n, seed=1)
    data.computed = schedule(data).computed()
    with tempfile.TemporaryDirectory() as tmp:
        cache = LocalCache(Path(tmp) / "cache.sqlite3")
        summary = cache.import_project(data)
        opens = []
        for _ in range(args.opens):
            _splitter, view, panel, seconds = _open(cache, summary.id)
            opens.append(seconds)
            app.processEvents()
        gantt: list[float] = []
        table: list[float] = []
        bar = view.verticalScrollBar()
        step = max(bar.pageStep(), 1)
        for frame in range(args.frames):
            bar.setValue((frame * step * 37) % max(bar.maximum(), 1))
            app.processEvents()
            t0 = time.perf_counter()
            panel.chart.body.repaint()
            t1 = time.perf_counter()
            view.viewport().repaint()
            t2 = time.perf_counter()
            gantt.append((t1 - t0) * 1000)
            table.append((t2 - t1) * 1000)
        cache.close()
    rows = len(data.activities) + len(data.wbs)
    print(f"project: {len(data.activities)} activities, {len(data.relationships)} relationships, {rows} rows")
    print(f"open from cache to first paint: median {statistics.median(opens):.2f} s over {len(opens)} opens")
    g, t = statistics.median(gantt), statistics.median(table)
    print(f"Gantt repaint while scrolling: median {g:.2f} ms, p90 {sorted(gantt)[int(len(gantt) * 0.9)]:.2f} ms")
    print(f"table repaint (baseline, same frames): median {t:.2f} ms; Gantt/table ratio {g / t:.2f}")


if __name__ == "__main__":
    main()
