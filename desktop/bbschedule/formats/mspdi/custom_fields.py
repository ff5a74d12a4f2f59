"""MS Project custom fields (ExtendedAttribute) for what MS Project has no field of its own for:
Text1 carries the Activity ID; user fields go to Text2-30, Number1-20, Date1-10 and Cost1-10 under their
names; activity codes become text fields named after their code type. Read back as user fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bbschedule.core.codes import UserField
from bbschedule.core.enums import UserFieldType
from bbschedule.core.project_data import ProjectData
from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.formats.xml_safety import Reader

if TYPE_CHECKING:
    from lxml import etree

# MS Project's own field ids (the same in every version), as MPXJ's FieldTypeHelper lists them.
TEXT = (188743731, 188743734, 188743737, 188743740, 188743743, 188743746, 188743747, 188743748, 188743749, 188743750,
        *range(188743997, 188744017))  # fmt: skip
NUMBER = (188743767, 188743768, 188743769, 188743770, 188743771, *range(188743982, 188743997))
DATE = tuple(range(188743945, 188743955))
COST = (188743786, 188743787, 188743788, *range(188743938, 188743945))
ACTIVITY_ID_FIELD = TEXT[0]
ACTIVITY_ID_ALIAS = "Activity ID"
_POOLS = {
    UserFieldType.TEXT: ("Text", TEXT[1:]),
    UserFieldType.NUMBER: ("Number", NUMBER),
    UserFieldType.INTEGER: ("Number", NUMBER),
    UserFieldType.DATE: ("Date", DATE),
    UserFieldType.COST: ("Cost", COST),
}
_KIND_OF = {
    **{str(f): UserFieldType.TEXT for f in TEXT},
    **{str(f): UserFieldType.NUMBER for f in NUMBER},
    **{str(f): UserFieldType.DATE for f in DATE},
    **{str(f): UserFieldType.COST for f in COST},
}


def _field_name(prefix: str, pool: tuple[int, ...], field_id: int) -> str:
    offset = 1 if prefix == "Text" else 0
    return f"{prefix}{pool.index(field_id) + 1 + offset}"


class CustomFieldWriter:
    """Chooses a custom field for each user field and code type, writes the definitions and task values."""

    def __init__(self, data: ProjectData, report: FidelityReport) -> None:
        self.data = data
        self.fields: dict[str, tuple[int, str, UserFieldType]] = {}
        """User field or code type id -> (MS Project field id, field name, kind)."""
        used = dict.fromkeys(("Text", "Number", "Date", "Cost"), 0)
        wanted: list[tuple[str, str, UserFieldType]] = [
            (f.id, f.name, f.data_type) for f in data.user_fields.values()
        ] + [(t.id, t.name, UserFieldType.TEXT) for t in data.code_types.values()]
        for key, name, kind in wanted:
            prefix, pool = _POOLS[kind]
            if used[prefix] >= len(pool):
                report.add(Severity.DROPPED, "custom_field.full", f"no {prefix} field left in MS Project", name)
                continue
            field_id = pool[used[prefix]]
            used[prefix] += 1
            self.fields[key] = (field_id, _field_name(prefix, pool, field_id), kind)
            if key in data.code_types:
                report.add(Severity.CONVERTED, "code.as_text", f"activity code became custom field {name!r}", name)

    def definitions(self, parent: etree._Element, el: Callable[..., etree._Element]) -> None:
        holder = el(parent, "ExtendedAttributes")
        rows = [(ACTIVITY_ID_FIELD, "Text1", ACTIVITY_ID_ALIAS)]
        names = {**{f.id: f.name for f in self.data.user_fields.values()}}
        names.update({t.id: t.name for t in self.data.code_types.values()})
        rows += [(field_id, field_name, names[key]) for key, (field_id, field_name, _k) in self.fields.items()]
        for field_id, field_name, alias in rows:
            attribute = el(holder, "ExtendedAttribute")
            el(attribute, "FieldID", field_id)
            el(attribute, "FieldName", field_name)
            el(attribute, "Alias", alias)

    def values(self, task: etree._Element, el: Callable[..., etree._Element], *, code: str, activity: Any) -> None:
        self._value(task, el, ACTIVITY_ID_FIELD, code)
        for key, value in activity.user_fields.items():
            if key not in self.fields:
                continue
            field_id, _name, kind = self.fields[key]
            if kind is UserFieldType.COST and isinstance(value, int | float):
                value = round(float(value) * 100)  # MSPDI keeps money in cents
            elif kind is UserFieldType.DATE and isinstance(value, str):
                value = value[:19]
            self._value(task, el, field_id, value)
        for type_id, value_id in activity.codes.items():
            value = self.data.code_values.get(value_id)
            if type_id in self.fields and value is not None:
                self._value(task, el, self.fields[type_id][0], value.code)

    @staticmethod
    def _value(task: etree._Element, el: Callable[..., etree._Element], field_id: int, value: object) -> None:
        attribute = el(task, "ExtendedAttribute")
        el(attribute, "FieldID", field_id)
        el(attribute, "Value", value)


class CustomFieldReader:
    """Task custom fields with a name (Alias) become user fields; Text1 named "Activity ID" the code."""

    def __init__(self, r: Reader, root: etree._Element, report: FidelityReport) -> None:
        self.r = r
        self.report = report
        self.activity_id_field: str | None = None
        self.fields: dict[str, UserField] = {}
        holder = r.child(root, "ExtendedAttributes")
        for attribute in r.children(holder, "ExtendedAttribute") if holder is not None else ():
            field_id = r.text(attribute, "FieldID") or ""
            alias = (r.text(attribute, "Alias") or "").strip()
            if alias.lower() == ACTIVITY_ID_ALIAS.lower():
                self.activity_id_field = field_id
            elif alias and field_id in _KIND_OF:
                self.fields[field_id] = UserField(name=alias, data_type=_KIND_OF[field_id], source_id=field_id)

    def of_task(self, el: etree._Element) -> tuple[str | None, dict[str, Any]]:
        """(Activity ID or None, user field id -> value) of one task."""
        r = self.r
        code: str | None = None
        values: dict[str, Any] = {}
        for attribute in r.children(el, "ExtendedAttribute"):
            field_id = r.text(attribute, "FieldID") or ""
            text = r.text(attribute, "Value")
            if text is None:
                continue
            if field_id == self.activity_id_field:
                code = text
                continue
            definition = self.fields.get(field_id)
            if definition is None:
                continue
            kind = definition.data_type
            if kind is UserFieldType.TEXT:
                values[definition.id] = text
            elif kind is UserFieldType.DATE:
                date = r.date(attribute, "Value")
                values[definition.id] = date.isoformat() if date else text
            else:
                number = r.number(attribute, "Value")
                values[definition.id] = number / 100 if kind is UserFieldType.COST else number
        return code, values

    def known(self, field_id: str | None) -> bool:
        return field_id == self.activity_id_field or field_id in self.fields
