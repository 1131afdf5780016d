"""The fused scoring kernel: one compiled sweep per block of units.

numpy scoring touches every (unit, node) cell with about fifteen whole-array
passes (quantise, screen, evaluate, accumulate, divide, classify, store), each
reading and writing memory. This kernel does all of it in one pass over a
block of units that stays in cache, with exactly the scorer's integer
arithmetic, so its results equal the numpy engine's
(:mod:`parindex.engines.numpy_engine`) and the
``Decimal`` reference bit for bit (the property tests check all three).

All arithmetic is on float64 holding integers: quantised values (|v| < 10¹⁵),
ticks and sums (|t| < 2³¹) and every product the program admits (< 2⁵²) are
exact there, and ``floor(n / d)`` of such integers is exact too, so the kernel
computes the very integers the int64 numpy path does, with loops the compiler
vectorises (AVX2 has no packed int64 division or conversion). The caller checks
those bounds: :mod:`parindex.engines.kernel.program` for the pack, the kernel itself
for sums (status INEXACT), and the numpy path scores whatever falls outside.

It is compiled by numba on first use and cached on disk. Importing this module
imports numba; :mod:`parindex.engines.choice` does so only when the kernel is used.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np

from parindex.engines.kernel.program import (
    ACHIEVED,
    BANDS,
    CAPPED_COUNT,
    DIRECT,
    LEVELS,
    NA_EXCLUDED,
    NA_FULL_POINTS,
    NA_NOT_ALLOWED,
    PRECOMPUTED,
    PROPORTIONAL,
    RELATIVE,
    SURVEY,
)
from parindex.fixedpoint import VALUE_LIMIT as FIXED_VALUE_LIMIT
from parindex.fixedpoint import VALUE_SCALE

#: Micro units per input unit, and the magnitude at or beyond which a screened
#: input goes to the located input check (numba reads both as constants).
SCALE = float(VALUE_SCALE)
VALUE_LIMIT = float(FIXED_VALUE_LIMIT)
OK = 0
BAD_INPUT = 1
INDEX_OVERFLOW = 2
INEXACT = 3
NO_GRADE = -1.0

# error_model="numpy": no ZeroDivisionError checks (every divisor here is > 0),
# which would stop the loops from vectorising. fastmath stays off: exactness.
_OPTIONS: dict[str, Any] = {
    "cache": True,
    "nogil": True,
    "boundscheck": False,
    "error_model": "numpy",
}
Function = TypeVar("Function", bound=Callable[..., Any])


def _jit(function: Function) -> Function:
    return cast(Function, numba.njit(**_OPTIONS)(function))


def _inline(function: Function) -> Function:
    return cast(Function, numba.njit(inline="always", **_OPTIONS)(function))


@_inline
def div_half(numerator: float, denominator: float) -> float:
    """round(numerator / denominator), halves up, for integers 0 <= n < 2**52 and d > 0.

    A float quotient of such integers is never rounded across an integer, so its
    floor is exact, and so is the remainder.
    """
    quotient = float(np.floor(numerator / denominator))
    remainder = numerator - quotient * denominator
    return quotient + (1.0 if 2.0 * remainder >= denominator else 0.0)


@_inline
def _half_up(magnitude: float, maximum: float) -> float:
    """round(magnitude / maximum), halves up: floor((2m + d) / 2d), exact below 2**52."""
    return float(np.floor((2.0 * magnitude + maximum) / (2.0 * maximum)))


@_inline
def _half_even(magnitude: float, maximum: float) -> float:
    """round(magnitude / maximum), halves to even, exact below 2**52."""
    quotient = float(np.floor(magnitude / maximum))
    twice = 2.0 * (magnitude - quotient * maximum)
    odd = quotient - 2.0 * float(np.floor(quotient * 0.5)) == 1.0
    return quotient + (1.0 if (twice > maximum) | ((twice == maximum) & odd) else 0.0)


@_inline
def _quantize(value: float) -> float:
    """Exactly ``fixedpoint.quantize_values``: trunc(value·10⁶ ± 0.5), in micro units."""
    return float(np.trunc(value * SCALE + math.copysign(0.5, value)))


@_inline
def _ticks(points: float, per_tick: float) -> float:
    """Points entered as a number (NaN: none) in ticks, halves away from zero.

    Exactly ``engines.plan.points_to_ticks``: quantised to micro units, then divided.
    """
    if math.isnan(points):
        return 0.0
    micro = _quantize(points)
    ticks = div_half(abs(micro), per_tick)
    return -ticks if micro < 0.0 else ticks


@_jit
def _leaf_points(
    kind: int,
    params: Any,
    table: Any,
    maximum: float,
    micro: Any,
    absent: Any,
    column: int,
    width: int,
    first: int,
    group_of: Any,
    best: Any,
    precomputed: Any,
    out: Any,
) -> bool:
    """Points of one leaf for ``width`` units into ``out``; True if an entry is invalid."""
    bad = False
    if kind == PRECOMPUTED:
        for b in range(width):
            out[b] = precomputed[first + b, int(params[0])]
    elif kind == DIRECT:
        upper, per_tick = params[0], params[1]
        for b in range(width):
            m = micro[b]
            bad |= ((m < 0.0) | (m > upper)) & (not absent[b])
            out[b] = div_half(max(m, 0.0), per_tick)
    elif kind == ACHIEVED:
        for b in range(width):
            m = micro[b]
            bad |= (m != 0.0) & (m != SCALE) & (not absent[b])
            out[b] = maximum if m == SCALE else 0.0
    elif kind == LEVELS:
        # One select per level (few), not a table gather: the loops vectorise.
        offset, count = int(params[0]), int(params[1])
        for b in range(width):
            m = micro[b]
            position = np.floor(m / SCALE)
            valid = (position * SCALE == m) & (position >= 0.0) & (position < count)
            bad |= (not valid) & (not absent[b])
            out[b] = 0.0
        for level in range(count):
            points, at = table[offset + level], level * SCALE
            for b in range(width):
                out[b] = points if micro[b] == at else out[b]
    elif kind == BANDS:
        # Thresholds fall strictly: ``otherwise`` plus the step of every band reached.
        offset, count = int(params[0]), int(params[1])
        otherwise, lower, upper = params[2], params[3], params[4]
        for b in range(width):
            m = micro[b]
            bad |= ((m < lower) | (m > upper)) & (not absent[b])
            out[b] = otherwise
        for k in range(count):
            threshold, step = table[offset + 2 * k], table[offset + 2 * k + 1]
            for b in range(width):
                out[b] += step if micro[b] > threshold else 0.0
    elif kind == PROPORTIONAL:
        full, floor, upper = params[0], params[1], params[2]
        for b in range(width):
            m = micro[b]
            bad |= ((m < 0.0) | (m > upper)) & (not absent[b])
            points = div_half(min(max(m, 0.0), full) * maximum, full)
            out[b] = 0.0 if m < floor else points
    elif kind == RELATIVE:
        for b in range(width):
            m = micro[b]
            bad |= (m < 0.0) & (not absent[b])
            top = best[group_of[first + b], column]
            points = div_half(max(m, 0.0) * maximum, max(top, 1.0))
            out[b] = points if top > 0.0 else 0.0
    elif kind == CAPPED_COUNT:
        per_item, cap_items = params[0], params[1]
        for b in range(width):
            m = micro[b]
            items = np.floor(m / SCALE)
            bad |= ((m < 0.0) | (items * SCALE != m)) & (not absent[b])
            out[b] = min(min(max(items, 0.0), cap_items) * per_item, maximum)
    elif kind == SURVEY:
        low, span = params[0], params[1] - params[0]
        for b in range(width):
            m = micro[b]
            bad |= ((m < low) | (m > params[1])) & (not absent[b])
            out[b] = div_half(min(max(m - low, 0.0), span) * maximum, span)
    return bad


@_jit
def _read_block(
    values: Any,
    na: Any,
    has_na: bool,
    screen: bool,
    first: int,
    width: int,
    micro: Any,
    absent: Any,
    na_block: Any,
) -> tuple[bool, bool]:
    """Quantise a block of units into leaf-major scratch; (doubtful entry, any absent).

    Rows are read unit by unit (contiguous) and written leaf-major, so that the
    later per-leaf and per-node loops run over contiguous units.
    """
    bad = False
    any_absent = False
    for b in range(width):
        u = first + b
        for j in range(values.shape[1]):
            v = values[u, j]
            missing_value = math.isnan(v)
            too_big = screen & (not abs(v) < VALUE_LIMIT) & (not missing_value)
            bad |= too_big
            v = 0.0 if missing_value or too_big else v
            any_absent |= missing_value
            absent[j, b] = missing_value
            micro[j, b] = _quantize(v)
    if has_na:
        for b in range(width):
            for j in range(values.shape[1]):
                na_block[j, b] = na[first + b, j]
    return bad, any_absent


@_jit
def _leaf_block(
    program: Any,
    first: int,
    width: int,
    micro: Any,
    absent: Any,
    na_block: Any,
    any_absent: bool,
    has_na: bool,
    screen: bool,
    exclusions: bool,
    group_of: Any,
    best: Any,
    precomputed: Any,
    totals: Any,
    maxima: Any,
    out_missing: Any,
) -> tuple[bool, bool]:
    """Leaf points into their nodes' rows of ``totals``; (invalid entry, any missing)."""
    leaf_kind, leaf_params, table, leaf_max, leaf_policy, leaf_node = program
    bad = False
    any_missing = False
    totals[:, :width] = 0.0
    if exclusions:
        maxima[:, :width] = 0.0
    for j in range(leaf_kind.shape[0]):
        node = leaf_node[j]
        row = totals[node]
        bad |= _leaf_points(
            leaf_kind[j],
            leaf_params[j],
            table,
            leaf_max[j],
            micro[j],
            absent[j],
            j,
            width,
            first,
            group_of,
            best,
            precomputed,
            row,
        )
        if exclusions:
            maxima[node, :width] = leaf_max[j]
        if any_absent:
            policy = leaf_policy[j]
            for b in range(width):
                if absent[j, b]:
                    # No value scores 0; "không phát sinh" scores the maximum
                    # where the leaf says so, or leaves its maximum out.
                    row[b] = 0.0
                    if na_block[j, b]:
                        if policy == NA_FULL_POINTS:
                            row[b] = leaf_max[j]
                        elif policy == NA_EXCLUDED and exclusions:
                            maxima[node, b] = 0.0
                    else:
                        any_missing = True
                        out_missing[first + b, j] = True
        if screen and has_na:
            not_allowed = leaf_policy[j] == NA_NOT_ALLOWED
            for b in range(width):
                bad |= na_block[j, b] & ((not absent[j, b]) | not_allowed)
    return bad, any_missing


