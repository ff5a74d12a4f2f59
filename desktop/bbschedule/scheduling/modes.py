"""The three ways P6 schedules progressed activities ("When scheduling progressed activities use"), as the few
flags the passes test.

Sources: Oracle's P6 help (Schedule Options: "Retained Logic: the remaining duration of a progressed activity
is not scheduled until all of its predecessors are finished. Progress Override: the schedule ignores network
logic and allows the activity to progress without delay"; its schedule check lists "activities with actual
dates after the data date" as invalid progress); the worked three-activity example in "How does Retained
Logic, Progress Override and Actual Dates in Scheduling Options work?" (khuongdo.com / kdblog.net, 2016, also
on the Project Controls Institute's site: under Actual Dates "the actual dates override the logic of the
activity, and so activity A3 is scheduled to begin as soon as activity A2 is complete, even if activity A2
has an actual finish date after the data date"); the paper "Understanding the P6 Scheduling Options" (P6 v18
examples, on Scribd). No sample file was scheduled by P6 with actual dates, so the rules below are those
write-ups turned into this engine's terms; the last point under actual dates is our reading of "even after
the data date", not a documented case.

Retained logic (P6's default). The relationships stay in force for the remaining work: a started activity's
remaining duration is not scheduled before its predecessors allow it, even when it started out of sequence.
A finished activity is a zero-duration node at the data date, or later where its own logic would still place
it (so a successor of an out-of-sequence finished activity still waits for that activity's predecessors).
A finished predecessor's lag runs from its actual finish; what is left of it at the data date counts.

Progress override. Out-of-sequence progress overrides the logic: a started activity's remaining work starts
at the data date whatever its predecessors do, and a finished predecessor's relationships are satisfied (its
successors are held by nothing but the data date and their other predecessors). In the backward pass a
started successor's start, and a finished successor altogether, no longer constrain their predecessors.

Actual dates. The actual dates override the logic, and they are taken as they are, even after the data date:
  - as in progress override, a started activity ignores its predecessors and the backward pass ignores the
    links into a started successor's start and into a finished successor;
  - unlike progress override, a finished predecessor still drives its successors, from its actual dates:
    a finished activity is a node at its actual finish (not at the data date, nor where its logic would put
    it), so an FS successor starts after that actual finish plus the lag, and an SS successor after the
    actual start plus the lag;
  - a started activity whose actual start lies after the data date schedules its remaining work from that
    actual start (retained logic and progress override start it at the data date).
Nothing is ever scheduled before the data date. With in-sequence progress and actual dates before the data
date the three modes give the same dates, but for a finished predecessor's lag, which progress override drops
and the other two count from the actual finish; they part where progress is out of sequence or actuals lie
after the data date (P6's schedule check lists those as "invalid progress dates").
"""

from __future__ import annotations

from dataclasses import dataclass

from bbschedule.core.enums import ProgressMode


@dataclass(frozen=True)
class ProgressRules:
    started_ignore_logic: bool
    """A started activity's remaining work ignores its predecessors; backward, links into a started
    successor's start and into a finished successor impose nothing (progress override, actual dates)."""
    finished_links_satisfied: bool
    """A finished predecessor holds nothing back (progress override)."""
    actuals_drive: bool
    """Finished activities sit at their actual finish; actual dates after the data date count (actual dates)."""

    @classmethod
    def of(cls, mode: ProgressMode) -> ProgressRules:
        return cls(
            started_ignore_logic=mode is not ProgressMode.RETAINED_LOGIC,
            finished_links_satisfied=mode is ProgressMode.PROGRESS_OVERRIDE,
            actuals_drive=mode is ProgressMode.ACTUAL_DATES,
        )
