"""From answers to points: whole-array counting, then the exact per-leaf arithmetic.

Units and respondent groups are integer codes; each (unit, group) is one *cell*.
For every question one ``bincount`` over all respondents counts each answer
code per cell; a leaf's counts are the sum over its questions, and its valid
answers, their sum of values, blanks and "not an answer" kinds are read from
those histograms with a dot product. No Python loop runs over respondents;
the loops run over questions and leaves. The counts are exact integers, and
the points follow from them in :mod:`parindex.survey.exact`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import numpy as np

from parindex.errors import InputError, InputProblem
from parindex.fixedpoint import Int64Array
from parindex.messages import Found, msg
from parindex.model import Pack
from parindex.survey.answers import Answers, IndexArray
from parindex.survey.exact import evaluate
from parindex.survey.model import SurveyDefinition
from parindex.survey.multi import MaskArray
from parindex.survey.plan import LeafPlan, SurveyPlan, plan_survey
from parindex.survey.points import LeafSurvey, SurveyPoints
from parindex.survey.problems import ANSWER_PROBLEMS


@attrs.frozen(eq=False)
class LeafCounts:
    valid: Int64Array
    total: Int64Array
    blank: Int64Array
    not_answer: Int64Array


def unit_axis(answers: Answers, units: Sequence[str] | None) -> tuple[tuple[str, ...], IndexArray]:
    """The units points are given for, and each respondent's position among them."""
    if units is None:
        return answers.units, answers.unit_of
    position = {unit: i for i, unit in enumerate(units)}
    missing = [u for u in answers.units if u not in position]
    if missing:
        raise InputError(
            [
                InputProblem(
                    msg("survey.unknown_unit", unit=Found(u)),
                    u,
                    expected=msg("survey.expected_unit"),
                )
                for u in missing
            ],
            ANSWER_PROBLEMS,
        )
    mapping = np.array([position[u] for u in answers.units], dtype=np.int32)
    return tuple(units), mapping[answers.unit_of] if answers.units else answers.unit_of


def check_answers(plan: SurveyPlan, answers: Answers) -> None:
    definition = plan.definition
    questions = tuple(q.code for q in definition.questions)
    if answers.definition != definition.id or answers.questions != questions:
        raise InputError(
            [
                InputProblem(
                    msg(
                        "survey.answers_for_other",
                        found=Found(answers.definition),
                        expected=Found(definition.id),
                    )
                )
            ],
            ANSWER_PROBLEMS,
        )


