"""The numpy engine: a handful of whole-array operations per block of units.

For each view: quantise each block's entries once (screening them when the
input was not checked yet), evaluate each rule group on its (units × k)
block, take one cumulative sum along the leaf axis, read node totals as
differences of slice ends, apply caps, bonuses, deductions, floors and
ceilings deepest first, then index % and grades in exact integers. Units are
processed in blocks to bound memory; no Python loop runs per unit. Always
available; the fused kernel (:mod:`parindex.engines.kernel`) computes the same
arrays bit for bit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from parindex.compiled import CompiledPack
from parindex.engines.grades import NO_GRADE, grades_for
from parindex.engines.plan import Plan, ScreenError, ViewArrays, plan_for, points_to_ticks
from parindex.fixedpoint import (
    FLOAT_EXACT,
    VALUE_LIMIT,
    VALUE_SCALE,
    BoolArray,
    FloatArray,
    Int64Array,
    div_round,
    float_div_round,
    quantize_values,
)

#: Target number of leaf values per block; keeps working arrays cache-sized.
BLOCK_VALUES = 1 << 16
#: Values beyond ±VALUE_LIMIT quantise to at least this many micro units.
MICRO_LIMIT = VALUE_LIMIT * VALUE_SCALE


def _screen(
    plan: Plan,
    *,
    micro: Int64Array,
    absent: BoolArray,
    na_block: BoolArray,
    any_absent: bool,
    any_na: bool,
) -> None:
    """Cheap whole-block checks that prove a single-stage block is valid.

    Conservative: a failure only means "look closer" (``check_input``).
    """
    if micro.size and (int(micro.min()) <= -MICRO_LIMIT or int(micro.max()) >= MICRO_LIMIT):
        raise ScreenError
    if any_na and ((na_block & ~absent).any() or (na_block & ~plan.na_allowed[:, None]).any()):
        raise ScreenError


def _index_block(
    plan: Plan, totals: Int64Array, unit_max: Int64Array, mode: str
) -> tuple[FloatArray, BoolArray]:
    """Index scaled by 10**decimals, exactly, and where it is defined (maximum > 0)."""
    defined = unit_max > 0
    low, high = int(totals.min(initial=0)), int(totals.max(initial=0))
    top = int(unit_max.max(initial=0))
    if mode == "half_up" and 2 * max(-low, high) * plan.index_scale + top < FLOAT_EXACT:
        numerator = totals.astype(np.float64)
        numerator *= plan.index_scale
        safe = unit_max if bool(defined.all()) else np.where(defined, unit_max, 1)
        denominator = safe.astype(np.float64)
        index = float_div_round(numerator, denominator, low < 0)
    else:
        index = div_round(totals * plan.index_scale, np.where(defined, unit_max, 1), mode).astype(
            np.float64
        )
    if not defined.all():
        index[~np.broadcast_to(defined, index.shape)] = 0
    return index, np.broadcast_to(defined, totals.shape)


def _grade_block(
    compiled: CompiledPack, plan: Plan, index: FloatArray, defined: BoolArray
) -> npt.NDArray[np.int8]:
    n_grades = len(compiled.pack.classification.grades)
    if plan.grade_thresholds is None:
        return grades_for(compiled, index.astype(np.int64), defined)
    # Thresholds fall from the best grade down: a grade's position is the number
    # of thresholds the index does not reach.
    grades = np.full(index.shape, n_grades - 1, dtype=np.int8)
    for threshold in plan.grade_thresholds:
        np.subtract(grades, index >= threshold, out=grades, casting="unsafe")
    if not defined.all():
        grades[~defined] = NO_GRADE
    return grades


def leaf_points(
    compiled: CompiledPack,
    micro: Int64Array,
    absent: BoolArray,
    na: BoolArray,
    best: dict[str, Int64Array] | None,
    group_rows: Int64Array,
) -> Int64Array:
    """Points in ticks of node-major (leaves × units) quantised values.

    Rule groups are evaluated on their blocks; absent entries score 0 and
    'không phát sinh' scores the leaf's maximum where the leaf says full points
    (0 otherwise). ``best`` holds each relative rule group's best value per
    group, and ``group_rows`` the units' group numbers.
    """
    plan = plan_for(compiled)
    points = np.empty(micro.shape, dtype=np.int64)
    for group, cols in zip(compiled.groups, plan.columns, strict=True):
        group_best = None
        if best is not None and group.uses_group_best:
            group_best = best[group.kind][group_rows]
        points[cols] = group.evaluator.points(micro[cols].T, group_best).T
    if absent.any():
        np.putmask(points, absent, 0)
        if na.any():
            np.copyto(points, compiled.leaf_max[:, None], where=na & plan.full_points[:, None])
    return points


def index_and_grades(
    compiled: CompiledPack, totals: Int64Array, unit_max: Int64Array
) -> tuple[FloatArray, npt.NDArray[np.int8]]:
    """Index % (scaled by 10**decimals) and grades of node-major totals and maxima.

    Exactly what scoring computes per block, without the eligibility step (which
    needs whole units: see :func:`apply_eligibility`).
    """
    plan = plan_for(compiled)
    index, defined = _index_block(plan, totals, unit_max, compiled.pack.rounding.mode)
    return index, _grade_block(compiled, plan, index, defined)


def numpy_view(
    compiled: CompiledPack,
    values: FloatArray,
    na: BoolArray,
    bonus: FloatArray,
    deduction: FloatArray,
    best: dict[str, Int64Array] | None,
    group_of: Int64Array,
    exclusions: bool,
    screen: bool,
) -> ViewArrays:
    """Scores of one view in numpy, block by block (node-major blocks).

    Raises :class:`ScreenError` when ``screen`` finds a doubtful entry.
    """
    plan = plan_for(compiled)
    bonus_ticks = points_to_ticks(bonus, compiled.ticks_per_point)
    deduction_ticks = points_to_ticks(deduction, compiled.ticks_per_point)
    n_units, n_leaves = values.shape
    n_nodes = compiled.n_nodes
    # Results are stored node-major (each node's units contiguous, so a block is
    # written as contiguous rows) and handed out as unit-major views.
    points = np.empty((n_nodes, n_units), dtype=compiled.points_dtype).T
    missing = np.zeros((n_units, n_leaves), dtype=bool)
    varying = plan.varying_nodes
    maximum = np.empty((varying.size, n_units), dtype=compiled.points_dtype).T
    index_out: npt.NDArray[np.signedinteger[Any]] = np.empty((n_nodes, n_units), dtype=np.int32).T
    grades = np.empty((n_nodes, n_units), dtype=np.int8).T
    limited = np.zeros((n_nodes, n_units), dtype=bool).T if compiled.bounded else None
    block = max(1, BLOCK_VALUES // max(n_leaves, 1))
    start, end = compiled.start, compiled.end
    leaf_max = compiled.leaf_max
    any_missing = False
    first = 0
    while first < n_units:
        # Work node-major (leaves × units, C order): gathers of leaf columns and
        # node slices become contiguous row operations, several times faster.
        rows = slice(first, min(first + block, n_units))
        width = rows.stop - first
        raw = np.ascontiguousarray(values[rows].T)
        absent = np.isnan(raw)
        na_block = np.ascontiguousarray(na[rows].T)
        any_absent = bool(absent.any())
        any_na = any_absent and bool(na_block.any())
        micro = quantize_values(raw)
        if any_absent:
            np.putmask(micro, absent, 0)
        if screen:
            _screen(
                plan,
                micro=micro,
                absent=absent,
                na_block=na_block,
                any_absent=any_absent,
                any_na=any_na,
            )
            for group, cols in zip(compiled.groups, plan.columns, strict=True):
                bad = group.evaluator.invalid(micro[cols].T)
                if bad.any() and (not any_absent or (bad & ~absent[cols].T).any()):
                    raise ScreenError
        block_points = leaf_points(compiled, micro, absent, na_block, best, group_of[rows])
        if any_absent:
            missing_block = absent & ~na_block
            if missing_block.any():
                any_missing = True
                missing[rows] = missing_block.T
        cumulative = np.zeros((n_leaves + 1, width), dtype=np.int64)
        np.cumsum(block_points, axis=0, out=cumulative[1:])
        totals = cumulative[end]
        totals -= cumulative[start]
        unit_max = compiled.node_max[:, None]
        if exclusions and any_na:
            # Only excluded-capable leaves shrink a maximum: sum over those alone.
            ex = plan.excluded_columns
            lost = np.zeros((ex.size + 1, width), dtype=np.int64)
            np.cumsum(np.where(na_block[ex], leaf_max[ex][:, None], 0), axis=0, out=lost[1:])
            # Start from uncapped sums: the bounds step applies caps to what remains.
            unit_max = plan.leaf_sum_max[:, None] - lost[plan.excluded_end]
            unit_max += lost[plan.excluded_start]
        if compiled.bounded:
            unit_max = apply_bounds(
                compiled,
                totals,
                unit_max,
                bonus_ticks[rows].T,
                deduction_ticks[rows].T,
                None if limited is None else limited[rows].T,
            )
        points[rows] = totals.T
        if exclusions:
            maximum[rows] = np.broadcast_to(unit_max, totals.shape)[varying].T
        index, block_grades = index_and_grades(compiled, totals, unit_max)
        grades[rows] = block_grades.T
        if index_out.dtype == np.int32 and (
            index.size and (index.min() < -(2**31) or index.max() >= 2**31)
        ):
            index_out = index_out.T.astype(np.int64).T
        index_out[rows] = index.T
        first = rows.stop
    return ViewArrays(
        points=points,
        varying_maximum=maximum if exclusions else None,
        index=index_out,
        grade=grades,
        limited=limited,
        missing=missing,
        any_missing=any_missing,
    )


def apply_bounds(
    compiled: CompiledPack,
    totals: Int64Array,
    unit_max: Int64Array,
    bonus_ticks: Int64Array,
    deduction_ticks: Int64Array,
    limited: BoolArray | None,
) -> Int64Array:
    """Caps, bonuses, deductions, floors and ceilings, deepest node first (node-major).

    Arrays are nodes × units (``totals``, ``limited``), adjustable slots × units
    (bonus, deduction) and nodes × units or nodes × 1 (``unit_max``). ``totals``
    and ``limited`` are updated in place; the per-unit maxima (caps applied) are
    returned. Pass ``.T`` views of unit-major arrays to use it on them.
    """
    if any(bounded.cap is not None for bounded in compiled.bounded):
        unit_max = np.array(np.broadcast_to(unit_max, totals.shape), dtype=np.int64)
    for bounded in compiled.bounded:
        node = bounded.node
        raw = totals[node].copy()
        base = raw
        if bounded.cap is not None:
            capped_max = np.minimum(unit_max[node], bounded.cap)
            unit_max[bounded.targets] += capped_max - unit_max[node]
            base = np.minimum(raw, bounded.cap)
        adjusted = base
        if bounded.slot is not None:
            adjusted = base + bonus_ticks[bounded.slot] - deduction_ticks[bounded.slot]
        ceiling = (
            bounded.ceiling
            if bounded.ceiling is not None
            else unit_max[node] + bounded.subtree_bonus
        )
        final = np.clip(adjusted, bounded.floor, ceiling)
        if limited is not None:
            limited[node] = final != adjusted
        totals[bounded.targets] += final - raw
    return unit_max
