"""Sampling uncertainty of survey points and of index ranks (SYNTHETIC data)."""

from __future__ import annotations

from decimal import Decimal

import attrs
import numpy as np
import pytest
from survey_support import synthetic_definition

import parindex
from parindex.analysis._engine import aggregate as aggregate_nodes
from parindex.analysis._engine import index_and_grade, leaf_state
from parindex.analysis.sensitivity import competition_ranks_2d
from parindex.compiled import ROOT
from parindex.errors import ParIndexError
from parindex.messages import use_lang
from parindex.scoring import group_index
from parindex.survey import Answers, aggregate, answers_from_arrays, synthetic_answers
from parindex.survey.combine import without_leaves
from parindex.survey.exact import evaluate
from parindex.survey.uncertainty import (
    Resampler,
    leaf_intervals,
    rank_bootstrap,
    render_survey_ranks,
    resampled_ranks,
    wilson,
)
from parindex.synthetic import synthetic_input


def test_wilson_interval_matches_the_textbook_values() -> None:
    # 81 of 263 (Wilson 1927 style example): 0.2553 .. 0.3662 at 95 %.
    low, high = wilson(81, 263)
    assert round(low, 4) == 0.2553 and round(high, 4) == 0.3662
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == 1.0


def _scored(
    n_units: int, respondents: object = 30
) -> tuple[parindex.Results, Answers, parindex.ScoringInput]:
    commune = parindex.compile_pack(parindex.get_pack("synthetic-commune"))
    definition = synthetic_definition()
    data = synthetic_input(commune, n_units)
    units = list(data.unit_ids)
    answers = synthetic_answers(definition, units, respondents=respondents)
    survey = aggregate(definition, answers, units=units)
    blank = without_leaves(data, commune, survey.leaf_codes)
    return parindex.score(commune, blank, survey=survey), answers, blank


def test_rank_bootstrap_equals_re_aggregating_and_re_scoring_every_resample() -> None:
    """The shortcut (node sums plus the survey leaves' changes) equals a full re-score."""
    results, answers, _ = _scored(40, np.arange(40) % 25 + 8)
    survey = results.survey
    assert survey is not None
    fast = resampled_ranks(results, answers, resamples=70, seed=5)
    compiled = results.compiled
    base = leaf_state(results)
    columns = [compiled.leaf_index[c] for c in survey.leaf_codes]
    group_of, _ = group_index(results.input)
    slow = []
    for size, per_leaf in Resampler(survey, answers, 5).blocks(70):
        for b in range(size):
            points, maxima = base.leaf_points.copy(), base.leaf_max.copy()
            for column, leaf, (valid, total) in zip(
                columns, survey.plan.leaves, per_leaf, strict=True
            ):
                outcome = evaluate(
                    leaf, valid[b], total[b], valid[b].sum(axis=0), total[b].sum(axis=0)
                )
                points[:, column] = np.where(outcome.excluded, 0, outcome.points)
                maxima[:, column] = np.where(outcome.excluded, 0, compiled.leaf_max[column])
            totals, node_max = aggregate_nodes(compiled, points, maxima, base.bonus, base.deduction)
            index, _ = index_and_grade(compiled, totals, node_max)
            slow.append(
                competition_ranks_2d(index[None, :, ROOT], node_max[None, :, ROOT] > 0, group_of)[0]
            )
    assert np.array_equal(fast, np.array(slow))


def test_identical_answers_within_units_give_no_rank_uncertainty() -> None:
    results, answers, blank = _scored(12)
    # Every respondent of a unit answers like the unit's first respondent.
    first = np.unique(answers.unit_of, return_index=True)[1]
    definition = synthetic_definition()
    same = answers_from_arrays(
        definition,
        units=answers.units,
        unit_of=answers.unit_of,
        group_of=answers.group_of[first][answers.unit_of],
        codes=answers.codes[:, first][:, answers.unit_of],
    )
    relaxed = attrs.evolve(definition, policy=attrs.evolve(definition.policy, min_group_answers=1))
    survey = aggregate(relaxed, same, units=results.unit_ids)
    rescored = parindex.score(results.compiled, blank, survey=survey)
    ranks = rank_bootstrap(rescored, same, resamples=50, seed=1)
    for unit in ranks.units:
        assert unit.p05 == unit.p95 == unit.median == unit.base_rank
        assert not unit.wide
    with pytest.raises(ParIndexError) as caught:
        rank_bootstrap(attrs.evolve(results, survey=None), same)
    assert caught.value.code == "survey.results_without_survey"


def test_the_bootstrap_is_reproducible_and_seeded() -> None:
    results, answers, _ = _scored(30)
    first = rank_bootstrap(results, answers, resamples=80, seed=3)
    again = rank_bootstrap(results, answers, resamples=80, seed=3)
    other = rank_bootstrap(results, answers, resamples=80, seed=4)
    assert first == again
    assert first != other
    with use_lang("vi"):
        table = render_survey_ranks(first, top=5)
    assert "80 lần lấy mẫu lại người trả lời trong từng đơn vị (seed 3)" in table
    assert "Hạng trung vị" in table


def test_leaf_intervals_cover_the_estimates() -> None:
    results, answers, _ = _scored(15)
    survey = results.survey
    assert survey is not None
    intervals = leaf_intervals(survey, answers, resamples=300, seed=2)
    assert len(intervals) == 15 * len(survey.leaves)
    inside = 0
    for item in intervals:
        if item.method == "":
            assert item.points is None
            continue
        assert item.figure_low is not None and item.figure_high is not None
        assert item.figure_low <= item.figure_high
        assert item.points_low is not None and item.points_high is not None
        inside += item.figure_low <= item.figure <= item.figure_high  # type: ignore[operator]
    assert inside >= 0.95 * sum(1 for i in intervals if i.method)


def test_wilson_is_used_for_a_simple_share() -> None:
    definition = synthetic_definition()
    leaf = attrs.evolve(
        definition.leaf("8.2.1"),
        questions=("C13",),
        weights={"nguoi-dan": Decimal(1)},
        min_answers=1,
        min_group_answers=1,
    )
    simple = attrs.evolve(definition, leaves=(leaf,))
    answers = synthetic_answers(simple, 3)
    survey = aggregate(simple, answers)
    intervals = leaf_intervals(survey, answers, resamples=20)
    assert {i.method for i in intervals} == {"wilson"}
    item = intervals[0]
    row = 0
    positive, n = int(survey.leaves[0].total[row, 2]), int(survey.leaves[0].valid[row, 2])
    low, high = wilson(positive, n)
    assert item.figure_low is not None and item.figure_high is not None
    assert abs(float(item.figure_low) - 100 * low) < 0.006
    assert abs(float(item.figure_high) - 100 * high) < 0.006
