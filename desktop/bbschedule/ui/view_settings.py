"""What a planner chose to see in a project's activity table (grouping and filter), remembered per project in
the window's settings, so that reopening the project shows it the same way."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from PySide6.QtCore import QSettings

from bbschedule.core.project_data import ProjectData
from bbschedule.services.filters import ActivityFilter, Status

log = logging.getLogger(__name__)
View = tuple[str | None, ActivityFilter]
"""(activity code type the rows are grouped by, None for the WBS; the filter)."""


def _key(project_id: str) -> str:
    return f"projects/{project_id}/view"


def save_view(settings: QSettings, project_id: str, view: View) -> None:
    """Written only when it differs from what is saved (this runs after every rebuild of the rows)."""
    grouping, f = view
    plain = {
        "grouping": grouping,
        "critical_only": f.critical_only,
        "statuses": sorted(s.value for s in f.statuses),
        "text": f.text,
        "window_start": None if f.window_start is None else f.window_start.isoformat(),
        "window_finish": None if f.window_finish is None else f.window_finish.isoformat(),
    }
    text = json.dumps(plain)
    if settings.value(_key(project_id)) != text:
        settings.setValue(_key(project_id), text)


def load_view(settings: QSettings, project_id: str, data: ProjectData | None = None) -> View:
    """The saved view, or the default one (by WBS, no filter) when none was saved or it cannot be read; by WBS
    when the code it was grouped by is no longer in `data`."""
    text = settings.value(_key(project_id))
    if not isinstance(text, str):
        return None, ActivityFilter()
    try:
        plain: dict[str, Any] = json.loads(text)
        grouping = plain.get("grouping")
        start, finish = plain.get("window_start"), plain.get("window_finish")
        f = ActivityFilter(
            critical_only=bool(plain.get("critical_only", False)),
            statuses=frozenset(Status(s) for s in plain.get("statuses", [])),
            text=str(plain.get("text", "")),
            window_start=None if start is None else dt.datetime.fromisoformat(start),
            window_finish=None if finish is None else dt.datetime.fromisoformat(finish),
        )
        known = isinstance(grouping, str) and (data is None or grouping in data.code_types)
        return (grouping if known else None), f
    except (ValueError, TypeError, AttributeError) as exc:  # a hand-edited or older settings file
        log.warning("ignoring the saved table view of project %s: %s", project_id, exc)
        return None, ActivityFilter()
