"""The numpy engine: a handful of whole-array operations per block of units.

For each view: quantise each block's entries once (screening them when the
input was not checked yet), evaluate each rule group on its (units × k)
block, take one cumulative sum along the leaf axis, read node totals as
differences of slice ends, apply caps, bonuses, deductions, floors and
ceilings deepest first, then index % and grades in exact integers. Units are
processed in blocks to bound memory; no Python loop runs per unit. Always
available; the fused kernel (:mod:`parindex.engines.kernel`) computes the same
arrays bit for bit.

Two things keep it fast. Every block works in the same few arrays, kept per
thread from call to call (:class:`_Scratch`): fresh memory costs a page fault
per page, and a block's temporaries allocated anew each time made the run time
depend on how malloc happened to recycle memory. And per-unit maxima are kept only
for the nodes whose maximum can vary (above a leaf "không phát sinh" can
exclude, :class:`Maxima`); every other node's maximum is the pack's.
"""

from __future__ import annotations

import threading
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from parindex.compiled import CompiledPack
from parindex.engines.grades import NO_GRADE, grades_for
from parindex.engines.plan import (
    Plan,
    ScreenError,
    ViewArrays,
    plan_for,
    points_to_ticks,
    result_arrays,
)
from parindex.fixedpoint import (
    FLOAT_EXACT,
    VALUE_LIMIT,
    VALUE_SCALE,
    BoolArray,
    FloatArray,
    Int64Array,
    div_round,
    quantize_values,
)

#: Target number of leaf values per block; keeps working arrays cache-sized.
BLOCK_VALUES = 1 << 15
#: Values beyond ±VALUE_LIMIT quantise to at least this many micro units.
MICRO_LIMIT = VALUE_LIMIT * VALUE_SCALE
#: The largest index an int32 index array holds.
INT32_LIMIT = 2**31


@attrs.define
class Maxima:
    """Per-unit maxima of a block: the pack's for most nodes, rows for the nodes that vary.

    ``rows[row_of[node]]`` holds a varying node's maximum for every unit of the
    block; a node with ``row_of[node] == -1`` has ``fixed[node]`` for every unit.
    Caps apply to the varying rows only: ``fixed`` already has every cap applied.
    """

    fixed: Int64Array
    rows: Int64Array
    row_of: Int64Array

    def of(self, node: int) -> Int64Array | int:
        row = int(self.row_of[node])
        return self.rows[row] if row >= 0 else int(self.fixed[node])

    def varies(self, node: int) -> bool:
        return bool(self.row_of[node] >= 0)

    @classmethod
    def full(cls, unit_max: Int64Array) -> Maxima:
        """Every node varies: ``unit_max`` (nodes × units, or nodes × 1) holds them all."""
        n_nodes = unit_max.shape[0]
        return cls(np.zeros(n_nodes, dtype=np.int64), unit_max, np.arange(n_nodes))


class _Scratch:
    """Block-sized working arrays, reused by every block of a view and by later views.

    ``rows(name, n, width)`` is a C-contiguous (n × width) view of the named
    buffer, so a last, narrower block gets contiguous arrays too. Each thread
    keeps its own (:func:`_scratch`): a few MB, whose pages are then faulted in
    once per thread rather than once per call.
    """

    def __init__(self, leaf_cells: int, node_cells: int) -> None:
        self.leaf_cells = leaf_cells
        self.node_cells = node_cells
        self._buffers: dict[str, npt.NDArray[Any]] = {
            "raw": np.empty(leaf_cells),
            "half": np.empty(leaf_cells),
            "absent": np.empty(leaf_cells, dtype=bool),
            "na": np.empty(leaf_cells, dtype=bool),
            "micro": np.empty(leaf_cells, dtype=np.int64),
            "points": np.empty(leaf_cells, dtype=np.int64),
            # Row 0 is zeroed per view (``start_view``): sums are written from row 1.
            "cumulative": np.empty(leaf_cells, dtype=np.int64),
            "totals": np.empty(node_cells, dtype=np.int64),
            "starts": np.empty(node_cells, dtype=np.int64),
            "numerator": np.empty(node_cells),
            "signed": np.empty(node_cells),
            "reached": np.empty(node_cells, dtype=bool),
        }

    def rows(self, name: str, n: int, width: int) -> npt.NDArray[Any]:
        return self._buffers[name][: n * width].reshape(n, width)

    def start_view(self, width: int) -> None:
        """Zero row 0 of the cumulative sums for blocks of ``width`` (and narrower) units."""
        self._buffers["cumulative"][:width] = 0


