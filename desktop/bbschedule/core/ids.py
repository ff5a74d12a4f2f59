"""Identifiers: every row carries a client-generated UUID so caches can merge without a server."""

from __future__ import annotations

import uuid


def new_id() -> str:
    return str(uuid.uuid4())
