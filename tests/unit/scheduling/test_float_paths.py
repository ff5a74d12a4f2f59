"""Multiple float paths on small networks worked by hand (5x8 calendar from Monday 5 January 2026, see conftest).

Each case names its dates; a relationship's free float is its successor's early date less the predecessor's
date plus the lag, its total float the successor's late date less the same (scheduling/float_paths.py).
"""

from __future__ import annotations

import datetime as dt

import pytest

from bbschedule.core.enums import ActivityType, ProgressMode
from bbschedule.core.errors import ValidationError
from bbschedule.scheduling.float_paths import FloatPathBasis, FloatPathOptions, float_paths

DAY = 480
FINISH_MS = ActivityType.FINISH_MILESTONE


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 1, day, hour, minute)


def paths(result, end=None, count=10, basis=FloatPathBasis.FREE_FLOAT):  # type: ignore[no-untyped-def]
    found = float_paths(result, FloatPathOptions(count=count, end_activity_id=end, basis=basis))
    return [found.path_ids(n) for n in range(1, len(found.paths) + 1)]


def test_several_predecessors_of_the_ending_activity_in_float_order(build):
    # X Mon; A Tue-Wed, B Tue-Thu, C Mon; E (finish milestone) at Thu 17:00, driven by B.
    # Links into E: B 0, A 1 day, C 3 days of free float.
    b = build().act("X", 1).act("A", 2).act("B", 3).act("C", 1).act("E", kind=FINISH_MS)
    r = b.link("X", "A").link("X", "B").link("A", "E").link("B", "E").link("C", "E").run()
    assert r.dates_of("E").early_finish == at(8, 17)
    assert paths(r, "E") == [["X", "B", "E"], ["A"], ["C"]]
    found = float_paths(r, FloatPathOptions(count=10, end_activity_id="E"))
    assert found.numbers() == {"X": (1, 1), "B": (1, 2), "E": (1, 3), "A": (2, 1), "C": (3, 1)}
    assert paths(r, "E", count=2) == [["X", "B", "E"], ["A"]]
    assert paths(r, "E", count=1) == [["X", "B", "E"]]


def test_a_path_stops_where_its_least_float_link_comes_from_an_earlier_path(build):
    # P (2d) Mon-Tue, R (3d) Wed-Fri, E (finish milestone) Fri 17:00. Q (1d) Wed: driven by P (0), not by
    # K (1d, Mon: 1 day of free float); Q has 2 days into E. Q's path stops at P, on path 1; K comes next.
    b = build().act("P", 2).act("R", 3).act("E", kind=FINISH_MS).act("Q", 1).act("K", 1)
    r = b.link("P", "R").link("R", "E").link("P", "Q").link("K", "Q").link("Q", "E").run()
    assert r.dates_of("Q").early_start == at(7, 8)
    assert paths(r, "E") == [["P", "R", "E"], ["Q"], ["K"]]


def test_equal_links_into_a_path_the_longer_predecessor_first_then_the_code(build):
    # B (1d) after A0 (1d) ends Tue 17:00, as does Y (2d); both drive E (Wed): a tie at 0 days of float.
    b = build().act("A0", 1).act("B", 1).act("Y", 2).act("E", 1).link("A0", "B").link("B", "E").link("Y", "E")
    r = b.run()
    assert paths(r, "E") == [["Y", "E"], ["A0", "B"]]  # the longer one, though "B" sorts before "Y"
    # Two equal in everything: the code decides.
    b = build().act("Q", 2).act("P", 2).act("E", 1).link("Q", "E").link("P", "E")
    assert paths(b.run(), "E") == [["P", "E"], ["Q"]]


def test_between_equal_drivers_the_later_finishing_one_is_followed(build):
    # E (1d) on Wed: N (2d, Mon-Tue) drives its start FS, M (1d, Wed, after K Mon-Tue) drives its finish FF.
    b = build().act("N", 2).act("K", 2).act("M", 1).act("E", 1)
    r = b.link("N", "E").link("K", "M").link("M", "E", "FF").run()
    assert r.dates_of("E").early_start == at(7, 8)
    assert paths(r, "E") == [["K", "M", "E"], ["N"]]  # M finishes later, though N is longer


def test_a_path_through_start_to_start_and_finish_to_finish_links_with_lags(build):
    # A (4d) Mon-Thu; B (3d) SS+8h: Tue-Thu; C (1d) FF+16h after B: finishes Mon 12 at 17:00.
    # D (1d, Mon 5) FS into C: 4 days of free float.
    b = build().act("A", 4).act("B", 3).act("C", 1).act("D", 1)
    r = b.link("A", "B", "SS", 8).link("B", "C", "FF", 16).link("D", "C").run()
    assert r.dates_of("B").early_start == at(6, 8)
    assert r.dates_of("C").early_finish == at(12, 17)
    assert paths(r, "C") == [["A", "B", "C"], ["D"]]


