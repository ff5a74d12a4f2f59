"""A throw-away PostgreSQL cluster for tests and benchmarks: initdb and pg_ctl in a temporary folder.

The server listens on a free loopback port (SCRAM for every TCP login) and on a unix socket inside the folder
(trust, for the `postgres` superuser only). initdb refuses to run as root, so as root the cluster runs as an
unprivileged system user (`bbtest`, created when missing).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

RUN_AS = "bbtest"
SUPERUSER = "postgres"


def find_bindir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres: PATH first, then Debian's /usr/lib/postgresql/*/bin."""
    on_path = shutil.which("initdb")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for folder in candidates:
        if all((folder / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ensure_system_user(name: str) -> None:
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True)


@dataclass
class PgCluster:
    bindir: Path
    root: Path
    port: int = field(default_factory=free_port)
    run_as: str | None = None
    _databases: int = 0

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def sockdir(self) -> Path:
        return self.root / "sock"

    @property
    def logfile(self) -> Path:
        return self.root / "server.log"

    # ---- life cycle ---------------------------------------------------------------------------------------
    @classmethod
    def create(cls, bindir: Path, *, settings: dict[str, str] | None = None) -> PgCluster:
        """`settings`: extra postgresql.conf lines (a benchmark sizes the server as a real one would be)."""
        root = Path(tempfile.mkdtemp(prefix="bbpg-"))  # short: a unix socket path must stay under 107 bytes
        run_as = None
        if os.geteuid() == 0:
            _ensure_system_user(RUN_AS)
            entry = pwd.getpwnam(RUN_AS)
            os.chown(root, entry.pw_uid, entry.pw_gid)
            run_as = RUN_AS
        cluster = cls(bindir=bindir, root=root, run_as=run_as)
        cluster.sockdir.mkdir()
        if run_as is not None:
            entry = pwd.getpwnam(run_as)
            os.chown(cluster.sockdir, entry.pw_uid, entry.pw_gid)
        cluster._initdb(settings or {})
        cluster._make_certificates()
        cluster.start()
        return cluster

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as is not None:
            command = ["runuser", "-u", self.run_as, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False, env={**os.environ, "LC_ALL": "C"})
        if result.returncode != 0:
            log = self.logfile.read_text(errors="replace")[-3000:] if self.logfile.exists() else ""
            raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}\n{log}")
        return result

    def _initdb(self, extra: dict[str, str]) -> None:
        self._run("initdb", "-D", str(self.datadir), "-U", SUPERUSER, "-E", "UTF8", "--no-locale", "--no-sync")
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.sockdir}'",
            "password_encryption": "'scram-sha-256'",
            # Without fsync a crash of the server (not of the machine) still loses nothing: WAL reaches the OS at
            # commit. synchronous_commit must stay on: off, a crash loses commits already acknowledged, which the
            # chaos test caught.
            "fsync": "off",
            "full_page_writes": "off",
            "max_connections": "120",
            "shared_buffers": "128MB",
            "log_min_messages": "warning",
            **extra,
        }
        with (self.datadir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# bbschedule test cluster\n")
            for key, value in settings.items():
                conf.write(f"{key} = {value}\n")
        (self.datadir / "pg_hba.conf").write_text(
            "# TYPE  DATABASE  USER      ADDRESS        METHOD\n"
            f"local   all       {SUPERUSER}                  trust\n"
            "host    all       all       127.0.0.1/32   scram-sha-256\n",
            encoding="utf-8",
        )

    @property
    def ca_file(self) -> Path | None:
        """The certificate authority of the server's TLS certificate (None: no openssl, so no TLS)."""
        path = self.root / "tls" / "ca.crt"
        return path if path.exists() else None

    def _make_certificates(self) -> None:
        """A throw-away CA and a server certificate for localhost and 127.0.0.1, so verify-full can be tested."""
        openssl = shutil.which("openssl")
        if openssl is None:
            return
        tls = self.root / "tls"
        tls.mkdir()

        def run(*args: str) -> None:
            subprocess.run([openssl, *args], cwd=tls, check=True, capture_output=True)

        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=bbschedule test CA",
            "-keyout", "ca.key", "-out", "ca.crt")  # fmt: skip
        run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
            "-out", "server.csr")  # fmt: skip
        (tls / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n", encoding="utf-8")
        run("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", "san.ext", "-out", "server.crt")  # fmt: skip
        for name in ("server.key", "server.crt"):
            target = self.datadir / name
            shutil.copy(tls / name, target)
            target.chmod(0o600)
            if self.run_as is not None:
                entry = pwd.getpwnam(self.run_as)
                os.chown(target, entry.pw_uid, entry.pw_gid)
        with (self.datadir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-l", str(self.logfile), "-w", "-t", "60", "start")

    def stop(self, *, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self, *, mode: str = "fast") -> None:
        """Stop and start again; `mode='immediate'` is a crash (every client connection dies)."""
        self.stop(mode=mode)
        self.start()

    def destroy(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.stop(mode="immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    # ---- connections --------------------------------------------------------------------------------------
    def admin_dsn(self, dbname: str = "postgres") -> str:
        """The superuser over the unix socket (trust)."""
        return f"host={self.sockdir} port={self.port} user={SUPERUSER} dbname={dbname}"

    def dsn(self, user: str, password: str, dbname: str) -> str:
        """A login over TCP on the loopback address (SCRAM)."""
        return f"host=127.0.0.1 port={self.port} user={user} password={password} dbname={dbname} connect_timeout=5"

    @contextlib.contextmanager
    def admin(self, dbname: str = "postgres") -> Iterator[psycopg.Connection[tuple[object, ...]]]:
        with psycopg.connect(self.admin_dsn(dbname), autocommit=True) as conn:
            yield conn

    def create_database(self, prefix: str = "bbs") -> str:
        self._databases += 1
        name = f"{prefix}_{self._databases}_{uuid.uuid4().hex[:6]}"
        with self.admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def terminate_backends(self, *, user: str | None = None, dbname: str | None = None) -> int:
        """pg_terminate_backend on every client backend matching; returns how many were killed."""
        with self.admin() as conn:
            row = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                " AND (%(user)s::text IS NULL OR usename = %(user)s) AND (%(db)s::text IS NULL OR datname = %(db)s)",
                {"user": user, "db": dbname},
            ).fetchone()
        return int(row[0]) if row else 0
