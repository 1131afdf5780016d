"""Lineage: mergers and splits are followed explicitly; units are never matched by name."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from history_support import store, store_target  # noqa: F401 - fixtures

import parindex
from parindex.history import (
    Aggregate,
    EventKind,
    HistoryStore,
    Lineage,
    LineageEvent,
    year_over_year,
)
from parindex.history.lineage import lineage_from_document
from parindex.inputs import Unit, from_array
from parindex.results import Results
from parindex.synthetic import synthetic_values

#: These tests read the English wording of rows, notes and figures.
pytestmark = pytest.mark.usefixtures("english")

MERGER = dt.date(2025, 7, 1)


def _score(compiled: parindex.CompiledPack, units: list[Unit], seed: int) -> Results:
    values, na = synthetic_values(compiled, len(units), seed)
    return parindex.score(compiled, from_array(compiled, units, values, not_applicable=na))


@pytest.fixture
def communes(store: HistoryStore, commune) -> tuple[Results, Results]:
    """2024: communes a, b, c, d, e, x; 2025: a+b+c → abc, d → d1 + d2, e kept, f new.

    f carries the very name x had in 2024, to show names never match.
    """
    before = _score(
        commune,
        [Unit(u, f"Xã {u.upper()}") for u in ("a", "b", "c", "d", "e")] + [Unit("x", "Xã Hòa Bình")],
        seed=11,
    )
    after = _score(
        commune,
        [Unit("abc", "Xã ABC"), Unit("d1", "Xã D1"), Unit("d2", "Xã D2"), Unit("e", "Xã E"),
         Unit("f", "Xã Hòa Bình")],
        seed=12,
    )
    store.add_results(before, 2024)
    store.add_results(after, 2025)
    store.add_lineage(
        [
            LineageEvent(EventKind.MERGED, MERGER, ("a", "b", "c"), ("abc",), source="test resolution"),
            LineageEvent(EventKind.SPLIT, MERGER, ("d",), ("d1", "d2")),
        ]
    )
    return before, after


def _rows(store: HistoryStore, aggregate: Aggregate = Aggregate.NONE) -> dict[str, parindex.history.YoyRow]:
    report = year_over_year(store, "synthetic-commune", 2025, codes=[""], aggregate=aggregate)
    return {row.unit: row for row in report.rows}


def test_merged_unit_shows_each_predecessor_and_no_silent_aggregate(store, communes) -> None:
    before, after = communes
    row = _rows(store)["abc"]
    assert row.relation == "merged"
    assert [p.unit for p in row.predecessors] == ["a", "b", "c"]
    assert [p.index for p in row.predecessors] == [before.index(u) for u in ("a", "b", "c")]
    assert row.index == after.index("abc")
    assert row.previous_index is None and row.index_change is None and row.rank_change is None
    assert "side by side" in row.basis
    assert any("merged 01/07/2025: a, b, c → abc" in event for event in row.events)


def test_aggregates_only_with_a_stated_method(store, communes) -> None:
    before, after = communes
    mean = _rows(store, Aggregate.MEAN)["abc"]
    expected = (sum(before.index(u) for u in "abc") / 3).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert mean.previous_index == expected
    assert mean.index_change == after.index("abc") - expected
    assert "unweighted mean of 3" in mean.basis
    pooled = _rows(store, Aggregate.POOLED)["abc"]
    points = sum(before.points(u) for u in "abc")
    maximum = sum(before.maximum(u) for u in "abc")
    assert pooled.previous_index == (points * 100 / maximum).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert "Σ points / Σ maximum" in pooled.basis


def test_split_units_show_their_parent(store, communes) -> None:
    before, _ = communes
    rows = _rows(store)
    for unit in ("d1", "d2"):
        assert rows[unit].relation == "split"
        assert [(p.unit, p.index) for p in rows[unit].predecessors] == [("d", before.index("d"))]
        assert rows[unit].index_change is None


def test_unchanged_unit_compares_with_itself(store, communes) -> None:
    before, after = communes
    row = _rows(store)["e"]
    assert row.relation == "same"
    assert row.index_change == after.index("e") - before.index("e")
    assert row.rank_change == before.rank("e") - after.rank("e")


def test_units_are_never_matched_by_name(store, communes) -> None:
    before, _ = communes
    row = _rows(store)["f"]
    assert row.name == "Xã Hòa Bình" and before.units[5].name == "Xã Hòa Bình"
    assert row.relation == "none"
    assert row.previous_index is None and row.index_change is None
    assert [p.index for p in row.predecessors] == [None]
    assert "no result in 2024" in row.predecessors[0].note


def test_lineage_round_trips_through_the_store(store, communes) -> None:
    events = store.lineage().events
    assert {(e.kind, e.predecessors, e.successors) for e in events} == {
        (EventKind.MERGED, ("a", "b", "c"), ("abc",)),
        (EventKind.SPLIT, ("d",), ("d1", "d2")),
    }
    assert store.add_lineage(events) == 0  # already recorded


def test_chains_of_events_and_mergers_into_an_existing_unit() -> None:
    lineage = lineage_from_document(
        {
            "events": [
                {"kind": "renamed", "date": "2023-03-01", "predecessors": ["p"], "successors": ["q"]},
                {"kind": "merged", "date": dt.date(2025, 7, 1), "predecessors": ["q", "r"], "successors": ["q"]},
            ]
        }
    )
    assert lineage.ancestry("q", 2025, 2024).ancestors == ("q", "r")
    assert lineage.ancestry("q", 2024, 2022).ancestors == ("p",)
    assert lineage.ancestry("q", 2024, 2022).one_to_one
    assert lineage.ancestry("q", 2025, 2022).ancestors == ("p", "r")
    assert lineage.ancestry("q", 2022, 2021).unchanged


def test_malformed_events_are_refused() -> None:
    with pytest.raises(parindex.ParIndexError, match="merged needs"):
        LineageEvent(EventKind.MERGED, MERGER, ("a",), ("b",))
    with pytest.raises(parindex.ParIndexError):
        lineage_from_document({"events": [{"kind": "split", "date": "2025-07-01", "predecessors": ["a"],
                                           "successors": ["b"]}]})
    assert Lineage().ancestry("a", 2025, 2024).ancestors == ("a",)
