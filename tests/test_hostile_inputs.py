"""A hostile corpus: inputs that were misread in silence, crashed with a traceback, gave
unclear messages, cost unbounded time or memory, or had their structure guessed. Each
is now read exactly as meant, or refused with a located problem (issue 12)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pytest

import parindex
from parindex.compiled import CompiledPack
from parindex.errors import InputError, InputProblem, PackError, ParIndexError
from parindex.io import read_input, write_template
from parindex.limits import Limits, use_limits
from parindex.messages import Message, use_lang
from parindex.progress import Progress
from parindex.rules import CappedCount, Direct, Proportional

PROVINCE_PACK = Path(__file__).resolve().parents[1] / "packs" / "parindex_packs" / "bnv_province" / "bnv-province-1150-2019.toml"


def _commune() -> CompiledPack:
    return parindex.compile_pack(parindex.get_pack("synthetic-commune"))


def _province() -> CompiledPack:
    return parindex.compile_pack(parindex.get_pack("bnv-province-1150-2019"))


def _leaf(compiled: CompiledPack, kind: type) -> str:
    return next(code for i, code in enumerate(compiled.leaf_codes) if isinstance(compiled.leaf_rules[i], kind))


def _codes(problems: tuple[InputProblem, ...]) -> list[str]:
    return [p.message.code if isinstance(p.message, Message) else p.message for p in problems]


def _problems(call: object) -> tuple[InputProblem, ...]:
    with pytest.raises(InputError) as caught:
        call()  # type: ignore[operator]
    return caught.value.problems


def _province_csv(path: Path, changes: dict[str, str] | None = None, extra: list[list[str]] | None = None, unit: str = "P01") -> Path:
    compiled = _province()
    rows = [[unit, code, (changes or {}).get(code, "1")] for code in compiled.leaf_codes]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit", "code", "value"])
        writer.writerows(rows + (extra or []))
    return path


def _only(problems: tuple[InputProblem, ...], code: str) -> InputProblem:
    found = [p for p in problems if isinstance(p.message, Message) and p.message.code == code]
    assert found, [str(p) for p in problems]
    return found[0]


# --- silent misreads -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("0_5", "entry.underscore"),
        ("٥", "entry.non_ascii_digit"),
        ("１３", "entry.non_ascii_digit"),
        ("1,250", "entry.ambiguous_separator"),
        ("7.0000004", "entry.too_fine"),
        ("1e5", "input.cannot_read"),
    ],
)
def test_text_that_was_misread_is_refused_where_it_stands(typed: str, code: str, tmp_path: Path) -> None:
    path = _province_csv(tmp_path / "in.csv", {"1": typed})
    problem = _only(_problems(lambda: read_input(_province(), path)), code)
    assert (problem.unit, problem.code, str(problem.location)) == ("P01", "1", "in.csv, ô C2")


def test_a_count_written_with_a_thousands_separator_is_refused_with_both_readings(tmp_path: Path) -> None:
    compiled = _commune()
    code = _leaf(compiled, CappedCount)
    problems = _problems(lambda: parindex.from_mappings(compiled, {"X01": {code: "1,250"}}, allow_missing=True))
    problem = _only(problems, "entry.ambiguous_separator")
    with use_lang("en"):
        assert "1.25" in str(problem) and "1250" in str(problem)


def test_a_python_float_finer_than_the_arithmetic_is_refused_not_rounded() -> None:
    compiled = _province()
    entries = {code: 1 for code in compiled.leaf_codes} | {"1": 7.0000004}
    problem = _only(_problems(lambda: parindex.from_mappings(compiled, {"P01": entries})), "entry.too_fine")
    assert problem.code == "1"


def test_a_percent_sign_only_where_the_criterion_takes_a_rate() -> None:
    compiled = _commune()
    rate = _leaf(compiled, Proportional)
    count = _leaf(compiled, CappedCount)
    data = parindex.from_mappings(compiled, {"X01": {rate: "85 %"}}, allow_missing=True)
    assert data.stages["self"].values[0, compiled.leaf_index[rate]] == 85
    problems = _problems(lambda: parindex.from_mappings(compiled, {"X01": {count: "5 %"}}, allow_missing=True))
    assert _only(problems, "entry.percent_not_allowed").code == count


def test_numpy_scalars_are_numbers_and_booleans_are_not() -> None:
    compiled = _province()
    entries: dict[str, object] = {code: np.int64(1) for code in compiled.leaf_codes}
    entries["2"] = np.float32(2.5)
    data = parindex.from_mappings(compiled, {"P01": entries})
    assert data.stages["self"].values[0, compiled.leaf_index["2"]] == 2.5
    entries["3"] = True
    problem = _only(_problems(lambda: parindex.from_mappings(compiled, {"P01": entries})), "entry.boolean_not_number")
    assert problem.code == "3"


def test_a_duplicate_json_key_is_an_error_naming_both_positions(tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text(
        '{"pack": "bnv-province-1150-2019", "units": [{"id": "P01", "values": {"1": 7, "2": 5, "1": 6}},'
        ' {"id": "P02", "id": "P03"}]}',
        encoding="utf-8",
    )
    problems = _problems(lambda: read_input(_province(), path))
    duplicates = [p for p in problems if p.message.code == "json.duplicate_key"]  # type: ignore[union-attr]
    assert sorted(str(p.location) for p in duplicates) == ["in.json, units[0].values", "in.json, units[1]"]
    assert duplicates[0].message.params["first"] == 1 and duplicates[0].message.params["second"] == 3  # type: ignore[union-attr]


def test_a_batch_sheet_copied_without_its_hidden_sheet_has_no_phantom_maxima_unit(tmp_path: Path) -> None:
    compiled = _province()
    path = write_template(compiled, tmp_path / "batch.xlsx", layout="batch", rows=3)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    sheet["A4"] = "P01"
    for code in compiled.leaf_codes:
        sheet.cell(row=4, column=header.index(code) + 1, value=1)
    copy = openpyxl.Workbook()
    target = copy.active
    assert target is not None
    for row in sheet.iter_rows(values_only=True):
        target.append(list(row))
    copy.save(tmp_path / "copied.xlsx")
    data = read_input(compiled, tmp_path / "copied.xlsx")
    assert data.unit_ids == ("P01",)


def test_ids_that_differ_only_by_case_are_an_error_naming_both_places(tmp_path: Path) -> None:
    compiled = _province()
    path = _province_csv(tmp_path / "in.csv", unit="BDI", extra=[["bdi", code, "1"] for code in compiled.leaf_codes])
    problem = _only(_problems(lambda: read_input(compiled, path)), "input.id_slip")
    with use_lang("en"):
        text = str(problem)
    assert "“BDI” (in.csv, cell A2)" in text and problem.unit == "bdi" and "cell A10" in text


def test_a_pack_maximum_written_with_a_thousands_separator_is_refused(tmp_path: Path) -> None:
    text = PROVINCE_PACK.read_text(encoding="utf-8").replace("maximum = 7\n", 'maximum = "1,000"\n', 1)
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    with pytest.raises(PackError) as caught:
        parindex.load_pack_file(tmp_path / "p.toml") if hasattr(parindex, "load_pack_file") else _load(tmp_path / "p.toml")
    assert "“1,000”" in str(caught.value)


def _load(path: Path) -> object:
    from parindex.cli.args import load_pack

    return load_pack(str(path))


# --- tracebacks ------------------------------------------------------------------------


def test_a_five_thousand_digit_json_integer_is_a_short_located_message(tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text('{"pack": "bnv-province-1150-2019", "units": [{"id": "P01", "values": {"1": ' + "9" * 5000 + "}}]}", encoding="utf-8")
    problem = _only(_problems(lambda: read_input(_province(), path)), "entry.too_large")
    assert str(problem.location) == 'in.json, units[0].values["1"]'
    assert len(str(problem)) < 300


def test_a_lone_surrogate_in_a_unit_id_is_refused_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text('{"pack": "bnv-province-1150-2019", "units": [{"id": "P\\ud80001", "values": {}}]}', encoding="utf-8")
    problem = _only(_problems(lambda: read_input(_province(), path)), "entry.bad_character")
    assert problem.message.params["position"] == 2  # type: ignore[union-attr]
    assert str(problem.location) == "in.json, units[0].id"


def test_a_vertical_tab_in_a_name_is_refused_with_its_position(tmp_path: Path) -> None:
    compiled = _province()
    path = tmp_path / "in.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit", "name", "code", "value"])
        writer.writerows(["P01", "Tỉnh\x0bA", code, "1"] for code in compiled.leaf_codes)
    problem = _only(_problems(lambda: read_input(compiled, path)), "entry.bad_character")
    assert problem.message.params["position"] == 5  # type: ignore[union-attr]


def test_a_numpy_string_array_given_to_from_array_is_a_message() -> None:
    compiled = _province()
    values = np.full((1, compiled.n_leaves), "1")
    problem = _only(_problems(lambda: parindex.from_array(compiled, ["P01"], values)), "input.array_dtype")
    assert problem.message.params["name"] == "values"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("maximum = 1e30", "quá lớn"),
        ("maximum = inf", "không phải là một số hữu hạn"),
        ("maximum = nan", "không phải là một số hữu hạn"),
        ("maximum = 2000000", "vượt giới hạn 1000000"),
    ],
)
def test_absurd_pack_maxima_are_messages(change: str, message: str, tmp_path: Path) -> None:
    text = PROVINCE_PACK.read_text(encoding="utf-8").replace("maximum = 7\n", change + "\n", 1)
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    with pytest.raises(PackError) as caught:
        _load(tmp_path / "p.toml")
    assert message in str(caught.value)


def test_thirty_point_decimals_is_a_message(tmp_path: Path) -> None:
    text = "point_decimals = 30\n" + PROVINCE_PACK.read_text(encoding="utf-8")
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ParIndexError) as caught:
        parindex.compile_pack(_load(tmp_path / "p.toml"))  # type: ignore[arg-type]
    assert "point_decimals" in str(caught.value) or "chữ số thập phân" in str(caught.value)


def test_a_tree_four_hundred_levels_deep_is_refused_not_a_recursion_error(tmp_path: Path) -> None:
    head = PROVINCE_PACK.read_text(encoding="utf-8").split("[[nodes]]")[0]
    nodes, code = [], "1"
    for depth in range(400):
        leaf = 'maximum = 1\nrule = { kind = "direct" }\n' if depth == 399 else ""
        nodes.append(f'[[nodes]]\ncode = "{code}"\ntitle = "T"\n{leaf}')
        code += ".1"
    (tmp_path / "deep.toml").write_text(head + "\n".join(nodes), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        _load(tmp_path / "deep.toml")
    assert any(v.message.code == "limit.exceeded" for v in caught.value.violations if isinstance(v.message, Message))


# --- unclear messages ------------------------------------------------------------------


def test_a_four_hundred_digit_number_is_shortened_in_the_message(tmp_path: Path) -> None:
    path = _province_csv(tmp_path / "in.csv", {"1": "9" * 400})
    problem = _only(_problems(lambda: read_input(_province(), path)), "entry.too_large")
    assert len(str(problem)) < 200 and "(400 ký tự)" in str(problem)


def test_an_oversized_csv_field_names_its_line(tmp_path: Path) -> None:
    path = _province_csv(tmp_path / "in.csv", {"3": "x" * 200_000})
    problem = _only(_problems(lambda: read_input(_province(), path)), "limit.exceeded")
    assert str(problem.location) == "in.csv, dòng 4"


def test_an_unbalanced_quote_names_the_line_where_it_starts(tmp_path: Path) -> None:
    path = _province_csv(tmp_path / "in.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace(",1", ',"1')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problem = _only(_problems(lambda: read_input(_province(), path)), "csv.unclosed_quote")
    assert str(problem.location) == "in.csv, dòng 5"


def test_units_given_as_an_object_say_which_shape_was_expected(tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"pack": "bnv-province-1150-2019", "units": {"P01": {"1": 7}}}), encoding="utf-8")
    problem = _only(_problems(lambda: read_input(_province(), path)), "json.wrong_kind")
    with use_lang("en"):
        assert str(problem) == (
            'in.json, units: found an object {…} (expected a list of units: "units": [{"id": "X01", "values": {…}}])'
        )


def test_messages_show_no_python_reprs() -> None:
    compiled = _province()
    entries: dict[str, object] = {code: Decimal("0.0") for code in compiled.leaf_codes}
    entries["1"] = Decimal("12.50")
    entries["2"] = [1, 2]
    problems = _problems(lambda: parindex.from_mappings(compiled, {"P01": entries}))
    text = "\n".join(str(p) for p in problems)
    assert "Decimal(" not in text and "list" not in text


# --- limits ----------------------------------------------------------------------------


def test_a_workbook_is_measured_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * 5_000_000)
    assert path.stat().st_size < 100_000
    with use_limits(Limits(max_workbook_bytes=1_000_000)):
        problem = _only(_problems(lambda: read_input(_commune(), path)), "limit.exceeded")
    assert problem.message.params["field"] == "max_workbook_bytes"  # type: ignore[union-attr]


def test_too_many_units_are_refused_before_arrays_are_built(tmp_path: Path) -> None:
    compiled = _province()
    rows = [[f"P{i}", code, "1"] for i in range(5) for code in compiled.leaf_codes]
    path = _province_csv(tmp_path / "in.csv", extra=rows)
    with use_limits(Limits(max_units=3)):
        problem = _only(_problems(lambda: read_input(compiled, path)), "limit.exceeded")
    assert problem.message.params["field"] == "max_units"  # type: ignore[union-attr]
    with use_limits(Limits(max_entries=20)):
        problem = _only(_problems(lambda: read_input(compiled, path)), "limit.exceeded")
    assert problem.message.params["field"] == "max_entries"  # type: ignore[union-attr]


def test_a_large_csv_file_is_refused_by_its_size(tmp_path: Path) -> None:
    path = _province_csv(tmp_path / "in.csv")
    with use_limits(Limits(max_text_bytes=50)):
        problem = _only(_problems(lambda: read_input(_province(), path)), "limit.exceeded")
    assert problem.message.params["field"] == "max_text_bytes"  # type: ignore[union-attr]


# --- structure -------------------------------------------------------------------------


def test_a_formula_saved_without_its_result_is_reported_not_read_as_empty(tmp_path: Path) -> None:
    compiled = _province()
    path = write_template(compiled, tmp_path / "unit.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    unit_row = next(r[0].row for r in sheet.iter_rows() if r[0].value == "Mã đơn vị")
    sheet.cell(row=unit_row, column=2, value="P01")
    for row in sheet.iter_rows(min_row=8):
        if row[0].value in compiled.leaf_index:
            row[6].value = 1
    row = next(r[0].row for r in sheet.iter_rows(min_row=8) if r[0].value in compiled.leaf_index)
    sheet.cell(row=row, column=7, value="=1+1")
    book.save(path)
    problem = _only(_problems(lambda: read_input(compiled, path)), "workbook.formula_without_value")
    assert str(problem.location) == f"unit.xlsx, trang tính “Đánh giá”, ô G{row}"


def test_title_rows_above_a_plain_sheet_are_not_units(tmp_path: Path) -> None:
    compiled = _province()
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["BẢNG ĐIỂM CẢI CÁCH HÀNH CHÍNH 2024"])
    sheet.append([])
    sheet.append(["Mã đơn vị", *compiled.leaf_codes])
    sheet.append(["P01", *([1] * compiled.n_leaves)])
    book.save(tmp_path / "plain.xlsx")
    assert read_input(compiled, tmp_path / "plain.xlsx").unit_ids == ("P01",)


def test_a_notes_sheet_first_is_refused_not_guessed(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Ghi chú"
    notes.append(["Số liệu do phòng Nội vụ tổng hợp"])
    data = book.create_sheet("Dữ liệu")
    data.append(["Mã đơn vị", "1"])
    book.save(tmp_path / "notes.xlsx")
    _only(_problems(lambda: read_input(_province(), tmp_path / "notes.xlsx")), "workbook.not_a_template")


# --- speed and progress ----------------------------------------------------------------


def test_reading_does_not_allocate_arrays_per_record() -> None:
    compiled = _commune()
    code = _leaf(compiled, Direct) if any(isinstance(r, Direct) for r in compiled.leaf_rules) else compiled.leaf_codes[0]
    units = {f"U{i}": {code: None} for i in range(3000)}
    import tracemalloc

    tracemalloc.start()
    parindex.from_mappings(compiled, units, allow_missing=True)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # One stage of 3000 × 61 float64 cells is 1.5 MB; a copy per record would be gigabytes.
    assert peak < 40_000_000


def test_the_progress_line_appears_only_after_its_delay_and_is_cleared() -> None:
    stream = io.StringIO()
    quick = Progress("Đang đọc", 100, stream=stream, delay=60)
    quick.at(50)
    quick.close()
    assert stream.getvalue() == ""
    slow = Progress("Đang đọc", 100, stream=stream, delay=0, redraw=0)
    slow.start_file(100)
    slow.at(45)
    assert "Đang đọc [" in stream.getvalue() and "45 %" in stream.getvalue()
    slow.close()
    assert stream.getvalue().endswith("\r")


# --- other workbook formats ------------------------------------------------------------


def test_ods_and_xls_copies_of_a_filled_template_read_like_the_xlsx(tmp_path: Path) -> None:
    import subprocess
    import tempfile

    from libreoffice_support import SOFFICE_ENV, _program

    soffice = _program(SOFFICE_ENV, "soffice", "libreoffice")
    compiled = _province()
    path = write_template(compiled, tmp_path / "unit.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    rows = {row[0].value: row for row in sheet.iter_rows()}
    rows["Mã đơn vị"][1].value = "P01"
    for position, code in enumerate(compiled.leaf_codes):
        rows[code][6].value = position % 3
    book.save(path)
    for kind in ("ods", "xls"):
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                 "--convert-to", kind, "--outdir", str(tmp_path), str(path)],
                check=True, capture_output=True, timeout=300,
            )
    expected = parindex.score(compiled, read_input(compiled, path)).points("P01")
    for kind in ("ods", "xls"):
        data = read_input(compiled, tmp_path / f"unit.{kind}")
        assert parindex.score(compiled, data).points("P01") == expected
