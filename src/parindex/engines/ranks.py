"""Competition ranks (1-2-2-4) within each unit group, in O(n) where the keys allow."""

from __future__ import annotations

import numpy as np

from parindex.fixedpoint import BoolArray, Int64Array


def competition_ranks(keys: Int64Array, defined: BoolArray, group_of: Int64Array) -> Int64Array:
    """Competition ranking (1-2-2-4) of ``keys`` (higher is better) within each group.

    Units whose key is undefined are unranked (0). Ties keep input order.
    """
    n = len(keys)
    ranks = np.zeros(n, dtype=np.int64)
    members = np.nonzero(defined)[0]
    if members.size == 0:
        return ranks
    member_keys = keys[members].astype(np.int64)
    low = int(member_keys.min())
    span = int(member_keys.max()) - low + 1
    member_groups = group_of[members]
    n_groups = int(member_groups.max()) + 1
    if span * n_groups <= max(4 * members.size, 1 << 16):
        # Indices span a narrow range: a unit's rank is one plus the number of its
        # group's units with a higher key, read from a histogram in O(n).
        cells = member_groups * span + (member_keys - low)
        counts = np.bincount(cells, minlength=n_groups * span).reshape(n_groups, span)
        higher = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1] - counts
        ranks[members] = higher[member_groups, member_keys - low] + 1
        return ranks
    order = members[np.lexsort((-member_keys, member_groups))]
    sorted_keys = keys[order]
    sorted_groups = group_of[order]
    position = np.arange(order.size)
    new_group = np.ones(order.size, dtype=bool)
    new_group[1:] = sorted_groups[1:] != sorted_groups[:-1]
    new_run = new_group.copy()
    new_run[1:] |= sorted_keys[1:] != sorted_keys[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, position, 0))
    run_start = np.maximum.accumulate(np.where(new_run, position, 0))
    ranks[order] = run_start - group_start + 1
    return ranks
