"""The window's actions, menus and toolbar, built in one place so that menus, toolbar and shortcuts agree.

The window connects the actions to its slots; this module holds no behaviour.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from bbschedule.ui.resources import icon

StandardKey = QKeySequence.StandardKey


class WindowActions:
    def __init__(self, window: QMainWindow) -> None:
        def make(
            text: str,
            *,
            icon_name: str = "",
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
            tip: str = "",
        ) -> QAction:
            action = QAction(icon(icon_name) if icon_name else icon("none"), text, window)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            if tip:
                action.setStatusTip(tip)
                action.setToolTip(f"{tip} ({action.shortcut().toString()})" if shortcut is not None else tip)
            return action

        self.open = make("&Open / Import…", icon_name="open", shortcut=StandardKey.Open, tip="Import a schedule file")
        self.save = make("&Save", icon_name="save", shortcut=StandardKey.Save, tip="Save the project")
        self.export = make("&Export…", shortcut="Ctrl+Shift+E", tip="Write the project to a file")
        self.quit = make("E&xit", shortcut=StandardKey.Quit, tip="Close BBSchedule")
        self.undo = make("&Undo", icon_name="undo", shortcut=StandardKey.Undo)
        self.redo = make("&Redo", icon_name="redo", shortcut=StandardKey.Redo)
        self.copy = make("&Copy", shortcut=StandardKey.Copy, tip="Copy the selected rows (paste into a spreadsheet)")
        self.add_activity = make("&Add Activity", icon_name="add", shortcut="Ins", tip="Add an activity below")
        self.delete_activity = make(
            "&Delete Activities", icon_name="delete", shortcut=StandardKey.Delete, tip="Delete the selected activities"
        )
        self.add_relationship = make(
            "Add &Relationship…", icon_name="link", shortcut="Ctrl+L", tip="Link the selected activities"
        )
        self.expand_all = make("&Expand All", icon_name="expand", shortcut="Ctrl+Shift+Right", tip="Open every group")
        self.collapse_all = make(
            "&Collapse All", icon_name="collapse", shortcut="Ctrl+Shift+Left", tip="Close every group"
        )
        self.reset_layout = make("&Default Layout", tip="Columns and panels as they first were")
        self.schedule = make(
            "&Schedule", icon_name="schedule", shortcut="F9", tip="Calculate dates and float from the data date"
        )
        self.project_info = make(
            "Project &Properties…", icon_name="project", tip="Data date, planned start and schedule options"
        )
        self.calendars = make("&Calendars…", tip="Work weeks, holidays and exceptions")
        self.import_report = make("&Fidelity Report…", tip="What the last import or export dropped or converted")
        self.restore_backup = make("Restore from &Backup…", tip="Replace this profile's projects by a backup")
        self.about = make("&About BBSchedule")
        # Edit-in-place keys belong to the table: do not let Delete fire while a cell editor has focus.
        for action in (self.add_activity, self.delete_activity, self.copy):
            action.setShortcutContext(action.shortcutContext().WidgetWithChildrenShortcut)

    def build_menus(
        self, window: QMainWindow, *, view_toggles: list[QAction], view_extra: list[QAction]
    ) -> dict[str, QMenu]:
        bar = window.menuBar()
        menus = {
            name: bar.addMenu(title)
            for name, title in (
                ("file", "&File"),
                ("edit", "&Edit"),
                ("view", "&View"),
                ("project", "&Project"),
                ("help", "&Help"),
            )
        }
        menus["file"].addActions([self.open, self.save, self.export, self.import_report, self.restore_backup])
        menus["file"].addSeparator()
        menus["file"].addAction(self.quit)
        menus["edit"].addActions([self.undo, self.redo])
        menus["edit"].addSeparator()
        menus["edit"].addAction(self.copy)
        menus["edit"].addSeparator()
        menus["edit"].addActions([self.add_activity, self.delete_activity, self.add_relationship])
        menus["view"].addActions([self.expand_all, self.collapse_all])
        menus["view"].addSeparator()
        menus["view"].addActions(view_extra)
        menus["view"].addSeparator()
        menus["view"].addActions(view_toggles)
        menus["view"].addSeparator()
        menus["view"].addAction(self.reset_layout)
        menus["project"].addActions([self.schedule, self.project_info, self.calendars])
        menus["help"].addAction(self.about)
        return menus

    def table_context_actions(self) -> list[QAction]:
        """The table's right-click menu (and the keys that only act when the table has focus)."""
        separator = QAction(self.copy.parent())
        separator.setSeparator(True)
        after = QAction(self.copy.parent())
        after.setSeparator(True)
        return [
            self.add_activity,
            self.delete_activity,
            self.add_relationship,
            separator,
            self.copy,
            after,
            self.expand_all,
            self.collapse_all,
        ]

    def build_toolbar(self, window: QMainWindow) -> QToolBar:
        toolbar = window.addToolBar("Standard")
        toolbar.setObjectName("standardToolbar")
        toolbar.setMovable(False)
        toolbar.addActions([self.open, self.save])
        toolbar.addSeparator()
        toolbar.addActions([self.undo, self.redo])
        toolbar.addSeparator()
        toolbar.addActions([self.add_activity, self.delete_activity, self.add_relationship])
        toolbar.addSeparator()
        toolbar.addAction(self.schedule)
        toolbar.addSeparator()
        toolbar.addActions([self.expand_all, self.collapse_all])
        return toolbar
