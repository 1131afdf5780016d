"""The criteria table holds every pack feature: written and read back, a pack is unchanged."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import parindex
import parindex.testing as pt
from parindex.cli import main
from parindex.io.criteria_table import read_criteria_table
from parindex.io.criteria_table_out import table_rows, write_table


def _packs() -> list[str]:
    return parindex.default_plugins().pack_ids()


@pytest.mark.parametrize("pack_id", _packs())
@pytest.mark.parametrize(("suffix", "lang"), [(".csv", "vi"), (".xlsx", "vi"), (".csv", "en")])
def test_every_shipped_pack_round_trips_through_the_table(pack_id: str, suffix: str, lang: str, tmp_path: Path) -> None:
    pack = parindex.get_pack(pack_id)
    path = write_table(pack, tmp_path / f"tieu-chi{suffix}", lang=lang)
    assert read_criteria_table(path) == pack


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pt.packs(max_depth=3, max_children=3))
def test_generated_packs_round_trip_through_the_table(tmp_path: Path, pack: parindex.Pack) -> None:
    # Every rule kind, caps, floors, ceilings, bonus and deduction caps, N/A policies,
    # classifications and eligibility: nothing is lost.
    path = write_table(pack, tmp_path / "tieu-chi.csv")
    assert read_criteria_table(path) == pack


def test_headers_and_keys_are_vietnamese_with_the_pack_facts_above_the_rows(tmp_path: Path) -> None:
    rows = table_rows(parindex.get_pack("bnv-province-1150-2019"))
    assert rows[0][:8] == ["mã", "tên", "điểm tối đa", "nguồn điểm", "phương pháp đánh giá", "cách chấm", "tham số", "không phát sinh"]
    info = {row[0]: row[1] for row in rows[1:] if row[0].startswith("#")}
    assert info["#năm áp dụng"] == "2019"
    assert info["#nhóm đơn vị"] == "UBND cấp tỉnh"
    assert info["#căn cứ pháp lý"].startswith("1150/QĐ-BNV | 30/12/2019 | Bộ Nội vụ")
    assert "#xếp loại" not in info  # no classification: the sources give none
    field_4 = next(row for row in rows if row[0] == "4")
    assert field_4[2] == "7,5" and field_4[5] == "trực tiếp"


def test_rule_parameters_are_readable(tmp_path: Path) -> None:
    rows = table_rows(parindex.get_pack("synthetic-commune"))
    header = rows[0]
    parameters = {row[header.index("cách chấm")]: row[header.index("tham số")] for row in rows[1:] if not row[0].startswith("#")}
    assert parameters["khoảng"].startswith("từ ") and "còn lại:" in parameters["khoảng"]
    assert ":" in parameters["mức"] and "{" not in parameters["mức"]
    assert "{" not in "".join(parameters.values())  # no JSON for built-in kinds


def test_pack_export_writes_csv_and_import_reads_it(tmp_path: Path) -> None:
    table, toml = tmp_path / "tieu-chi.csv", tmp_path / "goi.toml"
    assert main(["pack", "export", "synthetic-commune", "-o", str(table)]) == 0
    with table.open(encoding="utf-8-sig") as handle:
        assert next(csv.reader(handle))[0] == "mã"
    assert main(["pack", "import", str(table), "-o", str(toml)]) == 0
    assert parindex.io.import_pack(toml) == parindex.get_pack("synthetic-commune")


def test_pack_export_refuses_to_overwrite_its_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "tieu-chi.csv"
    assert main(["pack", "export", "synthetic-commune", "-o", str(table)]) == 0
    assert main(["pack", "import", str(table), "-o", str(table)]) == 2
    assert "tieu-chi.csv" in capsys.readouterr().err
