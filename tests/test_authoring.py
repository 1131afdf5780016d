"""Authoring: criteria table → pack → lint → scaffolded distribution, installed and discovered.

The tables in tests/data are SYNTHETIC (titles say "mô phỏng"), except the Cà Mau
rows (QĐ 1880/QĐ-UBND 2013), which are real and partial; the authoring trial of
issue 14 is repeated here as a provincial official would run it.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from decimal import Decimal
from pathlib import Path

import pytest

import parindex
from parindex.cli import main
from parindex.io.criteria_table import lint_table, read_criteria_table
from parindex.messages import use_lang

DATA = Path(__file__).parent / "data"
CAMAU = Path(__file__).parents[1] / "docs" / "examples" / "ca-mau" / "tieu-chi.csv"
META = [
    "--id", "demo-2024", "--title", "Bộ chỉ số mô phỏng", "--version", "demo",
    "--unit-group", "UBND cấp xã", "--years", "2024-2030", "--basis", "000/QĐ-DEMO:01/2024:Văn bản mô phỏng",
]  # fmt: skip
OVERRIDES = {
    "id": "demo-2024", "title": "Bộ chỉ số mô phỏng", "version": "demo", "unit_group": "xã",
    "years": "2024-2030", "legal_basis": ["000/QĐ-DEMO | 2024"],
}  # fmt: skip


def test_table_becomes_a_pack_with_exact_decimals() -> None:
    pack = read_criteria_table(DATA / "criteria-synthetic.csv", overrides=OVERRIDES)
    assert [node.code for _, node in pack.walk()] == ["1", "1.1", "1.2", "2", "2.1"]
    assert pack.node("1.2").maximum == Decimal("1.5")  # written "1,5" in the table
    assert pack.node("1.2").not_applicable is parindex.NotApplicable.FULL_POINTS
    assert pack.node("2").source is parindex.PointsSource.SURVEY
    assert pack.unit_group is parindex.UnitGroup.COMMUNE
    assert (pack.legal_basis[0].date, pack.legal_basis[0].year) == (None, 2024)  # a year only
    assert pack.scorable_level is None
    assert not pack.classification.defined  # the table gives none


def test_lint_reports_every_problem_located_by_row_and_column(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pack-lint", str(DATA / "criteria-bad.csv"), *META]) == 2
    out = capsys.readouterr().out
    expected = [
        ("[1.2] (criteria-bad.csv, ô C4)", "cột “maximum”: không đọc được “x” là một số"),
        ("[1.2] (criteria-bad.csv, ô F4)", "cột “rule_params”: tham số viết dạng JSON không hợp lệ"),
        ("[1.3] (criteria-bad.csv, ô G5)", "cột “na”: cách tính khi không phát sinh “sometimes”"),
        ("[3.1] (criteria-bad.csv, dòng 6)", "chưa có mục cha 3; hãy thêm dòng 3 hoặc sửa mã"),
        ("[1.1] (criteria-bad.csv, dòng 3)", "chưa có tên"),
        ("[1.3] (criteria-bad.csv, dòng 5)", "không khoảng nào cho đủ điểm tối đa 2: nhiều nhất 1 điểm"),
    ]
    for place, what in expected:
        assert any(place in line and what in line for line in out.splitlines()), (place, out)
    assert "6 lỗi" in out
    # No cattrs paths, no exception or type names, no check ids (jargon) by default.
    for jargon in ("@ $", "decimal.Decimal", "Error", "table-cell", "rule-parameters"):
        assert jargon not in out


def test_lint_speaks_english_on_request_and_shows_check_ids_when_verbose(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pack-lint", str(DATA / "criteria-bad.csv"), *META, "--lang", "en", "--verbose"]) == 2
    out = capsys.readouterr().out
    assert "error [1.2] (criteria-bad.csv, cell C4): column “maximum”: cannot read “x” as a number  [table-cell]" in out
    assert "6 error(s)" in out


def test_missing_information_rows_name_the_row_or_option_to_add(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pack-lint", str(DATA / "criteria-synthetic.csv")]) == 2
    out = capsys.readouterr().out
    assert "thiếu “mã gói”: thêm dòng “#mã gói” vào bảng, hoặc dùng tùy chọn --id" in out
    assert "“id” is missing" not in out and "thiếu “id”" not in out  # said once


def test_an_unquoted_comma_in_a_title_is_named_as_such() -> None:
    result = lint_table(DATA / "criteria-camau-comma.csv")
    (problem,) = [v for v in result.violations if v.check == "table-cell"]
    with use_lang("vi"):
        text = problem.render()
    assert "dòng 3" in text and "dấu phẩy mà không đặt trong ngoặc kép" in text


def test_lint_of_a_pack_file_locates_nodes_by_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack_file = tmp_path / "p.toml"
    pack_file.write_text(
        'id = "p"\ntitle = "p"\nversion = "1"\nunit_group = "province"\nyears = { first = 2024 }\n'
        'legal_basis = [{ number = "1/QĐ" }]\n\n[[nodes]]\ncode = "1"\ntitle = "a"\n'
        'source = "survey"\n\n[[nodes]]\ncode = "1.1"\ntitle = "b"\nmaximum = "x"\nrule = { kind = "direct" }\n',
        encoding="utf-8",
    )
    assert main(["pack-lint", str(pack_file)]) == 2
    out = capsys.readouterr().out
    assert "lỗi [1.1] (p.toml, dòng 13): “maximum”: không đọc được “x” là một số" in out
    assert "@ $" not in out and "lỗi [1] " not in out  # no follow-up error on the parent


def test_the_camau_rows_become_a_partial_pack_with_every_method_read(capsys: pytest.CaptureFixture[str]) -> None:
    result = lint_table(CAMAU)
    assert result.pack is not None
    pack = result.pack
    assert pack.node("1").maximum == Decimal(20) and pack.node("1").incomplete
    assert pack.years == parindex.YearRange(2013, 2013)  # one year, not "2013–"
    assert pack.legal_basis[0].year == 2013 and pack.legal_basis[0].date is None
    assert pack.unit_group is parindex.UnitGroup.DEPARTMENT
    assert len(result.methods) == 6 and all(m.reading.understood for m in result.methods)
    band = pack.node("1.1.4").rule
    assert band is not None and band.reference_points(Decimal(90), Decimal(2), None) == Decimal(1)
    assert main(["pack-lint", str(CAMAU)]) == 0
    out = capsys.readouterr().out
    assert "văn bản:  “Thực hiện trên 90% kế hoạch: 2; Thực hiện từ 70% - 90% kế hoạch: 1; Dưới 70% kế hoạch: 0”" in out
    assert "đọc là:   Trên 90 %: 2 điểm; từ 70 % đến 90 %: 1 điểm; dưới 70 %: 0 điểm" in out


def test_new_pack_accepts_one_year_vietnamese_unit_groups_and_partial_dates(tmp_path: Path) -> None:
    # The trial of issue 14: a single year, "sở", a year-only basis, a failed first try.
    args = ["new-pack", "parindex-pack-ca-mau", "--from", str(CAMAU), "-o", str(tmp_path),
            "--years", "2013", "--unit-group", "sở", "--basis", "1880/QĐ-UBND:2013"]  # fmt: skip
    bad = ["new-pack", "parindex-pack-ca-mau", "--from", str(DATA / "criteria-bad.csv"), "-o", str(tmp_path)]
    assert main(bad) == 2
    assert list(tmp_path.iterdir()) == []  # nothing left behind: the rerun starts clean
    assert main(args) == 0
    pack_file = tmp_path / "parindex-pack-ca-mau" / "src" / "parindex_pack_ca_mau" / "camau-1880-2013-linh-vuc-1.toml"
    pack = parindex.io.import_pack(pack_file)
    assert pack.years == parindex.YearRange(2013, 2013) and pack.legal_basis[0].year == 2013
    assert [p.name for p in tmp_path.iterdir()] == ["parindex-pack-ca-mau"]
    assert main(args) == 2  # exists: refused before any work


def test_pack_import_and_new_pack_read_the_same_table(tmp_path: Path) -> None:
    out = tmp_path / "camau.toml"
    assert main(["pack", "import", str(CAMAU), "-o", str(out)]) == 0
    assert parindex.io.import_pack(out) == read_criteria_table(CAMAU)


def _temporary_environment(root: Path) -> Path:
    """A venv that sees this interpreter's site-packages (parindex and its dependencies)."""
    venv.EnvBuilder(with_pip=False).create(root)
    python = root / "bin" / "python"
    site_dir = next((root / "lib").glob("python3*/site-packages"))
    parents = [p for p in sys.path if p.endswith("site-packages")]
    (site_dir / "_parent.pth").write_text(
        "import site; " + "; ".join(f"site.addsitedir({p!r})" for p in parents) + "\n",
        encoding="utf-8",
    )
    return python