def leaf_counts(
    plan: SurveyPlan,
    codes: np.ndarray,
    cell: Int64Array,
    n_cells: int,
    masks: Mapping[int, MaskArray] | None = None,
) -> list[LeafCounts]:
    """Per leaf: valid answers, sum of values, blanks and not-answers per cell.

    ``codes`` is (questions × respondents), ``cell`` each respondent's cell
    (unit × groups + group), ``masks`` the multi questions' ticks. One bincount
    per question the leaves use (per multi question and way a leaf reads it).
    """
    definition = plan.definition
    n_groups = plan.n_groups
    n_na = plan.n_not_answers
    offset = n_na + 1
    group_index = {g.id: i for i, g in enumerate(definition.groups)}
    bases: dict[int, Int64Array] = {}
    histograms: dict[object, Int64Array] = {}
    out: list[LeafCounts] = []

    def key(leaf: LeafPlan, q: int) -> object:
        # A multi question's histogram depends on how the leaf reads its ticks.
        return (q, leaf.positive_mask, leaf.measure, leaf.leaf.all_of) if leaf.multi else q

    remaining: dict[object, int] = {}
    for leaf in plan.leaves:
        for q in leaf.questions:
            remaining[key(leaf, q)] = remaining.get(key(leaf, q), 0) + 1
    for leaf in plan.leaves:
        width = offset + len(leaf.option_value)
        summed = np.zeros((n_cells, width), dtype=np.int64)
        for q in leaf.questions:
            hist = histograms.get(key(leaf, q))
            if hist is None:
                base = bases.get(width)
                if base is None:
                    base = bases[width] = cell * width + offset
                row = codes[q] if not leaf.multi else leaf.answer_codes(codes[q], (masks or {})[q])
                index = base + row
                hist = np.bincount(index, minlength=n_cells * width).reshape(n_cells, width)
                asked = definition.questions[q].groups
                if asked:
                    # Groups not asked the question left it blank: not a blank answer.
                    skipped = np.ones(n_groups, dtype=bool)
                    skipped[[group_index[g] for g in asked]] = False
                    hist.reshape(-1, n_groups, width)[:, skipped, n_na] = 0
                histograms[key(leaf, q)] = hist
            summed += hist
            remaining[key(leaf, q)] -= 1
            if remaining[key(leaf, q)] == 0:
                histograms.pop(key(leaf, q), None)
        options = summed[:, offset:]
        shape = (n_cells // n_groups, n_groups)
        out.append(
            LeafCounts(
                valid=options.sum(axis=1).reshape(shape),
                total=(options @ leaf.option_value).reshape(shape),
                blank=summed[:, n_na].reshape(shape),
                not_answer=summed[:, n_na - 1 :: -1].reshape(*shape, n_na)
                if n_na
                else np.zeros((*shape, 0), dtype=np.int64),
            )
        )
    return out


def option_ticks(
    leaf: LeafPlan, masks: Mapping[int, MaskArray], unit_of: IndexArray, n_units: int
) -> Int64Array:
    """(units × options) ticks of every option of a multi leaf's questions, all groups."""
    n_options = len(leaf.scale.resolved_options)
    ticks = np.zeros((n_units, n_options), dtype=np.int64)
    for q in leaf.questions:
        mask = masks[q]
        for option in range(n_options):
            ticked = (mask >> np.uint64(option)) & np.uint64(1) != 0
            ticks[:, option] += np.bincount(unit_of[ticked], minlength=n_units)
    return ticks


def _leaf_result(
    leaf: LeafPlan, counts: LeafCounts, ticks: Int64Array | None = None
) -> tuple[LeafSurvey, list[tuple[int, int | None, str]]]:
    pooled_valid = counts.valid.sum(axis=0)
    pooled_total = counts.total.sum(axis=0)
    outcome = evaluate(leaf, counts.valid, counts.total, pooled_valid, pooled_total)
    errors: list[tuple[int, int | None, str]] = []
    for row in np.flatnonzero(outcome.unit_error):
        errors.append((int(row), None, "unit"))
    for row, group in zip(*np.nonzero(outcome.group_error), strict=True):
        errors.append((int(row), int(group), "group"))
    for row, group in zip(*np.nonzero(outcome.no_pooled), strict=True):
        errors.append((int(row), int(group), "pooled"))
    result = LeafSurvey(
        plan=leaf,
        valid=counts.valid,
        total=counts.total,
        blank=counts.blank,
        not_answer=counts.not_answer,
        pooled_valid=pooled_valid,
        pooled_total=pooled_total,
        used=outcome.used,
        excluded=outcome.excluded,
        status=outcome.status,
        points=outcome.points,
        ticks=ticks,
    )
    return result, errors


def _problem(
    plan: SurveyPlan, leaf: LeafSurvey, unit: str, row: int, group: int | None, kind: str
) -> InputProblem:
    policy = leaf.plan.policy
    if kind == "unit":
        count = int((leaf.valid[row] * (leaf.plan.weights > 0)).sum())
        message = msg("survey.below_minimum", count=count, minimum=policy.min_answers)
    else:
        assert group is not None
        name = Found(plan.definition.groups[group].name)
        if kind == "group":
            message = msg(
                "survey.group_below_minimum",
                group=name,
                count=int(leaf.valid[row, group]),
                minimum=policy.min_group_answers,
            )
        else:
            message = msg("survey.no_pooled_answers", group=name)
    return InputProblem(message, unit, leaf.code, None, msg("survey.expected_policy"))


def aggregate_plan(
    plan: SurveyPlan, answers: Answers, *, units: Sequence[str] | None = None
) -> SurveyPoints:
    """Points of every unit and leaf of a planned definition (see :func:`aggregate`)."""
    check_answers(plan, answers)
    unit_ids, unit_of = unit_axis(answers, units)
    n_groups = plan.n_groups
    n_cells = len(unit_ids) * n_groups
    cell = unit_of.astype(np.int64) * n_groups + answers.group_of
    questionnaires = np.bincount(cell, minlength=n_cells).reshape(len(unit_ids), n_groups)
    results: list[LeafSurvey] = []
    problems: list[InputProblem] = []
    for leaf, counts in zip(
        plan.leaves, leaf_counts(plan, answers.codes, cell, n_cells, answers.masks), strict=True
    ):
        ticks = option_ticks(leaf, answers.masks, unit_of, len(unit_ids)) if leaf.multi else None
        result, errors = _leaf_result(leaf, counts, ticks)
        results.append(result)
        problems += [
            _problem(plan, result, unit_ids[row], row, group, kind) for row, group, kind in errors
        ]
    if problems:
        raise InputError(problems, ANSWER_PROBLEMS)
    return SurveyPoints(plan, unit_ids, questionnaires, tuple(results))


def aggregate(
    definition: SurveyDefinition,
    answers: Answers,
    *,
    pack: Pack | None = None,
    units: Sequence[str] | None = None,
) -> SurveyPoints:
    """Per-unit survey points of every leaf of ``definition``, with the counts behind them.

    ``pack`` defaults to the installed pack the definition names. ``units`` fixes
    the units (and their order) points are given for: units without answers are
    below every minimum and follow the leaf's policy; answers for another unit
    are an error. Raises InputError listing every unit and leaf that the policy
    ``error`` stops, and SurveyDefinitionError for a definition that does not check.
    """
    return aggregate_plan(plan_survey(definition, pack), answers, units=units)
