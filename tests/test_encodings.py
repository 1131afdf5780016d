"""CSV files that are not UTF-8 are refused saying which encoding they are in, where the
bytes show it (issue 12 follow-up): UTF-16/32 by their BOM or NUL pattern, the old
Vietnamese Windows-1258 and TCVN3 only on strong evidence; every CSV reader (long input,
survey answers, criteria tables) and the JSON input. Nothing is ever decoded for the user:
the file is still refused."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

import parindex
from parindex.errors import InputError, ParIndexError
from parindex.io import read_input
from parindex.io.criteria_table import read_table
from parindex.io.text_encoding import legacy_encoding, wide_encoding
from parindex.messages import use_lang
from parindex.survey import read_answers
from survey_support import synthetic_definition

HEADER = "mã đơn vị,mã tiêu chí,giá trị\n"
ROWS = "BDI,1.1.1,đạt\nBDI,1.1.2,không đạt\n"
TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """What Windows writes for Vietnamese in code page 1258: base letters with the
    tone as a combining mark where no precomposed letter exists."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += (base + "".join(c for c in parts if c in TONES)).encode("cp1258")
    return bytes(out)


#: HEADER + ROWS in TCVN3 (ABC), as glibc's ``iconv -t TCVN5712-1`` writes them.
TCVN3 = (
    b"m\xb7 \xae\xacn v\xde,m\xb7 ti\xaau ch\xdd,gi\xb8 tr\xde\n"
    b"BDI,1.1.1,\xae\xb9t\nBDI,1.1.2,kh\xabng \xae\xb9t\n"
)


def _commune() -> parindex.CompiledPack:
    return parindex.compile_pack(parindex.get_pack("synthetic-commune"))


