"""Turns the chart's drag intents into commands on the session; a move asks the planner how it should hold."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from bbschedule.core.errors import BBScheduleError
from bbschedule.services.gantt_edits import MoveOption, link_command, move_options, resize_command
from bbschedule.services.session import ProjectSession
from bbschedule.ui.gantt.chart import GanttChart
from bbschedule.ui.gantt.drag import Intent, LinkIntent, MoveIntent, ResizeIntent

Chooser = Callable[[str, Sequence[MoveOption]], MoveOption | None]


def ask_planner(parent: QWidget) -> Chooser:
    """A chooser that asks with a message box: the move holds only through one of the options."""

    def choose(activity_code: str, options: Sequence[MoveOption]) -> MoveOption | None:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Move activity")
        box.setText(
            f"{activity_code}'s dates come from its logic. The move can only hold through a constraint or a lag."
        )
        buttons = [(box.addButton(option.label, QMessageBox.ButtonRole.AcceptRole), option) for option in options]
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        return next((option for button, option in buttons if button is clicked), None)

    return choose


class GanttEditController(QObject):
    def __init__(
        self,
        session: ProjectSession,
        chart: GanttChart,
        *,
        choose: Chooser,
        report: Callable[[str], None],
    ) -> None:
        super().__init__(chart)
        self.session = session
        self.chart = chart
        self.choose = choose
        self.report = report
        chart.sig_intent.connect(self.on_chart_intent)

    def on_chart_intent(self, intent: Intent) -> None:
        try:
            self.session.ensure_loaded()  # the move options read the activity's links
            data = self.session.data
            if isinstance(intent, LinkIntent):
                self.session.apply(link_command(data, intent.predecessor, intent.successor, intent.type))
            elif isinstance(intent, ResizeIntent):
                bar = self.chart.bar(intent.key)
                if bar is not None:
                    self.session.apply(resize_command(data, intent.key, bar.start, intent.new_finish))
            elif isinstance(intent, MoveIntent):
                bar = self.chart.bar(intent.key)
                if bar is None:
                    return
                options = move_options(data, intent.key, bar.start, intent.new_start)
                choice = self.choose(data.activities[intent.key].code, options)
                if choice is not None:
                    self.session.apply(choice.command)
        except BBScheduleError as exc:
            self.report(str(exc))
