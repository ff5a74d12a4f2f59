"""File > Restore from Backup: the profile's backups, newest first; restoring one reopens the projects from it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
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

from bbschedule.services.backups import backups

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
