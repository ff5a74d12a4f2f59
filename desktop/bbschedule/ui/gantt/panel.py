"""The Gantt panel: the chart beside the activity table, its edit controller, and the zoom actions."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QVBoxLayout, QWidget

from bbschedule.core.changes import ChangeSet
from bbschedule.services.session import ProjectSession
from bbschedule.ui.gantt.chart import GanttChart
from bbschedule.ui.gantt.controller import Chooser, GanttEditController, ask_planner
from bbschedule.ui.gantt.time_grid import ZOOM_STEP


class GanttPanel(QWidget):
    def __init__(
        self,
        tree: QAbstractItemView,
        *,
        key_role: int,
        select_key: Callable[[str], None] | None = None,
        report: Callable[[str], None] = print,
        choose: Chooser | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.chart = GanttChart(tree, key_role=key_role, select_key=select_key, parent=self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.chart)
        self._choose = choose or ask_planner(self)
        self._report = report
        self.session: ProjectSession | None = None
        self.controller: GanttEditController | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.action_zoom_in = self._action(
            "Zoom &In", QKeySequence.StandardKey.ZoomIn, lambda: self.chart.zoom(ZOOM_STEP)
        )
        self.action_zoom_out = self._action(
            "Zoom &Out", QKeySequence.StandardKey.ZoomOut, lambda: self.chart.zoom(1 / ZOOM_STEP)
        )
        self.action_fit = self._action("&Fit Whole Project", QKeySequence("Ctrl+0"), self.chart.fit)

    def _action(
        self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey, slot: Callable[[], None]
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def set_session(self, session: ProjectSession | None) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self.controller is not None:
            self.controller.deleteLater()
            self.controller = None
        self.session = session
        if session is None:
            return
        self.chart.read_only = session.read_only
        self.controller = GanttEditController(session, self.chart, choose=self._choose, report=self._report)
        self._unsubscribe = session.subscribe(self.on_session_changed)
        self.chart.set_data(session.data, fit=True)

    def on_session_changed(self, change_set: ChangeSet) -> None:
        if self.session is not None:
            self.chart.set_data(self.session.data, change_set=change_set)
