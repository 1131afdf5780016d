"""Sampling uncertainty of survey points: intervals per unit and leaf, and of index ranks.

A survey is a sample; its points are estimates. For each unit and leaf a 95 %
interval is given: the Wilson score interval where the figure is one simple
proportion (a share leaf on one question whose figure comes from one group's
own answers), otherwise a bootstrap over the unit's respondents. For the whole
index, a bootstrap of ranks: respondents are resampled within their units, the
survey re-aggregated (policies included), the index re-scored and the units
re-ranked, for every resample; each unit's median rank and 5–95 % interval are
reported as :mod:`parindex.analysis.sensitivity` reports rank uncertainty under
varying weights.

Resampling is whole-array: respondents are laid out per unit (units × slots);
a block of resamples draws every unit's multiset of respondents at once, and
one batched matrix product per block sums their answers per leaf and group.
Every block has its own PCG64 stream from the seed, so results are the same on
every machine and in every run.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal

import attrs
import numpy as np
import numpy.typing as npt

from parindex.analysis._engine import index_and_grade, leaf_state, resolve_stage
from parindex.analysis.rank_ranges import by_median_rank, range_cells, rank_quantiles
from parindex.analysis.sensitivity import competition_ranks_2d
from parindex.compiled import ROOT, CompiledPack
from parindex.errors import ParIndexError
from parindex.fixedpoint import BoolArray, FloatArray, Int64Array, ticks_to_decimal
from parindex.labels import stage_label
from parindex.messages import text
from parindex.results import Results
from parindex.scoring import apply_bounds, group_index, index_and_grades, points_to_ticks
from parindex.survey.answers import Answers
from parindex.survey.exact import USED_OWN, evaluate
from parindex.survey.model import Measure
from parindex.survey.plan import LeafPlan
from parindex.survey.points import SurveyPoints, fraction_to_decimal
from parindex.textable import format_table

#: The standard normal quantile of a two-sided 95 % interval.
Z95 = 1.959963984540054
#: Resamples drawn per block (bounds memory; part of what makes a seed reproducible).
BLOCK = 64


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion ``successes / n`` (0..1)."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # At 0 and at n the bound is exactly 0 or 1 (float would miss it by an ulp).
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


class Resampler:
    """Bootstrap resamples of respondents within units, summed per leaf and group."""

    def __init__(self, survey: SurveyPoints, answers: Answers, seed: int = 0) -> None:
        plan = survey.plan
        self.survey = survey
        self.seed = seed
        position = np.array([survey.position(u) for u in answers.units], dtype=np.int64)
        unit_of = position[answers.unit_of] if answers.units else np.zeros(0, dtype=np.int64)
        n_units = len(survey.units)
        self.counts = np.bincount(unit_of, minlength=n_units)
        self.slots = max(int(self.counts.max(initial=0)), 1)
        order = np.argsort(unit_of, kind="stable")
        starts = np.concatenate(([0], np.cumsum(self.counts)[:-1]))
        slot = np.empty(unit_of.size, dtype=np.int64)
        slot[order] = np.arange(unit_of.size) - np.repeat(starts, self.counts)
        # Per unit and respondent slot: the respondent's valid answers and sum of values
        # per leaf (2 numbers a leaf), and its group (−1 for an empty slot).
        contributions = np.zeros((n_units, self.slots, len(plan.leaves) * 2), dtype=np.int64)
        self.slot_group = np.full((n_units, self.slots), -1, dtype=np.int64)
        self.slot_group[unit_of, slot] = answers.group_of
        for index, leaf in enumerate(plan.leaves):
            valid = np.zeros(unit_of.size, dtype=np.int64)
            total = np.zeros(unit_of.size, dtype=np.int64)
            for q in leaf.questions:
                row = answers.codes[q]
                if leaf.multi:
                    row = leaf.answer_codes(row, answers.masks[q])
                code = row.astype(np.int64)
                answered = code >= 0
                valid += answered
                total += np.where(answered, leaf.option_value[np.maximum(code, 0)], 0)
            contributions[unit_of, slot, 2 * index] = valid
            contributions[unit_of, slot, 2 * index + 1] = total
        self.contributions = contributions
        # Sums of at most `slots` draws stay exact in float64 below 2**52 (BLAS), else int64.
        self.exact = int(np.abs(contributions).max(initial=0)) * self.slots < 2**52
        self.floats = contributions.astype(np.float64) if self.exact else None

    def blocks(self, resamples: int) -> Iterator[tuple[int, list[tuple[Int64Array, Int64Array]]]]:
        """Per block of resamples: its size and, per leaf, (valid, total) of shape (b, units, G)."""
        n_units = len(self.survey.units)
        n_groups = self.survey.plan.n_groups
        n_leaves = len(self.survey.plan.leaves)
        for number, first in enumerate(range(0, resamples, BLOCK)):
            size = min(BLOCK, resamples - first)
            rng = np.random.Generator(np.random.PCG64([self.seed, number]))
            draws = np.floor(rng.random((n_units, size, self.slots)) * self.counts[:, None, None])
            taken = np.broadcast_to(
                np.arange(self.slots)[None, None, :] < self.counts[:, None, None], draws.shape
            )
            cells = (
                np.arange(n_units)[:, None, None] * (size * self.slots)
                + np.arange(size)[None, :, None] * self.slots
                + draws.astype(np.int64)
            )
            multiplicity = np.bincount(cells[taken], minlength=n_units * size * self.slots).reshape(
                n_units, size, self.slots
            )
            # Leaf-major, so that each leaf's (b, units, G) arrays are contiguous.
            summed = np.empty((n_leaves, 2, size, n_units, n_groups), dtype=np.int64)
            for group in range(n_groups):
                mine = multiplicity * (self.slot_group == group)[:, None, :]
                if self.floats is not None:
                    sums = np.rint(np.matmul(mine.astype(np.float64), self.floats)).astype(np.int64)
                else:
                    sums = np.matmul(mine, self.contributions)
                summed[..., group] = sums.reshape(n_units, size, n_leaves, 2).transpose(2, 3, 1, 0)
            yield size, [(summed[i, 0], summed[i, 1]) for i in range(n_leaves)]

    def leaf_points(self, resamples: int) -> list[tuple[Int64Array, BoolArray, FloatArray]]:
        """Per leaf: (resamples × units) points in ticks, excluded mask and float figure."""
        out: list[tuple[list[Int64Array], list[BoolArray], list[FloatArray]]] = [
            ([], [], []) for _ in self.survey.plan.leaves
        ]
        for _, per_leaf in self.blocks(resamples):
            for index, (leaf, (valid, total)) in enumerate(
                zip(self.survey.plan.leaves, per_leaf, strict=True)
            ):
                points, off, share = resampled_leaf(leaf, valid, total)
                out[index][0].append(points)
                out[index][1].append(off)
                out[index][2].append(share)
        return [
            (np.concatenate(points), np.concatenate(excluded), np.concatenate(share))
            for points, excluded, share in out
        ]


def resampled_leaf(
    leaf: LeafPlan, valid: Int64Array, total: Int64Array
) -> tuple[Int64Array, BoolArray, FloatArray]:
    """Points, "off" mask and float figure of one leaf over a block of resamples.

    A resample the policy stops (below a minimum, policy "error") counts as excluded.
    """
    outcome = evaluate(
        leaf, valid, total, valid.sum(axis=1, keepdims=True), total.sum(axis=1, keepdims=True)
    )
    off = outcome.excluded | outcome.unit_error | outcome.group_error.any(axis=-1)
    off |= outcome.no_pooled.any(axis=-1)
    return outcome.points, off, outcome.share


@attrs.frozen
class LeafInterval:
    """A unit's leaf: its figure and points, and their 95 % interval."""

    unit: str
    leaf: str
    #: ``wilson``, ``bootstrap``, or ``""`` when the leaf is excluded for the unit.
    method: str
    figure: Decimal | None
    figure_low: Decimal | None
    figure_high: Decimal | None
    points: Decimal | None
    points_low: Decimal | None
    points_high: Decimal | None
    #: Resamples in which the leaf was excluded for the unit (bootstrap only).
    excluded_share: float = 0.0


