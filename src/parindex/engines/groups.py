"""Unit groups as numbers, and each group's best value of the relative rules."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from parindex.compiled import CompiledPack
from parindex.fixedpoint import BoolArray, FloatArray, Int64Array, quantize_values


def group_numbers(labels: Sequence[str]) -> tuple[Int64Array, int]:
    """Each unit's group as a number (0, 1, …; the numbering itself is immaterial)."""
    if not labels:
        return np.zeros(0, dtype=np.int64), 0
    if labels.count(labels[0]) == len(labels):
        return np.zeros(len(labels), dtype=np.int64), 1
    numbers: dict[str, int] = {}
    group_of = np.fromiter(
        (numbers.setdefault(label, len(numbers)) for label in labels), np.int64, len(labels)
    )
    return group_of, len(numbers)


def group_best_values(
    compiled: CompiledPack,
    values: FloatArray,
    na: BoolArray,
    group_of: Int64Array,
    n_groups: int,
) -> dict[str, Int64Array]:
    """Per relative rule group: each unit group's best valid value (micro), groups × columns."""
    best: dict[str, Int64Array] = {}
    for group in compiled.groups:
        if not group.uses_group_best:
            continue
        block = values[:, group.columns]
        valid = ~np.isnan(block) & ~na[:, group.columns]
        micro = quantize_values(block)
        micro[~valid] = 0
        if n_groups <= 1:
            table = micro.max(axis=0, initial=0)[None, :]
        elif n_groups <= 32:
            table = np.stack([micro[group_of == g].max(axis=0, initial=0) for g in range(n_groups)])
        else:
            table = np.zeros((n_groups, len(group.columns)), dtype=np.int64)
            rows = np.broadcast_to(group_of[:, None], micro.shape)
            cols = np.broadcast_to(np.arange(len(group.columns))[None, :], micro.shape)
            np.maximum.at(table, (rows, cols), micro)
        best[group.kind] = table
    return best
