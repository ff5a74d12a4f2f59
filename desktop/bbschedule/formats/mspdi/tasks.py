"""Per-task MSPDI fields with rules of their own: constraints and deadlines, and MS Project's computed dates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bbschedule.core.activity import Constraint
from bbschedule.core.computed import ComputedDates
from bbschedule.core.enums import ConstraintType
from bbschedule.formats import constraints
from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.formats.xml_safety import Reader

if TYPE_CHECKING:
    from lxml import etree


def read_constraints(
    r: Reader, el: etree._Element, *, where: str, report: FidelityReport
) -> tuple[Constraint | None, Constraint | None]:
    """MS Project's one constraint and its deadline, in core's terms (see formats/constraints.py)."""
    number = int(r.number(el, "ConstraintType"))
    date = r.date(el, "ConstraintDate")
    primary: Constraint | None = None
    try:
        kind = constraints.from_msp(number)
    except KeyError:
        report.add(Severity.DROPPED, "constraint.unknown", f"unknown ConstraintType {number}", where)
        kind = None
    if kind is not None:
        if kind.needs_date and date is None:
            report.add(Severity.DROPPED, "constraint.no_date", f"{kind.value} without a date", where)
        else:
            primary = Constraint(kind, date if kind.needs_date else None)
            if number in (2, 3):
                report.add(
                    Severity.INFO,
                    "constraint.must_on",
                    f"MS Project '{constraints.MSP_NAMES[number]}' read as P6 '{constraints.to_p6_name(kind)}'",
                    where,
                )
    deadline = r.date(el, "Deadline")
    secondary: Constraint | None = None
    if deadline is not None:
        # A deadline moves only late dates, as P6's 'Finish On or Before' does; it stays the secondary
        # constraint (even without a primary) so that writing MSPDI gives the deadline back.
        secondary = Constraint(ConstraintType.FINISH_ON_OR_BEFORE, deadline)
        report.add(Severity.CONVERTED, "constraint.deadline", "deadline became secondary 'Finish On or Before'", where)
    return primary, secondary


def read_computed(r: Reader, el: etree._Element) -> ComputedDates | None:
    """MS Project's own early/late dates and slack of a task: the scheduler's oracle."""
    early_start = r.date(el, "EarlyStart")
    if early_start is None and r.text(el, "TotalSlack") is None:
        return None
    total = r.text(el, "TotalSlack")
    free = r.text(el, "FreeSlack")
    return ComputedDates(
        early_start=early_start,
        early_finish=r.date(el, "EarlyFinish"),
        late_start=r.date(el, "LateStart"),
        late_finish=r.date(el, "LateFinish"),
        # MSPDI writes slack in tenths of working minutes.
        total_float=round(float(total) / 10) if total is not None else None,
        free_float=round(float(free) / 10) if free is not None else None,
        critical=r.text(el, "Critical") == "1",
    )
