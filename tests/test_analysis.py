"""Analyses: explanations add up to the score, what-if equals a full re-score,
greedy targets against exhaustive search, zero-width sensitivity gives base ranks."""

from __future__ import annotations

from decimal import Decimal

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import parindex
from parindex.analysis._common import partition
from parindex.analysis.discrepancy import discrepancy
from parindex.analysis.explain import explain, root_adjustments
from parindex.analysis.lost_points import (
    _index_gains,
    group_lost_points,
    lost_points,
    top_lost_criteria,
    top_lost_criteria_many,
)
from parindex.analysis.sensitivity import competition_ranks_2d, sample_ranks, sensitivity
from parindex.analysis.synthetic_appraisal import synthetic_appraisal
from parindex.analysis.whatif import Change, exhaustive_target, plan_target, scenario, what_if
from parindex.compiled import ROOT, CompiledPack
from parindex.inputs import NOT_APPLICABLE, Override, ScoringInput, StageData, Unit
from parindex.model import Node, NotApplicable, Pack, PointsSource, UnitGroup, YearRange
from parindex.rules import Achieved, Levels, Proportional
from parindex.scoring import competition_ranks
from parindex.synthetic import synthetic_input

GROUPS = ("Huyện A", "Huyện B")


def _grouped(data: ScoringInput, groups: int) -> ScoringInput:
    units = tuple(
        attrs.evolve(u, group=GROUPS[i % groups] if groups > 1 else "")
        for i, u in enumerate(data.units)
    )
    return attrs.evolve(data, units=units)


def _data(
    compiled: CompiledPack, n: int, seed: int, groups: int = 1, appraisal: bool = True
) -> ScoringInput:
    data = _grouped(synthetic_input(compiled, n, seed=seed), groups)
    return synthetic_appraisal(compiled, data, seed=seed) if appraisal else data


# -- explain ---------------------------------------------------------------------------


@given(seed=st.integers(0, 10_000), n=st.integers(2, 25), groups=st.integers(1, 2))
def test_explanation_adds_up_to_the_scored_totals(
    commune: CompiledPack, seed: int, n: int, groups: int
) -> None:
    results = parindex.score(commune, _data(commune, n, seed, groups))
    for unit in results.unit_ids:
        e = explain(results, unit)
        by_code = {node.code: node for node in e.nodes}
        assert e.points == results.points(unit)
        assert e.maximum == results.maximum(unit)
        for node in e.nodes:
            assert node.points == results.points(unit, node.code)
            assert node.maximum == results.maximum(unit, node.code)
            assert node.lost == node.maximum - node.points
            if not node.is_leaf:
                kids = [c for c in e.nodes if c.code.rpartition(".")[0] == node.code]
                children = sum((c.points for c in kids), Decimal(0))
                assert node.children == children
                assert node.points == children + node.cap + node.bonus - node.deduction + node.bound
        leaves = sum((n.points for n in e.nodes if n.is_leaf), Decimal(0))
        adjustments = sum(
            (n.cap + n.bonus - n.deduction + n.bound for n in e.nodes if not n.is_leaf), Decimal(0)
        )
        assert leaves + adjustments + root_adjustments(e) == e.points
        assert by_code  # the tree is there


def test_explain_shows_the_appraisal_change(commune: CompiledPack) -> None:
    data = _data(commune, 40, 3)
    results = parindex.score(commune, data)
    appraised = data.stages["appraisal_1"].values
    row, column = (int(x[0]) for x in np.nonzero(~np.isnan(appraised)))
    unit, code = results.unit_ids[row], commune.leaf_codes[column]
    node = next(n for n in explain(results, unit).nodes if n.code == code)
    assert node.source_stage == "appraisal_1"
    assert node.compare_points == results.points(unit, code, stage="self")
    assert node.difference == results.points(unit, code) - results.points(unit, code, stage="self")
    assert node.compare_value is not None and node.compare_value != node.value


def test_explain_names_an_override(commune: CompiledPack) -> None:
    data = synthetic_input(commune, 5)
    override = Override("SYN-2", "1.4", "đạt", reason="kết luận thanh tra", author="Sở Nội vụ")
    results = parindex.score(commune, attrs.evolve(data, overrides=(override,)))
    node = next(n for n in explain(results, "SYN-2").nodes if n.code == "1.4")
    assert node.source_stage == "override" and "kết luận thanh tra" in node.note
    assert node.points == Decimal(2)


