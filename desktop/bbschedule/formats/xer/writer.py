"""Placeholder until the writer lands."""

from __future__ import annotations

from pathlib import Path

from bbschedule.core.project_data import ProjectData
from bbschedule.formats.fidelity import FidelityReport


def write(data: ProjectData, path: Path) -> FidelityReport:
    raise NotImplementedError
