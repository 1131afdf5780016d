"""Pack validation: every problem at once, each naming the node it concerns.

Every problem is a :class:`~parindex.errors.Violation` with a stable ``check``
id (for programs and tests) and a catalogue message (``pack.*``) that says, in
the reader's language, what is wrong and how to fix it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

import numpy as np

from parindex.errors import PackError, Severity, Violation
from parindex.fixedpoint import decimal_to_ticks
from parindex.grammar import CODE_PATTERN, YEARS
from parindex.messages import Found, Message, catalogue, msg
from parindex.model import (
    MAPPING_ARITY,
    Node,
    NotApplicable,
    Pack,
    PointsSource,
    effective_maximum,
    known_maximum,
    scorable_level,
)
from parindex.rules import Rule

__all__ = [
    "CODE_PATTERN",
    "check",
    "effective_maximum",
    "known_maximum",
    "scorable_level",
    "source_maxima",
    "validate",
]

ROUNDING_MODES = ("half_up", "half_even")

ERROR = Severity.ERROR
WARNING = Severity.WARNING


def source_maxima(node: Node, inherited: PointsSource | None) -> dict[PointsSource | None, Decimal]:
    """Maximum points per source under ``node`` (capped nodes count at their cap).

    An incomplete node counts what its known parts give: the points a pack's
    tree can actually award.
    """
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


def _known_parts(node: Node) -> tuple[Decimal, bool]:
    """What the children's known maxima add up to, and whether every child's is known."""
    parts = [known_maximum(child) for child in node.children]
    total = sum((part for part in parts if part is not None), Decimal(0))
    return total, all(part is not None for part in parts)


def _check_node(
    node: Node, parent: Node | None, source: PointsSource | None, pack: Pack
) -> Iterator[Violation]:
    code = node.code

    def error(check: str, message: Message) -> Violation:
        return Violation(code, ERROR, check, message)

    if not CODE_PATTERN.match(code):
        yield error("malformed-code", msg("pack.malformed_code", found=Found(code)))
    if parent is not None:
        prefix = parent.code + "."
        if not code.startswith(prefix) or "." in code[len(prefix) :]:
            yield error(
                "misplaced-code", msg("pack.misplaced_code", parent=parent.code, prefix=prefix)
            )
    elif "." in code:
        yield error("misplaced-code", msg("pack.field_code"))
    if not node.title.strip():
        yield error("missing-title", msg("pack.missing_title"))

    if node.maximum is not None:
        if node.maximum < 0:
            yield error("negative-maximum", msg("pack.negative_maximum", maximum=node.maximum))
        try:
            decimal_to_ticks(node.maximum, pack.point_decimals)
        except ValueError:
            yield error(
                "maximum-precision",
                msg("pack.maximum_precision", maximum=node.maximum, decimals=pack.point_decimals),
            )

    if node.is_leaf:
        yield from _check_leaf(node, source, pack)
    else:
        yield from _check_internal(node)
    if node.capped and node.is_leaf:
        yield error("cap-on-leaf", msg("pack.cap_on_leaf"))

    for name in ("bonus_cap", "deduction_cap"):
        value = getattr(node, name)
        if value is not None and value < 0:
            yield error("negative-cap", msg(f"pack.negative_{name}", value=value))
    if node.floor is not None and node.ceiling is not None and node.floor > node.ceiling:
        yield error(
            "floor-above-ceiling",
            msg("pack.floor_above_ceiling", floor=node.floor, ceiling=node.ceiling),
        )
    if node.floor is not None and node.floor > effective_maximum(node):
        yield error(
            "floor-above-maximum",
            msg("pack.floor_above_maximum", floor=node.floor, maximum=effective_maximum(node)),
        )


def _check_leaf(node: Node, source: PointsSource | None, pack: Pack) -> Iterator[Violation]:
    code = node.code
    # A gap explains what the sources do not give; without one, a leaf is complete.
    unknown = [
        name for name, value in (("maximum", node.maximum), ("rule", node.rule)) if value is None
    ]
    if unknown and node.gap:
        what = msg(_UNKNOWN["_and_".join(unknown)])
        yield Violation(code, WARNING, "gap", msg("pack.gap", what=what, gap=node.gap))
    elif node.maximum is None:
        yield Violation(code, ERROR, "missing-maximum", msg("pack.missing_maximum"))
    if node.rule is None and not node.gap:
        yield Violation(code, ERROR, "missing-rule", msg("pack.missing_rule"))
    elif node.rule is not None and node.maximum is not None:
        problems = node.rule.parameter_problems(node.maximum)
        for problem in problems:
            yield Violation(
                code,
                ERROR,
                "rule-parameters",
                msg("pack.rule_parameters", kind=rule_kind_name(node.rule), problem=problem),
            )
        if not problems:
            yield from _rule_precision(node, pack.point_decimals)
    if source is None and not node.gap:
        yield Violation(code, ERROR, "missing-source", msg("pack.missing_source"))


def rule_kind_name(rule: Rule) -> Message | str:
    """A rule's kind as the user's language names it ("khoảng"); a plugin's kind by its id."""
    code = f"rules.kind_{rule.kind}"
    return msg(code) if code in catalogue() else rule.kind


