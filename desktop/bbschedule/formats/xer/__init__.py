"""Primavera P6 XER: our own reader and writer (see reader.py for how P6's tables map onto the core model)."""

from __future__ import annotations

from bbschedule.formats.xer.reader import read, read_bytes
from bbschedule.formats.xer.writer import write

__all__ = ["read", "read_bytes", "write"]
