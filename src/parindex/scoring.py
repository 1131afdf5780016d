"""Vectorised scoring: a handful of whole-array operations per block of units.

For each stage view: check every entry (all problems at once), pick each
leaf's value by the pack's stage policy, evaluate each rule group on its
(units × k) block, take one cumulative sum along the leaf axis, read node
totals as differences of slice ends, apply caps, bonuses, deductions, floors
and ceilings deepest first, then index %, grades and ranks in exact integers.
Units are processed in blocks to bound memory; no Python loop runs per unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal

import numpy as np
import numpy.typing as npt

from parindex.compiled import ROOT, CompiledPack, compile_pack
from parindex.errors import InputError, InputProblem, Location
from parindex.fixedpoint import (
    VALUE_LIMIT,
    VALUE_SCALE,
    BoolArray,
    FloatArray,
    Int64Array,
    decimal_to_ticks,
    div_round,
    quantize_values,
)
from parindex.inputs import ScoringInput, StageData
from parindex.model import NotApplicable, Pack
from parindex.results import NO_GRADE, UNRANKED, Results, StageScores

#: Target number of leaf values per block; keeps working arrays cache-sized.
BLOCK_VALUES = 1 << 18


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


def _effective(data: ScoringInput, preference: tuple[str, ...]) -> tuple[FloatArray, BoolArray, FloatArray, FloatArray]:
    if not preference:
        first = next(iter(data.stages.values()))
        nan = np.full_like(first.values, np.nan)
        return nan, np.zeros_like(first.not_applicable), np.full_like(first.bonus, np.nan), np.full_like(first.deduction, np.nan)
    lowest = data.stages[preference[-1]]
    values, na, bonus, deduction = lowest.values, lowest.not_applicable, lowest.bonus, lowest.deduction
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


def check_input(compiled: CompiledPack, data: ScoringInput) -> list[InputProblem]:
    """Every problem in the entries of every stage, located."""
    problems: list[InputProblem] = []
    if data.pack_id != compiled.pack.id or data.leaf_codes != compiled.leaf_codes:
        return [
            InputProblem(
                f"input was built for pack {data.pack_id!r}, not {compiled.pack.id!r} "
                f"(level {compiled.level})"
            )
        ]
    unit_ids = data.unit_ids
    leaf_codes = compiled.leaf_codes
    na_allowed = np.array([p is not NotApplicable.NOT_ALLOWED for p in compiled.leaf_na])
    for stage_name, stage in data.stages.items():

        def report(mask: BoolArray, message: str, expected: str = "", columns: Int64Array | None = None, stage_: StageData = stage, name: str = stage_name) -> None:
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
        report(given & stage.not_applicable, "both a value {value} and 'không phát sinh' at stage {stage}")
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
        problems += _check_adjustments(compiled, data, stage_name, stage)
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
            bad = present & ((micro < 0) | (micro > cap * per_tick) | (np.abs(column) > VALUE_LIMIT))
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


def _group_index(data: ScoringInput) -> tuple[Int64Array, int]:
    labels = [unit.group for unit in data.units]
    _, inverse = np.unique(np.array(labels, dtype=object), return_inverse=True)
    inverse = inverse.astype(np.int64)
    return inverse, int(inverse.max(initial=-1)) + 1


def _group_best(
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
        micro = np.where(valid, quantize_values(np.where(valid, block, 0.0)), 0)
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


def _grades(
    compiled: CompiledPack, index: Int64Array, defined: BoolArray
) -> npt.NDArray[np.int8]:
    pack = compiled.pack
    grades = np.full(index.shape, len(pack.classification.grades) - 1, dtype=np.int8)
    for position in range(len(pack.classification.grades) - 2, -1, -1):
        grade = pack.classification.grades[position]
        assert grade.minimum is not None  # validated
        threshold = scaled_threshold(grade.minimum, pack.rounding.decimals, grade.inclusive)
        grades[index >= threshold] = position
    grades[~defined] = NO_GRADE
    return grades


def _apply_eligibility(
    compiled: CompiledPack, grades: npt.NDArray[np.int8], index: Int64Array, defined: BoolArray
) -> None:
    """Downgrade a unit's total grade when a condition of that grade fails."""
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
            failed |= ~defined[:, node] | (index[:, node] < threshold)
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
    order = members[np.lexsort((members, -keys[members], group_of[members]))]
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


