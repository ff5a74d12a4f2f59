"""stdlib logging to rotating files in the profile's log folder: the one place every layer's messages land.

Handlers installed here carry a marker so that configuring twice (tests, a profile switch) replaces, never stacks.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FILE_NAME = "bbschedule.log"
LOG_FORMAT = "%(asctime)s %(levelname)-8s [%(threadName)s] %(name)s: %(message)s"
_MARK = "_bbschedule_handler"


def configure_logging(
    *,
    folder: Path,
    level: int = logging.INFO,
    console: bool = False,
    max_bytes: int = 2_000_000,
    backup_count: int = 5,
) -> Path:
    """Send the root logger to folder/bbschedule.log (rotated at max_bytes, backup_count kept); returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE_NAME
    root = logging.getLogger()
    remove_logging()
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8", delay=False
    )
    file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
    setattr(file_handler, _MARK, True)
    root.addHandler(file_handler)
    if console:
        stream_handler = logging.StreamHandler()
        stream_handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        stream_handler.setLevel(logging.WARNING)
        setattr(stream_handler, _MARK, True)
        root.addHandler(stream_handler)
    root.setLevel(level)
    # Library warnings (deprecations, Qt messages routed through warnings) belong in the same file.
    logging.captureWarnings(True)
    return path


def current_log_file() -> Path | None:
    """The file the root logger writes to, if configure_logging ran."""
    for handler in logging.getLogger().handlers:
        if getattr(handler, _MARK, False) and isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename)
    return None


def remove_logging() -> None:
    """Close and remove the handlers configure_logging installed (the file is released, e.g. for a test's tmp)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _MARK, False):
            root.removeHandler(handler)
            handler.close()