def _wilson_counts(survey: SurveyPoints, leaf_index: int, row: int) -> tuple[int, int] | None:
    leaf = survey.leaves[leaf_index]
    plan = leaf.plan
    if plan.measure is not Measure.SHARE or plan.band_levels or len(plan.questions) != 1:
        return None
    used = leaf.used[row]
    if int((used != 0).sum()) != 1 or int((used == USED_OWN).sum()) != 1:
        return None
    group = int(np.flatnonzero(used == USED_OWN)[0])
    return int(leaf.total[row, group]), int(leaf.valid[row, group])


def leaf_intervals(
    survey: SurveyPoints,
    answers: Answers,
    *,
    resamples: int = 1000,
    seed: int = 0,
    places: int = 2,
) -> tuple[LeafInterval, ...]:
    """A 95 % interval for every unit and leaf (Wilson or bootstrap, see the module)."""
    if resamples < 1:
        raise ParIndexError("survey.resamples_positive", resamples=resamples)
    decimals = survey.point_decimals
    boot = Resampler(survey, answers, seed).leaf_points(resamples)
    out = []
    for index, leaf in enumerate(survey.leaves):
        plan = leaf.plan
        points, excluded, share = boot[index]
        for row, unit in enumerate(survey.units):
            figure = leaf.figure(row)
            value = survey.points(unit, leaf.code)
            if figure is None or value is None:
                out.append(LeafInterval(unit, leaf.code, "", None, None, None, None, None, None))
                continue
            counts = _wilson_counts(survey, index, row)
            kept = ~excluded[:, row]
            if counts is not None:
                low, high = wilson(*counts)
                method = "wilson"
            elif kept.any():
                low, high = (float(v) for v in np.quantile(share[kept, row], [0.025, 0.975]))
                method = "bootstrap"
            else:
                out.append(
                    LeafInterval(
                        unit,
                        leaf.code,
                        "bootstrap",
                        fraction_to_decimal(figure, places),
                        None,
                        None,
                        value,
                        None,
                        None,
                        1.0,
                    )
                )
                continue
            span = float(plan.high - plan.low)
            figure_low = Decimal(repr(float(plan.low) + span * low))
            figure_high = Decimal(repr(float(plan.low) + span * high))
            if method == "bootstrap":
                ticks = np.quantile(points[kept, row], [0.025, 0.975], method="inverted_cdf")
                points_low = ticks_to_decimal(int(ticks[0]), decimals)
                points_high = ticks_to_decimal(int(ticks[1]), decimals)
            else:
                points_low = _points_of(plan.maximum_ticks, low, decimals)
                points_high = _points_of(plan.maximum_ticks, high, decimals)
            out.append(
                LeafInterval(
                    unit,
                    leaf.code,
                    method,
                    fraction_to_decimal(figure, places),
                    figure_low.quantize(Decimal(1).scaleb(-places)),
                    figure_high.quantize(Decimal(1).scaleb(-places)),
                    value,
                    points_low,
                    points_high,
                    float(1 - kept.mean()),
                )
            )
    return tuple(out)


