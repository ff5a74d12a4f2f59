"""Composition root: configures telemetry (logs, logfire, crash hooks, the clean-exit marker), then starts the
window, and shuts telemetry down cleanly when the window closes."""

from __future__ import annotations

from pathlib import Path


def run_application(*, profile: Path | None, open_path: Path | None, screenshot: Path | None) -> int:
    from bbschedule.telemetry.runtime import start_telemetry
    from bbschedule.ui.application import run

    # The screenshot is a short batch run: a log file, but no recovery marker and no recovery notice.
    runtime = start_telemetry(profile, gui=screenshot is None)
    try:
        return run(profile=profile, open_path=open_path, screenshot=screenshot, telemetry=runtime)
    finally:
        runtime.shutdown()
