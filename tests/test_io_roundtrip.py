"""Round trips: template → filled → read → score equals scoring the same values directly."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from io_support import unit_entries, unit_layout

import parindex
from parindex.compiled import CompiledPack
from parindex.inputs import NOT_APPLICABLE, Record, Unit, from_records
from parindex.io import read_input, write_template
from parindex.io.layout import UNIT_COLUMNS
from parindex.synthetic import synthetic_values


def _records(compiled: CompiledPack, values: np.ndarray, na: np.ndarray, stage: str) -> list[Record]:
    records = []
    for row in range(values.shape[0]):
        for code, value in unit_entries(compiled, values, na, row).items():
            if value is not None:
                records.append(Record(f"U{row:02d}", code, NOT_APPLICABLE if value == "không phát sinh" else value, stage))
    return records


def _same_scores(left: parindex.Results, right: parindex.Results) -> None:
    assert left.unit_ids == right.unit_ids
    assert np.array_equal(left.final.points, right.final.points)
    assert np.array_equal(left.final.unit_maximum(), right.final.unit_maximum())
    assert np.array_equal(left.final.rank, right.final.rank)
    for stage in right.stages:
        assert np.array_equal(left.stages[stage].points, right.stages[stage].points)


def _fill_unit_template(path: Path, unit: str, name: str, entries: dict[str, object], appraised: dict[str, object]) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    unit_row, header_row = unit_layout(book)
    sheet.cell(row=unit_row, column=2, value=unit)
    sheet.cell(row=unit_row + 1, column=2, value=name)
    header = [cell.value for cell in sheet[header_row]]
    column = {key: next(i for i, h in enumerate(header) if h in names) for key, names in UNIT_COLUMNS.items()}
    for row in sheet.iter_rows(min_row=header_row + 1):
        code = row[column["code"]].value
        if code not in entries:
            continue
        value = entries[code]
        if value == "không phát sinh":
            row[column["na"]].value = "x"
        else:
            row[column["self"]].value = value
        if code in appraised:
            row[column["appraised"]].value = appraised[code]
    book.save(path)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_unit_templates_in_a_folder_score_like_direct_input(commune: CompiledPack, tmp_path: Path, lang: str) -> None:
    values, na = synthetic_values(commune, 4, seed=7)
    appraised_values = values.copy()
    appraised_values[:, :5] = np.where(np.isnan(values[:, :5]), np.nan, 0.0)  # appraisal corrects five leaves
    blank = tmp_path / "blank.xlsx"
    write_template(commune, blank, lang=lang)
    folder = tmp_path / "filled"
    folder.mkdir()
    for row in range(4):
        entries = unit_entries(commune, values, na, row)
        corrected = unit_entries(commune, appraised_values, na, row)
        appraised = {code: corrected[code] for code in commune.leaf_codes[:5] if corrected[code] not in (None, "không phát sinh")}
        target = folder / f"unit{row}.xlsx"
        target.write_bytes(blank.read_bytes())
        _fill_unit_template(target, f"U{row:02d}", f"Đơn vị mô phỏng {row}", entries, appraised)
    read = parindex.score(commune, read_input(commune, folder))

    records = _records(commune, values, na, "self")
    appraisal_na = np.zeros_like(na)
    for record in _records(commune, appraised_values, appraisal_na, "appraisal_1"):
        if commune.leaf_index[record.code] < 5 and record.value is not NOT_APPLICABLE:
            records.append(record)
    units = [Unit(f"U{row:02d}", f"Đơn vị mô phỏng {row}") for row in range(4)]
    direct = parindex.score(commune, from_records(commune, records, units=units))
    _same_scores(read, direct)
    assert read.units == direct.units
    assert "appraisal_1" in read.stages


def test_batch_template_scores_like_direct_input(commune: CompiledPack, tmp_path: Path) -> None:
    values, na = synthetic_values(commune, 12, seed=3)
    path = tmp_path / "batch.xlsx"
    write_template(commune, path, layout="batch", rows=20)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for row in range(12):
        sheet.cell(row=4 + row, column=1, value=f"U{row:02d}")
        sheet.cell(row=4 + row, column=3, value="nhóm A" if row % 2 else "nhóm B")
        for code, value in unit_entries(commune, values, na, row).items():
            sheet.cell(row=4 + row, column=header.index(code) + 1, value=value)
    book.save(path)
    read = parindex.score(commune, read_input(commune, path))
    units = [Unit(f"U{row:02d}", "", "nhóm A" if row % 2 else "nhóm B") for row in range(12)]
    direct = parindex.score(commune, from_records(commune, _records(commune, values, na, "self"), units=units))
    _same_scores(read, direct)


def test_long_csv_with_appraised_and_na_columns(commune: CompiledPack, tmp_path: Path) -> None:
    values, na = synthetic_values(commune, 5, seed=11)
    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit", "code", "value", "appraised", "na"])
        for row in range(5):
            for code, value in unit_entries(commune, values, na, row).items():
                flagged = value == "không phát sinh"
                shown = "" if flagged or value is None else str(value).replace(".", ",")  # decimal commas
                appraised = "0" if code == "2.3" and not flagged else ""
                writer.writerow([f"U{row:02d}", code, shown, appraised, "x" if flagged else ""])
    read = parindex.score(commune, read_input(commune, path))
    records = _records(commune, values, na, "self")
    records += [Record(f"U{row:02d}", "2.3", 0, "appraisal_1") for row in range(5) if not na[row, commune.leaf_index["2.3"]]]
    direct = parindex.score(commune, from_records(commune, records))
    _same_scores(read, direct)


def test_json_document_scores_like_direct_input(commune: CompiledPack, tmp_path: Path) -> None:
    values, na = synthetic_values(commune, 3, seed=5)
    units = []
    for row in range(3):
        entries = unit_entries(commune, values, na, row)
        units.append(
            {
                "id": f"U{row:02d}",
                "values": {c: v for c, v in entries.items() if v not in (None, "không phát sinh")},
                "not_applicable": [c for c, v in entries.items() if v == "không phát sinh"],
            }
        )
    path = tmp_path / "input.json"
    path.write_text(json.dumps({"pack": "synthetic-commune", "units": units}, ensure_ascii=False), encoding="utf-8")
    read = parindex.score(commune, read_input(commune, path))
    direct = parindex.score(commune, from_records(commune, _records(commune, values, na, "self")))
    _same_scores(read, direct)
    assert not math.isnan(float(read.points("U00")))