_UNKNOWN = {
    "maximum": "pack.unknown_maximum",
    "rule": "pack.unknown_rule",
    "maximum_and_rule": "pack.unknown_maximum_and_rule",
}


def _check_internal(node: Node) -> Iterator[Violation]:
    code = node.code
    if node.rule is not None:
        yield Violation(code, ERROR, "rule-on-internal-node", msg("pack.rule_on_internal_node"))
    if node.not_applicable is not NotApplicable.NOT_ALLOWED:
        yield Violation(code, WARNING, "na-on-internal-node", msg("pack.na_on_internal_node"))
    total, all_known = _known_parts(node)
    if node.capped:
        if all_known and (node.maximum is None or node.maximum >= total):
            yield Violation(
                code, ERROR, "cap-not-below-sum", msg("pack.cap_not_below_sum", total=total)
            )
        return
    if node.maximum is None or (all_known and node.maximum == total):
        return
    if total > node.maximum:
        yield Violation(
            code,
            ERROR,
            "maxima-do-not-add-up",
            msg("pack.parts_exceed_maximum", maximum=node.maximum, total=total),
        )
    elif node.gap:
        # Only some parts are known: the official maximum stands, the subtree is incomplete.
        yield Violation(
            code,
            WARNING,
            "incomplete",
            msg("pack.incomplete", maximum=node.maximum, total=total, gap=node.gap),
        )
    elif all_known:
        yield Violation(
            code,
            ERROR,
            "maxima-do-not-add-up",
            msg("pack.parts_below_maximum", maximum=node.maximum, total=total),
        )


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
    except ValueError:
        yield Violation(
            node.code,
            ERROR,
            "rule-precision",
            msg("pack.rule_precision", kind=rule_kind_name(node.rule), decimals=point_decimals),
        )


def _walk_checks(pack: Pack) -> Iterator[Violation]:
    def visit(
        node: Node, parent: Node | None, inherited: PointsSource | None
    ) -> Iterator[Violation]:
        source = node.source or inherited
        yield from _check_node(node, parent, source, pack)
        for child in node.children:
            yield from visit(child, node, source)

    for field in pack.tree:
        yield from visit(field, None, None)


def _error(check: str, message: Message, code: str = "") -> Violation:
    return Violation(code, ERROR, check, message)


def _head_checks(pack: Pack, codes: Counter[str]) -> Iterator[Violation]:
    if not pack.tree:
        if pack.gaps:
            yield Violation("", WARNING, "empty-tree", msg("pack.no_field_known"))
        else:
            yield _error("empty-tree", msg("pack.empty_tree"))
    for code, count in sorted(codes.items()):
        if count > 1:
            yield _error("duplicate-code", msg("pack.duplicate_code", count=count), code)
    # Codes that differ only in case (1.1.a, 1.1.A) read as one on paper and in a
    # spreadsheet; an entry written with the other case would name another criterion.
    first_of: dict[str, str] = {}
    for code in sorted(codes):
        twin = first_of.setdefault(code.casefold(), code)
        if twin != code:
            yield _error("duplicate-code", msg("pack.code_case_twin", other=Found(twin)), code)
    for year in (pack.years.first, pack.years.last, *(b.year for b in pack.legal_basis)):
        if year is not None and year not in YEARS:
            yield _error("years", msg("pack.year_range", year=year, first=YEARS[0], last=YEARS[-1]))
    if pack.years.last is not None and pack.years.last < pack.years.first:
        yield _error("years", msg("pack.years_backwards", years=str(pack.years)))
    if not pack.synthetic and not pack.legal_basis:
        yield _error("legal-basis", msg("pack.no_legal_basis"))
    for basis in pack.legal_basis:
        if basis.date is not None and (basis.year is not None or basis.month is not None):
            yield _error("legal-basis", msg("pack.basis_two_dates", number=basis.number))
        if basis.month is not None and (basis.year is None or not 1 <= basis.month <= 12):
            yield _error("legal-basis", msg("pack.basis_month", number=basis.number))
    if not 0 <= pack.point_decimals <= 6:
        yield _error("precision", msg("pack.point_decimals"))
    if pack.rounding.mode not in ROUNDING_MODES:
        yield _error("rounding", msg("pack.rounding_mode", modes=ROUNDING_MODES))
    if not 0 <= pack.rounding.decimals <= 4:
        yield _error("rounding", msg("pack.rounding_decimals"))

    stages = set(pack.stages)
    if len(stages) != len(pack.stages):
        yield _error("stages", msg("pack.stages_distinct"))
    unknown = [s for s in pack.stage_policy if s not in stages]
    if unknown or not pack.stage_policy:
        yield _error("stage-policy", msg("pack.stage_policy", unknown=unknown, stages=pack.stages))

    grades = pack.classification.grades
    minima = [g.minimum for g in grades[:-1]]
    if grades and (grades[-1].minimum is not None or any(m is None for m in minima)):
        yield _error("classification", msg("pack.classification_minima"))
    elif minima != sorted(minima, reverse=True):  # type: ignore[type-var]
        yield _error("classification", msg("pack.classification_order"))
    labels = {g.label for g in grades}
    for condition in pack.eligibility:
        if condition.grade not in labels:
            yield _error("eligibility", msg("pack.eligibility_grade", grade=Found(condition.grade)))
        if condition.code not in codes:
            yield _error("eligibility", msg("pack.eligibility_node", node=Found(condition.code)))


