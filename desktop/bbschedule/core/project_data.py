"""ProjectData: one project with everything in it, and the integrity rules that span entities."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.baseline import Baseline
from bbschedule.core.calendar import Calendar
from bbschedule.core.codes import ActivityCodeType, ActivityCodeValue, UserField
from bbschedule.core.computed import ComputedDates
from bbschedule.core.errors import ValidationError
from bbschedule.core.project import Project, Wbs
from bbschedule.core.resource import Assignment, Expense, Resource

ENTITY_TYPES: dict[str, type[Any]] = {
    "calendar": Calendar,
    "wbs": Wbs,
    "code_type": ActivityCodeType,
    "code_value": ActivityCodeValue,
    "user_field": UserField,
    "resource": Resource,
    "activity": Activity,
    "relationship": Relationship,
    "assignment": Assignment,
    "expense": Expense,
    "baseline": Baseline,
}
"""Entity kinds in dependency order: a kind refers only to kinds before it."""

ENTITY_KINDS = tuple(ENTITY_TYPES)


@dataclass
class ProjectData:
    project: Project
    calendars: dict[str, Calendar] = field(default_factory=dict)
    wbs: dict[str, Wbs] = field(default_factory=dict)
    code_types: dict[str, ActivityCodeType] = field(default_factory=dict)
    code_values: dict[str, ActivityCodeValue] = field(default_factory=dict)
    user_fields: dict[str, UserField] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)
    activities: dict[str, Activity] = field(default_factory=dict)
    relationships: dict[str, Relationship] = field(default_factory=dict)
    assignments: dict[str, Assignment] = field(default_factory=dict)
    expenses: dict[str, Expense] = field(default_factory=dict)
    baselines: dict[str, Baseline] = field(default_factory=dict)
    computed: dict[str, ComputedDates] = field(default_factory=dict)
    """Scheduling results by activity id: a cache, not part of the project's content."""

    def table(self, kind: str) -> dict[str, Any]:
        tables: dict[str, dict[str, Any]] = {
            "calendar": self.calendars,
            "wbs": self.wbs,
            "code_type": self.code_types,
            "code_value": self.code_values,
            "user_field": self.user_fields,
            "resource": self.resources,
            "activity": self.activities,
            "relationship": self.relationships,
            "assignment": self.assignments,
            "expense": self.expenses,
            "baseline": self.baselines,
        }
        try:
            return tables[kind]
        except KeyError:
            raise ValidationError("kind", f"unknown entity kind {kind!r}") from None

    def rows(self) -> Iterator[tuple[str, Any]]:
        """Every entity as (kind, object), in dependency order."""
        for kind in ENTITY_KINDS:
            for obj in self.table(kind).values():
                yield kind, obj

    def activity_by_code(self, code: str) -> Activity | None:
        for activity in self.activities.values():
            if activity.code == code:
                return activity
        return None

    def default_calendar(self) -> Calendar:
        if self.project.default_calendar_id in self.calendars:
            return self.calendars[self.project.default_calendar_id]
        for calendar in self.calendars.values():
            if calendar.is_default:
                return calendar
        if not self.calendars:
            raise ValidationError("project.default_calendar_id", "the project has no calendar")
        return next(iter(self.calendars.values()))

    def check_refs(self, kind: str, obj: Any) -> None:
        """Refuse an object that refers to something missing from this project."""
        refs = _REFERENCES.get(kind, ())
        for attr, target, optional in refs:
            value = getattr(obj, attr)
            if value is None and optional:
                continue
            if value not in self.table(target):
                raise ValidationError(f"{kind}.{attr}", f"refers to an unknown {target} {value!r}")

    def check_all(self) -> None:
        """Check every reference and every relationship endpoint (used after an import)."""
        if self.project.default_calendar_id is not None and self.project.default_calendar_id not in self.calendars:
            raise ValidationError("project.default_calendar_id", "refers to an unknown calendar")
        for kind, obj in self.rows():
            self.check_refs(kind, obj)

    def predecessors_of(self, activity_id: str) -> list[Relationship]:
        return [r for r in self.relationships.values() if r.successor_id == activity_id]

    def successors_of(self, activity_id: str) -> list[Relationship]:
        return [r for r in self.relationships.values() if r.predecessor_id == activity_id]


_REFERENCES: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "calendar": (("base_calendar_id", "calendar", True),),
    "wbs": (("parent_id", "wbs", True),),
    "code_value": (("type_id", "code_type", False), ("parent_id", "code_value", True)),
    "resource": (("calendar_id", "calendar", True), ("parent_id", "resource", True)),
    "activity": (("calendar_id", "calendar", False), ("wbs_id", "wbs", True)),
    "relationship": (("predecessor_id", "activity", False), ("successor_id", "activity", False)),
    "assignment": (("activity_id", "activity", False), ("resource_id", "resource", False)),
    "expense": (("activity_id", "activity", False),),
}
