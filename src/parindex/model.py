"""The typed criteria model: packs, nodes and their metadata.

Everything here is a frozen attrs class: a pack, once loaded, cannot change
under a running score. Rules live in :mod:`parindex.rules`; (un)structuring in
:mod:`parindex.serialization`; checks in :mod:`parindex.validation`. The tree
arithmetic every layer needs (a node's known maximum, how deep a pack can be
scored) lives here too, so that nothing here imports a layer above the model.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from decimal import Decimal

import attrs

from parindex.fixedpoint import quantize_decimal
from parindex.rules.base import Rule


class PointsSource(enum.Enum):
    """Where a criterion's points come from; inherited down the tree."""

    #: Self-assessment checked by the appraisal body (tự đánh giá, thẩm định).
    SELF_ASSESSMENT = "self_assessment"
    #: Sociological survey of officials, citizens and businesses (điều tra XHH).
    SURVEY = "survey"


class UnitGroup(enum.Enum):
    """The kind of unit a pack scores; units are ranked within their group."""

    PROVINCE = "province"
    MINISTRY = "ministry"
    DEPARTMENT = "department"
    PUBLIC_SERVICE_UNIT = "public_service_unit"
    CENTRAL_AGENCY = "central_agency"
    DISTRICT = "district"
    COMMUNE = "commune"


class NotApplicable(enum.Enum):
    """What "không phát sinh" (nothing arose this year) means for a leaf."""

    NOT_ALLOWED = "not_allowed"
    FULL_POINTS = "full_points"
    EXCLUDED = "excluded"
    ZERO = "zero"


class ProvenanceStatus(enum.Enum):
    """How sure a figure is: read in an official text, a draft, the press, computed, …"""

    OFFICIAL = "official"
    #: Read in a draft (dự thảo), e.g. seed 001, Sóc Trăng's 2022 draft decision.
    DRAFT = "draft"
    DERIVED = "derived"
    REPORTED = "reported"
    MISSING = "missing"
    SYNTHETIC = "synthetic"


@attrs.frozen
class LegalBasis:
    """A document the pack rests on (số hiệu văn bản, date).

    ``date`` holds a full date; when the source gives only the month and year,
    or only the year, they go in ``month`` and ``year`` and ``date`` stays None.
    """

    number: str
    date: dt.date | None = None
    title: str = ""
    issuer: str = ""
    url: str = ""
    year: int | None = None
    month: int | None = None

    def when(self) -> str:
        """The date as officials write it: 30/12/2019, 12/2019, 2019, or "" when unknown."""
        if self.date is not None:
            return f"{self.date:%d/%m/%Y}"
        if self.year is not None and self.month is not None:
            return f"{self.month:02d}/{self.year}"
        return "" if self.year is None else str(self.year)


@attrs.frozen
class Provenance:
    """Where a node's figures come from, and how sure we are."""

    document: str
    status: ProvenanceStatus = ProvenanceStatus.OFFICIAL
    section: str = ""
    url: str = ""
    note: str = ""


@attrs.frozen
class YearRange:
    first: int
    last: int | None = None

    def __contains__(self, year: object) -> bool:
        return (
            isinstance(year, int)
            and self.first <= year
            and (self.last is None or year <= self.last)
        )

    def __str__(self) -> str:
        """As a decision states it: "2013" (one year), "2013–2015", "2013–" (from 2013 on)."""
        if self.last == self.first:
            return str(self.first)
        return f"{self.first}–{self.last}" if self.last is not None else f"{self.first}–"


@attrs.frozen
class Grade:
    """One class of the classification: index ≥ ``minimum`` (or > when not inclusive)."""

    label: str
    minimum: Decimal | None = None
    inclusive: bool = True


def _default_grades() -> tuple[Grade, ...]:
    return (
        Grade("A", Decimal(90)),
        Grade("B", Decimal(80)),
        Grade("C", Decimal(70)),
        Grade("D", None),
    )


@attrs.frozen
class Classification:
    """Grades from best to worst; the last one has no minimum.

    ``Classification()`` is the A/B/C/D grouping of seed 001 (A ≥ 90 %, B ≥ 80 %,
    C ≥ 70 %, D below); a province names its own classes (Tốt, Khá, …).
    ``Classification.none()`` has no grade: a pack whose sources give no
    classification has none, and its results show index and rank only.
    """

    grades: tuple[Grade, ...] = attrs.field(factory=_default_grades)

    @classmethod
    def none(cls) -> Classification:
        """No classification: no grade is given to any unit or node."""
        return cls(())

    @property
    def defined(self) -> bool:
        return bool(self.grades)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(grade.label for grade in self.grades)

    def classify(self, index: Decimal) -> str:
        """The grade of an index value (%), e.g. a published component index."""
        if not self.grades:
            raise ValueError("this pack has no classification")
        for grade in self.grades:
            if (
                grade.minimum is None
                or index > grade.minimum
                or (grade.inclusive and index == grade.minimum)
            ):
                return grade.label
        raise ValueError("the last grade must have no minimum")


