"""Central database administration: apply the versioned schema, add login roles, grant and revoke projects.

These run with an administrator's DSN (a superuser, or a role with CREATEROLE that may SET ROLE to the owner).
Passwords are turned into SCRAM verifiers on this side, so the plain text never reaches the server or its logs.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import psycopg
from psycopg import sql

from bbschedule.core.errors import ValidationError
from bbschedule.sync.errors import SyncError

log = logging.getLogger(__name__)

SCHEMA = "bbschedule"
OWNER_ROLE = "bbschedule_owner"
CLIENT_ROLE = "bbschedule_client"
PROTOCOL_VERSION = 1
ROLES = ("viewer", "planner", "admin")
IDLE_IN_TRANSACTION_TIMEOUT = "60s"
_LOCK_KEY = 0x62627363  # any constant: serialises two `server init` runs on one database
_NAME = re.compile(r"^[a-z_][a-z0-9_.\-]{0,62}$")
_MIGRATION = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    text: str


@dataclass(frozen=True, slots=True)
class InitResult:
    applied: tuple[int, ...]
    version: int
    incarnation_id: str


def migrations() -> list[Migration]:
    """The SQL files of sync/sql, in version order."""
    found = []
    for entry in resources.files("bbschedule.sync").joinpath("sql").iterdir():
        match = _MIGRATION.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    if len({m.version for m in found}) != len(found):
        raise SyncError("two schema files carry the same version number")
    return found


def connect(dsn: str, *, autocommit: bool = False) -> psycopg.Connection[tuple[Any, ...]]:
    try:
        return psycopg.connect(dsn, autocommit=autocommit)
    except psycopg.OperationalError as exc:
        raise SyncError(f"cannot reach the server: {_first_line(exc)}") from None


def init_server(dsn: str, *, available: list[Migration] | None = None) -> InitResult:
    """Create the roles and schema if missing and apply every schema file newer than the database's version."""
    files = migrations() if available is None else available
    with connect(dsn) as conn:
        try:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            _ensure_roles(conn)
            conn.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {} AUTHORIZATION {}").format(
                    sql.Identifier(SCHEMA), sql.Identifier(OWNER_ROLE)
                )
            )
            conn.execute(
                sql.SQL("GRANT TEMPORARY ON DATABASE {} TO {}").format(
                    sql.Identifier(conn.info.dbname), sql.Identifier(OWNER_ROLE)
                )
            )
            conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(OWNER_ROLE)))
            conn.execute(f"SET LOCAL search_path = {SCHEMA}, pg_catalog")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version integer PRIMARY KEY, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT session_user)"
            )
            row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
            current = int(row[0]) if row else 0
            applied = []
            for migration in files:
                if migration.version <= current:
                    continue
                log.info("applying schema file %s", migration.name)
                conn.execute(migration.text.encode("utf-8"))
                conn.execute(
                    "INSERT INTO schema_version (version, name) VALUES (%s, %s)", (migration.version, migration.name)
                )
                applied.append(migration.version)
            conn.execute("RESET ROLE")
            # A client that stops mid-transaction must not hold the snapshot horizon (and so every pull) back.
            conn.execute(
                sql.SQL("ALTER DATABASE {} SET idle_in_transaction_session_timeout = {}").format(
                    sql.Identifier(conn.info.dbname), sql.Literal(IDLE_IN_TRANSACTION_TIMEOUT)
                )
            )
            meta = dict(conn.execute(f"SELECT key, value FROM {SCHEMA}.server_meta").fetchall())
            version = max([current, *applied])
            conn.commit()
        except psycopg.errors.InsufficientPrivilege as exc:
            raise SyncError(f"server init needs an administrator's login: {_first_line(exc)}") from None
        except psycopg.Error as exc:
            raise SyncError(f"server init failed: {_first_line(exc)}") from None
    return InitResult(tuple(applied), version, str(meta.get("incarnation_id", "")))


def _ensure_roles(conn: psycopg.Connection[tuple[Any, ...]]) -> None:
    for role in (OWNER_ROLE, CLIENT_ROLE):
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))


def check_name(name: str) -> str:
    if not _NAME.match(name) or name.startswith("pg_") or name in (OWNER_ROLE, CLIENT_ROLE, "postgres", "public"):
        raise ValidationError("NAME", f"{name!r} is not a usable user name (lower-case letters, digits, _ . -)")
    return name


