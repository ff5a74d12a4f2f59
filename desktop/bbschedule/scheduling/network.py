"""The schedule network as flat arrays: activities in topological order, CSR adjacency, integer minutes.

`compile_network(data)` turns a ProjectData snapshot into a Network that the passes read; nothing in the
hot loops touches a dataclass, so a compiled kernel could replace them without changing this shape.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.calendar import twenty_four_hour_calendar
from bbschedule.core.enums import ActivityType, ConstraintType, LagCalendar, ProgressMode, RelationshipType
from bbschedule.core.errors import LogicLoopError, ValidationError
from bbschedule.core.project_data import ProjectData
from bbschedule.scheduling.calendar import CompiledCalendar, to_minutes
from bbschedule.scheduling.graph import group_by, topological_order

NONE = -(1 << 60)
"""Sentinel for a missing time in the int arrays."""

# Relationship types. The bits matter to the passes: odd types start from the predecessor's start (SS, SF),
# types below FF drive the successor's start (FS, SS).
FS, SS, FF, SF = 0, 1, 2, 3
REL_CODES = {RelationshipType.FS: FS, RelationshipType.SS: SS, RelationshipType.FF: FF, RelationshipType.SF: SF}

# Activity kinds.
K_TASK, K_START_MS, K_FINISH_MS, K_LOE, K_WBS = 0, 1, 2, 3, 4
KIND_CODES = {
    ActivityType.TASK: K_TASK,
    ActivityType.RESOURCE_DEPENDENT: K_TASK,
    ActivityType.START_MILESTONE: K_START_MS,
    ActivityType.FINISH_MILESTONE: K_FINISH_MS,
    ActivityType.LEVEL_OF_EFFORT: K_LOE,
    ActivityType.WBS_SUMMARY: K_WBS,
}

# Activity status.
NOT_STARTED, IN_PROGRESS, COMPLETE = 0, 1, 2

# Constraints.
C_NONE, C_SNET, C_SNLT, C_SON, C_FNET, C_FNLT, C_FON, C_MSO, C_MFO, C_ALAP = range(10)
CONSTRAINT_CODES = {
    ConstraintType.START_ON_OR_AFTER: C_SNET,
    ConstraintType.START_ON_OR_BEFORE: C_SNLT,
    ConstraintType.START_ON: C_SON,
    ConstraintType.FINISH_ON_OR_AFTER: C_FNET,
    ConstraintType.FINISH_ON_OR_BEFORE: C_FNLT,
    ConstraintType.FINISH_ON: C_FON,
    ConstraintType.MANDATORY_START: C_MSO,
    ConstraintType.MANDATORY_FINISH: C_MFO,
    ConstraintType.AS_LATE_AS_POSSIBLE: C_ALAP,
}


@dataclass
class Network:
    """Pass activities (tasks and milestones) 0..n-1 in topological order; LOE and WBS summaries after them."""

    ids: list[str]
    codes: list[str]
    index: dict[str, int]
    n_pass: int
    """Activities [0, n_pass) take part in the passes; [n_pass, len) are LOE and WBS summaries."""
    cal: list[CompiledCalendar]
    kind: list[int]
    status: list[int]
    dur: list[int]
    """Remaining working minutes to schedule."""
    actual_start: list[int]
    actual_finish: list[int]
    expected_finish: list[int]
    c1_type: list[int]
    c1_date: list[int]
    c2_type: list[int]
    c2_date: list[int]
    # Predecessor CSR over pass activities: links of i are pred_ptr[i]:pred_ptr[i+1].
    pred_ptr: list[int]
    pred_src: list[int]
    pred_type: list[int]
    pred_lag: list[int]
    pred_lagcal: list[CompiledCalendar | None]
    pred_fast: list[bool]
    """True when positions can be added directly (one calendar on both ends and for the lag)."""
    pred_rel: list[str]
    pred_dst: list[int]
    """The successor of each link (the activity whose predecessor range holds it)."""
    # Successor CSR: succ_link[k] is the position of that link in the pred arrays.
    succ_ptr: list[int]
    succ_dst: list[int]
    succ_link: list[int]
    # LOE links (both directions) as (loe index, other index, type, lag, lag calendar, loe is successor).
    loe_links: list[tuple[int, int, int, int, CompiledCalendar | None, bool]]
    wbs_members: dict[int, list[int]]
    wbs_of: list[str | None]
    """The WBS node of each activity."""
    wbs_cover: dict[str | None, list[int]]
    """WBS node -> the WBS summaries whose subtree holds it."""
    """WBS summary index -> pass activities under its WBS node."""
    data_date: int
    must_finish_by: int
    progress_mode: ProgressMode
    ignored_links: list[str] = field(default_factory=list)


def _activity_time(value: dt.datetime | None) -> int:
    return NONE if value is None else to_minutes(value)


def _lag_calendar(
    mode: LagCalendar,
    *,
    pred: CompiledCalendar,
    succ: CompiledCalendar,
    default: CompiledCalendar,
    full_day: CompiledCalendar,
) -> CompiledCalendar:
    if mode is LagCalendar.PREDECESSOR:
        return pred
    if mode is LagCalendar.SUCCESSOR:
        return succ
    if mode is LagCalendar.TWENTY_FOUR_HOUR:
        return full_day
    return default


def compile_network(data: ProjectData, *, calendars: dict[str, CompiledCalendar]) -> Network:
    """Flatten the project; raises LogicLoopError naming the activities of a loop."""
    project = data.project
    options = project.options
    default = calendars[data.default_calendar().id]
    full_day = CompiledCalendar(twenty_four_hour_calendar(), around=project.effective_data_date)
    passive_types = (ActivityType.LEVEL_OF_EFFORT, ActivityType.WBS_SUMMARY)
    acts = list(data.activities.values())
    regular = [a for a in acts if a.type not in passive_types]
    passive = [a for a in acts if a.type in passive_types]
    pos_of = {a.id: i for i, a in enumerate(regular)}
    n = len(regular)

    # Links between pass activities as parallel int lists (positions in `regular`), the rest aside.
    rels = list(data.relationships.values())
    get = pos_of.get
    link_p = [get(r.predecessor_id, -1) for r in rels]
    link_s = [get(r.successor_id, -1) for r in rels]
    passive_kind = {a.id: a.type for a in passive}
    loe_rels: list[Relationship] = []
    ignored: list[str] = []
    keep: list[int] = []
    # Most projects link only tasks and milestones: two C-speed scans then skip the sorting loop.
    mixed = -1 in link_p or -1 in link_s
    for k, (p, s) in enumerate(zip(link_p, link_s, strict=True)) if mixed else ():
        if p >= 0 and s >= 0:
            keep.append(k)
            continue
        rel = rels[k]
        if (passive_kind.get(rel.predecessor_id) is ActivityType.LEVEL_OF_EFFORT and s >= 0) or (
            passive_kind.get(rel.successor_id) is ActivityType.LEVEL_OF_EFFORT and p >= 0
        ):
            loe_rels.append(rel)
        else:
            ignored.append(rel.id)
    if mixed and len(keep) < len(rels):
        link_p = [link_p[k] for k in keep]
        link_s = [link_s[k] for k in keep]
        rels = [rels[k] for k in keep]

    order = _topological_order(n, link_p, link_s, [a.code for a in regular])
    new_pos = [0] * n
    for new, old in enumerate(order):
        new_pos[old] = new
    ordered: list[Activity] = [regular[i] for i in order] + passive
    index = {a.id: i for i, a in enumerate(ordered)}
    try:
        cal = [calendars[a.calendar_id] for a in ordered]
    except KeyError:
        bad = next(a for a in ordered if a.calendar_id not in calendars)
        raise ValidationError(f"activity {bad.code}.calendar_id", "refers to an unknown calendar") from None
    net = Network(
        ids=[a.id for a in ordered],
        codes=[a.code for a in ordered],
        index=index,
        n_pass=n,
        cal=cal,
        kind=[KIND_CODES[a.type] for a in ordered],
        status=[],
        dur=[],
        actual_start=[],
        actual_finish=[],
        expected_finish=[],
        c1_type=[],
        c1_date=[],
        c2_type=[],
        c2_date=[],
        pred_ptr=[],
        pred_src=[],
        pred_type=[],
        pred_lag=[],
        pred_lagcal=[],
        pred_fast=[],
        pred_rel=[],
        pred_dst=[],
        succ_ptr=[],
        succ_dst=[],
        succ_link=[],
        loe_links=[],
        wbs_members={},
        wbs_of=[a.wbs_id for a in ordered],
        wbs_cover={},
        data_date=to_minutes(project.effective_data_date),
        must_finish_by=_activity_time(project.must_finish_by),
        progress_mode=options.progress_mode,
        ignored_links=ignored,
    )
    _set_all_fields(net, ordered)
    _build_predecessors(
        net,
        options.lag_calendar,
        rels,
        [new_pos[p] for p in link_p],
        [new_pos[s] for s in link_s],
        default=default,
        full_day=full_day,
    )
    _build_successors(net)

    for rel in loe_rels:
        loe_is_succ = rel.successor_id in passive_kind
        loe = index[rel.successor_id if loe_is_succ else rel.predecessor_id]
        other = index[rel.predecessor_id if loe_is_succ else rel.successor_id]
        p_cal, s_cal = (cal[other], cal[loe]) if loe_is_succ else (cal[loe], cal[other])
        lagcal = _lag_calendar(options.lag_calendar, pred=p_cal, succ=s_cal, default=default, full_day=full_day)
        net.loe_links.append((loe, other, REL_CODES[rel.type], rel.lag, lagcal if rel.lag else None, loe_is_succ))

    _collect_wbs_members(data, net, net.wbs_of)
    return net


def _build_predecessors(
    net: Network,
    mode: LagCalendar,
    rels: list[Relationship],
    preds: list[int],
    succs: list[int],
    *,
    default: CompiledCalendar,
    full_day: CompiledCalendar,
) -> None:
    """Predecessor CSR: links grouped by successor (counting sort), in input order within a group."""
    n = net.n_pass
    cal = net.cal
    ptr_arr, perm = group_by(np.asarray(succs, dtype=np.int64), n)
    ptr: list[int] = ptr_arr.tolist()
    slots: list[int] = perm.tolist()
    net.pred_ptr = ptr
    net.pred_src = [preds[k] for k in slots]
    ordered_rels = [rels[k] for k in slots]
    net.pred_type = [REL_CODES[r.type] for r in ordered_rels]
    net.pred_lag = [r.lag for r in ordered_rels]
    net.pred_rel = [r.id for r in ordered_rels]
    # Calendars as small ints so that "same calendar" and the lag calendar are array operations.
    cal_ids: dict[CompiledCalendar, int] = {}
    cal_idx = np.asarray([cal_ids.setdefault(c, len(cal_ids)) for c in cal], dtype=np.int64)
    objects = [*cal_ids, default, full_day]
    default_idx, full_idx = len(cal_ids), len(cal_ids) + 1
    p_cal = cal_idx[np.asarray(preds, dtype=np.int64)[perm]]
    s_cal = cal_idx[np.asarray(succs, dtype=np.int64)[perm]]
    if mode is LagCalendar.PREDECESSOR:
        lag_cal = p_cal
    elif mode is LagCalendar.SUCCESSOR:
        lag_cal = s_cal
    else:
        lag_cal = np.full_like(p_cal, full_idx if mode is LagCalendar.TWENTY_FOUR_HOUR else default_idx)
    lags = np.asarray(net.pred_lag, dtype=np.int64)
    # default and full_day may be the very objects of activity calendars: compare objects, not indices.
    same_lag = np.asarray(
        [objects[j] is objects[k] for j, k in zip(lag_cal.tolist(), s_cal.tolist(), strict=True)], dtype=bool
    )
    fast = (p_cal == s_cal) & ((lags == 0) | same_lag)
    lagcals: list[CompiledCalendar | None] = [
        objects[j] if lag else None for j, lag in zip(lag_cal.tolist(), net.pred_lag, strict=True)
    ]
    fast_list: list[bool] = fast.tolist()
    net.pred_fast = fast_list
    net.pred_lagcal = lagcals


def _set_all_fields(net: Network, ordered: list[Activity]) -> None:
    """set_activity_fields for every activity, column by column (a comprehension each: faster).

    The None tests are inlined (most dates are missing) and Activity.remaining is spelt out: a function call
    per activity and field is most of the cost here.
    """
    t = _activity_time
    milestones = (ActivityType.START_MILESTONE, ActivityType.FINISH_MILESTONE)
    net.status = [
        COMPLETE if a.actual_finish is not None else IN_PROGRESS if a.actual_start is not None else NOT_STARTED
        for a in ordered
    ]
    net.dur = [
        0
        if a.type in milestones or a.actual_finish is not None
        else a.original_duration
        if a.remaining_duration is None
        else a.remaining_duration
        for a in ordered
    ]
    net.actual_start = [NONE if a.actual_start is None else t(a.actual_start) for a in ordered]
    net.actual_finish = [NONE if a.actual_finish is None else t(a.actual_finish) for a in ordered]
    net.expected_finish = [NONE if a.expected_finish is None else t(a.expected_finish) for a in ordered]
    c1 = [a.primary_constraint for a in ordered]
    c2 = [a.secondary_constraint for a in ordered]
    net.c1_type = [CONSTRAINT_CODES[c.type] if c else C_NONE for c in c1]
    net.c1_date = [t(c.date) if c else NONE for c in c1]
    net.c2_type = [CONSTRAINT_CODES[c.type] if c else C_NONE for c in c2]
    net.c2_date = [t(c.date) if c else NONE for c in c2]


def set_activity_fields(net: Network, i: int, a: Activity) -> None:
    """Write one activity's scheduling inputs into the arrays (appending when i is the next slot)."""
    if a.actual_finish is not None:
        status = COMPLETE
    elif a.actual_start is not None:
        status = IN_PROGRESS
    else:
        status = NOT_STARTED
    values = (
        status,
        0 if a.type.is_milestone else a.remaining,
        _activity_time(a.actual_start),
        _activity_time(a.actual_finish),
        _activity_time(a.expected_finish),
        CONSTRAINT_CODES[a.primary_constraint.type] if a.primary_constraint else C_NONE,
        _activity_time(a.primary_constraint.date) if a.primary_constraint else NONE,
        CONSTRAINT_CODES[a.secondary_constraint.type] if a.secondary_constraint else C_NONE,
        _activity_time(a.secondary_constraint.date) if a.secondary_constraint else NONE,
    )
    arrays = (
        net.status,
        net.dur,
        net.actual_start,
        net.actual_finish,
        net.expected_finish,
        net.c1_type,
        net.c1_date,
        net.c2_type,
        net.c2_date,
    )
    for array, value in zip(arrays, values, strict=True):
        if i == len(array):
            array.append(value)
        else:
            array[i] = value


