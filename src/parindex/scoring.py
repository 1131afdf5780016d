"""Vectorised scoring: a handful of whole-array operations per block of units.

For each stage view: check every entry (all problems at once), pick each
leaf's value by the pack's stage policy, evaluate each rule group on its
(units × k) block, take one cumulative sum along the leaf axis, read node
totals as differences of slice ends, apply caps, bonuses, deductions, floors
and ceilings deepest first, then index %, grades and ranks in exact integers.
Units are processed in blocks to bound memory; no Python loop runs per unit.

That is the numpy engine. Large inputs go by default to the fused compiled
kernel (:mod:`parindex.kernel_scoring`), which does the same steps in one sweep
per block; both end here, in eligibility and ranks, with identical arrays.
"""

from __future__ import annotations

import importlib.util
import itertools
import warnings
import weakref
from collections.abc import Callable, Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from parindex.compiled import ROOT, CompiledPack, compile_pack
from parindex.errors import InputError, InputProblem, Location
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
from parindex.inputs import ScoringInput, StageData
from parindex.model import NotApplicable, Pack
from parindex.results import NO_GRADE, Results, StageScores, maximum_column

#: Target number of leaf values per block; keeps working arrays cache-sized.
BLOCK_VALUES = 1 << 16
#: Values beyond ±VALUE_LIMIT quantise to at least this many micro units.
MICRO_LIMIT = VALUE_LIMIT * VALUE_SCALE


