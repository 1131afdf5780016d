"""Partial packs say they are partial: scored subtree by subtree, with one coverage line.

The Cà Mau rows are real (QĐ 1880/QĐ-UBND 2013, shared/sources); every unit and
value here is SYNTHETIC.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import parindex
from parindex.coverage import pack_coverage
from parindex.errors import Severity
from parindex.model import Node, Pack, PointsSource, UnitGroup, YearRange
from parindex.rules import Achieved, Band, Bands, Direct, Level, Levels

D = Decimal
SELF = PointsSource.SELF_ASSESSMENT

BDI_2019 = ["7", "5", "13.65", "7.04", "7", "8", "9", "3"]  # Báo Bình Định, 24/02/2020


def camau_field(
    maximum: str | None = "20", gap: str = "tiêu chí 1.4 trở đi: không có trong bản trích"
) -> Node:
    """Field 1 of Cà Mau's table: 20 points, of which criteria 1.1–1.3 (10 points) are known."""
    levels = Levels(
        (
            Level("Ban hành kịp thời", D(1)),
            Level("Ban hành không kịp thời", D("0.5")),
            Level("Không ban hành", D(0)),
        )
    )
    bands = Bands((Band(D(90), D(2), inclusive=False), Band(D(70), D(1))))
    plan = Node("1.1", "Kế hoạch CCHC năm", maximum=D(5), children=(
        Node("1.1.1", "Ban hành kế hoạch CCHC năm", maximum=D(1), rule=levels),
        Node("1.1.2", "Xác định đầy đủ các nhiệm vụ CCHC", maximum=D(1), rule=Achieved()),
        Node("1.1.3", "Các kết quả phải đạt được xác định rõ ràng", maximum=D(1), rule=Achieved()),
        Node("1.1.4", "Mức độ thực hiện kế hoạch CCHC", maximum=D(2), rule=bands),
    ))  # fmt: skip
    reports = Node("1.2", "Báo cáo CCHC", maximum=D(2), children=(
        Node("1.2.1", "Tất cả báo cáo được gửi đúng thời gian quy định", maximum=D(1), rule=Achieved()),
        Node("1.2.2", "Tất cả báo cáo có đầy đủ nội dung theo hướng dẫn", maximum=D(1), rule=Achieved()),
    ))  # fmt: skip
    checks = Node(
        "1.3",
        "Kiểm tra công tác CCHC",
        maximum=D(3),
        gap="tiêu chí thành phần: không có trong bản trích",
    )
    return Node(
        "1",
        "Công tác chỉ đạo, điều hành CCHC",
        maximum=None if maximum is None else D(maximum),
        source=SELF,
        children=(plan, reports, checks),
        gap=gap,
    )


def make_pack(*tree: Node, **extra: object) -> Pack:
    return Pack(
        id="camau-excerpt",
        title="Cà Mau 1880/2013, trích",
        version="1880/QĐ-UBND",
        unit_group=UnitGroup.DEPARTMENT,
        years=YearRange(2013, 2013),
        tree=tree,
        synthetic=True,
        **extra,  # type: ignore[arg-type]
    )


def test_1150_results_say_self_assessment_only_65_of_100() -> None:
    pack = parindex.get_pack("bnv-province-1150-2019")
    compiled = parindex.compile_pack(pack)
    data = parindex.from_mappings(
        compiled, {"BDI": dict(zip(compiled.leaf_codes, BDI_2019, strict=True))}
    )
    results = parindex.score(compiled, data)
    assert results.is_partial
    coverage = results.coverage
    assert (coverage.covered, coverage.total) == (D(65), D(100))
    assert coverage.missing_sources == (PointsSource.SURVEY,) and coverage.appraisal_missing
    assert coverage.line("vi") == (
        "Chưa đầy đủ: chỉ gồm điểm tự đánh giá, 65/100 điểm, nhập điểm ở cấp lĩnh vực; "
        "chưa có điểm thẩm định và điều tra xã hội học; chỉ số và thứ hạng tính trên 65 điểm này."
    )
    assert coverage.line("en") == (
        "Incomplete: self-assessment points only, 65 of 100 points, entered at field level; "
        "not yet included: appraisal points and the survey; index and rank computed on these 65 points."
    )
    # The same entries as the appraisal's: appraisal is no longer missing, the survey still is.
    appraised = parindex.from_mappings(
        compiled,
        {"BDI": dict(zip(compiled.leaf_codes, BDI_2019, strict=True))},
        stage="appraisal_1",
    )
    line = parindex.score(compiled, appraised).coverage.line("vi")
    assert (
        line.startswith("Chưa đầy đủ: chỉ gồm điểm thẩm định, 65/100 điểm")
        and "chưa có điều tra xã hội học" in line
    )
    assert results.grade("BDI") is None  # the sources give this set no classification


