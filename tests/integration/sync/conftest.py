"""Fixtures for the sync tests: one real PostgreSQL cluster per test session, a fresh database per test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from tests.integration.sync.pgcluster import PgCluster, find_bindir

_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are neither on PATH nor under /usr/lib/postgresql")
    cluster = PgCluster.create(bindir)
    try:
        yield cluster
    finally:
        cluster.destroy()


@dataclass
class ServerDb:
    """A database initialised with `server init`, and a way to make login roles on it."""

    cluster: PgCluster
    dbname: str

    @property
    def admin_dsn(self) -> str:
        return self.cluster.admin_dsn(self.dbname)

    def user(self, prefix: str = "planner") -> tuple[str, str]:
        """A new login role (unique in the cluster) and the DSN it signs in with."""
        from bbschedule.sync import admin

        name = f"{prefix}{next(_names)}"
        password = f"pw-{name}-secret"
        admin.add_user(self.admin_dsn, name=name, password=password)
        return name, self.cluster.dsn(name, password, self.dbname)


@pytest.fixture
def server_db(pg_cluster: PgCluster) -> ServerDb:
    from bbschedule.sync import admin

    dbname = pg_cluster.create_database()
    admin.init_server(pg_cluster.admin_dsn(dbname))
    return ServerDb(pg_cluster, dbname)
