"""A leaf's points from per-group counts and sums, exactly, for any batch shape.

The exact figure is a fraction: points = round_half_up(M · Σ w_g·A_g/n_g ÷ (R · Σ w_g)),
with M the leaf's maximum in ticks, w_g the kept groups' integer weights, A_g and
n_g their sums and valid counts, R the scale's range. It is evaluated in float64
together with a bound on its error: where the float lies farther than that bound
from a rounding boundary (a half tick) or a band threshold, the float's decision
is the exact one; the few that lie closer are decided again in exact fractions.
So the result equals exact rational arithmetic, at float speed, and the plain
Decimal reference (:mod:`parindex.survey.reference`) checks it.
"""

from __future__ import annotations

from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

from parindex.fixedpoint import BoolArray, FloatArray, Int64Array
from parindex.survey.model import BelowMinimum
from parindex.survey.plan import LeafPlan

#: Relative distance from a boundary below which a float decision is re-taken exactly.
#: A float of a handful of operations is off by far less (about 10⁻¹⁴ relative).
MARGIN = 2.0**-40
#: Sums below this are exact in float64.
FLOAT_EXACT = 2**53

USED_NOT = 0
USED_OWN = 1
USED_ALL_UNITS = 2

STATUS_OK = 0
#: The unit has fewer valid answers than the leaf's minimum: its policy applied.
STATUS_UNIT_BELOW = 1
#: Some respondent group has fewer valid answers than its minimum: the group policy applied.
STATUS_GROUP_BELOW = 2
#: Every group was left out (reweighted away): the unit policy applied.
STATUS_NO_GROUP = 3

Int8Array = npt.NDArray[np.int8]


@attrs.frozen(eq=False)
class Outcome:
    """What the policy and arithmetic gave, per unit (``...``) and group (``..., G``)."""

    points: Int64Array
    used: Int8Array
    excluded: BoolArray
    status: Int8Array
    #: Units whose leaf is an error under the policy (below a minimum, policy "error").
    unit_error: BoolArray
    group_error: BoolArray
    #: The figure of all units was asked for a group nobody in any unit answered.
    no_pooled: BoolArray
    #: The normalised figure (0..1) in float64, NaN where nothing counted: for intervals
    #: and charts only (points come from the exact decision).
    share: FloatArray


def decide(
    leaf: LeafPlan, valid: Int64Array, pooled_valid: Int64Array
) -> tuple[Int8Array, BoolArray, Int8Array, BoolArray, BoolArray, BoolArray]:
    """Which groups count (own figure, all units' figure or none) under the leaf's policy."""
    policy = leaf.policy
    weighed = leaf.weights > 0
    below_unit = (valid * weighed).sum(axis=-1) < policy.min_answers
    below_group = (valid < policy.min_group_answers) & weighed
    own = weighed & ~below_group
    pool = np.zeros_like(own)
    group_error = np.zeros_like(own)
    group_excluded: BoolArray = np.zeros(below_unit.shape, dtype=bool)
    rule = policy.group_below_minimum
    if rule is BelowMinimum.GROUP_MEAN:
        pool = below_group.copy()
    elif rule is BelowMinimum.EXCLUDE:
        group_excluded = np.asarray(below_group.any(axis=-1))
    elif rule is BelowMinimum.ERROR:
        group_error = below_group.copy()
    some_below = below_group.any(axis=-1)
    # A unit below its own minimum follows the unit policy, whatever its groups.
    group_error &= ~below_unit[..., None]
    group_excluded &= ~below_unit
    own &= ~below_unit[..., None]
    pool &= ~below_unit[..., None]
    none_kept = ~(own | pool).any(axis=-1)
    no_group = ~below_unit & none_kept & ~group_excluded & ~group_error.any(axis=-1)
    fallback = below_unit | no_group
    status = np.where(
        below_unit,
        STATUS_UNIT_BELOW,
        np.where(no_group, STATUS_NO_GROUP, np.where(some_below, STATUS_GROUP_BELOW, STATUS_OK)),
    ).astype(np.int8)
    excluded = group_excluded.copy()
    unit_error = np.zeros_like(fallback)
    rule = policy.below_minimum
    if rule is BelowMinimum.EXCLUDE:
        excluded |= fallback
    elif rule is BelowMinimum.ERROR:
        unit_error = fallback
    else:  # GROUP_MEAN: every weighed group takes the figure of all units
        own = own & ~fallback[..., None]
        pool = np.where(fallback[..., None], weighed, pool)
    stopped = excluded | unit_error | group_error.any(axis=-1)
    no_pooled = pool & (pooled_valid <= 0) & ~stopped[..., None]
    stop = stopped | no_pooled.any(axis=-1)
    used = np.where(own, USED_OWN, np.where(pool, USED_ALL_UNITS, USED_NOT)).astype(np.int8)
    used[stop] = USED_NOT
    return used, excluded, status, unit_error, group_error, no_pooled


