"""The vectorised scorer's fast paths equal the plain Decimal reference exactly.

Covers the fused validate-and-evaluate pass, the float-exact index division,
the counting ranks and the compact result dtypes: every (unit, node) point,
maximum, index, grade and every rank must be identical to
:func:`parindex.reference.reference_score`, not merely close.
"""

from __future__ import annotations

import numpy as np
import pytest
from engine_support import ENGINES
from hypothesis import given
from hypothesis import strategies as st

import parindex
from parindex.compiled import CompiledPack
from parindex.fixedpoint import quantize_values
from parindex.inputs import Unit, from_array
from parindex.reference import reference_score
from parindex.scoring import competition_ranks, score
from parindex.synthetic import synthetic_values


def _assert_equal(
    compiled: CompiledPack, data: parindex.ScoringInput, engine: str, stage: str | None = None
) -> None:
    results = score(compiled, data, engine=engine)
    preference = None if stage is None else results.scores(stage).stages_used
    expected = reference_score(compiled, data, preference)
    for unit in expected:
        for code in compiled.codes:
            got = (
                results.points(unit.unit, code, stage),
                results.maximum(unit.unit, code, stage),
                results.index(unit.unit, code, stage),
                results.grade(unit.unit, code, stage),
            )
            want = (unit.points[code], unit.maximum[code], unit.index[code], unit.grade[code])
            assert got == want, (unit.unit, code)
        assert results.rank(unit.unit, stage) == unit.rank, unit.unit


def _random_input(
    compiled: CompiledPack, n_units: int, seed: int, na_rate: float, n_groups: int
) -> parindex.ScoringInput:
    values, na = synthetic_values(compiled, n_units, seed, na_rate)
    rng = np.random.default_rng(seed)
    units = [Unit(f"U{i}", group=f"G{rng.integers(n_groups)}") for i in range(n_units)]
    n_adj = len(compiled.adjustable_codes)
    caps = np.zeros((2, n_adj))
    for bounded in compiled.bounded:
        if bounded.slot is not None:
            caps[:, bounded.slot] = (bounded.bonus_cap, bounded.deduction_cap)
    caps /= compiled.ticks_per_point
    adjustments = [
        np.where(
            (rng.uniform(size=(n_units, n_adj)) < 0.4) & (cap > 0),
            np.round(rng.uniform(0, 1, (n_units, n_adj)) * cap, 3),
            np.nan,
        )
        for cap in caps
    ]
    bonus, deduction = adjustments
    return from_array(compiled, units, values, not_applicable=na, bonus=bonus, deduction=deduction)


@given(
    n_units=st.integers(1, 40),
    seed=st.integers(0, 2**32 - 1),
    na_rate=st.sampled_from([0.0, 0.1, 0.6, 1.0]),
    n_groups=st.integers(1, 3),
)
@pytest.mark.parametrize("engine", ENGINES)
def test_fast_path_equals_reference(
    commune: CompiledPack, engine: str, n_units: int, seed: int, na_rate: float, n_groups: int
) -> None:
    _assert_equal(commune, _random_input(commune, n_units, seed, na_rate, n_groups), engine)