def test_explain_field_level_province_pack(province_1150: CompiledPack) -> None:
    results = parindex.score(province_1150, synthetic_input(province_1150, 20))
    for unit in results.unit_ids:
        assert explain(results, unit, lang="en").points == results.points(unit)


# -- what-if ---------------------------------------------------------------------------


def _apply_to_input(
    compiled: CompiledPack, data: ScoringInput, changes: list[Change]
) -> ScoringInput:
    """The changes written into the top stage of the policy: the full re-score's input."""
    top = next(s for s in compiled.pack.stage_policy if s in data.stages)
    stage = data.stages[top]
    values, na = stage.values.copy(), stage.not_applicable.copy()
    ids = list(data.unit_ids)
    for change in changes:
        row, column = ids.index(change.unit), compiled.leaf_index[change.code]
        if change.value is NOT_APPLICABLE:
            values[row, column], na[row, column] = np.nan, True
        else:
            values[row, column] = compiled.leaf_rules[column].encode(change.value)
            na[row, column] = False
    new = StageData(values, na, stage.bonus, stage.deduction)
    return attrs.evolve(data, stages={**data.stages, top: new})


@st.composite
def _changes(draw: st.DrawFn, compiled: CompiledPack, data: ScoringInput) -> list[Change]:
    """Changes to values other units really entered (so always valid), or to 'không phát sinh'."""
    self_values = data.stages["self"].values
    count = draw(st.integers(1, 4))
    changes = []
    for _ in range(count):
        row = draw(st.integers(0, len(data.units) - 1))
        column = draw(st.integers(0, compiled.n_leaves - 1))
        code = compiled.leaf_codes[column]
        rule = compiled.leaf_rules[column]
        options: list[object] = [
            rule.levels[int(v)].label if isinstance(rule, Levels) else float(v)
            for v in self_values[:, column]
            if not np.isnan(v)
        ]
        if code == "3.4.1":
            options.append(5000.0)  # beyond every synthetic value: moves the group's best
        na_ok = compiled.leaf_na[column] is not NotApplicable.NOT_ALLOWED
        value: object = (
            NOT_APPLICABLE if na_ok and draw(st.booleans()) else draw(st.sampled_from(options))
        )
        changes.append(Change(data.unit_ids[row], code, value))
    return changes


@given(data=st.data(), seed=st.integers(0, 1000), groups=st.integers(1, 2))
def test_what_if_equals_a_full_rescore(
    commune: CompiledPack, data: st.DataObject, seed: int, groups: int
) -> None:
    inputs = _data(commune, 12, seed, groups)
    results = parindex.score(commune, inputs)
    changes = data.draw(_changes(commune, inputs))
    # Last change to a cell wins, as in the full re-score.
    after = scenario(results, changes)
    full = parindex.score(commune, _apply_to_input(commune, inputs, changes)).final
    np.testing.assert_array_equal(after.points, full.points)
    np.testing.assert_array_equal(after.maximum, full.unit_maximum())
    np.testing.assert_array_equal(after.index, full.index)
    np.testing.assert_array_equal(after.grade, full.grade)
    np.testing.assert_array_equal(after.rank, full.rank)


def test_what_if_names_a_not_applicable_change_in_the_readers_language(
    commune: CompiledPack,
) -> None:
    from parindex.analysis.whatif import render_what_if

    results = parindex.score(commune, _data(commune, 6, 3, groups=1))
    column = next(
        i for i, na in enumerate(commune.leaf_na) if na is not NotApplicable.NOT_ALLOWED
    )
    unit, code = results.unit_ids[0], commune.leaf_codes[column]
    changed = what_if(results, [Change(unit, code, "kps")])
    assert changed.changes[0].value == "không phát sinh"  # recorded as the grammar's entry
    head = render_what_if(changed, lang="en").splitlines()[0]
    assert head.endswith(f"{unit} {code} = not applicable"), head
    head = render_what_if(changed, lang="vi").splitlines()[0]
    assert head.endswith(f"{unit} {code} = không phát sinh"), head


