"""Storage owns the sync bookkeeping: sync_server, sync_project (now with why a project stopped syncing) and
sync_shadow. Caches synced by the previous version have these tables already, made by sync itself with plain DDL:
their rows (cursors, roles, shadows) are copied into the new tables, so nothing is pulled or pushed again.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bbschedule.storage.schema import IsoDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COPIED = {
    "sync_server": "key, value",
    "sync_project": "project_id, cursor_txid, cursor_rev, role",
    "sync_shadow": "project_id, kind, row_id, rev, deleted, fields, exact",
}


def _create(name: str) -> None:
    if name == "sync_server":
        op.create_table(
            "sync_server",
            sa.Column("key", sa.Text(), nullable=False),
            sa.Column("value", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("key", name=op.f("pk_sync_server")),
        )
    elif name == "sync_project":
        op.create_table(
            "sync_project",
            sa.Column("project_id", sa.Text(), nullable=False),
            sa.Column("cursor_txid", sa.Integer(), nullable=False),
            sa.Column("cursor_rev", sa.Integer(), nullable=False),
            sa.Column("role", sa.Text(), nullable=True),
            sa.Column("detached", sa.Text(), nullable=True),
            sa.Column("detached_by", sa.Text(), nullable=True),
            sa.Column("detached_at", IsoDateTime(), nullable=True),
            sa.PrimaryKeyConstraint("project_id", name=op.f("pk_sync_project")),
        )
    else:
        op.create_table(
            "sync_shadow",
            sa.Column("project_id", sa.Text(), nullable=False),
            sa.Column("kind", sa.Text(), nullable=False),
            sa.Column("row_id", sa.Text(), nullable=False),
            sa.Column("rev", sa.Integer(), nullable=False),
            sa.Column("deleted", sa.Boolean(), nullable=False),
            sa.Column("fields", sa.Text(), nullable=False),
            sa.Column("exact", sa.Boolean(), nullable=False),
            sa.PrimaryKeyConstraint("project_id", "kind", "row_id", name=op.f("pk_sync_shadow")),
        )


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for name, columns in _COPIED.items():
        if name not in existing:
            _create(name)
            continue
        # Made by the previous version's sync/localstate.py: same columns, no named keys. Rebuilt the ORM's way.
        op.rename_table(name, f"{name}_0001")
        _create(name)
        op.execute(sa.text(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM {name}_0001"))
        op.drop_table(f"{name}_0001")
    op.execute(sa.text("UPDATE meta SET value = '0002' WHERE key = 'schema_version'"))


def downgrade() -> None:
    op.drop_table("sync_shadow")
    op.drop_table("sync_project")
    op.drop_table("sync_server")
    op.execute(sa.text("UPDATE meta SET value = '0001' WHERE key = 'schema_version'"))
