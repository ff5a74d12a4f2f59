"""What each cell of the activity table shows, role by role: texts made once per row when it is first painted
(and forgotten when the row changes), fonts, bands, icons, alignment, the float's colour, the editors' choices.

The hottest code of the window (several roles per visible cell per frame), so it compares plain ints and looks
tables up (activity_cells) rather than computing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QBrush, QColor, QFont, QIcon

from bbschedule.services.session import ProjectSession
from bbschedule.ui import roles
from bbschedule.ui.activity_cells import ALIGNMENTS, BAND_COLORS, FLOAT_COLUMN, NEGATIVE_FLOAT
from bbschedule.ui.activity_rows import RowLayout
from bbschedule.ui.columns import ACTIVITY_TYPE_LABELS, COLUMNS, CONSTRAINT_LABELS, Editor, Row
from bbschedule.ui.rollups import RollupTable

ACTIVITY_ROW = 0
EXPANDED_GROUP = 1
COLLAPSED_GROUP = 2
"""Values of the roles.ROW_STATE role: what the delegate draws left of column 0."""


class CellReader:
    """Reads the cells of the rows in `layout` from `session`; the model hands it both after each build."""

    def __init__(self) -> None:
        self.session: ProjectSession | None = None
        self.layout = RowLayout()
        self.rollups = RollupTable()
        self.icons: dict[str, QIcon] = {}
        """Icons for column 0 by activity type value, plus 'wbs' for group rows."""
        self.float_paths: dict[str, tuple[int, int]] = {}
        """Activity id -> (Float Path, Float Path Order) from the last schedule (empty when not computed)."""
        self._texts: dict[int, list[str]] = {}
        """Display texts of activity rows already shown, by node."""
        self._bold = QFont()
        self._bold.setBold(True)
        self._bands = [QBrush(QColor(c)) for c in BAND_COLORS]

    def forget(self, node: int | None = None) -> None:
        """A row's data changed (None: every row's): its texts are made again when it is painted."""
        if node is None:
            self._texts = {}
        else:
            self._texts.pop(node, None)

    def activity(self, node: int, column: int, role: int) -> Any:
        # The hottest function of the window (several roles per visible cell per frame): cheap checks first.
        assert self.session is not None
        if role == roles.DISPLAY or role == roles.EDIT:
            texts = self._texts.get(node)
            if texts is None:
                row = self._row_of(node)
                texts = self._texts[node] = [c.text(row) for c in COLUMNS]
            return texts[column]
        if role == roles.TEXT_ALIGNMENT:
            return ALIGNMENTS[column]
        if role == roles.DECORATION:
            if column != 0:
                return None
            activity = self.session.data.activities.get(self.layout.ids[node])
            return self.icons.get(activity.type.value) if activity is not None else None
        if role == roles.FOREGROUND:
            if column != FLOAT_COLUMN:
                return None
            computed = self.session.data.computed.get(self.layout.ids[node])
            if computed is not None and computed.total_float is not None and computed.total_float < 0:
                return NEGATIVE_FLOAT
            return None
        if role == roles.OBJECT_ID:
            return self.layout.ids[node]
        if role == roles.ROW_DEPTH:
            return self.layout.depth[node]
        if role == roles.ROW_STATE:
            return ACTIVITY_ROW
        if role == roles.CHOICES:
            return self._choices(column)
        return None

    def group(self, node: int, column: int, role: int) -> Any:
        assert self.session is not None
        layout = self.layout
        if role == roles.DISPLAY or role == roles.EDIT:
            key = COLUMNS[column].key
            label = layout.labels.get(node)
            wbs = self.session.data.wbs.get(layout.ids[node]) if label is None else None
            if key == "code":
                return wbs.code if wbs is not None else label or ""
            if key == "name":
                return wbs.name if wbs is not None else ""
            rollup_text = COLUMNS[column].rollup
            return rollup_text(self.rollups.get(node)) if rollup_text is not None else ""
        if role == roles.FONT:
            return self._bold
        if role == roles.FOREGROUND and column == FLOAT_COLUMN:
            total_float = self.rollups.get(node).total_float
            return NEGATIVE_FLOAT if total_float is not None and total_float < 0 else None
        if role == roles.BACKGROUND:
            return self._bands[min(layout.depth[node], len(self._bands) - 1)]
        if role == roles.TEXT_ALIGNMENT:
            return ALIGNMENTS[column]
        if role == roles.DECORATION and column == 0:
            return self.icons.get("wbs")
        if role == roles.OBJECT_ID:
            return layout.ids[node]
        if role == roles.ROW_DEPTH:
            return layout.depth[node]
        if role == roles.ROW_STATE:
            return COLLAPSED_GROUP if node in layout.collapsed else EXPANDED_GROUP
        return None

    def _row_of(self, node: int) -> Row:
        assert self.session is not None
        data = self.session.data
        activity = data.activities[self.layout.ids[node]]
        return Row(
            activity,
            data.computed.get(activity.id),
            data.calendars.get(activity.calendar_id),
            self.float_paths.get(activity.id),
        )

    def _choices(self, column: int) -> list[tuple[str, str]] | None:
        assert self.session is not None
        editor = COLUMNS[column].editor
        if editor is Editor.CALENDAR:
            calendars = sorted(self.session.data.calendars.values(), key=lambda c: c.name)
            return [(c.name, c.id) for c in calendars]
        if editor is Editor.ACTIVITY_TYPE:
            return [(label, kind.value) for kind, label in ACTIVITY_TYPE_LABELS.items()]
        if editor is Editor.CONSTRAINT:
            return [("", ""), *((label, kind.value) for kind, label in CONSTRAINT_LABELS.items())]
        return None