@_jit
def _aggregate_block(
    tree: Any,
    first: int,
    width: int,
    exclusions: bool,
    bonus: Any,
    deduction: Any,
    totals: Any,
    maxima: Any,
    out_limited: Any,
) -> None:
    """Sum children into parents, applying each node's caps and bounds on the way.

    Children follow their parent in pre-order, so walking the nodes backwards
    finishes every child before its parent (the deepest-first order the bounds need).
    """
    parent, node_max, bounded, cap, slot, floor, ceiling, has_ceiling, subtree_bonus, per_tick = (
        tree
    )
    for i in range(parent.shape[0] - 1, -1, -1):
        if bounded[i]:
            for b in range(width):
                raw = totals[i, b]
                top = maxima[i, b] if exclusions else node_max[i]
                base = raw
                if cap[i] >= 0.0:
                    top = min(top, cap[i])
                    base = min(raw, cap[i])
                    if exclusions:
                        maxima[i, b] = top
                adjusted = base
                if slot[i] >= 0:
                    adjusted += _ticks(bonus[first + b, slot[i]], per_tick)
                    adjusted -= _ticks(deduction[first + b, slot[i]], per_tick)
                upper = ceiling[i] if has_ceiling[i] else top + subtree_bonus[i]
                final = min(max(adjusted, floor[i]), upper)
                out_limited[i, first + b] = final != adjusted
                totals[i, b] = final
        if i > 0:
            up = parent[i]
            for b in range(width):
                totals[up, b] += totals[i, b]
            if exclusions:
                for b in range(width):
                    maxima[up, b] += maxima[i, b]


