"""What every engine shares: per-pack constants, the arrays a view yields, adjustments in ticks."""

from __future__ import annotations

import itertools
import weakref
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from parindex.compiled import CompiledPack
from parindex.engines.grades import grade_thresholds
from parindex.fixedpoint import (
    VALUE_SCALE,
    BoolArray,
    FloatArray,
    Int64Array,
    mul_div_round,
    quantize_values,
)
from parindex.model import NotApplicable


class ScreenError(Exception):
    """A block may hold a bad entry: run the full, located input check."""


@attrs.frozen(eq=False)
class Plan:
    """Per-pack constants of the hot loop, computed once per compiled pack."""

    full_points: BoolArray
    excluded: BoolArray
    excluded_columns: Int64Array
    #: Per node: the range of ``excluded_columns`` inside its leaf slice.
    excluded_start: Int64Array
    excluded_end: Int64Array
    na_allowed: BoolArray
    #: Per group: a slice when its columns are contiguous, else the column array.
    columns: tuple[slice | Int64Array, ...]
    grade_thresholds: tuple[int, ...] | None
    index_scale: int
    #: Per node: the sum of its leaves' maxima, before any cap (caps are applied later).
    leaf_sum_max: Int64Array
    #: Nodes above an excluded-capable leaf: the only ones whose maximum can vary per unit.
    varying_nodes: Int64Array
    #: Per node: its row among ``varying_nodes``, or −1.
    row_of_varying: Int64Array
    #: The varying nodes' maxima before any exclusion, with the caps of every node
    #: that does not vary applied (those of the varying nodes depend on the unit).
    varying_base: Int64Array
    #: −1 for every node: no node's maximum varies in a block with nothing excluded.
    no_rows: Int64Array
    #: Nodes whose maximum is 0 when nothing is excluded: no index, no grade.
    undefined_nodes: Int64Array


_PLANS: weakref.WeakKeyDictionary[CompiledPack, Plan] = weakref.WeakKeyDictionary()


def plan_for(compiled: CompiledPack) -> Plan:
    """The pack's plan, built once per compiled pack."""
    plan = _PLANS.get(compiled)
    if plan is not None:
        return plan
    pack = compiled.pack
    columns: list[slice | Int64Array] = []
    for group in compiled.groups:
        cols = group.columns
        contiguous = cols.size > 0 and bool(np.all(np.diff(cols) == 1))
        columns.append(slice(int(cols[0]), int(cols[-1]) + 1) if contiguous else cols)
    thresholds = grade_thresholds(pack)
    monotone = all(a >= b for a, b in itertools.pairwise(thresholds))
    excluded = np.array([p is NotApplicable.EXCLUDED for p in compiled.leaf_na])
    excluded_columns = np.nonzero(excluded)[0]
    excluded_start = np.searchsorted(excluded_columns, compiled.start)
    excluded_end = np.searchsorted(excluded_columns, compiled.end)
    leaf_sum_max = _slice_sums(compiled.leaf_max, compiled.start, compiled.end)
    varying_nodes = np.flatnonzero(excluded_end > excluded_start)
    row_of_varying = np.full(compiled.n_nodes, -1, dtype=np.int64)
    row_of_varying[varying_nodes] = np.arange(varying_nodes.size)
    plan = Plan(
        full_points=np.array([p is NotApplicable.FULL_POINTS for p in compiled.leaf_na]),
        excluded=excluded,
        excluded_columns=excluded_columns,
        excluded_start=excluded_start,
        excluded_end=excluded_end,
        na_allowed=np.array([p is not NotApplicable.NOT_ALLOWED for p in compiled.leaf_na]),
        columns=tuple(columns),
        grade_thresholds=thresholds if monotone else None,
        index_scale=100 * 10**pack.rounding.decimals,
        leaf_sum_max=leaf_sum_max,
        varying_nodes=varying_nodes,
        row_of_varying=row_of_varying,
        varying_base=_fixed_caps_applied(compiled, leaf_sum_max, row_of_varying)[varying_nodes],
        no_rows=np.full(compiled.n_nodes, -1, dtype=np.int64),
        undefined_nodes=np.flatnonzero(compiled.node_max <= 0),
    )
    _PLANS[compiled] = plan
    return plan


def _fixed_caps_applied(
    compiled: CompiledPack, leaf_sum_max: Int64Array, row_of_varying: Int64Array
) -> Int64Array:
    """Every node's maximum with the caps of the nodes that cannot vary applied, deepest first."""
    maxima = leaf_sum_max.copy()
    for bounded in compiled.bounded:
        if bounded.cap is not None and row_of_varying[bounded.node] < 0:
            node = bounded.node
            maxima[bounded.targets] += min(int(maxima[node]), bounded.cap) - maxima[node]
    return maxima


def _slice_sums(values: Int64Array, start: Int64Array, end: Int64Array) -> Int64Array:
    cumulative = np.zeros(values.size + 1, dtype=np.int64)
    np.cumsum(values, out=cumulative[1:])
    return cumulative[end] - cumulative[start]


def points_to_ticks(points: FloatArray, ticks_per_point: int) -> Int64Array:
    """Points entered as numbers (NaN = none) to ticks, half away from zero."""
    micro = quantize_values(np.nan_to_num(points))
    return mul_div_round(micro, 1, VALUE_SCALE // ticks_per_point)


def result_arrays(
    specs: tuple[tuple[tuple[int, int], type[np.signedinteger[Any]]], ...],
) -> list[npt.NDArray[Any]]:
    """Uninitialised arrays of these shapes and dtypes, carved out of one allocation.

    Fresh memory costs a page fault per 4 KiB page on first write (several µs
    each on a virtual machine), and whether malloc hands out fresh or recycled
    pages depends on the process's history. One large allocation is mapped
    with huge pages where the system allows (numpy asks for them from 4 MiB on).
    """
    offsets = []
    size = 0
    for shape, dtype in specs:
        offsets.append(size)
        size += -(-shape[0] * shape[1] * np.dtype(dtype).itemsize // 64) * 64
    buffer = np.empty(size, dtype=np.uint8)
    return [
        buffer[offset : offset + shape[0] * shape[1] * np.dtype(dtype).itemsize]
        .view(dtype)
        .reshape(shape)
        for offset, (shape, dtype) in zip(offsets, specs, strict=True)
    ]


@attrs.frozen(eq=False)
class ViewArrays:
    """One stage view's result arrays (unit-major views) before eligibility and ranks."""

    points: npt.NDArray[np.signedinteger[Any]]
    #: Per-unit maxima of the plan's ``varying_nodes`` (units × k), when something is
    #: excluded; every other node's maximum is the pack's.
    varying_maximum: npt.NDArray[np.signedinteger[Any]] | None
    index: npt.NDArray[np.signedinteger[Any]]
    grade: npt.NDArray[np.int8]
    limited: BoolArray | None
    missing: BoolArray
    any_missing: bool
