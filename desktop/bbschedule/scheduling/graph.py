"""Graph structure with numpy: grouping links (CSR) and the topological order, built once per compile.

Only compilation uses numpy; the passes run on plain int lists taken from these arrays.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def group_by(keys: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """CSR over `keys` in [0, n): (ptr of n+1, permutation of link indices grouped by key, stable)."""
    perm = np.argsort(keys, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=n), out=ptr[1:])
    return ptr, perm.astype(np.int64)


def topological_order(n: int, preds: IntArray, succs: IntArray) -> tuple[IntArray, IntArray, list[int]]:
    """Kahn's algorithm a level at a time. Returns (order, indegree left, level sizes); indegree > 0 marks a loop.

    The order lists the levels one after the other; a level holds the activities whose longest chain of
    predecessors has the same length, so no link joins two activities of one level (the passes use that).
    """
    ptr, perm = group_by(preds, n)
    out = succs[perm]
    indegree = np.bincount(succs, minlength=n).astype(np.int64)
    frontier = np.flatnonzero(indegree == 0)
    levels = []
    while frontier.size:
        levels.append(frontier)
        starts, ends = ptr[frontier], ptr[frontier + 1]
        counts = ends - starts
        total = int(counts.sum())
        if not total:
            break
        # Indices of every link leaving the frontier: starts repeated, plus 0..count-1 within each group.
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        targets = out[np.repeat(starts, counts) + offsets]
        # unique sorts only this level's links (a bincount over all n activities per level costs more).
        touched, hits = np.unique(targets, return_counts=True)
        indegree[touched] -= hits
        frontier = touched[indegree[touched] == 0]
    order = np.concatenate(levels) if levels else np.zeros(0, dtype=np.int64)
    return order.astype(np.int64), indegree, [len(level) for level in levels]


def find_loop(succs: list[list[int]], indegree: list[int]) -> list[int]:
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
