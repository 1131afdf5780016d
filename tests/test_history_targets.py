"""Plan targets on the Sóc Trăng figures published in the seeds, and on constructed cases."""

from __future__ import annotations

import datetime as dt
import json
import runpy
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from parindex.history import (
    Aggregate,
    EventKind,
    EveryUnitImproves,
    FigureRecord,
    HistoryStore,
    LineageEvent,
    Origin,
    ResultSetRecord,
    Status,
    TargetPlan,
    TopN,
    UnitRecord,
    UnitsAverageAboveProvince,
    check_targets,
    document_to_json,
    read_document,
    read_plan,
)

#: These tests read the English wording of rows, notes and figures.
pytestmark = pytest.mark.usefixtures("english")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples"
SOURCE = json.loads((ROOT / "packs" / "sources" / "soctrang-published-2016-2021.json").read_text("utf-8"))
YEARS = list(range(2016, 2022))


def _table(ident: str) -> dict:
    return next(t for t in SOURCE["tables"] if t["id"] == ident)


@pytest.fixture(scope="module")
def soctrang(tmp_path_factory) -> HistoryStore:
    store = HistoryStore.open(tmp_path_factory.mktemp("st") / "h.sqlite", create=True)
    for record in read_document(EXAMPLE / "soctrang" / "published.json").sets:
        store.add_record(record)
    return store


def test_example_data_is_the_transcription() -> None:
    """published.json is exactly what the builder makes from the sources file."""
    build = runpy.run_path(str(EXAMPLE / "soctrang" / "build_published.py"))["build"]
    assert (EXAMPLE / "soctrang" / "published.json").read_text("utf-8") == document_to_json(build())


def test_component_indices_stored_as_published(soctrang: HistoryStore) -> None:
    for row in _table("component_indices_2016_2021")["rows"]:
        for year, value in row["values"].items():
            stored = soctrang.load_year(int(year), "soctrang-001-components")[0].figure("soc-trang", row["stt"])
            assert (None if stored is None else str(stored.index)) == value


def _checks(store: HistoryStore) -> dict[tuple[str, int], object]:
    plan = read_plan(EXAMPLE / "soctrang-targets.toml")
    return {(c.target.kind, c.year): c for c in check_targets(store, plan, years=YEARS)}


def test_top_15_and_rank_improvement(soctrang: HistoryStore) -> None:
    checks = _checks(soctrang)
    ranks = {2016: 49, 2021: 18}  # seed 001 line 119
    ranks[2020] = int(next(f for f in SOURCE["figures"] if f["id"] == "rank_2020_and_2021_reported")["values"]["2020"].split("/")[0])
    for year in YEARS:
        check = checks[("top_n", year)]
        if year in ranks:
            assert check.status is (Status.PASS if ranks[year] <= 15 else Status.FAIL)
            assert f"{ranks[year]}/63" in dict(check.figures)[f"rank {year}"]
        else:
            assert check.status is Status.UNKNOWN
    assert checks[("rank_improvement", 2021)].status is Status.PASS
    assert dict(checks[("rank_improvement", 2021)].figures)["places gained"] == str(ranks[2020] - ranks[2021])
    assert "reported" in dict(checks[("rank_improvement", 2021)].figures)["rank 2020"]
    for year in (2017, 2018, 2019, 2020):
        assert checks[("rank_improvement", year)].status is Status.UNKNOWN


def test_units_average_is_unknown_without_the_province_index(soctrang: HistoryStore) -> None:
    """The overall index table is not in the seed text, so this target cannot be decided."""
    checks = _checks(soctrang)
    groups = _table("unit_group_averages_2016_2021")["rows"]
    for year in YEARS:
        check = checks[("units_average_above_province", year)]
        assert check.status is Status.UNKNOWN
        values = [Decimal(r["values"][str(year)]) for r in groups if r["values"][str(year)]]
        shown = dict(check.figures)[f"units' average {year}"]
        assert shown.startswith(f"{(sum(values) / len(values)).quantize(Decimal('0.0001'))} ")
        assert "not in the store" in dict(check.figures)[f"province index {year - 1}"]


def test_every_group_improves(soctrang: HistoryStore) -> None:
    checks = _checks(soctrang)
    groups = _table("unit_group_averages_2016_2021")["rows"]
    for year in YEARS[1:]:
        now = [(r["values"][str(year)], r["values"][str(year - 1)]) for r in groups if r["values"][str(year)]]
        failed = sum(1 for a, b in now if b is not None and Decimal(a) <= Decimal(b))
        unknown = sum(1 for _, b in now if b is None)
        expected = Status.FAIL if failed else Status.UNKNOWN if unknown else Status.PASS
        check = checks[("every_unit_improves", year)]
        assert check.status is expected, year
        assert dict(check.figures)["units not improved"] == str(failed)


def _set(pack: str, year: int, origin: Origin, figures: dict[str, str]) -> ResultSetRecord:
    return ResultSetRecord(
        pack=pack,
        version="v",
        origin=origin,
        year=year,
        units=tuple(UnitRecord(u) for u in figures),
        figures=tuple(FigureRecord(u, "", index=Decimal(v)) for u, v in figures.items()),
    )


def test_units_average_and_merged_units(tmp_path) -> None:
    store = HistoryStore.open(tmp_path / "h.sqlite", create=True)
    store.add_record(_set("prov", 2024, Origin.PUBLISHED, {"p": "80.00"}))
    store.add_record(_set("units", 2024, Origin.SCORED, {"a": "70.00", "b": "90.00", "c": "85.00"}))
    store.add_record(_set("units", 2025, Origin.SCORED, {"ab": "82.00", "c": "79.50"}))
    store.add_lineage([LineageEvent(EventKind.MERGED, dt.date(2025, 7, 1), ("a", "b"), ("ab",))])
    plan = TargetPlan("t", "p", ("prov",), ("units",), (UnitsAverageAboveProvince(), TopN(5)))
    average, top = check_targets(store, plan, years=[2025])
    assert average.status is Status.PASS  # (82.00 + 79.50) / 2 = 80.75 > 80.00
    assert "80.7500 (unweighted mean of 2 units)" in dict(average.figures)["units' average 2025"]
    assert top.status is Status.UNKNOWN

    def every_unit(aggregate: Aggregate):
        target = EveryUnitImproves(aggregate=aggregate)
        return check_targets(store, attrs.evolve(plan, targets=(target,)), years=[2025])[0]

    plain = every_unit(Aggregate.NONE)
    assert plain.status is Status.FAIL
    assert plain.detail == (
        "not improved: c 85.00 → 79.50 (-5.50)",
        "unknown: ab 82.00 vs [a: 70.00; b: 90.00] — no aggregate method chosen: "
        "predecessors shown side by side",
    )
    mean = every_unit(Aggregate.MEAN)
    assert dict(mean.figures) == {
        "units improved": "1",  # ab: 82.00 > mean(70.00, 90.00) = 80.00
        "units not improved": "1",
        "units without comparison": "0",
    }
    pooled = every_unit(Aggregate.POOLED)  # published-style figures carry no points
    assert "pooled: a predecessor has no points or maximum" in pooled.detail[1]
