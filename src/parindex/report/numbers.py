"""Number formatting for reports: Vietnamese (79,60 %) or plain (79.60%).

Figures arrive as exact ``Decimal`` values already rounded by the pack's rule;
formatting only fixes the number of places (half up) and the separators, so
the printed figure is the one that ranked the unit.
"""

from __future__ import annotations

import enum
from decimal import ROUND_HALF_UP, Decimal

import attrs

NBSP = "\u00a0"
MINUS = "\u2212"
DASH = "\u2014"
_SWAP = str.maketrans(",.", ".,")


class NumberFormat(enum.Enum):
    """``vi``: decimal comma, dot thousands, "79,60 %"; ``plain``: "79.60%", no grouping."""

    VI = "vi"
    PLAIN = "plain"

    @classmethod
    def resolve(cls, value: NumberFormat | str | None, lang: str) -> NumberFormat:
        """``None`` or ``"auto"`` follows the report language (Vietnamese → ``vi``)."""
        if isinstance(value, NumberFormat):
            return value
        if value is None or value == "auto":
            return cls.VI if lang == "vi" else cls.PLAIN
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"unknown number format {value!r}: use vi, plain or auto") from None


@attrs.frozen
class Numbers:
    """Formats figures in one style; ``None`` prints as a dash."""

    style: NumberFormat = NumberFormat.VI

    def number(self, value: Decimal | int | None, decimals: int) -> str:
        if value is None:
            return DASH
        fixed = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        if fixed == 0:
            fixed = abs(fixed)  # no "-0,00"
        if self.style is NumberFormat.PLAIN:
            return f"{fixed:.{decimals}f}".replace("-", MINUS)
        text = f"{fixed:,.{decimals}f}"
        swapped = text.translate(_SWAP)
        return swapped.replace("-", MINUS)

    def percent(self, value: Decimal | None, decimals: int) -> str:
        if value is None:
            return DASH
        sep = NBSP if self.style is NumberFormat.VI else ""
        return f"{self.number(value, decimals)}{sep}%"

    def signed(self, value: Decimal | int | None, decimals: int) -> str:
        """A change with its sign: +1,25 / −0,50 / 0,00."""
        if value is None:
            return DASH
        text = self.number(value, decimals)
        return f"+{text}" if Decimal(value) > 0 else text
