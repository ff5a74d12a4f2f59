"""The keys rows refer to each other by in the workbook: Activity ID, WBS Code, calendar name, Resource ID.

The model does not force them to be unique (ids do that); the workbook needs them unique, so duplicates get
a suffix and the fidelity report says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bbschedule.core.project_data import ProjectData
from bbschedule.formats.fidelity import FidelityReport, Severity


def unique_labels(
    items: Iterable[tuple[str, str]], *, kind: str, report: FidelityReport, fallback: str = "X"
) -> dict[str, str]:
    """id -> label; a blank or repeated label becomes 'label (2)' (or fallback-n) and is reported."""
    out: dict[str, str] = {}
    seen: set[str] = set()
    for obj_id, raw in items:
        label = raw.strip() or f"{fallback}{len(out) + 1}"
        if label.lower() in seen or label != raw:
            base, n = label, 2
            while label.lower() in seen:
                label, n = f"{base} ({n})", n + 1
            report.add(Severity.CONVERTED, f"{kind}.key", f"{raw!r} is written as {label!r} to be unique", kind)
        seen.add(label.lower())
        out[obj_id] = label
    return out


@dataclass(frozen=True)
class Keys:
    activities: dict[str, str]
    wbs: dict[str, str]
    calendars: dict[str, str]
    resources: dict[str, str]
    code_types: dict[str, str]
    user_fields: dict[str, str]
    lag_hours_per_day: float

    @classmethod
    def build(cls, data: ProjectData, report: FidelityReport) -> Keys:
        def labels(pairs: Iterable[tuple[str, str]], kind: str, fallback: str) -> dict[str, str]:
            return unique_labels(pairs, kind=kind, report=report, fallback=fallback)

        hpd = data.default_calendar().hours_per_day if data.calendars else 8.0
        return cls(
            activities=labels(((a.id, a.code) for a in data.activities.values()), "activity", "A"),
            wbs=labels(((w.id, w.code) for w in data.wbs.values()), "wbs", "WBS"),
            calendars=labels(((c.id, c.name) for c in data.calendars.values()), "calendar", "Calendar "),
            resources=labels(((r.id, r.code) for r in data.resources.values()), "resource", "R"),
            code_types=labels(((t.id, t.name) for t in data.code_types.values()), "code_type", "Code "),
            user_fields=labels(((u.id, u.name) for u in data.user_fields.values()), "user_field", "Field "),
            lag_hours_per_day=hpd,
        )
