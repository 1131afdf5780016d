"""A table of malformed inputs: each yields its documented, located message, and no
input file is modified by reading it (docs/io.md lists the same messages)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from io_support import digest, template_layout, unit_entries, unit_layout

import parindex
from parindex.compiled import CompiledPack
from parindex.errors import InputError
from parindex.io import read_input, write_template
from parindex.model import NotApplicable
from parindex.rules import Levels, Proportional
from parindex.synthetic import synthetic_values

# These tests match English message wording.
pytestmark = pytest.mark.usefixtures("english")


def _commune() -> CompiledPack:
    return parindex.compile_pack(parindex.get_pack("synthetic-commune"))


def _province() -> CompiledPack:
    return parindex.compile_pack(parindex.get_pack("bnv-province-1150-2019"))


def _leaf(compiled: CompiledPack, test: Callable[[int], bool]) -> str:
    return next(code for i, code in enumerate(compiled.leaf_codes) if test(i))


def _rows(compiled: CompiledPack, unit: str = "X01") -> list[list[str]]:
    values, na = synthetic_values(compiled, 1, seed=1)
    rows = []
    for code, value in unit_entries(compiled, values, na, 0).items():
        rows.append([unit, code, "" if value is None else str(value)])
    return rows


def _csv(path: Path, rows: list[list[str]], header: tuple[str, ...] = ("unit", "code", "value")) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _replace(rows: list[list[str]], code: str, value: str) -> int:
    """Set ``code``'s value; returns its CSV row number (header is row 1)."""
    for index, row in enumerate(rows):
        if row[1] == code:
            row[2] = value
            return index + 2
    raise KeyError(code)


Case = tuple[Path | list[Path], CompiledPack, str, str]


def unknown_column(tmp: Path) -> Case:
    c = _commune()
    rows = [[*row, ""] for row in _rows(c)]
    return _csv(tmp / "in.csv", rows, ("unit", "code", "value", "valeur")), c, "unknown column “valeur”", "in.csv, cell D1"


def missing_column(tmp: Path) -> Case:
    c = _commune()
    rows = [row[:2] for row in _rows(c)]
    return _csv(tmp / "in.csv", rows, ("unit", "code")), c, "missing column(s) value", "in.csv, row 1"


def unknown_code(tmp: Path) -> Case:
    c = _commune()
    rows = _rows(c)
    rows.append(["X01", "9.9.9", "1"])
    return _csv(tmp / "in.csv", rows), c, "criterion 9.9.9: criterion code is unknown", f"cell B{len(rows) + 1}"


def internal_code(tmp: Path) -> Case:
    c = _commune()
    rows = _rows(c)
    rows.append(["X01", "1.1", "1"])
    return _csv(tmp / "in.csv", rows), c, "criterion code is an internal node", f"cell B{len(rows) + 1}"


def text_for_number(tmp: Path) -> Case:
    c = _commune()
    code = _leaf(c, lambda i: isinstance(c.leaf_rules[i], Proportional))
    rows = _rows(c)
    row = _replace(rows, code, "chín mươi")
    return _csv(tmp / "in.csv", rows), c, f"criterion {code}: cannot read “chín mươi” (expected a value between 0 and 100)", f"cell C{row}"


def ambiguous_number(tmp: Path) -> Case:
    c = _commune()
    code = _leaf(c, lambda i: isinstance(c.leaf_rules[i], Proportional))
    rows = _rows(c)
    row = _replace(rows, code, "1.000,5")
    return _csv(tmp / "in.csv", rows), c, "“1.000,5” has more than one separator", f"in.csv, cell C{row}"


def over_maximum(tmp: Path) -> Case:
    c = _province()
    rows = [["P01", code, "1"] for code in c.leaf_codes]
    rows[0][2] = "12,5"
    return _csv(tmp / "in.csv", rows), c, "criterion 1: value 12.5 is not accepted at stage self-assessment (expected points between 0 and 7)", "in.csv, cell C2"


def bad_level(tmp: Path) -> Case:
    c = _commune()
    code = _leaf(c, lambda i: isinstance(c.leaf_rules[i], Levels))
    rows = _rows(c)
    row = _replace(rows, code, "trễ hạn")
    expected = c.leaf_rules[c.leaf_index[code]].expected(c.pack.node(code).maximum)  # type: ignore[arg-type]
    return _csv(tmp / "in.csv", rows), c, f"cannot read “trễ hạn” (expected {expected})", f"cell C{row}"


