"""Build published.json (history results format) from the transcribed seed figures.

Reads packs/sources/soctrang-published-2016-2021.json and writes, unchanged,
only figures the source marks "official" or "reported"; derived figures of
that file (row averages) are left out. Run from the repository root:

    python docs/examples/soctrang/build_published.py
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from parindex.history.records import (
    FigureRecord,
    Origin,
    ResultsDocument,
    ResultSetRecord,
    UnitRecord,
    document_to_json,
)

ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT / "packs" / "sources" / "soctrang-published-2016-2021.json"
TARGET = Path(__file__).with_name("published.json")

PROVINCE = UnitRecord("soc-trang", "Sóc Trăng", "province")
SEED = "seed 001 (Dự thảo Đề án cải thiện Chỉ số CCHC tỉnh Sóc Trăng, 2022)"
#: Stable ids for the rows of the unit-group table (lines 177–180).
GROUP_IDS = {
    "Sở ngành": "so-nganh",
    "UBND cấp huyện": "ubnd-cap-huyen",
    "Cơ quan ngành dọc": "co-quan-nganh-doc",
    "Đơn vị sự nghiệp công lập tỉnh": "dvsncl-tinh",
}


def _rank(figures: list[dict[str, Any]], ident: str) -> tuple[int, int]:
    value = next(f["value"] for f in figures if f["id"] == ident)
    rank, of = value.split("/")
    return int(rank), int(of)


def build() -> ResultsDocument:
    data = json.loads(SOURCE.read_text(encoding="utf-8"))
    tables = {table["id"]: table for table in data["tables"]}
    components = tables["component_indices_2016_2021"]
    groups = tables["unit_group_averages_2016_2021"]
    official_ranks = {
        2016: _rank(data["figures"], "rank_2016"),
        2021: _rank(data["figures"], "rank_2021"),
    }
    reported = next(f for f in data["figures"] if f["id"] == "rank_2020_and_2021_reported")
    sets = []
    for column in components["columns"]:
        year = int(column)
        figures = []
        if year in official_ranks:
            rank, of = official_ranks[year]
            figures.append(FigureRecord(PROVINCE.id, "", rank=rank, ranked_of=of))
        for row in components["rows"]:
            assert row["status"] == "official"
            value = row["values"][column]
            if value is not None:
                figures.append(FigureRecord(PROVINCE.id, row["stt"], index=Decimal(value)))
        sets.append(
            ResultSetRecord(
                pack="soctrang-001-components",
                version="table lines 124-133",
                origin=Origin.PUBLISHED,
                year=year,
                source=f"{SEED}, lines 124-133 (component indices), line 119 (ranks 2016, 2021)",
                note="Codes are the table's row numbers (stt); "
                "the whole index (code '') has only the "
                "rank: the overall index table (line 115) is not in the seed text.",
                units=(PROVINCE,),
                figures=tuple(figures),
            )
        )
    rank, of = (int(x) for x in reported["values"]["2020"].split("/"))
    sets.append(
        ResultSetRecord(
            pack="soctrang-reported-rank",
            version="press",
            origin=Origin.REPORTED,
            year=2020,
            source=f"{reported['source']['title']} ({reported['source']['url']})",
            note="Rank only; the press report gives no index.",
            units=(PROVINCE,),
            figures=(FigureRecord(PROVINCE.id, "", rank=rank, ranked_of=of),),
        )
    )
    for column in groups["columns"]:
        year = int(column)
        units, figures = [], []
        for row in groups["rows"]:
            assert row["status"] == "official"
            value = row["values"][column]
            if value is None:
                continue
            unit = UnitRecord(GROUP_IDS[row["label"]], row["label"], "unit group")
            units.append(unit)
            figures.append(FigureRecord(unit.id, "", index=Decimal(value)))
        sets.append(
            ResultSetRecord(
                pack="soctrang-001-unit-group-averages",
                version="table lines 176-180",
                origin=Origin.PUBLISHED,
                year=year,
                source=f"{SEED}, lines 176-180",
                note="Average index of each unit group, not of individual units; "
                "'Cơ quan ngành dọc' has no figure for 2016 and 2017.",
                units=tuple(units),
                figures=tuple(figures),
            )
        )
    return ResultsDocument(tuple(sets))


if __name__ == "__main__":
    TARGET.write_text(document_to_json(build()), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
