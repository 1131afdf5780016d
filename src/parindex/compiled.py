"""A pack flattened once into arrays, so scoring is whole-array work.

Nodes are numbered in depth-first pre-order with the root (the whole index,
code ``""``) first, and leaves in the same order, so every subtree is one
contiguous slice ``[start, end)`` of leaves: a node's raw total is a difference
of two cumulative sums. Leaves sharing a rule kind form one group evaluated on
its (units × k) block. Nodes whose points are capped, adjusted (bonus or
deduction) or bounded (floor, ceiling) are listed deepest first so that their
corrections flow up to their ancestors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

import attrs
import numpy as np

from parindex.coverage import Coverage, scored_view
from parindex.fixedpoint import Int64Array, decimal_to_ticks
from parindex.model import Node, NotApplicable, Pack, PointsSource, effective_maximum
from parindex.rules import GroupEvaluator, Rule
from parindex.validation import check

ROOT = 0
NA_POLICIES = tuple(NotApplicable)


@attrs.frozen(eq=False)
class RuleGroup:
    """All leaves sharing one rule kind, with their compiled evaluator."""

    kind: str
    columns: Int64Array
    rules: tuple[Rule, ...]
    evaluator: GroupEvaluator
    uses_group_best: bool


@attrs.frozen(eq=False)
class Bounded:
    """A node whose points are capped, adjusted or bounded, in ticks.

    ``ceiling`` None means the default: the unit's maximum for the node plus
    every bonus cap in its subtree. ``slot`` is its column in the bonus and
    deduction inputs, when it accepts them.
    """

    node: int
    floor: int
    ceiling: int | None
    subtree_bonus: int
    cap: int | None
    bonus_cap: int
    deduction_cap: int
    slot: int | None
    #: The node and all its ancestors: where a correction of its points lands.
    targets: Int64Array


@attrs.frozen(eq=False)
class CompiledPack:
    pack: Pack
    level: int | None
    #: The tree actually scored: each subtree as deep as it is known, and no deeper than ``level``.
    tree: tuple[Node, ...]
    codes: tuple[str, ...]
    titles: tuple[str, ...]
    depth: Int64Array
    parent: Int64Array
    start: Int64Array
    end: Int64Array
    node_source: tuple[PointsSource | None, ...]
    leaf_nodes: Int64Array
    leaf_rules: tuple[Rule, ...]
    leaf_max: Int64Array
    leaf_source: tuple[PointsSource, ...]
    leaf_na: tuple[NotApplicable, ...]
    node_max: Int64Array
    groups: tuple[RuleGroup, ...]
    bounded: tuple[Bounded, ...]
    adjustable_codes: tuple[str, ...]
    ticks_per_point: int
    points_dtype: type[np.int32] | type[np.int64]
    #: What this view covers of the official index (see :mod:`parindex.coverage`).
    coverage: Coverage
    node_index: dict[str, int] = attrs.field(init=False)
    leaf_index: dict[str, int] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "node_index", {code: i for i, code in enumerate(self.codes)})
        object.__setattr__(
            self,
            "leaf_index",
            {self.codes[node]: i for i, node in enumerate(self.leaf_nodes.tolist())},
        )

    @property
    def leaf_codes(self) -> tuple[str, ...]:
        return tuple(self.codes[node] for node in self.leaf_nodes.tolist())

    @property
    def n_nodes(self) -> int:
        return len(self.codes)

    @property
    def n_leaves(self) -> int:
        return len(self.leaf_nodes)

    @property
    def has_exclusions(self) -> bool:
        return NotApplicable.EXCLUDED in self.leaf_na

    def children(self, node: int) -> list[int]:
        return [i for i in range(node + 1, self.n_nodes) if self.parent[i] == node]

    def is_leaf(self, node: int) -> bool:
        return bool(
            self.end[node] - self.start[node] == 1 and self.leaf_nodes[self.start[node]] == node
        )


def compile_pack(pack: Pack, level: int | None = None) -> CompiledPack:
    """Validate ``pack`` and flatten it; ``level`` scores nodes at that depth directly.

    Each subtree is scored as deep as its maxima are known (a criterion whose
    sub-criteria are unknown is entered as a whole), and no deeper than
    ``level``: scoring at level 1 is how a pack whose sources stop at field
    level is used, field points entered exactly as published reports give them.
    :attr:`CompiledPack.coverage` says what the view covers.
    """
    check(pack)
    if level is not None and level < 1:
        raise ValueError("level counts from 1 (fields)")
    tree, coverage = scored_view(pack, level)
    ticks = 10**pack.point_decimals

    def to_ticks(value: Decimal | None) -> int:
        assert value is not None  # validated
        return decimal_to_ticks(value, pack.point_decimals)

    root = Node(code="", title=pack.title, children=tree)
    codes: list[str] = []
    titles: list[str] = []
    depth: list[int] = []
    parent: list[int] = []
    start: list[int] = []
    end: list[int] = []
    node_source: list[PointsSource | None] = []
    nodes: list[Node] = []
    leaf_nodes: list[int] = []
    leaf_source: list[PointsSource] = []

    def visit(node: Node, level_: int, up: int, inherited: PointsSource | None) -> None:
        index = len(codes)
        source = node.source or inherited
        codes.append(node.code)
        titles.append(node.title)
        depth.append(level_)
        parent.append(up)
        node_source.append(source)
        nodes.append(node)
        start.append(len(leaf_nodes))
        end.append(-1)
        if node.is_leaf and level_ > 0:
            leaf_nodes.append(index)
            assert source is not None  # validated
            leaf_source.append(source)
        for child in node.children:
            visit(child, level_ + 1, index, source)
        end[index] = len(leaf_nodes)

    visit(root, 0, -1, None)
    leaf_rules = tuple(nodes[i].rule for i in leaf_nodes)
    assert all(rule is not None for rule in leaf_rules)  # validated
    leaf_max = np.array([to_ticks(nodes[i].maximum) for i in leaf_nodes], dtype=np.int64)
    node_max = np.array([to_ticks(effective_maximum(n)) for n in nodes], dtype=np.int64)
    node_max[ROOT] = sum(to_ticks(effective_maximum(f)) for f in tree)

    by_kind: dict[str, list[int]] = defaultdict(list)
    for column, rule in enumerate(leaf_rules):
        by_kind[rule.kind].append(column)  # type: ignore[union-attr]
    groups = []
    for kind, columns in by_kind.items():
        rules = tuple(leaf_rules[c] for c in columns)
        first_rule = leaf_rules[columns[0]]
        assert first_rule is not None  # validated
        rule_class = type(first_rule)
        cols = np.array(columns, dtype=np.int64)
        groups.append(
            RuleGroup(
                kind=kind,
                columns=cols,
                rules=rules,  # type: ignore[arg-type]
                evaluator=rule_class.evaluator(rules, leaf_max[cols], ticks),  # type: ignore[arg-type]
                uses_group_best=rule_class.uses_group_best,
            )
        )

    bounded, adjustable = _bounded_nodes(pack, nodes, parent, node_max, to_ticks)
    limit = int(node_max[ROOT]) + sum(b.bonus_cap for b in bounded) + 1
    points_dtype: type[np.int32] | type[np.int64] = np.int32 if limit < 2**31 - 1 else np.int64
    return CompiledPack(
        pack=pack,
        level=level,
        tree=tree,
        codes=tuple(codes),
        titles=tuple(titles),
        depth=np.array(depth, dtype=np.int64),
        parent=np.array(parent, dtype=np.int64),
        start=np.array(start, dtype=np.int64),
        end=np.array(end, dtype=np.int64),
        node_source=tuple(node_source),
        leaf_nodes=np.array(leaf_nodes, dtype=np.int64),
        leaf_rules=leaf_rules,  # type: ignore[arg-type]
        leaf_max=leaf_max,
        leaf_source=tuple(leaf_source),
        leaf_na=tuple(nodes[i].not_applicable for i in leaf_nodes),
        node_max=node_max,
        groups=tuple(groups),
        bounded=bounded,
        adjustable_codes=adjustable,
        ticks_per_point=ticks,
        points_dtype=points_dtype,
        coverage=coverage,
    )


def _bounded_nodes(
    pack: Pack,
    nodes: list[Node],
    parent: list[int],
    node_max: Int64Array,
    convert: Callable[[Decimal], int],
) -> tuple[tuple[Bounded, ...], tuple[str, ...]]:
    """Find nodes whose bounds or adjustments can change their points."""
    n = len(nodes)

    def caps(index: int) -> tuple[Decimal | None, Decimal | None]:
        if index == ROOT:
            return pack.total_bonus_cap, pack.total_deduction_cap
        return nodes[index].bonus_cap, nodes[index].deduction_cap

    children: dict[int, list[int]] = defaultdict(list)
    for index in range(1, n):
        children[parent[index]].append(index)

    low = [0] * n
    high = [0] * n
    subtree_bonus = [0] * n
    candidates: list[tuple[int, Bounded]] = []
    adjustable: list[str] = []
    node_depth = [0] * n
    for index in range(1, n):
        node_depth[index] = node_depth[parent[index]] + 1

    for index in range(n - 1, -1, -1):  # children come after their parent in pre-order
        node = nodes[index]
        kids = children.get(index, [])
        bonus, deduction = caps(index)
        bonus_ticks = convert(bonus) if bonus is not None else 0
        deduction_ticks = convert(deduction) if deduction is not None else 0
        if kids:
            raw_low = sum(low[k] for k in kids)
            raw_high = sum(high[k] for k in kids)
            subtree_bonus[index] = bonus_ticks + sum(subtree_bonus[k] for k in kids)
        else:
            raw_low, raw_high = 0, int(node_max[index])
            subtree_bonus[index] = bonus_ticks
        cap = int(node_max[index]) if (node.capped and kids) else None
        floor = convert(node.floor) if node.floor is not None else 0
        ceiling = convert(node.ceiling) if node.ceiling is not None else None
        effective_ceiling = (
            ceiling if ceiling is not None else int(node_max[index]) + subtree_bonus[index]
        )
        base_high = min(raw_high, cap) if cap is not None else raw_high
        base_low = min(raw_low, cap) if cap is not None else raw_low
        adj_low, adj_high = base_low - deduction_ticks, base_high + bonus_ticks
        low[index] = max(floor, min(adj_low, effective_ceiling))
        high[index] = min(effective_ceiling, max(adj_high, floor))
        active = (
            cap is not None
            or bonus is not None
            or deduction is not None
            or floor > raw_low
            or effective_ceiling < raw_high
        )
        if not active:
            continue
        slot = None
        if bonus is not None or deduction is not None:
            slot = len(adjustable)
            adjustable.append(node.code if index != ROOT else "")
        targets = []
        walk = index
        while walk != -1:
            targets.append(walk)
            walk = parent[walk]
        candidates.append(
            (
                node_depth[index],
                Bounded(
                    node=index,
                    floor=floor,
                    ceiling=ceiling,
                    subtree_bonus=subtree_bonus[index],
                    cap=cap,
                    bonus_cap=bonus_ticks,
                    deduction_cap=deduction_ticks,
                    slot=slot,
                    targets=np.array(targets, dtype=np.int64),
                ),
            )
        )
    candidates.sort(key=lambda item: -item[0])
    # Slots were numbered in reverse pre-order; renumber in pre-order for readability.
    ordered = sorted((b for _, b in candidates if b.slot is not None), key=lambda b: b.node)
    renumber = {b.node: i for i, b in enumerate(ordered)}
    bounded = tuple(
        attrs.evolve(b, slot=renumber[b.node]) if b.slot is not None else b for _, b in candidates
    )
    codes = tuple(nodes[b.node].code for b in ordered)
    return bounded, codes
