"""Long answer files (one row per answer) are refused in words that fit them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from parindex.cli import main

HEADER = ["mã phiếu", "mã đơn vị", "nhóm", "câu hỏi", "trả lời"]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


def test_a_question_never_mentioned_is_said_as_rows_not_a_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = _write(tmp_path / "dai.csv", [["R1", "SYN-01", "nguoi-dan", "C01", "Tốt"]])
    assert main(["survey", "aggregate", "synthetic-commune-survey", str(answers)]) == 2
    err = capsys.readouterr().err
    assert "câu trả lời phiếu điều tra có 1 vấn đề" in err
    assert "không có dòng trả lời nào cho câu hỏi “C02”" in err
    assert "không có cột" not in err


def test_blank_rows_for_questions_nobody_answered_are_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [["R1", "SYN-01", "nguoi-dan", "C01", "Tốt"]]
    rows += [["R1", "SYN-01", "nguoi-dan", f"C{q:02d}", ""] for q in range(2, 41)]
    answers = _write(tmp_path / "dai.csv", rows)
    assert main(["survey", "aggregate", "synthetic-commune-survey", str(answers)]) == 0


def test_an_unknown_question_is_headed_as_answers_not_scoring_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = _write(tmp_path / "dai.csv", [["R1", "SYN-01", "nguoi-dan", "Q01", "Tốt"]])
    assert main(["survey", "aggregate", "synthetic-commune-survey", str(answers)]) == 2
    err = capsys.readouterr().err
    assert "câu trả lời phiếu điều tra có 1 vấn đề" in err
    assert "dữ liệu chấm điểm" not in err
    assert "ô D2" in err
