"""Re-aggregation of a stage view from leaf points, for a subset of units.

What-if, target search and lost-points gains all ask "what would this unit's
totals be if some leaves scored differently?". Scoring does rule evaluation
and aggregation in one pass over every unit; here the two halves are exposed
separately so that analyses evaluate rules only on the rows they change and
aggregate only those rows. The arithmetic is the scorer's own (its helpers are
reused, not copied), so a re-aggregated row equals a full re-score exactly.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from parindex.compiled import CompiledPack
from parindex.errors import ParIndexError
from parindex.fixedpoint import BoolArray, FloatArray, Int64Array, quantize_values
from parindex.messages import Found
from parindex.model import NotApplicable
from parindex.results import Results, StageScores
from parindex.scoring import (
    apply_bounds,
    apply_eligibility,
    effective_entries,
    group_best_values,
    group_index,
    index_and_grades,
    leaf_points,
    points_to_ticks,
)


@attrs.frozen(eq=False)
class ViewInputs:
    """The effective entries of one stage view (all units), as the scorer saw them."""

    stage: str
    preference: tuple[str, ...]
    values: FloatArray
    not_applicable: BoolArray
    bonus: FloatArray
    deduction: FloatArray
    group_of: Int64Array
    n_groups: int


def resolve_stage(results: Results, stage: str | None) -> tuple[str, StageScores]:
    """Name and scores of a view: ``None`` or ``"final"`` is the final view."""
    name = "final" if stage is None else stage
    return name, results.scores(stage)


def view_inputs(results: Results, stage: str | None = None) -> ViewInputs:
    """Effective values of a view; the final view includes overrides."""
    name, scores = resolve_stage(results, stage)
    data = results.input
    values, na, bonus, deduction = effective_entries(data, scores.stages_used)
    if name == "final" and data.overrides:
        values = values.copy()
        na = na.copy()
        for override in data.overrides:
            row = results.position(override.unit)
            column = results.compiled.leaf_index[override.code]
            values[row, column] = results.compiled.leaf_rules[column].encode(override.value)
            na[row, column] = False
    group_of, n_groups = group_index(data)
    return ViewInputs(name, scores.stages_used, values, na, bonus, deduction, group_of, n_groups)


def group_best(compiled: CompiledPack, inputs: ViewInputs) -> dict[str, Int64Array]:
    """Best value per (group, column) of every relative-to-best rule group."""
    return group_best_values(
        compiled, inputs.values, inputs.not_applicable, inputs.group_of, inputs.n_groups
    )


def evaluate_leaves(
    compiled: CompiledPack,
    values: FloatArray,
    na: BoolArray,
    group_rows: Int64Array,
    best: dict[str, Int64Array],
) -> tuple[Int64Array, Int64Array]:
    """Raw leaf points and per-unit leaf maxima (ticks) of the given rows.

    ``values``/``na`` hold only those rows; ``group_rows`` their group numbers.
    """
    absent = np.isnan(values)
    micro = quantize_values(np.where(absent, 0.0, values))
    points = leaf_points(
        compiled,
        np.ascontiguousarray(micro.T),
        np.ascontiguousarray(absent.T),
        np.ascontiguousarray(na.T),
        best,
        group_rows,
    ).T
    excluded = np.array([p is NotApplicable.EXCLUDED for p in compiled.leaf_na])
    maximum = np.where(na & excluded, 0, compiled.leaf_max)
    return points, maximum


def aggregate(
    compiled: CompiledPack,
    leaf_points: Int64Array,
    leaf_max: Int64Array,
    bonus: FloatArray,
    deduction: FloatArray,
) -> tuple[Int64Array, Int64Array]:
    """Node points and node maxima (rows × nodes, ticks) from raw leaf points."""
    rows, n_leaves = leaf_points.shape
    cumulative = np.zeros((rows, n_leaves + 1), dtype=np.int64)
    np.cumsum(leaf_points, axis=1, out=cumulative[:, 1:])
    totals = cumulative[:, compiled.end] - cumulative[:, compiled.start]
    cumulative_max = np.zeros_like(cumulative)
    np.cumsum(leaf_max, axis=1, out=cumulative_max[:, 1:])
    maximum = cumulative_max[:, compiled.end] - cumulative_max[:, compiled.start]
    if compiled.bounded:
        scale = compiled.ticks_per_point
        maximum = apply_bounds(
            compiled,
            totals.T,
            maximum.T,
            points_to_ticks(bonus, scale).T,
            points_to_ticks(deduction, scale).T,
            None,
        ).T
    return totals, maximum


def index_and_grade(
    compiled: CompiledPack, points: Int64Array, maximum: Int64Array
) -> tuple[Int64Array, npt.NDArray[np.int8]]:
    """Index % (scaled) and grades exactly as the scorer computes them (its own code)."""
    full_max = np.broadcast_to(maximum, points.shape)
    index_nm, grades_nm = index_and_grades(
        compiled, points.T.astype(np.int64), full_max.T.astype(np.int64)
    )
    index = index_nm.T.astype(np.int64)
    grades = np.ascontiguousarray(grades_nm.T)
    apply_eligibility(compiled, grades, index, lambda node: full_max[:, node])
    return index, grades


def rows_of(results: Results, units: list[str] | tuple[str, ...]) -> Int64Array:
    return np.array([results.position(u) for u in units], dtype=np.int64)


def require_stage(results: Results, stage: str) -> StageScores:
    if stage not in ("final",) and stage not in results.stages:
        raise ParIndexError(
            "analysis.no_stage", stage=Found(stage), stages=["final", *results.stages]
        )
    return results.scores(stage)


@attrs.frozen(eq=False)
class LeafState:
    """Raw leaf points and maxima of some rows of a view, ready to re-aggregate."""

    rows: Int64Array
    leaf_points: Int64Array
    leaf_max: Int64Array
    bonus: FloatArray
    deduction: FloatArray


def leaf_state(
    results: Results, stage: str | None = None, rows: Int64Array | None = None
) -> LeafState:
    """Evaluate the rules of the given rows (all when None) of a view."""
    compiled = results.compiled
    inputs = view_inputs(results, stage)
    selected = np.arange(len(results.units), dtype=np.int64) if rows is None else rows
    best = group_best(compiled, inputs)
    leaf_points, leaf_max = evaluate_leaves(
        compiled,
        inputs.values[selected],
        inputs.not_applicable[selected],
        inputs.group_of[selected],
        best,
    )
    return LeafState(
        selected, leaf_points, leaf_max, inputs.bonus[selected], inputs.deduction[selected]
    )


def improved(compiled: CompiledPack, state: LeafState, nodes: list[int]) -> Int64Array:
    """Leaf points with every leaf under ``nodes`` raised to its (unit's) maximum."""
    points = state.leaf_points.copy()
    for node in nodes:
        s, e = int(compiled.start[node]), int(compiled.end[node])
        points[:, s:e] = state.leaf_max[:, s:e]
    return points