def entered_twice(tmp: Path) -> Case:
    c = _commune()
    rows = _rows(c)
    rows.append(list(rows[0]))
    return _csv(tmp / "in.csv", rows), c, "entered twice (first given at in.csv, cell C2)", f"cell C{len(rows) + 1}"


def na_not_allowed(tmp: Path) -> Case:
    c = _commune()
    code = _leaf(c, lambda i: c.leaf_na[i] is NotApplicable.NOT_ALLOWED)
    rows = _rows(c)
    row = _replace(rows, code, "không phát sinh")
    return _csv(tmp / "in.csv", rows), c, f"criterion {code}: 'không phát sinh' is not allowed for this criterion", f"cell C{row}"


def value_and_na(tmp: Path) -> Case:
    c = _commune()
    code = _leaf(c, lambda i: c.leaf_na[i] is not NotApplicable.NOT_ALLOWED)
    rows = [[*row, ""] for row in _rows(c)]
    row = _replace(rows, code, "1")
    rows[row - 2][3] = "x"
    return _csv(tmp / "in.csv", rows, ("unit", "code", "value", "na")), c, "both a value and “không phát sinh”", f"cell D{row}"


def missing_code(tmp: Path) -> Case:
    c = _commune()
    rows = _rows(c)[1:]
    return _csv(tmp / "in.csv", rows), c, f"unit “X01”; criterion {c.leaf_codes[0]}: criterion missing from the input", "X01"


def ragged_row(tmp: Path) -> Case:
    c = _commune()
    rows = _rows(c)
    rows[3] = rows[3][:2]
    return _csv(tmp / "in.csv", rows), c, "row has 2 cells, the header 3", "in.csv, row 5"


def not_utf8(tmp: Path) -> Case:
    path = tmp / "in.csv"
    path.write_bytes(b"unit,code,value\nX01,1.1.1,\xf0\xe1t\n")  # "đát" in a Windows code page
    return path, _commune(), "not UTF-8 text", "in.csv"