@_jit
def _finish_block(
    grading: Any,
    first: int,
    width: int,
    exclusions: bool,
    node_max: Any,
    totals: Any,
    maxima: Any,
    out_points: Any,
    max_row: Any,
    out_max: Any,
    out_index: Any,
    out_grade: Any,
) -> tuple[bool, bool]:
    """Index %, grade and stores; (a total left the exact range, an index left ``out_index``'s).

    One branch-free loop per node, which vectorises; the rounding mode is chosen
    outside it.
    """
    thresholds, last_grade, index_scale, half_even, exact_total, index_limit = grading
    t0, t1, t2, t3 = thresholds[0], thresholds[1], thresholds[2], thresholds[3]
    inexact = False
    overflow = False
    for i in range(totals.shape[0]):
        row = totals[i]
        tops = maxima[i]
        fixed_top = node_max[i]
        for b in range(width):
            total = row[b]
            top = tops[b] if exclusions else fixed_top
            safe = top if top > 0.0 else 1.0
            magnitude = abs(total) * index_scale
            rounded = _half_even(magnitude, safe) if half_even else _half_up(magnitude, safe)
            value = (-rounded if total < 0.0 else rounded) if top > 0.0 else 0.0
            # The best grade whose threshold the index reaches (thresholds need
            # not fall): four slots, unused ones +inf (``GRADE_SLOTS``).
            grade = last_grade
            grade = 3.0 if value >= t3 else grade
            grade = 2.0 if value >= t2 else grade
            grade = 1.0 if value >= t1 else grade
            grade = 0.0 if value >= t0 else grade
            inexact |= abs(total) > exact_total
            overflow |= abs(value) >= index_limit
            out_points[i, first + b] = total
            out_index[i, first + b] = value
            out_grade[i, first + b] = grade if top > 0.0 else NO_GRADE
        if exclusions and max_row[i] >= 0:
            for b in range(width):
                out_max[max_row[i], first + b] = tops[b]
    return inexact, overflow


