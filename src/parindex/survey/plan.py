"""A definition bound to its pack, flattened into the integers aggregation works with.

Option values become integers ``(value − low) · 10**d`` (``d`` the scale's
decimals), so sums of answers are exact int64; weights become integers at
10**-6; maxima and band points become ticks of the pack's precision; band
thresholds become exact fractions of the normalised 0..1 figure.

A multi-select leaf's answers are first turned into codes of its own: per
respondent 1/0 (share: ticked any, or all, of the positive options) or the
number of positive options ticked (count), read from the ticks' bit masks; from
there it is counted like any other leaf.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

from parindex.fixedpoint import Int64Array, decimal_to_ticks
from parindex.grammar import label_key
from parindex.model import Pack
from parindex.survey.model import (
    Leaf,
    Measure,
    Policy,
    Scale,
    ScaleKind,
    SurveyDefinition,
    SurveyKind,
)
from parindex.survey.multi import MaskArray, popcount
from parindex.survey.problems import SurveyDefinitionError, located
from parindex.survey.validation import (
    check_against_pack,
    check_definition,
    leaf_maximum,
    positive_options,
)

#: Weights are read at 10**-6 (the entry grammar's resolution).
WEIGHT_DECIMALS = 6


def _decimals(values: list[Decimal]) -> int:
    places = 0
    for value in values:
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int):
            places = max(places, -exponent)
    return places


@attrs.frozen(eq=False)
class LeafPlan:
    """One leaf, ready for whole-array aggregation."""

    leaf: Leaf
    title: str
    questions: tuple[int, ...]
    scale: Scale
    #: Per option: its integer value above ``low`` (mean) or 1/0 for positive (share).
    option_value: Int64Array
    #: The integer value of ``high − low`` (mean) or 1 (share).
    scale_range: int
    #: Per respondent group: integer weight (10**-6), 0 for groups the leaf does not weigh.
    weights: Int64Array
    policy: Policy
    maximum: Decimal
    maximum_ticks: int
    #: Band thresholds as fractions of the normalised figure (0..1), highest first.
    band_levels: tuple[Fraction, ...]
    band_inclusive: tuple[bool, ...]
    band_points: tuple[int, ...]
    otherwise: int
    #: Multi scales: the positive options as a bit mask (0 for other scales).
    positive_mask: int = 0

    @property
    def code(self) -> str:
        return self.leaf.code

    @property
    def multi(self) -> bool:
        return self.scale.kind is ScaleKind.MULTI

    def answer_codes(self, codes: npt.NDArray[np.int8], masks: MaskArray) -> npt.NDArray[np.int8]:
        """A multi question's codes in this leaf's terms (1/0 or positive ticks; others kept)."""
        hit = masks & np.uint64(self.positive_mask)
        if self.measure is Measure.COUNT:
            value = popcount(hit)
        elif self.leaf.all_of:
            value = hit == np.uint64(self.positive_mask)
        else:
            value = hit != 0
        return np.where(codes >= 0, value, codes).astype(np.int8)

    @property
    def measure(self) -> Measure:
        return self.leaf.measure

    @property
    def low(self) -> Decimal:
        return self.scale.bounds[0] if self.measure is Measure.MEAN else Decimal(0)

    @property
    def high(self) -> Decimal:
        """The top of the figure: the scale's, 100 % (share) or every positive option (count)."""
        if self.measure is Measure.COUNT:
            return Decimal(self.scale_range)
        return self.scale.bounds[1] if self.measure is Measure.MEAN else Decimal(100)

    def figure(self, normalised: Fraction) -> Fraction:
        """The figure people read: the mean on the scale, or the share in %."""
        low, high = self.low, self.high
        return Fraction(low) + (Fraction(high) - Fraction(low)) * normalised


@attrs.frozen(eq=False)
class SurveyPlan:
    definition: SurveyDefinition
    pack: Pack | None
    point_decimals: int
    leaves: tuple[LeafPlan, ...]

    @property
    def n_groups(self) -> int:
        return len(self.definition.groups)

    @property
    def n_not_answers(self) -> int:
        return len(self.definition.not_answers)


