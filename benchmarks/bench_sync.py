"""Times sync against a real PostgreSQL started here (initdb/pg_ctl in a temporary folder, loopback, SCRAM):
the first sync of a generated project (push of every row, then the pull back), a second planner's first sync
(pull only), and the round trip of one edit (planner A pushes, planner B pulls it).

    .venv/bin/python benchmarks/bench_sync.py [-n 100000] [--repeat 3] [--edits 20] [--breakdown]

--breakdown loads pg_stat_statements and prints the server's time per statement for the first sync (nested
statements too, so a function's statements also count in the function's own line; it slows the server a little).

Targets (DESIGN.md section 9): first sync ≤ 20 s, one edit round trip ≤ 200 ms. Medians are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "desktop"), str(ROOT)]

import psycopg  # noqa: E402
from benchmarks.generate import generate_project  # noqa: E402
from tests.integration.sync.pgcluster import PgCluster, find_bindir  # noqa: E402

from bbschedule.core.commands import SetActivityField  # noqa: E402
from bbschedule.services.session import ProjectSession  # noqa: E402
from bbschedule.storage.cache import LocalCache  # noqa: E402
from bbschedule.sync import admin  # noqa: E402
from bbschedule.sync.client import sync_all, sync_connection  # noqa: E402


def server_cpu(cluster: PgCluster) -> float:
    """CPU seconds used by the whole PostgreSQL cluster so far (postmaster, live children, reaped children):
    on a shared machine wall time is noisy, CPU time much less so."""
    tick = os.sysconf("SC_CLK_TCK")
    master = int((cluster.datadir / "postmaster.pid").read_text().split()[0])
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == master:
            total += sum(int(x) for x in fields[11:15]) / tick  # utime stime cutime cstime
        elif ppid == master:
            total += sum(int(x) for x in fields[11:13]) / tick
    return total


def _breakdown(cluster: PgCluster, dbname: str) -> None:
    """The server's time by statement (nested ones too: a statement inside a function counts in both)."""
    with cluster.admin(dbname) as conn:
        rows = conn.execute(
            "SELECT total_exec_time / 1000, calls, left(regexp_replace(query, '\\s+', ' ', 'g'), 90)"
            " FROM pg_stat_statements WHERE query NOT LIKE '%%pg_stat_statements%%'"
            " ORDER BY total_exec_time DESC LIMIT 16"
        ).fetchall()
    for seconds, calls, query in rows:
        print(f"    server {seconds:6.2f} s {calls:4d}x  {query}")


