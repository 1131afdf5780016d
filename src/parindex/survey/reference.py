"""The plain reference aggregator: one respondent at a time, in ``Decimal``.

Written for reading, not speed, and sharing no arithmetic with the vectorised
path: answers are looked up as ``Decimal`` option values, summed per unit,
group and leaf in a loop, the policy applied with plain ``if``s, and the weighted
figure kept as an exact numerator and denominator (integer-valued ``Decimal``s
in a 1,000-digit context) until the one rounding half up to the pack's ticks.
The tests require the vectorised aggregator to equal it exactly. A multi-select
answer is read as the set of option labels its mask ticks, one bit at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal, localcontext

import attrs

from parindex.grammar import label_key
from parindex.model import Pack
from parindex.survey.answers import Answers
from parindex.survey.model import (
    BelowMinimum,
    Leaf,
    Measure,
    ScaleKind,
    SurveyDefinition,
    SurveyKind,
)
from parindex.survey.validation import leaf_maximum

ONE = Decimal(1)


@attrs.frozen
class ReferenceResult:
    """Points per (unit, leaf) (None: excluded), and the (unit, leaf) pairs the policy stops."""

    points: dict[tuple[str, str], Decimal | None]
    errors: frozenset[tuple[str, str]]


def _positive_labels(definition: SurveyDefinition, leaf: Leaf, scale_id: str) -> set[str]:
    """The labels of the options ``positive`` names (by label or alias)."""
    wanted = {label_key(p) for p in leaf.positive}
    return {
        option.label
        for option in definition.scale(scale_id).resolved_options
        if wanted & {label_key(t) for t in (option.label, *option.aliases)}
    }


def _ticked_value(definition: SurveyDefinition, leaf: Leaf, scale_id: str, mask: int) -> Decimal:
    """A multi answer's value: 1/0 (ticked any, or all, positive options) or how many it ticked."""
    options = definition.scale(scale_id).resolved_options
    ticked = {options[i].label for i in range(len(options)) if (mask >> i) % 2 == 1}
    positive = _positive_labels(definition, leaf, scale_id)
    if leaf.measure is Measure.COUNT:
        return Decimal(len(ticked & positive))
    if leaf.all_of:
        return ONE if positive <= ticked else Decimal(0)
    return ONE if ticked & positive else Decimal(0)


def _answer_value(definition: SurveyDefinition, leaf: Leaf, scale_id: str, code: int) -> Decimal:
    """A valid answer's value: its option's value (mean) or 1/0 for positive (share)."""
    option = definition.scale(scale_id).resolved_options[code]
    if leaf.measure is Measure.MEAN:
        assert option.value is not None
        return option.value
    if leaf.at_least is not None:
        floor = next(
            o.value
            for o in definition.scale(scale_id).resolved_options
            if label_key(leaf.at_least) in {label_key(t) for t in (o.label, *o.aliases)}
        )
        assert floor is not None and option.value is not None
        return ONE if option.value >= floor else Decimal(0)
    spellings = {label_key(t) for t in (option.label, *option.aliases)}
    return ONE if spellings & {label_key(p) for p in leaf.positive} else Decimal(0)


