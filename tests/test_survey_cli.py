"""``parindex survey …`` and ``--survey`` on scoring commands (SYNTHETIC data)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from parindex.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_show_and_check(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = _run(capsys, "survey", "list")
    assert code == 0 and "synthetic-commune-survey" in out and "mô phỏng" in out
    code, out, _ = _run(capsys, "survey", "show", "synthetic-commune-survey")
    assert code == 0 and "tỷ lệ tích cực (share) ≥ Hài lòng" in out and "Người dân" in out
    code, out, _ = _run(capsys, "survey", "check", "synthetic-commune-survey")
    assert code == 0 and "hợp lệ (40 câu hỏi, 10 tiêu chí" in out
    broken = tmp_path / "hong.toml"
    broken.write_text(
        'id = "x"\ntitle = "x"\nversion = "1"\npack = "synthetic-commune"\n', encoding="utf-8"
    )
    code, _, err = _run(capsys, "survey", "check", str(broken))
    assert code == 2
    assert "chưa có mục [[groups]] nào" in err and "Traceback" not in err


def test_synthetic_answers_aggregate_and_score(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answers = tmp_path / "tra-loi.csv"
    code, _, err = _run(
        capsys,
        "survey",
        "synthetic",
        "synthetic-commune-survey",
        "--units",
        "30",
        "-o",
        str(answers),
    )
    assert code == 0 and "900 phiếu MÔ PHỎNG" in err
    out_csv = tmp_path / "diem.csv"
    code, out, _ = _run(
        capsys, "survey", "aggregate", "synthetic-commune-survey", str(answers), "-o", str(out_csv)
    )
    assert code == 0 and "30 đơn vị, 900 phiếu" in out and "SYN-01" in out
    with out_csv.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 30 * 10 and {"valid:nguoi-dan", "not_answer:khong-biet"} <= set(rows[0])
    code, out, _ = _run(
        capsys,
        "survey",
        "ranks",
        "synthetic-commune",
        "--demo",
        "30",
        "--survey",
        str(answers),
        "--resamples",
        "40",
        "--top",
        "5",
    )
    assert code == 0 and "40 lần lấy mẫu lại" in out and "Hạng trung vị" in out
    code, out, _ = _run(
        capsys,
        "survey",
        "intervals",
        "synthetic-commune-survey",
        str(answers),
        "--resamples",
        "30",
        "--top",
        "3",
    )
    assert code == 0 and "bootstrap" in out


def test_score_with_survey_answers_on_demo_data(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answers = tmp_path / "tl.csv"
    _run(
        capsys,
        "survey",
        "synthetic",
        "synthetic-commune-survey",
        "--units",
        "20",
        "-o",
        str(answers),
    )
    code, out, _ = _run(
        capsys,
        "explain",
        "synthetic-commune",
        "--demo",
        "20",
        "--survey",
        str(answers),
        "--unit",
        "SYN-01",
    )
    assert code == 0 and "điều tra xã hội học" in out
    # An answers file for units that are not scored is refused, located.
    code, _, err = _run(
        capsys,
        "explain",
        "synthetic-commune",
        "--demo",
        "10",
        "--survey",
        str(answers),
        "--unit",
        "SYN-01",
    )
    assert code == 2 and "không có trong danh sách đơn vị được chấm" in err


def test_template_workbook_reads_back(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    book_path = tmp_path / "phieu.xlsx"
    code, _, _ = _run(
        capsys,
        "survey",
        "template",
        "synthetic-commune-survey",
        "-o",
        str(book_path),
        "--rows",
        "20",
    )
    assert code == 0
    book = load_workbook(book_path)
    assert book.sheetnames[:3] == ["Phiếu", "Câu hỏi", "Hướng dẫn"]
    sheet = book["Phiếu"]
    assert [c.value for c in sheet[1]][:5] == [
        "Mã phiếu",
        "Mã đơn vị",
        "Nhóm đối tượng",
        "C01",
        "C02",
    ]
    assert sheet["D1"].comment is not None and "(Mô phỏng)" in sheet["D1"].comment.text
    sheet["A2"], sheet["B2"], sheet["C2"], sheet["D2"] = "P1", "X01", "Người dân", "Tốt"
    filled = tmp_path / "da-nhap.xlsx"
    book.save(filled)
    code, out, _ = _run(
        capsys, "survey", "aggregate", "synthetic-commune-survey", str(filled), "--json"
    )
    assert code == 0
    rows = json.loads(out)
    assert {r["unit"] for r in rows} == {"X01"}
    assert all(r["excluded"] for r in rows)  # one questionnaire: below every minimum


@pytest.mark.parametrize(
    "argv",
    [
        ["synthetic", "synthetic-commune-survey", "--units", "-5", "-o", "x.csv"],
        ["synthetic", "synthetic-commune-survey", "--units", "3", "--respondents", "0", "-o", "x.csv"],
        ["demo", "vd", "--units", "0"],
        ["template", "synthetic-commune-survey", "-o", "t.xlsx", "--rows", "0"],
        ["ranks", "synthetic-commune-survey", "x.csv", "--resamples", "0"],
    ],
    ids=["units", "respondents", "demo units", "rows", "resamples"],
)
def test_counts_are_usage_errors_like_every_other_count(
    argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(["survey", *argv])
    assert exited.value.code == 2
    assert "cần một số nguyên từ 1 trở lên" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_library_refuses_an_entry_workbook_without_rows(tmp_path: Path) -> None:
    from parindex.errors import ParIndexError
    from parindex.survey import get_survey
    from parindex.survey.template import write_survey_template

    with pytest.raises(ParIndexError) as caught:
        write_survey_template(get_survey("synthetic-commune-survey"), tmp_path / "t.xlsx", rows=0)
    assert caught.value.code == "survey.rows_positive"
    assert not (tmp_path / "t.xlsx").exists()