def _points_of(maximum_ticks: int, share: float, decimals: int) -> Decimal:
    return ticks_to_decimal(math.floor(maximum_ticks * share + 0.5), decimals)


@attrs.frozen
class RankRange:
    """A unit's rank as scored and across resamples: median and 5–95 % interval."""

    unit: str
    name: str
    group: str
    base_rank: int | None
    median: float | None
    p05: float | None
    p95: float | None
    #: The 5–95 % interval spans more than a tenth of the group's ranked units (at least 2 ranks).
    wide: bool


@attrs.frozen
class SurveyRanks:
    pack: str
    survey: str
    stage: str
    resamples: int
    seed: int
    units: tuple[RankRange, ...]


def _raw_sums(compiled: CompiledPack, leaf_values: Int64Array) -> Int64Array:
    """(rows × nodes) sums of leaf values over each node's leaves, before any bound."""
    rows, n_leaves = leaf_values.shape
    cumulative = np.zeros((rows, n_leaves + 1), dtype=np.int64)
    np.cumsum(leaf_values, axis=1, out=cumulative[:, 1:])
    sums: Int64Array = cumulative[:, compiled.end] - cumulative[:, compiled.start]
    return sums


def resampled_ranks(
    results: Results,
    answers: Answers,
    *,
    resamples: int = 1000,
    seed: int = 0,
    stage: str | None = None,
) -> npt.NDArray[np.int32]:
    """(resamples × units) ranks: respondents resampled, survey re-aggregated, index re-scored.

    Only the survey leaves change between resamples, so each resample's node sums
    are the view's own sums plus the survey leaves' changes (an exact integer
    product with the leaves' membership in each node), for the nodes the root's
    index depends on; caps, bonuses, deductions and bounds are then applied and
    the index and ranks computed with the scorer's own functions.
    """
    survey = results.survey
    if survey is None:
        raise ParIndexError("survey.results_without_survey")
    compiled = results.compiled
    base = leaf_state(results, stage)
    columns = np.array([compiled.leaf_index[code] for code in survey.leaf_codes], dtype=np.int64)
    full_max = compiled.leaf_max[columns]
    # The nodes the root's index depends on: the root, every bounded node and its
    # ancestors (bounds move points up), or every node when eligibility reads them.
    if compiled.pack.eligibility:
        needed = np.arange(compiled.n_nodes)
    else:
        targets = [int(t) for bounded in compiled.bounded for t in bounded.targets]
        needed = np.array(sorted({ROOT, *targets}), dtype=np.int64)
    member = (compiled.start[None, needed] <= columns[:, None]) & (
        columns[:, None] < compiled.end[None, needed]
    )
    membership = member.astype(np.float64)
    base_points = _raw_sums(compiled, base.leaf_points)[:, needed]
    base_max = _raw_sums(compiled, base.leaf_max)[:, needed]
    bonus = points_to_ticks(base.bonus, compiled.ticks_per_point)
    deduction = points_to_ticks(base.deduction, compiled.ticks_per_point)
    group_of, _ = group_index(results.input)
    n_units = len(results.units)
    resampler = Resampler(survey, answers, seed)
    ranks = np.empty((resamples, n_units), dtype=np.int32)
    first = 0
    for size, per_leaf in resampler.blocks(resamples):
        points = np.empty((size, n_units, columns.size), dtype=np.int64)
        maxima = np.empty_like(points)
        for index, (leaf, (valid, total)) in enumerate(
            zip(survey.plan.leaves, per_leaf, strict=True)
        ):
            leaf_points, off, _ = resampled_leaf(leaf, valid, total)
            points[:, :, index] = np.where(off, 0, leaf_points)
            maxima[:, :, index] = np.where(off, 0, full_max[index])
        rows = size * n_units
        change = (points - base.leaf_points[:, columns]).reshape(rows, -1).astype(np.float64)
        change_max = (maxima - base.leaf_max[:, columns]).reshape(rows, -1).astype(np.float64)
        # Node-major, as the scorer's bound step works; rows of unneeded nodes stay unset.
        totals = np.empty((compiled.n_nodes, rows), dtype=np.int64)
        node_max = np.empty((compiled.n_nodes, rows), dtype=np.int64)
        totals[needed] = (np.tile(base_points, (size, 1)) + np.rint(change @ membership)).T
        node_max[needed] = (np.tile(base_max, (size, 1)) + np.rint(change_max @ membership)).T
        if compiled.bounded:
            node_max = apply_bounds(
                compiled,
                totals,
                node_max,
                np.tile(bonus, (size, 1)).T,
                np.tile(deduction, (size, 1)).T,
                None,
            )
        if compiled.pack.eligibility:
            index_all, _ = index_and_grade(compiled, totals.T, node_max.T)
            keys = index_all[:, ROOT]
        else:
            root, _ = index_and_grades(compiled, totals[ROOT][None, :], node_max[ROOT][None, :])
            keys = root[0].astype(np.int64)
        defined = node_max[ROOT] > 0
        ranks[first : first + size] = competition_ranks_2d(
            keys.reshape(size, n_units), defined.reshape(size, n_units), group_of
        )
        first += size
    return ranks