def reference_aggregate(
    definition: SurveyDefinition,
    answers: Answers,
    *,
    pack: Pack | None = None,
    units: Sequence[str] | None = None,
) -> ReferenceResult:
    """Survey points by the plain reference (the definition is assumed checked)."""
    if pack is None and definition.kind is SurveyKind.PAR_INDEX:
        from parindex.plugins import get_pack

        pack = get_pack(definition.pack)
    decimals = (
        pack.point_decimals
        if pack is not None and definition.kind is SurveyKind.PAR_INDEX
        else definition.point_decimals
    )
    unit_list = list(units) if units is not None else list(answers.units)
    # sums[leaf][unit][group] = [count, sum of values]
    sums: dict[str, dict[str, dict[str, list[Decimal]]]] = {
        leaf.code: defaultdict(lambda: defaultdict(lambda: [Decimal(0), Decimal(0)]))
        for leaf in definition.leaves
    }
    question_position = {q.code: i for i, q in enumerate(definition.questions)}
    for respondent in range(answers.n_respondents):
        unit = answers.units[int(answers.unit_of[respondent])]
        group = definition.groups[int(answers.group_of[respondent])].id
        for leaf in definition.leaves:
            for code in leaf.questions:
                q = question_position[code]
                answer = int(answers.codes[q, respondent])
                if answer < 0:
                    continue
                cell = sums[leaf.code][unit][group]
                cell[0] += 1
                scale_id = definition.questions[q].scale
                if definition.scale(scale_id).kind is ScaleKind.MULTI:
                    mask = int(answers.masks[q][respondent])
                    cell[1] += _ticked_value(definition, leaf, scale_id, mask)
                else:
                    cell[1] += _answer_value(definition, leaf, scale_id, answer)

    points: dict[tuple[str, str], Decimal | None] = {}
    errors: set[tuple[str, str]] = set()
    for leaf in definition.leaves:
        policy = definition.leaf_policy(leaf)
        weights = definition.leaf_weights(leaf)
        pooled: dict[str, list[Decimal]] = {g: [Decimal(0), Decimal(0)] for g in weights}
        for per_unit in sums[leaf.code].values():
            for group, (count, total) in per_unit.items():
                if group in pooled:
                    pooled[group][0] += count
                    pooled[group][1] += total
        maximum = leaf_maximum(
            definition, leaf, pack if definition.kind is SurveyKind.PAR_INDEX else None
        )
        assert maximum is not None
        for unit in unit_list:
            cells = sums[leaf.code].get(unit, {})
            counts = {g: cells[g][0] if g in cells else Decimal(0) for g in weights}
            kept: dict[str, str] = {}  # group -> "own" | "all"
            outcome = "points"
            if sum(counts.values()) < policy.min_answers:
                outcome = "unit"
            else:
                for group in weights:
                    if counts[group] >= policy.min_group_answers:
                        kept[group] = "own"
                    elif policy.group_below_minimum is BelowMinimum.ERROR:
                        outcome = "error"
                    elif policy.group_below_minimum is BelowMinimum.EXCLUDE and outcome == "points":
                        outcome = "excluded"
                    elif policy.group_below_minimum is BelowMinimum.GROUP_MEAN:
                        kept[group] = "all"
                if outcome == "points" and not kept:
                    outcome = "unit"
            if outcome == "unit":
                if policy.below_minimum is BelowMinimum.ERROR:
                    outcome = "error"
                elif policy.below_minimum is BelowMinimum.EXCLUDE:
                    outcome = "excluded"
                else:
                    outcome = "points"
                    kept = {g: "all" for g in weights}
            if outcome == "points" and any(
                how == "all" and pooled[g][0] == 0 for g, how in kept.items()
            ):
                outcome = "error"
            if outcome == "error":
                errors.add((unit, leaf.code))
                continue
            if outcome == "excluded":
                points[(unit, leaf.code)] = None
                continue
            points[(unit, leaf.code)] = _points(
                definition, leaf, kept, cells, pooled, weights, maximum, decimals
            )
    return ReferenceResult(points, frozenset(errors))


def _points(
    definition: SurveyDefinition,
    leaf: Leaf,
    kept: dict[str, str],
    cells: dict[str, list[Decimal]],
    pooled: dict[str, list[Decimal]],
    weights: dict[str, Decimal],
    maximum: Decimal,
    decimals: int,
) -> Decimal:
    scale = definition.scale(definition.question(leaf.questions[0]).scale)
    if leaf.measure is Measure.MEAN:
        low, high = scale.bounds
    elif leaf.measure is Measure.COUNT:
        low, high = Decimal(0), Decimal(len(_positive_labels(definition, leaf, scale.id)))
    else:
        low, high = Decimal(0), ONE
    with localcontext() as context:
        context.prec = 1000
        # figure on 0..1 = N / D, with N and D exact.
        numerator, denominator = Decimal(0), ONE
        weight_sum = Decimal(0)
        for group, how in kept.items():
            count, total = cells[group] if how == "own" else pooled[group]
            # term = w · (total − count·low) / (count · (high − low))
            term_num = weights[group] * (total - count * low)
            term_den = count * (high - low)
            numerator = numerator * term_den + term_num * denominator
            denominator = denominator * term_den
            weight_sum += weights[group]
        denominator *= weight_sum
        if leaf.bands:
            scale_low, scale_high = (
                (low, high)
                if leaf.measure in (Measure.MEAN, Measure.COUNT)
                else (Decimal(0), Decimal(100))
            )
            for band in leaf.bands:
                # figure = low + (high − low)·N/D compared with the threshold, exactly
                left = (scale_high - scale_low) * numerator
                right = (band.threshold - scale_low) * denominator
                if left > right or (band.inclusive and left == right):
                    return band.points
            return leaf.otherwise
        ticks_per_point = Decimal(10) ** decimals
        scaled = maximum * ticks_per_point * numerator
        ticks = (2 * scaled + denominator) // (2 * denominator)
        return (ticks / ticks_per_point).quantize(Decimal(1).scaleb(-decimals))
