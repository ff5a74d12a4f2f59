"""Planners' server passwords in the operating system's keyring (never in files or logs), keyed by user and
server; the sign-in dialog stores one, `sync` without --password-stdin looks it up."""

from __future__ import annotations

import logging

from psycopg.conninfo import conninfo_to_dict

log = logging.getLogger(__name__)

SERVICE = "BBSchedule"


def account(server: str, user: str) -> str:
    """user@host:port/dbname: the same server written two ways still finds the password."""
    try:
        parts = conninfo_to_dict(server)
    except Exception:  # an unparsable address still names an account; connecting will say what is wrong
        return f"{user}@{server}"
    host = parts.get("host") or parts.get("hostaddr") or "localhost"
    return f"{user}@{host}:{parts.get('port') or 5432}/{parts.get('dbname') or user}"


def stored_password(server: str, user: str) -> str | None:
    import keyring
    import keyring.errors

    try:
        value = keyring.get_password(SERVICE, account(server, user))
    except keyring.errors.KeyringError as exc:
        log.info("no keyring to read the password from: %s", exc)
        return None
    return None if value is None else str(value)


def store_password(server: str, user: str, password: str) -> bool:
    """False when this machine has no usable keyring (the planner types the password each time)."""
    import keyring
    import keyring.errors

    try:
        keyring.set_password(SERVICE, account(server, user), password)
    except keyring.errors.KeyringError as exc:
        log.warning("the password could not be kept in the keyring: %s", exc)
        return False
    return True
