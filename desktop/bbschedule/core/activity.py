"""Activities and the relationships between them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bbschedule.core.enums import ActivityType, ConstraintType, DurationType, PercentCompleteType, RelationshipType
from bbschedule.core.errors import ValidationError
from bbschedule.core.ids import new_id


@dataclass(frozen=True, slots=True)
class Constraint:
    type: ConstraintType
    date: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.type.needs_date and self.date is None:
            raise ValidationError("constraint.date", f"{self.type.value} needs a date")


@dataclass(frozen=True, slots=True)
class Activity:
    """One activity; durations are working minutes on the activity's calendar."""

    code: str
    name: str
    calendar_id: str
    wbs_id: str | None = None
    type: ActivityType = ActivityType.TASK
    duration_type: DurationType = DurationType.FIXED_DURATION_AND_UNITS
    percent_complete_type: PercentCompleteType = PercentCompleteType.DURATION
    original_duration: int = 0
    remaining_duration: int | None = None
    """None: not yet progressed, the remaining duration follows the original one."""
    actual_duration: int = 0
    physical_percent_complete: float = 0.0
    primary_constraint: Constraint | None = None
    secondary_constraint: Constraint | None = None
    actual_start: dt.datetime | None = None
    actual_finish: dt.datetime | None = None
    expected_finish: dt.datetime | None = None
    suspend_date: dt.datetime | None = None
    resume_date: dt.datetime | None = None
    planned_start: dt.datetime | None = None
    planned_finish: dt.datetime | None = None
    quantity: float | None = None
    quantity_unit: str = ""
    production_rate: float | None = None
    """Quantity per working hour."""
    location_start: float | None = None
    location_end: float | None = None
    notes: str = ""
    codes: dict[str, str] = field(default_factory=dict)
    """Activity code type id -> code value id."""
    user_fields: dict[str, Any] = field(default_factory=dict)
    """User field id -> value (str, float or ISO date string)."""
    id: str = field(default_factory=new_id)
    source_id: str | None = None

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise ValidationError("activity.code", "an activity needs an Activity ID")
        if not self.name.strip():
            raise ValidationError("activity.name", f"{self.code}: an activity needs a name")
        if not self.calendar_id:
            raise ValidationError("activity.calendar_id", f"{self.code}: an activity needs a calendar")
        for name in ("original_duration", "actual_duration"):
            if getattr(self, name) < 0:
                raise ValidationError(f"activity.{name}", f"{self.code}: a duration cannot be negative")
        if self.remaining_duration is not None and self.remaining_duration < 0:
            raise ValidationError("activity.remaining_duration", f"{self.code}: a duration cannot be negative")
        if not 0.0 <= self.physical_percent_complete <= 100.0:
            raise ValidationError("activity.physical_percent_complete", f"{self.code}: must be 0 to 100")
        if self.actual_finish is not None and self.actual_start is None:
            raise ValidationError("activity.actual_finish", f"{self.code}: an actual finish needs an actual start")
        if self.actual_finish is not None and self.actual_start is not None and self.actual_finish < self.actual_start:
            raise ValidationError("activity.actual_finish", f"{self.code}: is before the actual start")
        if self.type.is_milestone and self.original_duration != 0:
            raise ValidationError("activity.original_duration", f"{self.code}: a milestone has no duration")

    @property
    def remaining(self) -> int:
        """Remaining working minutes: zero once finished, the original duration before progress."""
        if self.actual_finish is not None:
            return 0
        return self.original_duration if self.remaining_duration is None else self.remaining_duration

    @property
    def is_started(self) -> bool:
        return self.actual_start is not None

    @property
    def is_complete(self) -> bool:
        return self.actual_finish is not None

    @property
    def duration_percent_complete(self) -> float:
        if self.is_complete:
            return 100.0
        if self.original_duration <= 0:
            return 0.0
        return max(0.0, min(100.0, 100.0 * (1 - self.remaining / self.original_duration)))


@dataclass(frozen=True, slots=True)
class Relationship:
    predecessor_id: str
    successor_id: str
    type: RelationshipType = RelationshipType.FS
    lag: int = 0
    """Working minutes on the lag calendar; negative is a lead."""
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        if self.predecessor_id == self.successor_id:
            raise ValidationError("relationship.successor_id", "an activity cannot be related to itself")
