"""P6 XML resources: <Resource> with its <ResourceRate> rows and parent, read into core Resources."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bbschedule.core.calendar import Calendar
from bbschedule.core.enums import ResourceType
from bbschedule.core.errors import InputFileError, ValidationError
from bbschedule.core.resource import Resource, ResourceRate
from bbschedule.formats.pmxml.vocabulary import RESOURCE_TYPES
from bbschedule.formats.xml_safety import Reader, line_of

if TYPE_CHECKING:
    from lxml import etree


def read_resources(
    r: Reader, root: etree._Element, *, path: str, calendars: dict[str, Calendar]
) -> dict[str, Resource]:
    """Resources by ObjectId, with their rates (ResourceRate) and parents."""
    out: dict[str, Resource] = {}
    rates: dict[str, list[ResourceRate]] = {}
    for el in r.children(root, "ResourceRate"):
        owner = r.text(el, "ResourceObjectId") or ""
        effective = r.date(el, "EffectiveDate")
        if effective is None:
            continue
        rates.setdefault(owner, []).append(
            ResourceRate(
                effective.date(),
                max(0.0, r.number(el, "PricePerUnit")),
                r.number(el, "MaxUnitsPerTime", 1.0),
            )
        )
    parents: dict[str, str] = {}
    for el in r.children(root, "Resource"):
        object_id = r.text(el, "ObjectId")
        if object_id is None:
            raise InputFileError(path, "a resource has no ObjectId", line=line_of(el), field="Resource/ObjectId")
        kind = RESOURCE_TYPES.get((r.text(el, "ResourceType") or "labor").lower(), ResourceType.LABOR)
        calendar = calendars.get(r.text(el, "CalendarObjectId") or "")
        try:
            resource = Resource(
                code=r.text(el, "Id") or object_id,
                name=r.text(el, "Name") or r.text(el, "Id") or object_id,
                type=kind,
                unit="h" if kind is not ResourceType.MATERIAL else (r.text(el, "UnitOfMeasureAbbreviation") or "unit"),
                calendar_id=calendar.id if calendar else None,
                rates=tuple(sorted(rates.get(object_id, []), key=lambda x: x.effective_from)),
                source_id=object_id,
            )
        except ValidationError as exc:
            raise InputFileError(path, exc.message, line=line_of(el), field=exc.field) from None
        out[object_id] = resource
        parent = r.text(el, "ParentObjectId")
        if parent:
            parents[object_id] = parent
    for child, parent in parents.items():
        if parent in out:
            out[child] = replace(out[child], parent_id=out[parent].id)
    return out
