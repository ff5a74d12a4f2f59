"""P6 XML (PMXML, APIBusinessObjects): `read(path, *, options) -> ImportResult` and `write(data, path)`."""

from __future__ import annotations

from bbschedule.formats.pmxml.reader import read
from bbschedule.formats.pmxml.writer import write

__all__ = ["read", "write"]
