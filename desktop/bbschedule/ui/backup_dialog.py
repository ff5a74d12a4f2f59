"""File > Restore from Backup: the profile's backups, newest first; restoring one reopens the projects from it.
Also the scheduled backups the window starts (each off the GUI thread)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from bbschedule.core.errors import BBScheduleError
from bbschedule.services.backups import backups, restore_backup, scheduled_backup

if TYPE_CHECKING:
    from bbschedule.ui.main_window import MainWindow

PATH_ROLE = int(Qt.ItemDataRole.UserRole)


class BackupDialog(QDialog):
    """Lets the planner pick a backup; `chosen` is the file to restore once accepted."""

    def __init__(self, profile: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from Backup")
        self.resize(520, 360)
        self.chosen: Path | None = None
        self.list = QListWidget()
        for info in backups(profile):
            local = info.taken_at.astimezone()
            item = QListWidgetItem(f"{local:%d-%b-%Y %H:%M:%S}   {info.size / 1_048_576:.1f} MB   {info.path.name}")
            item.setData(PATH_ROLE, str(info.path))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        note = QLabel(
            "Restoring replaces every project of this profile by the backup's. The cache as it is now is backed up "
            "first, so a restore can itself be undone from this list."
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        restore = self.buttons.addButton("Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        restore.setEnabled(self.list.count() > 0)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Backups of the local cache, newest first:"))
        layout.addWidget(self.list, 1)
        layout.addWidget(note)
        layout.addWidget(self.buttons)

    @override
    def accept(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        self.chosen = Path(self.list.item(row).data(PATH_ROLE))
        super().accept()


def confirm_restore(parent: QWidget, backup: Path) -> bool:
    answer = QMessageBox.question(
        parent, "Restore from Backup", f"Replace the projects of this profile by those in {backup.name}?"
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_and_restore(window: MainWindow) -> None:
    dialog = BackupDialog(window.workspace.profile, window)
    if dialog.exec() != BackupDialog.DialogCode.Accepted or dialog.chosen is None:
        return
    if window.interactive and not confirm_restore(window, dialog.chosen):
        return
    restore_into(window, dialog.chosen)


def restore_into(window: MainWindow, backup: Path) -> None:
    """Replace the cache by a backup and reopen the projects from it (the open sessions are dropped)."""
    window.set_session(None)
    window.workspace.forget_sessions()
    try:
        restore_backup(window.workspace.profile, backup)
    except BBScheduleError as exc:
        window.show_error("Could not restore the backup", exc)
    window.open_largest_project()
    window.refresh_catalog()
    window.show_message(f"Restored {backup.name}")


def start_backups(window: MainWindow, *, every_ms: int) -> QTimer:
    """A backup of the cache now if the newest is old, and again on a timer (parented to the window)."""
    profile = window.workspace.profile

    def backup() -> None:
        threading.Thread(target=scheduled_backup, args=(profile,), name="backup", daemon=True).start()

    timer = QTimer(window)
    timer.timeout.connect(backup)
    timer.start(every_ms)
    backup()
    return timer
