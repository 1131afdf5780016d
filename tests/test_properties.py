"""Scoring invariants on random valid packs and inputs (hypothesis).

The strategies are the ones pack authors get from ``parindex.testing``.
Set HYPOTHESIS_PROFILE=thorough for a long run.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import pytest
from engine_support import requires_numba
from hypothesis import assume, given
from hypothesis import strategies as st

import parindex
import parindex.engines.numpy_engine
import parindex.testing as pt
from parindex.compiled import ROOT, CompiledPack
from parindex.fixedpoint import ticks_to_decimal
from parindex.inputs import ScoringInput
from parindex.model import Node, Pack
from parindex.reference import reference_score
from parindex.results import NO_GRADE, Results
from parindex.rules import Bands, Levels, PerItemDeduction
from parindex.validation import effective_maximum
from parindex.scoring import stage_views


@st.composite
def scored(
    draw: Any, max_depth: int = 3, max_units: int = 8, engine: str = "auto"
) -> tuple[CompiledPack, ScoringInput, Results]:
    pack = draw(pt.packs(max_depth=max_depth))
    compiled = parindex.compile_pack(pack)
    data = draw(pt.scoring_inputs(compiled, max_units=max_units))
    return compiled, data, parindex.score(compiled, data, engine=engine)


def ticks(results: Results, value: int) -> Decimal:
    return ticks_to_decimal(value, results.pack.point_decimals)


def _assert_equals_reference(case: Any) -> None:
    compiled, data, results = case
    views = {"final": tuple(s for s in compiled.pack.stage_policy if s in data.stages)}
    views.update(stage_views(compiled.pack, tuple(data.stages)))
    for name, preference in views.items():
        stage = None if name == "final" else name
        for ref in reference_score(compiled, data, preference):
            for code in compiled.codes:
                assert results.points(ref.unit, code, stage) == ref.points[code], (name, ref.unit, code)
                assert results.maximum(ref.unit, code, stage) == ref.maximum[code], (name, ref.unit, code)
                assert results.index(ref.unit, code, stage) == ref.index[code], (name, ref.unit, code)
                assert results.grade(ref.unit, code, stage) == ref.grade[code], (name, ref.unit, code)
            assert results.rank(ref.unit, stage) == ref.rank, (name, ref.unit)


@given(scored(engine="numpy"))
def test_vectorised_equals_the_decimal_reference_exactly(case: Any) -> None:
    _assert_equals_reference(case)


@requires_numba
@given(scored(engine="kernel"))
def test_fused_kernel_equals_the_decimal_reference_exactly(case: Any) -> None:
    _assert_equals_reference(case)


@given(scored())
def test_every_node_stays_within_its_floor_and_ceiling(case: Any) -> None:
    compiled, _, results = case
    scores = results.final
    maximum = scores.unit_maximum()
    for bounded in compiled.bounded:
        column = scores.points[:, bounded.node].astype(np.int64)
        ceiling = (
            bounded.ceiling
            if bounded.ceiling is not None
            else maximum[:, bounded.node] + bounded.subtree_bonus
        )
        assert (column >= bounded.floor).all()
        assert (column <= ceiling).all()
    unbounded = [n for n in range(compiled.n_nodes) if n not in {b.node for b in compiled.bounded}]
    # Without bounds of its own a node can only leave [0, max] through its children's bonuses
    # and negative floors, which the compile-time analysis would have made it bounded for.
    points = scores.points[:, unbounded].astype(np.int64)
    subtree_bonus = np.array([_subtree_bonus(compiled, n) for n in unbounded], dtype=np.int64)
    assert (points >= _lowest(compiled, unbounded)).all()
    assert (points <= maximum[:, unbounded] + subtree_bonus).all()


def _subtree_bonus(compiled: CompiledPack, node: int) -> int:
    return sum(b.bonus_cap for b in compiled.bounded if node in b.targets.tolist())


def _lowest(compiled: CompiledPack, nodes: list[int]) -> np.ndarray:  # type: ignore[type-arg]
    floors = []
    for node in nodes:
        below = [b.floor for b in compiled.bounded if node in b.targets.tolist() and b.floor < 0]
        floors.append(sum(below))
    return np.array(floors, dtype=np.int64)


@given(scored())
def test_a_parent_is_the_sum_of_its_children_before_its_own_adjustments(case: Any) -> None:
    compiled, _, results = case
    points = results.final.points.astype(np.int64)
    bounded = {b.node for b in compiled.bounded}
    limited = results.final.limited
    for node in range(compiled.n_nodes):
        children = compiled.children(node)
        if not children:
            continue
        total = points[:, children].sum(axis=1)
        if node not in bounded:
            assert (points[:, node] == total).all(), compiled.codes[node]
        elif limited is not None and compiled.pack.total_bonus_cap is None and node == ROOT:
            pass  # bounded root: covered by the reference comparison
    # Leaves' points are always within [0, maximum] before their own adjustments.
    leaf_points = points[:, compiled.leaf_nodes]
    plain = [i for i, n in enumerate(compiled.leaf_nodes.tolist()) if n not in bounded]
    assert (leaf_points[:, plain] >= 0).all()
    assert (leaf_points[:, plain] <= compiled.leaf_max[plain]).all()


def _raise_one(pack: Pack, compiled: CompiledPack, values: np.ndarray, row: int, column: int) -> float | None:  # type: ignore[type-arg]
    """A value for (row, column) that a person would call "better", or None."""
    rule = compiled.leaf_rules[column]
    current = values[row, column]
    if np.isnan(current) or rule.uses_group_best:
        return None
    if isinstance(rule, Levels):
        points = [level.points for level in rule.levels]
        better = [i for i, p in enumerate(points) if p > points[int(current)]]
        return float(better[0]) if better else None
    if isinstance(rule, PerItemDeduction):
        return float(current - 1) if current >= 1 else None  # fewer items counted is better
    maximum = ticks_to_decimal(int(compiled.leaf_max[column]), pack.point_decimals)
    if isinstance(rule, Bands) and not rule.monotone:
        # Lower values may earn more: "better" is a value in a band that earns more.
        now = rule.reference_points(Decimal(str(current)), maximum, None)
        for interval in rule.intervals():
            low = rule.lower if interval.low is None else interval.low
            candidate = low if interval.low is None or interval.low_inclusive else low + Decimal("0.01")
            if interval.points > now and rule.accepts(candidate, maximum):
                assert rule.reference_points(candidate, maximum, None) == interval.points
                return float(candidate)
        return None
    assert rule.monotone, rule
    for step in (Decimal("0.01"), Decimal(1), Decimal(10)):
        candidate = Decimal(str(current)) + step
        if rule.accepts(candidate, maximum):
            return float(candidate)
    return None


@given(scored(max_units=4), st.data())
def test_raising_an_input_never_lowers_any_of_the_units_scores(case: Any, data: st.DataObject) -> None:
    compiled, scoring_input, results = case
    assume(len(scoring_input.stages) == 1)  # one stage: the raised value is the counted one
    (stage_name, stage), = scoring_input.stages.items()
    # Draw among the entries that can be raised, rather than filtering random ones.
    candidates = [
        (row, column, better)
        for row in range(len(scoring_input.units))
        for column in range(compiled.n_leaves)
        if (better := _raise_one(compiled.pack, compiled, stage.values, row, column)) is not None
    ]
    assume(candidates)
    row, column, better = data.draw(st.sampled_from(candidates))
    values = stage.values.copy()
    values[row, column] = better
    raised = parindex.score(
        compiled,
        attrs.evolve(scoring_input, stages={stage_name: attrs.evolve(stage, values=values)}),
    )
    before = results.final.points[row].astype(np.int64)
    after = raised.final.points[row].astype(np.int64)
    assert (after >= before).all()


@given(scored(), st.randoms(use_true_random=False))
def test_permuting_units_permutes_results(case: Any, random: Any) -> None:
    compiled, data, results = case
    order = list(range(len(data.units)))
    random.shuffle(order)
    shuffled = attrs.evolve(
        data,
        units=tuple(data.units[i] for i in order),
        stages={
            name: attrs.evolve(
                stage,
                values=stage.values[order],
                not_applicable=stage.not_applicable[order],
                bonus=stage.bonus[order],
                deduction=stage.deduction[order],
            )
            for name, stage in data.stages.items()
        },
    )
    again = parindex.score(compiled, shuffled)
    assert (again.final.points == results.final.points[order]).all()
    assert (again.final.index == results.final.index[order]).all()
    assert (again.final.rank == results.final.rank[order]).all()


@given(scored())
def test_ranks_are_consistent_with_rounded_totals(case: Any) -> None:
    compiled, data, results = case
    groups = [unit.group for unit in data.units]
    index = results.final.index[:, ROOT]
    rank = results.final.rank
    defined = results.final.unit_maximum()[:, ROOT] > 0
    for i in range(len(groups)):
        for j in range(len(groups)):
            if groups[i] != groups[j] or not (defined[i] and defined[j]):
                continue
            if index[i] > index[j]:
                assert rank[i] < rank[j]
            if index[i] == index[j]:
                assert rank[i] == rank[j]
        if defined[i]:
            better = sum(
                1 for j in range(len(groups)) if groups[j] == groups[i] and defined[j] and index[j] > index[i]
            )
            assert rank[i] == better + 1


@given(scored())
def test_grades_agree_with_thresholds(case: Any) -> None:
    compiled, _, results = case
    grades = compiled.pack.classification.grades
    scale = Decimal(10) ** compiled.pack.rounding.decimals
    eligible_root = not compiled.pack.eligibility
    for row in range(results.final.points.shape[0]):
        for node in range(compiled.n_nodes):
            grade = int(results.final.grade[row, node])
            if results.final.unit_maximum()[row, node] == 0:
                assert grade == NO_GRADE
                continue
            if node == ROOT and not eligible_root:
                continue
            index = Decimal(int(results.final.index[row, node])) / scale
            expected = next(
                position
                for position, g in enumerate(grades)
                if g.minimum is None or index > g.minimum or (g.inclusive and index == g.minimum)
            )
            assert grade == expected


@given(scored(max_units=6))
def test_scores_do_not_depend_on_block_size(case: Any) -> None:
    compiled, data, results = case
    original = parindex.engines.numpy_engine.BLOCK_VALUES
    try:
        parindex.engines.numpy_engine.BLOCK_VALUES = 1  # one unit per block
        small = parindex.score(compiled, data, engine="numpy")
    finally:
        parindex.engines.numpy_engine.BLOCK_VALUES = original
    assert (small.final.points == results.final.points).all()
    assert (small.final.rank == results.final.rank).all()


@requires_numba
@given(scored(max_units=7, engine="numpy"), st.integers(1, 3))
def test_kernel_scores_do_not_depend_on_block_size(case: Any, block: int) -> None:
    from parindex.engines.kernel import adapter

    compiled, data, results = case
    original = adapter.BLOCK_UNITS
    try:
        adapter.BLOCK_UNITS = block
        small = parindex.score(compiled, data, engine="kernel")
    finally:
        adapter.BLOCK_UNITS = original
    for name in ("points", "index", "grade", "rank", "missing"):
        assert np.array_equal(getattr(small.final, name), getattr(results.final, name)), name
    assert np.array_equal(small.final.unit_maximum(), results.final.unit_maximum())
    if results.final.limited is not None:
        assert np.array_equal(small.final.limited, results.final.limited)


def _mutations(pack: Pack) -> list[tuple[str, Pack]]:
    """Ways to break a valid pack, each with the code validation must name."""
    field = pack.tree[0]
    out: list[tuple[str, Pack]] = [
        (field.code, attrs.evolve(pack, tree=(*pack.tree, field))),  # duplicate field
    ]
    children_sum = sum((effective_maximum(c) for c in field.children), Decimal(0))
    wrong_sum = attrs.evolve(field, maximum=children_sum + Decimal(1), capped=False)
    if field.children:
        out.append((field.code, attrs.evolve(pack, tree=(wrong_sum, *pack.tree[1:]))))
        child = field.children[0]
        misplaced = attrs.evolve(child, code=f"{field.code}x.1")
        out.append(
            (misplaced.code, attrs.evolve(pack, tree=(attrs.evolve(field, children=(misplaced, *field.children[1:])), *pack.tree[1:])))
        )
    else:
        out.append((field.code, attrs.evolve(pack, tree=(attrs.evolve(field, rule=None), *pack.tree[1:]))))
    return out


@given(pt.packs(max_depth=2))
def test_invalid_packs_are_rejected_naming_the_code(pack: Pack) -> None:
    for code, broken in _mutations(pack):
        with pytest.raises(parindex.PackError) as info:
            parindex.compile_pack(broken)
        assert code in {v.code for v in info.value.violations}


def test_the_strategies_cover_every_rule_kind_and_deep_trees() -> None:
    seen: set[str] = set()
    depths: set[int] = set()
    bands_seen: set[bool] = set()

    @given(pt.packs(max_depth=4))
    def collect(pack: Pack) -> None:
        for depth, node in pack.walk():
            depths.add(depth)
            if isinstance(node, Node) and node.rule is not None:
                seen.add(node.rule.kind)
                if isinstance(node.rule, Bands):
                    bands_seen.add(node.rule.monotone)

    collect()
    assert seen == set(pt.RULE_KINDS)
    assert bands_seen == {True, False}  # bands where higher values earn more, and lower
    assert max(depths) >= 3
