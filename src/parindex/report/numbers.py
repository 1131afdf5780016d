"""Number formatting for reports: Vietnamese (79,60 %) or plain (79.60%).

Figures arrive as exact ``Decimal`` values already rounded by the pack's rule;
formatting fixes the number of places and the separators, and where a figure has
more places (a mean) rounds it in the pack's mode (``Numbers.mode``) through
:func:`~parindex.fixedpoint.quantize_decimal`, so the printed figure is the one
that ranked the unit. A zero is never printed with a minus sign.
"""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from parindex.fixedpoint import quantize_decimal
from parindex.labels import places_of

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
    """Formats figures in one style; ``None`` prints as a dash. ``mode``: the pack's
    rounding mode, for a figure with more places than shown."""

    style: NumberFormat = NumberFormat.VI
    mode: str = "half_up"

    def number(self, value: Decimal | int | None, decimals: int) -> str:
        if value is None:
            return DASH
        fixed = quantize_decimal(Decimal(value), decimals, self.mode)  # no "-0,00"
        if self.style is NumberFormat.PLAIN:
            return f"{fixed:.{decimals}f}".replace("-", MINUS)
        text = f"{fixed:,.{decimals}f}"
        swapped = text.translate(_SWAP)
        return swapped.replace("-", MINUS)

    def exact(self, value: Decimal | None, decimals: int) -> str:
        """An exact figure (a maximum, lost points): ``decimals`` places or the more it has."""
        if value is None:
            return DASH
        return self.number(value, places_of(value, decimals))

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
