"""MS Project XML (MSPDI): `read(path, *, options) -> ImportResult` and `write(data, path) -> FidelityReport`."""

from __future__ import annotations

from bbschedule.formats.mspdi.reader import read
from bbschedule.formats.mspdi.writer import write

__all__ = ["read", "write"]
