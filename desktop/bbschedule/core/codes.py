"""Activity codes (hierarchical values under a code type) and user-defined fields."""

from __future__ import annotations

from dataclasses import dataclass, field

from bbschedule.core.enums import UserFieldType
from bbschedule.core.errors import ValidationError
from bbschedule.core.ids import new_id


@dataclass(frozen=True, slots=True)
class ActivityCodeType:
    name: str
    is_global: bool = False
    id: str = field(default_factory=new_id)
    source_id: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError("activity_code_type.name", "a code type needs a name")


@dataclass(frozen=True, slots=True)
class ActivityCodeValue:
    type_id: str
    code: str
    description: str = ""
    parent_id: str | None = None
    sequence: int = 0
    id: str = field(default_factory=new_id)
    source_id: str | None = None

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise ValidationError("activity_code_value.code", "a code value needs a code")


@dataclass(frozen=True, slots=True)
class UserField:
    name: str
    data_type: UserFieldType = UserFieldType.TEXT
    id: str = field(default_factory=new_id)
    source_id: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError("user_field.name", "a user field needs a name")
