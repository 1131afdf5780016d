"""The survey definition model: questions, answer scales, respondent groups, leaves.

A survey definition (phiếu điều tra xã hội học) says what was asked, which
answers count and how they become the points of a pack's survey leaves. It is
data, written by the province from its own questionnaire, exactly as a
criteria pack is: frozen attrs classes, read from TOML with cattrs
(:mod:`parindex.survey.definition`), checked all at once
(:mod:`parindex.survey.validation`).
"""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs


class ScaleKind(enum.Enum):
    """What an answer scale is."""

    #: Ordered options with numeric values (Rất tốt 5 … Kém 1).
    ORDINAL = "ordinal"
    #: Có / Không (values 1 and 0).
    YES_NO = "yes_no"
    #: Options without an order (one of several channels, services …).
    CHOICE = "choice"
    #: Options without an order of which several may be ticked ("có thể chọn nhiều");
    #: a respondent's ticks are one bit mask, so at most 63 options.
    MULTI = "multi"


class Measure(enum.Enum):
    """How a leaf turns its valid answers into a figure."""

    #: Mean of the answers normalised to 0..1 on their scale.
    MEAN = "mean"
    #: Share of answers at or above a level (or among the listed options); on a multi
    #: scale, the share of respondents who ticked any (or, with ``all_of``, all) of them.
    SHARE = "share"
    #: Multi scales: mean number of ``positive`` options ticked, over their number (0..1).
    COUNT = "count"


class BelowMinimum(enum.Enum):
    """What happens when a unit (or one of its respondent groups) has too few valid answers."""

    #: Reported as an error naming the unit, leaf, group and counts.
    ERROR = "error"
    #: The leaf is excluded from the unit's maximum (like "không phát sinh", excluded).
    EXCLUDE = "exclude"
    #: The figure of all units together replaces the unit's own (per respondent group).
    GROUP_MEAN = "group_mean"
    #: Respondent groups only: the group is left out and the other groups' weights rescaled.
    REWEIGHT = "reweight"


class SurveyKind(enum.Enum):
    """What a definition's leaves are."""

    #: Leaves are survey leaves of a criteria pack (the PAR Index's survey points).
    PAR_INDEX = "par_index"
    #: Leaves are indicators of their own (a satisfaction index published beside the PAR Index).
    SATISFACTION = "satisfaction"


@attrs.frozen
class Option:
    """One answer option of a scale; ``value`` is its number on an ordinal scale."""

    label: str
    value: Decimal | None = None
    #: Other spellings accepted in answer files (compared like labels).
    aliases: tuple[str, ...] = ()


@attrs.frozen
class Scale:
    """An answer scale. ``low``/``high`` bound the normalisation (default: lowest/highest value)."""

    id: str
    kind: ScaleKind = ScaleKind.ORDINAL
    options: tuple[Option, ...] = ()
    low: Decimal | None = None
    high: Decimal | None = None
    #: Multi scales: the marks that separate ticked options in one cell (one character
    #: each, never inside an option's spelling); none declared: a cell holds one option.
    separators: tuple[str, ...] = ()

    @property
    def resolved_options(self) -> tuple[Option, ...]:
        """The options, with yes/no's default Có (1) and Không (0) when none are given."""
        if self.kind is ScaleKind.YES_NO and not self.options:
            return (
                Option("Có", Decimal(1), ("co", "yes")),
                Option("Không", Decimal(0), ("khong", "no")),
            )
        return self.options

    @property
    def bounds(self) -> tuple[Decimal, Decimal]:
        """Normalisation bounds of an ordinal or yes/no scale."""
        values = [o.value for o in self.resolved_options if o.value is not None]
        low = self.low if self.low is not None else min(values, default=Decimal(0))
        high = self.high if self.high is not None else max(values, default=Decimal(1))
        return low, high


@attrs.frozen
class RespondentGroup:
    """A group of respondents (lãnh đạo, công chức, người dân, doanh nghiệp …) and its weight."""

    id: str
    name: str
    weight: Decimal = Decimal(1)
    aliases: tuple[str, ...] = ()


@attrs.frozen
class NotAnswer:
    """An answer that is not one ("Không biết", "Không trả lời"): excluded and counted."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()


def default_not_answers() -> tuple[NotAnswer, ...]:
    return (
        NotAnswer("khong-biet", "Không biết", ("kb", "không rõ")),
        NotAnswer("khong-tra-loi", "Không trả lời", ("ktl",)),
    )


@attrs.frozen
class Question:
    """A question of the questionnaire; ``groups`` are the groups asked (empty: all)."""

    code: str
    text: str
    scale: str
    groups: tuple[str, ...] = ()


@attrs.frozen
class Band:
    """Points when the leaf's figure is above ``threshold`` (at or above when inclusive)."""

    threshold: Decimal
    points: Decimal
    inclusive: bool = True


