"""Migrations: the scripts build exactly the ORM's schema, and an old file with data is backed up and upgraded."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from tests.unit.storage.storage_factories import rich_project

from bbschedule.storage.backup import list_backups
from bbschedule.storage.cache import LocalCache
from bbschedule.storage.engine import make_engine
from bbschedule.storage.migrate import SCRIPTS, alembic_config, current_revision, upgrade
from bbschedule.storage.migrations import HEAD_REVISION
from bbschedule.storage.paths import backups_beside
from bbschedule.storage.schema import Base

MIGRATION_0003 = '''"""A test migration: EPS nodes get a sequence."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("eps") as batch:
        batch.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))
    op.execute(sa.text("UPDATE meta SET value = '0003' WHERE key = 'schema_version'"))


def downgrade() -> None:
    with op.batch_alter_table("eps") as batch:
        batch.drop_column("sequence")
'''


def test_head_constant_matches_the_scripts() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION


def test_migrated_schema_is_exactly_the_orm_schema(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "cache.sqlite3")
    assert upgrade(engine) is True
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert current_revision(connection) == HEAD_REVISION
    assert upgrade(engine) is False  # already at head: nothing runs
    engine.dispose()


def test_a_cache_made_at_0002_keeps_its_data_through_a_later_migration(tmp_path: Path) -> None:
    """The pattern every later migration follows: a real old file with data, backed up, upgraded, reopened."""
    path = tmp_path / "cache.sqlite3"
    engine = make_engine(path)
    upgrade(engine, revision="0002")
    engine.dispose()
    data = rich_project()
    with LocalCache(path) as cache:
        cache.import_project(data)
    scripts = tmp_path / "migrations"
    shutil.copytree(SCRIPTS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "0003_eps_sequence.py").write_text(MIGRATION_0003)

    engine = make_engine(path)
    ran = upgrade(engine, scripts=scripts, head="0003", backup_dir=backups_beside(path))
    engine.dispose()

    assert ran is True
    backups = list_backups(backups_beside(path))
    assert len(backups) == 1
    assert "before-migration-from-0002" in backups[0].path.name
    db = sqlite3.connect(path)
    assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
    assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("0003",)
    assert "sequence" in {row[1] for row in db.execute("PRAGMA table_info(eps)")}
    assert db.execute("SELECT COUNT(*) FROM activities").fetchone() == (len(data.activities),)
    db.close()
    old = sqlite3.connect(backups[0].path)
    assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)
    old.close()


def test_an_empty_cache_is_not_backed_up_before_migrating(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    engine = make_engine(path)
    upgrade(engine, revision="0001")
    scripts = tmp_path / "migrations"
    shutil.copytree(SCRIPTS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "0003_eps_sequence.py").write_text(MIGRATION_0003)
    assert upgrade(engine, scripts=scripts, head="0003", backup_dir=backups_beside(path)) is True
    engine.dispose()
    assert list_backups(backups_beside(path)) == []


def test_opening_a_cache_sets_a_client_id_once(tmp_path: Path) -> None:
    with LocalCache(tmp_path / "c.sqlite3") as cache:
        first = cache.client_id
        assert cache.schema_version == HEAD_REVISION
    with LocalCache(tmp_path / "c.sqlite3") as cache:
        assert cache.client_id == first
    with LocalCache(tmp_path / "other.sqlite3") as other:
        assert other.client_id != first


def test_a_cache_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    import pytest

    from bbschedule.storage.errors import CacheError

    path = tmp_path / "cache.sqlite3"
    with LocalCache(path) as cache:
        cache.import_project(rich_project())
    db = sqlite3.connect(path)
    db.execute("UPDATE alembic_version SET version_num = '0099'")
    db.commit()
    db.close()
    with pytest.raises(CacheError, match="newer BBSchedule") as caught:
        LocalCache(path)
    assert str(path) in str(caught.value)
    db = sqlite3.connect(path)
    assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0099",)
    assert db.execute("SELECT COUNT(*) FROM activities").fetchone() == (3,)
    assert list_backups(backups_beside(path)) == []  # and no backup was spent on it