def test_scaffolded_distribution_installs_and_is_discovered(tmp_path: Path) -> None:
    assert main(["new-pack", "parindex-pack-demo", "--from", str(DATA / "criteria-synthetic.csv"),
                 "-o", str(tmp_path), *META]) == 0  # fmt: skip
    dist = tmp_path / "parindex-pack-demo"
    pack_file = dist / "src" / "parindex_pack_demo" / "demo-2024.toml"
    assert main(["pack-lint", str(pack_file)]) == 0
    assert "parindex.testing" in (dist / "tests" / "test_pack.py").read_text(encoding="utf-8")

    python = _temporary_environment(tmp_path / "env")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-build-isolation", "--no-deps", "--no-index", str(dist)],
        check=True,
    )  # fmt: skip
    listed = subprocess.run(
        [str(python), "-c", "import sys; from parindex.cli import main; sys.exit(main(['packs', '--lang', 'en']))"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    row = next(line for line in listed.stdout.splitlines() if line.startswith("demo-2024"))
    assert "2024–2030" in row and "commune" in row and "complete" in row
    assert "parindex-pack-demo" in row
    # The scaffold's own tests (built on parindex.testing) pass in that environment.
    tests = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", str(dist / "tests")],
        cwd=dist, capture_output=True, text=True,
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout + tests.stderr


def test_unreadable_files_are_named_without_parser_or_exception_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    toml = tmp_path / "goi.toml"
    toml.write_text('id = "x"\ntitle = \n', encoding="utf-8")
    book = tmp_path / "bang.xlsx"
    book.write_bytes(b"not a workbook")
    assert main(["pack-lint", str(toml)]) == 2
    assert main(["pack-lint", str(book)]) == 2
    err = capsys.readouterr().err
    assert "goi.toml không phải TOML hợp lệ: lỗi cú pháp ở dòng 2, cột 9" in err
    assert "không mở được bang.xlsx như một tệp Excel" in err
    assert "Error" not in err and "Invalid" not in err and "Traceback" not in err


RATES_TABLE = """mã,tên,điểm tối đa,nguồn điểm,phương pháp đánh giá
#mã gói,mo-phong-ty-le-2024
#tên bộ chỉ số,Bộ chỉ số mô phỏng: đạt/không đạt và tỷ lệ trễ hạn
#phiên bản,mô phỏng
#nhóm đơn vị,UBND cấp xã
#năm áp dụng,2024
#căn cứ pháp lý,000/QĐ-MP | 2024
#mô phỏng,có
1,Lĩnh vực mô phỏng,3,tự đánh giá,
1.1,Kế hoạch mô phỏng,1,,Không đạt: 0 điểm; Đạt: 1 điểm
1.2,Báo cáo mô phỏng,"0,5",,"Đạt: 0,5 điểm; chưa đạt: 0 điểm"
1.3,Hồ sơ trễ hạn mô phỏng,1,,"Tỷ lệ hồ sơ trễ hạn dưới 2 %: 1 điểm; từ 2 % đến dưới 5 %: 0,5 điểm; từ 5 % trở lên: 0 điểm"
1.4,Sai sót mô phỏng,"0,5",,"Dưới 5 %: 0,5 điểm; từ 5 % trở lên: 0 điểm"
"""


def test_pass_fail_and_error_rate_wording_score_through_the_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A pass/fail wording becomes an achieved rule: its drop-down offers đạt / không đạt and
    x, 1/0, có/không are read too; rates where lower is better are read into bands."""
    import openpyxl
    from io_support import unit_layout

    from parindex.io.layout import UNIT_COLUMNS
    from parindex.rules import Achieved, Bands

    table = tmp_path / "tieu-chi.csv"
    table.write_text(RATES_TABLE, encoding="utf-8")
    pack = read_criteria_table(table)
    assert isinstance(pack.node("1.1").rule, Achieved) and isinstance(pack.node("1.2").rule, Achieved)
    late = pack.node("1.3").rule
    assert isinstance(late, Bands) and not late.monotone
    assert main(["pack-lint", str(table)]) == 0
    out = capsys.readouterr().out
    assert "đọc là:   Đạt: 1 điểm; không đạt: 0 điểm" in out
    assert "đọc là:   Dưới 2 %: 1 điểm; từ 2 % đến dưới 5 %: 0,5 điểm; từ 5 % trở lên: 0 điểm" in out

    blank = tmp_path / "mau.xlsx"
    assert main(["template", str(table), "-o", str(blank)]) == 0
    book = openpyxl.load_workbook(blank)
    sheet = book.worksheets[0]
    _, header_row = unit_layout(book)
    header = [cell.value for cell in sheet[header_row]]
    column = {key: header.index(names[0]) + 1 for key, names in UNIT_COLUMNS.items()}
    rows = {sheet.cell(row=r, column=column["code"]).value: r for r in range(header_row + 1, sheet.max_row + 1)}
    lists = book["lists"]
    for code in ("1.1", "1.2"):
        cell = f"{openpyxl.utils.get_column_letter(column['self'])}{rows[code]}"
        (validation,) = [v for v in sheet.data_validations.dataValidation if cell in v.sqref]
        sheet_name, _, cells = validation.formula1.lstrip("=").partition("!")
        first, _, last = cells.replace("$", "").partition(":")
        choices = [c.value for row in lists[first:last] for c in row]
        assert (sheet_name, choices) == ("lists", ["đạt", "không đạt"])
        allowed = sheet.cell(row=rows[code], column=column["allowed"]).value
        assert allowed == "đạt; không đạt (hoặc x, 1 / 0, có / không, chưa đạt)"

    units = {  # unit: entries for 1.1, 1.2, 1.3, 1.4 and the points they earn
        "XA-01": (("x", "có", 0, "4,99"), Decimal("3")),
        "XA-02": ((1, "không", "1,99", 5), Decimal("2")),
        "XA-03": (("Đạt", "chưa đạt", 2, 0), Decimal("2")),
        "XA-04": (("không đạt", 0, 5, "100 %"), Decimal("0")),
    }
    folder = tmp_path / "don-vi"
    folder.mkdir()
    for unit, (entries, _) in units.items():
        book = openpyxl.load_workbook(blank)
        sheet = book.worksheets[0]
        unit_row, _ = unit_layout(book)
        sheet.cell(row=unit_row, column=2, value=unit)
        for code, value in zip(("1.1", "1.2", "1.3", "1.4"), entries, strict=True):
            sheet.cell(row=rows[code], column=column["self"], value=value)
        book.save(folder / f"{unit}.xlsx")
    results = parindex.score(parindex.compile_pack(pack), parindex.io.read_input(parindex.compile_pack(pack), folder))
    assert {unit: results.points(unit) for unit in units} == {unit: points for unit, (_, points) in units.items()}


# -- the authoring trial repeated from the docs (issue 14, again): what it found -------------


def test_a_template_for_another_level_is_one_clear_problem_per_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Scoring field-level templates without --level (or the reverse) says so once per file."""
    import openpyxl
    from io_support import unit_layout

    blank = tmp_path / "mau-cap1.xlsx"
    assert main(["template", str(CAMAU), "--level", "1", "-o", str(blank)]) == 0
    folder = tmp_path / "cap1"
    folder.mkdir()
    for unit, points in (("SO-A", 18), ("SO-B", "12,5")):
        book = openpyxl.load_workbook(blank)
        unit_row, header = unit_layout(book)
        book.worksheets[0].cell(row=unit_row, column=2, value=unit)
        book.worksheets[0].cell(row=header + 1, column=7, value=points)
        book.save(folder / f"{unit}.xlsx")
    capsys.readouterr()
    assert main(["score", str(CAMAU), str(folder), "--level", "1"]) == 0
    assert "18,00" in capsys.readouterr().out
    assert main(["score", str(CAMAU), str(folder)]) == 2
    err = capsys.readouterr().err
    made_for = "sổ tính là mẫu nhập điểm ở cấp 1 (--level 1), còn lệnh này chấm ở cấp sâu nhất của gói (không có --level)"
    assert err.count(made_for) == 2 and "thiếu dòng" not in err and "chấm với đúng --level của mẫu" in err
    assert main(["score", "synthetic-commune", str(folder)]) == 2  # a template of another pack
    err = capsys.readouterr().err
    assert "sổ tính được tạo cho gói “camau-1880-2013-linh-vuc-1” (cần: gói “synthetic-commune”" in err
    assert "pack" not in err and "thiếu dòng" not in err


def test_a_table_whose_utf8_text_was_opened_as_windows_1252_is_named_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Excel opens a CSV without a byte-order mark as Windows-1252: "mã" becomes "mÃ£"."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in CAMAU.read_text(encoding="utf-8").splitlines()[:3]:
        book.active.append([cell.encode("utf-8").decode("cp1252", errors="replace") for cell in row.split(",")])
    book.save(tmp_path / "tieu-chi.xlsx")
    assert main(["pack-lint", str(tmp_path / "tieu-chi.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "tieu-chi.xlsx, ô A1: chữ tiếng Việt bị hỏng mã: “mÃ£” là “mã” bị đọc sai" in err
    assert "hãy mở lại tệp CSV gốc với mã UTF-8" in err


@pytest.mark.parametrize("name", ["Gói Cà Mau", "goi ca mau", "1-goi", "goi-ca-mau-"])
def test_new_pack_refuses_a_name_pip_would_refuse(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-pack", name, "--from", str(CAMAU), "-o", str(tmp_path)]) == 2
    assert "không dùng được làm tên bản phân phối" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_new_pack_says_that_o_must_be_a_folder_when_it_names_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.csv").write_text("giữ nguyên\n", encoding="utf-8")
    assert main(["new-pack", "parindex-pack-y", "--from", str(CAMAU), "-o", "a.csv"]) == 2
    err = capsys.readouterr().err
    assert "-o phải là một thư mục" in err and "a.csv là một tệp" in err and "-o ." in err
    assert "không có thư mục" not in err
    assert (tmp_path / "a.csv").read_text(encoding="utf-8") == "giữ nguyên\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_authoring_commands_name_a_missing_table_as_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["pack-lint", "khong-co.csv"], ["new-pack", "goi", "--from", "khong-co.csv", "-o", str(tmp_path)]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "không có tệp khong-co.csv: hãy cho đường dẫn tới một bảng tiêu chí (.csv, .xlsx) hoặc một tệp gói" in err


def test_show_and_packs_speak_the_users_language_and_print_one_year_as_one_year(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(CAMAU)]) == 0
    assert "camau-1880-2013-linh-vuc-1 · 1880/QĐ-UBND (2013), bản trích · sở, ban, ngành · 2013\n" in capsys.readouterr().out
    assert main(["show", str(CAMAU), "--lang", "en"]) == 0
    assert " · department · 2013\n" in capsys.readouterr().out
    assert main(["packs"]) == 0
    line = next(row for row in capsys.readouterr().out.splitlines() if row.startswith("bnv-province-1150-2019"))
    assert " 2019 " in line and "UBND cấp tỉnh" in line and " province " not in line


def test_rule_problems_name_the_rule_as_the_table_does(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pack-lint", str(DATA / "criteria-bad.csv"), *META]) == 2
    assert "cách chấm “khoảng”: không khoảng nào cho đủ điểm tối đa 2" in capsys.readouterr().out
    from parindex.io.rule_cells import RULE_NAMES
    from parindex.messages import text

    for kind, choice in RULE_NAMES.items():  # the catalogue and the table use the same names
        assert (text(f"rules.kind_{kind}", "vi"), text(f"rules.kind_{kind}", "en")) == (choice.vi, choice.en)


def test_what_if_and_targets_show_no_class_for_a_pack_without_classification(capsys: pytest.CaptureFixture[str]) -> None:
    units = CAMAU.parent / "don-vi.csv"
    assert main(["what-if", str(CAMAU), str(units), "--set", "SO-B:1.1.4=95"]) == 0
    out = capsys.readouterr().out
    assert "Xếp loại" not in out and "Hạng Trước" in out
    assert main(["what-if", str(CAMAU), str(units), "--unit", "SO-C", "--target-rank", "1"]) == 0
    out = capsys.readouterr().out
    assert "Xếp loại" not in out and "Hạng 3\n" in out
    examples = Path(__file__).parents[1] / "docs" / "examples" / "don-vi"
    assert main(["what-if", "synthetic-commune", str(examples), "--unit", "XA-03", "--target-rank", "1"]) == 0
    assert "Xếp loại A" in capsys.readouterr().out  # a pack with classes still shows them


def test_the_report_of_a_pack_without_classification_shows_index_and_rank_only(tmp_path: Path) -> None:
    out = tmp_path / "bao-cao.html"
    assert main(["report", str(CAMAU), str(CAMAU.parent / "don-vi.csv"), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "không xếp loại" not in html and "<th>Xếp loại</th>" not in html and "Chỉ số (%)" in html
    graded = tmp_path / "graded.html"
    examples = Path(__file__).parents[1] / "docs" / "examples" / "don-vi"
    assert main(["report", "synthetic-commune", str(examples), "-o", str(graded)]) == 0
    assert "<th>Xếp loại</th>" in graded.read_text(encoding="utf-8")


def test_explain_compares_with_self_assessment_only_where_the_view_differs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = CAMAU.parent / "don-vi.csv"
    self_only = tmp_path / "tu-danh-gia.csv"
    import csv

    rows = list(csv.reader(entries.open(encoding="utf-8")))
    assert rows[0][-1] == "thẩm định"  # the appraisal column goes: self-assessment only
    with self_only.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(row[:-1] for row in rows)
    assert main(["explain", str(CAMAU), str(self_only), "--unit", "SO-B"]) == 0
    out = capsys.readouterr().out
    assert "· Kết quả tự đánh giá\n" in out and "Chênh lệch" not in out and "Tự chấm" not in out
    assert main(["explain", str(CAMAU), str(entries), "--unit", "SO-B"]) == 0
    # appraisal changed values
    assert "bổ sung bằng tự đánh giá (chênh lệch so với tự đánh giá)" in capsys.readouterr().out