@given(seed=st.integers(0, 2**32 - 1), level=st.sampled_from([1, 2]))
@pytest.mark.parametrize("engine", ENGINES)
def test_levels_and_direct_points_equal_reference(
    commune_pack: parindex.Pack, engine: str, seed: int, level: int
) -> None:
    compiled = parindex.compile_pack(commune_pack, level=level)
    values, na = synthetic_values(compiled, 25, seed, 0.1)
    data = from_array(compiled, [f"U{i}" for i in range(25)], values, not_applicable=na)
    _assert_equal(compiled, data, engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_province_pack_equals_reference(province_1150: CompiledPack, engine: str) -> None:
    data = parindex.synthetic.synthetic_input(province_1150, 30)
    _assert_equal(province_1150, data, engine)


@given(seed=st.integers(0, 2**32 - 1))
@pytest.mark.parametrize("engine", ENGINES)
def test_stage_views_equal_reference(commune: CompiledPack, engine: str, seed: int) -> None:
    """Several stages: the final view and each stage view match the reference."""
    values, na = synthetic_values(commune, 12, seed, 0.1)
    later, later_na = synthetic_values(commune, 12, seed + 1, 0.1)
    rng = np.random.default_rng(seed)
    keep = rng.uniform(size=later.shape) < 0.3
    later = np.where(keep, later, np.nan)
    later_na = later_na & keep
    base = from_array(commune, [f"U{i}" for i in range(12)], values, not_applicable=na)
    appraisal = from_array(
        commune,
        [f"U{i}" for i in range(12)],
        later,
        not_applicable=later_na,
        stage="appraisal_1",
        allow_missing=True,
    )
    data = parindex.ScoringInput(
        pack_id=base.pack_id,
        leaf_codes=base.leaf_codes,
        adjustable_codes=base.adjustable_codes,
        units=base.units,
        stages={"self": base.stages["self"], "appraisal_1": appraisal.stages["appraisal_1"]},
    )
    _assert_equal(commune, data, engine)
    _assert_equal(commune, data, engine, "self")
    _assert_equal(commune, data, engine, "appraisal_1")


@pytest.mark.parametrize("engine", ENGINES)
def test_bad_entries_are_all_reported(commune: CompiledPack, engine: str) -> None:
    values, na = synthetic_values(commune, 5, 7, 0.0)
    achieved = int(commune.groups[0].columns[0])
    assert commune.groups[0].kind == "achieved"
    values[1, achieved] = 0.5
    values[3, 0 if achieved else 1] = 2e9
    values[4, achieved] = -1.0
    data = from_array(commune, [f"U{i}" for i in range(5)], values, not_applicable=na)
    with pytest.raises(parindex.InputError) as caught:
        score(commune, data, engine=engine)
    where = {(p.unit, p.code) for p in caught.value.problems}
    code = commune.leaf_codes[achieved]
    assert {("U1", code), ("U4", code), ("U3", commune.leaf_codes[0 if achieved else 1])} <= where


def _old_quantize(values: np.ndarray) -> np.ndarray:
    scaled = np.abs(values) * 1e6
    return (np.sign(values) * np.floor(scaled + 0.5)).astype(np.int64)


@given(st.lists(st.floats(-1e9, 1e9, allow_nan=False), min_size=1, max_size=50), st.integers(0, 6))
def test_quantize_matches_round_half_away(values: list[float], decimals: int) -> None:
    array = np.array(values + [round(v, decimals) for v in values] + [v + 5e-7 for v in values])
    halves = np.arange(-20, 21) * 0.5e-6
    array = np.concatenate([array, halves, -array])
    assert np.array_equal(quantize_values(array), _old_quantize(array))


@given(
    # Narrow ranges take the histogram path, wide ones the sort path.
    keys=st.one_of(
        st.lists(st.integers(-5, 300), min_size=1, max_size=60),
        st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=60),
    ),
    data=st.data(),
)
def test_competition_ranks_match_brute_force(keys: list[int], data: st.DataObject) -> None:
    n = len(keys)
    groups = np.array(
        data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype=np.int64
    )
    defined = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    key_array = np.array(keys, dtype=np.int64)
    ranks = competition_ranks(key_array, defined, groups)
    for i in range(n):
        if not defined[i]:
            assert ranks[i] == 0
            continue
        better = sum(
            1 for j in range(n) if defined[j] and groups[j] == groups[i] and keys[j] > keys[i]
        )
        assert ranks[i] == better + 1


@given(
    st.lists(st.tuples(st.integers(-(10**9), 10**9), st.integers(-(10**5), 10**5), st.integers(1, 10**8)), min_size=1, max_size=40)
)
def test_mul_div_round_is_exact(triples: list[tuple[int, int, int]]) -> None:
    """The float fast path of mul_div_round equals exact integer rounding, halves away from zero."""
    from parindex.fixedpoint import mul_div_round, round_ratio_half_up

    a, b, c = (np.array(column, dtype=np.int64) for column in zip(*triples, strict=True))
    expected = [round_ratio_half_up(int(x) * int(y), int(z)) for x, y, z in triples]
    assert mul_div_round(a, b, c).tolist() == expected
    halves = np.array([2 * x + 1 for x, _, _ in triples], dtype=np.int64)
    assert mul_div_round(halves, 1, 2).tolist() == [round_ratio_half_up(int(h), 2) for h in halves]
