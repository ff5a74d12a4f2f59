"""Composition root: reads settings, configures telemetry, builds the objects and starts the window."""

from __future__ import annotations

from pathlib import Path


def run_application(*, profile: Path | None, open_path: Path | None, screenshot: Path | None) -> int:
    from bbschedule.ui.application import run

    return run(profile=profile, open_path=open_path, screenshot=screenshot)
