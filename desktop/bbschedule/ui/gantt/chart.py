"""The Gantt chart widget: paints only the visible rows of the activity tree it sits beside, and turns drags
into intents (move, resize, link) for the edit controller. It shares vertical scrolling and selection with the tree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QScrollBar,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from bbschedule.core.changes import ChangeSet
from bbschedule.core.project_data import ProjectData
from bbschedule.services.session import LOADED_LABEL
from bbschedule.ui.gantt.bar_painter import BarPainter, Hit, Part, Slot, bar_rect
from bbschedule.ui.gantt.bars import BarCache, BarSpec, SummarySource
from bbschedule.ui.gantt.body import GanttBody
from bbschedule.ui.gantt.drag import Drag, DragMode
from bbschedule.ui.gantt.header import GanttHeader
from bbschedule.ui.gantt.link_index import LinkIndex
from bbschedule.ui.gantt.link_painter import LinkPainter, LinkSpec
from bbschedule.ui.gantt.rows import RowSlot, TreeRowController
from bbschedule.ui.gantt.style import GanttStyle
from bbschedule.ui.gantt.time_grid import TimeGrid

SCROLL_RANGE_PX = 200_000


class GanttChart(QWidget):
    """The chart beside `tree` (a tree view, or the activity table). `key_role` gives each row's activity or WBS id."""

    sig_intent = Signal(object)
    sig_bar_double_clicked = Signal(str)
    sig_context_menu = Signal(str, object)
    sig_zoom_changed = Signal(float)

    def __init__(
        self,
        tree: QAbstractItemView,
        *,
        key_role: int,
        select_key: Callable[[str], None] | None = None,
        style: GanttStyle | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.tree = tree
        self.style_ = style or GanttStyle()
        self.rows = TreeRowController(tree, key_role)
        self.bar_painter = BarPainter(self.style_)
        self.link_painter = LinkPainter(self.style_)
        self._select_key = select_key
        self.grid = TimeGrid(dt.datetime(2026, 1, 1), 6.0)
        self.data: ProjectData | None = None
        self.summary_source: SummarySource | None = None
        """Group bars from the table's roll-ups (None: computed from the project)."""
        self.label_source: Callable[[str], str] | None = None
        self._bars: BarCache | None = None
        self._links = LinkIndex()
        """Relationships by the activities they join, indexed when the window is idle."""
        self._link_timer = QTimer(self)
        self._link_timer.setInterval(0)
        self._link_timer.timeout.connect(self._index_links)
        self._nonworking: dict[dt.date, bool] = {}
        self.read_only = False
        self._fit_pending = False
        self.header = GanttHeader(lambda: self.grid, self.style_, self)
        self.body = GanttBody(self)
        self.hbar = QScrollBar(Qt.Orientation.Horizontal, self)
        self.hbar.setRange(-SCROLL_RANGE_PX // 2, SCROLL_RANGE_PX // 2)
        self.hbar.valueChanged.connect(self._on_hbar_value_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.hbar)
        self.body.sig_intent.connect(self.sig_intent)
        self.body.sig_bar_double_clicked.connect(self.sig_bar_double_clicked)
        self.body.sig_context_menu.connect(self.sig_context_menu)
        tree.verticalScrollBar().valueChanged.connect(self.body.update)
        if isinstance(tree, QTreeView):
            tree.expanded.connect(self._on_tree_layout_changed)
            tree.collapsed.connect(self._on_tree_layout_changed)
        model = tree.model()
        if model is not None:  # flat rows open and close by insert and remove
            for signal in (model.rowsInserted, model.rowsRemoved, model.layoutChanged):
                signal.connect(self._on_tree_layout_changed)
            model.modelReset.connect(self._on_rows_rebuilt)
        tree.selectionModel().selectionChanged.connect(self.body.update)
        self._column_header().geometriesChanged.connect(self._sync_header_height)
        self._sync_header_height()

    # data -------------------------------------------------------------------------------------------------------
    def set_data(self, data: ProjectData, *, change_set: ChangeSet | None = None, fit: bool = False) -> None:
        """Follow the project: bars are rebuilt on demand, only those the change set touched are forgotten."""
        if change_set is not None and change_set.label == LOADED_LABEL and self.data is data:
            pass  # the relationships of a project opened in two steps: its bars stand, its links are indexed below
        elif self._bars is None or self.data is not data or change_set is None or not change_set.changes:
            self._bars = BarCache(data, summary_source=self.summary_source, label_source=self.label_source)
        else:
            kinds = change_set.kinds
            if kinds <= {"activity", "relationship", "assignment", "expense"}:
                self._bars.forget(change_set.ids("activity"))
            else:
                self._bars.forget()
        if self.data is not data or change_set is None or not change_set:
            self._links.reset(data)
        else:
            self._links.follow(change_set)
        if not self._links.complete:
            self._link_timer.start()
        self.data = data
        self._nonworking.clear()
        if fit:
            self.fit()
        self.header.update()
        self.body.update()

    def _index_links(self) -> None:
        if self._links.step():
            self._link_timer.stop()

    def _on_rows_rebuilt(self) -> None:
        """A filter, grouping or sort: the group rows' roll-ups changed, so their bars are made again."""
        if self._bars is not None:
            self._bars.forget(())
        self.body.update()

    def bar(self, key: str) -> BarSpec | None:
        return None if self._bars is None else self._bars.get(key)

    def is_editable(self, key: str) -> bool:
        return not self.read_only and self.data is not None and key in self.data.activities

    # zoom and scroll --------------------------------------------------------------------------------------------
    def fit(self) -> None:
        """Show the whole project; before the chart has its real width, fit again once it has."""
        span = None if self._bars is None else self._bars.span()
        if span is None:
            return
        self._fit_pending = not self.isVisible()
        self._set_grid(TimeGrid.fit(span[0], span[1], max(self.body.width(), 200)))

    def zoom(self, factor: float, *, anchor_x: float | None = None) -> None:
        anchor = self.body.width() / 2 if anchor_x is None else anchor_x
        self._set_grid(self.grid.zoomed(factor, anchor_x=anchor))

    def scroll_by(self, pixels: float) -> None:
        self._set_grid(self.grid.scrolled_to(self.grid.offset + pixels))

    def scroll_to_date(self, moment: dt.datetime) -> None:
        self._set_grid(self.grid.scrolled_to(self.grid.offset + self.grid.x_of(moment) - 40))

    def _set_grid(self, grid: TimeGrid) -> None:
        changed_zoom = grid.px_per_day != self.grid.px_per_day
        self.grid = grid
        self.hbar.blockSignals(True)
        self.hbar.setValue(int(max(min(grid.offset, self.hbar.maximum()), self.hbar.minimum())))
        self.hbar.blockSignals(False)
        self.header.update()
        self.body.update()
        if changed_zoom:
            self.sig_zoom_changed.emit(grid.px_per_day)

    def _on_hbar_value_changed(self, value: int) -> None:
        self.grid = self.grid.scrolled_to(float(value))
        self.header.update()
        self.body.update()

    def _on_tree_layout_changed(self) -> None:
        self.body.update()

    def _column_header(self) -> QHeaderView:
        tree = self.tree
        if isinstance(tree, QTreeView):
            return tree.header()
        if isinstance(tree, QTableView):
            return tree.horizontalHeader()
        raise TypeError(f"the Gantt follows a tree or a table view, not {type(tree).__name__}")

    def _sync_header_height(self) -> None:
        height = max(self._column_header().height(), 36)
        self.header.setFixedHeight(height)

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.hbar.setPageStep(max(self.body.width(), 1))
        if self._fit_pending:
            self.fit()

    # selection --------------------------------------------------------------------------------------------------
    def select_key(self, key: str) -> None:
        if self._select_key is not None:
            self._select_key(key)

    def _selected_keys(self) -> set[str]:
        keys = set()
        for index in self.tree.selectionModel().selectedRows(0):
            key = self.rows.key_of(index)
            if key is not None:
                keys.add(key)
        return keys

    # geometry ---------------------------------------------------------------------------------------------------
    def visible_slots(self, height: int) -> tuple[list[RowSlot], list[Slot]]:
        rows = self.rows.visible(height)
        slots = []
        for row in rows:
            bar = self.bar(row.key)
            if bar is not None:
                slots.append(Slot(bar, float(row.y), float(row.height)))
        return rows, slots

    def hit(self, x: float, y: float, *, loose: bool = False) -> Hit | None:
        _, slots = self.visible_slots(self.body.height())
        found = self.bar_painter.hit(self.grid, slots, x, y)
        if found is None and loose:
            row = self.rows.row_at(int(y))
            if row is not None and self.bar(row.key) is not None and self.is_editable(row.key):
                return Hit(row.key, Part.BODY)
        return found

    def tooltip_at(self, x: float, y: float) -> str:
        hit = self.hit(x, y)
        if hit is None or self.data is None:
            return ""
        bar = self.bar(hit.key)
        if bar is None:
            return ""
        activity = self.data.activities.get(hit.key)
        title = f"{activity.code} — {activity.name}" if activity else bar.label
        lines = [title, f"Start: {bar.start:%d-%b-%y %H:%M}", f"Finish: {bar.finish:%d-%b-%y %H:%M}"]
        if bar.total_float_hours is not None:
            lines.append(f"Total float: {bar.total_float_hours / 8:.1f}d ({bar.total_float_hours:g}h)")
        if bar.critical:
            lines.append("Critical")
        return "\n".join(lines)

    # painting ---------------------------------------------------------------------------------------------------
    def paint_body(self, painter: QPainter, width: int, height: int, drag: Drag | None) -> None:
        s = self.style_
        painter.fillRect(0, 0, width, height, s.background)
        self._paint_nonworking(painter, width, height)
        _, minor = self.grid.tiers()
        painter.setPen(QPen(s.grid_line, 1.0))
        for tick in self.grid.ticks(minor, 0.0, float(width)):
            painter.drawLine(int(tick.x), 0, int(tick.x), height)
        rows, slots = self.visible_slots(height)
        selected = self._selected_keys()
        for row in rows:
            if row.key in selected:
                painter.fillRect(QRectF(0, row.y, width, row.height), s.selection)
        self.link_painter.paint(painter, self.grid, self._visible_links(slots))
        self.bar_painter.paint(painter, self.grid, slots)
        self._paint_lines(painter, height)
        if drag is not None and drag.moved:
            self._paint_drag(painter, drag, slots)

    def _paint_nonworking(self, painter: QPainter, width: int, height: int) -> None:
        if self.data is None or not self.data.calendars:
            return
        calendar = self.data.default_calendar()
        for day, x, w in self.grid.day_columns(0.0, float(width)):
            off = self._nonworking.get(day)
            if off is None:
                off = not calendar.intervals_on(day)
                self._nonworking[day] = off
            if off:
                painter.fillRect(QRectF(x, 0, w, height), self.style_.nonworking)

    def _paint_lines(self, painter: QPainter, height: int) -> None:
        if self.data is None:
            return
        s = self.style_
        dd = self.grid.x_of(self.data.project.effective_data_date)
        painter.setPen(QPen(s.data_date, 1.5, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(dd, 0), QPointF(dd, height))
        today = self.grid.x_of(dt.datetime.combine(dt.date.today(), dt.time()))
        painter.setPen(QPen(s.today, 1.0, Qt.PenStyle.DotLine))
        painter.drawLine(QPointF(today, 0), QPointF(today, height))

    def _visible_links(self, slots: list[Slot]) -> list[LinkSpec]:
        by_key = {slot.bar.key: slot for slot in slots}
        seen: set[str] = set()
        links: list[LinkSpec] = []
        for rels in self._links.links_of(by_key).values():
            for rel in rels:
                if rel.id in seen:
                    continue
                seen.add(rel.id)
                p_slot = by_key.get(rel.predecessor_id) or self._offscreen_slot(rel.predecessor_id)
                s_slot = by_key.get(rel.successor_id) or self._offscreen_slot(rel.successor_id)
                if p_slot is None or s_slot is None:
                    continue
                critical = p_slot.bar.critical and s_slot.bar.critical
                links.append(LinkSpec(p_slot, s_slot, rel.type, critical))
        return links

    def _offscreen_slot(self, key: str) -> Slot | None:
        bar = self.bar(key)
        where = self.rows.slot_of(key) if bar is not None else None
        if bar is None or where is None:
            return None
        return Slot(bar, float(where[0]), float(where[1]))

    def _paint_drag(self, painter: QPainter, drag: Drag, slots: list[Slot]) -> None:
        color = QColor(self.style_.task_edge)
        painter.setPen(QPen(color, 1.5, Qt.PenStyle.DashLine))
        source = next((s for s in slots if s.bar.key == drag.hit.key), None)
        if drag.mode is DragMode.LINK or source is None:
            painter.drawLine(QPointF(drag.press_x, drag.press_y), QPointF(drag.x, drag.y))
            return
        rect = bar_rect(self.grid, source, self.style_)
        dx = drag.x - drag.press_x
        ghost = rect.adjusted(0, 0, dx, 0) if drag.mode is DragMode.RESIZE else rect.translated(dx, 0)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(ghost)
