"""The window's edit operations: add and delete activities, link them, undo and redo.

Each builds a core command and hands it to the session; a refusal becomes a status-bar message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bbschedule.core.activity import Activity
from bbschedule.core.changes import ChangeSet
from bbschedule.core.commands import AddActivity, AddRelationship, Command, DeleteObjects
from bbschedule.core.errors import BBScheduleError
from bbschedule.ui.dialogs import RelationshipDialog
from bbschedule.ui.edits import next_activity_code

if TYPE_CHECKING:
    from bbschedule.ui.main_window import MainWindow


class ActivityEditing:
    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def apply(self, command: Command) -> ChangeSet | None:
        """Hand a command to the session; a refusal is reported in the status bar and changes nothing."""
        session = self.window.session
        if session is None:
            return None
        try:
            return session.apply(command)
        except BBScheduleError as exc:
            self.window.show_message(f"Not changed: {getattr(exc, 'message', None) or exc}")
            return None

    def step(self, *, undo: bool) -> None:
        win = self.window
        if win.session is None:
            return
        try:
            change_set = win.session.undo() if undo else win.session.redo()
        except (IndexError, BBScheduleError) as exc:
            win.show_message(f"Could not {'undo' if undo else 'redo'}: {exc}")
            return
        ids = [c.id for c in change_set.changes if c.kind == "activity" and c.after is not None]
        if ids:
            win.activity_view.select_ids(ids)
        win.show_message(f"{'Undone' if undo else 'Redone'}: {change_set.label}")

    def add_activity(self) -> None:
        """A new activity below the current row, in its WBS, named for the planner to overwrite at once."""
        win = self.window
        if win.session is None:
            return
        data = win.session.data
        current = win.activity_view.current_object_id()
        after = data.activities.get(current or "")
        wbs_id = after.wbs_id if after is not None else (current if current in data.wbs else None)
        calendar = data.default_calendar()
        activity = Activity(
            next_activity_code(data, after=after.code if after is not None else None),
            "New Activity",
            calendar.id,
            wbs_id=wbs_id,
            original_duration=round(5 * calendar.hours_per_day * 60),
        )
        if self.apply(AddActivity(activity)) is not None:
            win.activity_view.select_ids([activity.id])
            win.activity_view.edit(win.activity_model.index_of(activity.id, 1))

    def delete_activities(self) -> None:
        win = self.window
        ids = win.activity_view.selected_ids(ordered=False)
        if not ids:
            win.show_message("Select the activities to delete")
            return
        if self.apply(DeleteObjects("activity", tuple(ids))) is not None:
            win.show_message(f"Deleted {len(ids)} activit{'y' if len(ids) == 1 else 'ies'} (Undo brings them back)")

    def add_relationship(self) -> None:
        win = self.window
        if win.session is None or not win.session.data.activities:
            return
        ids = win.activity_view.selected_ids()
        dialog = RelationshipDialog(
            win.session.data,
            predecessor=ids[0] if ids else None,
            successor=ids[1] if len(ids) > 1 else None,
            parent=win,
        )
        if dialog.exec() != dialog.DialogCode.Accepted:
            return
        try:
            relationship = dialog.relationship()
        except (ValueError, BBScheduleError) as exc:
            win.show_message(f"Not changed: {getattr(exc, 'message', None) or exc}")
            return
        self.apply(AddRelationship(relationship))
