"""The profile settings telemetry reads: settings.json in the data folder (written by a preferences dialog, or by
hand on a managed machine), with environment variables taking precedence for scripts and support.

Keys: "telemetry_include_content" (bool: project names and file names may go into spans), "server_dsn" (the
central server this profile synchronises with, without its password).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from bbschedule.telemetry import locations

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"


@dataclass(frozen=True)
class TelemetrySettings:
    include_content: bool = False
    server_dsn: str | None = None


def read_settings(profile: Path | None) -> TelemetrySettings:
    """The settings of the profile; a missing or unreadable file means the defaults (nothing shared)."""
    raw: object = {}
    try:
        path = locations.data_dir(profile) / SETTINGS_FILE
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        log.warning("ignoring the profile settings: %s", exc)
    values = raw if isinstance(raw, dict) else {}
    server = os.environ.get("BBSCHEDULE_SERVER") or values.get("server_dsn")
    return TelemetrySettings(
        include_content=values.get("telemetry_include_content") is True,
        server_dsn=str(server) if server else None,
    )
