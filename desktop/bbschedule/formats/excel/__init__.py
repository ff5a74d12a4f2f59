"""Excel workbooks (.xlsx) in the documented layout of docs/excel-layout.md, read and written with openpyxl."""

from __future__ import annotations

from bbschedule.formats.excel.reader import read
from bbschedule.formats.excel.writer import write

__all__ = ["read", "write"]
