"""The fidelity report: what an import or export dropped or converted, for the planner and as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    INFO = "info"
    CONVERTED = "converted"
    DROPPED = "dropped"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class FidelityItem:
    severity: Severity
    code: str
    """A stable key such as 'constraint.unsupported' so that the same finding groups across rows."""
    message: str
    where: str = ""
    """The table, row, element or field the finding is about."""


@dataclass
class FidelityReport:
    path: str
    format: str
    direction: str
    """'import' or 'export'."""
    items: list[FidelityItem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    """What was read or written: activities, relationships, calendars, resources…"""

    def add(self, severity: Severity, code: str, message: str, where: str = "") -> None:
        self.items.append(FidelityItem(severity, code, message, where))

    def summary(self) -> dict[str, int]:
        """How many findings of each code."""
        totals: dict[str, int] = {}
        for item in self.items:
            totals[item.code] = totals.get(item.code, 0) + 1
        return totals

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "direction": self.direction,
            "counts": dict(self.counts),
            "summary": self.summary(),
            "items": [
                {"severity": i.severity.value, "code": i.code, "message": i.message, "where": i.where}
                for i in self.items
            ],
        }
