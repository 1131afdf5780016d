"""Statements of seed 001 reproduced from its published tables with the library.

The tables (packs/sources/soctrang-published-2016-2021.json) are official figures
printed in Sóc Trăng's 2022 draft decision. A series of yearly percentages is
averaged with parindex itself: one leaf per year (maximum 100, the published
percentage entered directly), years without a figure entered as "không phát sinh"
with the policy *excluded*, so they leave the maximum instead of counting as 0.
The root index is then the mean over the years assessed, classified by the pack's
A/B/C/D classification (A ≥ 90 %, B ≥ 80 %, C ≥ 70 %, D below).
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

import parindex
from parindex.model import (
    Node,
    NotApplicable,
    Pack,
    PointsSource,
    Provenance,
    ProvenanceStatus,
    UnitGroup,
    YearRange,
)
from parindex.rules import Direct

SOURCES = Path(__file__).resolve().parents[1] / "packs" / "sources"
TABLES = {
    table["id"]: table
    for table in json.loads((SOURCES / "soctrang-published-2016-2021.json").read_text("utf-8"))[
        "tables"
    ]
}


def series_pack(columns: list[str], na: NotApplicable) -> Pack:
    """An averaging aid (not a criteria set): one leaf per column, 100 points each."""
    provenance = (Provenance("seed 001 published tables", ProvenanceStatus.OFFICIAL),)
    leaves = tuple(
        Node(
            code=column,
            title=f"Năm {column}",
            maximum=Decimal(100),
            source=PointsSource.SELF_ASSESSMENT,
            rule=Direct(),
            not_applicable=na,
            provenance=provenance,
        )
        for column in columns
    )
    return Pack(
        id="published-series",
        title="Chuỗi số liệu đã công bố (công cụ tính trung bình, không phải bộ chỉ số)",
        version="seed-001",
        unit_group=UnitGroup.PROVINCE,
        years=YearRange(2016, 2021),
        tree=leaves,
        synthetic=True,
        description="Averaging aid for published percentages; not an official criteria set",
    )


def score_rows(rows: list[tuple[str, dict[str, str | None]]], columns: list[str], na: NotApplicable) -> parindex.Results:
    compiled = parindex.compile_pack(series_pack(columns, na))
    data = parindex.from_mappings(
        compiled,
        {
            unit: {
                column: parindex.NOT_APPLICABLE if values[column] is None else values[column]
                for column in columns
            }
            for unit, values in rows
        },
    )
    return parindex.score(compiled, data)


def component_rows() -> tuple[list[tuple[str, dict[str, str | None]]], list[str]]:
    table = TABLES["component_indices_2016_2021"]
    return [(row["stt"], row["values"]) for row in table["rows"]], table["columns"]


def test_component_index_classes_on_average_are_1_a_3_b_3_c_2_d() -> None:
    """Line 137: "01 … nhóm A, 03 … nhóm B, 03 … nhóm C, 02 … nhóm D"."""
    rows, years = component_rows()
    results = score_rows(rows, years, NotApplicable.EXCLUDED)
    grades = Counter(results.grade(unit) for unit, _ in rows)
    official = TABLES["component_average_2016_2021"]["official_group_counts"]
    assert grades == Counter({label: official[label] for label in "ABCD"})


def test_one_stop_shop_is_averaged_over_its_single_assessed_year_not_as_zero() -> None:
    """Row 8 (một cửa) was assessed in 2016 only (footnote 2): its average is 56.25 %."""
    rows, years = component_rows()
    excluded = score_rows(rows, years, NotApplicable.EXCLUDED)
    assert excluded.index("8") == Decimal("56.25")
    assert excluded.points("8", "2016") == Decimal("56.25")
    zero = score_rows(rows, years, NotApplicable.ZERO)
    assert zero.index("8") == Decimal("9.38")  # what treating "-" as 0 would wrongly give


@pytest.mark.parametrize(
    ("stt", "grade"),
    [("1", "B"), ("2", "A"), ("3", "B"), ("4", "C"), ("5", "C"), ("6", "C"), ("7", "D"), ("8", "D"), ("9", "B")],
)
def test_each_component_falls_in_its_class(stt: str, grade: str) -> None:
    rows, years = component_rows()
    results = score_rows(rows, years, NotApplicable.EXCLUDED)
    assert results.grade(stt) == grade
    # The classification agrees when applied to the published-style rounded average.
    index = results.index(stt)
    assert index is not None
    assert results.pack.classification.classify(index) == grade


def test_unit_average_rose_every_year() -> None:
    """Line 162: "Giá trị trung bình Chỉ số của các đơn vị tăng liên tục qua từng năm".

    One unit per year, one leaf per unit group; the central agencies, without a
    figure for 2016 and 2017, are left out of those years' means.
    """
    table = TABLES["unit_group_averages_2016_2021"]
    groups = [row["label"] for row in table["rows"]]
    codes = [str(i) for i in range(1, len(groups) + 1)]
    by_year = [
        (year, {code: row["values"][year] for code, row in zip(codes, table["rows"], strict=True)})
        for year in table["columns"]
    ]
    results = score_rows(by_year, codes, NotApplicable.EXCLUDED)
    means = [results.index(year) for year, _ in by_year]
    assert all(m is not None for m in means)
    assert means == sorted(means) and len(set(means)) == len(means)
    # 2016 and 2017 average three groups; 2018 onwards, four.
    assert results.points("2016") == Decimal("158.41")
    assert results.index("2016") == Decimal("52.80")


def test_departments_rose_every_year_but_districts_did_not() -> None:
    """The per-unit target (line 198) read against the group averages."""
    table = TABLES["unit_group_averages_2016_2021"]
    values = {row["label"]: row["values"] for row in table["rows"]}
    years = table["columns"]

    def rising(label: str) -> bool:
        series = [Decimal(values[label][y]) for y in years if values[label][y] is not None]
        return all(a < b for a, b in zip(series, series[1:], strict=False))

    assert rising("Sở ngành")
    assert not rising("UBND cấp huyện")  # 73.94 % in 2017, 72.44 % in 2018
