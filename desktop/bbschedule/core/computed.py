"""What scheduling computed for one activity: a cached result, never a user edit, never synced."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ComputedDates:
    early_start: dt.datetime | None
    early_finish: dt.datetime | None
    late_start: dt.datetime | None
    late_finish: dt.datetime | None
    total_float: int | None
    """Working minutes on the activity's calendar."""
    free_float: int | None
    critical: bool = False
    longest_path: bool = False
