"""Where the window finds its icons, style sheets and sample projects (a checkout, or a frozen bundle)."""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon


def resources_dir() -> Path:
    """BBSCHEDULE_RESOURCES, else the bundle's folder (PyInstaller), else the checkout's resources/."""
    override = os.environ.get("BBSCHEDULE_RESOURCES")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[3] / "resources"


@cache
def icon(name: str) -> QIcon:
    """An icon from resources/icons/<name>.svg; an empty icon when missing, so a lost file never stops the app."""
    path = resources_dir() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()


def style_sheet() -> str:
    path = resources_dir() / "styles" / "app.qss"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def sample_projects() -> list[Path]:
    """The sample project files shipped for a first start, largest first."""
    folder = resources_dir() / "samples"
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.bbs.json"), key=lambda p: p.stat().st_size, reverse=True)