def add_user(dsn: str, *, name: str, password: str) -> None:
    """A new login role in the client group, with a SCRAM-SHA-256 verifier computed here from `password`."""
    check_name(name)
    if not password:
        raise ValidationError("password", "is empty")
    with connect(dsn) as conn:
        try:
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
                raise ValidationError("NAME", f"a role named {name!r} exists already")
            verifier = conn.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256").decode()
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                    sql.Identifier(name), sql.Literal(verifier), sql.Identifier(CLIENT_ROLE)
                )
            )
            # Role settings do not pass through group membership, so each login gets its own.
            conn.execute(
                sql.SQL("ALTER ROLE {} SET idle_in_transaction_session_timeout = {}").format(
                    sql.Identifier(name), sql.Literal(IDLE_IN_TRANSACTION_TIMEOUT)
                )
            )
            conn.commit()
        except psycopg.Error as exc:
            raise SyncError(f"cannot add user {name}: {_first_line(exc)}") from None
    log.info("added login role %s", name)


def _project_id(conn: psycopg.Connection[tuple[Any, ...]], project: str) -> str:
    rows = conn.execute(
        f"SELECT id::text FROM {SCHEMA}.projects WHERE id::text = %s OR code = %s", (project.lower(), project)
    ).fetchall()
    if not rows:
        raise ValidationError("PROJECT", f"no project {project!r} on the server (it appears at its first sync)")
    if len(rows) > 1:
        raise ValidationError("PROJECT", f"several projects carry the code {project!r}: give the id")
    return str(rows[0][0])


def grant(dsn: str, *, user: str, project: str, role: str) -> str:
    """Make `user` a viewer, planner or admin of `project` (code or id); returns the project id."""
    if role not in ROLES:
        raise ValidationError("ROLE", f"{role!r} is not one of {', '.join(ROLES)}")
    check_name(user)
    with connect(dsn) as conn:
        try:
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,)).fetchone():
                raise ValidationError("NAME", f"no user {user!r} (add it with `server user add`)")
            project_id = _project_id(conn, project)
            conn.execute(
                f"INSERT INTO {SCHEMA}.memberships (project_id, user_name, role) VALUES (%s, %s, %s)"
                " ON CONFLICT (project_id, user_name) DO UPDATE SET role = EXCLUDED.role,"
                " granted_by = session_user, granted_at = now()",
                (project_id, user, role),
            )
            conn.commit()
        except psycopg.Error as exc:
            raise SyncError(f"cannot grant: {_first_line(exc)}") from None
    return project_id


def revoke(dsn: str, *, user: str, project: str) -> bool:
    """Remove `user` from `project`; False when they were not a member."""
    with connect(dsn) as conn:
        try:
            project_id = _project_id(conn, project)
            cur = conn.execute(
                f"DELETE FROM {SCHEMA}.memberships WHERE project_id = %s AND user_name = %s", (project_id, user)
            )
            conn.commit()
        except psycopg.Error as exc:
            raise SyncError(f"cannot revoke: {_first_line(exc)}") from None
    return cur.rowcount > 0


def status(dsn: str) -> dict[str, Any]:
    """Versions, incarnation and counts, as a JSON-ready dict."""
    with connect(dsn, autocommit=True) as conn:
        try:
            if not conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (SCHEMA,)).fetchone():
                raise SyncError("the server is not initialised (run `bbschedule server init --dsn DSN`)")
            meta = dict(conn.execute(f"SELECT key, value FROM {SCHEMA}.server_meta").fetchall())
            counts = conn.execute(
                f"SELECT (SELECT max(version) FROM {SCHEMA}.schema_version),"
                f" (SELECT count(*) FROM {SCHEMA}.projects),"
                " (SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid WHERE r.rolname = %s),"
                f" (SELECT count(*) FROM {SCHEMA}.memberships),"
                f" (SELECT count(*) FROM {SCHEMA}.entities WHERE NOT deleted),"
                f" (SELECT count(*) FROM {SCHEMA}.entities WHERE deleted),"
                f" (SELECT count(*) FROM {SCHEMA}.conflicts WHERE resolved_at IS NULL),"
                f" (SELECT count(*) FROM {SCHEMA}.audit),"
                " current_setting('server_version')",
                (CLIENT_ROLE,),
            ).fetchone()
        except psycopg.Error as exc:
            raise SyncError(f"cannot read the server status: {_first_line(exc)}") from None
    assert counts is not None
    keys = ("schema_version", "projects", "users", "memberships", "rows", "tombstones", "open_conflicts", "audit_rows")
    result: dict[str, Any] = {
        "protocol_version": int(meta.get("protocol_version", 0)),
        "incarnation_id": meta.get("incarnation_id"),
        "server_version": counts[-1],
    }
    result.update({key: int(value or 0) for key, value in zip(keys, counts[:-1], strict=True)})
    return result


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
