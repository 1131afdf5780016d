"""The fused kernel engine: the cases random packs rarely reach.

Plugin rule kinds and subclasses (precomputed by their own evaluators), numbers
beyond the kernel's exact float range (the numpy path takes over), an index
beyond int32, half-micro quantisation boundaries, located errors, and how
``engine`` is chosen. Every result is compared with the ``Decimal`` reference.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import pytest
from engine_support import NEEDS_NUMBA
from test_plugins import Doubled
from test_scoring import SELF, make_pack
from test_scoring_fast_paths import _assert_equal as _assert_engine_equal

import parindex
import parindex.engines.choice
from parindex.compiled import ROOT, CompiledPack
from parindex.engines.kernel.program import PRECOMPUTED, kernel_program
from parindex.inputs import from_array
from parindex.model import Node, NotApplicable, Pack, PointsSource
from parindex.rules import Achieved, Direct, GroupEvaluator, Proportional, RelativeToBest, Rule
from parindex.scoring import score

pytest.importorskip("numba", reason=NEEDS_NUMBA)

from parindex.engines.kernel import adapter  # noqa: E402  (imports numba)


def _assert_equal(compiled: CompiledPack, data: parindex.ScoringInput) -> None:
    for engine in ("numpy", "kernel"):
        _assert_engine_equal(compiled, data, engine)


def _pack(*leaves: Node, bonus_cap: Decimal | None = None, decimals: int = 4) -> Pack:
    field = Node(code="1", title="Lĩnh vực 1", source=SELF, children=leaves, bonus_cap=bonus_cap)
    return make_pack(field, point_decimals=decimals)


def _leaf(code: str, maximum: str, rule: Rule) -> Node:
    return Node(code=code, title=f"Tiêu chí {code}", maximum=Decimal(maximum), rule=rule)


class Inverted(Achieved):
    """A subclass may change the arithmetic: the kernel must not score it as its parent."""

    def reference_points(self, value: Decimal, maximum: Decimal, best: Decimal | None) -> Decimal:
        return maximum if value == 0 else Decimal(0)

    @classmethod
    def evaluator(cls, rules: Any, maxima: Any, ticks_per_point: int) -> Any:
        parent = Achieved.evaluator(rules, maxima, ticks_per_point)

        class _Inverted(GroupEvaluator):
            def invalid(self, micro: Any) -> Any:
                return parent.invalid(micro)

            def points(self, micro: Any, best: Any) -> Any:
                return np.where(micro == 0, maxima, 0)

        return _Inverted()


def test_plugin_kinds_and_subclasses_are_precomputed_and_exact() -> None:
    compiled = parindex.compile_pack(
        _pack(
            _leaf("1.1", "2", Doubled()),
            _leaf("1.2", "3", Inverted()),
            _leaf("1.3", "1", Proportional()),
        )
    )
    kinds = kernel_program(compiled).leaf_kind.tolist()
    assert kinds[0] == kinds[1] == PRECOMPUTED
    assert kinds[2] != PRECOMPUTED
    rng = np.random.default_rng(5)
    values = np.column_stack(
        [rng.uniform(0, 2, 50).round(3), rng.integers(0, 2, 50), rng.uniform(0, 100, 50)]
    )
    _assert_equal(compiled, from_array(compiled, [f"U{i}" for i in range(50)], values))


def test_a_bad_plugin_entry_is_located_by_the_kernel_engine() -> None:
    compiled = parindex.compile_pack(
        _pack(_leaf("1.1", "2", Doubled()), _leaf("1.2", "1", Direct()))
    )
    values = np.array([[1.0, 0.5], [2.5, 0.5], [1.0, 1.5]])
    with pytest.raises(parindex.InputError) as caught:
        score(compiled, from_array(compiled, ["A", "B", "C"], values), engine="kernel")
    assert {(p.unit, p.code) for p in caught.value.problems} == {("B", "1.1"), ("C", "1.2")}


def test_products_beyond_the_exact_float_range_fall_back_to_numpy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Relative values near the 1e9 input limit times a 500-point maximum in ticks
    # exceed 2**52: the kernel declines, the numpy path computes with Python ints.
    compiled = parindex.compile_pack(
        _pack(_leaf("1.1", "500", RelativeToBest()), _leaf("1.2", "1", Direct()))
    )
    values = np.array([[999_999_999.123457, 1.0], [123_456_789.5, 0.25], [0.0, 0.0]])
    data = from_array(compiled, ["A", "B", "C"], values)
    calls: list[bool] = []
    original = adapter.kernel_view

    def spy(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        calls.append(result is None)
        return result

    monkeypatch.setattr(adapter, "kernel_view", spy)
    _assert_equal(compiled, data)
    assert calls == [True]


def test_an_index_beyond_int32_widens_the_index_array() -> None:
    # A 0.0001-point field with a 1,000-point bonus: index 10**9 % needs int64.
    compiled = parindex.compile_pack(
        _pack(_leaf("1.1", "0.0001", Direct()), bonus_cap=Decimal(1000))
    )
    bonus = np.array([[1000.0], [0.0], [0.5]])
    data = from_array(compiled, ["A", "B", "C"], np.array([[0.0001], [0.0], [0.0001]]), bonus=bonus)
    _assert_equal(compiled, data)
    assert score(compiled, data, engine="kernel").final.index.dtype == np.int64


def test_half_micro_boundaries_quantise_exactly_as_numpy() -> None:
    compiled = parindex.compile_pack(_pack(_leaf("1.1", "1000", Direct()), decimals=6))
    values = np.array(
        [0.0000005, 0.0000015, 0.0000025, 1.2345675, 999.9999995, 0.1 + 0.2, 2.675, 0.0000004999999]
    )[:, None]
    _assert_equal(compiled, from_array(compiled, [f"U{i}" for i in range(8)], values))


def test_engine_choice(monkeypatch: pytest.MonkeyPatch, english: None) -> None:
    compiled = parindex.compile_pack(_pack(_leaf("1.1", "1", Direct())))
    data = from_array(compiled, ["A"], np.array([[0.5]]))
    with pytest.raises(ValueError, match="engine must be one of"):
        score(compiled, data, engine="gpu")
    used: list[str] = []
    original = adapter.kernel_view
    monkeypatch.setattr(
        adapter, "kernel_view", lambda *a, **k: used.append("kernel") or original(*a, **k)
    )
    score(compiled, data)  # one entry: auto keeps to numpy
    assert used == []
    monkeypatch.setattr(parindex.engines.choice, "KERNEL_MIN_ENTRIES", 1)
    monkeypatch.setattr(parindex.engines.choice, "KERNEL_COLD_MIN_ENTRIES", 1)
    score(compiled, data)
    assert used == ["kernel"]
    monkeypatch.setattr(parindex.engines.choice, "kernel_available", lambda: False)
    used.clear()
    assert score(compiled, data).points("A") == Decimal("0.5")  # auto without numba: numpy
    assert used == []
    with pytest.raises(ImportError, match="needs numba"):
        score(compiled, data, engine="kernel")


def test_auto_falls_back_to_numpy_when_the_kernel_cannot_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiled = parindex.compile_pack(_pack(_leaf("1.1", "1", Direct())))
    data = from_array(compiled, ["A", "B"], np.array([[0.25], [1.0]]))

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("cannot cache function: no locator available")

    monkeypatch.setattr(adapter, "kernel_view", broken)
    monkeypatch.setattr(parindex.engines.choice, "KERNEL_MIN_ENTRIES", 1)
    monkeypatch.setattr(parindex.engines.choice, "KERNEL_COLD_MIN_ENTRIES", 1)
    monkeypatch.setattr(parindex.engines.choice, "_KERNEL_FAILURE", [])
    with pytest.warns(RuntimeWarning, match="no locator available"):
        assert score(compiled, data).points("A") == Decimal("0.25")
    assert score(compiled, data).rank("B") == 1  # warned once, numpy from then on
    with pytest.raises(RuntimeError, match="no locator"):
        score(compiled, data, engine="kernel")


@pytest.mark.parametrize("engine", ["numpy", "kernel"])
def test_only_maxima_that_can_vary_are_stored_per_unit(engine: str) -> None:
    excluded = attrs.evolve(_leaf("1.2", "2", Direct()), not_applicable=NotApplicable.EXCLUDED)
    pack = _pack(_leaf("1.1", "1", Direct()), excluded)
    pack = attrs.evolve(
        pack,
        tree=(
            *pack.tree,
            Node(
                code="2",
                title="Lĩnh vực 2",
                source=PointsSource.SELF_ASSESSMENT,
                children=(_leaf("2.1", "3", Direct()),),
            ),
        ),
    )
    compiled = parindex.compile_pack(pack)
    values = np.array([[1.0, np.nan, 3.0], [0.5, 2.0, 1.0]])
    na = np.array([[False, True, False], [False, False, False]])
    data = from_array(compiled, ["A", "B"], values, not_applicable=na)
    scores = score(compiled, data, engine=engine).final
    varying = [compiled.codes[i] for i in scores.varying_nodes.tolist()]
    assert varying == ["", "1", "1.2"]  # the root, field 1 and the excluded leaf
    full = scores.unit_maximum()
    for node in range(compiled.n_nodes):
        assert np.array_equal(full[:, node], scores.maximum_of(node))
    assert full[:, compiled.node_index["1"]].tolist() == [10_000, 30_000]
    assert full[:, ROOT].tolist() == [40_000, 60_000]
    _assert_equal(compiled, data)


COLD_PROCESS = """
import sys
import parindex
from parindex.engines import choice
from parindex.synthetic import synthetic_input
compiled = parindex.compile_pack(parindex.get_pack("synthetic-commune"))
units = choice.KERNEL_MIN_ENTRIES // compiled.n_leaves * 4  # above the warm threshold only
data = synthetic_input(compiled, units)
assert units * compiled.n_leaves < choice.KERNEL_COLD_MIN_ENTRIES
auto_cold = parindex.score(compiled, data).final.points.sum()
print("numba" in sys.modules)
parindex.score(compiled, data, engine="kernel")
used = []
from parindex.engines.kernel import adapter
original = adapter.kernel_view
adapter.kernel_view = lambda *a, **k: used.append(1) or original(*a, **k)
auto_warm = parindex.score(compiled, data).final.points.sum()
print(bool(used), auto_cold == auto_warm)
"""


def test_auto_loads_the_kernel_only_where_it_repays_its_loading() -> None:
    """A fresh process scoring 2.6·10⁵ entries under auto does not import numba (0.25 s,
    100 MiB to save a few ms); once the kernel is loaded, auto uses it from 65,536 on."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", COLD_PROCESS], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "True", "True"]
