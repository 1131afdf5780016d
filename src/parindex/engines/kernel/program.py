"""A compiled pack encoded as flat integer arrays for the fused scoring kernel.

The kernel (:mod:`parindex.engines.kernel.compiled`) knows the built-in rule kinds by number and
reads their parameters from these arrays. A leaf whose rule it does not know (a
plugin's kind) or whose exact arithmetic could leave the float-exact range is
marked *precomputed*: its points are evaluated with the rule's own numpy
evaluator before the kernel runs, so every pack can use the kernel and the
kernel never approximates.

This module does not import numba: building a program is plain numpy.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from parindex.compiled import CompiledPack
from parindex.engines.grades import grade_thresholds
from parindex.fixedpoint import (
    VALUE_DECIMALS,
    VALUE_SCALE,
    FloatArray,
    Int64Array,
    decimal_to_ticks,
)
from parindex.model import NotApplicable
from parindex.rules import (
    Achieved,
    Bands,
    CappedCount,
    Direct,
    Levels,
    Proportional,
    RelativeToBest,
    Rule,
    SurveyScale,
)

# Rule kind numbers the kernel dispatches on.
PRECOMPUTED = 0
DIRECT = 1
ACHIEVED = 2
LEVELS = 3
BANDS = 4
PROPORTIONAL = 5
RELATIVE = 6
CAPPED_COUNT = 7
SURVEY = 8

# Leaf policies for "không phát sinh".
NA_NOT_ALLOWED = 0
NA_FULL_POINTS = 1
NA_EXCLUDED = 2
NA_ZERO = 3

#: Integers below this are exact in float64, and ``floor(n / d)`` computed in
#: float64 is exact for ``0 <= n`` below it (see ``compiled.div_half``).
FLOAT_EXACT = 2**52
NEVER = np.iinfo(np.int64).max
#: Number of int64 parameters per leaf.
N_PARAMS = 5
#: Grade thresholds the kernel unrolls: packs with up to five grades use it.
GRADE_SLOTS = 4


@attrs.frozen
class LeafCode:
    """One leaf as the kernel sees it: a kind number, parameters, table entries."""

    kind: int
    params: tuple[int, ...] = ()
    table: tuple[int, ...] = ()


Encoder = Callable[[Rule, int, int], LeafCode | None]


def _micro(value: Decimal) -> int:
    return decimal_to_ticks(value, VALUE_DECIMALS)


def _ticks(value: Decimal, ticks_per_point: int) -> int:
    return decimal_to_ticks(value, len(str(ticks_per_point)) - 1)


def _exact(numerator_bound: int) -> bool:
    return numerator_bound < FLOAT_EXACT


def _direct(rule: Rule, maximum: int, ticks_per_point: int) -> LeafCode | None:
    per_tick = VALUE_SCALE // ticks_per_point
    upper = maximum * per_tick
    return LeafCode(DIRECT, (upper, per_tick)) if _exact(upper) else None


def _achieved(rule: Rule, maximum: int, ticks_per_point: int) -> LeafCode:
    return LeafCode(ACHIEVED)


def _levels(rule: Rule, maximum: int, ticks_per_point: int) -> LeafCode:
    assert isinstance(rule, Levels)
    points = tuple(_ticks(level.points, ticks_per_point) for level in rule.levels)
    return LeafCode(LEVELS, (len(points),), points)


def _bands(rule: Rule, maximum: int, ticks_per_point: int) -> LeafCode:
    """Thresholds fall strictly, so points are ``otherwise`` plus every band's step reached.

    A step is negative where a higher band earns less (lower-is-better rates); the
    sums stay whole numbers of ticks, exact in float64.
    """
    assert isinstance(rule, Bands)
    otherwise = _ticks(rule.otherwise, ticks_per_point)
    points = [_ticks(band.points, ticks_per_point) for band in rule.bands]
    below = [*points[1:], otherwise]
    table: list[int] = []
    for band, top, under in zip(rule.bands, points, below, strict=True):
        # Values are whole micro units, so "≥ t" is "> t − 1".
        table += [_micro(band.threshold) - int(band.inclusive), top - under]
    upper = NEVER if rule.upper is None else _micro(rule.upper)
    return LeafCode(BANDS, (len(rule.bands), otherwise, _micro(rule.lower), upper), tuple(table))


def _proportional(rule: Rule, maximum: int, ticks_per_point: int) -> LeafCode | None:
    assert isinstance(rule, Proportional)
    full = _micro(rule.full_at)
    floor = _micro(rule.floor) if rule.floor is not None else 0
    code = LeafCode(PROPORTIONAL, (full, floor, _micro(rule.accepted_upper)))
    return code if _exact(full * maximum) else None


def _relative(rule: Rule, maximum: int, ticks_per_point: int) -> LeafCode:
    # The bound depends on the group's best value: checked per call (``relative_exact``).
    return LeafCode(RELATIVE)


def _capped_count(rule: Rule, maximum: int, ticks_per_point: int) -> LeafCode:
    assert isinstance(rule, CappedCount)
    per_item = _ticks(rule.per_item, ticks_per_point)
    return LeafCode(CAPPED_COUNT, (per_item, maximum // max(per_item, 1) + 1))


def _survey(rule: Rule, maximum: int, ticks_per_point: int) -> LeafCode | None:
    assert isinstance(rule, SurveyScale)
    low, high = (_micro(bound) for bound in rule.bounds)
    return LeafCode(SURVEY, (low, high)) if _exact((high - low) * maximum) else None


#: Built-in rule kinds the kernel evaluates itself. Exact classes only: a
#: subclass may change the arithmetic, so it is evaluated by its own evaluator.
ENCODERS: dict[type[Rule], Encoder] = {
    Direct: _direct,
    Achieved: _achieved,
    Levels: _levels,
    Bands: _bands,
    Proportional: _proportional,
    RelativeToBest: _relative,
    CappedCount: _capped_count,
    SurveyScale: _survey,
}


@attrs.frozen(eq=False)
class KernelProgram:
    """Everything the kernel needs about a pack, as arrays.

    Numbers (micro values, ticks, thresholds) are float64 holding integers: the
    kernel computes in float64, exactly (see :mod:`parindex.engines.kernel.compiled`).
    """

    leaf_kind: npt.NDArray[np.int8]
    #: (leaves × N_PARAMS): the kind's parameters; for tables, the first is the offset.
    leaf_params: FloatArray
    table: FloatArray
    leaf_max: FloatArray
    leaf_policy: npt.NDArray[np.int8]
    leaf_node: Int64Array
    parent: Int64Array
    node_max: FloatArray
    #: Per node (−1 or False when unbounded): see :class:`parindex.compiled.Bounded`.
    bounded: npt.NDArray[np.bool_]
    cap: FloatArray
    slot: Int64Array
    floor: FloatArray
    ceiling: FloatArray
    has_ceiling: npt.NDArray[np.bool_]
    subtree_bonus: FloatArray
    #: Scaled index thresholds of every grade but the last, best grade first,
    #: padded with +inf to GRADE_SLOTS (the kernel unrolls them).
    thresholds: FloatArray
    ticks_per_point: int
    #: The last grade's position (the grade below every threshold).
    last_grade: float
    index_scale: float
    half_even: bool
    #: Leaves evaluated by their rule's own numpy evaluator before the kernel runs.
    precomputed: Int64Array
    #: Relative-to-best leaves: their points need ``best × maximum`` in the exact range.
    relative: Int64Array
    #: The largest per-unit maximum any node can have (an upper bound).
    max_bound: int

    def kernel_args(self, index_limit: float) -> tuple[tuple[Any, ...], ...]:
        """The (leaves, tree, grading) tuples ``compiled.score_kernel`` takes."""
        leaves = (
            self.leaf_kind,
            self.leaf_params,
            self.table,
            self.leaf_max,
            self.leaf_policy,
            self.leaf_node,
        )
        tree = (
            self.parent,
            self.node_max,
            self.bounded,
            self.cap,
            self.slot,
            self.floor,
            self.ceiling,
            self.has_ceiling,
            self.subtree_bonus,
            float(VALUE_SCALE // self.ticks_per_point),
        )
        # 2·|total|·scale + maximum must stay below 2**53 for the index division to
        # be exact (maxima are below 2**51: ``exact_in_kernel``); points are int32.
        exact_total = min(float((FLOAT_EXACT // 2 - 1) // int(self.index_scale)), 2.0**31 - 1)
        grading = (
            self.thresholds,
            self.last_grade,
            self.index_scale,
            self.half_even,
            exact_total,
            index_limit,
        )
        return leaves, tree, grading


_PROGRAMS: weakref.WeakKeyDictionary[CompiledPack, KernelProgram] = weakref.WeakKeyDictionary()


def _grade_slots(compiled: CompiledPack) -> FloatArray:
    thresholds = grade_thresholds(compiled.pack)
    slots = np.full(max(GRADE_SLOTS, len(thresholds)), np.inf)
    slots[: len(thresholds)] = thresholds
    return slots


def kernel_program(compiled: CompiledPack) -> KernelProgram:
    """The pack's kernel program, built once per compiled pack."""
    program = _PROGRAMS.get(compiled)
    if program is None:
        program = _build(compiled)
        _PROGRAMS[compiled] = program
    return program