def test_what_if_rescores_the_group_when_the_best_value_moves(commune: CompiledPack) -> None:
    inputs = _data(commune, 30, 11, groups=2)
    results = parindex.score(commune, inputs)
    unit = results.unit_ids[0]
    group = results.units[0].group
    quiet = what_if(results, [Change(unit, "1.4", "đạt")])
    assert quiet.best_moved == () and quiet.rescored == 1
    moved = what_if(results, [Change(unit, "3.4.1", 10**6)])
    assert moved.best_moved == ("3.4.1",)
    assert moved.rescored == sum(1 for u in results.units if u.group == group)
    others = {o.unit for o in moved.outcomes if o.points_after != o.points_before} - {unit}
    assert others, "a new best value lowers the other units' points"
    assert all(results.units[results.position(u)].group == group for u in others)


def test_what_if_rejects_bad_values_with_unit_and_code(commune: CompiledPack) -> None:
    results = parindex.score(commune, synthetic_input(commune, 5))
    with pytest.raises(parindex.InputError) as info:
        what_if(
            results,
            [
                Change("SYN-1", "1.4", "có lẽ"),
                Change("SYN-9", "1.4", "đạt"),
                Change("SYN-1", "2.3", 140),
            ],
        )
    problems = info.value.problems
    assert [(p.unit, p.code) for p in problems] == [
        ("SYN-1", "1.4"),
        ("SYN-9", "1.4"),
        ("SYN-1", "2.3"),
    ]


# -- targets: greedy against exhaustive ------------------------------------------------


def _small_pack(spec: list[list[int]], capped: bool) -> Pack:
    """A tiny SYNTHETIC pack: fields of criteria with two leaves each (achieved, proportional)."""
    fields = []
    for f, criteria in enumerate(spec, start=1):
        kids = []
        for c, weight in enumerate(criteria, start=1):
            code = f"{f}.{c}"
            leaves = (
                Node(code=f"{code}.1", title="mô phỏng", maximum=Decimal(weight), rule=Achieved()),
                Node(
                    code=f"{code}.2", title="mô phỏng", maximum=Decimal(weight), rule=Proportional()
                ),
            )
            cap = capped and c == 1
            kids.append(
                Node(
                    code=code,
                    title="mô phỏng",
                    children=leaves,
                    capped=cap,
                    maximum=Decimal(weight) if cap else None,
                )
            )
        fields.append(
            Node(
                code=str(f),
                title="mô phỏng",
                source=PointsSource.SELF_ASSESSMENT,
                children=tuple(kids),
            )
        )
    return Pack(
        id="tiny-synthetic",
        title="SYNTHETIC",
        version="1",
        unit_group=UnitGroup.COMMUNE,
        years=YearRange(2000),
        tree=tuple(fields),
        synthetic=True,
    )


@given(
    spec=st.lists(st.lists(st.integers(1, 4), min_size=1, max_size=3), min_size=1, max_size=3),
    capped=st.booleans(),
    seed=st.integers(0, 1000),
    target=st.integers(1, 3),
    by_grade=st.booleans(),
)
def test_greedy_target_against_exhaustive_search(
    spec: list[list[int]], capped: bool, seed: int, target: int, by_grade: bool
) -> None:
    compiled = parindex.compile_pack(_small_pack(spec, capped))
    rng = np.random.default_rng(seed)
    n = 6
    values = np.where(
        np.arange(compiled.n_leaves) % 2 == 0,
        rng.integers(0, 2, (n, compiled.n_leaves)),
        rng.integers(0, 101, (n, compiled.n_leaves)),
    )
    results = parindex.score(
        compiled, parindex.from_array(compiled, [f"U{i}" for i in range(n)], values.astype(float))
    )
    unit = results.unit_ids[int(np.argmin(results.final.index[:, ROOT]))]
    goal = {"grade": "ABC"[target - 1]} if by_grade else {"rank": target}
    plan = plan_target(results, unit, **goal)  # type: ignore[arg-type]
    best = exhaustive_target(results, unit, **goal)  # type: ignore[arg-type]
    assert plan.reached == (best is not None)
    if best is None:
        return
    assert len(plan.steps) >= len(best)
    if not capped:  # gains add up: largest first is optimal in the number of criteria
        assert len(plan.steps) == len(best)
    # The plan really meets the target under a full re-score.
    changes = []
    for step in plan.steps:
        for leaf in partition(compiled, None):
            code = compiled.codes[leaf]
            if code.startswith(step.code + "."):
                changes.append(Change(unit, code, 1 if compiled.leaf_index[code] % 2 == 0 else 100))
    rescored = parindex.score(compiled, _apply_to_input(compiled, results.input, changes))
    if by_grade:
        assert rescored.grade(unit) is not None and rescored.grade(unit) <= goal["grade"]  # type: ignore[operator]
    else:
        assert rescored.rank(unit) <= target  # type: ignore[operator]