def _problem(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_input(_commune(), path)
    assert len(caught.value.problems) == 1
    problem = caught.value.problems[0]
    return f"{problem.message.code} | {problem}"


CASES = {
    # Excel's "Unicode Text": UTF-16 LE with a BOM, tab-separated.
    "utf16-le": ((HEADER + ROWS).replace(",", "\t").encode("utf-16"), "UTF-16 LE", "Unicode Text"),
    "utf16-be": ("\ufeff" + HEADER + ROWS).encode("utf-16-be"),
    "utf16-le-no-bom": (HEADER + ROWS).encode("utf-16-le"),
    "utf16-be-no-bom": (HEADER + ROWS).encode("utf-16-be"),
    "utf32": (HEADER + ROWS).encode("utf-32"),
    "utf32-be-no-bom": (HEADER + ROWS).encode("utf-32-be"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_utf16_or_utf32_csv_is_named_with_how_to_save_it(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    data = case[0] if isinstance(case, tuple) else case
    encoding = name.split("-")[0].upper().replace("UTF", "UTF-") + (
        " BE" if "-be" in name else " LE"
    )
    path = tmp_path / "don-vi.csv"
    path.write_bytes(data)
    text = _problem(path)
    assert text.startswith("encoding.")
    assert f"don-vi.csv: tệp được lưu theo mã {encoding}" in text
    assert "“CSV UTF-8 (Comma delimited) (*.csv)”" in text and "LibreOffice" in text
    if name == "utf16-le":
        assert "“Unicode Text” của Excel" in text
    with use_lang("en"):
        assert f"the file is in {encoding}" in _problem(path)


def test_a_windows_1258_csv_is_named_at_its_first_byte(tmp_path: Path) -> None:
    path = tmp_path / "don-vi.csv"
    path.write_bytes(b"unit,code,value\n" + cp1258("BDI,1.1.1,đạt\nBDI,1.1.2,không đạt\n" * 2))
    text = _problem(path)
    assert text.startswith("encoding.legacy | don-vi.csv, dòng 2: tệp được lưu theo mã cũ ")
    assert "Windows-1258, không phải UTF-8 (từ byte thứ 27," in text
    assert "“Vietnamese (Windows-1258)”" in text and "“CSV UTF-8 (Comma delimited)" in text


def test_a_tcvn3_csv_is_named(tmp_path: Path) -> None:
    path = tmp_path / "don-vi.csv"
    path.write_bytes(TCVN3)
    text = _problem(path)
    assert "don-vi.csv, dòng 1: tệp được lưu theo mã cũ TCVN3, không phải UTF-8" in text
    assert "UniKey" in text
    with use_lang("en"):
        assert "the file is in the old TCVN3 encoding" in _problem(path)


@pytest.mark.parametrize(
    "data",
    [
        b"unit,code,value\nX01,1.1.1,\xf0\xe1t\n",  # one word: too little to tell
        "unit,code,value\ncafé,1.1.1,déjà\nnaïve,1.1.2,été\n".encode("latin-1"),
        "unit,code,value\nMüller,1.1.1,Größe\nStraße,1.1.2,Übung\n".encode("cp1252"),
        HEADER.encode("utf-8") + cp1258(ROWS) + b"\xff\n",  # UTF-8 and 1258 mixed
    ],
)
def test_weak_evidence_keeps_the_located_not_utf8_message(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "don-vi.csv"
    path.write_bytes(data)
    assert _problem(path).startswith("csv.not_utf8 | don-vi.csv, dòng 2: không phải văn bản UTF-8")


def test_the_evidence_rules() -> None:
    assert legacy_encoding(cp1258(HEADER + ROWS)) == "Windows-1258"
    assert legacy_encoding(TCVN3) == "TCVN3"
    assert legacy_encoding(cp1258("Nguyễn Văn Hải, phường Bến Nghé, ổn định\n")) == "Windows-1258"
    # Letters that make no Vietnamese syllable, symbols in Windows-1258: no encoding named.
    assert legacy_encoding(b"\xa8\xa8\xa8\xa8 \xa8\xa8\xa8\xa8 \xa8\xa8\xa8\xa8") is None
    assert wide_encoding(HEADER.encode("utf-8")) is None
    assert wide_encoding(b"unit,code\n\x00") is None


def test_survey_answer_csvs_say_the_same(tmp_path: Path) -> None:
    definition = synthetic_definition()
    wide = tmp_path / "tra-loi.csv"
    wide.write_bytes("mã phiếu\tmã đơn vị\tnhóm\n".encode("utf-16"))
    old = tmp_path / "cu.csv"
    old.write_bytes(cp1258("mã phiếu,mã đơn vị,nhóm đối tượng\nP1,BDI,người dân\n"))
    with pytest.raises(InputError) as caught:
        read_answers(definition, wide, old)
    codes = [p.message.code for p in caught.value.problems]
    assert codes == ["encoding.unicode_text", "encoding.legacy"]
    assert str(caught.value.problems[1]).startswith(
        "cu.csv, dòng 1: tệp được lưu theo mã cũ Windows-1258"
    )


def test_criteria_table_csvs_say_the_same(tmp_path: Path) -> None:
    path = tmp_path / "tieu-chi.csv"
    path.write_bytes("mã,tên,điểm tối đa\n1,Công tác chỉ đạo điều hành,10\n".encode("utf-16"))
    with pytest.raises(ParIndexError) as caught:
        read_table(path)
    assert caught.value.code == "encoding.in_file"
    assert str(caught.value).startswith(
        "tieu-chi.csv: tệp được lưu theo mã UTF-16 LE (kiểu “Unicode Text” của Excel)"
    )
    path.write_bytes(cp1258("mã,tên,điểm tối đa\n1,Công tác chỉ đạo điều hành,10\n"))
    with pytest.raises(ParIndexError) as caught:
        read_table(path)
    assert "Windows-1258" in str(caught.value)


def test_a_utf16_json_input_is_named(tmp_path: Path) -> None:
    path = tmp_path / "don-vi.json"
    path.write_bytes('{"units": []}'.encode("utf-16"))
    assert _problem(path).startswith("encoding.wide | don-vi.json: tệp được lưu theo mã UTF-16 LE")
