"""Errors of the local cache that the layers above show to the planner."""

from __future__ import annotations

from bbschedule.core.errors import BBScheduleError


class CacheError(BBScheduleError):
    """The local cache could not do what was asked (the message says what and which file)."""
