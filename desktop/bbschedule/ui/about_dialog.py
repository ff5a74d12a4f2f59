"""The About box: the program's version, the Qt and library versions, and where this profile keeps its files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bbschedule import __version__
from bbschedule.telemetry import locations
from bbschedule.telemetry.diagnostics import versions
from bbschedule.telemetry.observability import current_status
from bbschedule.ui.resources import icon


def about_rows(profile: Path | None) -> list[tuple[str, str]]:
    """The (label, value) pairs the box shows, in order; also what Copy puts on the clipboard."""
    found = versions()
    rows = [(name, value) for name, value in found.items() if name != "BBSchedule"]
    # The Qt the program runs on can differ from the wheel's metadata when a system Qt is picked up.
    rows.insert(2, ("Qt runtime", qVersion()))
    rows += [
        ("Data folder", str(locations.data_dir(profile))),
        ("Log folder", str(locations.log_dir(profile))),
        ("Telemetry", current_status().describe()),
    ]
    return rows


class AboutDialog(QDialog):
    def __init__(self, profile: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About BBSchedule")
        self.rows = about_rows(profile)
        layout = QVBoxLayout(self)
        header = QLabel(f"<h2>BBSchedule {__version__}</h2><p>CPM scheduling for construction planners.</p>", self)
        header.setObjectName("aboutHeader")
        logo = QLabel(self)
        logo.setPixmap(icon("app").pixmap(64, 64))
        layout.addWidget(logo, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(header)
        form = QFormLayout()
        for label, value in self.rows:
            shown = QLabel(value, self)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{label}:", shown)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("&Copy Versions", self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.on_copy_clicked)
        layout.addWidget(buttons)

    def text(self) -> str:
        return "\n".join([f"BBSchedule {__version__}", *(f"{label}: {value}" for label, value in self.rows)])

    def on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