def _declared_checks(pack: Pack) -> Iterator[Violation]:
    declared = pack.declared
    # An incomplete pack cannot match its declared structure; say so, without failing.
    mismatch = WARNING if not pack.complete else ERROR
    depth_counts = Counter(depth for depth, _ in pack.walk())
    for depth, name, expected in (
        (1, "fields", declared.fields),
        (2, "criteria", declared.criteria),
        (3, "sub_criteria", declared.sub_criteria),
    ):
        found = depth_counts.get(depth, 0)
        if expected is not None and found != expected:
            yield Violation(
                "",
                mismatch,
                "declared-structure",
                msg(
                    "pack.declared_count", expected=expected, found=found, what=msg(f"pack.{name}")
                ),
            )
    fields = {field.code: field for field in pack.tree}
    for code, counts in declared.per_field.items():
        field = fields.get(code)
        if field is None:
            yield _error("declared-structure", msg("pack.declared_unknown_field", field=code))
            continue
        field_counts = Counter(depth for depth, _ in field.walk(1))
        field_mismatch = WARNING if _has_gap(field) else ERROR
        for depth, name, expected in (
            (2, "criteria", counts.criteria),
            (3, "sub_criteria", counts.sub_criteria),
        ):
            found = field_counts.get(depth, 0)
            if expected is not None and found != expected:
                yield Violation(
                    code,
                    field_mismatch,
                    "declared-structure",
                    msg(
                        "pack.declared_field_count",
                        expected=expected,
                        found=found,
                        what=msg(f"pack.{name}"),
                    ),
                )
    per_field = declared.per_field.values()
    for name, total, listed in (
        ("criteria", declared.criteria, [c.criteria for c in per_field]),
        ("sub_criteria", declared.sub_criteria, [c.sub_criteria for c in per_field]),
    ):
        known = [count for count in listed if count is not None]
        if total is not None and len(known) == declared.fields and sum(known) != total:
            yield _error(
                "declared-structure",
                msg("pack.declared_sum", what=msg(f"pack.{name}"), found=sum(known), total=total),
            )
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
                    msg(
                        "pack.declared_maximum",
                        expected=expected_total,
                        found=actual,
                        source=msg(f"pack.source_{source.value}"),
                    ),
                )


def _pack_checks(pack: Pack) -> Iterator[Violation]:
    codes = Counter(node.code for _, node in pack.walk())
    yield from _head_checks(pack, codes)
    yield from _declared_checks(pack)
    yield from _mapping_checks(pack, codes)
    if not pack.synthetic:
        for node in _unsourced_leaves(pack.tree, cited=False):
            yield Violation(node.code, WARNING, "provenance", msg("pack.no_provenance"))


def _has_gap(node: Node) -> bool:
    return bool(node.gap) or any(_has_gap(child) for child in node.children)


def _mapping_checks(pack: Pack, codes: Counter[str]) -> Iterator[Violation]:
    """Each mapping has the right number of codes per side and names this pack's codes."""
    for number, mapping in enumerate(pack.mappings, start=1):
        where = {"number": number, "pack": mapping.from_pack}
        if mapping.from_pack == pack.id:
            yield _error("mapping", msg("pack.mapping_self", **where))
        for side, found, (low, high) in zip(
            ("from_codes", "to_codes"),
            (mapping.from_codes, mapping.to_codes),
            MAPPING_ARITY[mapping.kind],
            strict=True,
        ):
            if len(found) < low or (high is not None and len(found) > high):
                yield _error(
                    "mapping",
                    msg(
                        "pack.mapping_exactly" if low == high else "pack.mapping_at_least",
                        kind=mapping.kind.value,
                        count=low,
                        side=side,
                        **where,
                    ),
                )
        for code in mapping.to_codes:
            if code not in codes:
                yield _error("mapping", msg("pack.mapping_unknown_node", node=code, **where), code)


def _unsourced_leaves(nodes: tuple[Node, ...], cited: bool) -> Iterator[Node]:
    for node in nodes:
        here = cited or bool(node.provenance)
        if node.is_leaf and not here:
            yield node
        yield from _unsourced_leaves(node.children, here)


def validate(pack: Pack) -> list[Violation]:
    """Every problem with ``pack``, errors and warnings together."""
    if not 0 <= pack.point_decimals <= 6:
        # The node checks compute in ticks of this precision; it is reported by the pack checks.
        return list(_pack_checks(pack))
    return [*_pack_checks(pack), *_walk_checks(pack)]


def check(pack: Pack) -> Pack:
    """Return ``pack`` unchanged, or raise :class:`PackError` listing every error."""
    violations = validate(pack)
    if any(v.severity is ERROR for v in violations):
        raise PackError(pack.id, violations)
    return pack
