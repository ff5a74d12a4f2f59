"""Lossless conversion of model objects to JSON-ready dicts and back, driven by the dataclass fields.

Used by our project file, the local cache's undo history and the sync payloads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
from functools import cache
from typing import Any

from bbschedule.core.changes import PROJECT_KIND, Change, ChangeSet
from bbschedule.core.errors import ValidationError
from bbschedule.core.project import Project
from bbschedule.core.project_data import ENTITY_TYPES


def to_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return datetime_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return value


def datetime_text(value: dt.datetime) -> str:
    """ISO 8601 to the minute when that is exact (schedule data almost always is), else as precise as needed."""
    if value.microsecond:
        return value.isoformat()
    return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")


@cache
def _hints(cls: type[Any]) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_plain(cls: Any, value: Any, where: str = "") -> Any:
    """Rebuild a value of type `cls` from its plain form; errors name the field (`where`)."""
    origin = typing.get_origin(cls)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(cls)
        if value is None and type(None) in args:
            return None
        real = [a for a in args if a is not type(None)]
        return from_plain(real[0], value, where) if len(real) == 1 else value
    try:
        if dataclasses.is_dataclass(cls) and isinstance(cls, type):
            if not isinstance(value, dict):
                raise ValidationError(where or cls.__name__, f"expected an object, got {type(value).__name__}")
            hints = _hints(cls)
            kwargs = {
                f.name: from_plain(hints[f.name], value[f.name], f"{where}.{f.name}" if where else f.name)
                for f in dataclasses.fields(cls)
                if f.name in value
            }
            return cls(**kwargs)
        if origin is tuple:
            item = typing.get_args(cls)[0]
            return tuple(from_plain(item, v, f"{where}[{i}]") for i, v in enumerate(value))
        if origin is dict:
            _, item = typing.get_args(cls)
            return {k: from_plain(item, v, f"{where}.{k}") for k, v in value.items()}
        if isinstance(cls, type) and issubclass(cls, enum.Enum):
            return cls(value)
        if cls is dt.datetime:
            return dt.datetime.fromisoformat(value)
        if cls is dt.date:
            return dt.date.fromisoformat(value)
        if cls is float:
            return float(value)
        if cls is int and not isinstance(value, int):
            raise TypeError(f"expected a whole number, got {value!r}")
        return value
    except ValidationError:
        raise
    except (TypeError, ValueError, KeyError) as exc:
        raise ValidationError(where or getattr(cls, "__name__", "value"), str(exc)) from None


def entity_class(kind: str) -> type[Any]:
    if kind == PROJECT_KIND:
        return Project
    try:
        return ENTITY_TYPES[kind]
    except KeyError:
        raise ValidationError("kind", f"unknown entity kind {kind!r}") from None


def change_set_to_plain(change_set: ChangeSet) -> dict[str, Any]:
    return {
        "label": change_set.label,
        "changes": [
            {"kind": c.kind, "id": c.id, "before": to_plain(c.before), "after": to_plain(c.after)}
            for c in change_set.changes
        ],
    }


def change_set_from_plain(value: dict[str, Any]) -> ChangeSet:
    changes = []
    for row in value["changes"]:
        cls = entity_class(row["kind"])
        before = None if row["before"] is None else from_plain(cls, row["before"], row["kind"])
        after = None if row["after"] is None else from_plain(cls, row["after"], row["kind"])
        changes.append(Change(row["kind"], row["id"], before, after))
    return ChangeSet(value["label"], tuple(changes))
