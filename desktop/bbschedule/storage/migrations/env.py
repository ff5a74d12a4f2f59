"""Alembic environment for the local cache: always online, on the connection storage.migrate hands over."""

from __future__ import annotations

from alembic import context

from bbschedule.storage.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them; batch mode does that for later migrations
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
