"""Rules whose input is a choice: achieved / not achieved, and named levels."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar

import attrs
import numpy as np

from parindex.fixedpoint import VALUE_SCALE, BoolArray, Int64Array, decimal_to_ticks
from parindex.messages import Found, Message, msg, text
from parindex.rules.base import GroupEvaluator, Rule, fmt_number, normalise_label

#: How appendices name the two cases of a pass/fail criterion; the wording reader
#: (:mod:`parindex.wording`) makes an achieved rule of exactly these.
ACHIEVED_WORDS = ("đạt", "đạt yêu cầu", "có")
NOT_ACHIEVED_WORDS = (
    "không đạt",
    "không đạt yêu cầu",
    "chưa đạt",
    "chưa đạt yêu cầu",
    "không",
    "không có",
)
_YES = frozenset({"1", "x", "yes", "true", "achieved", *ACHIEVED_WORDS})
_NO = frozenset({"0", "no", "false", "not achieved", *NOT_ACHIEVED_WORDS})


@attrs.frozen
class Achieved(Rule):
    """Đạt / không đạt: the full maximum when achieved, zero otherwise. Input 1 or 0."""

    kind: ClassVar[str] = "achieved"

    def parameter_problems(self, maximum: Decimal) -> list[str | Message]:
        return []

    def describe(self, maximum: Decimal, lang: str = "vi") -> str:
        return text("rules.achieved_describe", lang, maximum=fmt_number(maximum, lang))

    def expected(self, maximum: Decimal, lang: str = "en") -> str:
        return text("rules.achieved_expected", lang)

    def accepts(self, value: Decimal, maximum: Decimal) -> bool:
        return value in (0, 1)

    def reference_points(self, value: Decimal, maximum: Decimal, best: Decimal | None) -> Decimal:
        return maximum if value == 1 else Decimal(0)

    def encode(self, raw: object) -> float:
        if isinstance(raw, bool):
            return 1.0 if raw else 0.0
        if isinstance(raw, str):
            label = normalise_label(raw)
            if label in _YES:
                return 1.0
            if label in _NO:
                return 0.0
        if isinstance(raw, int | float | Decimal) and raw in (0, 1):
            return float(raw)
        raise ValueError(self.expected(Decimal(0)))

    @classmethod
    def evaluator(
        cls, rules: Sequence[Rule], maxima: Int64Array, ticks_per_point: int
    ) -> GroupEvaluator:
        return _AchievedEvaluator(maxima)


class _AchievedEvaluator(GroupEvaluator):
    def __init__(self, maxima: Int64Array) -> None:
        self._maxima = maxima

    def invalid(self, micro: Int64Array) -> BoolArray:
        bad: BoolArray = (micro != 0) & (micro != VALUE_SCALE)
        return bad

    def points(self, micro: Int64Array, best: Int64Array | None) -> Int64Array:
        return np.where(micro == VALUE_SCALE, self._maxima, 0)


@attrs.frozen
class Level:
    label: str
    points: Decimal


@attrs.frozen
class Levels(Rule):
    """Named levels, e.g. ban hành kịp thời 1; không kịp thời 0,5; không ban hành 0.

    The numeric input is the level's position in ``levels`` (0 = first); entries
    may also give the label itself.
    """

    kind: ClassVar[str] = "levels"

    levels: tuple[Level, ...]

    @property
    def monotone(self) -> bool:
        return False  # the input is a level's position, not a measure

    def parameter_problems(self, maximum: Decimal) -> list[str | Message]:
        problems: list[str | Message] = []
        if len(self.levels) < 2:
            problems.append(msg("pack.levels_too_few"))
        labels = [normalise_label(level.label) for level in self.levels]
        if len(set(labels)) != len(labels):
            problems.append(msg("pack.levels_not_distinct"))
        for level in self.levels:
            if not Decimal(0) <= level.points <= maximum:
                problems.append(
                    msg(
                        "pack.level_outside",
                        label=Found(level.label),
                        points=level.points,
                        maximum=maximum,
                    )
                )
        if self.levels and max(level.points for level in self.levels) != maximum:
            problems.append(msg("pack.levels_no_maximum", maximum=maximum))
        return problems

    def describe(self, maximum: Decimal, lang: str = "vi") -> str:
        return "; ".join(f"{lv.label}: {fmt_number(lv.points, lang)}" for lv in self.levels)

    def expected(self, maximum: Decimal, lang: str = "en") -> str:
        labels = ", ".join(level.label for level in self.levels)
        return text("rules.levels_expected", lang, levels=labels)

    def accepts(self, value: Decimal, maximum: Decimal) -> bool:
        return value == value.to_integral_value() and 0 <= value < len(self.levels)

    def reference_points(self, value: Decimal, maximum: Decimal, best: Decimal | None) -> Decimal:
        return self.levels[int(value)].points

    def encode(self, raw: object) -> float:
        if isinstance(raw, str):
            wanted = normalise_label(raw)
            for position, level in enumerate(self.levels):
                if normalise_label(level.label) == wanted:
                    return float(position)
        raise ValueError(self.expected(Decimal(0)))

    @classmethod
    def evaluator(
        cls, rules: Sequence[Rule], maxima: Int64Array, ticks_per_point: int
    ) -> GroupEvaluator:
        typed = [rule for rule in rules if isinstance(rule, Levels)]
        width = max(len(rule.levels) for rule in typed)
        table = np.zeros((len(typed), width), dtype=np.int64)
        counts = np.array([len(rule.levels) for rule in typed], dtype=np.int64)
        decimals = len(str(ticks_per_point)) - 1
        for row, rule in enumerate(typed):
            for column, level in enumerate(rule.levels):
                table[row, column] = decimal_to_ticks(level.points, decimals)
        return _LevelsEvaluator(table, counts)


class _LevelsEvaluator(GroupEvaluator):
    def __init__(self, table: Int64Array, counts: Int64Array) -> None:
        self._table = table
        self._counts = counts
        self._flat = table.ravel()
        self._offsets = np.arange(len(counts), dtype=np.int64) * table.shape[1]

    def invalid(self, micro: Int64Array) -> BoolArray:
        whole = micro % VALUE_SCALE == 0
        position = micro // VALUE_SCALE
        bad: BoolArray = ~whole | (position < 0) | (position >= self._counts[None, :])
        return bad

    def points(self, micro: Int64Array, best: Int64Array | None) -> Int64Array:
        position = micro // VALUE_SCALE
        np.minimum(position, self._table.shape[1] - 1, out=position)
        np.maximum(position, 0, out=position)
        position += self._offsets
        points: Int64Array = self._flat.take(position)
        return points