# -- lost points -----------------------------------------------------------------------


def test_lost_points_cover_every_leaf_once_and_add_up(commune: CompiledPack) -> None:
    results = parindex.score(commune, _data(commune, 50, 5))
    for level in (1, 2, None):
        nodes = partition(commune, level)
        covered = sorted(
            i for n in nodes for i in range(int(commune.start[n]), int(commune.end[n]))
        )
        assert covered == list(range(commune.n_leaves))
    table = lost_points(results, level=2)
    maxima = results.final.unit_maximum()
    for row in table.nodes:
        node = commune.node_index[row.code]
        expected = int((maxima[:, node] - results.final.points[:, node]).sum())
        assert row.lost_total == Decimal(expected).scaleb(-4)
    assert [c.code for c in group_lost_points(results)] == [c.code for c in table.ranked]


def test_unit_gain_equals_what_if_at_full_marks(commune: CompiledPack) -> None:
    results = parindex.score(commune, synthetic_input(commune, 40, seed=9))
    unit = results.unit_ids[3]
    gains = {g.code: g for g in top_lost_criteria(results, unit, n=100, level=None)}
    for code, full in (("1.4", "đạt"), ("7.3", 9), ("2.3", 100)):
        if code not in gains:
            continue
        after = what_if(results, [Change(unit, code, full)])
        mine = next(o for o in after.outcomes if o.unit == unit)
        assert gains[code].index_after == mine.index_after


def test_batched_unit_gains_match_unit_by_unit(commune: CompiledPack) -> None:
    """The batched lists (used by the HTML report) equal each unit's own computation."""
    results = parindex.score(commune, _data(commune, 30, 5, groups=2))
    nodes = partition(commune, 2)
    many = top_lost_criteria_many(results, n=100)
    assert list(many) == list(results.unit_ids)
    for unit in results.unit_ids[::7]:
        row = np.array([results.position(unit)], dtype=np.int64)
        own = _index_gains(results, None, row, nodes)[0]
        expected = {
            results.compiled.codes[node]: Decimal(int(own[k])).scaleb(-2)
            for k, node in enumerate(nodes)
        }
        got = many[unit]
        assert got, "synthetic units lose points somewhere"
        assert all(g.gain == expected[g.code] for g in got)
        lost = results.final.unit_maximum()[row[0]] - results.final.points[row[0]]
        assert {g.code for g in got} == {results.compiled.codes[n] for n in nodes if lost[n] > 0}
        assert [g.gain for g in got] == sorted((g.gain for g in got), reverse=True)
    assert top_lost_criteria_many(results, [results.unit_ids[4]], n=3) == {
        results.unit_ids[4]: many[results.unit_ids[4]][:3]
    }


# -- discrepancy -----------------------------------------------------------------------


def test_discrepancy_totals(commune: CompiledPack) -> None:
    results = parindex.score(commune, _data(commune, 60, 2))
    result = discrepancy(results)
    own, final = results.stages["self"], results.final
    for u in result.units:
        row = results.position(u.unit)
        assert u.difference == Decimal(
            int(own.points[row, ROOT]) - int(final.points[row, ROOT])
        ).scaleb(-4)
    diffs = [u.difference for u in result.units]
    assert diffs == sorted(diffs, reverse=True)
    total_leaf = sum((c.total for c in result.criteria), Decimal(0))
    leaves = commune.leaf_nodes
    assert total_leaf == Decimal(
        int((own.points[:, leaves].astype(int) - final.points[:, leaves]).sum())
    ).scaleb(-4)
    # Survey leaves are never appraised in the synthetic appraisal.
    survey = [c for c in result.criteria if c.code.startswith("8.")]
    assert all(c.units_over == 0 for c in survey)
    assert result.units[0].difference > 0 and result.criteria[0].total > 0


def test_discrepancy_needs_two_views(commune: CompiledPack) -> None:
    results = parindex.score(commune, synthetic_input(commune, 5))
    with pytest.raises(parindex.ParIndexError):
        discrepancy(results)


# -- sensitivity -----------------------------------------------------------------------


