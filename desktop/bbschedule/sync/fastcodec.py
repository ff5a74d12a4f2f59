"""core.codec's to_plain/from_plain, compiled once per entity class into per-field converters: the same output,
several times faster, which a first sync of 250k rows needs. Any value these do not expect goes through
core.codec itself, so the two can never disagree; a test compares them on generated projects.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
from collections.abc import Callable
from typing import Any

from bbschedule.core.codec import datetime_text, entity_class, from_plain, to_plain

Conv = Callable[[Any], Any] | None
"""None: the value passes as it is."""


_iso_datetime = datetime_text


def _optional(inner: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda v: None if v is None else inner(v)


def _split_optional(hint: Any) -> tuple[Any, bool] | None:
    """(the inner type, True) for X | None; (hint, False) for a plain type; None for a real union."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        real = [a for a in typing.get_args(hint) if a is not type(None)]
        return (real[0], True) if len(real) == 1 else None
    return hint, False


# ---- to plain ---------------------------------------------------------------------------------------------------
def _to_conv(hint: Any) -> Conv:
    split = _split_optional(hint)
    if split is None:
        return to_plain
    inner, optional = split
    conv = _to_conv_plain(inner)
    return _optional(conv) if conv is not None and optional else conv


def _to_conv_plain(hint: Any) -> Conv:
    origin = typing.get_origin(hint)
    if hint in (str, int, float, bool):
        return None
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return lambda v: v._value_  # the attribute itself: `.value` goes through a slow descriptor
    if hint is dt.datetime:
        return _iso_datetime
    if hint is dt.date:
        return lambda v: v.isoformat()
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return encoder(hint)
    if origin is tuple:
        item = _to_conv(typing.get_args(hint)[0])
        return (lambda v: list(v)) if item is None else (lambda v: [item(x) for x in v])
    if origin is dict and typing.get_args(hint)[1] in (str, int, float):
        return dict
    return lambda v: to_plain(v) if v else {} if isinstance(v, dict) else to_plain(v)  # Any: the generic path


_ENCODERS: dict[type[Any], Callable[[Any], dict[str, Any]]] = {}
_DECODERS: dict[type[Any], Callable[[dict[str, Any]], Any]] = {}


def encoder(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
    if cls in _ENCODERS:
        return _ENCODERS[cls]
    hints = typing.get_type_hints(cls)
    convs = [(f.name, _to_conv(hints[f.name])) for f in dataclasses.fields(cls)]

    def encode(obj: Any) -> dict[str, Any]:
        out = {}
        for name, conv in convs:
            value = getattr(obj, name)
            out[name] = value if conv is None else conv(value)
        return out

    _ENCODERS[cls] = encode
    return encode


# ---- from plain -------------------------------------------------------------------------------------------------
def _from_conv(hint: Any) -> Conv:
    split = _split_optional(hint)
    if split is None:
        return lambda v: from_plain(hint, v)
    inner, optional = split
    conv = _from_conv_plain(inner)
    return _optional(conv) if conv is not None and optional else conv


def _from_conv_plain(hint: Any) -> Conv:
    origin = typing.get_origin(hint)
    if hint in (str, bool):
        return None
    if hint is int:
        return _whole
    if hint is float:
        return float
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        members = {m.value: m for m in hint}
        return lambda v: members[v]
    if hint is dt.datetime:
        return dt.datetime.fromisoformat
    if hint is dt.date:
        return dt.date.fromisoformat
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return decoder(hint)
    if origin is tuple:
        item = _from_conv(typing.get_args(hint)[0])
        return tuple if item is None else (lambda v: tuple(item(x) for x in v))
    if origin is dict and typing.get_args(hint)[1] in (str, Any):
        return dict  # what core.codec gives for these: the same keys and values, in a new dict
    return lambda v: from_plain(hint, v)


def _whole(value: Any) -> int:
    if not isinstance(value, int):
        raise TypeError(f"expected a whole number, got {value!r}")
    return value


def decoder(cls: type[Any]) -> Callable[[dict[str, Any]], Any]:
    if cls in _DECODERS:
        return _DECODERS[cls]
    hints = typing.get_type_hints(cls)
    convs = [(f.name, _from_conv(hints[f.name])) for f in dataclasses.fields(cls)]

    def decode(value: dict[str, Any]) -> Any:
        kwargs = {}
        for name, conv in convs:
            if name in value:
                item = value[name]
                kwargs[name] = item if conv is None else conv(item)
        return cls(**kwargs)

    _DECODERS[cls] = decode
    return decode


def fields_of(obj: Any) -> dict[str, Any]:
    """An entity as the server stores it: its plain form without the id."""
    plain = encoder(type(obj))(obj)
    plain.pop("id", None)
    return plain


def entity_from_fields(kind: str, row_id: str, fields: dict[str, Any]) -> Any:
    """The entity of `kind` from server fields; errors name the field (through core.codec's own messages)."""
    cls = entity_class(kind)
    try:
        return decoder(cls)({**fields, "id": row_id})
    except Exception:
        return from_plain(cls, {**fields, "id": row_id}, kind)
