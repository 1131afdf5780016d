"""The exported hypothesis strategies generate only valid packs and accepted input."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import parindex
import parindex.testing as pt
from parindex.errors import Severity
from parindex.validation import validate


@settings(max_examples=40)
@given(pt.packs())
def test_generated_packs_validate_without_errors(pack: parindex.Pack) -> None:
    assert [v for v in validate(pack) if v.severity is Severity.ERROR] == []
    assert pack.synthetic


@settings(max_examples=40)
@given(st.data())
def test_generated_inputs_are_accepted_by_score(data: st.DataObject) -> None:
    pack = data.draw(pt.packs(max_depth=2, max_children=3))
    compiled = parindex.compile_pack(pack)
    scoring_input = data.draw(pt.scoring_inputs(compiled, max_units=4))
    results = parindex.score(compiled, scoring_input)
    assert results.final.points.shape == (len(scoring_input.units), compiled.n_nodes)


@settings(max_examples=20)
@given(st.data())
def test_every_rule_kind_appears(data: st.DataObject) -> None:
    for kind in pt.RULE_KINDS:
        rule = data.draw(pt.rules_for(Decimal(2), 2, kind))
        assert rule.kind == kind
        assert rule.parameter_problems(Decimal(2)) == []


@settings(max_examples=20)
@given(st.data())
def test_values_for_gives_accepted_values(data: st.DataObject) -> None:
    pack = data.draw(pt.packs(max_depth=2))
    compiled = parindex.compile_pack(pack)
    values = data.draw(pt.values_for(compiled, n_units=3))
    assert values.shape == (3, compiled.n_leaves)
    units = [parindex.Unit(f"u{i}") for i in range(3)]
    parindex.score(compiled, parindex.from_array(compiled, units, values))
