"""One call for the composition root: logging, logfire, the crash hooks and the clean-shutdown marker together.

app.py calls start_telemetry() before building the window and runtime.shutdown() after the event loop ends; the
CLI calls it with gui=False (log file only, no marker: commands are short and do not hold unsaved work).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bbschedule import __version__
from bbschedule.telemetry import locations
from bbschedule.telemetry.crash import CrashHandler, install_crash_handler
from bbschedule.telemetry.logging_setup import configure_logging
from bbschedule.telemetry.observability import ObservabilityStatus, configure_observability
from bbschedule.telemetry.recovery import PreviousRun, RunMarker
from bbschedule.telemetry.settings import read_settings

log = logging.getLogger(__name__)


@dataclass
class TelemetryRuntime:
    profile: Path | None
    log_file: Path | None
    """None when the profile's folders cannot be written: the application then reports that itself."""
    observability: ObservabilityStatus
    crash_handler: CrashHandler
    marker: RunMarker | None
    previous_run: PreviousRun | None

    @property
    def log_dir(self) -> Path:
        if self.log_file is not None:
            return self.log_file.parent
        return (self.profile or Path.cwd()) / "logs"

    @property
    def unclean_exit(self) -> bool:
        """The previous run of this profile crashed or was killed (the next start offers recovery)."""
        return self.previous_run is not None and not self.previous_run.alive

    def shutdown(self) -> None:
        """A clean exit: remove the marker, restore the hooks, flush the spans still buffered."""
        if self.marker is not None:
            self.marker.mark_clean_exit()
        self.crash_handler.uninstall()
        if self.observability.configured:
            import logfire

            logfire.force_flush(timeout_millis=2000)
        log.info("clean shutdown")


def start_telemetry(
    profile: Path | None, *, gui: bool, include_content: bool | None = None, verbose: bool = False
) -> TelemetryRuntime:
    """include_content None: as the profile's settings say (telemetry_include_content, default off)."""
    # A profile folder that cannot be written must not end in a traceback here: the application names the
    # folder in a clear error (exit 2) itself, so telemetry steps back to what still works.
    log_file: Path | None = None
    data_dir: Path | None = None
    try:
        data_dir = locations.data_dir(profile)
        log_file = configure_logging(
            folder=locations.log_dir(profile), level=logging.DEBUG if verbose else logging.INFO
        )
    except OSError as exc:
        log.warning("no log file: the profile folder %s cannot be written (%s)", profile, exc)
    log.info("BBSchedule %s starting (profile %s, %s)", __version__, profile or "default", "gui" if gui else "cli")
    if include_content is None:
        include_content = read_settings(profile).include_content if data_dir is not None else False
    status = configure_observability(include_content=include_content, data_dir=data_dir)
    handler = install_crash_handler()
    marker = RunMarker(data_dir) if gui and data_dir is not None else None
    previous = None
    if marker is not None:
        try:
            previous = marker.start(version=__version__)
        except OSError as exc:
            log.warning("no clean-exit marker in %s: %s", data_dir, exc)
            marker = None
    return TelemetryRuntime(
        profile=profile,
        log_file=log_file,
        observability=status,
        crash_handler=handler,
        marker=marker,
        previous_run=previous,
    )
