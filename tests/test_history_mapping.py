"""Results of different packs are compared only through an explicit version mapping."""

from __future__ import annotations

import tomllib

import attrs
import pytest

import parindex
from parindex.history import (
    CodeLink,
    HistoryStore,
    LinkKind,
    PackRef,
    VersionMapping,
    identity_mapping,
    mapping_from_document,
    mapping_to_document,
    year_over_year,
)
from parindex.synthetic import synthetic_input

#: These tests read the English wording of rows, notes and figures.
pytestmark = pytest.mark.usefixtures("english")

OLD = PackRef("old-pack", "1")
NEW = PackRef("synthetic-commune", "synthetic-1")


@pytest.fixture
def two_versions(tmp_path, commune) -> tuple[HistoryStore, parindex.Results, parindex.Results]:
    """2023 stored as if scored with an older pack version; 2024 with the current one."""
    store = HistoryStore.open(tmp_path / "h.sqlite", create=True)
    before = parindex.score(commune, synthetic_input(commune, 8, seed=5))
    after = parindex.score(commune, synthetic_input(commune, 8, seed=6))
    old_id = store.add_results(before, 2023)
    record = attrs.evolve(store.load(old_id).to_record(), pack=OLD.pack, version=OLD.version)
    store.delete_set(old_id)
    store.add_record(record)
    store.add_results(after, 2024)
    return store, before, after


def test_no_mapping_no_comparison(two_versions) -> None:
    store, _, _ = two_versions
    report = year_over_year(store, NEW.pack, 2024, codes=["", "1"])
    for row in report.rows:
        assert row.index_change is None
        assert "no mapping old-pack (1) → synthetic-commune (synthetic-1)" in row.predecessors[0].note


def test_identity_mapping_allows_comparison(two_versions, commune) -> None:
    store, before, after = two_versions
    mapping = identity_mapping(OLD, NEW, commune.codes)
    report = year_over_year(store, NEW.pack, 2024, codes=["", "2"], mappings=[mapping])
    for row in report.rows:
        assert row.index_change == after.index(row.unit, row.code) - before.index(row.unit, row.code)


def test_merged_and_new_codes(two_versions) -> None:
    store, before, _ = two_versions
    mapping = VersionMapping(
        OLD,
        NEW,
        (
            CodeLink(LinkKind.MERGED, ("1", "2"), ("1",)),
            CodeLink(LinkKind.NEW, (), ("2",)),
            CodeLink(LinkKind.ONE_TO_ONE, ("",), ("",)),
        ),
    )
    report = year_over_year(store, NEW.pack, 2024, codes=["1", "2", "3"], mappings=[mapping])
    unit = before.unit_ids[0]
    rows = {row.code: row for row in report.rows if row.unit == unit}
    assert [(p.code, p.index) for p in rows["1"].predecessors] == [
        ("1", before.index(unit, "1")),
        ("2", before.index(unit, "2")),
    ]
    assert rows["1"].index_change is None and "side by side" in rows["1"].note
    assert "no counterpart" in rows["2"].predecessors[0].note
    assert "no counterpart" in rows["3"].predecessors[0].note  # unmapped: refused, not guessed


def test_mapping_validation() -> None:
    with pytest.raises(parindex.ParIndexError, match="needs at least 2 old"):
        VersionMapping(OLD, NEW, (CodeLink(LinkKind.MERGED, ("1",), ("1",)),))
    with pytest.raises(parindex.ParIndexError, match="old code “1” appears in two links"):
        VersionMapping(
            OLD,
            NEW,
            (CodeLink(LinkKind.ONE_TO_ONE, ("1",), ("1",)), CodeLink(LinkKind.DROPPED, ("1",))),
        )


def test_mapping_toml_round_trip() -> None:
    text = """
note = "QĐ 1150 → QĐ 1149 (illustration)"
[from]
pack = "old-pack"
version = "1"
[to]
pack = "synthetic-commune"
version = "synthetic-1"
[[links]]
kind = "split"
old = ["3"]
new = ["3", "4"]
[[links]]
kind = "dropped"
old = ["9"]
"""
    mapping = mapping_from_document(tomllib.loads(text))
    assert mapping.old_codes_for("4") == ("3",)
    assert mapping.link_for_old("9").kind is LinkKind.DROPPED
    assert mapping_from_document(mapping_to_document(mapping)) == mapping
    with pytest.raises(parindex.ParIndexError, match="kind"):
        mapping_from_document({**tomllib.loads(text), "links": [{"kind": "renumbered"}]})


def test_a_packs_declared_mapping_becomes_a_version_mapping() -> None:
    import parindex
    from parindex.history.mapping import PackRef, mapping_from_pack

    later = parindex.get_pack("bnv-province-2020")
    earlier = parindex.get_pack("bnv-province-1150-2019")
    mapping = mapping_from_pack(later, earlier)
    assert mapping.covers(PackRef(earlier.id, earlier.version), PackRef(later.id, later.version))
    declared = {(m.from_codes, m.to_codes) for m in later.mappings}
    assert {(link.old, link.new) for link in mapping.links} == declared
    assert mapping.old_codes_for("") is None  # the total is comparable only if the pack says so
    with pytest.raises(parindex.ParIndexError, match="declares no mapping"):
        mapping_from_pack(earlier, later)
