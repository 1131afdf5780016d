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
    with pytest.raises(parindex.PackError, match="rule-precision"):
        parindex.compile_pack(_pack(0))


def test_level_points_within_precision_compile() -> None:
    assert parindex.validate(_pack(1)) == []
    parindex.compile_pack(_pack(1))