@attrs.frozen
class ClassCondition:
    """Eligibility: a unit gets ``grade`` only if node ``code`` reaches ``minimum`` %."""

    grade: str
    code: str
    minimum: Decimal


@attrs.frozen
class RoundingRule:
    """How published points and indices are rounded; ranks use the rounded index."""

    decimals: int = 2
    mode: str = "half_up"

    def round(self, value: Decimal, decimals: int | None = None) -> Decimal:
        """``value`` rounded as this rule publishes figures (``decimals``: other places,
        the same mode), through :func:`parindex.fixedpoint.quantize_decimal`."""
        places = self.decimals if decimals is None else decimals
        return quantize_decimal(value, places, self.mode)


@attrs.frozen
class FieldCounts:
    """How many criteria and sub-criteria a source says one field has."""

    criteria: int | None = None
    sub_criteria: int | None = None


@attrs.frozen
class DeclaredStructure:
    """What the legal text says the tree contains; validation checks the tree against it."""

    fields: int | None = None
    criteria: int | None = None
    sub_criteria: int | None = None
    maximum: dict[PointsSource, Decimal] = attrs.field(factory=dict)
    #: Counts per field, keyed by the field's code, where a source gives them.
    per_field: dict[str, FieldCounts] = attrs.field(factory=dict)
    #: Where the declared figures come from.
    provenance: tuple[Provenance, ...] = ()


class MappingKind(enum.Enum):
    """How codes of this pack relate to codes of an earlier version."""

    ONE_TO_ONE = "one_to_one"
    MERGED = "merged"
    SPLIT = "split"
    NEW = "new"
    DROPPED = "dropped"


#: How many codes each side of a mapping takes: (earlier, later) as (min, max or None).
MAPPING_ARITY: dict[MappingKind, tuple[tuple[int, int | None], tuple[int, int | None]]] = {
    MappingKind.ONE_TO_ONE: ((1, 1), (1, 1)),
    MappingKind.MERGED: ((2, None), (1, 1)),
    MappingKind.SPLIT: ((1, 1), (2, None)),
    MappingKind.NEW: ((0, 0), (1, None)),
    MappingKind.DROPPED: ((1, None), (0, 0)),
}


@attrs.frozen
class CodeMapping:
    """One correspondence between an earlier pack's codes and this pack's codes.

    ``one_to_one``: one code to one code; ``merged``: several earlier codes into
    one; ``split``: one earlier code into several; ``new``: no earlier code;
    ``dropped``: earlier codes with no successor.
    """

    from_pack: str
    kind: MappingKind
    from_codes: tuple[str, ...] = ()
    to_codes: tuple[str, ...] = ()
    note: str = ""


DEFAULT_STAGES = ("self", "appraisal_1", "explanation", "appraisal_2")
DEFAULT_STAGE_POLICY = ("appraisal_2", "appraisal_1", "self")


@attrs.frozen
class Node:
    """A field, criterion or sub-criterion (any depth).

    ``maximum`` is required on leaves; on an internal node it is either omitted
    (the sum of the children) or must equal that sum, unless ``capped`` says
    the node's points are capped below it ("tổng không quá 5 điểm"), or the
    node is *incomplete*: its ``gap`` says which of its parts the sources do not
    give, and its maximum (the official one) exceeds what the known parts add up
    to. ``floor`` and ``ceiling`` bound the node's points after deductions and
    bonuses; ``floor`` defaults to 0 and ``ceiling`` to maximum + bonus cap.
    ``method`` is the official scoring wording ("Phương pháp đánh giá") as the
    appendix prints it; ``rule`` is what it means.
    """

    code: str
    title: str
    maximum: Decimal | None = None
    source: PointsSource | None = None
    rule: Rule | None = None
    not_applicable: NotApplicable = NotApplicable.NOT_ALLOWED
    children: tuple[Node, ...] = ()
    capped: bool = False
    bonus_cap: Decimal | None = None
    deduction_cap: Decimal | None = None
    floor: Decimal | None = None
    ceiling: Decimal | None = None
    provenance: tuple[Provenance, ...] = ()
    gap: str = ""
    note: str = ""
    method: str = ""

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def incomplete(self) -> bool:
        """Only some parts are known: a stated maximum above what the known parts give."""
        if self.is_leaf or not self.gap or self.maximum is None or self.capped:
            return False
        parts = [known_maximum(child) for child in self.children]
        return (
            any(part is None for part in parts)
            or sum((part for part in parts if part is not None), Decimal(0)) < self.maximum
        )

    def walk(self, depth: int = 1) -> Iterator[tuple[int, Node]]:
        """Depth-first pre-order traversal with the node's depth (fields are depth 1)."""
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


