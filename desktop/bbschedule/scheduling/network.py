"""The schedule network as flat arrays: activities in topological order, CSR adjacency, integer minutes.

`compile_network(data)` turns a ProjectData snapshot into a Network that the passes read; nothing in the
hot loops touches a dataclass, so a compiled kernel could replace them without changing this shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import numpy.typing as npt

from bbschedule.core.activity import Relationship
from bbschedule.core.calendar import twenty_four_hour_calendar
from bbschedule.core.enums import LagCalendar, ProgressMode
from bbschedule.core.errors import LogicLoopError, ValidationError
from bbschedule.core.project_data import ProjectData
from bbschedule.scheduling.calendar import CompiledCalendar, to_minutes
from bbschedule.scheduling.codes import (
    K_LOE,
    K_WBS,
    KIND_CODES,
    REL_CODES,
)
from bbschedule.scheduling.columns import column, ints, take
from bbschedule.scheduling.fields import activity_time, set_all_fields
from bbschedule.scheduling.graph import IntArray, find_loop, group_by, topological_order


@dataclass
class FlatArrays:
    """numpy twins of the network's structure (fixed between compiles) for the vectorised full run.

    Calendars are numbers into `cal_objects`; a link's lag calendar is -1 when it has no lag.
    """

    cal_objects: list[CompiledCalendar]
    cal_num: IntArray
    pred_ptr: IntArray
    pred_src: IntArray
    pred_type: IntArray
    pred_lag: IntArray
    pred_fast: npt.NDArray[np.bool_]
    pred_lagcal: IntArray
    pred_dst: IntArray
    succ_ptr: IntArray
    succ_dst: IntArray
    succ_link: IntArray


@dataclass
class Network:
    """Pass activities (tasks and milestones) 0..n-1 in topological order; LOE and WBS summaries after them."""

    ids: list[str]
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
    pred_dst: list[int]
    """The successor of each link (the activity whose predecessor range holds it)."""
    # Successor CSR: succ_link[k] is the position of that link in the pred arrays.
    succ_ptr: list[int]
    succ_dst: list[int]
    succ_link: list[int]
    # LOE links (both directions) as (loe index, other index, type, lag, lag calendar, loe is successor).
    loe_links: list[tuple[int, int, int, int, CompiledCalendar | None, bool]]
    wbs_members: dict[int, IntArray]
    wbs_of: list[str | None]
    """The WBS node of each activity."""
    wbs_cover: dict[str | None, list[int]]
    """WBS node -> the WBS summaries whose subtree holds it."""
    """WBS summary index -> pass activities under its WBS node."""
    data_date: int
    must_finish_by: int
    progress_mode: ProgressMode
    ignored_links: list[str] = field(default_factory=list)
    levels: list[int] = field(default_factory=list)
    """Bounds of the topological levels among the pass activities: level j is levels[j]:levels[j+1]."""
    flat: FlatArrays | None = None
    field_arrays: dict[str, IntArray] | None = None
    """status, actual_start, actual_finish, expected_finish, c1_type, c1_date, c2_type, c2_date as numpy arrays,
    as compiled (None once an edit changed the lists)."""
    lazy: dict[str, Callable[[], list[str]]] = field(default_factory=dict)
    """How to make the columns few runs need (activity codes, relationship ids), made on first use."""

    @property
    def index(self) -> dict[str, int]:
        """Activity id -> network position (made on first use: a full run does without it)."""
        made: dict[str, int] | None = self.__dict__.get("_index")
        if made is None:
            made = self.__dict__["_index"] = dict(zip(self.ids, range(len(self.ids)), strict=True))
        return made

    @property
    def codes(self) -> list[str]:
        """The activity codes planners see, in network order."""
        return self._column("codes")

    @property
    def pred_rel(self) -> list[str]:
        """The relationship id of each link in the predecessor arrays."""
        return self._column("pred_rel")

    def _column(self, name: str) -> list[str]:
        made = self.__dict__.get("_" + name)
        if made is None:
            made = self.__dict__["_" + name] = self.lazy[name]()
        return made


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
    """Flatten the project; raises LogicLoopError naming the activities of a loop.

    Each field is read once as a column in the project's own order (map/attrgetter: no Python frame per
    object, and objects visited in the order they were allocated), then put in topological order with one
    numpy permutation: at 100k activities, per-object Python work and cache misses are the cost here.
    """
    project = data.project
    options = project.options
    default = calendars[data.default_calendar().id]
    full_day = CompiledCalendar(twenty_four_hour_calendar(), around=project.effective_data_date)
    acts = list(data.activities.values())
    n_all = len(acts)
    kind_all = ints(map(KIND_CODES.__getitem__, column(acts, "type")))
    passive_mask = kind_all >= K_LOE
    reg_idx = np.flatnonzero(~passive_mask)
    n = len(reg_idx)
    reg_pos = np.full(n_all + 1, -1, dtype=np.int64)  # acts index -> pass position; the extra slot maps -1
    reg_pos[reg_idx] = np.arange(n, dtype=np.int64)
    ids_all = column(acts, "id")
    id_number = dict(zip(ids_all, range(n_all), strict=True))

    # Links between pass activities as parallel int arrays (positions among the pass activities), the rest aside.
    rels = list(data.relationships.values())
    p_all, s_all = (_numbers(id_number, column(rels, end)) for end in ("predecessor_id", "successor_id"))
    link_p, link_s = reg_pos[p_all], reg_pos[s_all]
    loe_rels: list[Relationship] = []
    ignored: list[str] = []
    inside = (link_p >= 0) & (link_s >= 0)
    if not inside.all():
        for k in np.flatnonzero(~inside).tolist():
            p, s = int(p_all[k]), int(s_all[k])
            if (p >= 0 and kind_all[p] == K_LOE and link_s[k] >= 0) or (
                s >= 0 and kind_all[s] == K_LOE and link_p[k] >= 0
            ):
                loe_rels.append(rels[k])
            else:
                ignored.append(rels[k].id)
        keep = np.flatnonzero(inside)
        link_p, link_s = link_p[keep], link_s[keep]
        rels = take(rels, keep.tolist())

    order, level_sizes = _topological_order(
        n, link_p, link_s, codes=lambda: take(column(acts, "code"), reg_idx.tolist())
    )
    new_pos = np.empty(n, dtype=np.int64)
    new_pos[order] = np.arange(n, dtype=np.int64)
    perm = np.concatenate([reg_idx[order], np.flatnonzero(passive_mask)])
    perm_list: list[int] = perm.tolist()
    ids = take(ids_all, perm_list)

    # Calendars as small ints (one per distinct compiled object) so that link tests are array operations.
    objects: list[CompiledCalendar] = []
    seen: dict[int, int] = {}
    number: dict[str, int] = {}
    for cid, compiled in calendars.items():
        number[cid] = seen.setdefault(id(compiled), len(objects))
        if number[cid] == len(objects):
            objects.append(compiled)
    try:
        cal_num = ints(map(number.__getitem__, column(acts, "calendar_id")))
    except KeyError:
        bad = next(a for a in acts if a.calendar_id not in calendars)
        raise ValidationError(f"activity {bad.code}.calendar_id", "refers to an unknown calendar") from None
    cal_idx = cal_num[perm]
    net = Network(
        ids=ids,
        n_pass=n,
        cal=list(map(objects.__getitem__, cal_idx.tolist())),
        kind=kind_all[perm].tolist(),
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
        pred_dst=[],
        succ_ptr=[],
        succ_dst=[],
        succ_link=[],
        loe_links=[],
        wbs_members={},
        wbs_of=take(column(acts, "wbs_id"), perm_list),
        wbs_cover={},
        data_date=to_minutes(project.effective_data_date),
        must_finish_by=activity_time(project.must_finish_by),
        progress_mode=options.progress_mode,
        ignored_links=ignored,
        levels=[0, *np.cumsum(level_sizes).tolist()] if level_sizes else [0],
    )
    inv = np.empty(n_all, dtype=np.int64)
    inv[perm] = np.arange(n_all, dtype=np.int64)
    net.lazy["codes"] = lambda: take(column(acts, "code"), perm_list)
    inv_list: list[int] = inv.tolist()
    set_all_fields(net, acts, perm_list, inv=inv_list, kind=kind_all)
    _build_predecessors(
        net,
        options.lag_calendar,
        rels,
        new_pos[link_p],
        new_pos[link_s],
        cal_idx=cal_idx,
        cal_objects=objects,
        default=default,
        full_day=full_day,
    )
    _build_successors(net)
    cal = net.cal

    def position(a_id: str) -> int:
        return inv_list[id_number[a_id]]

    for rel in loe_rels:
        loe_is_succ = position(rel.successor_id) >= n
        loe = position(rel.successor_id if loe_is_succ else rel.predecessor_id)
        other = position(rel.predecessor_id if loe_is_succ else rel.successor_id)
        p_cal, s_cal = (cal[other], cal[loe]) if loe_is_succ else (cal[loe], cal[other])
        lagcal = _lag_calendar(options.lag_calendar, pred=p_cal, succ=s_cal, default=default, full_day=full_day)
        net.loe_links.append((loe, other, REL_CODES[rel.type], rel.lag, lagcal if rel.lag else None, loe_is_succ))

    _collect_wbs_members(data, net, net.wbs_of)
    return net


def _build_predecessors(
    net: Network,
    mode: LagCalendar,
    rels: list[Relationship],
    preds: IntArray,
    succs: IntArray,
    *,
    cal_idx: IntArray,
    cal_objects: list[CompiledCalendar],
    default: CompiledCalendar,
    full_day: CompiledCalendar,
) -> None:
    """Predecessor CSR: links grouped by successor (counting sort), in input order within a group.

    `cal_idx[i]` numbers activity i's calendar among `cal_objects` (one number per distinct object).
    """
    n = net.n_pass
    ptr_arr, perm = group_by(succs, n)
    src_arr = preds[perm]
    net.pred_ptr = ptr_arr.tolist()
    net.pred_src = src_arr.tolist()
    slots: list[int] = perm.tolist()
    types = ints(map(REL_CODES.__getitem__, column(rels, "type")))[perm]
    lags = ints(column(rels, "lag"))[perm]
    net.pred_type = types.tolist()
    net.pred_lag = lags.tolist()
    net.lazy["pred_rel"] = lambda: take(column(rels, "id"), slots)
    objects = list(cal_objects)
    number = {id(c): k for k, c in enumerate(objects)}
    for extra in (default, full_day):
        if id(extra) not in number:
            number[id(extra)] = len(objects)
            objects.append(extra)
    p_cal = cal_idx[preds[perm]]
    s_cal = cal_idx[succs[perm]]
    if mode is LagCalendar.PREDECESSOR:
        lag_cal = p_cal
    elif mode is LagCalendar.SUCCESSOR:
        lag_cal = s_cal
    else:
        chosen = full_day if mode is LagCalendar.TWENTY_FOUR_HOUR else default
        lag_cal = np.full_like(p_cal, number[id(chosen)])
    has_lag = lags != 0
    # Equal numbers mean the very same calendar object: positions then add without conversion.
    fast = (p_cal == s_cal) & (~has_lag | (lag_cal == s_cal))
    net.pred_fast = fast.tolist()
    with_none: list[CompiledCalendar | None] = [*objects, None]
    net.pred_lagcal = list(map(with_none.__getitem__, np.where(has_lag, lag_cal, len(objects)).tolist()))
    net.flat = FlatArrays(
        cal_objects=objects,
        cal_num=cal_idx,
        pred_ptr=ptr_arr,
        pred_src=src_arr,
        pred_type=types,
        pred_lag=lags,
        pred_fast=fast,
        pred_lagcal=np.where(has_lag, lag_cal, -1),
        pred_dst=np.empty(0, dtype=np.int64),
        succ_ptr=np.empty(0, dtype=np.int64),
        succ_dst=np.empty(0, dtype=np.int64),
        succ_link=np.empty(0, dtype=np.int64),
    )


def _build_successors(net: Network) -> None:
    flat = net.flat
    assert flat is not None
    ptr, perm = group_by(flat.pred_src, net.n_pass)
    # The successor of link k is the activity whose predecessor range holds k.
    bounds = flat.pred_ptr
    owner = np.repeat(np.arange(net.n_pass, dtype=np.int64), bounds[1:] - bounds[:-1])
    flat.succ_ptr, flat.succ_link, flat.succ_dst, flat.pred_dst = ptr, perm, owner[perm], owner
    net.succ_ptr = ptr.tolist()
    net.succ_link = perm.tolist()
    net.succ_dst = flat.succ_dst.tolist()
    net.pred_dst = owner.tolist()


def _numbers(number: dict[str, int], keys: list[str]) -> IntArray:
    """number[key] for each key, -1 for a key it lacks (a dangling link)."""
    try:
        return ints(map(number.__getitem__, keys))  # a third faster than get(key, -1): links rarely dangle
    except KeyError:
        return ints(map(number.get, keys, repeat(-1)))


def _topological_order(
    n: int, p_arr: IntArray, s_arr: IntArray, *, codes: Callable[[], list[str]]
) -> tuple[IntArray, list[int]]:
    """A topological order of the pass activities and its level sizes; raises LogicLoopError naming one loop
    (`codes` on demand)."""
    order, indegree, sizes = topological_order(n, p_arr, s_arr)
    if order.size < n:
        ptr, perm = group_by(p_arr, n)
        out: list[int] = s_arr[perm].tolist()
        bounds: list[int] = ptr.tolist()
        succ_lists = [out[bounds[i] : bounds[i + 1]] for i in range(n)]
        names = codes()
        raise LogicLoopError([names[i] for i in find_loop(succ_lists, indegree.tolist())])
    return order, sizes


def _collect_wbs_members(data: ProjectData, net: Network, wbs_of: list[str | None]) -> None:
    summaries = [i for i in range(net.n_pass, len(net.ids)) if net.kind[i] == K_WBS]
    if not summaries:
        return
    children: dict[str | None, list[str]] = {}
    for node in data.wbs.values():
        children.setdefault(node.parent_id, []).append(node.id)
    # The WBS node of each pass activity as a number.
    pass_wbs = wbs_of[: net.n_pass]
    number: dict[str | None, int] = dict(zip([None, *data.wbs], range(len(data.wbs) + 1), strict=True))
    try:
        keys = ints(map(number.__getitem__, pass_wbs))
    except KeyError:  # an activity under a WBS node the project lacks
        number = {w: k for k, w in enumerate(dict.fromkeys(pass_wbs))}
        keys = ints(map(number.__getitem__, pass_wbs))
    for i in summaries:
        # The WBS nodes of the summary's subtree, then its members with one mask over the activities' nodes
        # (flatnonzero keeps them in network order: a sort of each summary's members cost more).
        nodes: list[int] = []
        stack: list[str | None] = [wbs_of[i]]
        while stack:
            wbs_id = stack.pop()
            k = number.get(wbs_id)
            if k is not None:
                nodes.append(k)
            net.wbs_cover.setdefault(wbs_id, []).append(i)
            if wbs_id is not None:
                stack += children.get(wbs_id, [])
        if nodes:
            chosen = np.zeros(len(number), dtype=bool)
            chosen[nodes] = True
            net.wbs_members[i] = np.flatnonzero(chosen[keys])
        else:
            net.wbs_members[i] = np.zeros(0, dtype=np.int64)
