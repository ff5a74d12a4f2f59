"""The main window's layout kept between runs: geometry, docks, the table/Gantt split and the table's columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings

from bbschedule.ui.columns import COLUMNS

if TYPE_CHECKING:
    from bbschedule.ui.main_window import MainWindow

STATE_VERSION = 1
"""Qt's version stamp on the saved dock layout: raise it when the docks change, so an old layout is ignored."""


def restore_layout(window: MainWindow, settings: QSettings) -> None:
    for key, restore in (
        ("window/geometry", window.restoreGeometry),
        ("window/state", lambda state: window.restoreState(state, STATE_VERSION)),
        ("window/splitter", window.splitter.restoreState),
        ("table/header", window.activity_view.header().restoreState),
    ):
        value = settings.value(key)
        if isinstance(value, QByteArray):
            restore(value)
            if key == "table/header":
                _hide_new_columns(window, settings)


def _hide_new_columns(window: MainWindow, settings: QSettings) -> None:
    """Columns added since the table's layout was saved keep their default visibility (Qt would show them)."""
    saved = settings.value("table/columns")
    known = {saved} if isinstance(saved, str) else set(saved) if isinstance(saved, list) else set()
    for number, column in enumerate(COLUMNS):
        if column.hidden and column.key not in known:
            window.activity_view.setColumnHidden(number, True)


def save_layout(window: MainWindow, settings: QSettings) -> None:
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState(STATE_VERSION))
    settings.setValue("window/splitter", window.splitter.saveState())
    settings.setValue("table/header", window.activity_view.header().saveState())
    settings.setValue("table/columns", [column.key for column in COLUMNS])
    settings.sync()
