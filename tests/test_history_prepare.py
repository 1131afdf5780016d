"""``history import PACK INPUT...`` prepares the sets from the result arrays: the same
sets, rows and problems as importing the results document of the same results
(``score -o kq.json`` then ``history import kq.json``), which builds and checks a Decimal
record per figure."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parindex
import parindex.testing as pt
from parindex.history import checks
from parindex.history.importing import PreparedSets, prepare_records, prepare_results
from parindex.history.problems import HistoryImportError
from parindex.history.store import HistoryStore
from parindex.history.stored import FigureRows
from parindex.io.results_out import results_document
from parindex.results import Results
from parindex.synthetic import synthetic_input


def by_document(results: Results, year: int | None, label: str | None = None) -> PreparedSets:
    """The sets as the document path prepares them (the implementation before)."""
    return prepare_records(results_document(results, year).sets, year=year, label=label)


def assert_same_sets(new: PreparedSets, old: PreparedSets) -> None:
    assert len(new.sets) == len(old.sets)
    for (record, year, rows), (old_record, old_year, old_rows) in zip(new.sets, old.sets, strict=True):
        assert record == attrs.evolve(old_record, figures=record.figures)
        assert year == old_year
        assert list(rows) == list(old_rows)


def assert_same_store(new: PreparedSets, old: PreparedSets, folder: Path) -> None:
    loaded = []
    for name, prepared in (("new", new), ("old", old)):
        with HistoryStore.open(folder / f"{name}.sqlite", create=True) as store:
            ids = store.add_prepared(prepared)
            loaded.append([store.load(set_id) for set_id in ids])
    assert loaded[0] == loaded[1]


@st.composite
def random_results(draw: st.DrawFn) -> Results:
    compiled = parindex.compile_pack(draw(pt.packs(max_depth=3, max_children=3)))
    return parindex.score(compiled, draw(pt.scoring_inputs(compiled, max_units=6)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(results=random_results(), year=st.integers(2000, 2030), label=st.sampled_from([None, "", "vòng 2"]))
def test_random_results_give_the_same_sets_as_their_document(
    results: Results, year: int, label: str | None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    try:
        old = by_document(results, year, label)
    except HistoryImportError as refused:  # e.g. a negative index no installed pack allows
        with pytest.raises(HistoryImportError) as caught:
            prepare_results(results, year=year, label=label)
        assert [p.render() for p in caught.value.problems] == [p.render() for p in refused.problems]
        return
    new = prepare_results(results, year=year, label=label)
    assert_same_sets(new, old)
    assert_same_store(new, old, tmp_path_factory.mktemp("stores"))


def test_an_installed_pack_is_prepared_from_the_arrays_and_stored_the_same(tmp_path: Path) -> None:
    compiled = parindex.compile_pack(parindex.get_pack("synthetic-commune"))
    results = parindex.score(compiled, synthetic_input(compiled, 300))
    assert checks.installed_bounds("synthetic-commune", compiled.pack.version) is not None
    new = prepare_results(results, year=2024)
    assert all(isinstance(rows, FigureRows) for _, _, rows in new.sets)  # no record per figure
    old = by_document(results, 2024)
    assert_same_sets(new, old)
    assert_same_store(new, old, tmp_path)


def test_a_figure_the_installed_pack_refuses_is_named_as_the_document_import_names_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A pack file that claims the installed pack's id and version but gives criterion 1.1
    # a larger maximum: the installed pack bounds the figures, and both paths refuse them.
    pack = parindex.get_pack("synthetic-commune")
    compiled = parindex.compile_pack(pack)
    results = parindex.score(compiled, synthetic_input(compiled, 5))
    bounds = checks.PackBounds.from_pack(pack)
    smaller = {**bounds.maximum, "1.1": bounds.maximum["1.1"] - Decimal("0.5")}
    monkeypatch.setattr(checks, "installed_bounds", lambda *_: attrs.evolve(bounds, maximum=smaller))
    with pytest.raises(HistoryImportError) as new:
        prepare_results(results, year=2024)
    with pytest.raises(HistoryImportError) as old:
        by_document(results, 2024)
    assert [p.render() for p in new.value.problems] == [p.render() for p in old.value.problems]
    assert any("1.1" in p.render() for p in new.value.problems)


def test_set_problems_are_the_same_too() -> None:
    compiled = parindex.compile_pack(parindex.get_pack("synthetic-commune"))
    results = parindex.score(compiled, synthetic_input(compiled, 3))
    for year in (None, 1800, 20245):  # no year, years no result set may have
        found = []
        for prepare in (prepare_results, by_document):
            with pytest.raises(HistoryImportError) as caught:
                prepare(results, year=year)
            found.append([p.render() for p in caught.value.problems])
        assert found[0] == found[1] and len(found[0]) == 2  # the final set and the self view
