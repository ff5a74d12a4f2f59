"""Baselines: immutable snapshots of activity dates and costs to compare progress against."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bbschedule.core.errors import ValidationError
from bbschedule.core.ids import new_id


@dataclass(frozen=True, slots=True)
class BaselineActivity:
    activity_id: str
    start: dt.datetime | None
    finish: dt.datetime | None
    duration: int = 0
    budgeted_cost: float = 0.0


@dataclass(frozen=True, slots=True)
class Baseline:
    name: str
    taken_at: dt.datetime
    activities: tuple[BaselineActivity, ...] = ()
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError("baseline.name", "a baseline needs a name")

    def by_activity(self) -> dict[str, BaselineActivity]:
        return {row.activity_id: row for row in self.activities}
