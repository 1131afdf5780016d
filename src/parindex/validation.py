"""Pack validation: every problem at once, each naming the node it concerns."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

import numpy as np

from parindex.errors import PackError, Severity, Violation
from parindex.fixedpoint import decimal_to_ticks
from parindex.model import MAPPING_ARITY, Node, NotApplicable, Pack, PointsSource

CODE_PATTERN = re.compile(r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$")
ROUNDING_MODES = ("half_up", "half_even")

ERROR = Severity.ERROR
WARNING = Severity.WARNING


def known_maximum(node: Node) -> Decimal | None:
    """A node's maximum where the sources give it: stated, or the sum of known children.

    None when neither the node nor all of its children have a known maximum
    (a pack whose criteria are known by title only).
    """
    if node.is_leaf:
        return node.maximum
    parts = [known_maximum(child) for child in node.children]
    if any(part is None for part in parts):
        return node.maximum
    total = sum((part for part in parts if part is not None), Decimal(0))
    if node.capped and node.maximum is not None:
        return min(node.maximum, total)
    return total


def effective_maximum(node: Node) -> Decimal:
    """A node's maximum: stated on leaves; children's sum, or the cap, on internal nodes.

    Unknown maxima (gaps) count as 0 here; see :func:`known_maximum`.
    """
    known = known_maximum(node)
    return known if known is not None else Decimal(0)


def _level_limit(node: Node, depth: int) -> float:
    """The deepest level at which ``node``'s subtree can be scored (inf: any level)."""
    if node.is_leaf:
        if node.maximum is not None and node.rule is not None and not node.gap:
            return float("inf")
        return depth if node.maximum is not None else depth - 1
    limit = min(_level_limit(child, depth + 1) for child in node.children)
    if node.gap:
        limit = min(limit, depth)
    if limit == depth and known_maximum(node) is None:
        return depth - 1
    return limit


def scorable_level(pack: Pack) -> int | None:
    """The deepest level at which ``pack`` can be scored: None for every level, 0 for none.

    A leaf with a gap but a known maximum can be scored at its own level (points
    entered directly); a node whose maximum is unknown cannot be scored at all,
    so its parent is scored directly, if the parent's maximum is known.
    """
    if not pack.tree:
        return 0
    limit = min(_level_limit(field, 1) for field in pack.tree)
    if pack.gaps and limit == float("inf"):
        # Pack-wide gaps without node gaps: the tree is as deep as it goes.
        limit = max(depth for depth, _ in pack.walk())
    return None if limit == float("inf") else int(limit)


def source_maxima(node: Node, inherited: PointsSource | None) -> dict[PointsSource | None, Decimal]:
    """Maximum points per source under ``node`` (capped nodes count at their cap)."""
    source = node.source or inherited
    if node.is_leaf:
        return {source: effective_maximum(node)}
    totals: dict[PointsSource | None, Decimal] = {}
    for child in node.children:
        for key, value in source_maxima(child, source).items():
            totals[key] = totals.get(key, Decimal(0)) + value
    if node.capped and node.maximum is not None and len(totals) == 1:
        (key,) = totals
        totals[key] = effective_maximum(node)
    return totals


