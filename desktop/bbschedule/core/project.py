"""Projects, their schedule options, and the EPS and WBS trees that organise them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bbschedule.core.enums import CriticalMode, FloatMode, FloatPathBasis, LagCalendar, ProgressMode
from bbschedule.core.errors import ValidationError
from bbschedule.core.ids import new_id

MAX_FLOAT_PATHS = 999
"""The most float paths one schedule computes: a bound so that a typing slip cannot ask for a path per activity."""


@dataclass(frozen=True, slots=True)
class ScheduleOptions:
    progress_mode: ProgressMode = ProgressMode.RETAINED_LOGIC
    float_mode: FloatMode = FloatMode.FINISH
    critical_mode: CriticalMode = CriticalMode.TOTAL_FLOAT
    critical_float_threshold: int = 0
    """Minutes of total float at or below which an activity is critical."""
    lag_calendar: LagCalendar = LagCalendar.PREDECESSOR
    open_ended_critical: bool = False
    """P6's 'Make open-ended activities critical'."""
    ignore_external_links: bool = True
    multiple_float_paths: bool = False
    """P6's 'Calculate multiple float paths' (Schedule Options, Advanced): the paths come with each schedule."""
    float_path_count: int = 10
    """P6's 'Number of paths to calculate'."""
    float_path_end_activity_id: str | None = None
    """The activity the paths end at ('Display multiple float paths ending with activity'); None: the finish."""
    float_path_by: FloatPathBasis = FloatPathBasis.TOTAL_FLOAT
    """Total float is P6's default for new projects."""

    def __post_init__(self) -> None:
        if not 1 <= self.float_path_count <= MAX_FLOAT_PATHS:
            raise ValidationError(
                "options.float_path_count",
                f"the number of float paths must be 1 to {MAX_FLOAT_PATHS}, not {self.float_path_count}",
            )
        if self.float_path_end_activity_id is not None and not self.float_path_end_activity_id.strip():
            raise ValidationError("options.float_path_end_activity_id", "an ending activity needs an id (or none)")


@dataclass(frozen=True, slots=True)
class Eps:
    """A node of the enterprise project structure."""

    name: str
    code: str = ""
    parent_id: str | None = None
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError("eps.name", "an EPS node needs a name")


@dataclass(frozen=True, slots=True)
class Project:
    code: str
    name: str
    planned_start: dt.datetime
    data_date: dt.datetime | None = None
    must_finish_by: dt.datetime | None = None
    default_calendar_id: str | None = None
    eps_id: str | None = None
    options: ScheduleOptions = field(default_factory=ScheduleOptions)
    currency: str = "USD"
    notes: str = ""
    id: str = field(default_factory=new_id)
    source_id: str | None = None

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise ValidationError("project.code", "a project needs a code")
        if not self.name.strip():
            raise ValidationError("project.name", "a project needs a name")
        if self.must_finish_by is not None and self.must_finish_by < self.planned_start:
            raise ValidationError("project.must_finish_by", "is before the planned start")

    @property
    def effective_data_date(self) -> dt.datetime:
        return self.data_date or self.planned_start


@dataclass(frozen=True, slots=True)
class Wbs:
    """A WBS node; `parent_id` None means it hangs directly under the project."""

    code: str
    name: str
    parent_id: str | None = None
    sequence: int = 0
    id: str = field(default_factory=new_id)
    source_id: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError("wbs.name", "a WBS node needs a name")
        if self.parent_id == self.id:
            raise ValidationError("wbs.parent_id", "a WBS node cannot be its own parent")
