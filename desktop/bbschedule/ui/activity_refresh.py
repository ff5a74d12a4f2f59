"""How the activity table follows the session's change sets: dataChanged for an edit, one row inserted or removed
for an add or a delete, the roll-ups above an edited activity, and a rebuild only when rows must move between
groups (the WBS re-ordered, a code value changed under a code grouping, a filter or sort a new schedule upsets).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bbschedule.core.changes import ChangeSet
from bbschedule.services.session import LOADED_LABEL
from bbschedule.ui.activity_cells import wbs_edited_in_place
from bbschedule.ui.activity_order import FLOAT_PATH_GROUP
from bbschedule.ui.activity_rows import DEAD

if TYPE_CHECKING:
    from bbschedule.ui.activity_model import ActivityTreeModel


def on_session_changed(model: ActivityTreeModel, change_set: ChangeSet) -> None:
    session = model.session
    if session is None:
        return
    if change_set.label == LOADED_LABEL:
        return  # no column shows relationships: nothing in the table changed
    kinds = change_set.kinds
    if not kinds:  # a new scheduling result: every date may have moved
        f = model.activity_filter
        if (
            model.sort_order is not None
            or model.grouping == FLOAT_PATH_GROUP  # the new float paths regroup the rows
            or f.critical_only
            or f.window_start is not None
            or f.window_finish is not None
        ):
            model.rebuild()  # criticality and dates decide what shows, and in what order: as P6 re-applies
        else:
            model.refresh_all_dates()
        return
    if "calendar" in kinds or ("wbs" in kinds and not wbs_edited_in_place(change_set)):
        model.rebuild()
        return
    if _needs_rebuild(model, change_set):
        model.rebuild()
        return
    layout = model.layout
    touched: set[int] = set()
    for change in change_set.changes:
        node = layout.node_of.get(change.id, DEAD) if change.kind in ("wbs", "activity") else DEAD
        if change.kind == "wbs":  # renamed or recoded: its own row only
            if node != DEAD:
                model.refresh_node(node)
            continue
        if change.kind != "activity":
            continue
        if change.before is None:
            touched.add(model.insert_activity(change.after))
        elif node == DEAD:  # filtered out: nothing on screen changes
            continue
        elif change.after is None:
            touched.add(model.remove_activity(change.id))
        elif change.before.wbs_id != change.after.wbs_id and model.grouping is None:
            touched.add(model.remove_activity(change.id))
            touched.add(model.insert_activity(change.after))
        else:
            model.refresh_node(node)
            touched.add(layout.parent[node])
    model.refresh_rollups(touched)


def _needs_rebuild(model: ActivityTreeModel, change_set: ChangeSet) -> bool:
    """Added activities that land where no row is (a code group, a WBS hidden by the filter) or a changed code
    value under a code grouping: rows move between groups, so rebuild (the added ones stay pinned)."""
    session = model.session
    if session is None:
        return False
    wbs, node_of, grouped = session.data.wbs, model.layout.node_of, model.grouping is not None
    rebuild = False
    for change in change_set.changes:
        if change.kind != "activity" or change.after is None:
            continue
        target = change.after.wbs_id
        hidden_wbs = target is not None and target in wbs and target not in node_of
        if change.before is None:
            if not model.activity_filter.is_empty:
                model.pin(change.id)
            rebuild = rebuild or grouped or hidden_wbs
        elif grouped and change.before.codes != change.after.codes:
            rebuild = True
        elif not grouped and change.before.wbs_id != target:
            rebuild = rebuild or hidden_wbs
    return rebuild