def _check_node(
    node: Node, depth: int, parent: Node | None, source: PointsSource | None, pack: Pack
) -> Iterator[Violation]:
    code = node.code

    def error(check: str, message: str) -> Violation:
        return Violation(code, ERROR, check, message)

    if not CODE_PATTERN.match(code):
        yield error("malformed-code", f"code {code!r} is not dotted segments of letters and digits")
    if parent is not None:
        prefix = parent.code + "."
        if not code.startswith(prefix) or "." in code[len(prefix) :]:
            yield error("misplaced-code", f"child of {parent.code!r} must be coded {prefix}<n>")
    elif "." in code:
        yield error("misplaced-code", "a field (top-level node) must have a one-segment code")
    if not node.title.strip():
        yield error("missing-title", "node has no title")

    if node.maximum is not None:
        if node.maximum < 0:
            yield error("negative-maximum", f"maximum {node.maximum} is negative")
        try:
            decimal_to_ticks(node.maximum, pack.point_decimals)
        except ValueError:
            yield error(
                "maximum-precision",
                f"maximum {node.maximum} has more than {pack.point_decimals} decimals",
            )

    if node.is_leaf:
        # A gap explains what the sources do not give; without one, a leaf is complete.
        fields = (("maximum", node.maximum), ("rule", node.rule))
        unknown = [name for name, value in fields if value is None]
        if unknown and node.gap:
            yield Violation(code, WARNING, "gap", f"{' and '.join(unknown)} not given: {node.gap}")
        elif node.maximum is None:
            yield error("missing-maximum", "a leaf needs a maximum (or a gap saying why not)")
        if node.rule is None and not node.gap:
            yield error("missing-rule", "a leaf needs a scoring rule (or a gap saying why not)")
        elif node.rule is not None and node.maximum is not None:
            problems = node.rule.parameter_problems(node.maximum)
            for problem in problems:
                yield error("rule-parameters", f"{node.rule.kind}: {problem}")
            if not problems:
                yield from _rule_precision(node, pack.point_decimals)
        if source is None and not node.gap:
            yield error("missing-source", "no points source on the leaf or any ancestor")
    else:
        if node.rule is not None:
            yield error("rule-on-internal-node", "only leaves carry a scoring rule")
        if node.not_applicable is not NotApplicable.NOT_ALLOWED:
            yield Violation(
                code, WARNING, "na-on-internal-node", "not_applicable is read on leaves only"
            )
        parts = [known_maximum(child) for child in node.children]
        total = sum((part for part in parts if part is not None), Decimal(0))
        if any(part is None for part in parts):
            pass  # children's maxima are gaps: the stated maximum cannot be checked
        elif node.capped:
            if node.maximum is None or node.maximum >= total:
                yield error(
                    "cap-not-below-sum",
                    f"capped node needs a maximum below its children's sum {total}",
                )
        elif node.maximum is not None and node.maximum != total:
            yield error(
                "maxima-do-not-add-up",
                f"maximum {node.maximum} but the children add up to {total}",
            )
    if node.capped and node.is_leaf:
        yield error("cap-on-leaf", "only internal nodes can be capped")

    for name in ("bonus_cap", "deduction_cap"):
        value = getattr(node, name)
        if value is not None and value < 0:
            yield error("negative-cap", f"{name} {value} is negative")
    if node.floor is not None and node.ceiling is not None and node.floor > node.ceiling:
        yield error("floor-above-ceiling", f"floor {node.floor} above ceiling {node.ceiling}")
    if node.floor is not None and node.floor > effective_maximum(node):
        yield error("floor-above-maximum", f"floor {node.floor} above the maximum")


def _rule_precision(node: Node, point_decimals: int) -> Iterator[Violation]:
    """Points inside a rule (a level's, a band's) must fit the pack's precision.

    Compiling the rule's evaluator converts them to ticks exactly; a figure with
    more decimals than the pack allows would otherwise fail only at compile time.
    """
    assert node.rule is not None and node.maximum is not None
    try:
        ticks = decimal_to_ticks(node.maximum, point_decimals)
        maxima = np.array([ticks], dtype=np.int64)
        type(node.rule).evaluator([node.rule], maxima, 10**point_decimals)
    except ValueError as exc:
        yield Violation(
            node.code,
            ERROR,
            "rule-precision",
            f"{node.rule.kind}: {exc} (the pack keeps {point_decimals} decimals)",
        )


def _walk_checks(pack: Pack) -> Iterator[Violation]:
    def visit(
        node: Node, depth: int, parent: Node | None, inherited: PointsSource | None
    ) -> Iterator[Violation]:
        source = node.source or inherited
        yield from _check_node(node, depth, parent, source, pack)
        for child in node.children:
            yield from visit(child, depth + 1, node, source)

    for field in pack.tree:
        yield from visit(field, 1, None, None)


