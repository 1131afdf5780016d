"""Every output of a partial pack carries its one coverage line: CLI table, explain,
results workbook, CSV and JSON, and the HTML report (issue 14).

Bình Định's 2019 self-assessed field points (Báo Bình Định, 24/02/2020) on the
field-level 1150 pack: 65 of the index's 100 points, before appraisal.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from parindex.cli import main

LINE_VI = (
    "Chưa đầy đủ: chỉ gồm điểm tự đánh giá, 65/100 điểm, nhập điểm ở cấp lĩnh vực; "
    "chưa có điểm thẩm định và điều tra xã hội học; chỉ số và thứ hạng tính trên 65 điểm này."
)
LINE_EN = (
    "Incomplete: self-assessment points only, 65 of 100 points, entered at field level; "
    "not yet included: appraisal points and the survey; index and rank computed on these 65 points."
)
PACK = "bnv-province-1150-2019"


@pytest.fixture
def entries(tmp_path: Path) -> Path:
    path = tmp_path / "binh-dinh-2019.csv"
    values = ["7", "5", "13,65", "7,04", "7", "8", "9", "3"]
    rows = ["mã đơn vị,tên đơn vị,mã,giá trị"] + [f'BDI,Bình Định,{i},"{v}"' for i, v in enumerate(values, 1)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_cli_table(entries: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", PACK, str(entries)]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith(LINE_VI)
    assert "Xếp loại" not in out  # no classification in this set: index and rank only
    assert main(["score", PACK, str(entries), "--lang", "en"]) == 0
    assert capsys.readouterr().out.rstrip().endswith(LINE_EN)


def test_explain(entries: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", PACK, str(entries), "--unit", "BDI"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith(LINE_VI)
    # No classification in this set: no empty "Xếp loại:" beside the index and rank.
    assert "Chỉ số (%): 91,83 · Hạng: 1" in out and "Xếp loại" not in out


def test_explain_json(entries: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for lang, line in (("vi", LINE_VI), ("en", LINE_EN)):
        assert main(["explain", PACK, str(entries), "--unit", "BDI", "--json", "--lang", lang]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert (printed["is_partial"], printed["coverage_line"], printed["graded"]) == (True, line, False)
        coverage = printed["coverage"]
        assert (Decimal(coverage["covered"]), Decimal(coverage["total"])) == (65, 100)
        assert coverage["missing_sources"] == ["survey"] and coverage["appraisal_missing"] is True
        assert coverage["whole_level"] == 1 and printed["grade"] is None


def test_explain_of_a_complete_view_with_classes(capsys: pytest.CaptureFixture[str]) -> None:
    examples = Path(__file__).parents[1] / "docs" / "examples" / "don-vi"
    assert main(["explain", "synthetic-commune", str(examples), "--unit", "XA-02"]) == 0
    out = capsys.readouterr().out
    assert "· Xếp loại: A · Hạng: 1" in out and "Chưa đầy đủ" not in out
    assert main(["explain", "synthetic-commune", str(examples), "--unit", "XA-02", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["is_partial"], printed["coverage_line"], printed["coverage"], printed["graded"]) == (False, "", None, True)


def test_results_workbook(entries: Path, tmp_path: Path) -> None:
    out = tmp_path / "ket-qua.xlsx"
    assert main(["score", PACK, str(entries), "-o", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    for sheet in book.worksheets:  # every sheet's header block carries it
        cells = [c.value for row in sheet.iter_rows(max_row=12) for c in row]
        assert LINE_VI in cells, sheet.title
    ranking = book.worksheets[0]
    header = next(row for row in ranking.iter_rows(values_only=True) if "Hạng" in row)
    assert "Xếp loại" not in header


def test_results_csv(entries: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Every line is marked partial in one byte (programs filter and join on it; the
    # sentence on each of 15 million lines was half of a 3.4 GB file); the sentence is
    # said once, on screen as the CSV is written and in the JSON of the same results.
    out = tmp_path / "ket-qua.csv"
    assert main(["score", PACK, str(entries), "-o", str(out)]) == 0
    assert capsys.readouterr().out.rstrip().endswith(LINE_VI)
    text = out.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(text.splitlines(), delimiter=";"))
    assert rows and all(row["partial"] == "1" for row in rows)
    assert "Chưa đầy đủ" not in text and "coverage" not in rows[0]
    complete = tmp_path / "day-du.csv"
    examples = Path(__file__).parents[1] / "docs" / "examples" / "don-vi"
    assert main(["score", "synthetic-commune", str(examples), "-o", str(complete)]) == 0
    header = complete.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(";")[-1] == "rank"  # a complete view has no partial column


def test_results_json(entries: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ket-qua.json"
    assert main(["score", PACK, str(entries), "-o", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert all(LINE_VI in result_set["note"] for result_set in document["sets"])
    capsys.readouterr()
    assert main(["score", PACK, str(entries), "--json", "--lang", "en"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert all(LINE_EN in result_set["note"] for result_set in printed["sets"])


def test_html_report(entries: Path, tmp_path: Path) -> None:
    out = tmp_path / "bao-cao.html"
    assert main(["report", PACK, str(entries), "-o", str(out)]) == 0
    assert LINE_VI in out.read_text(encoding="utf-8")


def test_a_complete_view_carries_no_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    examples = Path(__file__).parents[1] / "docs" / "examples" / "don-vi"
    assert main(["score", "synthetic-commune", str(examples)]) == 0
    out = capsys.readouterr().out
    assert "Chưa đầy đủ" not in out and "Xếp loại" in out  # the synthetic set has classes


def test_entry_template(tmp_path: Path) -> None:
    out = tmp_path / "mau.xlsx"
    assert main(["template", PACK, "-o", str(out)]) == 0
    cells = [c.value for row in openpyxl.load_workbook(out).worksheets[0].iter_rows(max_row=12) for c in row]
    assert any(isinstance(v, str) and v.startswith("Chưa đầy đủ: chỉ gồm điểm tự đánh giá, thẩm định, 65/100 điểm") for v in cells)