def _stats(name: str, times: list[float], target: float) -> None:
    median = statistics.median(times)
    verdict = "ok" if median <= target else "OVER TARGET"
    print(f"{name:<38} median {median * 1000:9.1f} ms  (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f},"
          f" n={len(times)})  target {target * 1000:.0f} ms: {verdict}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="cProfile the second planner's first sync (client)")
    parser.add_argument(
        "--breakdown", action="store_true", help="print where the server spent a first sync (pg_stat_statements)"
    )
    args = parser.parse_args()
    bindir = find_bindir()
    if bindir is None:
        sys.exit("no PostgreSQL server binaries (initdb, pg_ctl) on PATH or under /usr/lib/postgresql")
    data = generate_project(args.n, seed=1)
    print(f"project: {len(data.activities)} activities, {len(data.relationships)} relationships, "
          f"{len(data.calendars)} calendars; load average {os.getloadavg()[0]:.2f} (2 cores)")  # fmt: skip
    # Sized as a central server would be (PostgreSQL's defaults suit a laptop): a first sync of 250k rows
    # should not checkpoint halfway or churn a 128 MB buffer pool.
    settings = {"shared_buffers": "'1GB'", "max_wal_size": "'8GB'"}
    if args.breakdown:
        settings |= {"shared_preload_libraries": "'pg_stat_statements'", "pg_stat_statements.track": "'all'"}
    cluster = PgCluster.create(bindir, settings=settings)
    first, second, push_edit, pull_edit, round_trip = [], [], [], [], []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(args.repeat):
                dbname = cluster.create_database("bench")
                admin_dsn = cluster.admin_dsn(dbname)
                admin.init_server(admin_dsn)
                for name in (f"alice{i}", f"bob{i}"):
                    admin.add_user(admin_dsn, name=name, password="bench-password")
                alice = LocalCache(Path(tmp) / f"alice{i}.sqlite3")
                bob = LocalCache(Path(tmp) / f"bob{i}.sqlite3")
                alice.import_project(data)
                if args.breakdown:
                    with cluster.admin(dbname) as conn:
                        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
                        conn.execute("SELECT pg_stat_statements_reset()")
                start, cpu, server = time.perf_counter(), time.process_time(), server_cpu(cluster)
                summary = sync_all(alice, server=cluster.dsn(f"alice{i}", "bench-password", dbname),
                                   user=f"alice{i}", password=None)  # fmt: skip
                first.append(time.perf_counter() - start)
                print(f"  first sync {i}: {first[-1]:.2f} s wall, client CPU {time.process_time() - cpu:.2f} s,"
                      f" server CPU {server_cpu(cluster) - server:.2f} s ({summary.projects[0].pushed},"
                      f" pulled back {summary.projects[0].pulled}; load {os.getloadavg()[0]:.1f})")  # fmt: skip
                if args.breakdown:
                    _breakdown(cluster, dbname)
                admin.grant(admin_dsn, user=f"bob{i}", project=data.project.id, role="planner")
                profiler = cProfile.Profile() if args.profile else None
                start, cpu, server = time.perf_counter(), time.process_time(), server_cpu(cluster)
                if profiler is not None:
                    profiler.enable()
                summary = sync_all(bob, server=cluster.dsn(f"bob{i}", "bench-password", dbname),
                                   user=f"bob{i}", password=None)  # fmt: skip
                second.append(time.perf_counter() - start)
                if profiler is not None:
                    profiler.disable()
                    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
                print(f"  second planner's first sync {i}: {second[-1]:.2f} s wall, client CPU"
                      f" {time.process_time() - cpu:.2f} s, server CPU {server_cpu(cluster) - server:.2f} s"
                      f" (pulled {summary.projects[0].pulled}; load {os.getloadavg()[0]:.1f})")  # fmt: skip
                if i == args.repeat - 1:
                    _edits(
                        cluster, dbname, i, alice, bob, data.project.id, args.edits, push_edit, pull_edit, round_trip
                    )
                alice.close()
                bob.close()
    finally:
        cluster.destroy()
    _stats("first sync (push all + pull back)", first, 20.0)
    _stats("second planner's first sync (pull)", second, 20.0)
    _stats("one edit: A edits and syncs", push_edit, 0.2)
    _stats("one edit: B syncs and has it", pull_edit, 0.2)
    _stats("one edit round trip (A + B)", round_trip, 0.2)


def _edits(
    cluster: PgCluster, dbname: str, i: int, alice: LocalCache, bob: LocalCache, project_id: str, count: int,
    push_edit: list[float], pull_edit: list[float], round_trip: list[float],
) -> None:  # fmt: skip
    """Connections stay open, as the application's background sync keeps one."""
    loaded, history = alice.load_project(project_id)
    session = ProjectSession(loaded, store=alice.store_for(project_id), history=history)
    target = sorted(loaded.activities)[len(loaded.activities) // 2]
    with (
        psycopg.connect(cluster.dsn(f"alice{i}", "bench-password", dbname)) as a_conn,
        psycopg.connect(cluster.dsn(f"bob{i}", "bench-password", dbname)) as b_conn,
    ):
        for n in range(count):
            start = time.perf_counter()
            session.apply(SetActivityField(target, "name", f"edited {n}"))
            pushed = sync_connection(a_conn, alice)
            middle = time.perf_counter()
            pulled = sync_connection(b_conn, bob)
            end = time.perf_counter()
            assert pushed.projects[0].pushed == {"applied": 1}, pushed.to_json()
            assert pulled.projects[0].pulled == 1, pulled.to_json()
            push_edit.append(middle - start)
            pull_edit.append(end - middle)
            round_trip.append(end - start)


if __name__ == "__main__":
    main()
