"""Survey points in the outputs: explain, results workbook, HTML report, demo (SYNTHETIC)."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest
from openpyxl import load_workbook

from parindex.cli import main

ROOT = Path(__file__).parents[1]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def demo_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, out, _ = _run(capsys, "survey", "demo", str(tmp_path / "vd"), "--units", "24")
    assert code == 0 and "don-vi.csv" in out
    return tmp_path / "vd"


def test_score_writes_a_survey_sheet(demo_files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = demo_files / "kq.xlsx"
    code, _, _ = _run(
        capsys,
        "score",
        "synthetic-commune",
        str(demo_files / "don-vi.csv"),
        "--survey",
        str(demo_files / "tra-loi.csv"),
        "-o",
        str(out),
    )
    assert code == 0
    book = load_workbook(out)
    sheet = book["Điều tra XHH"]
    assert "MÔ PHỎNG" in str(sheet["A1"].value) and "SYNTHETIC" in str(sheet["A2"].value)
    header = [c.value for c in sheet[3]]
    assert header[:6] == [
        "Mã đơn vị",
        "Tiêu chí",
        "Cách tính",
        "Điểm",
        "Điểm tối đa",
        "Chỉ số (trung bình hoặc %)",
    ]
    assert sheet.max_row == 3 + 24 * 10
    # No formula anywhere: text from data is stored as text.
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_the_report_has_a_survey_section_and_rank_marks(
    demo_files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = demo_files / "bc.html"
    code, _, _ = _run(
        capsys,
        "report",
        "synthetic-commune",
        str(demo_files / "don-vi.csv"),
        "--survey",
        str(demo_files / "tra-loi.csv"),
        "--satisfaction",
        str(demo_files / "hai-long.csv"),
        "--survey-resamples",
        "60",
        "-o",
        str(page),
    )
    assert code == 0
    html = page.read_text(encoding="utf-8")
    assert '<section id="survey"><h2>Điều tra xã hội học</h2>' in html
    assert '<a href="#survey">' in html
    assert "Các tiêu chí điều tra" in html and "Chỉ số hài lòng" in html
    assert "CÂU TRẢ LỜI MÔ PHỎNG (SYNTHETIC)" in html
    wide = len(
        re.findall(r'<span class="wide" title="khoảng xếp hạng 5–95 %: \d+–\d+">◆</span>', html)
    )
    note = re.search(r"(\d+) đơn vị có khoảng hạng 5–95 % rộng", html)
    assert note is not None and int(note.group(1)) == wide
    # Every leaf cell shows its count of valid answers.
    assert html.count("n=") >= 24 * 10


def test_the_demo_includes_the_survey_part(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "demo", "--communes", "60")
    assert code == 0
    assert "Phiếu điều tra xã hội học cấp xã MÔ PHỎNG" in out
    assert "60 xã · 1800 phiếu" in out


def test_the_worked_example_of_the_docs_by_hand() -> None:
    """docs/survey.md's worked example, recomputed with fractions, matches what it shows."""
    to_unit = Fraction(1, 4)  # (v − 1) / (5 − 1)
    can_bo = (5 - 1) * to_unit
    nguoi_dan = Fraction((5 - 1) + (3 - 1), 2) * to_unit
    share = Fraction(4, 10) * can_bo + Fraction(6, 10) * nguoi_dan
    assert share == Fraction(85, 100)
    assert 1 + 4 * share == Fraction(440, 100)  # figure 4,40
    assert 4 * share == Fraction(34, 10)  # points 3,4000
    yes = Fraction(2, 3)
    assert round(100 * yes, 2) == Fraction(6667, 100)  # 66,67 %
    assert 3 * yes == 2  # points 2,0000
    for name, shown in (("survey.md", ("3.4000", "66.67")), ("survey.vi.md", ("3,4000", "66,67"))):
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        assert all(value in text for value in shown)
