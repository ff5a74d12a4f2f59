"""Shows a fidelity report after an import or export: what was read or written, and what was dropped or
converted, grouped by finding, with the rows it concerns; the planner can save it as JSON to send on.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bbschedule.formats.fidelity import FidelityReport

MAX_ROWS_PER_FINDING = 200


class FidelityDialog(QDialog):
    def __init__(self, report: FidelityReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        verb = "Imported" if report.direction == "import" else "Exported"
        self.setWindowTitle(f"{verb} {Path(report.path).name}")
        self.resize(720, 460)
        counts = ", ".join(f"{n} {name}" for name, n in report.counts.items() if n)
        self.summary = QLabel(f"<b>{verb} {report.format.upper()}</b>: {counts or 'nothing'}")
        self.summary.setWordWrap(True)
        self.findings = QTreeWidget()
        self.findings.setHeaderLabels(["Finding", "Count", "Where"])
        self.findings.setColumnWidth(0, 420)
        groups: dict[str, QTreeWidgetItem] = {}
        shown: dict[str, int] = {}
        for item in report.items:
            group = groups.get(item.code)
            if group is None:
                group = QTreeWidgetItem([f"[{item.severity.value}] {item.message}", "0", ""])
                groups[item.code] = group
                self.findings.addTopLevelItem(group)
            group.setText(1, str(int(group.text(1)) + 1))
            if shown.get(item.code, 0) < MAX_ROWS_PER_FINDING:
                shown[item.code] = shown.get(item.code, 0) + 1
                group.addChild(QTreeWidgetItem([item.message, "", item.where]))
        if not report.items:
            self.findings.addTopLevelItem(QTreeWidgetItem(["Nothing was dropped or converted.", "", ""]))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close | QDialogButtonBox.StandardButton.Save)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.on_save_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.findings, 1)
        layout.addWidget(buttons)

    def save_to(self, path: Path) -> None:
        path.write_text(json.dumps(self.report.to_json(), indent=1), encoding="utf-8")

    def on_save_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save fidelity report", "fidelity-report.json", "JSON (*.json)")
        if name:
            self.save_to(Path(name))