@given(seed=st.integers(0, 1000), groups=st.integers(1, 2))
def test_zero_width_bounds_reproduce_base_ranks(
    commune: CompiledPack, seed: int, groups: int
) -> None:
    results = parindex.score(commune, _data(commune, 40, seed, groups))
    fields = [n for n in range(1, commune.n_nodes) if commune.depth[n] == 1]
    weights = np.tile(commune.node_max[fields] / commune.ticks_per_point, (3, 1))
    ranks = sample_ranks(results, weights)
    for row in ranks:
        np.testing.assert_array_equal(row, results.final.rank)
    summary = sensitivity(results, spread=0.0, samples=4, seed=seed)
    assert all(u.median == u.p05 == u.p95 == u.base_rank for u in summary.units)


@given(
    keys=st.lists(st.lists(st.integers(0, 6), min_size=7, max_size=7), min_size=1, max_size=5),
    groups=st.lists(st.integers(0, 2), min_size=7, max_size=7),
    defined=st.lists(st.booleans(), min_size=7, max_size=7),
)
def test_row_ranks_match_the_scorer(
    keys: list[list[int]], groups: list[int], defined: list[bool]
) -> None:
    matrix = np.array(keys, dtype=np.int64)
    group_of = np.array(groups, dtype=np.int64)
    mask = np.broadcast_to(np.array(defined), matrix.shape)
    ranks = competition_ranks_2d(matrix, mask, group_of)
    for k in range(matrix.shape[0]):
        np.testing.assert_array_equal(
            ranks[k], competition_ranks(matrix[k], np.array(defined), group_of)
        )


def test_sensitivity_moves_ranks_within_bounds(commune: CompiledPack) -> None:
    results = parindex.score(commune, synthetic_input(commune, 200))
    summary = sensitivity(results, spread=0.5, samples=200, seed=1)
    assert any(u.p05 != u.p95 for u in summary.units)
    assert all(u.p05 <= u.median <= u.p95 for u in summary.units)  # type: ignore[operator]
    one = sensitivity(results, bounds={"8": (Decimal(36), Decimal(36))}, spread=0.0, samples=2)
    assert [b.low for b in one.bounds if b.code == "8"] == [Decimal(36)]
    with pytest.raises(parindex.ParIndexError):
        sensitivity(results, bounds={"9": (Decimal(1), Decimal(2))})


# -- structure and CLI -----------------------------------------------------------------


def test_results_unstructure_with_cattrs(commune: CompiledPack) -> None:
    from parindex.plugins import converter

    results = parindex.score(commune, _data(commune, 10, 1))
    conv = converter()
    for value in (
        explain(results, "SYN-01"),
        lost_points(results),
        discrepancy(results),
        what_if(results, [Change("SYN-01", "1.4", "đạt")]),
        plan_target(results, "SYN-01", rank=1),
    ):
        plain = conv.unstructure(value)
        assert conv.structure(plain, type(value)) == value


@pytest.mark.parametrize(
    "argv",
    [
        ["explain", "synthetic-commune", "--demo", "30", "--unit", "SYN-05", "--lang", "en"],
        ["lost-points", "synthetic-commune", "--demo", "30", "--top", "3"],
        ["lost-points", "synthetic-commune", "--demo", "30", "--unit", "SYN-05"],
        ["discrepancy", "synthetic-commune", "--demo", "30"],
        ["what-if", "synthetic-commune", "--demo", "30", "--set", "SYN-05:1.4=đạt"],
        ["what-if", "synthetic-commune", "--demo", "30", "--unit", "SYN-05", "--target-rank", "3"],
        ["sensitivity", "synthetic-commune", "--demo", "30", "--samples", "50", "--json"],
    ],
)
def test_cli_commands_run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from parindex.cli import main

    assert main(argv) == 0
    out = capsys.readouterr().out
    assert (
        ("SYN-" in out)
        if argv[0] != "lost-points" or "--unit" in argv
        else ("Tiêu chí mô phỏng" in out)
    )


def test_cli_reports_a_bad_change(capsys: pytest.CaptureFixture[str]) -> None:
    from parindex.cli import main

    assert main(["what-if", "synthetic-commune", "--demo", "5", "--set", "SYN-1=3"]) == 2
    assert "UNIT:CODE=VALUE" in capsys.readouterr().err


def test_units_keep_their_names(commune: CompiledPack) -> None:
    data = attrs.evolve(
        synthetic_input(commune, 3), units=(Unit("a", "Xã A"), Unit("b", "Xã B"), Unit("c", "Xã C"))
    )
    results = parindex.score(commune, data)
    assert explain(results, "b").name == "Xã B"
