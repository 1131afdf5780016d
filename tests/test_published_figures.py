"""Every figure shown follows the pack's rounding rule, the same in every output.

Points and indices are rounded by the pack's ``RoundingRule`` (its places and its
mode, ``half_up`` or ``half_even``) exactly as the ranking rounds them, in the
workbook, the CSV, the HTML report and on the screen; maxima and lost points
(maximum shown minus points shown) are exact and show the places they have; a
negative figure that rounds to zero is shown as a zero, never "-0,00".
"""

from __future__ import annotations

import csv
import io
import math
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from libreoffice_support import page_texts, to_pdf

import parindex
from parindex import Record
from parindex.cli import main
from parindex.io import export_pack, write_results
from parindex.labels import format_decimal
from parindex.model import Node, Pack, PointsSource, RoundingRule, UnitGroup, YearRange
from parindex.report import render_html
from parindex.report.numbers import NumberFormat, Numbers
from parindex.results import Results
from parindex.rules import Direct


def _leaf(code: str, maximum: str, **extra: object) -> Node:
    return Node(code=code, title=f"Tiêu chí {code}", maximum=Decimal(maximum), rule=Direct(), **extra)  # type: ignore[arg-type]


def _pack(mode: str, decimals: int, tree: tuple[Node, ...], id: str = "lam-tron") -> Pack:
    return Pack(
        id=id,
        title="Bộ mô phỏng làm tròn",
        version="1",
        unit_group=UnitGroup.COMMUNE,
        years=YearRange(2024),
        synthetic=True,
        rounding=RoundingRule(decimals=decimals, mode=mode),
        tree=tree,
    )


def _field(code: str, *children: Node, **extra: object) -> Node:
    return Node(code=code, title=f"Lĩnh vực {code}", source=PointsSource.SELF_ASSESSMENT, children=children, **extra)  # type: ignore[arg-type]


#: Exact halves at 0 places: 1.1 loses its whole 2,5; 1.2 earns 2,5; 2.1 earns 0,5.
HALVES = (
    _field("1", _leaf("1.1", "2.5"), _leaf("1.2", "5")),
    _field("2", _leaf("2.1", "1")),
)
HALF_ENTRIES = {"1.1": 0, "1.2": "2.5", "2.1": "0.5"}

#: (mode) -> published points of 1.2, 1, 2.1; lost points of 1.1, 1.2, 1, 2.1.
EXPECTED = {
    "half_up": ({"1.2": "3", "1": "3", "2.1": "1"}, {"1.1": "2.5", "1.2": "2", "1": "4.5", "2.1": "0"}),
    "half_even": ({"1.2": "2", "1": "2", "2.1": "0"}, {"1.1": "2.5", "1.2": "3", "1": "5.5", "2.1": "1"}),
}


def _score(pack: Pack, entries: dict[str, object], unit: str = "XA-01") -> Results:
    compiled = parindex.compile_pack(pack)
    records = [Record(unit, code, value) for code, value in entries.items()]
    return parindex.score(compiled, parindex.from_records(compiled, records))


def _unit_rows(path: Path, unit: str) -> dict[str, dict[str, tuple[object, str]]]:
    """The unit sheet's rows by code: each column's (value, number format)."""
    sheet = openpyxl.load_workbook(path)[unit]
    rows = list(sheet.iter_rows())
    head = next(i for i, row in enumerate(rows) if row[0].value == "Mã")
    names = [cell.value for cell in rows[head]]
    found = {}
    for row in rows[head + 1 :]:
        if row[0].value is None:
            break
        found[str(row[0].value)] = {
            str(name): (cell.value, cell.number_format) for name, cell in zip(names, row, strict=False)
        }
    return found


