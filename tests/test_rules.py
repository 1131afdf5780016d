"""Every rule kind against hand-computed, official-style cases.

Each case is checked twice: through the scalar reference (Decimal) and through
the vectorised evaluator of a compiled one-leaf pack, so the two paths are
pinned to the same hand-computed numbers.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

import parindex
from engine_support import ENGINES
from parindex.messages import render
from parindex.model import Node, Pack, PointsSource, UnitGroup, YearRange
from parindex.rules import (
    Achieved,
    Band,
    Bands,
    CappedCount,
    Direct,
    Level,
    Levels,
    Proportional,
    RelativeToBest,
    Rule,
    SurveyScale,
)

D = Decimal


def one_leaf_pack(rule: Rule, maximum: str) -> Pack:
    return Pack(
        id="test-one-leaf",
        title="one leaf",
        version="t",
        unit_group=UnitGroup.DISTRICT,
        years=YearRange(2020),
        synthetic=True,
        tree=(
            Node(
                code="1",
                title="Lĩnh vực",
                source=PointsSource.SELF_ASSESSMENT,
                children=(Node(code="1.1", title="Tiêu chí", maximum=D(maximum), rule=rule),),
            ),
        ),
    )


def vector_points(rule: Rule, maximum: str, values: list[float]) -> list[Decimal]:
    compiled = parindex.compile_pack(one_leaf_pack(rule, maximum))
    units = [f"u{i}" for i in range(len(values))]
    data = parindex.from_array(compiled, units, np.array(values, dtype=float)[:, None])
    results = parindex.score(compiled, data)
    return [results.points(u, "1.1") for u in units]


def reference(rule: Rule, maximum: str, value: str, best: str | None = None) -> Decimal:
    exact = rule.reference_points(D(value), D(maximum), None if best is None else D(best))
    return exact.quantize(D("0.0001"))


CAMAU_LEVELS = Levels(
    (
        Level("Ban hành kịp thời", D(1)),
        Level("Ban hành không kịp thời", D("0.5")),
        Level("Không ban hành", D(0)),
    )
)
# Cà Mau QĐ 1880/QĐ-UBND (2013), 1.1.4: "Thực hiện trên 90% kế hoạch: 2;
# từ 70% - 90% kế hoạch: 1; dưới 70% kế hoạch: 0" — exactly 90 % scores 1.
CAMAU_BANDS = Bands((Band(D(90), D(2), inclusive=False), Band(D(70), D(1), inclusive=True)))
# A late-files rate, lower is better: "dưới 2 %: 1; từ 2 % đến dưới 5 %: 0,5; từ 5 % trở lên: 0".
LATE_BANDS = Bands((Band(D(5), D(0)), Band(D(2), D("0.5"))), otherwise=D(1))
# The best band between two others: "dưới 40: 0; từ 40 đến 60: 2; trên 60: 1".
MIDDLE_BANDS = Bands((Band(D(60), D(1), inclusive=False), Band(D(40), D(2))), otherwise=D(0))


@pytest.mark.parametrize(
    ("rule", "maximum", "value", "expected"),
    [
        (Direct(), "2", "1.25", "1.25"),
        (Direct(), "2", "2", "2"),
        (Achieved(), "1", "1", "1"),
        (Achieved(), "1", "0", "0"),
        (CAMAU_LEVELS, "1", "0", "1"),
        (CAMAU_LEVELS, "1", "1", "0.5"),
        (CAMAU_LEVELS, "1", "2", "0"),
        (CAMAU_BANDS, "2", "95", "2"),
        (CAMAU_BANDS, "2", "90.000001", "2"),
        (CAMAU_BANDS, "2", "90", "1"),
        (CAMAU_BANDS, "2", "70", "1"),
        (CAMAU_BANDS, "2", "69.99", "0"),
        (LATE_BANDS, "1", "0", "1"),
        (LATE_BANDS, "1", "1.999999", "1"),
        (LATE_BANDS, "1", "2", "0.5"),
        (LATE_BANDS, "1", "4.999999", "0.5"),
        (LATE_BANDS, "1", "5", "0"),
        (LATE_BANDS, "1", "100", "0"),
        (MIDDLE_BANDS, "2", "39.99", "0"),
        (MIDDLE_BANDS, "2", "40", "2"),
        (MIDDLE_BANDS, "2", "60", "2"),
        (MIDDLE_BANDS, "2", "60.000001", "1"),
        (Proportional(), "2", "87.5", "1.75"),
        (Proportional(), "3", "33.333333", "1"),  # 0.99999999 rounds half-up at 1e-4
        (Proportional(floor=D(50)), "2", "49.99", "0"),
        (Proportional(floor=D(50)), "2", "50", "1"),
        (Proportional(full_at=D(80), upper=D(100)), "2", "90", "2"),
        (CappedCount(per_item=D(1)), "5", "3", "3"),
        (CappedCount(per_item=D(1)), "5", "8", "5"),
        (CappedCount(per_item=D("0.25")), "1", "3", "0.75"),
        (SurveyScale(), "4", "3", "2"),  # (3 − 1) / (5 − 1) × 4
        (SurveyScale(), "4", "5", "4"),
        (SurveyScale(measure="share"), "3", "80", "2.4"),
    ],
)
def test_rule_points(rule: Rule, maximum: str, value: str, expected: str) -> None:
    assert reference(rule, maximum, value) == D(expected)
    assert vector_points(rule, maximum, [float(value)]) == [D(expected)]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("rule", [LATE_BANDS, MIDDLE_BANDS], ids=["lower-is-better", "middle-best"])
def test_bands_in_any_order_of_points_score_as_the_reference_in_every_engine(rule: Bands, engine: str) -> None:
    maximum = "2" if rule is MIDDLE_BANDS else "1"
    edges = [v for band in rule.bands for v in (band.threshold - D("0.000001"), band.threshold, band.threshold + D("0.000001"))]
    values = [D(0), *edges, D(100)]
    compiled = parindex.compile_pack(one_leaf_pack(rule, maximum))
    units = [f"u{i}" for i in range(len(values))]
    data = parindex.from_array(compiled, units, np.array([float(v) for v in values])[:, None])
    results = parindex.score(compiled, data, engine=engine)
    assert [results.points(u, "1.1") for u in units] == [reference(rule, maximum, str(v)) for v in values]
    assert not rule.monotone and CAMAU_BANDS.monotone


def test_bands_where_lower_values_earn_more_are_described_from_the_lowest_values() -> None:
    assert LATE_BANDS.describe(D(1)) == "dưới 2: 1; từ 2 đến dưới 5: 0,5; từ 5 trở lên: 0"
    assert LATE_BANDS.describe(D(1), "en") == "below 2: 1; from 2 to below 5: 0.5; 5 or more: 0"
    assert MIDDLE_BANDS.describe(D(2)) == "dưới 40: 0; từ 40 đến 60: 2; trên 60: 1"
    assert LATE_BANDS.expected(D(1), "en") == CAMAU_BANDS.expected(D(2), "en")
    assert LATE_BANDS.parameter_problems(D(1)) == []


def test_relative_to_best_uses_the_groups_best_value() -> None:
    # "tỷ lệ chuẩn hóa = giá trị của đơn vị / giá trị lớn nhất trong các đơn vị", × maximum
    rule = RelativeToBest()
    assert vector_points(rule, "2", [50, 100, 25, 0]) == [D(1), D(2), D("0.5"), D(0)]
    assert reference(rule, "2", "50", best="100") == D(1)


def test_relative_to_best_all_zero_gives_zero_not_a_division_error() -> None:
    assert vector_points(RelativeToBest(), "2", [0, 0]) == [D(0), D(0)]


def test_relative_to_best_is_computed_within_each_group() -> None:
    compiled = parindex.compile_pack(one_leaf_pack(RelativeToBest(), "2"))
    units = [parindex.Unit("a", group="X"), parindex.Unit("b", group="X"), parindex.Unit("c", group="Y")]
    data = parindex.from_array(compiled, units, np.array([[10.0], [20.0], [5.0]]))
    results = parindex.score(compiled, data)
    assert [results.points(u, "1.1") for u in "abc"] == [D(1), D(2), D(2)]


@pytest.mark.parametrize(
    ("rule", "maximum", "bad"),
    [
        (Direct(), "2", 2.5),
        (Direct(), "2", -0.5),
        (Achieved(), "1", 0.5),
        (CAMAU_LEVELS, "1", 3),
        (CAMAU_LEVELS, "1", 1.5),
        (CAMAU_BANDS, "2", 100.5),
        (Proportional(), "2", 101),
        (CappedCount(per_item=D(1)), "5", 2.5),
        (SurveyScale(), "4", 0.5),
        (RelativeToBest(), "2", -1),
    ],
)
def test_out_of_range_values_are_rejected_never_clamped(rule: Rule, maximum: str, bad: float) -> None:
    with pytest.raises(parindex.InputError) as info:
        vector_points(rule, maximum, [bad])
    (problem,) = info.value.problems
    assert problem.code == "1.1" and problem.unit == "u0"
    assert problem.expected
    assert not rule.accepts(D(str(bad)), D(maximum))


def test_level_labels_are_read_case_and_space_insensitively() -> None:
    assert CAMAU_LEVELS.encode("  ban hành KHÔNG kịp thời ") == 1.0
    with pytest.raises(ValueError, match="one of: Ban hành kịp thời"):
        CAMAU_LEVELS.encode("muộn")


def test_achieved_reads_vietnamese_words() -> None:
    rule = Achieved()
    assert rule.encode("Đạt") == 1.0
    assert rule.encode("không đạt") == 0.0
    assert rule.encode(True) == 1.0
    with pytest.raises(ValueError):
        rule.encode("có lẽ")


def test_descriptions_print_vietnamese_decimal_commas() -> None:
    assert CAMAU_LEVELS.describe(D(1)) == (
        "Ban hành kịp thời: 1; Ban hành không kịp thời: 0,5; Không ban hành: 0"
    )
    assert CAMAU_BANDS.describe(D(2)) == "trên 90: 2; từ 70 đến 90: 1; dưới 70: 0"
    assert CAMAU_BANDS.describe(D(2), "en") == "above 90: 2; from 70 to 90: 1; below 70: 0"


@pytest.mark.parametrize(
    ("rule", "maximum", "message"),
    [
        (Levels((Level("a", D(1)),)), "1", "at least two levels"),
        (Levels((Level("a", D(1)), Level("A", D(0)))), "1", "distinct"),
        (Levels((Level("a", D("0.5")), Level("b", D(0)))), "1", "no level reaches"),
        (Bands((Band(D(70), D(1)), Band(D(90), D(2)))), "2", "highest to lowest"),
        (Bands((Band(D(90), D(1)),)), "2", "no band gives the maximum 2"),
        (Bands((Band(D(5), D(1)),), otherwise=D("0.5")), "2", "no band gives the maximum 2: at most 1"),
        (Proportional(full_at=D(0)), "1", "full_at must be positive"),
        (CappedCount(per_item=D(3)), "2", "per_item"),
        (SurveyScale(scale_min=D(5), scale_max=D(1)), "1", "empty"),
        (SurveyScale(measure="median"), "1", "measure"),
    ],
)
def test_bad_rule_parameters_are_named(rule: Rule, maximum: str, message: str) -> None:
    problems = [render(p, "en") for p in rule.parameter_problems(D(maximum))]
    assert any(message in p for p in problems), problems