def _leaf_plan(
    definition: SurveyDefinition, leaf: Leaf, pack: Pack | None, decimals: int
) -> LeafPlan:
    questions = {q.code: i for i, q in enumerate(definition.questions)}
    scale = definition.scale(definition.questions[questions[leaf.questions[0]]].scale)
    options = scale.resolved_options
    positive_mask = 0
    if scale.kind is ScaleKind.MULTI:
        positions = positive_options(leaf, scale)
        positive_mask = sum(1 << p for p in positions)
        counted = len(positions) if leaf.measure is Measure.COUNT else 1
        values = list(range(counted + 1))
        scale_range = counted
        top = Fraction(counted) if leaf.measure is Measure.COUNT else Fraction(100)
        band_levels = tuple(Fraction(b.threshold) / top for b in leaf.bands)
    elif leaf.measure is Measure.MEAN:
        low, high = scale.bounds
        places = _decimals([low, high, *(o.value for o in options if o.value is not None)])
        factor = Decimal(10) ** places
        values = [int((o.value - low) * factor) if o.value is not None else 0 for o in options]
        scale_range = int((high - low) * factor)
        band_levels = tuple(Fraction(b.threshold - low) / Fraction(high - low) for b in leaf.bands)
    else:
        positive = {label_key(p) for p in leaf.positive}
        if leaf.at_least is not None:
            key = label_key(leaf.at_least)
            floor = next(
                o.value for o in options if key in {label_key(t) for t in (o.label, *o.aliases)}
            )
            assert floor is not None  # validated: ordinal options have values
            values = [int(o.value is not None and o.value >= floor) for o in options]
        else:
            values = [
                int(any(label_key(t) in positive for t in (o.label, *o.aliases))) for o in options
            ]
        scale_range = 1
        band_levels = tuple(Fraction(b.threshold) / 100 for b in leaf.bands)
    group_weights = definition.leaf_weights(leaf)
    weights = np.array(
        [
            decimal_to_ticks(group_weights.get(g.id, Decimal(0)), WEIGHT_DECIMALS)
            for g in definition.groups
        ],
        dtype=np.int64,
    )
    maximum = leaf_maximum(definition, leaf, pack)
    assert maximum is not None  # validated against the pack
    title = leaf.title
    if not title and pack is not None and definition.kind is SurveyKind.PAR_INDEX:
        title = pack.node(leaf.code).title
    return LeafPlan(
        leaf=leaf,
        title=title,
        questions=tuple(questions[q] for q in leaf.questions),
        scale=scale,
        option_value=np.array(values, dtype=np.int64),
        scale_range=scale_range,
        weights=weights,
        policy=definition.leaf_policy(leaf),
        maximum=maximum,
        maximum_ticks=decimal_to_ticks(maximum, decimals),
        band_levels=band_levels,
        band_inclusive=tuple(b.inclusive for b in leaf.bands),
        band_points=tuple(decimal_to_ticks(b.points, decimals) for b in leaf.bands),
        otherwise=decimal_to_ticks(leaf.otherwise, decimals) if leaf.bands else 0,
        positive_mask=positive_mask,
    )


def plan_survey(definition: SurveyDefinition, pack: Pack | None = None) -> SurveyPlan:
    """Check ``definition`` (alone and against ``pack``) and flatten it for aggregation.

    A PAR Index definition needs its pack (the installed one named by
    ``definition.pack`` when none is given); a satisfaction definition needs none.
    """
    if pack is None and definition.kind is SurveyKind.PAR_INDEX and definition.pack:
        from parindex.plugins import get_pack

        pack = get_pack(definition.pack)
    problems = check_definition(definition)
    if not problems:
        problems = check_against_pack(definition, pack)
    if problems:
        raise SurveyDefinitionError(definition.id, [located(p, definition) for p in problems])
    bound = pack if definition.kind is SurveyKind.PAR_INDEX else None
    decimals = bound.point_decimals if bound is not None else definition.point_decimals
    leaves = tuple(_leaf_plan(definition, leaf, bound, decimals) for leaf in definition.leaves)
    return SurveyPlan(definition, bound, decimals, leaves)