def stage_views(pack: Pack, present: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Which stages each stage view consults, highest priority first.

    The view of stage *s* is *s* itself, then the policy's stages that come
    before *s* in the workflow: the self-assessment view is the self values;
    the round-1 view is round 1, else self; and so on.
    """
    order = {stage: i for i, stage in enumerate(pack.stages)}
    views = {}
    for stage in pack.stages:
        if stage not in present:
            continue
        earlier = [p for p in pack.stage_policy if order[p] < order[stage] and p in present]
        views[stage] = (stage, *earlier)
    return views


def effective_entries(
    data: ScoringInput, preference: tuple[str, ...]
) -> tuple[FloatArray, BoolArray, FloatArray, FloatArray]:
    if not preference:
        first = next(iter(data.stages.values()))
        nan = np.full_like(first.values, np.nan)
        return (
            nan,
            np.zeros_like(first.not_applicable),
            np.full_like(first.bonus, np.nan),
            np.full_like(first.deduction, np.nan),
        )
    lowest = data.stages[preference[-1]]
    values, na, bonus, deduction = (
        lowest.values,
        lowest.not_applicable,
        lowest.bonus,
        lowest.deduction,
    )
    for stage in reversed(preference[:-1]):
        data_s = data.stages[stage]
        given = ~np.isnan(data_s.values) | data_s.not_applicable
        values = np.where(given, data_s.values, values)
        na = np.where(given, data_s.not_applicable, na)
        bonus = np.where(np.isnan(data_s.bonus), bonus, data_s.bonus)
        deduction = np.where(np.isnan(data_s.deduction), deduction, data_s.deduction)
    return values, na, bonus, deduction


def _location(stage: StageData, row: int, code: str) -> Location | None:
    return stage.locations.get((row, code))


def _check_identity(compiled: CompiledPack, data: ScoringInput) -> list[InputProblem]:
    if data.pack_id != compiled.pack.id or data.leaf_codes != compiled.leaf_codes:
        return [
            InputProblem(
                f"input was built for pack {data.pack_id!r}, not {compiled.pack.id!r} "
                f"(level {compiled.level})"
            )
        ]
    return []


def check_input(compiled: CompiledPack, data: ScoringInput) -> list[InputProblem]:
    """Every problem in the entries of every stage, located."""
    problems = _check_identity(compiled, data)
    if problems:
        return problems
    unit_ids = data.unit_ids
    leaf_codes = compiled.leaf_codes
    na_allowed = np.array([p is not NotApplicable.NOT_ALLOWED for p in compiled.leaf_na])
    for stage_name, stage in data.stages.items():

        def report(
            mask: BoolArray,
            message: str,
            expected: str = "",
            columns: Int64Array | None = None,
            stage_: StageData = stage,
            name: str = stage_name,
        ) -> None:
            for row, col in zip(*np.nonzero(mask), strict=True):
                leaf = int(col if columns is None else columns[col])
                code = leaf_codes[leaf]
                value = stage_.values[row, leaf]
                problems.append(
                    InputProblem(
                        message.format(value=_show(value), stage=name),
                        unit_ids[row],
                        code,
                        _location(stage_, int(row), code),
                        expected,
                    )
                )

        given = ~np.isnan(stage.values)
        report(
            given & stage.not_applicable,
            "both a value {value} and 'không phát sinh' at stage {stage}",
        )
        report(
            stage.not_applicable & ~na_allowed[None, :],
            "'không phát sinh' is not allowed for this criterion",
            "a value",
        )
        too_big = given & (np.abs(np.where(given, stage.values, 0)) > VALUE_LIMIT)
        report(too_big, "value {value} is beyond ±1e9", "a smaller number")
        for group in compiled.groups:
            block = stage.values[:, group.columns]
            present = ~np.isnan(block) & ~too_big[:, group.columns]
            micro = quantize_values(np.where(present, block, 0.0))
            bad = group.evaluator.invalid(micro) & present
            if bad.any():
                for row, col in zip(*np.nonzero(bad), strict=True):
                    leaf = int(group.columns[col])
                    maximum = compiled.pack.node(leaf_codes[leaf]).maximum
                    assert maximum is not None
                    problems.append(
                        InputProblem(
                            f"value {_show(block[row, col])} is not accepted at stage {stage_name}",
                            unit_ids[row],
                            leaf_codes[leaf],
                            _location(stage, int(row), leaf_codes[leaf]),
                            compiled.leaf_rules[leaf].expected(maximum),
                        )
                    )
        problems.extend(_check_adjustments(compiled, data, stage_name, stage))
    return problems


def points_to_ticks(points: FloatArray, ticks_per_point: int) -> Int64Array:
    """Points entered as numbers (NaN = none) to ticks, half away from zero."""
    micro = quantize_values(np.nan_to_num(points))
    return div_round(micro, VALUE_SCALE // ticks_per_point)


def _check_adjustments(
    compiled: CompiledPack, data: ScoringInput, stage_name: str, stage: StageData
) -> list[InputProblem]:
    problems = []
    per_tick = VALUE_SCALE // compiled.ticks_per_point
    for bounded in compiled.bounded:
        if bounded.slot is None:
            continue
        code = compiled.adjustable_codes[bounded.slot]
        for kind, block, cap in (
            ("bonus", stage.bonus, bounded.bonus_cap),
            ("deduction", stage.deduction, bounded.deduction_cap),
        ):
            column = block[:, bounded.slot]
            present = ~np.isnan(column)
            micro = quantize_values(np.where(present, column, 0.0))
            bad = present & (
                (micro < 0) | (micro > cap * per_tick) | (np.abs(column) > VALUE_LIMIT)
            )
            for row in np.nonzero(bad)[0]:
                problems.append(
                    InputProblem(
                        f"{kind} {_show(column[row])} at stage {stage_name} is outside its cap",
                        data.units[row].id,
                        code,
                        _location(stage, int(row), code),
                        f"between 0 and {cap / compiled.ticks_per_point:g}",
                    )
                )
    return problems


def _show(value: float) -> str:
    return f"{value:g}"


_GROUPS: weakref.WeakKeyDictionary[ScoringInput, tuple[Int64Array, int]] = (
    weakref.WeakKeyDictionary()
)


def group_index(data: ScoringInput) -> tuple[Int64Array, int]:
    """Each unit's group as a number (0, 1, …; the numbering itself is immaterial).

    Read once per input (its units are immutable): a Python pass over the units
    costs about as much as scoring 1,000 of them.
    """
    cached = _GROUPS.get(data)
    if cached is None:
        group_of, n_groups = _group_numbers(data)
        group_of.flags.writeable = False
        cached = _GROUPS[data] = (group_of, n_groups)
    return cached


def _group_numbers(data: ScoringInput) -> tuple[Int64Array, int]:
    labels = [unit.group for unit in data.units]
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


def scaled_threshold(minimum: Decimal, decimals: int, inclusive: bool = True) -> int:
    """The smallest scaled index that passes ``≥ minimum`` (or ``> minimum``)."""
    exact = minimum.scaleb(decimals)
    whole = int(exact.to_integral_value(rounding=ROUND_FLOOR))
    if inclusive:
        return whole if exact == whole else whole + 1
    return whole + 1


def grade_thresholds(pack: Pack) -> tuple[int, ...]:
    """The smallest scaled index of every grade but the last, best grade first."""
    thresholds = []
    for grade in pack.classification.grades[:-1]:
        assert grade.minimum is not None  # validated
        thresholds.append(scaled_threshold(grade.minimum, pack.rounding.decimals, grade.inclusive))
    return tuple(thresholds)


def grades_for(
    compiled: CompiledPack, index: Int64Array, defined: BoolArray
) -> npt.NDArray[np.int8]:
    thresholds = grade_thresholds(compiled.pack)
    grades = np.full(index.shape, len(thresholds), dtype=np.int8)
    for position in range(len(thresholds) - 1, -1, -1):
        grades[index >= thresholds[position]] = position
    grades[~defined] = NO_GRADE
    return grades


def apply_eligibility(
    compiled: CompiledPack,
    grades: npt.NDArray[np.int8],
    index: Int64Array,
    maximum_of: Callable[[int], npt.NDArray[np.signedinteger[Any]]],
) -> None:
    """Downgrade a unit's total grade when a condition of that grade fails.

    ``maximum_of(node)`` gives every unit's maximum of a node; a node's index is
    defined where its maximum is positive.
    """
    pack = compiled.pack
    labels = pack.classification.labels
    for position, label in enumerate(labels):
        conditions = [c for c in pack.eligibility if c.grade == label]
        if not conditions:
            continue
        failed = np.zeros(grades.shape[0], dtype=bool)
        for condition in conditions:
            node = compiled.node_index[condition.code]
            threshold = scaled_threshold(condition.minimum, pack.rounding.decimals)
            failed |= (maximum_of(node) <= 0) | (index[:, node] < threshold)
        demote = (grades[:, ROOT] == position) & failed
        grades[demote, ROOT] = min(position + 1, len(labels) - 1)


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


@attrs.frozen(eq=False)
class _Plan:
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


_PLANS: weakref.WeakKeyDictionary[CompiledPack, _Plan] = weakref.WeakKeyDictionary()


def _plan(compiled: CompiledPack) -> _Plan:
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
    plan = _Plan(
        full_points=np.array([p is NotApplicable.FULL_POINTS for p in compiled.leaf_na]),
        excluded=excluded,
        excluded_columns=excluded_columns,
        excluded_start=excluded_start,
        excluded_end=excluded_end,
        na_allowed=np.array([p is not NotApplicable.NOT_ALLOWED for p in compiled.leaf_na]),
        columns=tuple(columns),
        grade_thresholds=thresholds if monotone else None,
        index_scale=100 * 10**pack.rounding.decimals,
        leaf_sum_max=_slice_sums(compiled.leaf_max, compiled.start, compiled.end),
        varying_nodes=np.flatnonzero(excluded_end > excluded_start),
    )
    _PLANS[compiled] = plan
    return plan


def _slice_sums(values: Int64Array, start: Int64Array, end: Int64Array) -> Int64Array:
    cumulative = np.zeros(values.size + 1, dtype=np.int64)
    np.cumsum(values, out=cumulative[1:])
    return cumulative[end] - cumulative[start]


class ScreenError(Exception):
    """A block may hold a bad entry: run the full, located input check."""


def _screen(
    plan: _Plan,
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
    plan: _Plan, totals: Int64Array, unit_max: Int64Array, mode: str
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
    compiled: CompiledPack, plan: _Plan, index: FloatArray, defined: BoolArray
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
    plan = _plan(compiled)
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
    plan = _plan(compiled)
    index, defined = _index_block(plan, totals, unit_max, compiled.pack.rounding.mode)
    return index, _grade_block(compiled, plan, index, defined)


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


ENGINES = ("auto", "kernel", "numpy")
#: Below this many entries ``engine="auto"`` keeps to numpy: as fast there, and
#: a short script does not pay for loading the compiled kernel.
KERNEL_MIN_ENTRIES = 1 << 16


def kernel_available() -> bool:
    """Whether the fused kernel can run here (numba is installed)."""
    return importlib.util.find_spec("numba") is not None


def _use_kernel(engine: str, entries: int) -> bool:
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "numpy":
        return False
    if engine == "kernel":
        if not kernel_available():
            raise ImportError("engine='kernel' needs numba: pip install numba")
        return True
    return entries >= KERNEL_MIN_ENTRIES and kernel_available()


#: Why the kernel could not run in this process, once it failed under ``auto``.
_KERNEL_FAILURE: list[str] = []


def _kernel_view(engine: str, *args: Any) -> ViewArrays | None:
    """The kernel's arrays; None where it declines, or cannot run here under ``auto``.

    numba can be installed yet unusable (no writable cache directory, a compiler
    failure on an unusual platform): ``engine="auto"`` then warns once and uses
    the numpy engine, ``engine="kernel"`` raises.
    """
    if _KERNEL_FAILURE and engine == "auto":
        return None
    try:
        from parindex.kernel_scoring import kernel_view

        return kernel_view(*args)
    except (ScreenError, InputError):
        raise
    except Exception as error:
        if engine == "kernel":
            raise
        _KERNEL_FAILURE.append(f"{type(error).__name__}: {error}")
        warnings.warn(
            f"the fused scoring kernel cannot run here ({_KERNEL_FAILURE[0]}); "
            "scoring with the numpy engine (identical results, slower)",
            RuntimeWarning,
            stacklevel=4,
        )
        return None


def _view_entries(
    compiled: CompiledPack, data: ScoringInput, preference: tuple[str, ...], apply_overrides: bool
) -> tuple[FloatArray, BoolArray, FloatArray, FloatArray]:
    """The entries a view counts: each leaf's value by stage priority, overrides applied."""
    values, na, bonus, deduction = effective_entries(data, preference)
    if apply_overrides and data.overrides:
        values = values.copy()
        na = na.copy()
        for override in data.overrides:
            row = data.unit_ids.index(override.unit)
            column = compiled.leaf_index[override.code]
            values[row, column] = compiled.leaf_rules[column].encode(override.value)
            na[row, column] = False
    return values, na, bonus, deduction


def _score_view(
    compiled: CompiledPack,
    data: ScoringInput,
    preference: tuple[str, ...],
    apply_overrides: bool,
    group_of: Int64Array,
    n_groups: int,
    *,
    screen: bool = False,
    engine: str = "auto",
) -> StageScores:
    """Scores of one stage view, by the fused kernel or block by block in numpy.

    With ``screen`` (single stage, no overrides, input not yet checked) entries
    are validated in the same pass that evaluates them: quantised once, screened
    with whole-block tests, and only when a screen fails is the full located
    ``check_input`` run.
    """
    plan = _plan(compiled)
    values, na, bonus, deduction = _view_entries(compiled, data, preference, apply_overrides)
    exclusions = plan.excluded_columns.size > 0 and bool(na[:, plan.excluded_columns].any())
    arrays = None
    try:
        best = None
        if any(group.uses_group_best for group in compiled.groups):
            best = group_best_values(compiled, values, na, group_of, n_groups)
        if _use_kernel(engine, values.size):
            arrays = _kernel_view(
                engine,
                compiled,
                values,
                na,
                bonus,
                deduction,
                best,
                group_of,
                n_groups,
                exclusions,
                plan.varying_nodes,
                screen,
            )
        if arrays is None:
            arrays = _numpy_view(
                compiled,
                values,
                na,
                points_to_ticks(bonus, compiled.ticks_per_point),
                points_to_ticks(deduction, compiled.ticks_per_point),
                best,
                group_of,
                exclusions,
                screen,
            )
    except ScreenError:
        problems = check_input(compiled, data)
        if problems:
            raise InputError(problems) from None
        # A false alarm (e.g. a value of exactly 1e9): the input is valid.
        return _score_view(
            compiled, data, preference, apply_overrides, group_of, n_groups, engine=engine
        )

    if apply_overrides and arrays.any_missing and not data.allow_missing:
        stage_for = data.stages.get(preference[0]) if preference else None
        problems = [
            InputProblem(
                "no value and no 'không phát sinh' at any counted stage "
                f"({', '.join(preference) or 'none given'})",
                data.unit_ids[row],
                compiled.leaf_codes[col],
                _location(stage_for, int(row), compiled.leaf_codes[col]) if stage_for else None,
                "a value, or allow_missing=True to score it 0",
            )
            for row, col in zip(*np.nonzero(arrays.missing), strict=True)
        ]
        raise InputError(problems)

    def maximum_of(node: int) -> npt.NDArray[np.signedinteger[Any]]:
        return maximum_column(
            compiled.node_max, plan.varying_nodes, arrays.varying_maximum, node, len(group_of)
        )

    apply_eligibility(compiled, arrays.grade, arrays.index, maximum_of)
    return StageScores(
        stages_used=preference,
        points=arrays.points,
        node_maximum=compiled.node_max,
        index=arrays.index,
        grade=arrays.grade,
        rank=competition_ranks(arrays.index[:, ROOT], maximum_of(ROOT) > 0, group_of),
        limited=arrays.limited,
        missing=arrays.missing,
        not_applicable=na,
        varying_nodes=plan.varying_nodes,
        varying_maximum=arrays.varying_maximum,
    )


def _numpy_view(
    compiled: CompiledPack,
    values: FloatArray,
    na: BoolArray,
    bonus_ticks: Int64Array,
    deduction_ticks: Int64Array,
    best: dict[str, Int64Array] | None,
    group_of: Int64Array,
    exclusions: bool,
    screen: bool,
) -> ViewArrays:
    """Scores of one view in numpy, block by block (node-major blocks)."""
    plan = _plan(compiled)
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


def score(
    pack: Pack | CompiledPack, data: ScoringInput, *, stages: bool = True, engine: str = "auto"
) -> Results:
    """Score ``data`` on ``pack``; raises InputError listing every bad entry.

    ``stages=False`` skips the per-stage views and computes the final scores only.
    ``engine`` picks the implementation: ``"kernel"`` (the fused compiled kernel,
    needs numba), ``"numpy"`` (whole-array numpy blocks) or ``"auto"`` (the kernel
    for inputs of at least :data:`KERNEL_MIN_ENTRIES` entries when numba is
    installed). Both give identical results, bit for bit.
    """
    _use_kernel(engine, 0)  # reject an unknown engine before any work
    compiled = pack if isinstance(pack, CompiledPack) else compile_pack(pack)
    policy = tuple(s for s in compiled.pack.stage_policy if s in data.stages)
    # One stage, counted as is: its entries are validated inside the scoring pass.
    screen = len(data.stages) == 1 and not data.overrides and policy == tuple(data.stages)
    if screen:
        problems = _check_identity(compiled, data)
        for stage_name, stage in data.stages.items():
            problems = problems or _check_adjustments(compiled, data, stage_name, stage)
    else:
        problems = check_input(compiled, data)
    if problems:
        raise InputError(problems)
    group_of, n_groups = group_index(data)
    final = _score_view(
        compiled, data, policy, True, group_of, n_groups, screen=screen, engine=engine
    )
    by_stage: dict[str, StageScores] = {}
    if stages:
        cache: dict[tuple[str, ...], StageScores] = {}
        if not data.overrides:
            cache[policy] = final
        for name, preference in stage_views(compiled.pack, tuple(data.stages)).items():
            if preference not in cache:
                cache[preference] = _score_view(
                    compiled, data, preference, False, group_of, n_groups, engine=engine
                )
            by_stage[name] = cache[preference]
    return Results(
        compiled=compiled,
        units=data.units,
        final=final,
        stages=by_stage,
        overrides=data.overrides,
        input=data,
    )
