"""Building frozen, slotted core dataclasses from cache rows at load speed.

A frozen dataclass's generated __init__ sets each field through object.__setattr__; over 100k activities that is
most of a project load. The builder made here sets the slots through their descriptors instead (the same values,
the same object), then runs the class's own __post_init__ so every row is still validated as it is loaded.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def slot_builder(cls: type[T]) -> Callable[..., T]:
    """A function taking every field positionally, in dataclass order, and returning a validated instance."""
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    for name in names:
        if not isinstance(cls.__dict__.get(name), types.MemberDescriptorType):
            raise TypeError(f"{cls.__name__}.{name} is not a slot: declare the dataclass with slots=True")
    setters = ", ".join(f"_set_{name}=_cls.{name}.__set__" for name in names)
    lines = [f"def build({', '.join(names)}, *, _new=object.__new__, _cls=_cls, {setters}):", "    obj = _new(_cls)"]
    lines += [f"    _set_{name}(obj, {name})" for name in names]
    if hasattr(cls, "__post_init__"):
        lines.append("    obj.__post_init__()")
    lines.append("    return obj")
    namespace: dict[str, Any] = {"_cls": cls}
    # The same technique dataclasses uses for __init__: source generated from the field list, compiled once.
    exec("\n".join(lines), namespace)
    build: Callable[..., T] = namespace["build"]
    return build
