"""The previous year's figures a report compares with, and where they came from.

Two sources: the previous year's :class:`~parindex.results.Results` (same pack
id and version, units matched by id), or a history store, where
:class:`~parindex.history.yoy.YearComparer` follows unit lineage and version
mappings. Nothing is guessed: a unit without a comparable previous figure gets
no change, with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from parindex.errors import ParIndexError
from parindex.history.lineage import Lineage
from parindex.history.mapping import VersionMapping
from parindex.history.records import Origin
from parindex.history.store import HistoryStore, ResultSetInfo, StoredSet, records_from_results
from parindex.history.yoy import Aggregate, YearComparer
from parindex.results import Results


@attrs.frozen
class UnitChange:
    """One unit against the previous year; ``rank_change`` is places gained."""

    previous_index: Decimal | None
    previous_rank: int | None
    index_change: Decimal | None
    rank_change: int | None
    note: str = ""


@attrs.frozen
class PreviousYear:
    """Changes per current unit id, labelled with the year and the source they rest on."""

    label: str
    source: str
    changes: Mapping[str, UnitChange]


def _check_same_pack(results: Results, previous: Results) -> None:
    here, there = results.pack, previous.pack
    if (here.id, here.version) != (there.id, there.version):
        raise ParIndexError(
            "report.previous_other_pack",
            pack=there.id,
            version=there.version,
            this_pack=here.id,
            this_version=here.version,
        )


def compare_with_results(
    results: Results,
    previous: Results,
    *,
    label: str = "",
    stage: str | None = None,
) -> PreviousYear:
    """Match units by id; a unit missing there, or ranked in another group, gets no rank change."""
    _check_same_pack(results, previous)
    known = {u.id: u for u in previous.units}
    changes: dict[str, UnitChange] = {}
    for unit in results.units:
        old = known.get(unit.id)
        if old is None:
            changes[unit.id] = UnitChange(None, None, None, None, "no previous result")
            continue
        index, before = results.index(unit.id, stage=stage), previous.index(unit.id, stage=stage)
        rank, before_rank = results.rank(unit.id, stage=stage), previous.rank(unit.id, stage=stage)
        same_group = old.group == unit.group
        changes[unit.id] = UnitChange(
            previous_index=before,
            previous_rank=before_rank if same_group else None,
            index_change=None if index is None or before is None else index - before,
            rank_change=(
                before_rank - rank
                if same_group and rank is not None and before_rank is not None
                else None
            ),
            note="" if same_group else f"ranked in group {old.group!r} before",
        )
    source = f"{previous.pack.id} ({previous.pack.version}), {len(previous.units)} units"
    return PreviousYear(label=label, source=source, changes=changes)


def current_set(results: Results, year: int, stage: str | None = None) -> StoredSet:
    """The current results as an (unstored) set, so the history comparer can read them."""
    pack = results.pack
    units, figures = records_from_results(results, stage)
    info = ResultSetInfo(
        id=0,
        year=year,
        pack=pack.id,
        version=pack.version,
        origin=Origin.SCORED,
        stage=stage or "final",
        label="",
        source="",
        note="",
        point_decimals=pack.point_decimals,
        index_decimals=pack.rounding.decimals,
        rounding_mode=pack.rounding.mode,
    )
    return StoredSet(info, units, tuple(f for f in figures if f.code == ""))


def compare_with_store(
    results: Results,
    store: HistoryStore,
    year: int,
    *,
    previous_year: int | None = None,
    stage: str | None = None,
    lineage: Lineage | None = None,
    mappings: Sequence[VersionMapping] = (),
    aggregate: Aggregate = Aggregate.NONE,
    source: str = "",
) -> PreviousYear:
    """Compare with the store's results of ``previous_year`` (default ``year - 1``)."""
    before = year - 1 if previous_year is None else previous_year
    if not store.sets(before):
        raise ParIndexError("report.no_previous_results", year=str(before))
    current = current_set(results, year, stage)
    comparer = YearComparer(store, lineage=lineage, mappings=mappings, aggregate=aggregate)
    changes: dict[str, UnitChange] = {}
    for unit in results.unit_ids:
        row = comparer.compare(current, unit, "", before)
        own = [p for p in row.predecessors if p.set_id is not None]
        changes[unit] = UnitChange(
            previous_index=row.previous_index,
            previous_rank=own[0].rank if len(own) == 1 and row.rank_change is not None else None,
            index_change=row.index_change,
            rank_change=row.rank_change,
            note=row.note or ("" if row.basis == "own previous result" else row.basis),
        )
    sets = ", ".join(info.describe() for info in store.sets(before))
    return PreviousYear(label=str(before), source=source or sets, changes=changes)
