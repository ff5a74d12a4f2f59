"""Resources, their rates, and what activities consume of them (assignments and expenses)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bbschedule.core.enums import ResourceType
from bbschedule.core.errors import ValidationError
from bbschedule.core.ids import new_id


@dataclass(frozen=True, slots=True)
class ResourceRate:
    effective_from: dt.date
    price_per_unit: float
    max_units_per_hour: float = 1.0


@dataclass(frozen=True, slots=True)
class Resource:
    code: str
    name: str
    type: ResourceType = ResourceType.LABOR
    unit: str = "h"
    calendar_id: str | None = None
    rates: tuple[ResourceRate, ...] = ()
    parent_id: str | None = None
    id: str = field(default_factory=new_id)
    source_id: str | None = None

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise ValidationError("resource.code", "a resource needs a code")
        if not self.name.strip():
            raise ValidationError("resource.name", f"{self.code}: a resource needs a name")
        for rate in self.rates:
            if rate.price_per_unit < 0:
                raise ValidationError("resource.rates", f"{self.code}: a price cannot be negative")

    def price_on(self, day: dt.date) -> float:
        price = 0.0
        for rate in sorted(self.rates, key=lambda r: r.effective_from):
            if rate.effective_from <= day:
                price = rate.price_per_unit
        if price == 0.0 and self.rates:
            price = min(self.rates, key=lambda r: r.effective_from).price_per_unit
        return price


@dataclass(frozen=True, slots=True)
class Assignment:
    activity_id: str
    resource_id: str
    budgeted_units: float = 0.0
    actual_units: float = 0.0
    remaining_units: float = 0.0
    budgeted_cost: float = 0.0
    actual_cost: float = 0.0
    remaining_cost: float = 0.0
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        for name in ("budgeted_units", "actual_units", "remaining_units"):
            if getattr(self, name) < 0:
                raise ValidationError(f"assignment.{name}", "units cannot be negative")


@dataclass(frozen=True, slots=True)
class Expense:
    activity_id: str
    name: str
    budgeted_cost: float = 0.0
    actual_cost: float = 0.0
    remaining_cost: float = 0.0
    id: str = field(default_factory=new_id)
