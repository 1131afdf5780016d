"""Scoring behaviour on small packs whose results are computed by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pytest

import parindex
from parindex import NOT_APPLICABLE, Record, Unit
from parindex.model import (
    ClassCondition,
    Node,
    NotApplicable,
    Pack,
    PointsSource,
    UnitGroup,
    YearRange,
)
from parindex.reference import reference_score
from parindex.rules import Achieved, Direct, Level, Levels, Proportional
from parindex.scoring import competition_ranks

# These tests match English message wording.
pytestmark = pytest.mark.usefixtures("english")

D = Decimal
SELF = PointsSource.SELF_ASSESSMENT


def make_pack(*fields: Node, **extra: Any) -> Pack:
    return Pack(
        id="test-pack",
        title="test",
        version="1",
        unit_group=UnitGroup.COMMUNE,
        years=YearRange(2023),
        synthetic=True,
        tree=fields,
        **extra,
    )


def direct(code: str, maximum: str, **extra: Any) -> Node:
    return Node(code=code, title=code, maximum=D(maximum), rule=Direct(), **extra)


def run(pack: Pack, data: dict[str, dict[str, object]], **kwargs: Any) -> parindex.Results:
    compiled = parindex.compile_pack(pack)
    results = parindex.score(compiled, parindex.from_mappings(compiled, data, **kwargs))
    # Every hand-computed case also holds for the plain reference scorer.
    for ref in reference_score(compiled, results.input):
        for code in compiled.codes:
            assert ref.points[code] == results.points(ref.unit, code), (ref.unit, code)
            assert ref.index[code] == results.index(ref.unit, code), (ref.unit, code)
        assert ref.rank == results.rank(ref.unit)
    return results


TWO_FIELDS = make_pack(
    Node(code="1", title="F1", source=SELF, children=(direct("1.1", "3"), direct("1.2", "2"))),
    Node(code="2", title="F2", source=PointsSource.SURVEY, children=(direct("2.1", "5"),)),
)


def test_points_index_and_component_indices() -> None:
    results = run(TWO_FIELDS, {"x": {"1.1": 2.5, "1.2": "1.5", "2.1": 4}})
    assert results.points("x") == D(8)
    assert results.index("x") == D("80.00")
    assert results.grade("x") == "B"
    assert results.points("x", "1") == D(4)
    assert results.index("x", "1") == D("80.00")
    assert results.index("x", "2") == D("80.00")
    assert results.maximum("x") == D(10)


def test_index_rounds_half_up_as_official_reports_print() -> None:
    pack = make_pack(Node(code="1", title="F", source=SELF, children=(direct("1.1", "8"),)))
    # 7.9996 / 8 = 99.995 % exactly -> 100.00; 0.0001 / 8 = 0.00125 % -> 0.00
    results = run(pack, {"x": {"1.1": "7.9996"}, "y": {"1.1": "0.0001"}})
    assert results.index("x") == D("100.00")
    assert results.index("y") == D("0.00")


def test_half_up_and_half_even_differ_on_an_exact_tie() -> None:
    # 1 / 8 = 12.5 % exactly; at 0 decimals half-up gives 13, half-even 12.
    tree = Node(code="1", title="F", source=SELF, children=(direct("1.1", "8"),))
    up = run(make_pack(tree, rounding=parindex.RoundingRule(0, "half_up")), {"x": {"1.1": 1}})
    even = run(make_pack(tree, rounding=parindex.RoundingRule(0, "half_even")), {"x": {"1.1": 1}})
    assert (up.index("x"), even.index("x")) == (D(13), D(12))


def test_not_applicable_policies() -> None:
    pack = make_pack(
        Node(
            code="1",
            title="F",
            source=SELF,
            children=(
                Node(code="1.1", title="a", maximum=D(2), rule=Achieved(), not_applicable=NotApplicable.FULL_POINTS),
                Node(code="1.2", title="b", maximum=D(2), rule=Achieved(), not_applicable=NotApplicable.EXCLUDED),
                Node(code="1.3", title="c", maximum=D(2), rule=Achieved(), not_applicable=NotApplicable.ZERO),
                Node(code="1.4", title="d", maximum=D(4), rule=Achieved()),
            ),
        )
    )
    results = run(
        pack,
        {
            "full": {"1.1": NOT_APPLICABLE, "1.2": 1, "1.3": 1, "1.4": 1},
            "excl": {"1.1": 1, "1.2": "không phát sinh", "1.3": 1, "1.4": 1},
            "zero": {"1.1": 1, "1.2": 1, "1.3": "KPS", "1.4": 1},
        },
    )
    assert (results.points("full"), results.maximum("full")) == (D(10), D(10))
    assert (results.points("excl"), results.maximum("excl")) == (D(8), D(8))
    assert results.index("excl") == D("100.00")
    assert (results.points("zero"), results.maximum("zero")) == (D(8), D(10))
    assert results.final.not_applicable[1, 1]


def test_not_applicable_where_the_pack_forbids_it_is_an_error() -> None:
    with pytest.raises(parindex.InputError, match="not allowed"):
        run(TWO_FIELDS, {"x": {"1.1": NOT_APPLICABLE, "1.2": 1, "2.1": 1}})


def test_missing_values_are_errors_naming_unit_and_code_unless_allowed() -> None:
    with pytest.raises(parindex.InputError) as info:
        run(TWO_FIELDS, {"x": {"1.1": 1}, "y": {"1.1": 1, "1.2": 1, "2.1": 1}})
    assert {(p.unit, p.code) for p in info.value.problems} == {("x", "1.2"), ("x", "2.1")}
    results = run(TWO_FIELDS, {"x": {"1.1": 1}}, allow_missing=True)
    assert results.points("x") == D(1)
    assert results.final.missing[0].tolist() == [False, True, True]


def test_stage_policy_last_appraised_else_self_and_every_stage_kept() -> None:
    compiled = parindex.compile_pack(TWO_FIELDS)
    records = [
        Record("x", "1.1", 3), Record("x", "1.2", 2), Record("x", "2.1", 5),
        Record("x", "1.1", 2, stage="appraisal_1"),
        Record("x", "1.1", 3, stage="explanation"),  # the unit's claim: not counted by itself
        Record("x", "1.1", "2.5", stage="appraisal_2"),
        Record("x", "1.2", 1, stage="appraisal_1"),
    ]
    results = parindex.score(compiled, parindex.from_records(compiled, records))
    assert results.points("x", stage="self") == D(10)
    assert results.points("x", stage="appraisal_1") == D(8)
    assert results.points("x", stage="explanation") == D(9)
    assert results.points("x", stage="appraisal_2") == D("8.5")
    assert results.points("x") == D("8.5")
    assert results.scores("appraisal_2").stages_used == ("appraisal_2", "appraisal_1", "self")


def test_overrides_carry_reason_and_author_and_are_kept() -> None:
    compiled = parindex.compile_pack(TWO_FIELDS)
    override = parindex.Override("x", "1.1", 0, reason="Hồ sơ kiểm chứng không hợp lệ", author="Sở Nội vụ")
    data = parindex.from_records(
        compiled, [Record("x", "1.1", 3), Record("x", "1.2", 2), Record("x", "2.1", 5)], overrides=[override]
    )
    results = parindex.score(compiled, data)
    assert results.points("x") == D(7)
    assert results.points("x", stage="self") == D(10)
    assert results.overrides == (override,)
    with pytest.raises(parindex.InputError, match="reason and an author"):
        parindex.from_records(compiled, [], units=["x"], overrides=[parindex.Override("x", "1.1", 0, "", "")])


def test_deduction_below_the_criterions_own_zero() -> None:
    # "bị 0 điểm và bị trừ 0,25 điểm": the criterion may fall to −0.25 and drags its field.
    pack = make_pack(
        Node(
            code="1",
            title="F",
            source=SELF,
            children=(
                direct("1.1", "1", deduction_cap=D("0.25"), floor=D("-0.25")),
                direct("1.2", "2"),
            ),
        )
    )
    compiled = parindex.compile_pack(pack)
    assert compiled.adjustable_codes == ("1.1",)
    records = [
        Record("x", "1.1", 0), Record("x", "1.2", 2), Record("x", "1.1", "0.25", entry="deduction"),
        Record("y", "1.1", 0), Record("y", "1.2", 0), Record("y", "1.1", "0.25", entry="deduction"),
    ]
    results = parindex.score(compiled, parindex.from_records(compiled, records))
    assert results.points("x", "1.1") == D("-0.25")
    assert results.points("x") == D("1.75")
    assert results.points("y", "1.1") == D("-0.25")
    assert results.points("y") == D(0)  # the field's own floor (0) holds
    assert results.final.limited is not None and results.final.limited[1, compiled.node_index["1"]]
    with pytest.raises(parindex.InputError, match="outside its cap"):
        parindex.score(
            compiled,
            parindex.from_records(
                compiled, [Record("z", "1.1", 0), Record("z", "1.2", 0), Record("z", "1.1", "0.5", entry="deduction")]
            ),
        )


def test_bonus_points_on_the_total_with_a_cap() -> None:
    pack = make_pack(
        Node(code="1", title="F", source=SELF, children=(direct("1.1", "10"),)), total_bonus_cap=D(1)
    )
    compiled = parindex.compile_pack(pack)
    records = [Record("x", "1.1", 10), Record("x", "", "0.5", entry="bonus")]
    results = parindex.score(compiled, parindex.from_records(compiled, records))
    assert results.points("x") == D("10.5")
    assert results.index("x") == D("105.00")


def test_capped_criterion_total_does_not_exceed_its_maximum() -> None:
    # "mỗi ứng dụng 1 điểm, tổng không quá 2 điểm" across three sub-criteria.
    pack = make_pack(
        Node(
            code="1",
            title="F",
            source=SELF,
            children=(
                Node(
                    code="1.1",
                    title="capped",
                    maximum=D(2),
                    capped=True,
                    children=tuple(
                        Node(code=f"1.1.{i}", title="x", maximum=D(1), rule=Achieved()) for i in (1, 2, 3)
                    ),
                ),
                direct("1.2", "1"),
            ),
        )
    )
    results = run(pack, {"x": {"1.1.1": 1, "1.1.2": 1, "1.1.3": 1, "1.2": 1}, "y": {"1.1.1": 1, "1.1.2": 0, "1.1.3": 0, "1.2": 0}})
    assert results.points("x", "1.1") == D(2)
    assert results.points("x") == D(3)
    assert results.maximum("x") == D(3)
    assert results.points("y") == D(1)


def test_eligibility_condition_demotes_a_class_a_unit() -> None:
    pack = make_pack(
        Node(code="1", title="F1", source=SELF, children=(direct("1.1", "20"),)),
        Node(code="2", title="F2", source=SELF, children=(direct("2.1", "80"),)),
        eligibility=(ClassCondition("A", "1", D(80)),),
    )
    results = run(pack, {"ok": {"1.1": 16, "2.1": 80}, "weak": {"1.1": 15, "2.1": 80}})
    assert results.index("ok") == D("96.00") and results.grade("ok") == "A"
    assert results.index("weak") == D("95.00") and results.grade("weak") == "B"


def test_classes_use_inclusive_thresholds_on_the_rounded_index() -> None:
    pack = make_pack(Node(code="1", title="F", source=SELF, children=(direct("1.1", "100"),)))
    # Exact numbers: the text "89.995" is refused by the entry grammar as ambiguous
    # (89.995 or 89995), so the values are given as decimals.
    values = {"a": "90", "b": "89.995", "c": "89.994", "d": "70", "e": "69.99"}
    results = run(pack, {u: {"1.1": D(v)} for u, v in values.items()})
    assert [results.grade(u) for u in values] == ["A", "A", "B", "C", "D"]


def test_competition_ranking_ties_share_a_rank_on_rounded_values() -> None:
    pack = make_pack(Node(code="1", title="F", source=SELF, children=(direct("1.1", "3"),)))
    # 2.0001/3 and 2.0002/3 both round to 66.67 %: a tie, decided on the published figure.
    values = {"a": "3", "b": "2.0001", "c": "2.0002", "d": "1"}
    results = run(pack, {u: {"1.1": v} for u, v in values.items()})
    assert [results.rank(u) for u in "abcd"] == [1, 2, 2, 4]
    assert [row.unit for row in results.ranking()] == ["a", "b", "c", "d"]


def test_ranks_are_within_each_group() -> None:
    compiled = parindex.compile_pack(TWO_FIELDS)
    units = [Unit("a", group="huyện A"), Unit("b", group="huyện A"), Unit("c", group="huyện B")]
    values = np.array([[1, 1, 1], [3, 2, 5], [0, 0, 0]], dtype=float)
    results = parindex.score(compiled, parindex.from_array(compiled, units, values))
    assert [results.rank(u) for u in "abc"] == [2, 1, 1]


def test_competition_ranks_function() -> None:
    keys = np.array([5, 7, 7, 1, 7, 3], dtype=np.int64)
    defined = np.array([True, True, True, True, True, False])
    groups = np.zeros(6, dtype=np.int64)
    assert competition_ranks(keys, defined, groups).tolist() == [4, 1, 1, 5, 1, 0]


def test_levels_take_labels_and_report_unknown_ones_with_choices() -> None:
    pack = make_pack(
        Node(
            code="1",
            title="F",
            source=SELF,
            children=(
                Node(
                    code="1.1",
                    title="Ban hành kế hoạch CCHC năm",
                    maximum=D(1),
                    rule=Levels((Level("kịp thời", D(1)), Level("không kịp thời", D("0.5")), Level("không ban hành", D(0)))),
                ),
            ),
        )
    )
    results = run(pack, {"x": {"1.1": "Không kịp thời"}})
    assert results.points("x") == D("0.5")
    with pytest.raises(parindex.InputError) as info:
        run(pack, {"x": {"1.1": "muộn"}})
    (problem,) = info.value.problems
    assert str(problem.expected) == "one of: kịp thời, không kịp thời, không ban hành"


def test_input_errors_are_collected_not_stopped_at_the_first() -> None:
    compiled = parindex.compile_pack(TWO_FIELDS)
    records = [
        Record("x", "1.1", 9), Record("x", "1.9", 1), Record("x", "1", 1), Record("x", "1.2", "abc"),
        Record("x", "2.1", 1), Record("x", "2.1", 2), Record("x", "1.1", 1, stage="nowhere"),
    ]
    with pytest.raises(parindex.InputError) as info:
        parindex.score(compiled, parindex.from_records(compiled, records))
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 6, messages
    assert any("1.1: value 9 is not accepted" in m for m in messages)
    assert any("1.9" in m and "unknown" in m for m in messages)
    assert any("criterion 1:" in m and "internal node" in m for m in messages)
    assert any("abc" in m for m in messages)
    assert any("entered twice" in m for m in messages)
    assert any("nowhere" in m for m in messages)


def test_value_over_maximum_error_names_stage_unit_and_expected_range() -> None:
    compiled = parindex.compile_pack(TWO_FIELDS)
    data = parindex.from_records(
        compiled,
        [Record("x", "1.1", "12.5", location=parindex.Location("a.csv", row=7, column="C")), Record("x", "1.2", 1), Record("x", "2.1", 1)],
    )
    with pytest.raises(parindex.InputError) as info:
        parindex.score(compiled, data)
    (problem,) = info.value.problems
    assert str(problem) == (
        "a.csv, cell C7; unit “x”; criterion 1.1: value 12.5 is not accepted at stage self-assessment "
        "(expected points between 0 and 3)"
    )


def test_level_truncation_scores_fields_directly(province_1150: Any) -> None:
    pack = TWO_FIELDS
    compiled = parindex.compile_pack(pack, level=1)
    assert compiled.leaf_codes == ("1", "2")
    results = parindex.score(compiled, parindex.from_mappings(compiled, {"x": {"1": 4, "2": 5}}))
    assert results.index("x") == D("90.00")


def test_binh_dinh_2019_self_assessment_reproduces_the_published_total(province_1150: Any) -> None:
    # Báo Bình Định, 24/02/2020: field points 7; 5; 13,65; 7,04; 7; 8; 9; 3 = 59,69/65.
    fields = dict(zip("12345678", ["7", "5", "13,65", "7,04", "7", "8", "9", "3"], strict=True))
    data = parindex.from_mappings(province_1150, {"Bình Định": {k: v.replace(",", ".") for k, v in fields.items()}})
    results = parindex.score(province_1150, data)
    assert results.points("Bình Định") == D("59.69")
    assert results.maximum("Bình Định") == D(65)


def test_exports_records_arrays_and_pandas() -> None:
    results = run(TWO_FIELDS, {"x": {"1.1": 3, "1.2": 2, "2.1": 5}, "y": {"1.1": 0, "1.2": 0, "2.1": 0}})
    records = results.to_records(max_depth=1)
    assert records[0] == {
        "unit": "x", "name": "", "group": "", "code": "", "title": "test", "depth": 0,
        "points": "10.00", "maximum": "10.0000", "index": "100.00", "grade": "A", "rank": 1,
    }
    arrays = results.to_arrays()
    assert arrays["points_ticks"].shape == (2, 6)
    assert arrays["rank"].tolist() == [1, 2]
    frame = results.to_pandas(max_depth=0)
    assert list(frame["unit"]) == ["x", "y"] and list(frame["rank"]) == [1, 2]


def test_proportional_rule_matches_reference_on_awkward_rates() -> None:
    pack = make_pack(
        Node(code="1", title="F", source=SELF, children=(Node(code="1.1", title="r", maximum=D("1.5"), rule=Proportional()),))
    )
    rates = ["33.333333", "66.666667", "0.000001", "99.999999", "12.34565"]
    run(pack, {f"u{i}": {"1.1": r} for i, r in enumerate(rates)})


def test_capped_criterion_with_an_excluded_sub_criterion_keeps_its_cap() -> None:
    # Regression: the per-unit maximum of a capped node must be min(cap, what still applies),
    # computed from the uncapped sum of the applicable leaves.
    pack = make_pack(
        Node(
            code="1",
            title="F",
            source=SELF,
            children=(
                Node(
                    code="1.1",
                    title="capped",
                    maximum=D(2),
                    capped=True,
                    children=(
                        Node(code="1.1.1", title="a", maximum=D(1), rule=Achieved()),
                        Node(code="1.1.2", title="b", maximum=D(1), rule=Achieved()),
                        Node(code="1.1.3", title="c", maximum=D(1), rule=Achieved(), not_applicable=NotApplicable.EXCLUDED),
                    ),
                ),
                direct("1.2", "1"),
            ),
        )
    )
    results = run(pack, {"x": {"1.1.1": 1, "1.1.2": 0, "1.1.3": NOT_APPLICABLE, "1.2": 1}})
    assert results.maximum("x", "1.1") == D(2)
    assert results.maximum("x") == D(3)
    assert results.points("x") == D(2)


def test_a_non_boolean_not_applicable_mask_is_rejected() -> None:
    compiled = parindex.compile_pack(TWO_FIELDS)
    values = np.array([[1, 1, 1], [3, 2, 5]], dtype=float)
    with pytest.raises(parindex.InputError, match="not_applicable has dtype int64"):
        parindex.from_array(compiled, ["a", "b"], values, not_applicable=np.zeros((2, 3), dtype=int))
