"""THE mapping between P6's nine constraints, MS Project's eight and core.ConstraintType, both ways.

Core's vocabulary is P6's, so P6 maps one to one; MS Project's maps with what is lost spelled out here,
and the readers and writers put that text into the fidelity report.
"""

from __future__ import annotations

from dataclasses import dataclass

from bbschedule.core.enums import ConstraintType


@dataclass(frozen=True, slots=True)
class ConstraintRow:
    core: ConstraintType
    p6_name: str
    """The PMXML spelling (PrimaryConstraintType / SecondaryConstraintType)."""
    xer_code: str
    """The XER spelling (TASK.cstr_type / cstr_type2)."""
    msp: int
    """MS Project's ConstraintType number that carries it."""
    to_msp_loss: str = ""
    """What is lost writing it to MS Project; empty when nothing is."""


ROWS: tuple[ConstraintRow, ...] = (
    ConstraintRow(
        ConstraintType.START_ON,
        "Start On",
        "CS_MSO",
        2,
        "P6 'Start On' became MS Project 'Must Start On', which also overrides logic",
    ),
    ConstraintRow(ConstraintType.START_ON_OR_AFTER, "Start On or After", "CS_MSOA", 4),
    ConstraintRow(ConstraintType.START_ON_OR_BEFORE, "Start On or Before", "CS_MSOB", 5),
    ConstraintRow(
        ConstraintType.FINISH_ON,
        "Finish On",
        "CS_MEO",
        3,
        "P6 'Finish On' became MS Project 'Must Finish On', which also overrides logic",
    ),
    ConstraintRow(ConstraintType.FINISH_ON_OR_AFTER, "Finish On or After", "CS_MEOA", 6),
    ConstraintRow(ConstraintType.FINISH_ON_OR_BEFORE, "Finish On or Before", "CS_MEOB", 7),
    ConstraintRow(ConstraintType.MANDATORY_START, "Mandatory Start", "CS_MANDSTART", 2),
    ConstraintRow(ConstraintType.MANDATORY_FINISH, "Mandatory Finish", "CS_MANDFIN", 3),
    ConstraintRow(ConstraintType.AS_LATE_AS_POSSIBLE, "As Late As Possible", "CS_ALAP", 1),
)

MSP_ASAP = 0
MSP_NAMES = {
    0: "As Soon As Possible",
    1: "As Late As Possible",
    2: "Must Start On",
    3: "Must Finish On",
    4: "Start No Earlier Than",
    5: "Start No Later Than",
    6: "Finish No Earlier Than",
    7: "Finish No Later Than",
}

BY_CORE = {row.core: row for row in ROWS}
BY_P6_NAME = {row.p6_name.lower(): row.core for row in ROWS}
BY_XER_CODE = {row.xer_code: row.core for row in ROWS}
# MS Project's inflexible Must Start/Finish On honour the date over logic: P6's mandatory constraints do that.
FROM_MSP: dict[int, ConstraintType | None] = {
    0: None,
    1: ConstraintType.AS_LATE_AS_POSSIBLE,
    2: ConstraintType.MANDATORY_START,
    3: ConstraintType.MANDATORY_FINISH,
    4: ConstraintType.START_ON_OR_AFTER,
    5: ConstraintType.START_ON_OR_BEFORE,
    6: ConstraintType.FINISH_ON_OR_AFTER,
    7: ConstraintType.FINISH_ON_OR_BEFORE,
}

# Extra spellings P6 versions and other tools write in PMXML.
_P6_ALIASES = {
    "mandatory start": ConstraintType.MANDATORY_START,
    "mandatory finish": ConstraintType.MANDATORY_FINISH,
    "as late as possible": ConstraintType.AS_LATE_AS_POSSIBLE,
    "start on or after": ConstraintType.START_ON_OR_AFTER,
    "start on or before": ConstraintType.START_ON_OR_BEFORE,
    "finish on or after": ConstraintType.FINISH_ON_OR_AFTER,
    "finish on or before": ConstraintType.FINISH_ON_OR_BEFORE,
    "start on": ConstraintType.START_ON,
    "finish on": ConstraintType.FINISH_ON,
}


def from_p6_name(name: str) -> ConstraintType | None:
    """A PMXML constraint name to core; None for 'None', empty or unknown (the caller reports unknown)."""
    key = " ".join(name.strip().lower().split())
    return BY_P6_NAME.get(key) or _P6_ALIASES.get(key)


def to_p6_name(constraint: ConstraintType) -> str:
    return BY_CORE[constraint].p6_name


def from_xer_code(code: str) -> ConstraintType | None:
    return BY_XER_CODE.get(code.strip().upper())


def to_xer_code(constraint: ConstraintType) -> str:
    return BY_CORE[constraint].xer_code


def from_msp(number: int) -> ConstraintType | None:
    """MS Project's ConstraintType number to core (None: As Soon As Possible, no constraint).

    Raises KeyError for a number MS Project does not define.
    """
    return FROM_MSP[number]


def to_msp(constraint: ConstraintType | None) -> tuple[int, str]:
    """Core to MS Project's number, with the loss to report ('' when nothing is lost)."""
    if constraint is None:
        return MSP_ASAP, ""
    row = BY_CORE[constraint]
    return row.msp, row.to_msp_loss


def msp_secondary(primary: ConstraintType | None, secondary: ConstraintType) -> str:
    """How a P6 secondary constraint travels to MS Project: 'deadline' or 'dropped'.

    MS Project has one constraint a task; its Deadline behaves like P6's 'Finish On or Before' on the
    late dates, so that one secondary survives as a deadline.
    """
    del primary
    return "deadline" if secondary is ConstraintType.FINISH_ON_OR_BEFORE else "dropped"