def _filled_unit(path: Path, c: CompiledPack, unit: str = "X01", change: Callable[[openpyxl.worksheet.worksheet.Worksheet], None] | None = None) -> Path:
    write_template(c, path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    unit_row, header = unit_layout(book)
    sheet.cell(row=unit_row, column=2, value=unit)
    values, na = synthetic_values(c, 1, seed=1)
    entries = unit_entries(c, values, na, 0)
    for row in sheet.iter_rows(min_row=header + 1):
        if row[0].value in entries:
            value = entries[row[0].value]
            if value == "không phát sinh":
                row[8].value = "x"
            else:
                row[6].value = value
    if change is not None:
        change(sheet)
    book.save(path)
    return path


def wrong_pack(tmp: Path) -> Case:
    return _filled_unit(tmp / "unit.xlsx", _commune()), _province(), "workbook was made for pack “synthetic-commune”", "unit.xlsx, sheet “parindex”, cell B1"


def date_in_cell(tmp: Path) -> Case:
    c = _commune()
    code = _leaf(c, lambda i: isinstance(c.leaf_rules[i], Proportional))
    row = template_layout(c)[1] + c.node_index[code]

    def change(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
        sheet.cell(row=row, column=7, value=dt.datetime(2024, 1, 2))

    path = _filled_unit(tmp / "unit.xlsx", c, change=change)
    return path, c, f"criterion {code}: a date or time", f"sheet “Đánh giá”, cell G{row}"


def empty_unit(tmp: Path) -> Case:
    row = template_layout(_commune())[0]
    return _filled_unit(tmp / "unit.xlsx", _commune(), unit=""), _commune(), "the unit id is empty", f"unit.xlsx, sheet “Đánh giá”, cell B{row}"


def value_on_field_row(tmp: Path) -> Case:
    def change(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
        sheet[f"G{field_row}"] = 5

    field_row = template_layout(_commune())[1] + 1
    path = _filled_unit(tmp / "unit.xlsx", _commune(), change=change)
    return path, _commune(), "criterion 1: values entered on a field or criterion row", f"cell G{field_row}"


def unit_in_two_files(tmp: Path) -> Case:
    c = _commune()
    first = _filled_unit(tmp / "a.xlsx", c)
    second = _filled_unit(tmp / "b.xlsx", c)
    row = template_layout(c)[0]
    return [first, second], c, f"unit also given at a.xlsx, sheet “Đánh giá”, cell B{row}", f"b.xlsx, sheet “Đánh giá”, cell B{row}"


def _batch(path: Path, c: CompiledPack, units: list[str], change: Callable[[openpyxl.worksheet.worksheet.Worksheet], None] | None = None) -> Path:
    write_template(c, path, layout="batch", rows=10)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    values, na = synthetic_values(c, len(units), seed=2)
    for row, unit in enumerate(units):
        sheet.cell(row=4 + row, column=1, value=unit)
        for code, value in unit_entries(c, values, na, row).items():
            sheet.cell(row=4 + row, column=header.index(code) + 1, value=value)
    if change is not None:
        change(sheet)
    book.save(path)
    return path


def batch_duplicate_unit(tmp: Path) -> Case:
    c = _commune()
    path = _batch(tmp / "batch.xlsx", c, ["X01", "X02", "X01"])
    return path, c, "unit “X01”: unit listed twice (first at batch.xlsx, sheet “Nhiều đơn vị”, cell A4)", "cell A6"


def batch_unknown_header(tmp: Path) -> Case:
    c = _commune()

    def change(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
        sheet["D1"] = "1.1.9"

    path = _batch(tmp / "batch.xlsx", c, ["X01"], change)
    return path, c, "unknown column “1.1.9”", "batch.xlsx, sheet “Nhiều đơn vị”, cell D1"


def batch_missing_column(tmp: Path) -> Case:
    c = _commune()

    def change(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
        sheet.delete_cols(4)

    path = _batch(tmp / "batch.xlsx", c, ["X01"], change)
    return path, c, f"criterion {c.leaf_codes[0]}: no column for this criterion", "sheet “Nhiều đơn vị”, row 1"


def batch_headerless_values(tmp: Path) -> Case:
    c = _commune()

    def change(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
        sheet["D1"] = None

    path = _batch(tmp / "batch.xlsx", c, ["X01"], change)
    return path, c, "values in a column without a header", "batch.xlsx, sheet “Nhiều đơn vị”, cell D4"


def json_extra_key(tmp: Path) -> Case:
    path = tmp / "in.json"
    path.write_text(json.dumps({"pack": "synthetic-commune", "units": [{"id": "X01", "valuez": {}}]}), encoding="utf-8")
    return path, _commune(), "unknown key(s) “valuez”", "in.json, units[0]"


def json_syntax(tmp: Path) -> Case:
    path = tmp / "in.json"
    path.write_text('{"pack": "synthetic-commune",\n "units": [}', encoding="utf-8")
    return path, _commune(), "not valid JSON", "in.json, row 2"


def json_bad_value(tmp: Path) -> Case:
    path = tmp / "in.json"
    path.write_text(json.dumps({"pack": "synthetic-commune", "units": [{"id": "X01", "values": {"2.3": [1]}}]}), encoding="utf-8")
    return path, _commune(), "found a list […] (expected a number, a label (text) or null)", 'in.json, units[0].values["2.3"]'


def not_a_workbook(tmp: Path) -> Case:
    path = tmp / "fake.xlsx"
    path.write_text("unit,code,value\n", encoding="utf-8")
    return path, _commune(), "cannot open the file as a workbook", "fake.xlsx"


CASES = [
    unknown_column, missing_column, unknown_code, internal_code, text_for_number, ambiguous_number,
    over_maximum, bad_level, entered_twice, na_not_allowed, value_and_na, missing_code, ragged_row,
    not_utf8, wrong_pack, date_in_cell, empty_unit, value_on_field_row, unit_in_two_files,
    batch_duplicate_unit, batch_unknown_header, batch_missing_column, json_extra_key, json_syntax,
    json_bad_value, not_a_workbook, batch_headerless_values,
]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_malformed_input_is_reported_located_and_left_untouched(case: Callable[[Path], Case], tmp_path: Path) -> None:
    paths, compiled, message, where = case(tmp_path)
    files = paths if isinstance(paths, list) else [paths]
    before = [digest(path) for path in files]
    with pytest.raises(InputError) as caught:
        read_input(compiled, *files)
    lines = [str(problem) for problem in caught.value.problems]
    assert any(message in line and where in line for line in lines), "\n".join(lines)
    assert [digest(path) for path in files] == before


def test_every_problem_is_reported_together(tmp_path: Path) -> None:
    c = _commune()
    rows = _rows(c)
    code = _leaf(c, lambda i: isinstance(c.leaf_rules[i], Proportional))
    _replace(rows, code, "abc")
    rows.append(["X01", "9.9", "1"])
    rows.append(["X02", c.leaf_codes[0], "1,2,3"])
    with pytest.raises(InputError) as caught:
        read_input(c, _csv(tmp_path / "in.csv", rows))
    text = str(caught.value)
    assert "cannot read “abc”" in text and "criterion 9.9" in text and "“1,2,3” has more than one separator" in text
