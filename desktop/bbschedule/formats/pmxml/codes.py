"""P6 activity codes (ActivityCodeType, ActivityCode, Activity/Code) and activity user-defined fields
(UDFType, Activity/UDF) read into core code types, values and user fields, and written back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from bbschedule.core.codes import ActivityCodeType, ActivityCodeValue, UserField
from bbschedule.core.enums import UserFieldType
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.formats.xml_safety import Reader

if TYPE_CHECKING:
    from lxml import etree

UDF_TYPES = {
    "text": UserFieldType.TEXT,
    "double": UserFieldType.NUMBER,
    "integer": UserFieldType.INTEGER,
    "cost": UserFieldType.COST,
    "start date": UserFieldType.DATE,
    "finish date": UserFieldType.DATE,
}
UDF_NAMES = {
    UserFieldType.TEXT: ("Text", "TextValue"),
    UserFieldType.NUMBER: ("Double", "DoubleValue"),
    UserFieldType.INTEGER: ("Integer", "IntegerValue"),
    UserFieldType.COST: ("Cost", "CostValue"),
    UserFieldType.DATE: ("Start Date", "StartDateValue"),
}
_VALUE_TAGS = ("TextValue", "DoubleValue", "IntegerValue", "CostValue", "StartDateValue", "FinishDateValue")


@dataclass
class Codes:
    """Code types, values and activity UDF types by P6 ObjectId, as read so far."""

    types: dict[str, ActivityCodeType] = field(default_factory=dict)
    values: dict[str, ActivityCodeValue] = field(default_factory=dict)
    udfs: dict[str, UserField] = field(default_factory=dict)
    scope: dict[str, str] = field(default_factory=dict)
    """Code type ObjectId -> the project ObjectId it belongs to ('' for global ones)."""

    def read_definitions(self, r: Reader, holder: etree._Element, *, project: str, report: FidelityReport) -> None:
        for el in r.children(holder, "ActivityCodeType"):
            object_id = r.text(el, "ObjectId")
            if object_id is None:
                continue
            scope = (r.text(el, "Scope") or ("Project" if project else "Global")).lower()
            self.types[object_id] = ActivityCodeType(
                name=r.text(el, "Name") or object_id, is_global=scope != "project", source_id=object_id
            )
            self.scope[object_id] = project if scope == "project" else ""
        parents: dict[str, str] = {}
        for el in r.children(holder, "ActivityCode"):
            object_id = r.text(el, "ObjectId")
            code_type = self.types.get(r.text(el, "CodeTypeObjectId") or "")
            if object_id is None or code_type is None or not r.text(el, "CodeValue"):
                report.add(Severity.DROPPED, "code.value_invalid", "an activity code value without type or value")
                continue
            self.values[object_id] = ActivityCodeValue(
                type_id=code_type.id,
                code=r.text(el, "CodeValue") or object_id,
                description=r.text(el, "Description") or "",
                sequence=int(r.number(el, "SequenceNumber")),
                source_id=object_id,
            )
            parent = r.text(el, "ParentObjectId")
            if parent:
                parents[object_id] = parent
        for child, parent in parents.items():
            if parent in self.values:
                self.values[child] = replace(self.values[child], parent_id=self.values[parent].id)
        for el in r.children(holder, "UDFType"):
            object_id = r.text(el, "ObjectId")
            if object_id is None or (r.text(el, "SubjectArea") or "Activity").lower() != "activity":
                continue
            kind = UDF_TYPES.get((r.text(el, "DataType") or "text").lower())
            if kind is None:
                report.add(
                    Severity.CONVERTED, "udf.type", f"{r.text(el, 'DataType')} read as text", r.text(el, "Title") or ""
                )
                kind = UserFieldType.TEXT
            self.udfs[object_id] = UserField(name=r.text(el, "Title") or object_id, data_type=kind, source_id=object_id)

    def fill(self, data: ProjectData, *, project: str) -> None:
        """Put the global definitions and this project's into `data`."""
        for object_id, code_type in self.types.items():
            if self.scope.get(object_id, "") in ("", project):
                data.code_types[code_type.id] = code_type
        for value in self.values.values():
            if value.type_id in data.code_types:
                data.code_values[value.id] = value
        for udf in self.udfs.values():
            data.user_fields[udf.id] = udf

    def of_activity(self, r: Reader, el: etree._Element) -> tuple[dict[str, str], dict[str, Any]]:
        """An activity's code assignments (type id -> value id) and UDF values (field id -> value)."""
        codes: dict[str, str] = {}
        for code in r.children(el, "Code"):
            value = self.values.get(r.text(code, "ValueObjectId") or "")
            if value is not None:
                codes[value.type_id] = value.id
        udfs: dict[str, Any] = {}
        for udf in r.children(el, "UDF"):
            definition = self.udfs.get(r.text(udf, "TypeObjectId") or "")
            if definition is None:
                continue
            for tag in _VALUE_TAGS:
                text = r.text(udf, tag)
                if text is None:
                    continue
                if definition.data_type is UserFieldType.DATE:
                    date = r.date(udf, tag)
                    udfs[definition.id] = date.isoformat() if date else text
                elif definition.data_type in (UserFieldType.NUMBER, UserFieldType.COST, UserFieldType.INTEGER):
                    udfs[definition.id] = r.number(udf, tag)
                else:
                    udfs[definition.id] = text
                break
        return codes, udfs


