"""Survey points as the survey source of a pack's leaves, for :func:`parindex.score`.

The covered leaves' rule becomes :class:`~parindex.survey.rule.SurveyAnswers`
(its input: the exact points the aggregation gave), their "không phát sinh"
policy becomes *excluded* where the survey policy can exclude a unit, and
every stage of the input carries the same survey points, so the
self-assessment and appraisal views all count them. A covered leaf that the
input also fills in is an error, never silently overwritten.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import attrs
import numpy as np

from parindex.compiled import CompiledPack, compile_pack
from parindex.errors import InputError, InputProblem
from parindex.inputs import ScoringInput
from parindex.labels import stage_words
from parindex.messages import Found, msg
from parindex.model import Node, NotApplicable, Pack
from parindex.rules.survey_answers import SurveyAnswers

if TYPE_CHECKING:
    from parindex.survey.points import SurveyPoints
from parindex.survey.model import BelowMinimum, SurveyKind

_DERIVED: weakref.WeakKeyDictionary[CompiledPack, dict[tuple[object, ...], CompiledPack]] = (
    weakref.WeakKeyDictionary()
)


def _derived_pack(pack: Pack, rules: dict[str, tuple[SurveyAnswers, NotApplicable]]) -> Pack:
    def rebuild(node: Node) -> Node:
        if node.code in rules:
            rule, policy = rules[node.code]
            return attrs.evolve(node, rule=rule, not_applicable=policy)
        if node.children:
            return attrs.evolve(node, children=tuple(rebuild(child) for child in node.children))
        return node

    return attrs.evolve(pack, tree=tuple(rebuild(field) for field in pack.tree))


def survey_compiled(points: SurveyPoints, compiled: CompiledPack) -> CompiledPack:
    """The pack compiled with its covered survey leaves reading the survey's points."""
    definition = points.definition
    rules: dict[str, tuple[SurveyAnswers, NotApplicable]] = {}
    for leaf in points.leaves:
        policy = leaf.plan.policy
        can_exclude = BelowMinimum.EXCLUDE in (policy.below_minimum, policy.group_below_minimum)
        rules[leaf.code] = (
            SurveyAnswers(definition.id, leaf.plan.measure.value, leaf.plan.leaf.questions),
            NotApplicable.EXCLUDED if can_exclude else NotApplicable.NOT_ALLOWED,
        )
    key = (
        definition.id,
        definition.version,
        tuple(sorted((c, r[1].value) for c, r in rules.items())),
    )
    cache = _DERIVED.setdefault(compiled, {})
    if key not in cache:
        cache[key] = compile_pack(_derived_pack(compiled.pack, rules), level=compiled.level)
    return cache[key]


def combine(
    points: SurveyPoints, compiled: CompiledPack, data: ScoringInput
) -> tuple[CompiledPack, ScoringInput, SurveyPoints]:
    """The compiled pack, input and points (in the input's unit order) that score ``data``
    with ``points`` as the survey source."""
    definition = points.definition
    plan_pack = points.plan.pack
    problems: list[InputProblem] = []
    if (
        definition.kind is not SurveyKind.PAR_INDEX
        or plan_pack is None
        or plan_pack.id != compiled.pack.id
    ):
        raise InputError(
            [
                InputProblem(
                    msg(
                        "survey.points_for_other_pack",
                        survey=Found(definition.id),
                        pack=Found(plan_pack.id if plan_pack is not None else ""),
                        given=Found(compiled.pack.id),
                    )
                )
            ]
        )
    columns = []
    for leaf in points.leaves:
        column = compiled.leaf_index.get(leaf.code)
        if column is None:
            problems.append(
                InputProblem(
                    msg("survey.leaf_not_scored", level=compiled.level or 0), code=leaf.code
                )
            )
        columns.append(column)
    surveyed = set(points.units)
    missing = [u for u in data.unit_ids if u not in surveyed]
    extra = sorted(surveyed - set(data.unit_ids))
    problems += [
        InputProblem(
            msg("survey.unit_not_aggregated"), unit, expected=msg("survey.expected_aggregate_units")
        )
        for unit in missing
    ]
    problems += [InputProblem(msg("survey.unit_not_scored"), unit) for unit in extra]
    if problems:
        raise InputError(problems)
    ordered = points.for_units(data.unit_ids)
    ticks, excluded = ordered.points_matrix()
    cols = np.array(columns, dtype=np.int64)
    values = ticks / compiled.ticks_per_point
    for name, stage in data.stages.items():
        given = ~np.isnan(stage.values[:, cols]) | stage.not_applicable[:, cols]
        for row, col in zip(*np.nonzero(given), strict=True):
            code = compiled.leaf_codes[cols[col]]
            problems.append(
                InputProblem(
                    msg("survey.leaf_entered_and_surveyed", stage=stage_words(name)),
                    data.unit_ids[row],
                    code,
                    stage.locations.get((int(row), code)),
                    msg("survey.expected_blank_survey_leaf"),
                )
            )
    if problems:
        raise InputError(problems)
    stages = {}
    for name, stage in data.stages.items():
        stage_values = stage.values.copy()
        stage_na = stage.not_applicable.copy()
        stage_values[:, cols] = np.where(excluded, np.nan, values)
        stage_na[:, cols] = excluded
        stages[name] = attrs.evolve(stage, values=stage_values, not_applicable=stage_na)
    derived = survey_compiled(points, compiled)
    return derived, attrs.evolve(data, stages=stages), ordered


def without_leaves(
    data: ScoringInput, compiled: CompiledPack, codes: tuple[str, ...]
) -> ScoringInput:
    """``data`` with the given leaves left empty in every stage (for SYNTHETIC demo input,
    whose generated survey figures the survey's answers replace)."""
    columns = [compiled.leaf_index[code] for code in codes if code in compiled.leaf_index]
    stages = {}
    for name, stage in data.stages.items():
        values, na = stage.values.copy(), stage.not_applicable.copy()
        values[:, columns] = np.nan
        na[:, columns] = False
        stages[name] = attrs.evolve(stage, values=values, not_applicable=na)
    return attrs.evolve(data, stages=stages)
