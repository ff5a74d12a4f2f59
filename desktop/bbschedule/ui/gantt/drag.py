"""The drag state machine of the chart: a press on a bar becomes a move, a resize or a new link on release."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from bbschedule.core.enums import RelationshipType
from bbschedule.ui.gantt.bar_painter import Hit, Part


class DragMode(Enum):
    MOVE = "move"
    RESIZE = "resize"
    LINK = "link"


@dataclass(frozen=True, slots=True)
class MoveIntent:
    key: str
    new_start: dt.datetime


@dataclass(frozen=True, slots=True)
class ResizeIntent:
    key: str
    new_finish: dt.datetime


@dataclass(frozen=True, slots=True)
class LinkIntent:
    predecessor: str
    successor: str
    type: RelationshipType


Intent = MoveIntent | ResizeIntent | LinkIntent

LINK_THRESHOLD = 0.75
"""Rows of vertical travel after which a drag draws a link instead of moving the bar."""


def relationship_type(from_part: Part, to_part: Part) -> RelationshipType:
    """The type follows the ends joined: finish->start FS, start->start SS, finish->finish FF, start->finish SF."""
    from_finish = from_part is not Part.START
    to_start = to_part is not Part.FINISH
    if from_finish:
        return RelationshipType.FS if to_start else RelationshipType.FF
    return RelationshipType.SS if to_start else RelationshipType.SF


@dataclass
class Drag:
    hit: Hit
    press_x: float
    press_y: float
    row_height: float
    start: dt.datetime
    finish: dt.datetime
    mode: DragMode = DragMode.MOVE
    x: float = 0.0
    y: float = 0.0

    def __post_init__(self) -> None:
        self.mode = DragMode.RESIZE if self.hit.part is Part.FINISH else DragMode.MOVE
        self.x, self.y = self.press_x, self.press_y

    def update(self, x: float, y: float) -> None:
        self.x, self.y = x, y
        if abs(y - self.press_y) > self.row_height * LINK_THRESHOLD:
            self.mode = DragMode.LINK

    @property
    def moved(self) -> bool:
        return abs(self.x - self.press_x) >= 3 or self.mode is DragMode.LINK

    def finish_intent(self, *, px_per_day: float, target: Hit | None, target_is_left_half: bool) -> Intent | None:
        if not self.moved:
            return None
        if self.mode is DragMode.LINK:
            if target is None or target.key == self.hit.key:
                return None
            to_part = target.part
            if to_part is Part.BODY:
                to_part = Part.START if target_is_left_half else Part.FINISH
            from_part = self.hit.part if self.hit.part is not Part.BODY else Part.FINISH
            return LinkIntent(self.hit.key, target.key, relationship_type(from_part, to_part))
        days = round((self.x - self.press_x) / px_per_day)
        if days == 0:
            return None
        delta = dt.timedelta(days=days)
        if self.mode is DragMode.RESIZE:
            return ResizeIntent(self.hit.key, max(self.finish + delta, self.start))
        return MoveIntent(self.hit.key, self.start + delta)