def _build_successors(net: Network) -> None:
    ptr, perm = group_by(np.asarray(net.pred_src, dtype=np.int64), net.n_pass)
    # The successor of link k is the activity whose predecessor range holds k.
    bounds = np.asarray(net.pred_ptr, dtype=np.int64)
    owner = np.repeat(np.arange(net.n_pass, dtype=np.int64), bounds[1:] - bounds[:-1])
    net.succ_ptr = ptr.tolist()
    net.succ_link = perm.tolist()
    net.succ_dst = owner[perm].tolist()
    net.pred_dst = owner.tolist()


def _topological_order(n: int, preds: list[int], succs: list[int], codes: list[str]) -> list[int]:
    """A topological order of the pass activities; raises LogicLoopError naming one loop."""
    p_arr = np.asarray(preds, dtype=np.int64)
    s_arr = np.asarray(succs, dtype=np.int64)
    order, indegree = topological_order(n, p_arr, s_arr)
    if order.size < n:
        ptr, perm = group_by(p_arr, n)
        out: list[int] = s_arr[perm].tolist()
        bounds: list[int] = ptr.tolist()
        succ_lists = [out[bounds[i] : bounds[i + 1]] for i in range(n)]
        raise LogicLoopError([codes[i] for i in _find_loop(succ_lists, indegree.tolist())])
    result: list[int] = order.tolist()
    return result