def rank_bootstrap(
    results: Results,
    answers: Answers,
    *,
    resamples: int = 1000,
    seed: int = 0,
    stage: str | None = None,
) -> SurveyRanks:
    """Median rank and 5–95 % rank interval of every unit under resampled survey answers."""
    if resamples < 1:
        raise ParIndexError("survey.resamples_positive", resamples=resamples)
    name, scores = resolve_stage(results, stage)
    ranks = resampled_ranks(results, answers, resamples=resamples, seed=seed, stage=stage)
    group_of, _ = group_index(results.input)
    group_sizes = np.bincount(group_of[scores.rank > 0], minlength=int(group_of.max(initial=0)) + 1)
    units = []
    for row, (unit, (median, p05, p95)) in enumerate(
        zip(results.units, rank_quantiles(ranks), strict=True)
    ):
        limit = max(2.0, 0.1 * float(group_sizes[group_of[row]]))
        units.append(
            RankRange(
                unit=unit.id,
                name=unit.name,
                group=unit.group,
                base_rank=int(scores.rank[row]) or None,
                median=median,
                p05=p05,
                p95=p95,
                wide=p05 is not None and p95 is not None and p95 - p05 > limit,
            )
        )
    assert results.survey is not None
    return SurveyRanks(
        results.pack.id, results.survey.definition.id, name, resamples, seed, tuple(units)
    )


def render_survey_ranks(result: SurveyRanks, *, lang: str = "vi", top: int | None = 20) -> str:
    """Units by median rank with their 5–95 % interval; wide intervals marked."""
    rows = [
        (
            u.unit,
            u.name,
            u.base_rank or "",
            *range_cells(u, lang),
            text("survey.rank_wide_mark", lang) if u.wide else "",
        )
        for u in by_median_rank(result.units)[:top]
    ]
    head = text(
        "survey.rank_bootstrap_head",
        lang,
        pack=result.pack,
        survey=result.survey,
        stage=stage_label(result.stage, lang),
        resamples=result.resamples,
        seed=result.seed,
    )
    headers = [
        text(f"survey.column_{key}", lang)
        for key in ("unit_id", "name", "base_rank", "median_rank", "rank_5", "rank_95", "wide")
    ]
    return head + "\n" + format_table(headers, rows, right=(2, 3, 4, 5))
