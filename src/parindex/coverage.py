"""What a scored view of a pack covers of the official index, and the one line that says so.

Sources rarely give a whole criteria table: a field's maximum is known but only
some of its criteria, the survey part is missing, or only field totals are
published. Such a pack is scored as deep as each subtree is known, and every
result says what it covers: :class:`Coverage`, and :meth:`Coverage.line`, the one
sentence every output of a partial pack or view carries::

    Chưa đầy đủ: chỉ gồm điểm tự đánh giá, 65/100 điểm, nhập điểm ở cấp lĩnh vực;
    chưa có điểm thẩm định và điều tra xã hội học; chỉ số và thứ hạng tính trên 65 điểm này.

:func:`scored_view` builds the tree that is actually scored, subtree by subtree:

- a leaf with a known maximum is scored by its rule, or entered directly when
  the sources give no rule (its gap says why);
- a node is scored from its parts when every part's maximum is known; when only
  some parts are listed under a stated maximum (an *incomplete* node, see
  :attr:`parindex.model.Node.incomplete`), the known parts are scored and the
  view covers only what they give;
- a node some of whose parts have unknown maxima, or a node at the asked
  ``level``, is entered as a whole (points entered directly, its known maximum);
- a field whose maximum is unknown is not scored at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import NoReturn

import attrs

from parindex.errors import PackError, Severity, Violation
from parindex.messages import Message, current_lang, msg, text
from parindex.model import (
    Node,
    NotApplicable,
    Pack,
    PointsSource,
    effective_maximum,
    known_maximum,
)
from parindex.rules import Direct, fmt_number

#: How many node codes a coverage line names before it says "…".
LINE_CODES = 4


@attrs.frozen
class NodePart:
    """A node the view covers only in part (or not at all): what is known of its maximum."""

    code: str
    covered: Decimal
    maximum: Decimal | None
    #: 1 for a field, 2 for a criterion, …
    depth: int = 1


@attrs.frozen
class Coverage:
    """What a scored view covers of the official index.

    ``covered`` is the maximum the scored tree can award; ``total`` the official
    total (declared per source, or the fields' stated maxima; None when
    unknown). ``missing_sources``: sources the decision gives points to that the
    tree lacks (the survey part of a self-assessment-only pack). ``partial``:
    incomplete nodes scored from their known parts; ``missing``: fields not
    scored because their maximum is unknown. ``whole``: nodes entered as a whole
    in place of their parts; ``whole_level`` when every scored node is entered
    at one level. ``appraisal_missing``: results from self-assessment entries
    only, before any appraisal (set by :meth:`for_stages`).
    """

    covered: Decimal
    total: Decimal | None
    sources: tuple[PointsSource, ...] = ()
    missing_sources: tuple[PointsSource, ...] = ()
    partial: tuple[NodePart, ...] = ()
    missing: tuple[NodePart, ...] = ()
    whole: tuple[str, ...] = ()
    whole_level: int | None = None
    appraisal_missing: bool = False
    graded: bool = False
    #: Whether the stages entered are known (results), or only the pack (a pack's view).
    stages_known: bool = False

    @property
    def is_partial(self) -> bool:
        return bool(
            self.missing_sources
            or self.partial
            or self.missing
            or self.whole
            or self.appraisal_missing
            or (self.total is not None and self.covered != self.total)
        )

    def for_stages(self, pack: Pack, present: Sequence[str]) -> Coverage:
        """This coverage for results holding the stages ``present`` (e.g. ``("self",)``).

        Appraisal is missing when no stage after the first (self-assessment) is
        present, the pack's policy has one, and the tree has self-assessment points.
        """
        later = [stage for stage in pack.stage_policy if stage != pack.stages[0]]
        missing = (
            bool(later)
            and not any(stage in present for stage in later)
            and PointsSource.SELF_ASSESSMENT in self.sources
        )
        return attrs.evolve(self, appraisal_missing=missing, stages_known=True)

    def line(self, lang: str | None = None) -> str:
        """The one coverage sentence in ``lang`` (default: the current language); "" if complete."""
        if not self.is_partial:
            return ""
        chosen = lang or current_lang()
        return text(
            "pack.coverage_line",
            chosen,
            parts=", ".join(self._parts(chosen)),
            missing=self._missing(chosen),
            basis=self._basis(chosen),
        )

    def _parts(self, lang: str) -> Iterator[str]:
        kinds = []
        if PointsSource.SELF_ASSESSMENT in self.sources:
            kind = "appraisal" if self.stages_known else "self_assessment"
            kind = "self" if self.appraisal_missing else kind
            kinds.append(text(f"pack.coverage_kind_{kind}", lang))
        if PointsSource.SURVEY in self.sources:
            kinds.append(text("pack.coverage_kind_survey", lang))
        if self.missing_sources or self.appraisal_missing:
            and_ = text("pack.coverage_and", lang)
            yield text("pack.coverage_only", lang, kinds=and_.join(kinds))
        if self.total is None:
            yield text("pack.coverage_points_unknown_total", lang, covered=_num(self.covered, lang))
        else:
            total = _num(self.total, lang)
            yield text("pack.coverage_points", lang, covered=_num(self.covered, lang), total=total)
        if self.whole_level is not None:
            level = _level_name(self.whole_level, lang)
            yield text("pack.coverage_at_level", lang, level=level)
        elif self.whole:
            yield text("pack.coverage_whole", lang, codes=_codes(self.whole))

    def _missing(self, lang: str) -> str:
        items: list[str] = []
        if self.appraisal_missing:
            items.append(text("pack.coverage_missing_appraisal", lang))
        for source in self.missing_sources:
            items.append(text(f"pack.coverage_missing_{_SOURCE_WORD[source]}", lang))
        for part in self.partial[:LINE_CODES]:
            items.append(
                text(
                    "pack.coverage_missing_part",
                    lang,
                    level=_level_name(part.depth, lang),
                    code=part.code,
                    covered=_num(part.covered, lang),
                    maximum=_num(part.maximum or Decimal(0), lang),
                )
            )
        for part in self.missing[:LINE_CODES]:
            level = _level_name(part.depth, lang)
            items.append(text("pack.coverage_missing_node", lang, level=level, code=part.code))
        if not items:
            return ""
        and_ = text("pack.coverage_and", lang)
        joined = items[0] if len(items) == 1 else ", ".join(items[:-1]) + and_ + items[-1]
        return text("pack.coverage_missing", lang, items=joined)

    def _basis(self, lang: str) -> str:
        if self.total is not None and self.covered == self.total:
            return ""
        grade = text("pack.coverage_basis_grade", lang) if self.graded else ""
        return text("pack.coverage_basis", lang, covered=_num(self.covered, lang), grade=grade)


def _num(value: Decimal, lang: str) -> str:
    return fmt_number(value, lang)


_SOURCE_WORD = {PointsSource.SURVEY: "survey", PointsSource.SELF_ASSESSMENT: "self"}


def _level_name(level: int, lang: str | None = None) -> str:
    if level in (1, 2, 3):
        return text(f"pack.coverage_level_{level}", lang)
    return text("pack.coverage_level_n", lang, level=level)


def _codes(codes: Sequence[str]) -> str:
    shown = ", ".join(codes[:LINE_CODES])
    return shown + ("…" if len(codes) > LINE_CODES else "")


# -- the scored view -------------------------------------------------------------------
def _leaf_sources(node: Node, inherited: PointsSource | None) -> Iterator[PointsSource | None]:
    source = node.source or inherited
    if node.is_leaf:
        yield source
    for child in node.children:
        yield from _leaf_sources(child, source)


@attrs.define
class _Builder:
    level: int | None
    whole: list[tuple[str, int]] = attrs.field(factory=list)
    partial: list[NodePart] = attrs.field(factory=list)

    def view(self, node: Node, depth: int, inherited: PointsSource | None) -> Node | None:
        source = node.source or inherited
        official = known_maximum(node)
        if node.is_leaf:
            if node.maximum is None or source is None:
                return None
            if node.gap:
                self.whole.append((node.code, depth))  # its parts are not transcribed
            if node.rule is None:
                return attrs.evolve(node, rule=Direct(), source=source)
            return node
        expandable = all(known_maximum(child) is not None for child in node.children)
        if (self.level is not None and depth >= self.level) or not expandable:
            if official is None:
                return None
            self.whole.append((node.code, depth))
            return _collapse(node, official, source)
        kids = [self.view(child, depth + 1, source) for child in node.children]
        parts = tuple(kid for kid in kids if kid is not None)
        if len(parts) < len(kids):  # a part without a points source: enter the node whole
            self.whole.append((node.code, depth))
            return _collapse(node, official, source) if official is not None else None
        scored = attrs.evolve(node, children=parts)
        if node.incomplete:
            scored = attrs.evolve(scored, maximum=None, gap="")
            covered = effective_maximum(scored)
            self.partial.append(NodePart(node.code, covered, node.maximum, depth))
        return scored


def _collapse(node: Node, maximum: Decimal, source: PointsSource | None) -> Node:
    """``node`` as a leaf whose points are entered directly (scored as a whole)."""
    sources = {s for s in _leaf_sources(node, source) if s is not None}
    if len(sources) != 1:
        raise PackError(
            "",
            [
                Violation(
                    node.code,
                    Severity.ERROR,
                    "level-mixes-sources",
                    msg("pack.level_mixes_sources"),
                )
            ],
        )
    return attrs.evolve(
        node,
        children=(),
        maximum=maximum,
        source=sources.pop(),
        rule=Direct(),
        capped=False,
        not_applicable=NotApplicable.NOT_ALLOWED,
        gap="",
    )


def _sources(nodes: Sequence[Node], inherited: PointsSource | None = None) -> set[PointsSource]:
    found: set[PointsSource] = set()
    for node in nodes:
        found |= {s for s in _leaf_sources(node, inherited) if s is not None}
    return found


def scored_view(pack: Pack, level: int | None = None) -> tuple[tuple[Node, ...], Coverage]:
    """The tree that is scored for ``pack`` at ``level`` (None: as deep as known), and its coverage.

    Raises :class:`PackError` when nothing can be scored (no field's maximum is
    known), or when ``level`` is deeper than any part of the pack is known.
    """
    builder = _Builder(level)
    tree: list[Node] = []
    missing: list[NodePart] = []
    for field in pack.tree:
        scored = builder.view(field, 1, None)
        if scored is None:
            missing.append(NodePart(field.code, Decimal(0), known_maximum(field)))
        else:
            tree.append(scored)
    if not tree:
        _refuse(pack, msg("pack.not_scorable", pack=pack.id))
    if level is not None and builder.whole:
        deepest = max(depth for depth, _ in _leaf_depths(tree))
        if deepest < level:
            name = msg(f"pack.coverage_level_{min(deepest, 3)}")
            _refuse(
                pack,
                msg("pack.level_too_deep", pack=pack.id, level=level, deepest=deepest, name=name),
            )
    sources = _sources(tree)
    declared = {s for s, value in pack.declared.maximum.items() if value > 0}
    depths = {depth for _, depth in builder.whole}
    leaves_whole = len(builder.whole) == sum(1 for _ in _leaf_depths(tree))
    coverage = Coverage(
        covered=sum((effective_maximum(field) for field in tree), Decimal(0)),
        total=pack.official_total,
        sources=tuple(s for s in PointsSource if s in sources),
        missing_sources=tuple(s for s in PointsSource if s in declared - sources),
        partial=tuple(builder.partial),
        missing=tuple(missing),
        whole=tuple(code for code, _ in builder.whole),
        whole_level=depths.pop() if leaves_whole and len(depths) == 1 else None,
        graded=pack.classification.defined,
    )
    return tuple(tree), coverage


def _leaf_depths(nodes: Sequence[Node], depth: int = 1) -> Iterator[tuple[int, Node]]:
    for node in nodes:
        if node.is_leaf:
            yield depth, node
        yield from _leaf_depths(node.children, depth + 1)


def _refuse(pack: Pack, message: Message) -> NoReturn:
    """Raise the reason ``pack`` cannot be scored so, with the first of its gaps."""
    lines = [Violation("", Severity.ERROR, "incomplete-pack", message)]
    lines += [Violation("", Severity.WARNING, "gap", gap) for gap in pack.gaps]
    for _, node in pack.walk():
        if node.gap:
            lines.append(Violation(node.code, Severity.WARNING, "gap", node.gap))
    raise PackError(pack.id, lines[:11])


def pack_coverage(pack: Pack, level: int | None = None) -> Coverage:
    """What scoring ``pack`` at ``level`` covers (raises :class:`PackError` if nothing)."""
    return scored_view(pack, level)[1]


__all__ = ["Coverage", "NodePart", "pack_coverage", "scored_view"]
