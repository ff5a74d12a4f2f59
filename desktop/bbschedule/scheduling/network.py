"""The schedule network as flat arrays: activities in topological order, CSR adjacency, integer minutes.

`compile_network(data)` turns a ProjectData snapshot into a Network that the passes read; nothing in the
hot loops touches a dataclass, so a compiled kernel could replace them without changing this shape.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bbschedule.core.activity import Activity, Relationship
from bbschedule.core.calendar import twenty_four_hour_calendar
from bbschedule.core.enums import ActivityType, ConstraintType, LagCalendar, ProgressMode, RelationshipType
from bbschedule.core.errors import LogicLoopError, ValidationError
from bbschedule.core.project_data import ProjectData
from bbschedule.scheduling.calendar import CompiledCalendar, to_minutes

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
    # Successor CSR: succ_link[k] is the position of that link in the pred arrays.
    succ_ptr: list[int]
    succ_dst: list[int]
    succ_link: list[int]
    # LOE links (both directions) as (loe index, other index, type, lag, lag calendar, loe is successor).
    loe_links: list[tuple[int, int, int, int, CompiledCalendar | None, bool]]
    wbs_members: dict[int, list[int]]
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
    acts = list(data.activities.values())
    regular = [a for a in acts if a.type not in (ActivityType.LEVEL_OF_EFFORT, ActivityType.WBS_SUMMARY)]
    passive = [a for a in acts if a.type in (ActivityType.LEVEL_OF_EFFORT, ActivityType.WBS_SUMMARY)]
    pos_of = {a.id: i for i, a in enumerate(regular)}
    n = len(regular)

    links_in: list[list[Relationship]] = [[] for _ in range(n)]
    out_count = [0] * n
    loe_rels: list[Relationship] = []
    ignored: list[str] = []
    passive_kind = {a.id: a.type for a in passive}
    for rel in data.relationships.values():
        p = pos_of.get(rel.predecessor_id)
        s = pos_of.get(rel.successor_id)
        if p is not None and s is not None:
            links_in[s].append(rel)
            out_count[p] += 1
        elif (passive_kind.get(rel.predecessor_id) is ActivityType.LEVEL_OF_EFFORT and s is not None) or (
            passive_kind.get(rel.successor_id) is ActivityType.LEVEL_OF_EFFORT and p is not None
        ):
            loe_rels.append(rel)
        else:
            ignored.append(rel.id)

    order = _topological_order(regular, links_in, out_count, pos_of)
    ordered: list[Activity] = [regular[i] for i in order] + passive
    index = {a.id: i for i, a in enumerate(ordered)}

    def cal_of(a: Activity) -> CompiledCalendar:
        try:
            return calendars[a.calendar_id]
        except KeyError:
            raise ValidationError(f"activity {a.code}.calendar_id", "refers to an unknown calendar") from None

    cal = [cal_of(a) for a in ordered]
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
        pred_ptr=[0],
        pred_src=[],
        pred_type=[],
        pred_lag=[],
        pred_lagcal=[],
        pred_fast=[],
        pred_rel=[],
        succ_ptr=[],
        succ_dst=[],
        succ_link=[],
        loe_links=[],
        wbs_members={},
        data_date=to_minutes(project.effective_data_date),
        must_finish_by=_activity_time(project.must_finish_by),
        progress_mode=options.progress_mode,
        ignored_links=ignored,
    )
    for a in ordered:
        set_activity_fields(net, index[a.id], a)

    for i in range(n):
        ci = cal[i]
        for rel in sorted(links_in[order[i]], key=lambda r: index[r.predecessor_id]):
            p = index[rel.predecessor_id]
            lagcal = _lag_calendar(options.lag_calendar, pred=cal[p], succ=ci, default=default, full_day=full_day)
            net.pred_src.append(p)
            net.pred_type.append(REL_CODES[rel.type])
            net.pred_lag.append(rel.lag)
            net.pred_lagcal.append(lagcal if rel.lag else None)
            net.pred_fast.append(cal[p] is ci and (rel.lag == 0 or lagcal is ci))
            net.pred_rel.append(rel.id)
        net.pred_ptr.append(len(net.pred_src))
    _build_successors(net)

    for rel in loe_rels:
        loe_is_succ = rel.successor_id in passive_kind
        loe = index[rel.successor_id if loe_is_succ else rel.predecessor_id]
        other = index[rel.predecessor_id if loe_is_succ else rel.successor_id]
        p_cal, s_cal = (cal[other], cal[loe]) if loe_is_succ else (cal[loe], cal[other])
        lagcal = _lag_calendar(options.lag_calendar, pred=p_cal, succ=s_cal, default=default, full_day=full_day)
        net.loe_links.append((loe, other, REL_CODES[rel.type], rel.lag, lagcal if rel.lag else None, loe_is_succ))

    _collect_wbs_members(data, net)
    return net


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
    n = net.n_pass
    counts = [0] * (n + 1)
    for p in net.pred_src:
        counts[p + 1] += 1
    for i in range(n):
        counts[i + 1] += counts[i]
    net.succ_ptr = counts[:]
    fill = counts[:n]
    net.succ_dst = [0] * len(net.pred_src)
    net.succ_link = [0] * len(net.pred_src)
    for s in range(n):
        for k in range(net.pred_ptr[s], net.pred_ptr[s + 1]):
            p = net.pred_src[k]
            slot = fill[p]
            net.succ_dst[slot] = s
            net.succ_link[slot] = k
            fill[p] = slot + 1


def _topological_order(
    regular: list[Activity], links_in: list[list[Relationship]], out_count: list[int], pos_of: dict[str, int]
) -> list[int]:
    """Kahn's algorithm, keeping the input order among ready activities (stable, deterministic)."""
    n = len(regular)
    succs: list[list[int]] = [[] for _ in range(n)]
    indegree = [0] * n
    for s in range(n):
        for rel in links_in[s]:
            succs[pos_of[rel.predecessor_id]].append(s)
            indegree[s] += 1
    order = [i for i in range(n) if indegree[i] == 0]
    head = 0
    while head < len(order):
        i = order[head]
        head += 1
        for s in succs[i]:
            indegree[s] -= 1
            if indegree[s] == 0:
                order.append(s)
    if len(order) < n:
        raise LogicLoopError([regular[i].code for i in _find_loop(succs, indegree)])
    return order


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


def _collect_wbs_members(data: ProjectData, net: Network) -> None:
    summaries = [i for i in range(net.n_pass, len(net.ids)) if net.kind[i] == K_WBS]
    if not summaries:
        return
    children: dict[str | None, list[str]] = {}
    for node in data.wbs.values():
        children.setdefault(node.parent_id, []).append(node.id)
    by_wbs: dict[str | None, list[int]] = {}
    for i in range(net.n_pass):
        by_wbs.setdefault(data.activities[net.ids[i]].wbs_id, []).append(i)
    for i in summaries:
        root = data.activities[net.ids[i]].wbs_id
        members: list[int] = []
        stack: list[str | None] = [root]
        while stack:
            wbs_id = stack.pop()
            members += by_wbs.get(wbs_id, [])
            if wbs_id is not None:
                stack += children.get(wbs_id, [])
        net.wbs_members[i] = sorted(members)
