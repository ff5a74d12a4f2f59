"""Bring a cache file to the newest schema with Alembic, run in-process: no alembic.ini, scripts in the package.

A file with data is backed up before any migration touches it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, inspect, text

from bbschedule.storage.errors import CacheError
from bbschedule.storage.migrations import HEAD_REVISION

log = logging.getLogger(__name__)
SCRIPTS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None, *, scripts: Path = SCRIPTS) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("path_separator", "os")
    config.set_main_option("script_location", str(scripts))
    config.set_main_option("version_locations", str(scripts / "versions"))
    config.attributes["connection"] = connection
    return config


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def has_data(connection: Connection) -> bool:
    tables = inspect(connection).get_table_names()
    return "projects" in tables and connection.execute(text("SELECT 1 FROM projects LIMIT 1")).first() is not None


def upgrade(
    engine: Engine,
    *,
    revision: str = "head",
    backup_dir: Path | None = None,
    keep: int = 10,
    scripts: Path = SCRIPTS,
    head: str = HEAD_REVISION,
) -> bool:
    """Migrate to `revision`; True when a migration ran. Backs the file up first when it holds projects.

    `scripts` and `head` are for tests that add a migration of their own.
    """
    with engine.connect() as connection:
        current = current_revision(connection)
        if current == revision or (current == head and revision == "head"):
            return False  # the usual case: no Alembic import at all, so opening stays fast
        from alembic import command
        from alembic.script import ScriptDirectory

        known = {r.revision for r in ScriptDirectory.from_config(alembic_config(scripts=scripts)).walk_revisions()}
        if current is not None and current not in known:
            # Checked before any backup: an old program started again and again must not push good backups out.
            raise CacheError(
                f"{engine.url.database}: the local cache has schema {current}, written by a newer BBSchedule; "
                f"this version reads up to {head} (update BBSchedule, or restore a backup)"
            )
        if backup_dir is not None and current is not None and has_data(connection):
            from bbschedule.storage.backup import backup_now

            database = engine.url.database
            assert database is not None
            saved = backup_now(Path(database), backup_dir, keep=keep, reason=f"before-migration-from-{current}")
            log.info("backed up %s to %s before migrating from %s", database, saved, current)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection, scripts=scripts), revision)
    log.info("migrated %s from %s to %s", engine.url.database, current, revision)
    return True