def test_known_parts_under_a_stated_maximum_are_scored_as_partial() -> None:
    pack = make_pack(camau_field())
    violations = parindex.validate(pack)
    assert not [v for v in violations if v.severity is Severity.ERROR]
    assert ("1", "incomplete") in {(v.code, v.check) for v in violations}
    assert pack.node("1").maximum == D(20)  # the official maximum is not bent

    compiled = parindex.compile_pack(pack)  # each subtree as deep as it is known
    assert compiled.leaf_codes == ("1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.2.1", "1.2.2", "1.3")
    coverage = compiled.coverage
    assert (coverage.covered, coverage.total) == (D(10), D(20))
    assert [(p.code, p.covered, p.maximum) for p in coverage.partial] == [("1", D(10), D(20))]
    assert coverage.whole == ("1.3",)  # sub-criteria unknown: entered as a whole
    data = parindex.from_mappings(compiled, {
        "SYN-1": {"1.1.1": "Ban hành kịp thời", "1.1.2": 1, "1.1.3": 1, "1.1.4": "90", "1.2.1": 1, "1.2.2": 0, "1.3": "2.5"},
    })  # fmt: skip
    results = parindex.score(compiled, data)
    # Exactly 90 % is "từ 70 % - 90 %": 1 point, not 2.
    assert results.points("SYN-1", "1.1.4") == D(1)
    assert results.points("SYN-1") == D("7.5") and results.maximum("SYN-1") == D(10)
    assert results.index("SYN-1") == D("75.00")  # on the covered 10 points, and labelled so:
    assert results.coverage.line("vi") == (
        "Chưa đầy đủ: chỉ gồm điểm tự đánh giá, 10/20 điểm, nhập cả điểm ở 1.3; "
        "chưa có điểm thẩm định và phần còn lại của lĩnh vực 1 (đã có 10/20 điểm); "
        "chỉ số, xếp loại và thứ hạng tính trên 10 điểm này."
    )


def test_level_is_per_subtree_and_refused_only_where_nothing_reaches_it() -> None:
    field_2 = Node(
        "2",
        "Lĩnh vực chỉ biết điểm tối đa",
        maximum=D(8),
        source=SELF,
        rule=Direct(),
        gap="tiêu chí: chưa có",
    )
    pack = make_pack(camau_field(), field_2)
    at_2 = parindex.compile_pack(pack, level=2)
    assert at_2.leaf_codes == ("1.1", "1.2", "1.3", "2")  # field 2 entered as a whole
    assert at_2.coverage.whole == ("1.1", "1.2", "1.3", "2") and at_2.coverage.whole_level is None
    at_1 = parindex.compile_pack(pack, level=1)
    assert at_1.leaf_codes == ("1", "2") and at_1.node_max[1] == 20 * at_1.ticks_per_point
    assert at_1.coverage.partial == () and at_1.coverage.whole_level == 1
    assert "nhập điểm ở cấp lĩnh vực" in at_1.coverage.line("vi")
    only_fields = make_pack(field_2)
    with pytest.raises(parindex.PackError) as info:
        parindex.compile_pack(only_fields, level=2)
    assert "--level 1" in info.value.render("vi")


def test_a_field_without_its_maximum_makes_the_parts_it_lists_the_field() -> None:
    # The field's maximum is not given: its known parts are all there is to score.
    pack = make_pack(camau_field(maximum=None, gap=""))
    assert not [v for v in parindex.validate(pack) if v.severity is Severity.ERROR]
    coverage = pack_coverage(pack)
    assert (coverage.covered, coverage.total, coverage.partial) == (D(10), D(10), ())
    assert coverage.whole == ("1.3",) and coverage.is_partial


def test_parts_below_a_stated_maximum_without_a_gap_are_an_error_with_a_fix() -> None:
    pack = make_pack(camau_field(gap=""))
    found = [v for v in parindex.validate(pack) if v.severity is Severity.ERROR]
    assert [(v.code, v.check) for v in found] == [("1", "maxima-do-not-add-up")]
    assert "“thiếu”" in found[0].render("vi") and "“gap” column" in found[0].render("en")


def test_a_complete_pack_is_not_partial(commune_pack: Pack) -> None:
    compiled = parindex.compile_pack(commune_pack)
    assert not compiled.coverage.is_partial and compiled.coverage.line() == ""
