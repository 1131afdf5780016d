"""Survey points per unit and leaf, with the counts and figures behind them."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs
import numpy as np

from parindex.errors import ParIndexError
from parindex.fixedpoint import BoolArray, Int64Array, ticks_to_decimal
from parindex.messages import Found
from parindex.survey.exact import USED_NOT, Int8Array, exact_share
from parindex.survey.model import SurveyDefinition
from parindex.survey.plan import LeafPlan, SurveyPlan

if TYPE_CHECKING:
    from openpyxl import Workbook

    from parindex.compiled import CompiledPack
    from parindex.inputs import ScoringInput


def fraction_to_decimal(value: Fraction, places: int) -> Decimal:
    """An exact fraction rounded half up to ``places`` decimals (for showing figures)."""
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@attrs.frozen(eq=False)
class LeafSurvey:
    """One leaf: counts per (unit, respondent group), how each group counted, and the points."""

    plan: LeafPlan
    #: Valid answers (all the leaf's questions together), (units × groups).
    valid: Int64Array
    #: Sum of the valid answers' integer values (see :class:`LeafPlan`), (units × groups).
    total: Int64Array
    #: Blank answers of groups asked the questions, (units × groups).
    blank: Int64Array
    #: "Not an answer" kinds, (units × groups × kinds) in the definition's order.
    not_answer: Int64Array
    #: Every unit together, per group (the figure the ``group_mean`` policy uses).
    pooled_valid: Int64Array
    pooled_total: Int64Array
    #: How each group counted: 0 not, 1 its own answers, 2 the figure of all units.
    used: Int8Array
    excluded: BoolArray
    status: Int8Array
    #: Points in ticks (0 where excluded).
    points: Int64Array
    #: Multi-select leaves: ticks of each of the scale's options per unit (all groups).
    ticks: Int64Array | None = None

    @property
    def code(self) -> str:
        return self.plan.code

    def share(self, row: int) -> Fraction | None:
        """The unit's normalised figure (0..1) as an exact fraction; None when nothing counted."""
        if self.excluded[row] or not (self.used[row] != USED_NOT).any():
            return None
        return exact_share(
            self.plan,
            self.used[row],
            self.valid[row],
            self.total[row],
            self.pooled_valid,
            self.pooled_total,
        )

    def group_share(self, row: int, group: int) -> Fraction | None:
        """One group's own normalised figure in the unit (None without valid answers)."""
        valid = int(self.valid[row, group])
        if valid == 0:
            return None
        return Fraction(int(self.total[row, group]), valid * self.plan.scale_range)

    def figure(self, row: int) -> Fraction | None:
        """The mean on the scale, or the share in %, that gave the points."""
        share = self.share(row)
        return None if share is None else self.plan.figure(share)


@attrs.frozen(eq=False)
class SurveyPoints:
    """What :func:`parindex.survey.aggregate` returns: per-unit leaf points plus counts."""

    plan: SurveyPlan
    units: tuple[str, ...]
    #: Questionnaires per (unit, respondent group).
    questionnaires: Int64Array
    leaves: tuple[LeafSurvey, ...]
    _positions: dict[str, int] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_positions", {u: i for i, u in enumerate(self.units)})

    @property
    def definition(self) -> SurveyDefinition:
        return self.plan.definition

    @property
    def point_decimals(self) -> int:
        return self.plan.point_decimals

    @property
    def leaf_codes(self) -> tuple[str, ...]:
        return tuple(leaf.code for leaf in self.leaves)

    def position(self, unit: str) -> int:
        try:
            return self._positions[unit]
        except KeyError:
            raise ParIndexError("survey.no_such_unit", unit=Found(unit)) from None

    def leaf(self, code: str) -> LeafSurvey:
        for leaf in self.leaves:
            if leaf.code == code:
                return leaf
        raise ParIndexError("survey.no_such_leaf", code=Found(code))

    def points(self, unit: str, code: str) -> Decimal | None:
        """Survey points of a unit's leaf (None: excluded from the unit's maximum)."""
        leaf = self.leaf(code)
        row = self.position(unit)
        if leaf.excluded[row]:
            return None
        return ticks_to_decimal(int(leaf.points[row]), self.point_decimals)

    def figure(self, unit: str, code: str, places: int = 2) -> Decimal | None:
        """The mean (on the scale) or share (%) behind a unit's points, rounded for showing."""
        value = self.leaf(code).figure(self.position(unit))
        return None if value is None else fraction_to_decimal(value, places)

    def points_matrix(self) -> tuple[Int64Array, BoolArray]:
        """(units × leaves) points in ticks and the excluded mask, in ``leaf_codes`` order."""
        points = np.stack([leaf.points for leaf in self.leaves], axis=1)
        excluded = np.stack([leaf.excluded for leaf in self.leaves], axis=1)
        return points, excluded

    def for_units(self, units: Sequence[str]) -> SurveyPoints:
        """The same points with the units in ``units``' order (each must be present)."""
        rows = np.array([self.position(u) for u in units], dtype=np.int64)
        leaves = tuple(
            attrs.evolve(
                leaf,
                valid=leaf.valid[rows],
                total=leaf.total[rows],
                blank=leaf.blank[rows],
                not_answer=leaf.not_answer[rows],
                used=leaf.used[rows],
                excluded=leaf.excluded[rows],
                status=leaf.status[rows],
                points=leaf.points[rows],
                ticks=None if leaf.ticks is None else leaf.ticks[rows],
            )
            for leaf in self.leaves
        )
        return SurveyPoints(self.plan, tuple(units), self.questionnaires[rows], leaves)

    def add_sheet(self, book: Workbook, lang: str = "vi") -> None:
        """Add the survey sheet (points, figures, counts per unit and leaf) to a workbook."""
        from parindex.survey.tables import add_survey_sheet

        add_survey_sheet(book, self, lang)

    def into_input(
        self, compiled: CompiledPack, data: ScoringInput
    ) -> tuple[CompiledPack, ScoringInput, SurveyPoints]:
        """The pack, input and points (in the input's unit order) :func:`parindex.score` uses."""
        from parindex.survey.combine import combine

        return combine(self, compiled, data)