_THREAD = threading.local()


def _scratch(n_leaves: int, n_nodes: int, width: int) -> _Scratch:
    """This thread's scratch, grown when a view needs more than it holds."""
    leaf_cells, node_cells = (n_leaves + 1) * width, n_nodes * width
    scratch: _Scratch | None = getattr(_THREAD, "scratch", None)
    if scratch is None or scratch.leaf_cells < leaf_cells or scratch.node_cells < node_cells:
        scratch = _THREAD.scratch = _Scratch(leaf_cells, node_cells)
    scratch.start_view(width)
    return scratch


def _screen_entries(
    plan: Plan, micro: Int64Array, absent: BoolArray, na_block: BoolArray | None
) -> None:
    """Cheap whole-block checks that prove a single-stage block is valid.

    Conservative: a failure only means "look closer" (``check_input``).
    """
    if micro.size and (int(micro.min()) <= -MICRO_LIMIT or int(micro.max()) >= MICRO_LIMIT):
        raise ScreenError
    if na_block is not None and (
        (na_block & ~absent).any() or (na_block & ~plan.na_allowed[:, None]).any()
    ):
        raise ScreenError


def _rule_points(
    compiled: CompiledPack,
    plan: Plan,
    micro: Int64Array,
    absent: BoolArray,
    any_absent: bool,
    best: dict[str, Int64Array] | None,
    group_rows: Int64Array,
    out: Int64Array,
    screen: bool,
) -> None:
    """Each rule group's points of node-major ``micro`` into ``out``, screening first if asked."""
    for group, cols in zip(compiled.groups, plan.columns, strict=True):
        block = micro[cols].T
        if screen:
            bad = group.evaluator.invalid(block)
            if bad.any() and (not any_absent or (bad & ~absent[cols].T).any()):
                raise ScreenError
        group_best = None
        if best is not None and group.uses_group_best:
            group_best = best[group.kind][group_rows]
        out[cols] = group.evaluator.points(block, group_best).T


def _absent_points(
    compiled: CompiledPack, plan: Plan, points: Int64Array, absent: BoolArray, na: BoolArray | None
) -> None:
    """Absent entries score 0; 'không phát sinh' scores the maximum where the leaf says so."""
    np.copyto(points, 0, where=absent)
    if na is not None:
        np.copyto(points, compiled.leaf_max[:, None], where=na & plan.full_points[:, None])


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
    any_absent = bool(absent.any())
    _rule_points(compiled, plan, micro, absent, any_absent, best, group_rows, points, False)
    if any_absent:
        _absent_points(compiled, plan, points, absent, na if na.any() else None)
    return points


