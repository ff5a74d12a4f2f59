"""The fidelity report dialog groups findings and saves the report as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.ui.fidelity_dialog import FidelityDialog


def test_findings_grouped_by_code_and_saved(qtbot: QtBot, tmp_path: Path) -> None:
    report = FidelityReport("/x/site.xer", "xer", "import", counts={"activities": 12, "relationships": 0})
    for row in (3, 7):
        report.add(Severity.CONVERTED, "lag.percent", "percent lag converted to working time", f"TASKPRED line {row}")
    report.add(Severity.DROPPED, "udf.unsupported", "user field of type indicator dropped", "UDFTYPE line 9")
    dialog = FidelityDialog(report)
    qtbot.addWidget(dialog)
    top = [dialog.findings.topLevelItem(i) for i in range(dialog.findings.topLevelItemCount())]
    assert [(t.text(1), t.childCount()) for t in top if t is not None] == [("2", 2), ("1", 1)]
    assert "12 activities" in dialog.summary.text()
    assert "relationships" not in dialog.summary.text()
    out = tmp_path / "report.json"
    dialog.save_to(out)
    saved = json.loads(out.read_text())
    assert saved["summary"] == {"lag.percent": 2, "udf.unsupported": 1}
