"""Printed workbooks, rendered by LibreOffice: the ranking of 63 units on at most two A4
pages, a unit sheet of 100 leaves on at most four, the entry template one page wide with
the input columns beside the codes on every page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from libreoffice_support import page_texts, pages_by_sheet, to_pdf

import parindex
from parindex.analysis.synthetic_appraisal import synthetic_appraisal
from parindex.compiled import CompiledPack
from parindex.document import Heading
from parindex.io import write_results, write_template
from parindex.model import (
    DeclaredStructure,
    LegalBasis,
    Node,
    NotApplicable,
    Pack,
    PointsSource,
    UnitGroup,
    YearRange,
)
from parindex.rules import Achieved, Level, Levels, Proportional
from parindex.synthetic import synthetic_input

HEADING = Heading(
    issuer=("UBND tỉnh Sóc Trăng", "Sở Nội vụ"),
    year=2024,
    signer="KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
    signer_name="Nguyễn Văn A",
)
_WORDS = (
    "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn và trước hạn trên tổng số hồ sơ "
    "tiếp nhận trong năm đánh giá theo quy định của cơ quan có thẩm quyền"
).split()


def _title(words: int, k: int) -> str:
    start = (k * 3) % 10
    return " ".join(_WORDS[start : start + words]).capitalize()


def hundred_leaves() -> CompiledPack:
    """A SYNTHETIC pack of 10 fields × 2 criteria × 5 sub-criteria with titles as long as
    real ones (8 to 16 words), a mix of rule kinds and some "không phát sinh" leaves."""
    levels = Levels(
        (Level("đúng hạn", Decimal(1)), Level("chậm", Decimal("0.5")), Level("không thực hiện", Decimal(0)))
    )
    fields = []
    k = 0
    for f in range(1, 11):
        criteria = []
        for c in range(1, 3):
            leaves = []
            for s in range(1, 6):
                k += 1
                leaves.append(
                    Node(
                        code=f"{f}.{c}.{s}",
                        title=_title(8 + k % 9, k),
                        maximum=Decimal(1),
                        rule=(Achieved(), levels, Proportional())[k % 3],
                        not_applicable=NotApplicable.FULL_POINTS if k % 7 == 0 else NotApplicable.NOT_ALLOWED,
                    )
                )
            criteria.append(Node(code=f"{f}.{c}", title=_title(10, k), children=tuple(leaves)))
        fields.append(
            Node(code=str(f), title=f"Lĩnh vực {f}: {_title(6, f)}", source=PointsSource.SELF_ASSESSMENT,
                 children=tuple(criteria))
        )
    pack = Pack(
        id="test-100-leaves",
        title="Bộ chỉ số thử nghiệm 100 tiêu chí thành phần (MÔ PHỎNG)",
        version="1",
        unit_group=UnitGroup.COMMUNE,
        years=YearRange(2024),
        tree=tuple(fields),
        declared=DeclaredStructure(
            fields=10, criteria=20, sub_criteria=100, maximum={PointsSource.SELF_ASSESSMENT: Decimal(100)}
        ),
        synthetic=True,
        legal_basis=(LegalBasis("1150/QĐ-BNV", dt.date(2019, 12, 30), issuer="Bộ Nội vụ"),),
    )
    return parindex.compile_pack(pack)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, province_1150: CompiledPack) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("printed")
    ranking = parindex.score(province_1150, synthetic_input(province_1150, 63))
    compiled = hundred_leaves()
    units = parindex.score(compiled, synthetic_appraisal(compiled, synthetic_input(compiled, 2)))
    books = [
        write_results(ranking, folder / "ranking.xlsx", heading=HEADING, unit_sheets=False),
        write_results(units, folder / "units.xlsx", heading=HEADING),
        write_template(compiled, folder / "template.xlsx", heading=HEADING),
    ]
    return dict(zip(("ranking", "units", "template"), to_pdf(*books), strict=True))


def test_the_ranking_of_63_units_prints_on_two_pages(printed: dict[str, Path]) -> None:
    pages = pages_by_sheet(printed["ranking"])
    assert pages["Xếp hạng"] <= 2
    assert pages["Chỉ số thành phần"] <= 2
    text = "".join(page_texts(printed["ranking"])[: pages["Xếp hạng"]])
    for words in ("UBND TỈNH SÓC TRĂNG", "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"):
        assert words in text
    # the last column is on the same page as the names (the class column used to print
    # alone on page 3; this pack states no classification, so its last column is the index)
    first = page_texts(printed["ranking"])[0]
    assert "Tên đơn vị" in first and "Chỉ số (%)" in first


def test_a_unit_sheet_of_100_leaves_prints_on_at_most_four_pages(printed: dict[str, Path]) -> None:
    pages = pages_by_sheet(printed["units"])
    unit_sheets = {name: n for name, n in pages.items() if name.startswith("SYN-")}
    assert len(unit_sheets) == 2
    assert max(unit_sheets.values()) <= 4
    for page in page_texts(printed["units"])[-max(unit_sheets.values()) :]:
        assert "Giá trị được" in page and "Không phát" in page  # the header row, repeated


def test_the_template_prints_one_page_wide_with_the_inputs_beside_the_codes(printed: dict[str, Path]) -> None:
    texts = page_texts(printed["template"])
    assert pages_by_sheet(printed["template"]) == {"Đánh giá": len(texts)}
    assert len(texts) <= 6
    for page in texts:
        assert "Mã" in page and "tự đánh giá" in page and "Ghi chú" in page
    assert "PHIẾU TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024" in texts[0]
