"""doctor against a real PostgreSQL (started by the test): a BBSchedule server answers in the sync protocol; a
refused password, a plain database and a stopped server are each a reason, and the exit code says so."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.integration.sync.pgcluster import PgCluster, find_bindir

from bbschedule.telemetry.diagnostics import run_diagnostics, server_check

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def cluster() -> Iterator[PgCluster]:
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    made = PgCluster.create(bindir)
    try:
        yield made
    finally:
        made.destroy()


@pytest.fixture(scope="module")
def server(cluster: PgCluster) -> tuple[PgCluster, str, str]:
    """(cluster, database initialised with `server init`, a planner's DSN with password)."""
    from bbschedule.sync import admin

    dbname = cluster.create_database()
    admin.init_server(cluster.admin_dsn(dbname))
    admin.add_user(cluster.admin_dsn(dbname), name="doctor_planner", password="pw-doctor-1")
    return cluster, dbname, cluster.dsn("doctor_planner", "pw-doctor-1", dbname)


def test_doctor_greets_a_bbschedule_server(tmp_path: Path, server: tuple[PgCluster, str, str]) -> None:
    _cluster, _dbname, dsn = server
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--profile", str(tmp_path), "doctor", "--json", "--server", dsn],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    report = json.loads(result.stdout)
    assert result.returncode == 0, report["reasons"]
    check = next(c for c in report["checks"] if c["name"] == "server")
    assert "sync protocol 1" in check["detail"]
    assert "signed in as doctor_planner" in check["detail"]
    assert "pw-doctor-1" not in result.stdout


def test_a_refused_password_is_a_reason(server: tuple[PgCluster, str, str]) -> None:
    _cluster, _dbname, dsn = server
    check = server_check(dsn.replace("pw-doctor-1", "wrong"))
    assert not check.ok
    assert "the login was refused" in check.detail


def test_no_password_in_the_dsn_still_proves_the_server_reachable(server: tuple[PgCluster, str, str]) -> None:
    _cluster, _dbname, dsn = server
    check = server_check(dsn.replace("password=pw-doctor-1 ", ""))
    assert check.ok, check
    assert check.detail.startswith("reachable; signing in needs the planner's password")


def test_a_plain_database_is_not_a_bbschedule_server(server: tuple[PgCluster, str, str]) -> None:
    cluster, _dbname, dsn = server
    plain = cluster.create_database(prefix="plain")
    with cluster.admin(plain) as conn:
        conn.execute("GRANT CONNECT ON DATABASE " + plain + " TO doctor_planner")
    check = server_check(dsn.replace(f"dbname={_dbname}", f"dbname={plain}"))
    assert not check.ok
    assert "not a BBSchedule server" in check.detail


def test_a_stopped_server_is_unreachable(tmp_path: Path, server: tuple[PgCluster, str, str]) -> None:
    cluster, _dbname, dsn = server
    cluster.stop(mode="immediate")
    try:
        report = run_diagnostics(tmp_path, server_dsn=dsn, server_timeout_s=2, min_free_bytes=1)
    finally:
        cluster.start()
    assert not report.ok
    assert [r for r in report.reasons if r.startswith("server: unreachable")]