def evaluate(
    leaf: LeafPlan,
    valid: Int64Array,
    total: Int64Array,
    pooled_valid: Int64Array,
    pooled_total: Int64Array,
) -> Outcome:
    """Points (ticks) of a leaf for every unit of a batch: ``valid``/``total`` are (..., G).

    ``pooled_valid``/``pooled_total`` (every unit together) are (G,), or broadcast
    against the batch (a bootstrap passes one per resample).
    """
    used, excluded, status, unit_error, group_error, no_pooled = decide(leaf, valid, pooled_valid)
    own = used == USED_OWN
    pool = used == USED_ALL_UNITS
    weights = leaf.weights
    top = max(int(np.abs(total).max(initial=0)), int(np.abs(pooled_total).max(initial=0)))
    points = np.zeros(used.shape[:-1], dtype=np.int64)
    active = (own | pool).any(axis=-1)
    if top < FLOAT_EXACT and int(valid.max(initial=0)) < FLOAT_EXACT:
        with np.errstate(invalid="ignore", divide="ignore"):
            mine = total / np.where(own, valid, 1)
            theirs = pooled_total / np.where(pooled_valid > 0, pooled_valid, 1)
        ratio = np.where(own, mine, np.where(pool, theirs, 0.0))
        kept = np.where(own | pool, weights, 0)
        weight_sum = kept.sum(axis=-1).astype(np.float64)
        share = (ratio * kept).sum(axis=-1) / (np.where(active, weight_sum, 1.0) * leaf.scale_range)
        points, unsure = _points(leaf, share)
        unsure &= active
    else:
        unsure = active.copy()
        share = np.zeros(points.shape)
    if unsure.any():
        every_valid = np.broadcast_to(pooled_valid, valid.shape)
        every_total = np.broadcast_to(pooled_total, total.shape)
        for index in zip(*np.nonzero(unsure), strict=True):
            exact = exact_ratio(
                leaf,
                used[index],
                valid[index],
                total[index],
                every_valid[index],
                every_total[index],
            )
            assert exact is not None
            points[index] = exact_points(leaf, exact)
            share[index] = exact[0] / exact[1]
    points[~active] = 0
    share = np.where(active, share, np.nan)
    return Outcome(points, used, excluded, status, unit_error, group_error, no_pooled, share)


def _points(leaf: LeafPlan, share: FloatArray) -> tuple[Int64Array, BoolArray]:
    """Points from the float normalised figure, and where the float cannot decide."""
    if not leaf.band_levels:
        scaled = share * leaf.maximum_ticks
        whole = np.floor(scaled)
        unsure = np.abs(scaled - whole - 0.5) <= MARGIN * np.maximum(1.0, scaled)
        return np.floor(scaled + 0.5).astype(np.int64), unsure
    points = np.full(share.shape, leaf.otherwise, dtype=np.int64)
    decided = np.zeros(share.shape, dtype=bool)
    unsure = np.zeros(share.shape, dtype=bool)
    for level, inclusive, value in zip(
        leaf.band_levels, leaf.band_inclusive, leaf.band_points, strict=True
    ):
        bound = float(level)
        close = np.abs(share - bound) <= MARGIN * max(1.0, abs(bound))
        unsure |= close & ~decided
        hit = (share > bound) if not inclusive else (share >= bound)
        hit &= ~decided & ~close
        points[hit] = value
        decided |= hit
    return points, unsure


def exact_ratio(
    leaf: LeafPlan,
    used: Int8Array,
    valid: Int64Array,
    total: Int64Array,
    pooled_valid: Int64Array,
    pooled_total: Int64Array,
) -> tuple[int, int] | None:
    """The normalised figure (0..1) of one unit as an exact integer ratio (None: nothing counted).

    Σ_g w_g·A_g/n_g ÷ (R·Σ_g w_g) over the counted groups, on Python integers.
    """
    numerator, denominator, weight_sum = 0, 1, 0
    for group, how in enumerate(used.tolist()):
        if how == USED_OWN:
            count, summed = int(valid[group]), int(total[group])
        elif how == USED_ALL_UNITS:
            count, summed = int(pooled_valid[group]), int(pooled_total[group])
        else:
            continue
        weight = int(leaf.weights[group])
        numerator = numerator * count + weight * summed * denominator
        denominator *= count
        weight_sum += weight
    if weight_sum == 0:
        return None
    return numerator, denominator * weight_sum * leaf.scale_range


def exact_share(
    leaf: LeafPlan,
    used: Int8Array,
    valid: Int64Array,
    total: Int64Array,
    pooled_valid: Int64Array,
    pooled_total: Int64Array,
) -> Fraction | None:
    """The normalised figure (0..1) of one unit as a fraction (None: nothing counted)."""
    ratio = exact_ratio(leaf, used, valid, total, pooled_valid, pooled_total)
    return None if ratio is None else Fraction(*ratio)


def exact_points(leaf: LeafPlan, ratio: tuple[int, int]) -> int:
    """Ticks of an exact normalised figure: rounded half up, or the band reached."""
    numerator, denominator = ratio
    if not leaf.band_levels:
        return (2 * leaf.maximum_ticks * numerator + denominator) // (2 * denominator)
    for level, inclusive, value in zip(
        leaf.band_levels, leaf.band_inclusive, leaf.band_points, strict=True
    ):
        left, right = numerator * level.denominator, level.numerator * denominator
        if left > right or (inclusive and left == right):
            return value
    return leaf.otherwise
