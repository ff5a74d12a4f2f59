"""How the activity table's cells look and which of them are editable: tables computed once, looked up per cell.

Looked up rather than computed because data() and flags() run for every visible cell on every frame, and for
every row when 100k rows expand (Qt enum arithmetic in Python is slow).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from bbschedule.core.changes import ChangeSet
from bbschedule.ui.columns import COLUMNS, Editor

_ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ALIGN_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
ALIGN_CENTER = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter)
_DATE_KEYS = frozenset(c.key for c in COLUMNS if "start" in c.key or "finish" in c.key or "date" in c.key)


def _alignment(key: str, numeric: bool) -> int:
    if numeric:
        return _ALIGN_RIGHT
    return ALIGN_CENTER if key in _DATE_KEYS else _ALIGN_LEFT


ALIGNMENTS = [_alignment(c.key, c.numeric) for c in COLUMNS]
FLOAT_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.key == "total_float")


def wbs_edited_in_place(change_set: ChangeSet) -> bool:
    """True when every WBS change keeps the node where it is (a new code or name), so no row moves."""
    return all(
        c.before is not None
        and c.after is not None
        and (c.before.parent_id, c.before.sequence) == (c.after.parent_id, c.after.sequence)
        for c in change_set.changes
        if c.kind == "wbs"
    )


def _flag_table(*, wbs: bool, read_only: bool) -> list[Qt.ItemFlag]:
    base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    table = []
    for column in COLUMNS:
        editable = column.key in ("code", "name") if wbs else column.editor is not Editor.NONE
        table.append(base | Qt.ItemFlag.ItemIsEditable if editable and not read_only else base)
    return table


NO_FLAGS = Qt.ItemFlag.NoItemFlags
ACTIVITY_FLAGS = {ro: _flag_table(wbs=False, read_only=ro) for ro in (False, True)}
WBS_FLAGS = {ro: _flag_table(wbs=True, read_only=ro) for ro in (False, True)}
BAND_COLORS = ("#c9d9ee", "#dae5f3", "#e7eef8", "#f0f4fa")
NEGATIVE_FLOAT = QColor("#c0392b")