def _scaled_index(
    plan: Plan,
    totals: Int64Array,
    unit_max: Int64Array,
    mode: str,
    out: FloatArray | None = None,
    spare: FloatArray | None = None,
) -> tuple[FloatArray, BoolArray, int]:
    """Index scaled by 10**decimals, exactly; where it is defined (maximum > 0); a bound on it.

    ``unit_max`` (nodes × units, or nodes × 1) is never negative. The index is a
    float holding the rounded integer, untruncated on the fast path (see
    :func:`~parindex.fixedpoint.halves_away_quotient`: truncate it, or cast it to
    an integer type). The bound is at least the largest magnitude of the index.
    """
    defined = unit_max > 0
    low, high = int(totals.min(initial=0)), int(totals.max(initial=0))
    top = int(unit_max.max(initial=0))
    largest = max(-low, high) * plan.index_scale
    smallest = int(unit_max[defined].min()) if defined.any() else 0
    bound = largest // smallest + 1 if smallest else 0
    if mode == "half_up" and 2 * largest + top < FLOAT_EXACT:
        safe = unit_max if bool(defined.all()) else np.where(defined, unit_max, 1)
        denominator = safe.astype(np.float64)
        twice = np.multiply(totals, 2.0 * plan.index_scale, out=out)
        if low < 0:
            twice += np.copysign(denominator, twice, out=spare)
        else:
            twice += denominator
        index = np.divide(twice, np.multiply(denominator, 2.0), out=twice)
    else:
        index = div_round(totals * plan.index_scale, np.where(defined, unit_max, 1), mode).astype(
            np.float64
        )
    if not defined.all():
        if defined.shape[1] == 1:
            index[~defined[:, 0]] = 0
        else:
            index[~defined] = 0
    return index, defined, bound


def _grades(
    compiled: CompiledPack,
    plan: Plan,
    index: npt.NDArray[Any],
    out: npt.NDArray[np.int8],
    reached: BoolArray | None = None,
) -> npt.NDArray[np.int8]:
    """Every index's grade position into ``out``, whether or not the index is defined.

    ``index`` holds integers (any dtype). Thresholds fall from the best grade
    down, so a grade's position is the number of thresholds the index does not
    reach; other packs take :func:`grades_for`.
    """
    thresholds = plan.grade_thresholds
    if thresholds is None:
        out[...] = grades_for(compiled, index.astype(np.int64), np.ones(index.shape, dtype=bool))
    elif not thresholds:  # one grade, or none (a pack without classification: NO_GRADE)
        out.fill(len(compiled.pack.classification.grades) - 1)
    else:
        np.less(index, thresholds[0], out=out)
        for threshold in thresholds[1:]:
            np.add(out, np.less(index, threshold, out=reached), out=out)
    return out


def index_and_grades(
    compiled: CompiledPack, totals: Int64Array, unit_max: Int64Array
) -> tuple[FloatArray, npt.NDArray[np.int8]]:
    """Index % (scaled by 10**decimals) and grades of node-major totals and maxima.

    Exactly what scoring computes per block, without the eligibility step (which
    needs whole units: see :func:`apply_eligibility`).
    """
    plan = plan_for(compiled)
    index, defined, _ = _scaled_index(plan, totals, unit_max, compiled.pack.rounding.mode)
    np.trunc(index, out=index)
    grades = _grades(compiled, plan, index, np.empty(index.shape, dtype=np.int8))
    grades[~np.broadcast_to(defined, grades.shape)] = NO_GRADE
    return index, grades


def bounds(
    compiled: CompiledPack,
    totals: Int64Array,
    maxima: Maxima,
    bonus_ticks: Int64Array,
    deduction_ticks: Int64Array,
    limited: BoolArray | None,
) -> None:
    """Caps, bonuses, deductions, floors and ceilings, deepest node first (node-major).

    ``totals`` (nodes × units), ``maxima``'s rows and ``limited`` are updated
    in place. A cap lowers a varying node's maxima and its ancestors' (which
    vary too); the pack's fixed maxima have every cap applied already.
    """
    for bounded in compiled.bounded:
        node = bounded.node
        raw = totals[node].copy()
        base = raw
        top = maxima.of(node)
        if bounded.cap is not None:
            if maxima.varies(node):
                capped: Int64Array = np.minimum(top, bounded.cap)
                maxima.rows[maxima.row_of[bounded.targets]] += capped - top
                top = capped
            base = np.minimum(raw, bounded.cap)
        adjusted = base
        if bounded.slot is not None:
            adjusted = base + bonus_ticks[bounded.slot] - deduction_ticks[bounded.slot]
        ceiling = bounded.ceiling if bounded.ceiling is not None else top + bounded.subtree_bonus
        final = np.clip(adjusted, bounded.floor, ceiling)
        if limited is not None:
            limited[node] = final != adjusted
        totals[bounded.targets] += final - raw


