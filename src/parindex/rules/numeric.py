"""Rules whose input is a number: points, rates, counts, survey figures."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import ClassVar

import attrs
import numpy as np

from parindex.fixedpoint import (
    VALUE_DECIMALS,
    VALUE_SCALE,
    BoolArray,
    Int64Array,
    decimal_to_ticks,
    mul_div_round,
)
from parindex.messages import Found, Message, msg, text
from parindex.rules.base import GroupEvaluator, Rule, fmt_number

HUNDRED = Decimal(100)


def _micro(values: Sequence[Decimal]) -> Int64Array:
    return np.array([decimal_to_ticks(v, VALUE_DECIMALS) for v in values], dtype=np.int64)


def _decimals_problem(name: str, value: Decimal) -> list[str | Message]:
    try:
        decimal_to_ticks(value, VALUE_DECIMALS)
    except ValueError:
        return [msg("pack.too_many_decimals", name=name, value=value, decimals=VALUE_DECIMALS)]
    return []


def _range_expected(low: Decimal, high: Decimal | None, lang: str) -> str:
    """What a numeric rule accepts, in ``lang`` ("a value between 0 and 100")."""
    if high is None:
        return text("rules.at_least_expected", lang, low=fmt_number(low, lang))
    return text(
        "rules.between_expected", lang, low=fmt_number(low, lang), high=fmt_number(high, lang)
    )


def _max_micro(maxima: Int64Array, ticks_per_point: int) -> Int64Array:
    result: Int64Array = maxima * (VALUE_SCALE // ticks_per_point)
    return result


class _Evaluator(GroupEvaluator):
    """An evaluator built from two closures; enough for the stateless numeric kinds."""

    def __init__(
        self,
        invalid: Callable[[Int64Array], BoolArray],
        points: Callable[[Int64Array, Int64Array | None], Int64Array],
    ) -> None:
        self._invalid = invalid
        self._points = points

    def invalid(self, micro: Int64Array) -> BoolArray:
        return self._invalid(micro)

    def points(self, micro: Int64Array, best: Int64Array | None) -> Int64Array:
        return self._points(micro, best)


@attrs.frozen
class Direct(Rule):
    """Points entered directly, 0..maximum (the appraisal body's own figure)."""

    kind: ClassVar[str] = "direct"

    def parameter_problems(self, maximum: Decimal) -> list[str | Message]:
        return []

    def describe(self, maximum: Decimal, lang: str = "vi") -> str:
        return text("rules.direct_describe", lang, maximum=fmt_number(maximum, lang))

    def expected(self, maximum: Decimal, lang: str = "en") -> str:
        return text("rules.direct_expected", lang, maximum=fmt_number(maximum, lang))

    def accepts(self, value: Decimal, maximum: Decimal) -> bool:
        return Decimal(0) <= value <= maximum

    def reference_points(self, value: Decimal, maximum: Decimal, best: Decimal | None) -> Decimal:
        return value

    @classmethod
    def evaluator(
        cls, rules: Sequence[Rule], maxima: Int64Array, ticks_per_point: int
    ) -> GroupEvaluator:
        upper = _max_micro(maxima, ticks_per_point)
        per_tick = VALUE_SCALE // ticks_per_point
        return _Evaluator(
            lambda m: (m < 0) | (m > upper),
            lambda m, _: mul_div_round(m, 1, per_tick),
        )


@attrs.frozen
class Band:
    """Points when the value is above ``threshold`` (at or above it when inclusive)."""

    threshold: Decimal
    points: Decimal
    inclusive: bool = True


@attrs.frozen
class Interval:
    """The values one band of a :class:`Bands` rule covers, and the points they earn.

    ``low``/``high`` are None where the interval is open (below the lowest
    threshold, above the highest); the flags say whether each end is included.
    """

    low: Decimal | None
    low_inclusive: bool
    high: Decimal | None
    high_inclusive: bool
    points: Decimal

    def words(self, lang: str = "vi", unit: str = "") -> str:
        """The values as a table words them: "dưới 2", "từ 2 đến dưới 5", "từ 5 trở lên"
        (``unit`` follows each number: " %")."""
        low = None if self.low is None else f"{fmt_number(self.low, lang)}{unit}"
        high = None if self.high is None else f"{fmt_number(self.high, lang)}{unit}"
        if low is None:
            code = "at_most" if self.high_inclusive else "below"
        elif high is None:
            code = "at_least" if self.low_inclusive else "above"
        else:
            start = "from" if self.low_inclusive else "above"
            code = f"{start}_to" if self.high_inclusive else f"{start}_to_below"
        return text(f"rules.interval_{code}", lang, low=low, high=high)


@attrs.frozen
class Bands(Rule):
    """Thresholds on a rate or a count: "trên 90 %: 2; từ 70 % đến 90 %: 1; dưới 70 %: 0".

    Bands are listed from the highest threshold down; the first band the value
    satisfies gives the points, otherwise ``otherwise``. Each band says whether
    its bound is inclusive ("từ 90 %") or not ("trên 90 %"), so the bands cover
    every value without gap or overlap. Points may lie in any order: where lower
    values earn more (error or late rates: "dưới 2 %: 1; từ 2 % đến dưới 5 %: 0,5;
    từ 5 % trở lên: 0") the rule is not :attr:`monotone`. Some band (or
    ``otherwise``) gives the leaf's maximum.
    """

    kind: ClassVar[str] = "bands"

    bands: tuple[Band, ...]
    otherwise: Decimal = Decimal(0)
    lower: Decimal = Decimal(0)
    upper: Decimal | None = HUNDRED

    @property
    def monotone(self) -> bool:
        """Whether points never fall as the value rises (higher bands earn at least as much)."""
        points = [band.points for band in self.bands] + [self.otherwise]
        return all(a >= b for a, b in itertools.pairwise(points))

    def intervals(self) -> tuple[Interval, ...]:
        """The bands as intervals of values with both ends, from the lowest values up."""
        found = []
        high: Decimal | None = None
        high_inclusive = False
        for band in self.bands:
            found.append(
                Interval(band.threshold, band.inclusive, high, high_inclusive, band.points)
            )
            high, high_inclusive = band.threshold, not band.inclusive
        found.append(Interval(None, False, high, high_inclusive, self.otherwise))
        return tuple(reversed(found))

    def ordered(self) -> tuple[Interval, ...]:
        """The intervals as an appendix lists them: the best band first where higher values
        earn more, the lowest values first otherwise (error and late rates)."""
        intervals = self.intervals()
        return tuple(reversed(intervals)) if self.monotone else intervals

    def takes_rate(self) -> bool:
        return True

    def parameter_problems(self, maximum: Decimal) -> list[str | Message]:
        problems: list[str | Message] = []
        if not self.bands:
            problems.append(msg("pack.bands_none"))
        thresholds = [band.threshold for band in self.bands]
        if thresholds != sorted(thresholds, reverse=True) or len(set(thresholds)) != len(
            thresholds
        ):
            problems.append(msg("pack.bands_order"))
        points = [band.points for band in self.bands] + [self.otherwise]
        for value in points:
            if not Decimal(0) <= value <= maximum:
                problems.append(msg("pack.band_points_outside", points=value, maximum=maximum))
        if self.bands and max(points) != maximum:
            problems.append(msg("pack.bands_top", points=max(points), maximum=maximum))
        if self.upper is not None and self.upper < self.lower:
            problems.append(msg("pack.bands_bounds", upper=self.upper, lower=self.lower))
        for band in self.bands:
            problems += _decimals_problem("threshold", band.threshold)
        return problems

    def describe(self, maximum: Decimal, lang: str = "vi") -> str:
        """Each band with both its ends ("trên 90: 2; từ 70 đến 90: 1; dưới 70: 0"), the
        best band first where higher values earn more, the lowest values first otherwise."""
        return "; ".join(
            f"{interval.words(lang)}: {fmt_number(interval.points, lang)}"
            for interval in self.ordered()
        )

    def expected(self, maximum: Decimal, lang: str = "en") -> str:
        return _range_expected(self.lower, self.upper, lang)

    def accepts(self, value: Decimal, maximum: Decimal) -> bool:
        return value >= self.lower and (self.upper is None or value <= self.upper)

    def reference_points(self, value: Decimal, maximum: Decimal, best: Decimal | None) -> Decimal:
        for band in self.bands:
            if value > band.threshold or (band.inclusive and value == band.threshold):
                return band.points
        return self.otherwise

    @classmethod
    def evaluator(
        cls, rules: Sequence[Rule], maxima: Int64Array, ticks_per_point: int
    ) -> GroupEvaluator:
        typed = [rule for rule in rules if isinstance(rule, Bands)]
        width = max(len(rule.bands) for rule in typed)
        decimals = len(str(ticks_per_point)) - 1
        never = np.iinfo(np.int64).max
        thresholds = np.full((width, len(typed)), never, dtype=np.int64)
        inclusive = np.zeros((width, len(typed)), dtype=bool)
        points = np.zeros((width, len(typed)), dtype=np.int64)
        for column, rule in enumerate(typed):
            for row, band in enumerate(rule.bands):
                thresholds[row, column] = decimal_to_ticks(band.threshold, VALUE_DECIMALS)
                inclusive[row, column] = band.inclusive
                points[row, column] = decimal_to_ticks(band.points, decimals)
        otherwise = np.array(
            [decimal_to_ticks(rule.otherwise, decimals) for rule in typed], dtype=np.int64
        )
        lower = _micro([rule.lower for rule in typed])
        upper = np.array(
            [
                never if rule.upper is None else decimal_to_ticks(rule.upper, VALUE_DECIMALS)
                for rule in typed
            ],
            dtype=np.int64,
        )

        # Values are whole micro units, so "≥ t" is "> t − 1": one comparison per
        # band. Thresholds fall strictly, so hits are nested and the points are
        # ``otherwise`` plus the steps of every band reached (a step is negative
        # where a higher band earns less: lower-is-better rates).
        strict = thresholds - inclusive
        below = np.vstack([points[1:], np.zeros((1, len(typed)), dtype=np.int64)])
        for column, rule in enumerate(typed):
            below[len(rule.bands) - 1, column] = otherwise[column]
        steps = np.where(thresholds == never, 0, points - below)

        def evaluate(micro: Int64Array, _: Int64Array | None) -> Int64Array:
            result = np.broadcast_to(otherwise, micro.shape).copy()
            for row in range(width):
                result += (micro > strict[row]) * steps[row]
            return result

        return _Evaluator(lambda m: (m < lower) | (m > upper), evaluate)


@attrs.frozen
class Proportional(Rule):
    """Points proportional to a rate: maximum × value / ``full_at``.

    Values from ``full_at`` up to ``upper`` (default ``full_at``) earn the maximum;
    values below ``floor`` (when set) earn nothing.
    """

    kind: ClassVar[str] = "proportional"

    full_at: Decimal = HUNDRED
    floor: Decimal | None = None
    upper: Decimal | None = None

    @property
    def accepted_upper(self) -> Decimal:
        return self.full_at if self.upper is None else self.upper

    def takes_rate(self) -> bool:
        return True

    def parameter_problems(self, maximum: Decimal) -> list[str | Message]:
        problems: list[str | Message] = []
        if self.full_at <= 0:
            problems.append(msg("pack.full_at_positive", value=self.full_at))
        if self.floor is not None and not Decimal(0) <= self.floor <= self.full_at:
            problems.append(msg("pack.floor_outside", value=self.floor, full_at=self.full_at))
        if self.upper is not None and self.upper < self.full_at:
            problems.append(msg("pack.upper_below_full", value=self.upper, full_at=self.full_at))
        for name, value in (
            ("full_at", self.full_at),
            ("floor", self.floor),
            ("upper", self.upper),
        ):
            if value is not None:
                problems += _decimals_problem(name, value)
        return problems

    def describe(self, maximum: Decimal, lang: str = "vi") -> str:
        full = fmt_number(self.full_at, lang)
        top = fmt_number(maximum, lang)
        if self.floor is None:
            return text("rules.proportional_describe", lang, maximum=top, full=full)
        floor = fmt_number(self.floor, lang)
        return text("rules.proportional_floor_describe", lang, maximum=top, full=full, floor=floor)

    def expected(self, maximum: Decimal, lang: str = "en") -> str:
        return _range_expected(Decimal(0), self.accepted_upper, lang)

    def accepts(self, value: Decimal, maximum: Decimal) -> bool:
        return Decimal(0) <= value <= self.accepted_upper

    def reference_points(self, value: Decimal, maximum: Decimal, best: Decimal | None) -> Decimal:
        if self.floor is not None and value < self.floor:
            return Decimal(0)
        return maximum * min(value, self.full_at) / self.full_at

    @classmethod
    def evaluator(
        cls, rules: Sequence[Rule], maxima: Int64Array, ticks_per_point: int
    ) -> GroupEvaluator:
        typed = [rule for rule in rules if isinstance(rule, Proportional)]
        full = _micro([rule.full_at for rule in typed])
        floor = _micro([rule.floor if rule.floor is not None else Decimal(0) for rule in typed])
        upper = _micro([rule.accepted_upper for rule in typed])

        def evaluate(micro: Int64Array, _: Int64Array | None) -> Int64Array:
            ticks = mul_div_round(np.minimum(micro, full), maxima, full)
            return np.where(micro < floor, 0, ticks)

        return _Evaluator(lambda m: (m < 0) | (m > upper), evaluate)


@attrs.frozen
class RelativeToBest(Rule):
    """Relative to the group: maximum × value / the best value among the group's units.

    As official rules put it: "tỷ lệ chuẩn hóa = giá trị của đơn vị / giá trị lớn
    nhất trong các đơn vị". When every unit has 0, every unit gets 0.
    """

    kind: ClassVar[str] = "relative_to_best"
    uses_group_best: ClassVar[bool] = True

    def parameter_problems(self, maximum: Decimal) -> list[str | Message]:
        return []

    def describe(self, maximum: Decimal, lang: str = "vi") -> str:
        return text("rules.relative_to_best_describe", lang, maximum=fmt_number(maximum, lang))

    def expected(self, maximum: Decimal, lang: str = "en") -> str:
        return _range_expected(Decimal(0), None, lang)

    def accepts(self, value: Decimal, maximum: Decimal) -> bool:
        return value >= 0

    def reference_points(self, value: Decimal, maximum: Decimal, best: Decimal | None) -> Decimal:
        if best is None or best == 0:
            return Decimal(0)
        return maximum * value / best

    @classmethod
    def evaluator(
        cls, rules: Sequence[Rule], maxima: Int64Array, ticks_per_point: int
    ) -> GroupEvaluator:
        def evaluate(micro: Int64Array, best: Int64Array | None) -> Int64Array:
            if best is None:
                raise ValueError("relative_to_best needs the group's best values")
            safe = np.where(best > 0, best, 1)
            return np.where(best > 0, mul_div_round(micro, maxima, safe), 0)

        return _Evaluator(lambda m: m < 0, evaluate)


@attrs.frozen
class CappedCount(Rule):
    """A fixed amount per item, capped at the maximum ("mỗi ứng dụng 1 điểm, tổng không quá 5")."""

    kind: ClassVar[str] = "capped_count"

    per_item: Decimal

    def parameter_problems(self, maximum: Decimal) -> list[str | Message]:
        if not Decimal(0) < self.per_item <= maximum:
            return [msg("pack.per_item_outside", value=self.per_item, maximum=maximum)]
        return []

    def describe(self, maximum: Decimal, lang: str = "vi") -> str:
        per_item, top = fmt_number(self.per_item, lang), fmt_number(maximum, lang)
        return text("rules.capped_count_describe", lang, per_item=per_item, maximum=top)

    def expected(self, maximum: Decimal, lang: str = "en") -> str:
        return text("rules.count_expected", lang)

    def accepts(self, value: Decimal, maximum: Decimal) -> bool:
        return value >= 0 and value == value.to_integral_value()

    def reference_points(self, value: Decimal, maximum: Decimal, best: Decimal | None) -> Decimal:
        return min(value * self.per_item, maximum)

    @classmethod
    def evaluator(
        cls, rules: Sequence[Rule], maxima: Int64Array, ticks_per_point: int
    ) -> GroupEvaluator:
        decimals = len(str(ticks_per_point)) - 1
        per_item = np.array(
            [decimal_to_ticks(r.per_item, decimals) for r in rules if isinstance(r, CappedCount)],
            dtype=np.int64,
        )
        cap_items = maxima // np.maximum(per_item, 1) + 1

        def evaluate(micro: Int64Array, _: Int64Array | None) -> Int64Array:
            items = np.minimum(micro // VALUE_SCALE, cap_items)
            result: Int64Array = np.minimum(items * per_item, maxima)
            return result

        return _Evaluator(lambda m: (m < 0) | (m % VALUE_SCALE != 0), evaluate)


@attrs.frozen
class SurveyScale(Rule):
    """Survey answers mapped to points.

    ``measure = "mean"``: the mean answer on a ``scale_min``..``scale_max`` scale,
    points = maximum × (mean − min) / (max − min). ``measure = "share"``: the
    percentage of positive answers, points = maximum × share / 100.
    """

    kind: ClassVar[str] = "survey_scale"

    measure: str = "mean"
    scale_min: Decimal = Decimal(1)
    scale_max: Decimal = Decimal(5)

    @property
    def bounds(self) -> tuple[Decimal, Decimal]:
        if self.measure == "share":
            return Decimal(0), HUNDRED
        return self.scale_min, self.scale_max

    def takes_rate(self) -> bool:
        return self.measure == "share"

    def parameter_problems(self, maximum: Decimal) -> list[str | Message]:
        problems: list[str | Message] = []
        if self.measure not in ("mean", "share"):
            problems.append(msg("pack.measure_unknown", found=Found(self.measure)))
        if self.scale_max <= self.scale_min:
            problems.append(msg("pack.scale_empty", low=self.scale_min, high=self.scale_max))
        problems += _decimals_problem("scale_min", self.scale_min)
        problems += _decimals_problem("scale_max", self.scale_max)
        return problems

    def describe(self, maximum: Decimal, lang: str = "vi") -> str:
        low, high = (fmt_number(b, lang) for b in self.bounds)
        top = fmt_number(maximum, lang)
        if self.measure == "share":
            return text("rules.survey_share_describe", lang, maximum=top)
        return text("rules.survey_mean_describe", lang, maximum=top, low=low, high=high)

    def expected(self, maximum: Decimal, lang: str = "en") -> str:
        return _range_expected(*self.bounds, lang)

    def accepts(self, value: Decimal, maximum: Decimal) -> bool:
        low, high = self.bounds
        return low <= value <= high

    def reference_points(self, value: Decimal, maximum: Decimal, best: Decimal | None) -> Decimal:
        low, high = self.bounds
        return maximum * (value - low) / (high - low)

    @classmethod
    def evaluator(
        cls, rules: Sequence[Rule], maxima: Int64Array, ticks_per_point: int
    ) -> GroupEvaluator:
        typed = [rule for rule in rules if isinstance(rule, SurveyScale)]
        low = _micro([rule.bounds[0] for rule in typed])
        high = _micro([rule.bounds[1] for rule in typed])
        return _Evaluator(
            lambda m: (m < low) | (m > high),
            lambda m, _: mul_div_round(m - low, maxima, high - low),
        )
