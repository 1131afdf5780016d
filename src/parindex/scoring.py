"""Scoring: stage views, overrides and results, computed by one of the engines.

For each stage view this module picks each leaf's value by the pack's stage
policy, applies overrides, and hands the entry arrays to an engine
(:mod:`parindex.engines`: whole-array numpy, or the fused kernel compiled by
numba where ``parindex[fast]`` is installed), then applies eligibility and
ranks and wraps everything in :class:`~parindex.results.Results`. Engines give
identical arrays, bit for bit.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from parindex.compiled import ROOT, CompiledPack, compile_pack
from parindex.engines.checks import (
    check_adjustments,
    check_identity,
    check_input,
    location,
    stage_name,
)
from parindex.engines.choice import ENGINES, KERNEL_MIN_ENTRIES, check_engine, kernel_available
from parindex.engines.choice import kernel_view as _kernel_view
from parindex.engines.choice import use_kernel as _use_kernel
from parindex.engines.grades import apply_eligibility, grade_thresholds, scaled_threshold
from parindex.engines.groups import group_best_values, group_numbers
from parindex.engines.numpy_engine import apply_bounds, index_and_grades, leaf_points, numpy_view
from parindex.engines.plan import ScreenError, plan_for, points_to_ticks
from parindex.engines.ranks import competition_ranks
from parindex.errors import InputError, InputProblem
from parindex.fixedpoint import BoolArray, FloatArray, Int64Array
from parindex.inputs import ScoringInput
from parindex.messages import msg
from parindex.model import Pack
from parindex.results import Results, StageScores, maximum_column

if TYPE_CHECKING:
    from parindex.survey.points import SurveyPoints


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
    """A view's values, 'không phát sinh', bonuses and deductions: the first stage giving each."""
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
        group_of, n_groups = group_numbers([unit.group for unit in data.units])
        group_of.flags.writeable = False
        cached = _GROUPS[data] = (group_of, n_groups)
    return cached


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
    plan = plan_for(compiled)
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
            arrays = numpy_view(
                compiled,
                values,
                na,
                bonus,
                deduction,
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
        counted = [stage_name(stage) for stage in preference] or msg("scoring.no_stage")
        problems = [
            InputProblem(
                msg("scoring.missing_entry", stages=counted),
                data.unit_ids[row],
                compiled.leaf_codes[col],
                location(stage_for, int(row), compiled.leaf_codes[col]),
                msg("scoring.expected_value_or_allow_missing"),
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


def score(
    pack: Pack | CompiledPack,
    data: ScoringInput,
    *,
    stages: bool = True,
    engine: str = "auto",
    survey: SurveyPoints | None = None,
) -> Results:
    """Score ``data`` on ``pack``; raises InputError listing every bad entry.

    ``stages=False`` skips the per-stage views and computes the final scores only.
    ``engine`` picks the implementation: ``"kernel"`` (the fused compiled kernel,
    needs numba: ``pip install 'parindex[fast]'``), ``"numpy"`` (whole-array numpy
    blocks) or ``"auto"`` (the kernel when numba is installed, for views of at
    least :data:`~parindex.engines.choice.KERNEL_MIN_ENTRIES` entries once the
    process has loaded it and of
    :data:`~parindex.engines.choice.KERNEL_COLD_MIN_ENTRIES` before; numpy
    otherwise). Both give identical results, bit for bit.
    ``survey`` (from :func:`parindex.survey.aggregate`) gives the points of the
    pack's survey leaves it covers, in every stage (see docs/survey.md).
    """
    check_engine(engine)  # refuse an unknown engine before any work
    compiled = pack if isinstance(pack, CompiledPack) else compile_pack(pack)
    if survey is not None:
        compiled, data, survey = survey.into_input(compiled, data)
    policy = tuple(s for s in compiled.pack.stage_policy if s in data.stages)
    # One stage, counted as is: its entries are validated inside the scoring pass.
    screen = len(data.stages) == 1 and not data.overrides and policy == tuple(data.stages)
    if screen:
        problems = check_identity(compiled, data)
        for stage_id, stage in data.stages.items():
            problems = problems or check_adjustments(compiled, data, stage_id, stage)
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
        survey=survey,
    )


#: Names other modules import from here (the engines' building blocks, re-exported).
__all__ = [
    "ENGINES",
    "KERNEL_MIN_ENTRIES",
    "apply_bounds",
    "apply_eligibility",
    "check_input",
    "competition_ranks",
    "effective_entries",
    "grade_thresholds",
    "group_best_values",
    "group_index",
    "index_and_grades",
    "kernel_available",
    "leaf_points",
    "points_to_ticks",
    "scaled_threshold",
    "score",
    "stage_views",
]