class CodeWriter:
    """Writes code types, values and UDF types with P6 ObjectIds, and an activity's assignments."""

    def __init__(
        self,
        data: ProjectData,
        *,
        obj: Callable[[etree._Element, str, dict[str, object]], etree._Element],
        sub: Callable[[etree._Element, str, str | None], etree._Element],
        fmt: Callable[[object], str],
    ) -> None:
        self.data = data
        self.obj = obj
        self.sub = sub
        self.fmt = fmt
        self.type_ids = {key: n for n, key in enumerate(data.code_types, start=1)}
        self.value_ids = {key: n for n, key in enumerate(data.code_values, start=1)}
        self.udf_ids = {key: n for n, key in enumerate(data.user_fields, start=1)}

    def udf_types(self, root: etree._Element) -> None:
        for key, udf in self.data.user_fields.items():
            self.obj(
                root,
                "UDFType",
                {
                    "DataType": UDF_NAMES[udf.data_type][0],
                    "ObjectId": self.udf_ids[key],
                    "SubjectArea": "Activity",
                    "Title": udf.name[:40],
                },
            )

    def code_definitions(self, parent: etree._Element, *, is_global: bool, project_id: int) -> None:
        for key, code_type in self.data.code_types.items():
            if code_type.is_global != is_global:
                continue
            self.obj(
                parent,
                "ActivityCodeType",
                {
                    "Name": code_type.name[:40],
                    "ObjectId": self.type_ids[key],
                    "ProjectObjectId": None if is_global else project_id,
                    "Scope": "Global" if is_global else "Project",
                },
            )
        for key, value in self.data.code_values.items():
            owner = self.data.code_types.get(value.type_id)
            if owner is None or owner.is_global != is_global:
                continue
            self.obj(
                parent,
                "ActivityCode",
                {
                    "CodeTypeObjectId": self.type_ids[value.type_id],
                    "CodeValue": value.code[:60],
                    "Description": value.description[:100] or None,
                    "ObjectId": self.value_ids[key],
                    "ParentObjectId": self.value_ids.get(value.parent_id or ""),
                    "ProjectObjectId": None if is_global else project_id,
                    "SequenceNumber": value.sequence,
                },
            )

    def assignments(self, activity_el: etree._Element, codes: dict[str, str], udfs: dict[str, Any]) -> None:
        """Code and UDF children, after the activity's fields as P6's schema orders them."""
        for type_id, value_id in codes.items():
            if type_id in self.type_ids and value_id in self.value_ids:
                self.obj(
                    activity_el,
                    "Code",
                    {"TypeObjectId": self.type_ids[type_id], "ValueObjectId": self.value_ids[value_id]},
                )
        for field_id, value in udfs.items():
            udf = self.data.user_fields.get(field_id)
            if udf is None:
                continue
            tag = UDF_NAMES[udf.data_type][1]
            if udf.data_type is UserFieldType.DATE and isinstance(value, str):
                try:
                    value = dt.datetime.fromisoformat(value)
                except ValueError:
                    continue
            # Not alphabetical here: P6 wants the type first, then the value.
            el = self.sub(activity_el, "UDF", None)
            self.sub(el, "TypeObjectId", str(self.udf_ids[field_id]))
            self.sub(el, tag, self.fmt(value))
