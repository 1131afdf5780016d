"""Fourth hostile pass: the third pass's leftovers (empty keys of survey definitions,
pack-level survey problems located, huge integers, consequential floods, the cell
that holds the fault) and what a careless or hostile user does next."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile_support import DON_VI, SURVEY, run

from parindex.cli import main


def _survey(tmp_path: Path, *edits: tuple[str, str], name: str = "phieu.toml") -> Path:
    text = SURVEY.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- 1. a required text key given empty is said empty, not missing -----------------

EMPTY_KEYS = {
    "definition id": (
        ('id = "vi-du-dieu-tra"', 'id = ""'),
        "phieu.toml: định nghĩa phiếu điều tra: khóa “id” để trống",
    ),
    "definition title": (
        ('title = "Phiếu ví dụ (MÔ PHỎNG)"', 'title = "  "'),
        "phieu.toml: định nghĩa phiếu điều tra: khóa “title” để trống",
    ),
    "question code": (
        ('code = "Q1"', 'code = ""'),
        "phieu.toml: mục thứ 1 của [[questions]]: khóa “code” để trống",
    ),
    "question scale": (
        ('scale = "muc-do"', 'scale = ""'),
        "phieu.toml: câu hỏi “Q1”: khóa “scale” để trống",
    ),
    "option label": (
        ('label = "Tốt"', 'label = " "'),
        "phieu.toml: thang đo “muc-do”: khóa “options[2].label” để trống",
    ),
    "option alias": (
        ('{ label = "Kém", value = 1 }', '{ label = "Kém", value = 1, aliases = [""] }'),
        "phieu.toml: thang đo “muc-do”: khóa “options[5].aliases[1]” để trống",
    ),
    "group id": (
        ('id = "can-bo"', 'id = ""'),
        "phieu.toml: mục thứ 1 của [[groups]]: khóa “id” để trống",
    ),
    "group asked": (
        ('groups = ["nguoi-dan"]', 'groups = ["nguoi-dan", ""]'),
        "phieu.toml: câu hỏi “Q2”: khóa “groups[2]” để trống",
    ),
    "leaf code": (
        ('code = "8.1.1"', 'code = ""'),
        "phieu.toml: mục thứ 1 của [[leaves]]: khóa “code” để trống",
    ),
}


@pytest.mark.parametrize("case", sorted(EMPTY_KEYS))
def test_an_empty_required_key_is_said_empty(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit, expected = EMPTY_KEYS[case]
    code, _, err = run(["survey", "check", str(_survey(tmp_path, edit))], capsys)
    assert code == 2 and expected in err, err
    assert "thiếu khóa" not in err and "“”" not in err, err


def test_an_empty_id_heads_the_problems_with_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _survey(tmp_path, ('id = "vi-du-dieu-tra"', 'id = ""'))
    code, _, err = run(["survey", "check", str(path), "--lang", "en"], capsys)
    assert code == 2
    assert "survey definition “phieu.toml” has 1 problem(s)" in err, err
    assert "the key “id” is empty" in err


# --- 2. pack-level survey problems carry the definition's file ------------------------


def test_a_survey_for_another_pack_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _survey(tmp_path, ('pack = "synthetic-commune"', 'pack = "soctrang-commune"'))
    code, _, err = run(["survey", "check", str(path)], capsys)
    assert code == 2
    assert "  - phieu.toml: tiêu chí “8.1.1”: bộ chỉ số “soctrang-commune” không có" in err, err
    answers = tmp_path / "tra-loi.csv"
    answers.write_text("mã phiếu,mã đơn vị,nhóm,Q1,Q2\nR1,XA-01,nguoi-dan,Tốt,Có\n", "utf-8")
    argv = ["score", "synthetic-commune", DON_VI, "--survey", str(answers)]
    code, _, err = run([*argv, "--survey-definition", str(path)], capsys)
    assert code == 2
    assert "  - phieu.toml: định nghĩa phiếu điều tra: phiếu được viết cho bộ chỉ số" in err, err


def test_band_points_above_a_leafs_maximum_are_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bands = "weights = { nguoi-dan = 1 }\nbands = [{ threshold = 50, points = 99 }]"
    path = _survey(tmp_path, ("weights = { nguoi-dan = 1 }", bands))
    code, _, err = run(["survey", "check", str(path)], capsys)
    assert code == 2
    assert "  - phieu.toml: tiêu chí “8.2.1”: 99 điểm vượt điểm tối đa" in err, err


# --- 3. integers beyond 18 digits, and integers that are not integers ------------------


@pytest.mark.parametrize("key", ["min_answers", "min_group_answers"])
def test_a_huge_minimum_is_refused(
    key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = f"{key} = {2 if key == 'min_answers' else 1}"
    path = _survey(tmp_path, (old, f"{key} = 99999999999999999999"))
    code, _, err = run(["survey", "check", str(path)], capsys)
    assert code == 2, err
    assert f"khóa “{key}”: 99999999999999999999 quá lớn (quá 18 chữ số)" in err, err


def test_a_large_but_allowed_minimum_aggregates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = 10**18 - 1
    path = _survey(tmp_path, ("min_answers = 2", f"min_answers = {big}"))
    answers = tmp_path / "tra-loi.csv"
    answers.write_text(
        "mã phiếu,mã đơn vị,nhóm,Q1,Q2\nR1,XA-01,nguoi-dan,Tốt,Có\nR2,XA-01,can-bo,Khá,\n",
        encoding="utf-8",
    )
    code, out, err = run(["survey", "aggregate", str(path), str(answers)], capsys)
    assert code == 0, err  # below the minimum: excluded, as the policy says
    assert "XA-01" in out
    error_policy = _survey(
        tmp_path,
        ("min_answers = 2", f"min_answers = {big}"),
        ('below_minimum = "exclude"', 'below_minimum = "error"'),
        name="loi.toml",
    )
    code, _, err = run(["survey", "aggregate", str(error_policy), str(answers)], capsys)
    assert code == 2 and f"dưới ngưỡng tối thiểu {big}" in err, err


@pytest.fixture
def pack_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["pack", "export", "synthetic-commune", "-o", str(tmp_path / "p.toml"), "-q"]) == 0
    capsys.readouterr()
    return tmp_path / "p.toml"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("first = 2000", "first = 2000.7", "“years.first”: cần một số nguyên, nhận được 2000,7"),
        ("first = 2000", 'first = "2000"', "“years.first”: cần một số nguyên, nhận được “2000”"),
        ("first = 2000", "first = true", "“years.first”: cần một số nguyên, nhận được có"),
        ("first = 2000", "first = 99999999999999999999", "quá lớn (quá 18 chữ số)"),
        ("first = 2000", "first = 20000", "năm 20000 không hợp lệ (cần một năm từ 1900 đến 2999)"),
        ("fields = 8", "fields = 8.5", "“declared.fields”: cần một số nguyên, nhận được 8,5"),
        ("synthetic = true", 'synthetic = "no"', "“synthetic”: cần true hoặc false"),
    ],
)
def test_whole_numbers_and_flags_of_a_pack_file_are_never_truncated(
    old: str, new: str, expected: str, pack_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = pack_file.read_text(encoding="utf-8")
    assert f"\n{old}\n" in text
    pack_file.write_text(text.replace(f"\n{old}\n", f"\n{new}\n", 1), encoding="utf-8")
    code, out, err = run(["pack-lint", str(pack_file)], capsys)
    assert code == 2 and expected in out + err, out + err


# --- 4. a misspelt key: the real problem, and one line for what it left unread ----------


def test_a_misspelt_unit_key_is_not_followed_by_a_line_per_criterion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        "pack": "synthetic-commune",
        "units": [{"id": "X01", "valuse": {"1.1.1": "đạt"}}, {"id": "X02", "values": "?"}],
    }
    path = tmp_path / "d.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(["score", "synthetic-commune", str(path)], capsys)
    assert code == 2
    assert "d.json, units[0]: khóa không xác định “valuse”" in err, err
    assert "d.json, units[1].values: gặp một chuỗi chữ" in err, err
    for unit in ("X01", "X02"):
        said = [line for line in err.splitlines() if f"“{unit}”" in line]
        assert len(said) == 1 and "tiêu chí chưa có giá trị vì một phần" in said[0], err
    assert "tiêu chí không có trong dữ liệu" not in err


# --- 5. every long-CSV problem points at the cell holding the fault ----------------------


def test_long_csv_problems_point_at_the_faulty_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.csv"
    path.write_text(
        "unit,code,value,stage,entry,name\n"
        "XA-01, ,5,,,Xã A\n"
        ",1.1.1,Đạt,,,\n"
        "XA-01,9.9,1,,,\n"
        "XA-01,1.1,1,,,\n"
        "XA-01,1.1.2,abc,,,\n"
        "XA-01,1.1.3,1,xyz,,\n"
        "XA-01,1.1.4,1,,bogus,\n"
        "xa-01,2.1.1,1,,,\n"
        "XA-01,2.1.2,1,,,Xã B\n",
        encoding="utf-8",
    )
    code, _, err = run(["score", "synthetic-commune", str(path)], capsys)
    assert code == 2
    for expected in (
        "d.csv, ô B2; đơn vị “XA-01”: mã tiêu chí để trống",
        "d.csv, ô A3; tiêu chí 1.1.1: mã đơn vị để trống",
        "d.csv, ô B4; đơn vị “XA-01”; tiêu chí 9.9: mã tiêu chí không có trong gói",
        "d.csv, ô B5; đơn vị “XA-01”; tiêu chí 1.1: mã tiêu chí là một lĩnh vực",
        "d.csv, ô C6; đơn vị “XA-01”; tiêu chí 1.1.2: không đọc được “abc”",
        "d.csv, ô D7; đơn vị “XA-01”; tiêu chí 1.1.3: giai đoạn “xyz”",
        "d.csv, ô E8; đơn vị “XA-01”; tiêu chí 1.1.4: loại giá trị “bogus”",
        "d.csv, ô A9; đơn vị “xa-01”: mã đơn vị chỉ khác “XA-01” (d.csv, ô A2)",
        "d.csv, ô F10; đơn vị “XA-01”: tên hoặc nhóm của đơn vị khác với ở d.csv, ô F2",
    ):
        assert expected in err, (expected, err)


# --- 6. -o names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["KQ.XLSX", "kq.csv.xlsx", "k q.xlsx", "kết quả.xlsx", "a" * 250 + ".xlsx", "ế" * 83 + ".xlsx"],
)
def test_output_names_a_file_system_takes_are_written(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert len(name.encode()) <= 255
    code, _, err = run(["score", "synthetic-commune", DON_VI, "-o", name, "-q"], capsys)
    assert code == 0, err  # a 250-byte name was 'file name too long': the temporary's
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("kq", "không ghi được kq: tên tệp chưa có phần mở rộng (dùng một trong: .xlsx, .csv"),
        ("a.csv/b.xlsx", "không ghi được a.csv/b.xlsx: a.csv là một tệp, không phải thư mục"),
        ("a.csv/c/b.xlsx", "a.csv là một tệp, không phải thư mục"),
        ("-", "-o - (ghi ra màn hình) không được hỗ trợ"),
        ("x/b.xlsx", "không ghi được x/b.xlsx: thư mục x không tồn tại"),
    ],
)
def test_output_names_that_cannot_be_written_say_why(
    name: str,
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.csv").write_text("unit,code,value\n", encoding="utf-8")
    code, out, err = run(["score", "synthetic-commune", DON_VI, "-o", name, "-q"], capsys)
    assert code == 2 and expected in err, err
    assert out == "" and sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


# --- 6. surveys: all "Không biết", nobody scored -------------------------------------------


def test_a_respondent_answering_dont_know_throughout_is_counted_not_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "tra-loi.csv"
    answers.write_text(
        "mã phiếu,mã đơn vị,nhóm,Q1,Q2\n"
        "R1,XA-01,nguoi-dan,Không biết,Không biết\n"
        "R2,XA-01,can-bo,kb,\n",
        encoding="utf-8",
    )
    code, out, err = run(["survey", "aggregate", str(SURVEY), str(answers)], capsys)
    assert code == 0, err
    assert "1 đơn vị, 2 phiếu" in out
    # no unit has points: the mean is not 0,00 but nothing
    line = next(row for row in out.splitlines() if row.startswith("8.1.1"))
    assert line.rstrip().endswith("—") and "0,00" not in line, out
    answers.write_text("mã phiếu,mã đơn vị,nhóm,Q1,Q2\nR1,XA-01,nguoi-dan,,\n", encoding="utf-8")
    code, _, err = run(["survey", "aggregate", str(SURVEY), str(answers)], capsys)
    assert code == 2 and "phiếu “R1” không có câu trả lời hợp lệ nào" in err  # blank: refused
