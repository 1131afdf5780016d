"""The rule a survey leaf carries once its points come from a survey definition.

Scoring with survey answers (``score(..., survey=points)``) swaps each covered
leaf's rule for this one: its input is the points the survey aggregation
computed (exact ticks), so the scorer adds them as they are, and every output
that prints rules says where the points came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar

import attrs

from parindex.fixedpoint import VALUE_SCALE, BoolArray, Int64Array
from parindex.messages import Found, Message, text
from parindex.rules.base import GroupEvaluator, Rule, fmt_number
from parindex.rules.numeric import Direct


class _Evaluator(GroupEvaluator):
    """Direct points that must also be whole ticks (survey points are exact ticks)."""

    def __init__(self, direct: GroupEvaluator, per_tick: int) -> None:
        self._direct = direct
        self._per_tick = per_tick

    def invalid(self, micro: Int64Array) -> BoolArray:
        bad: BoolArray = self._direct.invalid(micro) | (micro % self._per_tick != 0)
        return bad

    def points(self, micro: Int64Array, best: Int64Array | None) -> Int64Array:
        return self._direct.points(micro, best)


@attrs.frozen
class SurveyAnswers(Rule):
    """Points aggregated from raw survey answers by the definition ``survey``."""

    kind: ClassVar[str] = "survey_answers"

    survey: str
    #: ``mean`` or ``share`` (how the definition aggregates this leaf), for descriptions.
    measure: str = "mean"
    questions: tuple[str, ...] = ()

    def parameter_problems(self, maximum: Decimal) -> list[str | Message]:
        return []

    def describe(self, maximum: Decimal, lang: str = "vi") -> str:
        return text(
            f"survey.rule_{'share' if self.measure == 'share' else 'mean'}",
            lang,
            survey=Found(self.survey),
            maximum=fmt_number(maximum, lang),
            questions=", ".join(self.questions),
        )

    def expected(self, maximum: Decimal, lang: str = "en") -> str:
        return text("survey.rule_expected", lang, maximum=fmt_number(maximum, lang))

    def accepts(self, value: Decimal, maximum: Decimal) -> bool:
        return Decimal(0) <= value <= maximum

    def reference_points(self, value: Decimal, maximum: Decimal, best: Decimal | None) -> Decimal:
        return value

    @classmethod
    def evaluator(
        cls, rules: Sequence[Rule], maxima: Int64Array, ticks_per_point: int
    ) -> GroupEvaluator:
        direct = Direct.evaluator(rules, maxima, ticks_per_point)
        return _Evaluator(direct, VALUE_SCALE // ticks_per_point)
