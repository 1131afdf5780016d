"""Properties of the survey aggregation over random definitions and answers (SYNTHETIC).

The vectorised aggregator equals the plain Decimal reference exactly; permuting
respondents changes nothing; for a unit that meets the minimum, a respondent
answering the top option never lowers its points; answers that are not answers
change counts, not figures.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from survey_support import answers_for, definitions, masks_by_code, synthetic_definition

from parindex.errors import InputError
from parindex.survey import (
    Answers,
    Measure,
    ScaleKind,
    SurveyDefinition,
    SurveyPoints,
    aggregate,
    answers_from_arrays,
    reference_aggregate,
    synthetic_answers,
)
from parindex.survey.answers import BLANK
from parindex.survey.validation import check_definition


def _outcome(
    definition: SurveyDefinition, answers: Answers
) -> tuple[dict[tuple[str, str], Decimal | None], set[tuple[str, str]]]:
    try:
        points = aggregate(definition, answers)
    except InputError as error:
        return {}, {(p.unit, p.code) for p in error.problems}
    return {
        (u, code): points.points(u, code) for u in points.units for code in points.leaf_codes
    }, set()


@given(st.data())
def test_generated_definitions_check_clean(data: st.DataObject) -> None:
    assert check_definition(data.draw(definitions())) == []


@given(st.data())
def test_vectorised_aggregation_equals_the_decimal_reference(data: st.DataObject) -> None:
    definition = data.draw(definitions())
    answers = data.draw(answers_for(definition))
    reference = reference_aggregate(definition, answers)
    points, errors = _outcome(definition, answers)
    assert errors == set(reference.errors)
    if not errors:
        assert points == reference.points


def test_reference_equality_on_the_synthetic_commune_survey() -> None:
    definition = synthetic_definition()
    answers = synthetic_answers(definition, 40, respondents=np.arange(40) % 35)
    reference = reference_aggregate(definition, answers)
    points, errors = _outcome(definition, answers)
    assert not errors and not reference.errors
    assert points == reference.points
    # Small samples exercised the policies: some leaves excluded, some points given.
    assert any(value is None for value in points.values())
    assert any(value is not None for value in points.values())


def _permuted(definition: SurveyDefinition, answers: Answers, order: np.ndarray) -> Answers:
    return answers_from_arrays(
        definition,
        units=answers.units,
        unit_of=answers.unit_of[order],
        group_of=answers.group_of[order],
        codes=answers.codes[:, order],
        masks={code: mask[order] for code, mask in masks_by_code(definition, answers).items()},
    )


@given(st.data())
def test_permuting_respondents_changes_nothing(data: st.DataObject) -> None:
    definition = data.draw(definitions())
    answers = data.draw(answers_for(definition))
    order = np.array(data.draw(st.permutations(range(answers.n_respondents))), dtype=np.int64)
    permuted = _permuted(definition, answers, order)
    first, second = _outcome(definition, answers), _outcome(definition, permuted)
    assert first == second
    if not first[1]:
        a, b = aggregate(definition, answers), aggregate(definition, permuted)
        for x, y in zip(a.leaves, b.leaves, strict=True):
            assert np.array_equal(x.valid, y.valid) and np.array_equal(x.not_answer, y.not_answer)


def _top_code(definition: SurveyDefinition, leaf_code: str, question: str) -> int:
    leaf = definition.leaf(leaf_code)
    scale = definition.scale(definition.question(question).scale)
    options = scale.resolved_options
    if scale.kind is ScaleKind.MULTI:
        return 0  # ticked: _with_respondent ticks every option
    if leaf.measure is Measure.SHARE and (scale.kind is ScaleKind.CHOICE or leaf.positive):
        wanted = {p.casefold() for p in leaf.positive}
        return next(i for i, o in enumerate(options) if o.label.casefold() in wanted)
    values = [o.value for o in options]
    return max(range(len(options)), key=lambda i: values[i])  # type: ignore[arg-type,return-value]


def _with_respondent(
    answers: Answers, definition: SurveyDefinition, unit: int, group: int, leaf_code: str
) -> Answers:
    column = np.full(len(definition.questions), BLANK, dtype=np.int8)
    group_id = definition.groups[group].id
    masks = masks_by_code(definition, answers)
    for q, question in enumerate(definition.questions):
        top = question.code in definition.leaf(leaf_code).questions and (
            not question.groups or group_id in question.groups
        )
        if top:
            column[q] = _top_code(definition, leaf_code, question.code)
        if question.code in masks:
            # The top multi answer ticks every option (all positive ones among them).
            every = 2 ** len(definition.scale(question.scale).resolved_options) - 1
            masks[question.code] = np.append(masks[question.code], np.uint64(every if top else 0))
    return answers_from_arrays(
        definition,
        units=answers.units,
        unit_of=np.append(answers.unit_of, unit),
        group_of=np.append(answers.group_of, group),
        codes=np.concatenate([answers.codes, column[:, None]], axis=1),
        masks=masks,
    )


@given(st.data())
def test_a_top_answer_never_lowers_the_points_of_a_unit_meeting_the_minimum(
    data: st.DataObject,
) -> None:
    definition = data.draw(definitions())
    answers = data.draw(answers_for(definition))
    try:
        before = aggregate(definition, answers)
    except InputError:
        return
    for leaf in before.leaves:
        weights = leaf.plan.weights
        policy = leaf.plan.policy
        for row, unit in enumerate(before.units):
            meets_unit = int((leaf.valid[row] * (weights > 0)).sum()) >= policy.min_answers
            groups = [
                g
                for g in range(len(weights))
                if weights[g] > 0 and leaf.valid[row, g] >= policy.min_group_answers
            ]
            if not meets_unit or leaf.excluded[row] or not groups:
                continue
            group = data.draw(st.sampled_from(groups))
            after = _after(definition, answers, row, group, leaf.code)
            if after is None:
                continue
            old, new = before.points(unit, leaf.code), after.points(unit, leaf.code)
            assert old is not None and new is not None and new >= old


def _after(
    definition: SurveyDefinition, answers: Answers, row: int, group: int, leaf_code: str
) -> SurveyPoints | None:
    try:
        return aggregate(definition, _with_respondent(answers, definition, row, group, leaf_code))
    except InputError:
        return (
            None  # another unit's policy changed (e.g. the figure of all units); not this property
        )


@given(st.data())
def test_answers_that_are_not_answers_change_counts_not_figures(data: st.DataObject) -> None:
    definition = data.draw(definitions())
    answers = data.draw(answers_for(definition))
    n_na = len(definition.not_answers)
    codes = answers.codes.copy()
    excluded = codes < 0
    flip = np.array(
        data.draw(st.lists(st.booleans(), min_size=codes.size, max_size=codes.size)), dtype=bool
    ).reshape(codes.shape)
    # Turn blanks into "not an answer" and back: valid answers untouched.
    kinds = np.array(
        data.draw(st.lists(st.integers(0, n_na - 1), min_size=codes.size, max_size=codes.size)),
        dtype=np.int8,
    ).reshape(codes.shape)
    changed = np.where(excluded & flip, np.where(codes == BLANK, -2 - kinds, BLANK), codes).astype(
        np.int8
    )
    asked = _asked_mask(definition, answers)
    changed[~asked] = BLANK
    other = answers_from_arrays(
        definition,
        units=answers.units,
        unit_of=answers.unit_of,
        group_of=answers.group_of,
        codes=changed,
        masks=masks_by_code(definition, answers),
    )
    assert _outcome(definition, answers) == _outcome(definition, other)
    try:
        a, b = aggregate(definition, answers), aggregate(definition, other)
    except InputError:
        return
    for x, y in zip(a.leaves, b.leaves, strict=True):
        assert np.array_equal(x.valid, y.valid)
        assert np.array_equal(x.total, y.total)
        assert np.array_equal(
            x.blank + x.not_answer.sum(axis=-1), y.blank + y.not_answer.sum(axis=-1)
        )
        for row in range(len(a.units)):
            assert x.figure(row) == y.figure(row)


def _asked_mask(definition: SurveyDefinition, answers: Answers) -> np.ndarray:
    index = {g.id: i for i, g in enumerate(definition.groups)}
    mask = np.ones(answers.codes.shape, dtype=bool)
    for q, question in enumerate(definition.questions):
        if question.groups:
            asked = np.zeros(len(definition.groups), dtype=bool)
            asked[[index[g] for g in question.groups]] = True
            mask[q] = asked[answers.group_of]
    return mask


def test_not_answers_are_counted_per_kind() -> None:
    definition = synthetic_definition()
    answers = synthetic_answers(definition, 3, not_answer_rate=0.3, blank_rate=0.2)
    points = aggregate(definition, answers)
    leaf = points.leaf("8.1.1")
    q = [
        definition.questions.index(definition.question(c))
        for c in definition.leaf("8.1.1").questions
    ]
    codes = answers.codes[q]
    for row in range(3):
        mine = answers.unit_of == row
        assert int(leaf.not_answer[row].sum()) == int((codes[:, mine] <= -2).sum())
        assert int(leaf.not_answer[row, :, 0].sum()) == int((codes[:, mine] == -2).sum())
        assert int(leaf.blank[row].sum()) == int((codes[:, mine] == BLANK).sum())
        assert int(leaf.valid[row].sum()) == int((codes[:, mine] >= 0).sum())


@pytest.mark.slow
@given(st.data())
def test_reference_equality_with_many_respondents(data: st.DataObject) -> None:
    definition = data.draw(definitions())
    answers = data.draw(answers_for(definition, max_respondents=400))
    reference = reference_aggregate(definition, answers)
    points, errors = _outcome(definition, answers)
    assert errors == set(reference.errors)
    if not errors:
        assert points == reference.points