def _find_loop(succs: list[list[int]], indegree: list[int]) -> list[int]:
    """One loop among the activities Kahn's algorithm could not order (all have indegree > 0)."""
    remaining = {i for i, d in enumerate(indegree) if d > 0}
    preds: dict[int, int] = {}
    for p in remaining:
        for s in succs[p]:
            if s in remaining:
                preds.setdefault(s, p)
    # Every remaining activity has a remaining predecessor, so walking predecessors must come back round.
    seen: dict[int, int] = {}
    path: list[int] = []
    node = min(remaining)
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = preds[node]
    loop = path[seen[node] :]
    loop.reverse()
    return loop


def _collect_wbs_members(data: ProjectData, net: Network, wbs_of: list[str | None]) -> None:
    summaries = [i for i in range(net.n_pass, len(net.ids)) if net.kind[i] == K_WBS]
    if not summaries:
        return
    children: dict[str | None, list[str]] = {}
    for node in data.wbs.values():
        children.setdefault(node.parent_id, []).append(node.id)
    by_wbs: dict[str | None, list[int]] = {}
    for i, wbs_id in enumerate(wbs_of[: net.n_pass]):
        by_wbs.setdefault(wbs_id, []).append(i)
    for i in summaries:
        root = wbs_of[i]
        members: list[int] = []
        stack: list[str | None] = [root]
        while stack:
            wbs_id = stack.pop()
            members += by_wbs.get(wbs_id, [])
            net.wbs_cover.setdefault(wbs_id, []).append(i)
            if wbs_id is not None:
                stack += children.get(wbs_id, [])
        net.wbs_members[i] = sorted(members)
