"""P6 XML schedule options (a project's ScheduleOptions element, or the same tags on the Project itself)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bbschedule.core.enums import CriticalMode, FloatMode, FloatPathBasis, LagCalendar, ProgressMode
from bbschedule.core.project import MAX_FLOAT_PATHS, ScheduleOptions
from bbschedule.formats import durations
from bbschedule.formats.fidelity import FidelityReport, Severity
from bbschedule.formats.pmxml.vocabulary import FLOAT_MODES, LAG_CALENDARS, PROGRESS_MODES
from bbschedule.formats.xml_safety import Reader

if TYPE_CHECKING:
    from lxml import etree


def read_options(r: Reader, el: etree._Element, report: FidelityReport) -> tuple[ScheduleOptions, str]:
    """The project's options, and the ObjectId of the float paths' ending activity ("" for the project finish),
    which the caller resolves once the activities are read."""
    holder = r.child(el, "ScheduleOptions")

    def opt(tag: str) -> str | None:
        value = r.text(holder, tag) if holder is not None else None
        return value if value is not None else r.text(el, tag)

    threshold = opt("CriticalActivityFloatThreshold")
    options = ScheduleOptions(
        progress_mode=PROGRESS_MODES.get((opt("OutOfSequenceScheduleType") or "").lower(), ProgressMode.RETAINED_LOGIC),
        float_mode=FLOAT_MODES.get((opt("ComputeTotalFloatType") or "").lower(), FloatMode.FINISH),
        critical_mode=CriticalMode.LONGEST_PATH
        if (opt("CriticalActivityPathType") or "").lower() == "longest path"
        else CriticalMode.TOTAL_FLOAT,
        critical_float_threshold=durations.hours_to_minutes(float(threshold)) if threshold else 0,
        lag_calendar=LAG_CALENDARS.get((opt("RelationshipLagCalendar") or "").lower(), LagCalendar.PREDECESSOR),
        open_ended_critical=opt("MakeOpenEndedActivitiesCritical") == "1",
        ignore_external_links=opt("IgnoreOtherProjectRelationships") != "0",
        **_float_path_options(opt, report),
    )
    return options, opt("MultipleFloatPathsEndingActivityObjectId") or ""


def _float_path_options(opt: Callable[[str], str | None], report: FidelityReport) -> dict[str, Any]:
    """P6's multiple float path settings but the ending activity."""
    out: dict[str, Any] = {"multiple_float_paths": opt("MultipleFloatPathsEnabled") == "1"}
    by = opt("MultipleFloatPathsUseTotalFloat")
    if by is not None:
        out["float_path_by"] = FloatPathBasis.TOTAL_FLOAT if by == "1" else FloatPathBasis.FREE_FLOAT
    count = opt("MaximumMultipleFloatPaths")
    if count:
        number = int(float(count)) if count.replace(".", "", 1).isdigit() else 0
        if 1 <= number <= MAX_FLOAT_PATHS:
            out["float_path_count"] = number
        else:
            report.add(
                Severity.CONVERTED,
                "options.float_path_count",
                f"{count!r} float paths is not 1 to {MAX_FLOAT_PATHS}; 10 kept",
                "ScheduleOptions/MaximumMultipleFloatPaths",
            )
    return out
