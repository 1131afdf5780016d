"""Third hostile pass (surveys, history, authoring, document options): each finding
refused or said plainly, located, in the reader's language, never silently taken."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile_support import CA_MAU, DON_VI, SURVEY, run

from parindex.cli import main

#: Numeric and year options: argv → the usage error (Vietnamese, the default).
OPTIONS = {
    "report --year 0": (
        ["report", "synthetic-commune", DON_VI, "-o", "r.html", "--year", "0"],
        "tham số --year: cần một năm từ 1900 đến 2999, nhận được “0”",
    ),
    "score --year -1": (
        ["score", "synthetic-commune", DON_VI, "-o", "k.xlsx", "--year", "-1"],
        "tham số --year: cần một năm từ 1900 đến 2999, nhận được “-1”",
    ),
    "history import --year 99999": (
        ["history", "import", "kq.json", "--year", "99999"],
        "tham số --year: cần một năm từ 1900 đến 2999, nhận được “99999”",
    ),
    "yoy --previous 20245": (
        ["yoy", "synthetic-commune", "--year", "2025", "--previous", "20245"],
        "tham số --previous: cần một năm từ 1900 đến 2999, nhận được “20245”",
    ),
    "report --previous-year x": (
        ["report", "synthetic-commune", DON_VI, "-o", "r.html", "--previous-year", "x"],
        "tham số --previous-year: cần một năm từ 1900 đến 2999, nhận được “x”",
    ),
    "report --expanded -3": (
        ["report", "synthetic-commune", DON_VI, "-o", "r.html", "--expanded", "-3"],
        "tham số --expanded: cần một số nguyên từ 0 trở lên, nhận được “-3”",
    ),
    "report --survey-resamples 0": (
        ["report", "synthetic-commune", DON_VI, "-o", "r.html", "--survey-resamples", "0"],
        "tham số --survey-resamples: cần một số nguyên từ 1 trở lên, nhận được “0”",
    ),
    "explain --depth -1": (
        ["explain", "synthetic-commune", DON_VI, "--unit", "XA-01", "--depth", "-1"],
        "tham số --depth: cần một số nguyên từ 0 trở lên, nhận được “-1”",
    ),
    "show --depth -2": (
        ["show", "synthetic-commune", "--depth", "-2"],
        "tham số --depth: cần một số nguyên từ 0 trở lên, nhận được “-2”",
    ),
    "lost-points --criteria-level -2": (
        ["lost-points", "synthetic-commune", DON_VI, "--criteria-level", "-2"],
        "tham số --criteria-level: cần một số nguyên từ 0 trở lên, nhận được “-2”",
    ),
    "discrepancy --criteria-level -1": (
        ["discrepancy", "synthetic-commune", DON_VI, "--criteria-level", "-1"],
        "tham số --criteria-level: cần một số nguyên từ 0 trở lên, nhận được “-1”",
    ),
    "what-if --criteria-level -1": (
        ["what-if", "synthetic-commune", DON_VI, "--unit", "XA-01", "--criteria-level", "-1"],
        "tham số --criteria-level: cần một số nguyên từ 0 trở lên, nhận được “-1”",
    ),
    "score --title with a control character": (
        ["score", "synthetic-commune", DON_VI, "-o", "k.xlsx", "--title", "a\x07b"],
        "tham số --title: tiêu đề “a\\u0007b” có ký tự không hợp lệ U+0007 ở vị trí 2",
    ),
    "report --issuer with an escape": (
        ["report", "synthetic-commune", DON_VI, "-o", "r.html", "--issuer", "UBND\x1b[31m"],
        "tham số --issuer: tiêu đề “UBND\\u001b[31m” có ký tự không hợp lệ U+001B",
    ),
    "score --signer too long": (
        ["score", "synthetic-commune", DON_VI, "-o", "k.xlsx", "--signer", "x" * 5001],
        "dài quá 5000 ký tự",
    ),
}


@pytest.mark.parametrize("case", sorted(OPTIONS))
def test_options_out_of_range_are_usage_errors(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, expected = OPTIONS[case]
    monkeypatch.chdir(tmp_path)
    code, _, err = run(argv, capsys)
    assert code == 2 and expected in err, err
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_title_that_is_fine_still_heads_the_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    monkeypatch.chdir(tmp_path)
    argv = ["score", "synthetic-commune", DON_VI, "-o", "k q.xlsx", "-q", "--year", "2024"]
    code, _, err = run([*argv, "--title", "Kết quả = năm 2024"], capsys)
    assert code == 0, err
    sheet = openpyxl.load_workbook(tmp_path / "k q.xlsx").worksheets[0]
    assert sheet["A1"].value == "Kết quả = năm 2024"


@pytest.fixture
def results_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    assert main(["score", "synthetic-commune", DON_VI, "-o", "kq.json", "-q"]) == 0
    return tmp_path / "kq.json"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("a\tb\x1b[31m", "nhãn “a\\u0009b\\u001b[31m” có ký tự không hợp lệ U+0009 ở vị trí 2"),
        ("x" * 101, "dài quá 100 ký tự"),
    ],
)
def test_history_labels_follow_the_id_grammar(
    label: str, expected: str, results_json: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    argv = ["history", "import", str(results_json), "--year", "2024", "--label", label]
    code, _, err = run(argv, capsys)
    assert code == 2 and expected in err, err
    assert "bộ kết quả thứ 1" in err  # located: the set of the document
    assert not (results_json.parent / "parindex-history.sqlite").exists()


def test_a_results_document_with_a_bad_label_is_refused_too(
    results_json: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads(results_json.read_text(encoding="utf-8"))
    for result_set in document["sets"]:
        result_set["label"] = "=HYPERLINK(\x07)"
    results_json.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    code, _, err = run(["history", "import", str(results_json), "--year", "2024"], capsys)
    assert code == 2 and "U+0007" in err, err


def _lint(tmp_path: Path, edit: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> str:
    table = tmp_path / "tieu-chi.csv"
    source = CA_MAU.read_text(encoding="utf-8")
    assert edit[0] in source
    table.write_text(source.replace(edit[0], edit[1], 1), encoding="utf-8")
    code, out, err = run(["pack-lint", str(table)], capsys)
    assert code == 2
    return out + err


@pytest.mark.parametrize("bad", ["1..2", "1.1.2.", ".1.1", "1.1 .2"])
def test_malformed_codes_are_named_not_taken_for_a_missing_parent(
    bad: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    said = _lint(tmp_path, ("\n1.1.2,", f"\n{bad},"), capsys)
    assert f"mã “{bad}” không hợp lệ" in said, said
    assert "chưa có mục cha" not in said, said


def test_codes_differing_only_in_case_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = CA_MAU.read_text(encoding="utf-8").replace("\n1.1.1,", "\n1.1.a,", 1)
    (tmp_path / "t.csv").write_text(table.replace("\n1.1.2,", "\n1.1.A,", 1), encoding="utf-8")
    code, out, err = run(["pack-lint", str(tmp_path / "t.csv")], capsys)
    assert code == 2
    assert "lỗi [1.1.a] (t.csv, dòng 12): mã này chỉ khác mã “1.1.A” ở chữ hoa" in out + err


def test_an_empty_criterion_code_is_said_empty_not_an_internal_node(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "d.csv").write_text("unit,code,value\nXA-01, ,5\n", encoding="utf-8")
    code, _, err = run(["score", "synthetic-commune", str(tmp_path / "d.csv")], capsys)
    assert code == 2
    assert "d.csv, ô B2; đơn vị “XA-01”: mã tiêu chí để trống" in err, err
    assert "lĩnh vực hoặc tiêu chí có tiêu chí thành phần" not in err


def _survey(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = SURVEY.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "phieu.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_survey_question_codes_differing_in_case_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = '\n[[questions]]\ncode = "q1"\ntext = "Câu khác"\nscale = "muc-do"\n'
    path = _survey(tmp_path, ('questions = ["Q1"]', 'questions = ["Q1", "q1"]'))
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    code, _, err = run(["survey", "check", str(path)], capsys)
    assert code == 2
    assert "câu hỏi “q1”: mã câu hỏi chỉ khác mã “Q1” ở chữ hoa" in err, err


def test_survey_definition_problems_say_each_thing_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _survey(tmp_path, ('questions = ["Q1"]', "questions = []"))
    code, _, err = run(["survey", "check", str(path)], capsys)
    assert code == 2 and "tiêu chí chưa có câu hỏi nào" in err, err
    assert "trong ;" not in err and err.count("\n  - ") == 1, err
    path = _survey(tmp_path, ("weight = 0.4", "weight = -1"))
    code, _, err = run(["survey", "check", str(path)], capsys)
    assert code == 2 and "trọng số không được âm" in err, err
    assert "bằng 0" not in err  # -1 + 0,6 is not 0


def test_a_survey_id_with_a_control_character_is_quoted_in_the_heading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _survey(tmp_path, ('id = "vi-du-dieu-tra"', 'id = "a\\u0007b"'))
    code, _, err = run(["survey", "check", str(path)], capsys)
    assert code == 2 and "\x07" not in err
    assert "định nghĩa phiếu điều tra “a\\u0007b” có 1 lỗi" in err, err


def test_survey_answer_problems_are_headed_as_answers_and_name_an_empty_respondent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "tra-loi.csv"
    answers.write_text(
        "mã phiếu,mã đơn vị,nhóm,Q1,Q2\nR1,XA-01,nguoi-dan,Tốt,Có\n,XA-01,nguoi-dan,Tốt,Có\n",
        encoding="utf-8",
    )
    code, _, err = run(["survey", "aggregate", str(SURVEY), str(answers)], capsys)
    assert code == 2
    assert "câu trả lời phiếu điều tra có 1 vấn đề" in err, err
    assert "tra-loi.csv, ô A3; đơn vị “XA-01”: mã phiếu: để trống" in err, err
    assert "mã đơn vị để trống" not in err and "dữ liệu chấm điểm" not in err


def test_survey_show_says_measures_policies_and_kinds_in_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["survey", "show", str(SURVEY)], capsys)
    assert code == 0
    assert "phiếu điều tra của Chỉ số CCHC (par_index)" in out
    assert "dưới ngưỡng: đơn vị loại khỏi điểm tối đa (exclude), nhóm chia lại" in out
    assert "điểm trung bình (mean)" in out and "tỷ lệ tích cực (share) ≥ Có" in out
    code, out, _ = run(["survey", "show", str(SURVEY), "--lang", "en"], capsys)
    assert "below: unit excluded from the maximum (exclude)" in out
    assert "mean answer (mean)" in out
    code, out, _ = run(["survey", "list"], capsys)
    assert "chỉ số hài lòng" in out and " satisfaction " not in out


def test_survey_aggregate_table_names_measures_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["survey", "demo", str(tmp_path / "vd"), "--units", "3", "-q"], capsys)
    argv = ["survey", "aggregate", "synthetic-commune-survey", str(tmp_path / "vd" / "tra-loi.csv")]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    assert "8.1.1     điểm trung bình (mean)" in out, out


def test_a_sets_origin_is_said_in_words_with_its_id(
    results_json: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code, _, err = run(["history", "import", str(results_json), "--year", "2024"], capsys)
    assert code == 0 and "kết quả cuối cùng [final], đã chấm [scored]: 3 đơn vị" in err, err
    code, out, _ = run(["history", "list"], capsys)
    assert "đã chấm [scored]" in out and "  scored  " not in out, out
    code, out, _ = run(["history", "list", "--lang", "en"], capsys)
    assert "scored by parindex [scored]" in out, out


@pytest.mark.parametrize(
    "command",
    [
        ["survey", "synthetic"],
        ["survey", "demo"],
        ["survey", "intervals"],
        ["survey", "ranks"],
        ["survey", "aggregate"],
        ["report"],
        ["sensitivity"],
        ["lost-points"],
    ],
)
def test_counts_in_usage_lines_read_n_not_the_option_name(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run([*command, "--help"], capsys)
    assert code == 0
    for dest in ("TOP", "RESPONDENTS", "UNITS", "RESAMPLES", "SURVEY_SEED", "SURVEY_RESAMPLES"):
        assert f" {dest}]" not in out and f" {dest} " not in out, (dest, out)
