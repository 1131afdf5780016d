"""Pack files (TOML, JSON, Excel) round trips, results writers, atomic writes, the CLI."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from io_support import digest, template_layout

import parindex
from parindex.cli import main
from parindex.compiled import CompiledPack
from parindex.errors import PackError
from parindex.io import export_pack, import_pack, read_input, write_results, write_template
from parindex.grammar import EntryError, entry_from_value
from parindex.plugins import converter
from parindex.serialization import pack_to_document
from parindex.synthetic import synthetic_input

PACKS = ["synthetic-commune", "bnv-province-1150-2019"]


@pytest.mark.parametrize("pack_id", PACKS)
@pytest.mark.parametrize("suffix", [".json", ".toml", ".xlsx"])
def test_pack_round_trips_exactly(pack_id: str, suffix: str, tmp_path: Path) -> None:
    pack = parindex.get_pack(pack_id)
    path = export_pack(pack, tmp_path / f"pack{suffix}")
    again = import_pack(path)
    assert again == pack
    # The documents compare the decimals' text too ("7.50" stays "7.50").
    assert pack_to_document(again, converter()) == pack_to_document(pack, converter())


def test_pack_drafted_in_excel_reports_located_problems(tmp_path: Path) -> None:
    path = export_pack(parindex.get_pack("synthetic-commune"), tmp_path / "draft.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    kinds = [row[header.index("cách chấm")].value for row in sheet.iter_rows()]
    first = kinds.index("đạt/không đạt") + 1
    second = kinds.index("mức") + 1
    sheet.cell(row=first, column=header.index("điểm tối đa") + 1, value="nhiều")
    sheet.cell(row=second, column=header.index("tham số") + 1, value="{levels: [")
    book.save(path)
    with pytest.raises(PackError) as caught:
        import_pack(path)
    text = caught.value.render("en")
    maximum = openpyxl.utils.get_column_letter(header.index("điểm tối đa") + 1)
    parameters = openpyxl.utils.get_column_letter(header.index("tham số") + 1)
    assert f"draft.xlsx, sheet “Tiêu chí”, cell {maximum}{first}" in text
    assert f"cell {parameters}{second}" in text and "not valid" in text


def test_cli_pack_export_and_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlsx, toml = tmp_path / "p.xlsx", tmp_path / "p.toml"
    assert main(["pack", "export", "synthetic-commune", "-o", str(xlsx)]) == 0
    assert main(["pack", "import", str(xlsx), "-o", str(toml)]) == 0
    assert import_pack(toml) == parindex.get_pack("synthetic-commune")


def _table(sheet: openpyxl.worksheet.worksheet.Worksheet, first: str) -> tuple[list[object], list[tuple[object, ...]]]:
    """The header (the row whose first cell is ``first``) and the rows below it."""
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    at = next(i for i, row in enumerate(rows) if row[0] == first)
    return list(rows[at]), rows[at + 1 :]


def test_results_workbook_csv_and_json(commune: CompiledPack, tmp_path: Path) -> None:
    results = parindex.score(commune, synthetic_input(commune, 6))
    book_path = write_results(results, tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames[:2] == ["Xếp hạng", "Chỉ số thành phần"]
    assert len(book.sheetnames) == 2 + 6
    header, rows = _table(book["Xếp hạng"], "Hạng")
    first = results.ranking()[0]
    row = next(r for r in rows if r[1] == first.unit)
    assert row[0] == first.rank
    assert Decimal(repr(row[header.index("Chỉ số (%)")])) == first.index
    header, rows = _table(book[first.unit], "Mã")
    total = next(r for r in rows if r[0] == "Tổng")
    assert Decimal(repr(total[header.index("Điểm bị mất")])) == first.maximum - first.points
    header, _ = _table(book["Chỉ số thành phần"], "Hạng")
    assert header[5].startswith("1. ") and header[-2].startswith("8. ")

    with (write_results(results, tmp_path / "r.csv")).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == 6 * commune.n_nodes
    total_row = next(r for r in rows if r["unit"] == first.unit and r["code"] == "")
    assert Decimal(total_row["index"].replace(",", ".")) == first.index

    document = json.loads(write_results(results, tmp_path / "r.json").read_text(encoding="utf-8"))
    assert document["format"] == "parindex-history-results/1"
    final = document["sets"][0]
    assert final["pack"] == "synthetic-commune" and final.get("stage", "final") == "final"
    assert "SYNTHETIC" in final["note"]
    assert len(final["figures"]) == 6 * commune.n_nodes
    total = next(f for f in final["figures"] if f["unit"] == first.unit and f.get("code", "") == "")
    assert Decimal(total["index"]) == first.index and total["rank"] == first.rank


def test_results_json_imports_into_history_unchanged(commune: CompiledPack, tmp_path: Path) -> None:
    from parindex.cli import main
    from parindex.history.store import HistoryStore

    results = parindex.score(commune, synthetic_input(commune, 5))
    path = write_results(results, tmp_path / "r.json")
    store_path = tmp_path / "history.sqlite"
    assert main(["history", "import", str(path), "--year", "2024", "--store", str(store_path)]) == 0
    with HistoryStore.open(str(store_path)) as store:
        final = next(i for i in store.sets(2024, "synthetic-commune") if i.stage == "final")
        stored = store.load(final.id)
    for unit in results.unit_ids:
        total, criterion = stored.figure(unit, ""), stored.figure(unit, "1.2")
        assert total is not None and criterion is not None
        assert (total.index, total.rank) == (results.index(unit), results.rank(unit))
        assert criterion.points == results.points(unit, "1.2")


def test_interrupted_write_leaves_the_old_file(commune: CompiledPack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"old results")
    results = parindex.score(commune, synthetic_input(commune, 2))

    def fail(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(openpyxl.Workbook, "save", fail)
    with pytest.raises(KeyboardInterrupt):
        write_results(results, target)
    assert target.read_bytes() == b"old results"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_template_structure(commune: CompiledPack, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_template(commune, tmp_path / "t.xlsx"))
    sheet = book["Đánh giá"]
    assert sheet.protection.sheet
    assert book["parindex"].sheet_state == "hidden"
    formulas = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert formulas == []
    header = template_layout(commune)[1]
    first_leaf = header + commune.node_index[commune.leaf_codes[0]]
    assert not sheet.cell(row=first_leaf, column=7).protection.locked
    assert sheet.cell(row=first_leaf, column=3).protection.locked
    lists = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert any(f.startswith("=lists!") for f in lists)
    english = openpyxl.load_workbook(write_template(commune, tmp_path / "e.xlsx", lang="en"))
    assert english.worksheets[0].cell(row=header, column=1).value == "Code"


def test_cli_template_then_score(commune: CompiledPack, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "batch.xlsx"
    assert main(["template", "synthetic-commune", "-o", str(template), "--layout", "batch", "--rows", "5"]) == 0
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    for column in range(4, 4 + commune.n_leaves):
        sheet.cell(row=4, column=column, value="không phát sinh")
    sheet["A4"] = "X01"
    book.save(template)
    before = digest(template)
    assert main(["score", "synthetic-commune", str(template), "-o", str(tmp_path / "out.xlsx")]) == 2
    assert "không được đánh dấu “không phát sinh”" in capsys.readouterr().err
    assert digest(template) == before
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0,5", Decimal("0.5")), ("0.5", Decimal("0.5")), ("12", Decimal(12)), (" -1,25 ", Decimal("-1.25")),
     ("đạt", "đạt"), ("", None), (0.1, Decimal("0.1")), (True, True)],
)
def test_decimal_comma_rule(text: object, expected: object) -> None:
    assert entry_from_value(text) == expected


@pytest.mark.parametrize("text", ["1.000,5", "1,000,5", "1,5.0", float("nan")])
def test_ambiguous_numbers_are_rejected(text: object) -> None:
    with pytest.raises(EntryError):
        entry_from_value(text)


def test_empty_input_is_an_error(commune: CompiledPack, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("unit,code,value\n", encoding="utf-8")
    with pytest.raises(parindex.InputError, match="không tìm thấy đơn vị nào"):
        read_input(commune, path)


def test_appraisal_csv_adds_to_a_batch_workbook(commune: CompiledPack, tmp_path: Path) -> None:
    template = write_template(commune, tmp_path / "batch.xlsx", layout="batch", rows=3)
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    sheet["A4"] = "X01"
    for column, code in enumerate(commune.leaf_codes, start=4):
        rule = commune.leaf_rules[commune.leaf_index[code]]
        sheet.cell(row=4, column=column, value="đạt" if rule.kind == "achieved" else None)
    book.save(template)
    first_achieved = next(c for i, c in enumerate(commune.leaf_codes) if commune.leaf_rules[i].kind == "achieved")
    appraisal = tmp_path / "appraisal.csv"
    appraisal.write_text(f"unit,code,value,stage\nX01,{first_achieved},không đạt,appraisal_1\n", encoding="utf-8")
    data = read_input(commune, template, appraisal, allow_missing=True)
    results = parindex.score(commune, data)
    assert results.points("X01", first_achieved, "self") == results.maximum("X01", first_achieved)
    assert results.points("X01", first_achieved) == 0