@attrs.frozen
class Policy:
    """Minimum valid answers and what happens below them; each leaf may override."""

    #: Valid answers a unit needs for the leaf (all its respondent groups together).
    min_answers: int = 30
    #: Valid answers a respondent group of a unit needs.
    min_group_answers: int = 5
    below_minimum: BelowMinimum = BelowMinimum.EXCLUDE
    group_below_minimum: BelowMinimum = BelowMinimum.REWEIGHT


@attrs.frozen
class Leaf:
    """How one leaf's points come from answers.

    ``mean``: points = maximum × weighted mean of normalised answers; ``share``:
    points = maximum × weighted share of answers at or above ``at_least`` (or
    among ``positive``; on a multi scale: of respondents who ticked any of
    ``positive``, or all of them with ``all_of``); ``count`` (multi scales):
    points = maximum × weighted mean number of ``positive`` options ticked over
    their number. With ``bands``, the figure (the mean on the scale, or
    the share in %) picks the points instead. ``weights`` override the
    definition's group weights for this leaf; unset policy fields take the
    definition's.
    """

    code: str
    questions: tuple[str, ...]
    measure: Measure = Measure.MEAN
    at_least: str | None = None
    positive: tuple[str, ...] = ()
    #: Multi scales with ``share``: a respondent counts when every positive option is ticked.
    all_of: bool = False
    weights: dict[str, Decimal] | None = None
    bands: tuple[Band, ...] = ()
    otherwise: Decimal = Decimal(0)
    min_answers: int | None = None
    min_group_answers: int | None = None
    below_minimum: BelowMinimum | None = None
    group_below_minimum: BelowMinimum | None = None
    #: Needed for satisfaction indicators; taken from the pack for a pack's leaves.
    title: str = ""
    maximum: Decimal | None = None


@attrs.frozen
class SurveyDefinition:
    """A questionnaire and how its answers become points of a pack's survey leaves."""

    id: str
    title: str
    version: str
    groups: tuple[RespondentGroup, ...]
    scales: tuple[Scale, ...]
    questions: tuple[Question, ...]
    leaves: tuple[Leaf, ...]
    kind: SurveyKind = SurveyKind.PAR_INDEX
    #: The criteria pack whose survey leaves this feeds (or beside which it is shown).
    pack: str = ""
    not_answers: tuple[NotAnswer, ...] = attrs.field(factory=default_not_answers)
    policy: Policy = attrs.field(factory=Policy)
    #: Precision of points when no pack gives it (10**-point_decimals of a point).
    point_decimals: int = 4
    #: Column headers of answer files that are not answers and are skipped (e.g. a timestamp).
    ignored_columns: tuple[str, ...] = ()
    synthetic: bool = False
    description: str = ""
    #: Where the questionnaire comes from (a decision, a plan), or why it is a draft.
    source: str = ""
    #: The file it was read from, which locates its problems (not a key of the file).
    file: str = attrs.field(default="", eq=False, repr=False, kw_only=True)

    def group(self, group_id: str) -> RespondentGroup:
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(group_id)

    def scale(self, scale_id: str) -> Scale:
        for scale in self.scales:
            if scale.id == scale_id:
                return scale
        raise KeyError(scale_id)

    def question(self, code: str) -> Question:
        for question in self.questions:
            if question.code == code:
                return question
        raise KeyError(code)

    def leaf(self, code: str) -> Leaf:
        for leaf in self.leaves:
            if leaf.code == code:
                return leaf
        raise KeyError(code)

    def leaf_policy(self, leaf: Leaf) -> Policy:
        """The leaf's policy: its own fields where set, the definition's otherwise."""
        base = self.policy
        return Policy(
            base.min_answers if leaf.min_answers is None else leaf.min_answers,
            base.min_group_answers if leaf.min_group_answers is None else leaf.min_group_answers,
            base.below_minimum if leaf.below_minimum is None else leaf.below_minimum,
            (
                base.group_below_minimum
                if leaf.group_below_minimum is None
                else leaf.group_below_minimum
            ),
        )

    def leaf_weights(self, leaf: Leaf) -> dict[str, Decimal]:
        """The leaf's group weights (its own, or the definition's), zero weights dropped."""
        if leaf.weights is not None:
            return {g: w for g, w in leaf.weights.items() if w != 0}
        return {g.id: g.weight for g in self.groups if g.weight != 0}
