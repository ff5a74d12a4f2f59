"""The test cluster itself: an unprivileged server process, SCRAM on loopback, trust only for the admin socket,
and restart and terminate helpers that really cut connections."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest
from tests.integration.sync.pgcluster import SUPERUSER, PgCluster

pytestmark = pytest.mark.postgres


def test_the_cluster_runs_unprivileged_with_scram_on_loopback(pg_cluster: PgCluster) -> None:
    master = int((pg_cluster.datadir / "postmaster.pid").read_text().split()[0])
    assert Path(f"/proc/{master}").stat().st_uid != 0 or os.geteuid() != 0  # never the root user
    with pg_cluster.admin() as conn:
        conn.execute("DROP ROLE IF EXISTS cluster_probe")
        conn.execute("CREATE ROLE cluster_probe LOGIN PASSWORD 'probe-pw'")
        settings = dict(conn.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN ('password_encryption', 'listen_addresses',"
            " 'synchronous_commit')"
        ).fetchall())  # fmt: skip
        method = conn.execute(
            "SELECT auth_method FROM pg_hba_file_rules WHERE type = 'host' AND 'all' = ANY (user_name)"
        ).fetchone()
    assert settings == {"password_encryption": "scram-sha-256", "listen_addresses": "127.0.0.1",
                        "synchronous_commit": "on"}  # fmt: skip
    assert method == ("scram-sha-256",)
    with psycopg.connect(pg_cluster.dsn("cluster_probe", "probe-pw", "postgres")) as conn:
        assert conn.execute("SELECT session_user").fetchone() == ("cluster_probe",)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(pg_cluster.dsn("cluster_probe", "wrong", "postgres"))
    with pytest.raises(psycopg.OperationalError):  # the socket trusts the superuser only
        psycopg.connect(f"host={pg_cluster.sockdir} port={pg_cluster.port} user=cluster_probe dbname=postgres")
    assert SUPERUSER == "postgres"


def test_terminate_and_restart_cut_open_connections(pg_cluster: PgCluster) -> None:
    with pg_cluster.admin() as conn:
        conn.execute("DROP ROLE IF EXISTS cluster_victim")
        conn.execute("CREATE ROLE cluster_victim LOGIN PASSWORD 'victim-pw'")
    victim = psycopg.connect(pg_cluster.dsn("cluster_victim", "victim-pw", "postgres"))
    assert pg_cluster.terminate_backends(user="cluster_victim") == 1
    with pytest.raises(psycopg.OperationalError):
        victim.execute("SELECT 1")
    victim.close()
    victim = psycopg.connect(pg_cluster.dsn("cluster_victim", "victim-pw", "postgres"))
    pg_cluster.restart(mode="immediate")
    with pytest.raises(psycopg.OperationalError):
        victim.execute("SELECT 1")
    victim.close()
    with psycopg.connect(pg_cluster.dsn("cluster_victim", "victim-pw", "postgres")) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