@pytest.mark.parametrize("mode", ["half_up", "half_even"])
def test_exact_halves_follow_the_packs_mode_in_every_output(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = _pack(mode, 0, HALVES)
    results = _score(pack, HALF_ENTRIES)
    points, lost = EXPECTED[mode]
    for code, value in points.items():
        assert results.rounded_points("XA-01", code) == Decimal(value)

    # Workbook: points as the ranking rounds them; maximum and lost exact, with their places.
    book = write_results(results, tmp_path / "kq.xlsx")
    rows = _unit_rows(book, "XA-01")
    for code, value in points.items():
        assert rows[code]["Điểm đạt được"] == (float(value), "#,##0")
    for code, value in lost.items():
        shown = rows[code]["Điểm bị mất"]
        assert shown[0] == float(value)
        assert shown[1] == ("#,##0.0" if "." in value else "#,##0"), (code, shown)
    assert rows["1.1"]["Điểm tối đa"] == (2.5, "#,##0.0")  # not "#,##0####", which printed 3
    ranking = openpyxl.load_workbook(book)["Xếp hạng"]
    assert any(cell.value == 8.5 and cell.number_format == "#,##0.0" for row in ranking.iter_rows() for cell in row)

    # CSV: the same published points.
    text = write_results(results, tmp_path / "kq.csv", decimal_comma=False).read_text(encoding="utf-8-sig")
    csv_points = {row["code"]: row["points"] for row in csv.DictReader(io.StringIO(text))}
    for code, value in points.items():
        assert csv_points[code] == value

    # HTML: the unit's lost points as the workbook shows them; maxima with their places.
    page = render_html(results, lang="en", number_format="plain", lost_level=None)
    for code in ("1.1", "1.2", "2.1"):
        if lost[code] != "0":
            assert f'<td>{code}</td><td>Tiêu chí {code}</td><td class="n">{lost[code]}</td>' in page
    assert '<td class="n">7.5</td>' in page  # field 1's maximum, not "8" (0 places) or "7.50"

    # Screen: lost-points of the unit, from a pack file, prints the same figures.
    pack_file = export_pack(pack, tmp_path / "goi.toml")
    data = tmp_path / "du-lieu.csv"
    data.write_text(
        "unit,code,value\n" + "".join(f"XA-01,{c},{v}\n" for c, v in HALF_ENTRIES.items()), encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["lost-points", str(pack_file), str(data), "--unit", "XA-01", "--criteria-level", "0", "--lang", "en"]) == 0
    screen = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()[2:] if line.strip()}
    assert screen["1.1"][-5:-2] == ["0", "2.5", "2.5"]  # points, maximum, lost
    assert screen["1.2"][-5:-2] == [points["1.2"], "5", lost["1.2"]]


def test_formatting_rounds_in_the_mode_it_is_given_never_halves_to_even_by_default() -> None:
    assert format_decimal(Decimal("2.5"), 0) == "3"  # Python's format gives "2"
    assert format_decimal(Decimal("2.5"), 0, mode="half_even") == "2"
    assert format_decimal(Decimal("0.125"), 2, "en") == "0.13"
    assert Numbers(NumberFormat.PLAIN).number(Decimal("0.125"), 2) == "0.13"
    assert Numbers(NumberFormat.PLAIN, "half_even").number(Decimal("0.125"), 2) == "0.12"
    assert RoundingRule(2, "half_even").round(Decimal("0.125")) == Decimal("0.12")


#: 1.1 is 0 points less a deduction of 0,004: field 1 is -0,004 points (the total stops at 0).
NEGATIVE = (
    _field(
        "1",
        _leaf("1.1", "1", deduction_cap=Decimal("0.25"), floor=Decimal("-0.25")),
        _leaf("1.2", "1"),
        floor=Decimal("-0.25"),
    ),
)


def test_a_negative_figure_that_rounds_to_zero_is_shown_as_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = _pack("half_up", 2, NEGATIVE, id="tru-diem")
    compiled = parindex.compile_pack(pack)
    records = [Record("x", "1.1", 0), Record("x", "1.2", 0), Record("x", "1.1", "0.004", entry="deduction")]
    results = parindex.score(compiled, parindex.from_records(compiled, records))
    assert results.points("x", "1") == Decimal("-0.0040")  # the exact figure keeps its sign
    assert str(results.rounded_points("x", "1")) == str(results.rounded_points("x", "1.1")) == "0.00"
    assert {str(r.points) for r in results.rows()} == {"0.00"}

    for comma, zero in ((False, "0.00"), (True, "0,00")):
        written = write_results(results, tmp_path / f"kq{int(comma)}.csv", decimal_comma=comma).read_text(encoding="utf-8-sig")
        sep = ";" if comma else ","
        assert f"-{zero}" not in written and f"{sep}{zero}{sep}" in written

    book = write_results(results, tmp_path / "kq.xlsx")
    values = [cell.value for sheet in openpyxl.load_workbook(book) for row in sheet.iter_rows() for cell in row]
    assert not any(isinstance(v, float) and v == 0 and math.copysign(1, v) < 0 for v in values)
    printed = "\n".join(page_texts(to_pdf(book)[0]))  # separators of LibreOffice's locale
    assert re.search(r"\b0[.,]00\b", printed) and not re.search(r"-0[.,]00\b", printed)

    page = render_html(results)
    assert "0,00" in page and "\u22120,00" not in page and "-0,00" not in page

    pack_file = export_pack(pack, tmp_path / "goi.toml")
    data = tmp_path / "du-lieu.csv"
    data.write_text("unit,code,value,entry\nx,1.1,0,\nx,1.2,0,\nx,1.1,0.004,deduction\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["score", str(pack_file), str(data)]) == 0
    out = capsys.readouterr().out
    assert " 0,00 " in out and "-0,00" not in out and "-0,20" in out  # field 1's index is -0,2 %