def _pack_checks(pack: Pack) -> Iterator[Violation]:
    def error(check: str, message: str, code: str = "") -> Violation:
        return Violation(code, ERROR, check, message)

    if not pack.tree:
        if pack.gaps:
            yield Violation("", WARNING, "empty-tree", "no field is known; see the pack's gaps")
        else:
            yield error("empty-tree", "the pack has no fields")
    codes = Counter(node.code for _, node in pack.walk())
    for code, count in sorted(codes.items()):
        if count > 1:
            yield error("duplicate-code", f"code used by {count} nodes", code)
    if pack.years.last is not None and pack.years.last < pack.years.first:
        yield error("years", f"years {pack.years} run backwards")
    if not pack.synthetic and not pack.legal_basis:
        yield error("legal-basis", "an official pack must cite its legal basis")
    if not 0 <= pack.point_decimals <= 6:
        yield error("precision", "point_decimals must be between 0 and 6")
    if pack.rounding.mode not in ROUNDING_MODES:
        yield error("rounding", f"rounding mode must be one of {ROUNDING_MODES}")
    if not 0 <= pack.rounding.decimals <= 4:
        yield error("rounding", "rounding decimals must be between 0 and 4")

    stages = set(pack.stages)
    if len(stages) != len(pack.stages):
        yield error("stages", "stage names must be distinct")
    unknown = [s for s in pack.stage_policy if s not in stages]
    if unknown or not pack.stage_policy:
        yield error("stage-policy", f"policy must name declared stages; unknown: {unknown}")

    grades = pack.classification.grades
    minima = [g.minimum for g in grades[:-1]]
    if not grades or grades[-1].minimum is not None or any(m is None for m in minima):
        yield error("classification", "every grade but the last needs a minimum; the last none")
    elif minima != sorted(minima, reverse=True):  # type: ignore[type-var]
        yield error("classification", "grade minima must fall from the first grade to the last")
    labels = {g.label for g in grades}
    for condition in pack.eligibility:
        if condition.grade not in labels:
            yield error("eligibility", f"unknown grade {condition.grade!r}")
        if condition.code not in codes:
            yield error("eligibility", f"condition names unknown node {condition.code!r}")

    declared = pack.declared
    # An incomplete pack cannot match its declared structure; say so, without failing.
    mismatch = WARNING if not pack.complete else ERROR
    depth_counts = Counter(depth for depth, _ in pack.walk())
    for depth, name, expected in (
        (1, "fields", declared.fields),
        (2, "criteria", declared.criteria),
        (3, "sub-criteria", declared.sub_criteria),
    ):
        if expected is not None and depth_counts.get(depth, 0) != expected:
            yield Violation(
                "",
                mismatch,
                "declared-structure",
                f"declares {expected} {name} but the tree has {depth_counts.get(depth, 0)}",
            )
    fields = {field.code: field for field in pack.tree}
    for code, counts in declared.per_field.items():
        field = fields.get(code)
        if field is None:
            yield error("declared-structure", f"per-field counts name unknown field {code!r}")
            continue
        field_counts = Counter(depth for depth, _ in field.walk(1))
        field_mismatch = WARNING if _has_gap(field) or not pack.tree else ERROR
        expected_counts = (
            (2, "criteria", counts.criteria),
            (3, "sub-criteria", counts.sub_criteria),
        )
        for depth, name, expected in expected_counts:
            if expected is not None and field_counts.get(depth, 0) != expected:
                yield Violation(
                    code,
                    field_mismatch,
                    "declared-structure",
                    f"declares {expected} {name} but the field has {field_counts.get(depth, 0)}",
                )
    per_field = declared.per_field.values()
    for name, total, listed in (
        ("criteria", declared.criteria, [c.criteria for c in per_field]),
        ("sub-criteria", declared.sub_criteria, [c.sub_criteria for c in per_field]),
    ):
        known = [count for count in listed if count is not None]
        if total is not None and len(known) == declared.fields and sum(known) != total:
            message = f"per-field {name} add up to {sum(known)}, not {total}"
            yield error("declared-structure", message)
    yield from _mapping_checks(pack, codes)
    if declared.maximum:
        totals: dict[PointsSource | None, Decimal] = {}
        for field in pack.tree:
            for key, value in source_maxima(field, None).items():
                totals[key] = totals.get(key, Decimal(0)) + value
        for source, expected_total in declared.maximum.items():
            actual = totals.get(source, Decimal(0))
            if actual != expected_total:
                yield Violation(
                    "",
                    mismatch,
                    "declared-maximum",
                    f"declares {expected_total} points from {source.value} "
                    f"but the tree gives {actual}",
                )

    if not pack.synthetic:
        for node in _unsourced_leaves(pack.tree, cited=False):
            yield Violation(node.code, WARNING, "provenance", "no source cited for this node")


def _has_gap(node: Node) -> bool:
    return bool(node.gap) or any(_has_gap(child) for child in node.children)


def _mapping_checks(pack: Pack, codes: Counter[str]) -> Iterator[Violation]:
    """Each mapping has the right number of codes per side and names this pack's codes."""
    for number, mapping in enumerate(pack.mappings, start=1):
        where = f"mapping {number} (from {mapping.from_pack})"
        if mapping.from_pack == pack.id:
            yield Violation("", ERROR, "mapping", f"{where}: a pack cannot map to itself")
        for side, found, (low, high) in zip(
            ("from_codes", "to_codes"),
            (mapping.from_codes, mapping.to_codes),
            MAPPING_ARITY[mapping.kind],
            strict=True,
        ):
            if len(found) < low or (high is not None and len(found) > high):
                wanted = f"exactly {low}" if low == high else f"at least {low}"
                yield Violation(
                    "", ERROR, "mapping", f"{where}: {mapping.kind.value} needs {wanted} {side}"
                )
        for code in mapping.to_codes:
            if code not in codes:
                yield Violation(code, ERROR, "mapping", f"{where}: no node {code!r} in this pack")


def _unsourced_leaves(nodes: tuple[Node, ...], cited: bool) -> Iterator[Node]:
    for node in nodes:
        here = cited or bool(node.provenance)
        if node.is_leaf and not here:
            yield node
        yield from _unsourced_leaves(node.children, here)


def validate(pack: Pack) -> list[Violation]:
    """Every problem with ``pack``, errors and warnings together."""
    return [*_pack_checks(pack), *_walk_checks(pack)]


def check(pack: Pack) -> Pack:
    """Return ``pack`` unchanged, or raise :class:`PackError` listing every error."""
    violations = validate(pack)
    if any(v.severity is ERROR for v in violations):
        raise PackError(pack.id, violations)
    return pack
