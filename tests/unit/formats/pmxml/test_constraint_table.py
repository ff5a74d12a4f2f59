"""The one constraint table: P6's nine, MS Project's eight and core, both ways, with losses named."""

from __future__ import annotations

import pytest

from bbschedule.core.enums import ConstraintType
from bbschedule.formats import constraints


def test_every_core_constraint_has_one_row() -> None:
    assert sorted(row.core for row in constraints.ROWS) == sorted(ConstraintType)


@pytest.mark.parametrize("kind", list(ConstraintType))
def test_p6_names_and_xer_codes_round_trip(kind: ConstraintType) -> None:
    assert constraints.from_p6_name(constraints.to_p6_name(kind)) is kind
    assert constraints.from_p6_name(constraints.to_p6_name(kind).upper()) is kind
    assert constraints.from_xer_code(constraints.to_xer_code(kind)) is kind


@pytest.mark.parametrize("number", range(8))
def test_ms_project_numbers_come_back_unchanged(number: int) -> None:
    kind = constraints.from_msp(number)
    back, loss = constraints.to_msp(kind)
    assert back == number
    assert loss == ""


@pytest.mark.parametrize("kind", list(ConstraintType))
def test_core_to_ms_project_and_back_flags_every_change(kind: ConstraintType) -> None:
    number, loss = constraints.to_msp(kind)
    again = constraints.from_msp(number)
    assert (again is kind) == (loss == ""), f"{kind}: a change must come with a loss note and only then"


def test_soft_p6_on_constraints_are_the_lossy_ones() -> None:
    lossy = {row.core for row in constraints.ROWS if row.to_msp_loss}
    assert lossy == {ConstraintType.START_ON, ConstraintType.FINISH_ON}


def test_unknown_inputs() -> None:
    assert constraints.from_p6_name("None") is None
    assert constraints.from_p6_name("Start Whenever") is None
    assert constraints.from_xer_code("CS_WHATEVER") is None
    with pytest.raises(KeyError):
        constraints.from_msp(8)


def test_secondary_to_ms_project() -> None:
    assert constraints.msp_secondary(None, ConstraintType.FINISH_ON_OR_BEFORE) == "deadline"
    assert constraints.msp_secondary(ConstraintType.START_ON, ConstraintType.START_ON_OR_AFTER) == "dropped"