@attrs.frozen
class Pack:
    """A versioned criteria set for one unit group."""

    id: str
    title: str
    version: str
    unit_group: UnitGroup
    years: YearRange
    tree: tuple[Node, ...]
    legal_basis: tuple[LegalBasis, ...] = ()
    classification: Classification = attrs.field(factory=Classification)
    eligibility: tuple[ClassCondition, ...] = ()
    rounding: RoundingRule = attrs.field(factory=RoundingRule)
    point_decimals: int = 4
    declared: DeclaredStructure = attrs.field(factory=DeclaredStructure)
    stages: tuple[str, ...] = DEFAULT_STAGES
    stage_policy: tuple[str, ...] = DEFAULT_STAGE_POLICY
    total_bonus_cap: Decimal | None = None
    total_deduction_cap: Decimal | None = None
    synthetic: bool = False
    description: str = ""
    #: What the sources do not give (pack-wide); node-level gaps live on nodes.
    gaps: tuple[str, ...] = ()
    #: How this pack's codes map to earlier versions' codes.
    mappings: tuple[CodeMapping, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.gaps and not any(node.gap for _, node in self.walk())

    @property
    def scorable_level(self) -> int | None:
        """The deepest level at which every subtree can be scored (None: every level; 0: none).

        A pack whose sources stop at field level is scorable at level 1, with
        field points entered directly; one with no known maxima is not scorable.
        Subtrees known more deeply can still be scored more deeply: see
        :func:`parindex.coverage.scored_view`.
        """
        return scorable_level(self)

    @property
    def official_total(self) -> Decimal | None:
        """The index's total points: declared per source, else the fields' known maxima."""
        if self.declared.maximum:
            return sum(self.declared.maximum.values(), Decimal(0))
        maxima = [known_maximum(field) for field in self.tree]
        if not maxima or any(value is None for value in maxima):
            return None
        return sum((value for value in maxima if value is not None), Decimal(0))

    def walk(self) -> Iterator[tuple[int, Node]]:
        for field in self.tree:
            yield from field.walk(1)

    def node(self, code: str) -> Node:
        for _, node in self.walk():
            if node.code == code:
                return node
        raise KeyError(f"pack {self.id!r} has no node {code!r}")

    def leaves(self) -> list[Node]:
        return [node for _, node in self.walk() if node.is_leaf]


# -- tree arithmetic -----------------------------------------------------------------
def known_maximum(node: Node) -> Decimal | None:
    """A node's official maximum where the sources give it: stated, or the sum of known parts.

    None when neither the node nor all of its children have a known maximum
    (a pack whose criteria are known by title only). A capped node's maximum is
    its cap; an incomplete node's is the maximum it states.
    """
    if node.is_leaf or node.maximum is not None:
        if node.capped and node.maximum is not None:
            parts = [known_maximum(child) for child in node.children]
            if all(part is not None for part in parts):
                return min(node.maximum, sum((p for p in parts if p is not None), Decimal(0)))
        return node.maximum
    parts = [known_maximum(child) for child in node.children]
    if any(part is None for part in parts):
        return None
    return sum((part for part in parts if part is not None), Decimal(0))


def effective_maximum(node: Node) -> Decimal:
    """A node's maximum, with unknown maxima (gaps) counted as 0; see :func:`known_maximum`."""
    known = known_maximum(node)
    return known if known is not None else Decimal(0)


def _level_limit(node: Node, depth: int) -> float:
    """The deepest level at which every part of ``node``'s subtree can be scored (inf: any)."""
    if node.is_leaf:
        if node.maximum is not None and node.rule is not None and not node.gap:
            return float("inf")
        return depth if node.maximum is not None else depth - 1
    if any(known_maximum(child) is None for child in node.children):
        return depth if known_maximum(node) is not None else depth - 1
    return min(_level_limit(child, depth + 1) for child in node.children)


def scorable_level(pack: Pack) -> int | None:
    """The deepest level at which every subtree of ``pack`` can be scored.

    None when every level can (the pack is complete), 0 when none can (no
    field's maximum is known). A leaf with a gap but a known maximum is scored
    at its own level (points entered directly); a node whose maximum is unknown
    cannot be scored, so its parent is scored directly, if its maximum is known.
    """
    if not pack.tree:
        return 0
    limit = min(_level_limit(field, 1) for field in pack.tree)
    if limit == float("inf") and not pack.complete:
        # Gaps that do not stop any subtree (pack-wide, or parts missing under
        # a known maximum): the tree is as deep as it goes, and no deeper.
        limit = max(depth for depth, _ in pack.walk())
    return None if limit == float("inf") else int(limit)
