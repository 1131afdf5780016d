"""The contract every scoring rule kind fulfils.

A rule kind is a frozen attrs class with a ``kind`` tag (the cattrs tagged-union
discriminator). It provides a plain scalar reference on ``Decimal`` (what the
tests trust) and a vectorised evaluator over a whole (units × leaves) block of
the leaves that share its kind (what production runs). Plugins add kinds by
registering such classes; the core never names a kind.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar

from parindex.fixedpoint import BoolArray, Int64Array
from parindex.grammar import label_key, number_from_value
from parindex.messages import Message


def fmt_number(value: Decimal, lang: str = "vi") -> str:
    """Format an official figure the way the documents print it (0,5 in Vietnamese)."""
    text = format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "vi" else text


def normalise_label(text: str) -> str:
    """Compare labels the way a person reads them: NFC, case-folded, single spaces."""
    return label_key(text)


def read_number(raw: object) -> float:
    """Read a number by the entry grammar (int, float, Decimal, numpy scalar or text such as
    "0,5"); never a boolean. Raises :class:`~parindex.grammar.EntryError` (a ValueError)."""
    return float(number_from_value(raw))


class GroupEvaluator(abc.ABC):
    """Vectorised evaluation of all leaves of one rule kind.

    ``micro`` is a (units × k) int64 block of input values at 10**-6 resolution;
    results are (units × k) int64 ticks. Implementations must not loop over units.
    """

    @abc.abstractmethod
    def invalid(self, micro: Int64Array) -> BoolArray:
        """True where a value lies outside what the rule accepts."""

    @abc.abstractmethod
    def points(self, micro: Int64Array, best: Int64Array | None) -> Int64Array:
        """Points in ticks. ``best`` is the group's best value per column, when needed."""


class Rule(abc.ABC):
    """Base of every rule kind (a tagged union member)."""

    kind: ClassVar[str]
    #: Points depend on the best value in the unit's group (relative rules).
    uses_group_best: ClassVar[bool] = False

    @property
    def monotone(self) -> bool:
        """Whether a higher value never gives the unit fewer points.

        True for most kinds; False for named levels, per-item deductions and
        bands where lower values earn more (error or late rates). Code that
        "improves" an entry by raising it must check this first.
        """
        return True

    @abc.abstractmethod
    def parameter_problems(self, maximum: Decimal) -> list[str | Message]:
        """Problems with the rule's parameters for a leaf of this maximum (catalogue messages)."""

    @abc.abstractmethod
    def describe(self, maximum: Decimal, lang: str = "vi") -> str:
        """The rule in words, as an official table would print it."""

    @abc.abstractmethod
    def expected(self, maximum: Decimal, lang: str = "en") -> str:
        """What values are accepted, for error messages."""

    @abc.abstractmethod
    def accepts(self, value: Decimal, maximum: Decimal) -> bool:
        """Scalar twin of :meth:`GroupEvaluator.invalid` (negated)."""

    @abc.abstractmethod
    def reference_points(self, value: Decimal, maximum: Decimal, best: Decimal | None) -> Decimal:
        """Exact, unrounded points: the plain reference the tests compare against."""

    @classmethod
    @abc.abstractmethod
    def evaluator(
        cls, rules: Sequence[Rule], maxima: Int64Array, ticks_per_point: int
    ) -> GroupEvaluator:
        """Compile all leaves of this kind into one vectorised evaluator."""

    def takes_rate(self) -> bool:
        """Whether entries are rates in percent, so that "85 %" may be typed for 85."""
        return False

    def encode(self, raw: object) -> float:
        """Turn a raw entry (a number, a label, a boolean) into the numeric input value.

        Raises ValueError with the accepted values when the entry cannot be read.
        """
        return read_number(raw)