def critical_with_branches(build):  # type: ignore[no-untyped-def]
    # S Mon 5; L (10d) Tue 6 - Mon 19, F (finish milestone) Mon 19 17:00: the critical path.
    # M (8d) ends Thu 15: 2 days of free and total float into F. W (6d) ends Tue 13 and joins M by FF:
    # 2 days of free float, but 4 days of total float (M's late finish is Mon 19). V (7d) ends Wed 14:
    # 3 days of free and total float into F.
    b = build().act("S", 1).act("L", 10).act("F", kind=FINISH_MS)
    b.act("M", 8).act("W", 6).act("V", 7)
    for name in ("L", "M", "W", "V"):
        b.link("S", name)
    return b.link("L", "F").link("M", "F").link("V", "F").link("W", "M", "FF").run()


def test_free_float_follows_each_link_total_float_the_whole_way_to_the_end(build):
    r = critical_with_branches(build)
    assert r.dates_of("F").early_finish == at(19, 17)
    assert r.dates_of("W").total_float == 4 * DAY
    assert paths(r, "F") == [["S", "L", "F"], ["M"], ["W"], ["V"]]
    assert paths(r, "F", basis=FloatPathBasis.TOTAL_FLOAT) == [["S", "L", "F"], ["M"], ["V"], ["W"]]


def test_without_an_ending_activity_the_paths_end_at_the_project_finish(build):
    # A (3d) ends Wed; B (2d) then C (2d) end Thu: C finishes the project, A has 1 day of float to it.
    b = build().act("A", 3).act("B", 2).act("C", 2).link("B", "C")
    r = b.run()
    assert paths(r) == [["B", "C"], ["A"]]
    assert paths(r, count=1) == [["B", "C"]]
    assert paths(r, basis=FloatPathBasis.TOTAL_FLOAT) == [["B", "C"], ["A"]]
    # With an ending activity, only its predecessors are on paths.
    assert paths(r, "C") == [["B", "C"]]


def test_finished_activities_are_on_no_path(build):
    b = build(progress_mode=ProgressMode.RETAINED_LOGIC).project(data_date=at(7, 8))
    b.act("X", 1, actual_start=at(5, 8), actual_finish=at(5, 17)).act("B", 2).act("E", kind=FINISH_MS)
    r = b.link("X", "B").link("B", "E").run()
    assert paths(r, "E") == [["B", "E"]]
    assert paths(r, "X") == []  # a finished ending activity has no float and no path


@pytest.mark.parametrize(
    ("mode", "expected"),
    [(ProgressMode.PROGRESS_OVERRIDE, [["S", "E"]]), (ProgressMode.RETAINED_LOGIC, [["P", "S", "E"]])],
)
def test_a_link_into_a_started_activity_start_is_followed_only_under_retained_logic(build, mode, expected):
    # S started Mon 5 ahead of its predecessor P (3d, Mon-Wed); data date Wed 7. Under progress override its
    # remaining day ignores P (Wed 7) and P drives nothing on the way to E; under retained logic P drives S.
    b = build(progress_mode=mode).project(data_date=at(7, 8))
    b.act("P", 3).act("S", 2, actual_start=at(5, 8), remaining_duration=DAY).act("E", 1)
    r = b.link("P", "S").link("S", "E").run()
    assert paths(r, "E") == expected


@pytest.mark.parametrize(
    ("mode", "expected"),
    [(ProgressMode.PROGRESS_OVERRIDE, [["P"], ["S"]]), (ProgressMode.RETAINED_LOGIC, [["P", "S"]])],
)
def test_an_activity_whose_only_link_is_set_aside_ends_at_the_project_finish(build, mode, expected):
    # Data date Wed 7; P (3d) Wed-Fri. Under progress override its only link, into started S's start, is set
    # aside: P has no live successor and the finish (Fri 17:00, P's) follows it; S (its last day Wed) joins
    # the finish with 2 days of float. Under retained logic S waits for P and ends the project.
    b = build(progress_mode=mode).project(data_date=at(7, 8))
    b.act("P", 3).act("S", 2, actual_start=at(5, 8), remaining_duration=DAY)
    r = b.link("P", "S").run()
    assert paths(r) == expected


def test_bad_options_are_refused_naming_the_field(build):
    r = build().act("A", 1).run()
    with pytest.raises(ValidationError, match="at least 1"):
        FloatPathOptions(count=0)
    with pytest.raises(ValidationError) as error:
        float_paths(r, FloatPathOptions(end_activity_id="nope"))
    assert error.value.field == "end_activity_id"