def _build(compiled: CompiledPack) -> KernelProgram:
    n_leaves, n_nodes = compiled.n_leaves, compiled.n_nodes
    kinds = np.zeros(n_leaves, dtype=np.int8)
    params = np.zeros((n_leaves, N_PARAMS), dtype=np.int64)
    table: list[int] = []
    precomputed: list[int] = []
    for leaf, rule in enumerate(compiled.leaf_rules):
        encoder = ENCODERS.get(type(rule))
        maximum = int(compiled.leaf_max[leaf])
        code = encoder(rule, maximum, compiled.ticks_per_point) if encoder else None
        if code is None:
            precomputed.append(leaf)
            params[leaf, 0] = len(precomputed) - 1  # its column among the precomputed
            continue
        kinds[leaf] = code.kind
        values = (len(table), *code.params) if code.table else code.params
        params[leaf, : len(values)] = values
        table += code.table
    policy_numbers = {
        NotApplicable.NOT_ALLOWED: NA_NOT_ALLOWED,
        NotApplicable.FULL_POINTS: NA_FULL_POINTS,
        NotApplicable.EXCLUDED: NA_EXCLUDED,
        NotApplicable.ZERO: NA_ZERO,
    }
    bounded = np.zeros(n_nodes, dtype=bool)
    cap = np.full(n_nodes, -1, dtype=np.int64)
    slot = np.full(n_nodes, -1, dtype=np.int64)
    floor = np.zeros(n_nodes, dtype=np.int64)
    ceiling = np.zeros(n_nodes, dtype=np.int64)
    has_ceiling = np.zeros(n_nodes, dtype=bool)
    subtree_bonus = np.zeros(n_nodes, dtype=np.int64)
    for node in compiled.bounded:
        i = node.node
        bounded[i] = True
        cap[i] = -1 if node.cap is None else node.cap
        slot[i] = -1 if node.slot is None else node.slot
        floor[i] = node.floor
        has_ceiling[i] = node.ceiling is not None
        ceiling[i] = 0 if node.ceiling is None else node.ceiling
        subtree_bonus[i] = node.subtree_bonus
    relative = [leaf for leaf, kind in enumerate(kinds.tolist()) if kind == RELATIVE]
    return KernelProgram(
        leaf_kind=kinds,
        leaf_params=params.astype(np.float64),
        table=np.array(table or [0], dtype=np.float64),
        leaf_max=compiled.leaf_max.astype(np.float64),
        leaf_policy=np.array([policy_numbers[p] for p in compiled.leaf_na], dtype=np.int8),
        leaf_node=compiled.leaf_nodes.copy(),
        parent=compiled.parent.copy(),
        node_max=compiled.node_max.astype(np.float64),
        bounded=bounded,
        cap=cap.astype(np.float64),
        slot=slot,
        floor=floor.astype(np.float64),
        ceiling=ceiling.astype(np.float64),
        has_ceiling=has_ceiling,
        subtree_bonus=subtree_bonus.astype(np.float64),
        thresholds=_grade_slots(compiled),
        last_grade=float(len(compiled.pack.classification.grades) - 1),
        ticks_per_point=compiled.ticks_per_point,
        index_scale=float(100 * 10**compiled.pack.rounding.decimals),
        half_even=compiled.pack.rounding.mode == "half_even",
        precomputed=np.array(precomputed, dtype=np.int64),
        relative=np.array(relative, dtype=np.int64),
        # Maxima are not negative, so no node's leaves sum to more than all leaves.
        max_bound=max(int(compiled.leaf_max.sum()), int(compiled.node_max.max(initial=0))),
    )


def exact_in_kernel(program: KernelProgram, best: FloatArray, precomputed: FloatArray) -> bool:
    """Whether this call's numbers keep the kernel exact (else the numpy path scores it).

    Relative leaves need ``value × maximum`` (value ≤ the group's best) below
    2**52; precomputed points and the largest maximum must be exact floats.
    """
    limits = [
        program.max_bound < FLOAT_EXACT / 2,
        bool(np.all(np.abs(precomputed) < FLOAT_EXACT)),
        program.thresholds.size == GRADE_SLOTS,
    ]
    if program.relative.size:
        top = best[:, program.relative].max(initial=0, axis=0)
        # Float products only decide the bound; a margin of 2 covers their rounding.
        limits.append(bool(np.all(top * program.leaf_max[program.relative] < FLOAT_EXACT / 2)))
    return all(limits)