def apply_bounds(
    compiled: CompiledPack,
    totals: Int64Array,
    unit_max: Int64Array,
    bonus_ticks: Int64Array,
    deduction_ticks: Int64Array,
    limited: BoolArray | None,
) -> Int64Array:
    """:func:`bounds` on per-unit maxima of every node, capped from scratch.

    Arrays are nodes × units (``totals``, ``limited``), adjustable slots × units
    (bonus, deduction) and nodes × units or nodes × 1 (``unit_max``, uncapped).
    ``totals`` and ``limited`` are updated in place; the per-unit maxima (caps
    applied) are returned. Pass ``.T`` views of unit-major arrays to use it on them.
    """
    if any(bounded.cap is not None for bounded in compiled.bounded):
        unit_max = np.array(np.broadcast_to(unit_max, totals.shape), dtype=np.int64)
    maxima = Maxima.full(unit_max)
    bounds(compiled, totals, maxima, bonus_ticks, deduction_ticks, limited)
    return maxima.rows


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
    n_units, n_leaves = values.shape
    n_nodes = compiled.n_nodes
    bonus_ticks = points_to_ticks(bonus, compiled.ticks_per_point).T
    deduction_ticks = points_to_ticks(deduction, compiled.ticks_per_point).T
    # Results are stored node-major (each node's units contiguous, so a block is
    # written as contiguous rows) and handed out as unit-major views.
    varying = plan.varying_nodes
    points, maximum, index, grades = result_arrays(
        (
            ((n_nodes, n_units), compiled.points_dtype),
            ((varying.size, n_units), compiled.points_dtype),
            ((n_nodes, n_units), np.int32),
            ((n_nodes, n_units), np.int8),
        )
    )
    index_out: npt.NDArray[np.signedinteger[Any]] = index
    limited = np.zeros((n_nodes, n_units), dtype=bool) if compiled.bounded else None
    missing = np.zeros((n_units, n_leaves), dtype=bool)
    any_missing = False
    has_na = bool(na.any())
    width = min(max(1, BLOCK_VALUES // max(n_leaves, 1)), max(n_units, 1))
    scratch = _scratch(n_leaves, n_nodes, width)
    fixed = Maxima(compiled.node_max, np.zeros((0, 1), dtype=np.int64), plan.no_rows)
    start, end = compiled.start, compiled.end
    mode = compiled.pack.rounding.mode
    for first in range(0, n_units, width):
        stop = min(first + width, n_units)
        w = stop - first
        # Work node-major (leaves × units, C order): gathers of leaf columns and
        # node slices become contiguous row operations, several times faster.
        raw = scratch.rows("raw", n_leaves, w)
        np.copyto(raw, values[first:stop].T)
        absent = np.isnan(raw, out=scratch.rows("absent", n_leaves, w))
        any_absent = bool(absent.any())
        if any_absent:
            np.copyto(raw, 0.0, where=absent)
        na_block = None
        if has_na:
            na_block = scratch.rows("na", n_leaves, w)
            np.copyto(na_block, na[first:stop].T)
            if not na_block.any():
                na_block = None
        micro = quantize_values(
            raw, out=scratch.rows("micro", n_leaves, w), work=scratch.rows("half", n_leaves, w)
        )
        if screen:
            _screen_entries(plan, micro, absent, na_block)
        block_points = scratch.rows("points", n_leaves, w)
        _rule_points(
            compiled,
            plan,
            micro,
            absent,
            any_absent,
            best,
            group_of[first:stop],
            block_points,
            screen,
        )
        if any_absent:
            _absent_points(compiled, plan, block_points, absent, na_block)
            missing_block = absent if na_block is None else absent & ~na_block
            if missing_block.any():
                any_missing = True
                missing[first:stop] = missing_block.T
        cumulative = scratch.rows("cumulative", n_leaves + 1, w)
        np.cumsum(block_points, axis=0, out=cumulative[1:])
        totals = np.take(cumulative, end, axis=0, out=scratch.rows("totals", n_nodes, w))
        totals -= np.take(cumulative, start, axis=0, out=scratch.rows("starts", n_nodes, w))
        maxima = fixed
        if exclusions and na_block is not None:
            maxima = _varying_maxima(compiled, plan, na_block)
        if compiled.bounded:
            bounds(
                compiled,
                totals,
                maxima,
                bonus_ticks[:, first:stop],
                deduction_ticks[:, first:stop],
                None if limited is None else limited[:, first:stop],
            )
        points[:, first:stop] = totals
        index_out = _store_index_and_grades(
            compiled, plan, scratch, totals, maxima, mode, index_out, grades, first, stop
        )
        if exclusions:
            if maxima.rows.size:
                maximum[:, first:stop] = maxima.rows
            else:
                maximum[:, first:stop] = compiled.node_max[varying][:, None]
    return ViewArrays(
        points=points.T,
        varying_maximum=maximum.T if exclusions else None,
        index=index_out.T,
        grade=grades.T,
        limited=None if limited is None else limited.T,
        missing=missing,
        any_missing=any_missing,
    )


def _varying_maxima(compiled: CompiledPack, plan: Plan, na_block: BoolArray) -> Maxima:
    """The block's maxima: the varying nodes lose the maxima of their leaves excluded here."""
    ex = plan.excluded_columns
    lost = np.zeros((ex.size + 1, na_block.shape[1]), dtype=np.int64)
    np.cumsum(np.where(na_block[ex], compiled.leaf_max[ex][:, None], 0), axis=0, out=lost[1:])
    rows = plan.varying_base[:, None] - lost[plan.excluded_end[plan.varying_nodes]]
    rows += lost[plan.excluded_start[plan.varying_nodes]]
    return Maxima(compiled.node_max, rows, plan.row_of_varying)


def _store_index_and_grades(
    compiled: CompiledPack,
    plan: Plan,
    scratch: _Scratch,
    totals: Int64Array,
    maxima: Maxima,
    mode: str,
    index_out: npt.NDArray[np.signedinteger[Any]],
    grades: npt.NDArray[np.int8],
    first: int,
    stop: int,
) -> npt.NDArray[np.signedinteger[Any]]:
    """Index % and grades of a block into the result arrays (node-major, columns first:stop).

    Every node is first divided by the pack's maximum; the varying nodes are
    then divided again by their per-unit maxima. Returns ``index_out``, widened
    to int64 when an index leaves int32.
    """
    n_nodes, w = totals.shape
    index, _, bound = _scaled_index(
        plan,
        totals,
        compiled.node_max[:, None],
        mode,
        scratch.rows("numerator", n_nodes, w),
        scratch.rows("signed", n_nodes, w),
    )
    varying = plan.varying_nodes
    if maxima.rows.size:
        index[varying], varying_defined, varying_bound = _scaled_index(
            plan, totals[varying], maxima.rows, mode
        )
        bound = max(bound, varying_bound)
    if (
        index_out.dtype == np.int32
        and bound >= INT32_LIMIT
        and (np.trunc(index.min()) < -INT32_LIMIT or np.trunc(index.max()) >= INT32_LIMIT)
    ):
        index_out = index_out.astype(np.int64)
    stored = index_out[:, first:stop]
    np.copyto(stored, index, casting="unsafe")  # truncates: the rounded index
    block_grades = _grades(
        compiled, plan, stored, grades[:, first:stop], scratch.rows("reached", n_nodes, w)
    )
    block_grades[plan.undefined_nodes] = NO_GRADE
    if maxima.rows.size:
        block_grades[varying] = np.where(varying_defined, block_grades[varying], NO_GRADE)
    return index_out