@_jit
def score_kernel(
    values: Any,
    na: Any,
    has_na: bool,
    bonus: Any,
    deduction: Any,
    group_of: Any,
    best: Any,
    precomputed: Any,
    leaves: Any,
    tree: Any,
    grading: Any,
    exclusions: bool,
    screen: bool,
    block: int,
    out_points: Any,
    max_row: Any,
    out_max: Any,
    out_index: Any,
    out_grade: Any,
    out_limited: Any,
    out_missing: Any,
) -> tuple[int, bool]:
    """Score every unit; outputs are node-major (nodes × units), ``out_missing`` unit-major.

    With ``exclusions``, node ``i``'s per-unit maxima go to row ``max_row[i]`` of
    ``out_max`` (nodes whose maximum cannot vary have −1 and are not stored).

    ``leaves``, ``tree`` and ``grading`` are the tuples
    :meth:`parindex.engines.kernel.program.KernelProgram.kernel_args` gives; numbers in
    them are float64 holding integers. Returns (status, whether an entry is
    missing). With ``screen`` the entries are also validated: any doubt returns
    BAD_INPUT (the caller then runs the located check). INDEX_OVERFLOW asks for
    a wider ``out_index``; INEXACT means a sum left the exact range (the numpy
    path takes over).
    """
    n_units, n_leaves = values.shape
    n_nodes = tree[0].shape[0]
    micro = np.zeros((n_leaves, block))
    absent = np.zeros((n_leaves, block), dtype=np.bool_)
    na_block = np.zeros((n_leaves, block), dtype=np.bool_)
    totals = np.zeros((n_nodes, block))
    maxima = np.zeros((n_nodes, block))
    any_missing = False
    for first in range(0, n_units, block):
        width = min(block, n_units - first)
        bad, any_absent = _read_block(
            values, na, has_na, screen, first, width, micro, absent, na_block
        )
        if bad:
            return BAD_INPUT, any_missing
        bad, missing = _leaf_block(
            leaves,
            first,
            width,
            micro,
            absent,
            na_block,
            any_absent,
            has_na,
            screen,
            exclusions,
            group_of,
            best,
            precomputed,
            totals,
            maxima,
            out_missing,
        )
        any_missing |= missing
        if bad and screen:
            return BAD_INPUT, any_missing
        _aggregate_block(
            tree, first, width, exclusions, bonus, deduction, totals, maxima, out_limited
        )
        inexact, overflow = _finish_block(
            grading,
            first,
            width,
            exclusions,
            tree[1],
            totals,
            maxima,
            out_points,
            max_row,
            out_max,
            out_index,
            out_grade,
        )
        if inexact:
            return INEXACT, any_missing
        if overflow:
            return INDEX_OVERFLOW, any_missing
    return OK, any_missing
