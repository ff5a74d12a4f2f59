"""Alembic migrations of the local cache, run programmatically by storage.migrate (no alembic.ini)."""

from __future__ import annotations

HEAD_REVISION = "0002"
"""The newest revision; a test checks it matches the scripts, so opening an up-to-date cache skips Alembic."""