def _score_view(
    compiled: CompiledPack,
    data: ScoringInput,
    preference: tuple[str, ...],
    apply_overrides: bool,
    group_of: Int64Array,
    n_groups: int,
) -> StageScores:
    values, na, bonus, deduction = _effective(data, preference)
    missing = np.isnan(values) & ~na
    if apply_overrides and data.overrides:
        values = values.copy()
        na = na.copy()
        for override in data.overrides:
            row = data.unit_ids.index(override.unit)
            column = compiled.leaf_index[override.code]
            values[row, column] = compiled.leaf_rules[column].encode(override.value)
            na[row, column] = False
            missing[row, column] = False
    if apply_overrides and missing.any() and not data.allow_missing:
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
            for row, col in zip(*np.nonzero(missing), strict=True)
        ]
        raise InputError(problems)

    best = _group_best(compiled, values, na, group_of, n_groups)
    n_units, n_leaves = values.shape
    n_nodes = compiled.n_nodes
    points = np.empty((n_units, n_nodes), dtype=compiled.points_dtype)
    exclusions = compiled.has_exclusions and bool(na.any())
    maximum = (
        np.empty((n_units, n_nodes), dtype=np.int64) if exclusions else compiled.node_max[None, :]
    )
    limited = np.zeros((n_units, n_nodes), dtype=bool) if compiled.bounded else None
    full_points = np.array([p is NotApplicable.FULL_POINTS for p in compiled.leaf_na])
    excluded = np.array([p is NotApplicable.EXCLUDED for p in compiled.leaf_na])
    block = max(1, BLOCK_VALUES // max(n_leaves, 1))
    start, end = compiled.start, compiled.end

    for first in range(0, n_units, block):
        rows = slice(first, min(first + block, n_units))
        raw = values[rows]
        absent = np.isnan(raw)
        micro = quantize_values(np.where(absent, 0.0, raw))
        leaf_points = np.empty(micro.shape, dtype=np.int64)
        for group in compiled.groups:
            group_best = best[group.kind][group_of[rows]] if group.uses_group_best else None
            leaf_points[:, group.columns] = group.evaluator.points(micro[:, group.columns], group_best)
        na_block = na[rows]
        if na_block.any():
            leaf_points = np.where(na_block & full_points, compiled.leaf_max, leaf_points)
            leaf_points[na_block & ~full_points] = 0
        leaf_points[absent & ~na_block] = 0
        cumulative = np.zeros((leaf_points.shape[0], n_leaves + 1), dtype=np.int64)
        np.cumsum(leaf_points, axis=1, out=cumulative[:, 1:])
        totals = cumulative[:, end] - cumulative[:, start]
        if exclusions:
            leaf_max = np.where(na_block & excluded, 0, compiled.leaf_max)
            cumulative_max = np.zeros_like(cumulative)
            np.cumsum(leaf_max, axis=1, out=cumulative_max[:, 1:])
            unit_max = cumulative_max[:, end] - cumulative_max[:, start]
        else:
            unit_max = np.broadcast_to(compiled.node_max, totals.shape)
        if compiled.bounded:
            unit_max = _apply_bounds(compiled, totals, unit_max, bonus[rows], deduction[rows], limited, rows)
        points[rows] = totals
        if exclusions:
            maximum[rows] = unit_max  # type: ignore[index]

    full_max = np.broadcast_to(maximum, points.shape)
    defined = full_max > 0
    decimals = compiled.pack.rounding.decimals
    index = div_round(
        points.astype(np.int64) * (100 * 10**decimals),
        np.where(defined, full_max, 1),
        compiled.pack.rounding.mode,
    )
    index[~defined] = 0
    grades = _grades(compiled, index, defined)
    _apply_eligibility(compiled, grades, index, defined)
    ranks = competition_ranks(index[:, ROOT], defined[:, ROOT], group_of)
    return StageScores(
        stages_used=preference,
        points=points,
        maximum=maximum,
        index=index,
        grade=grades,
        rank=ranks,
        limited=limited,
        missing=missing,
        not_applicable=na,
    )


def _apply_bounds(
    compiled: CompiledPack,
    totals: Int64Array,
    unit_max: Int64Array,
    bonus: FloatArray,
    deduction: FloatArray,
    limited: BoolArray | None,
    rows: slice,
) -> Int64Array:
    """Caps, bonuses, deductions, floors and ceilings, deepest node first."""
    scale = compiled.ticks_per_point
    unit_max = np.array(unit_max, dtype=np.int64)  # writable copy
    bonus_ticks = points_to_ticks(bonus, scale)
    deduction_ticks = points_to_ticks(deduction, scale)
    for bounded in compiled.bounded:
        node = bounded.node
        raw = totals[:, node]
        base = raw
        if bounded.cap is not None:
            capped_max = np.minimum(unit_max[:, node], bounded.cap)
            unit_max[:, bounded.targets] += (capped_max - unit_max[:, node])[:, None]
            base = np.minimum(raw, bounded.cap)
        adjusted = base
        if bounded.slot is not None:
            adjusted = base + bonus_ticks[:, bounded.slot] - deduction_ticks[:, bounded.slot]
        ceiling = (
            bounded.ceiling
            if bounded.ceiling is not None
            else unit_max[:, node] + bounded.subtree_bonus
        )
        final = np.clip(adjusted, bounded.floor, ceiling)
        if limited is not None:
            limited[rows, node] = final != adjusted
        totals[:, bounded.targets] += (final - raw)[:, None]
    return unit_max


def score(
    pack: Pack | CompiledPack, data: ScoringInput, *, stages: bool = True
) -> Results:
    """Score ``data`` on ``pack``; raises InputError listing every bad entry.

    ``stages=False`` skips the per-stage views and computes the final scores only.
    """
    compiled = pack if isinstance(pack, CompiledPack) else compile_pack(pack)
    problems = check_input(compiled, data)
    if problems:
        raise InputError(problems)
    group_of, n_groups = _group_index(data)
    policy = tuple(s for s in compiled.pack.stage_policy if s in data.stages)
    final = _score_view(compiled, data, policy, True, group_of, n_groups)
    by_stage: dict[str, StageScores] = {}
    if stages:
        cache: dict[tuple[str, ...], StageScores] = {}
        if not data.overrides:
            cache[policy] = final
        for name, preference in stage_views(compiled.pack, tuple(data.stages)).items():
            if preference not in cache:
                cache[preference] = _score_view(
                    compiled, data, preference, False, group_of, n_groups
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

