"""Outputs fit to send: no formulas from data, A4 page setup, header and signature blocks,
values entered beside the points, "không phát sinh" written out, one language, numeric
cells; CSV for Vietnamese-locale spreadsheets; a pandas frame with real types."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import openpyxl
import pytest
from io_support import unit_layout

import parindex
from parindex.analysis.synthetic_appraisal import synthetic_appraisal
from parindex.compiled import CompiledPack
from parindex.document import Heading
from parindex.inputs import NOT_APPLICABLE, Unit, from_mappings
from parindex.io import read_input, write_results, write_template
from parindex.model import NotApplicable
from parindex.results import Results
from parindex.rules import Achieved, Levels, Proportional
from parindex.synthetic import synthetic_input

HOSTILE = ("=HYPERLINK(\"http://x.example\",\"bấm\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR")
HEADING = Heading(
    issuer=("UBND tỉnh Sóc Trăng", "Sở Nội vụ"),
    year=2024,
    signer="KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
    signer_name="Nguyễn Văn A",
)


def _cells(book: Any) -> list[Any]:
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _texts(sheet: Any) -> list[str]:
    return [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


def _table(sheet: Any, first: str) -> tuple[int, list[Any], list[tuple[Any, ...]]]:
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    at = next(i for i, row in enumerate(rows) if row[0] == first)
    return at + 1, list(rows[at]), rows[at + 1 :]


@pytest.fixture(scope="module")
def appraised(commune: CompiledPack) -> Results:
    data = synthetic_appraisal(commune, synthetic_input(commune, 5, seed=4), seed=4)
    return parindex.score(commune, data)


# -- no formulas from data -----------------------------------------------------------------


def test_no_formula_from_data_in_workbooks_templates_and_csv(
    commune_pack: parindex.Pack, tmp_path: Path
) -> None:
    pack = attrs.evolve(commune_pack, title=HOSTILE[0])
    compiled = parindex.compile_pack(pack)
    data = synthetic_input(compiled, len(HOSTILE))
    units = tuple(
        Unit(f"{text}{k}", name=text, group=HOSTILE[(k + 1) % len(HOSTILE)])
        for k, text in enumerate(HOSTILE)
    )
    results = parindex.score(compiled, attrs.evolve(data, units=units))
    book_path = write_results(results, tmp_path / "r.xlsx")
    template = write_template(compiled, tmp_path / "t.xlsx", heading=Heading(title="=1+2"))
    for path in (book_path, template):
        book = openpyxl.load_workbook(path)
        cells = _cells(book)
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
        risky = [c for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@", "\t", "\r"))]
        assert risky and all(c.quotePrefix for c in risky)
    book = openpyxl.load_workbook(book_path)
    names = {c.value for c in _cells(book) if c.data_type == "s"}
    # (XML reads a carriage return back as a line feed: harmless, and not a formula)
    assert {text.replace("\r", "\n") for text in HOSTILE} <= names
    # The only formulas in a template are the drop-down lists parindex puts there.
    book = openpyxl.load_workbook(template)
    formulas = {v.formula1 for s in book.worksheets for v in s.data_validations.dataValidation}
    assert formulas and all(f.startswith("=lists!$") for f in formulas)

    with write_results(results, tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    for row in rows:
        for key in ("unit", "name", "group", "title"):
            if row[key][:1] in ("=", "+", "-", "@", "\t", "\r"):
                pytest.fail(f"{key} {row[key]!r} would be read as a formula")
    assert {row["name"] for row in rows} == {"'" + text for text in HOSTILE}
    # numbers are never prefixed
    assert all(row["points"][:1].isdigit() or row["points"][:1] == "-" for row in rows)


# -- workbooks fit to send -----------------------------------------------------------------


def _page_setup(sheet: Any, landscape: bool) -> None:
    setup = sheet.page_setup
    assert int(setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert setup.orientation == ("landscape" if landscape else "portrait")
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows and sheet.freeze_panes
    assert "&P" in sheet.oddFooter.center.text


def test_results_workbook_page_setup_heading_and_signature(province_1150: CompiledPack, tmp_path: Path) -> None:
    results = parindex.score(province_1150, synthetic_input(province_1150, 63))
    book = openpyxl.load_workbook(write_results(results, tmp_path / "r.xlsx", heading=HEADING))
    ranking = book["Xếp hạng"]
    _page_setup(ranking, landscape=False)
    # the 1150 set states no classification: no class columns, and a table narrow enough
    # for portrait pages
    _page_setup(book["Chỉ số thành phần"], landscape=False)
    assert "Xếp loại" not in _texts(ranking) + _texts(book["Chỉ số thành phần"])
    for sheet in book.worksheets[2:]:
        _page_setup(sheet, landscape=False)
    texts = _texts(ranking)
    top = texts[:8]
    assert top[:4] == ["UBND TỈNH SÓC TRĂNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SỞ NỘI VỤ", "Độc lập - Tự do - Hạnh phúc"]
    assert "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024" in top
    assert "Căn cứ: 1150/QĐ-BNV ngày 30/12/2019 của Bộ Nội vụ" in top
    first, header, rows = _table(ranking, "Hạng")
    assert ranking.print_title_rows == f"${first}:${first}"
    table = rows[:63]
    assert [r[0] for r in table] == [r.rank for r in results.ranking()]
    below = [c.value for row in ranking.iter_rows(min_row=first + 64) for c in row if isinstance(c.value, str)]
    assert below == ["……, ngày …… tháng …… năm ……", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"]
    for column in ("Điểm", "Điểm tối đa", "Chỉ số (%)"):
        cell = ranking.cell(row=first + 1, column=header.index(column) + 1)
        assert cell.data_type == "n" and cell.number_format.startswith("#,##0.00")
    # the same heading on every sheet, no signature on the others
    for sheet in book.worksheets[1:]:
        assert "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024" in _texts(sheet)
        assert "Nguyễn Văn A" not in _texts(sheet)


def test_without_a_heading_the_title_has_no_year_and_no_signature(appraised: Results, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_results(appraised, tmp_path / "r.xlsx"))
    _page_setup(book["Chỉ số thành phần"], landscape=True)  # index and class of 8 fields
    assert _table(book["Chỉ số thành phần"], "Hạng")[1][:5] == ["Hạng", "Mã đơn vị", "Tên đơn vị", "Chỉ số (%)", "Xếp loại"]
    texts = _texts(book["Xếp hạng"])
    assert texts[0] == "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH"
    assert "DỮ LIỆU MÔ PHỎNG, không phải kết quả chính thức" in texts[:5]
    assert "Vòng chấm: Kết quả thẩm định (vòng 1), bổ sung bằng tự đánh giá" in texts[:5]
    assert not any("ngày" in t for t in texts)


def test_unit_sheets_show_values_entered_and_not_applicable(appraised: Results, tmp_path: Path) -> None:
    compiled = appraised.compiled
    book = openpyxl.load_workbook(write_results(appraised, tmp_path / "r.xlsx"))
    values = appraised.input.stages["self"].values
    na = appraised.input.stages["self"].not_applicable
    seen: set[str] = set()
    for position, unit in enumerate(appraised.units):
        sheet = book[unit.id]
        first, header, rows = _table(sheet, "Mã")
        assert header[:3] == ["Mã", "Tiêu chí", "Điểm tối đa"]
        assert header[3:] == ["Giá trị tự đánh giá", "Điểm tự đánh giá", "Giá trị được chấm", "Điểm đạt được",
                              "Điểm bị mất", "Chỉ số (%)", "Xếp loại", "Không phát sinh"]
        by_code = {row[0]: row for row in rows}
        for leaf, code in enumerate(compiled.leaf_codes):
            row = by_code[code]
            rule = compiled.leaf_rules[leaf]
            entered = row[header.index("Giá trị tự đánh giá")]
            points = Decimal(repr(row[header.index("Điểm tự đánh giá")]))
            assert points == appraised.rounded_points(unit.id, code, "self")
            if na[position, leaf]:
                assert entered == "Không phát sinh"
                effect = row[header.index("Không phát sinh")]
                kind = compiled.leaf_na[leaf]
                if row[header.index("Giá trị được chấm")] == "Không phát sinh":
                    assert effect == {NotApplicable.FULL_POINTS: "tính đủ điểm",
                                      NotApplicable.EXCLUDED: "không tính vào điểm tối đa",
                                      NotApplicable.ZERO: "0 điểm"}[kind]
                    seen.add(kind.value)
                    if kind is NotApplicable.EXCLUDED:
                        assert row[2] == 0
            elif isinstance(rule, Levels):
                assert entered == rule.levels[int(values[position, leaf])].label
                seen.add("levels")
            elif isinstance(rule, Achieved):
                assert entered == ("đạt" if values[position, leaf] == 1 else "không đạt")
                seen.add("achieved")
            elif isinstance(rule, Proportional):
                assert entered == pytest.approx(values[position, leaf])
                cell = sheet.cell(row=first + compiled.node_index[code] + 1, column=4)
                assert cell.data_type == "n" and cell.number_format == 'General" %"'  # 85 %
                seen.add("number")
    assert {"levels", "achieved", "number", "full_points", "excluded"} <= seen


def test_english_workbook_is_english(appraised: Results, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_results(appraised, tmp_path / "r.xlsx", lang="en", heading=HEADING))
    assert book.sheetnames[:2] == ["Ranking", "Component indices"]
    texts = _texts(book["Ranking"])
    assert "PAR INDEX RESULTS 2024" in texts and "SOCIALIST REPUBLIC OF VIET NAM" in texts
    unit = book[appraised.unit_ids[0]]
    _, header, rows = _table(unit, "Code")
    assert header[-1] == "Not applicable" and "Value scored" in header
    assert {row[header.index("Not applicable")] for row in rows} <= {None, "full points", "left out of the maximum"}
    assert all(row[header.index("Value scored")] != "đạt" for row in rows)


def test_csv_decimal_comma_by_language(appraised: Results, tmp_path: Path) -> None:
    total = appraised.ranking()[0]
    expected = f"{total.index:.2f}"
    for lang, comma, delimiter, shown in (
        ("vi", None, ";", expected.replace(".", ",")),
        ("en", None, ",", expected),
        ("vi", False, ",", expected),
        ("en", True, ";", expected.replace(".", ",")),
    ):
        path = write_results(appraised, tmp_path / f"{lang}{comma}.csv", lang=lang, decimal_comma=comma)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter=delimiter))
        row = next(r for r in rows if r["unit"] == total.unit and r["code"] == "")
        assert row["index"] == shown and row["maximum"] == shown.replace(expected, "100.00").replace(
            expected.replace(".", ","), "100,00"
        )


# -- the entry template --------------------------------------------------------------------


def test_template_is_vietnamese_with_heading_and_page_setup(commune: CompiledPack, tmp_path: Path) -> None:
    path = write_template(commune, tmp_path / "t.xlsx", heading=Heading(issuer="UBND huyện Mỹ Tú", year=2024))
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    unit_row, header = unit_layout(book)
    _page_setup(sheet, landscape=True)
    assert sheet.print_title_rows == f"${header}:${header}"
    texts = _texts(sheet)
    assert "PHIẾU TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024" in texts[:6]
    assert texts[0] == "UBND HUYỆN MỸ TÚ"
    english = ("a value", "between", "points", "or mark", "one of", "achieved", "whole count")
    assert [t for t in texts if any(word in t for word in english)] == []
    allowed = [row[5].value for row in sheet.iter_rows(min_row=header + 1) if row[5].value]
    assert "một giá trị từ 0 đến 100" in allowed
    assert any(a.endswith("hoặc đánh dấu “x” ở cột Không phát sinh") for a in allowed)
    english_book = openpyxl.load_workbook(write_template(commune, tmp_path / "e.xlsx", lang="en"))
    english_texts = _texts(english_book.worksheets[0])
    assert "a value between 0 and 100" in english_texts
    assert not any("giá trị từ" in t for t in english_texts)


def test_a_template_with_a_heading_reads_back(commune: CompiledPack, tmp_path: Path) -> None:
    path = write_template(commune, tmp_path / "t.xlsx", heading=HEADING)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    unit_row, header = unit_layout(book)
    sheet.cell(row=unit_row, column=2, value="X01")
    for row in sheet.iter_rows(min_row=header + 1):
        if row[0].value in commune.leaf_codes:
            leaf = commune.leaf_index[row[0].value]
            rule = commune.leaf_rules[leaf]
            if isinstance(rule, Levels):
                row[6].value = rule.levels[0].label
            elif isinstance(rule, Achieved):
                row[6].value = "đạt"
            elif commune.leaf_na[leaf] is not NotApplicable.NOT_ALLOWED:
                row[8].value = "x"
            else:
                row[6].value = 1
    book.save(path)
    read = parindex.score(commune, read_input(commune, path))
    entries: dict[str, object] = {}
    for leaf, code in enumerate(commune.leaf_codes):
        rule = commune.leaf_rules[leaf]
        if isinstance(rule, Levels):
            entries[code] = rule.levels[0].label
        elif isinstance(rule, Achieved):
            entries[code] = "đạt"
        elif commune.leaf_na[leaf] is not NotApplicable.NOT_ALLOWED:
            entries[code] = NOT_APPLICABLE
        else:
            entries[code] = 1
    direct = parindex.score(commune, from_mappings(commune, {"X01": entries}))
    assert np.array_equal(read.final.points, direct.final.points)


# -- pandas ---------------------------------------------------------------------------------


def test_to_pandas_has_real_types(appraised: Results) -> None:
    pd = pytest.importorskip("pandas")
    frame = appraised.to_pandas(max_depth=0)
    assert str(frame["points"].dtype) == "float64" and str(frame["index"].dtype) == "float64"
    assert str(frame["rank"].dtype) == "Int64" and str(frame["depth"].dtype) == "Int64"
    assert isinstance(frame["grade"].dtype, pd.CategoricalDtype) and frame["grade"].cat.ordered
    indices = [float(r.index) for r in appraised.ranking() if r.index is not None]
    assert frame["index"].mean() == pytest.approx(sum(indices) / len(indices))
    ordered = frame.sort_values("index", ascending=False)
    assert list(ordered["unit"]) == [r.unit for r in appraised.ranking()]
    assert list(ordered["rank"]) == [r.rank for r in appraised.ranking()]
    assert (frame["grade"] >= "B").sum() == sum(r.grade in ("A", "B") for r in appraised.ranking())
    assert frame.sort_values("grade")["grade"].iloc[-1] == max(
        (r.grade for r in appraised.ranking()), key="DCBA".index
    )
    everything = appraised.to_pandas()
    assert everything.loc[everything["code"] != "", "rank"].isna().all()
    exact = appraised.to_pandas(max_depth=0, exact=True)
    assert list(exact["index"]) == [r.index for r in appraised.rows(max_depth=0)]


def test_score_command_heads_its_workbook_and_shapes_its_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from parindex.cli import main

    scores = tmp_path / "tinh.csv"
    rows = ["unit,name,code,value"]
    for unit, scale in (("BD", 1.0), ("XX", 0.5)):
        for code, maximum in zip("12345678", (7, 5, 14, 7.5, 8, 8.5, 9, 6), strict=True):
            rows.append(f"{unit},Tỉnh {unit},{code},{maximum * scale}")
    scores.write_text("\n".join(rows) + "\n", encoding="utf-8")
    book = tmp_path / "kq.xlsx"
    argv = ["score", "bnv-province-1150-2019", str(scores)]
    assert main([*argv, "-o", str(book), "--issuer", "UBND tỉnh Bình Định", "--year", "2019",
                 "--signer", "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", "--signer-name", "Trần Văn B"]) == 0
    texts = _texts(openpyxl.load_workbook(book)["Xếp hạng"])
    assert texts[0] == "UBND TỈNH BÌNH ĐỊNH"
    assert "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2019" in texts
    assert texts[-3:] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn B"]
    for extra, header in (([], "unit;name;group;code"), (["--no-decimal-comma"], "unit,name,group,code"),
                          (["--lang", "en"], "unit,name,group,code"), (["--lang", "en", "--decimal-comma"], "unit;name;group;code")):
        out = tmp_path / "kq.csv"
        assert main([*argv, "-o", str(out), *extra]) == 0
        assert out.read_text(encoding="utf-8-sig").startswith(header)
    capsys.readouterr()
    assert main([*argv, "--json", "--year", "2019"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert {s["year"] for s in document["sets"]} == {2019}


def test_evidence_and_notes_are_carried_to_the_unit_sheets(commune: CompiledPack, tmp_path: Path) -> None:
    from parindex.errors import InputError

    template = write_template(commune, tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    unit_row, header = unit_layout(book)
    sheet.cell(row=unit_row, column=2, value="X01")
    names = [c.value for c in sheet[header]]
    evidence_column, note_column = names.index("Tài liệu kiểm chứng"), names.index("Ghi chú")
    first_leaf = commune.leaf_codes[0]
    for row in sheet.iter_rows(min_row=header + 1):
        if row[0].value in commune.leaf_codes:
            leaf = commune.leaf_index[row[0].value]
            rule = commune.leaf_rules[leaf]
            row[6].value = rule.levels[0].label if isinstance(rule, Levels) else ("đạt" if isinstance(rule, Achieved) else 1)
        if row[0].value == first_leaf:
            row[evidence_column].value = "- Quyết định số 12/QĐ-UBND"
            row[note_column].value = "nộp bổ sung ngày 5/1"
    filled = tmp_path / "x01.xlsx"
    book.save(filled)
    appraisal = tmp_path / "tham-dinh.csv"
    appraisal.write_text(
        f"unit,code,value,stage,evidence,note\nX01,{first_leaf},,appraisal_1,,Sở Nội vụ: đã kiểm tra\n",
        encoding="utf-8",
    )
    results = parindex.score(commune, read_input(commune, filled, appraisal, allow_missing=True))
    assert results.input.notes[("X01", first_leaf)].note == "nộp bổ sung ngày 5/1; Sở Nội vụ: đã kiểm tra"
    out = openpyxl.load_workbook(write_results(results, tmp_path / "r.xlsx"))
    _, columns, rows = _table(out["X01"], "Mã")
    row = next(r for r in rows if r[0] == first_leaf)
    assert row[columns.index("Tài liệu kiểm chứng")] == "- Quyết định số 12/QĐ-UBND"
    assert row[columns.index("Ghi chú")] == "nộp bổ sung ngày 5/1; Sở Nội vụ: đã kiểm tra"
    assert [c.coordinate for c in _cells(out) if c.data_type == "f"] == []
    appraisal.write_text(
        f"unit,code,value,stage,evidence,note\nX01,{first_leaf},,appraisal_1,,bad\x07bell\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        read_input(commune, filled, appraisal, allow_missing=True)
    (problem,) = caught.value.problems
    assert problem.message.code == "entry.bad_character"  # type: ignore[union-attr]
    assert str(problem.location) == "tham-dinh.csv, ô F2"
