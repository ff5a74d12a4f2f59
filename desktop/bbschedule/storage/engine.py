"""SQLite engines for the cache: every connection gets WAL, foreign keys and synchronous=NORMAL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, create_engine, event

BUSY_TIMEOUT_MS = 10_000


def set_pragmas(dbapi_connection: Any, _record: Any = None) -> None:
    """WAL lets the UI read while a save writes; NORMAL is durable across an application crash under WAL."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # 64 MB of page cache (the default is 2 MB): bulk loads of random UUID keys thrash a small one.
        cursor.execute("PRAGMA cache_size=-65536")
    finally:
        cursor.close()


def make_engine(path: Path) -> Engine:
    # The pool keeps connections (and SQLite's page cache) warm between edits; LocalCache.close() disposes it.
    # LIFO and a small pool: the same warm connection serves the UI thread, another the odd worker thread, and
    # each connection's page cache (up to 64 MB) is not multiplied by connections that are rarely used.
    engine = create_engine(f"sqlite:///{path}", pool_size=2, max_overflow=4, pool_use_lifo=True)
    event.listen(engine, "connect", set_pragmas)
    return engine


def raw_connect(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the same pragmas (backups and integrity checks use the sqlite3 API)."""
    connection = sqlite3.connect(path)
    set_pragmas(connection)
    return connection


@contextmanager
def transaction(engine: Engine, *, write: bool, check_references: bool = True) -> Iterator[sqlite3.Connection]:
    """One SQLite transaction on a pooled connection, as the plain sqlite3 API for executemany and fast reads.

    A write takes the write lock at once (BEGIN IMMEDIATE) so it never fails halfway on a busy file; a read is a
    consistent WAL snapshot across tables. Any error rolls everything back, deferred foreign keys included.
    `check_references` False turns foreign keys off for a bulk load whose references the caller has checked
    (per-row checks more than double the time of a 100k-activity import); they are back on afterwards.
    """
    with engine.connect() as connection:
        raw = cast(sqlite3.Connection, connection.connection.dbapi_connection)
        if not check_references:
            raw.execute("PRAGMA foreign_keys=OFF")  # only takes effect outside a transaction
        try:
            raw.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield raw
                if write:
                    raw.commit()
                else:
                    raw.rollback()
            except BaseException:
                if raw.in_transaction:
                    raw.rollback()
                raise
        finally:
            if not check_references:
                raw.execute("PRAGMA foreign_keys=ON")
