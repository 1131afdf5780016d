"""Validation catches rule points finer than the pack's precision (found via parindex.testing)."""

from __future__ import annotations

from decimal import Decimal

import pytest

import parindex
from parindex.model import Node, Pack, PointsSource, UnitGroup, YearRange
from parindex.rules import Level, Levels


def _pack(point_decimals: int) -> Pack:
    rule = Levels((Level("kịp thời", Decimal(1)), Level("không kịp thời", Decimal("0.5"))))
    leaf = Node("1", "a", maximum=Decimal(1), source=PointsSource.SURVEY, rule=rule)
    return Pack(
        id="precision",
        title="precision",
        version="1",
        unit_group=UnitGroup.PROVINCE,
        years=YearRange(2020),
        tree=(leaf,),
        synthetic=True,
        point_decimals=point_decimals,
    )


def test_level_points_finer_than_pack_precision_are_a_validation_error() -> None:
    violations = parindex.validate(_pack(0))
    assert [(v.code, v.check) for v in violations] == [("1", "rule-precision")]
    with pytest.raises(parindex.PackError) as info:
        parindex.compile_pack(_pack(0))
    assert [v.check for v in info.value.violations] == ["rule-precision"]


def test_level_points_within_precision_compile() -> None:
    assert parindex.validate(_pack(1)) == []
    parindex.compile_pack(_pack(1))


def test_a_leaf_without_maximum_needs_a_gap_saying_why() -> None:
    import attrs

    leaf = Node("1", "Lĩnh vực", source=PointsSource.SURVEY)
    pack = attrs.evolve(_pack(2), tree=(leaf,))
    assert {v.check for v in parindex.validate(pack) if v.severity.value == "error"} == {
        "missing-maximum",
        "missing-rule",
    }
    with_gap = attrs.evolve(pack, tree=(attrs.evolve(leaf, gap="not published"),))
    assert [v.check for v in parindex.validate(with_gap)] == ["gap"]
    assert with_gap.scorable_level == 0


def test_scorable_level_is_the_deepest_level_with_known_maxima() -> None:
    import attrs

    from parindex.rules import Direct

    known = Node("1.1", "a", maximum=Decimal(2), rule=Direct())
    unknown = Node("1.2", "b", gap="maximum not published")
    field = Node("1", "f", maximum=Decimal(5), source=PointsSource.SURVEY, children=(known, unknown))
    pack = attrs.evolve(_pack(2), tree=(field,))
    assert [v.severity.value for v in parindex.validate(pack)] == ["warning"]
    assert pack.scorable_level == 1
    compiled = parindex.compile_pack(pack)
    assert compiled.leaf_codes == ("1",) and compiled.node_max[1] == 500
    with pytest.raises(parindex.PackError) as info:
        parindex.compile_pack(pack, level=2)
    assert info.value.violations[0].check == "incomplete-pack"
    assert "level 2 was asked" in info.value.render("en")
