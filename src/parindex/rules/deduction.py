"""Points deducted per item: "mỗi văn bản chậm trừ 0,25 điểm, trừ tối đa 1 điểm"."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar

import attrs
import numpy as np

from parindex.fixedpoint import VALUE_SCALE, Int64Array, decimal_to_ticks
from parindex.messages import Message, msg, text
from parindex.rules.base import GroupEvaluator, Rule, fmt_number
from parindex.rules.numeric import _Evaluator


@attrs.frozen
class PerItemDeduction(Rule):
    """The maximum, less ``per_item`` for each item counted, less at most ``cap``.

    The input is the number of items (late documents, complaints, …). Points
    never fall below the maximum minus ``cap`` (without a cap, below 0). ``item``
    names what is counted, as the official wording does ("văn bản chậm").
    """

    kind: ClassVar[str] = "per_item_deduction"

    per_item: Decimal
    cap: Decimal | None = None
    item: str = ""

    @property
    def monotone(self) -> bool:
        return False  # more items counted, fewer points

    def lowest(self, maximum: Decimal) -> Decimal:
        """The fewest points the rule gives."""
        return maximum - min(maximum, self.cap if self.cap is not None else maximum)

    def parameter_problems(self, maximum: Decimal) -> list[str | Message]:
        problems: list[str | Message] = []
        if not Decimal(0) < self.per_item <= maximum:
            problems.append(msg("pack.per_item_outside", value=self.per_item, maximum=maximum))
        if self.cap is not None and not Decimal(0) < self.cap <= maximum:
            problems.append(msg("pack.deduction_cap_outside", value=self.cap, maximum=maximum))
        return problems

    def describe(self, maximum: Decimal, lang: str = "vi") -> str:
        item = self.item or text("rules.deduction_item", lang)
        per_item = fmt_number(self.per_item, lang)
        if self.cap is None:
            return text("rules.deduction_describe", lang, item=item, per_item=per_item)
        cap = fmt_number(self.cap, lang)
        return text("rules.deduction_capped_describe", lang, item=item, per_item=per_item, cap=cap)

    def expected(self, maximum: Decimal, lang: str = "en") -> str:
        return "a whole count of at least 0"

    def accepts(self, value: Decimal, maximum: Decimal) -> bool:
        return value >= 0 and value == value.to_integral_value()

    def reference_points(self, value: Decimal, maximum: Decimal, best: Decimal | None) -> Decimal:
        return max(maximum - value * self.per_item, self.lowest(maximum))

    @classmethod
    def evaluator(
        cls, rules: Sequence[Rule], maxima: Int64Array, ticks_per_point: int
    ) -> GroupEvaluator:
        decimals = len(str(ticks_per_point)) - 1
        typed = [rule for rule in rules if isinstance(rule, PerItemDeduction)]
        per_item = np.array([decimal_to_ticks(r.per_item, decimals) for r in typed], dtype=np.int64)
        lowest = np.array(
            [
                0 if r.cap is None else max(0, int(m) - decimal_to_ticks(r.cap, decimals))
                for r, m in zip(typed, maxima.tolist(), strict=True)
            ],
            dtype=np.int64,
        )
        # Counting beyond this many items changes nothing (and keeps products small).
        enough = maxima // np.maximum(per_item, 1) + 1

        def evaluate(micro: Int64Array, _: Int64Array | None) -> Int64Array:
            items = np.minimum(micro // VALUE_SCALE, enough)
            result: Int64Array = np.maximum(maxima - items * per_item, lowest)
            return result

        return _Evaluator(lambda m: (m < 0) | (m % VALUE_SCALE != 0), evaluate)
