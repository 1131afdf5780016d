"""Headers that are nearly right ("ma_don_vi" for "mã đơn vị") are still refused, but the
problem asks whether the accepted name was meant; the long CSV's expected part lists the
Vietnamese names too. Long CSV, survey answers, criteria tables and batch workbooks share
one helper (parindex.io.near_headers)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from survey_support import synthetic_definition

import parindex
from parindex.errors import InputError
from parindex.io import read_input, write_template
from parindex.io.criteria_table import read_table
from parindex.io.near_headers import loose_key, near_header
from parindex.messages import use_lang
from parindex.survey import read_answers


def _commune() -> parindex.CompiledPack:
    return parindex.compile_pack(parindex.get_pack("synthetic-commune"))


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_input(_commune(), path)
    return [f"{p.message.code} | {p}" for p in caught.value.problems]


def test_a_long_csv_header_without_diacritics_is_refused_with_the_name_meant(tmp_path: Path) -> None:
    path = tmp_path / "don-vi.csv"
    path.write_text("ma_don_vi,Ma Tieu Chi,GIA-TRI,bogus\nBDI,1.1.1,đạt,\n", encoding="utf-8")
    problems = _problems(path)
    assert [p.split(" | ")[0] for p in problems] == [
        "header.did_you_mean",
        "header.did_you_mean",
        "header.did_you_mean",
        "csv.unknown_column",
        "csv.missing_columns",
    ]
    first = problems[0].split(" | ")[1]
    assert first.startswith(
        "don-vi.csv, ô A1: cột không xác định “ma_don_vi”; có phải ý bạn là “mã đơn vị” (unit)?"
        " (cần: một trong các cột unit, code, value, appraised, na, stage, entry, name, group,"
        " evidence, note, hoặc tên tiếng Việt: mã đơn vị, đơn vị, mã, mã tiêu chí, giá trị,"
    )
    assert "“Ma Tieu Chi”; có phải ý bạn là “mã tiêu chí” (code)?" in problems[1]
    assert "“GIA-TRI”; có phải ý bạn là “giá trị” (value)?" in problems[2]
    assert "có phải ý bạn" not in problems[3] and "tên tiếng Việt: mã đơn vị" in problems[3]
    with use_lang("en"):
        english = _problems(path)[0]
    assert "unknown column “ma_don_vi”; did you mean “mã đơn vị” (unit)?" in english
    assert "or in Vietnamese: mã đơn vị, đơn vị" in english


def test_survey_answer_headers_nearly_right(tmp_path: Path) -> None:
    path = tmp_path / "tra-loi.csv"
    path.write_text("ma_phieu,ma don vi,Nhom Doi Tuong\nP1,BDI,người dân\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_answers(synthetic_definition(), path)
    texts = [str(p) for p in caught.value.problems]
    assert "có phải ý bạn là “mã phiếu” (respondent)?" in texts[0]
    assert "có phải ý bạn là “mã đơn vị” (unit)?" in texts[1]
    assert "có phải ý bạn là “nhóm đối tượng” (group)?" in texts[2]


def test_criteria_table_headers_nearly_right(tmp_path: Path) -> None:
    path = tmp_path / "tieu-chi.csv"
    path.write_text("ma,ten,diem_toi_da\n1,Lĩnh vực,10\n", encoding="utf-8")
    table = read_table(path)
    assert [str(p.message) for p in table.problems] == [
        "cột “diem_toi_da” không dùng đến, bị bỏ qua; có phải ý bạn là “điểm tối đa” (maximum)?"
    ]


def test_batch_workbook_headers_nearly_right(tmp_path: Path) -> None:
    compiled = _commune()
    path = write_template(compiled, tmp_path / "batch.xlsx", layout="batch", rows=3)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    sheet["B1"] = "ten_don_vi"
    sheet["A4"] = "X01"
    book.save(path)
    problems = _problems(path)
    assert any(
        "ô B1: cột không xác định “ten_don_vi”; có phải ý bạn là “Tên đơn vị” (name)?" in p
        for p in problems
    ), problems


def test_the_loose_match() -> None:
    assert loose_key(" Mã_Đơn-vị. ") == "madonvi"
    names = [("mã", "code"), ("mã đơn vị", "unit"), ("unit", "unit")]
    assert near_header("MA DON VI", names) == ("mã đơn vị", "unit")
    assert near_header("m a", names) == ("mã", "code")
    assert near_header("___", names) is None
    # Names of two columns match: no suggestion rather than a guess.
    assert near_header("ma", [("mã", "code"), ("ma", "other")]) is None
