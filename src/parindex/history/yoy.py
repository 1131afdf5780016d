"""Year over year: change in index and rank per unit and field, following lineage.

A unit is compared with its own previous result only when it kept its id (or
was renamed, by a recorded event). Merged or split units show every
predecessor's result side by side; a single "previous" figure for them exists
only when an aggregate method is chosen, and the row states that method.
Results of a different pack (id or version) are compared only through an
explicit :class:`~parindex.history.mapping.VersionMapping`. Names never match.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from decimal import Decimal, localcontext

import attrs

from parindex.errors import ParIndexError
from parindex.fixedpoint import quantize_decimal
from parindex.history.lineage import Lineage
from parindex.history.mapping import PackRef, VersionMapping
from parindex.history.problems import criterion_text
from parindex.history.records import FigureRecord
from parindex.history.store import HistoryStore, StoredSet
from parindex.messages import Found, msg, text

#: The stage of the final view: what a stored set of scored results is by default.
FINAL = "final"


class Aggregate(enum.Enum):
    """How several predecessors' results become one figure (only on request)."""

    NONE = "none"
    #: Unweighted arithmetic mean of the predecessors' indices.
    MEAN = "mean"
    #: Σ points / Σ maximum × 100 over the predecessors (same point scale required).
    POOLED = "pooled"

    def describe(self, n: int) -> str:
        """How the previous figure was made, in the reader's language."""
        return text(f"history.aggregate_{self.value}", count=n)


@attrs.frozen
class Predecessor:
    """A previous-year figure shown beside the unit (or why there is none)."""

    unit: str
    name: str
    code: str
    set_id: int | None
    origin: str
    index: Decimal | None
    rank: int | None
    ranked_of: int | None
    points: Decimal | None = None
    maximum: Decimal | None = None
    note: str = ""


@attrs.frozen
class YoyRow:
    unit: str
    name: str
    code: str
    year: int
    previous_year: int
    index: Decimal | None
    rank: int | None
    ranked_of: int | None
    #: "same", "renamed", "merged", "split" (or a "+" chain of them), or "none".
    relation: str
    events: tuple[str, ...]
    predecessors: tuple[Predecessor, ...]
    #: The figure the change is measured against, and what it is ("" when it is
    #: simply the unit's own previous result).
    previous_index: Decimal | None
    basis: str
    index_change: Decimal | None
    #: Places gained (positive = better), only for a unit compared with itself.
    rank_change: int | None
    note: str = ""


def aggregate_predecessors(
    predecessors: Sequence[Predecessor], method: Aggregate, decimals: int, mode: str = "half_up"
) -> tuple[Decimal | None, str]:
    """The aggregate of predecessors' figures by ``method``, or None with the reason;
    rounded to ``decimals`` in ``mode`` (the current set's rounding rule)."""
    if method is Aggregate.NONE:
        return None, text("history.no_aggregate")
    if not predecessors or any(p.index is None for p in predecessors):
        return None, text("history.aggregate_no_index", method=method.value)
    n = len(predecessors)
    if method is Aggregate.MEAN:
        with localcontext() as ctx:
            ctx.prec = 60
            total = sum((p.index for p in predecessors if p.index is not None), Decimal(0))
            return quantize_decimal(total / n, decimals, mode), method.describe(n)
    if any(p.points is None or p.maximum is None for p in predecessors):
        return None, text("history.pooled_no_points")
    points = sum((p.points for p in predecessors if p.points is not None), Decimal(0))
    maximum = sum((p.maximum for p in predecessors if p.maximum is not None), Decimal(0))
    if maximum == 0:
        return None, text("history.pooled_zero_maximum")
    with localcontext() as ctx:
        ctx.prec = 60
        return quantize_decimal(points * 100 / maximum, decimals, mode), method.describe(n)


class YearComparer:
    """Finds previous-year figures for units of a stored set, following lineage and mappings."""

    def __init__(
        self,
        store: HistoryStore,
        *,
        lineage: Lineage | None = None,
        mappings: Sequence[VersionMapping] = (),
        aggregate: Aggregate = Aggregate.NONE,
    ) -> None:
        self.store = store
        self.lineage = lineage if lineage is not None else store.lineage()
        self.mappings = tuple(mappings)
        self.aggregate = aggregate
        self._years: dict[int, list[StoredSet]] = {}

    def sets_of(self, year: int) -> list[StoredSet]:
        if year not in self._years:
            self._years[year] = self.store.load_year(year)
        return self._years[year]

    def mapping(self, source: PackRef, target: PackRef) -> VersionMapping | None:
        return next((m for m in self.mappings if m.covers(source, target)), None)

    def _holder(self, current: StoredSet, unit: str, previous_year: int) -> StoredSet | None:
        """The previous-year set holding ``unit``: same pack preferred, never ambiguous."""
        holders = [
            s
            for s in self.sets_of(previous_year)
            if s.info.stage == current.info.stage and unit in s.unit_ids()
        ]
        same = [s for s in holders if s.info.pack_ref == current.info.pack_ref]
        chosen = same or holders
        if len(chosen) > 1:
            raise ParIndexError(
                "history.unit_in_several_sets",
                unit=Found(unit),
                year=str(previous_year),
                sets=[s.info.describe() for s in chosen],
            )
        return chosen[0] if chosen else None

    def _predecessor(
        self, current: StoredSet, unit: str, code: str, previous_year: int
    ) -> list[Predecessor]:
        holder = self._holder(current, unit, previous_year)
        if holder is None:
            return [
                Predecessor(
                    unit,
                    "",
                    code,
                    None,
                    "",
                    None,
                    None,
                    None,
                    note=text("history.no_result_in", year=str(previous_year)),
                )
            ]
        ref, target = holder.info.pack_ref, current.info.pack_ref
        if ref == target:
            codes: tuple[str, ...] = (code,)
            note = ""
        else:
            mapping = self.mapping(ref, target)

            def not_compared(note: str) -> list[Predecessor]:
                return [
                    Predecessor(
                        unit,
                        holder.unit_name(unit),
                        code,
                        holder.info.id,
                        holder.info.origin.value,
                        None,
                        None,
                        None,
                        note=note,
                    )
                ]

            if mapping is None:
                return not_compared(text("history.no_mapping", source=str(ref), target=str(target)))
            old = mapping.old_codes_for(code)
            if old is None or not old:
                return not_compared(
                    text("history.no_counterpart", criterion=criterion_text(code), source=str(ref))
                )
            codes = old
            note = "" if old == (code,) else text("history.mapped_from", source=str(ref))
        found = []
        for old_code in codes:
            figure: FigureRecord | None = holder.figure(unit, old_code)
            found.append(
                Predecessor(
                    unit=unit,
                    name=holder.unit_name(unit),
                    code=old_code,
                    set_id=holder.info.id,
                    origin=holder.info.origin.value,
                    index=None if figure is None else figure.index,
                    rank=None if figure is None or old_code != "" else figure.rank,
                    ranked_of=None if figure is None or old_code != "" else figure.ranked_of,
                    points=None if figure is None else figure.points,
                    maximum=None if figure is None else figure.maximum,
                    note=note
                    if figure is not None
                    else text("history.no_figure_for", criterion=criterion_text(old_code)),
                )
            )
        return found

    def compare(self, current: StoredSet, unit: str, code: str, previous_year: int) -> YoyRow:
        year = current.info.year
        ancestry = self.lineage.ancestry(unit, year, previous_year)
        predecessors: list[Predecessor] = []
        for ancestor in ancestry.ancestors:
            predecessors.extend(self._predecessor(current, ancestor, code, previous_year))
        figure = current.figure(unit, code)
        index = None if figure is None else figure.index
        rank = None if figure is None else figure.rank
        ranked_of = None if figure is None else figure.ranked_of
        usable = [p for p in predecessors if p.set_id is not None and p.index is not None]
        previous_index: Decimal | None = None
        rank_change: int | None = None
        basis, note = "", ""
        held = [p for p in predecessors if p.set_id is not None]
        own = ancestry.one_to_one and len(predecessors) == 1 and len(held) == 1
        if own and rank is not None and held[0].rank is not None:
            rank_change = held[0].rank - rank
        if own and usable:
            previous_index = usable[0].index
            basis = "" if ancestry.unchanged else text("history.own_renamed")
        elif not ancestry.one_to_one:
            previous_index, basis = aggregate_predecessors(
                predecessors,
                self.aggregate,
                current.info.index_decimals,
                current.info.rounding_mode,
            )
        elif not usable:
            note = (
                predecessors[0].note
                if predecessors
                else text("history.no_result_in", year=str(previous_year))
            )
        else:
            note = text("history.maps_to_several")
        change = None if index is None or previous_index is None else index - previous_index
        return YoyRow(
            unit=unit,
            name=current.unit_name(unit),
            code=code,
            year=year,
            previous_year=previous_year,
            index=index,
            rank=rank,
            ranked_of=ranked_of,
            relation=ancestry.relation() if held or ancestry.events else "none",
            events=tuple(event.describe() for event in ancestry.events),
            predecessors=tuple(predecessors),
            previous_index=previous_index,
            basis=basis,
            index_change=change,
            rank_change=rank_change,
            note=note,
        )


@attrs.frozen
class YoyReport:
    current: StoredSet
    previous_year: int
    rows: tuple[YoyRow, ...]


def select_set(
    store: HistoryStore,
    year: int,
    pack: str,
    *,
    stage: str | None = FINAL,
    version: str | None = None,
    origin: str | None = None,
    label: str | None = None,
) -> StoredSet:
    """Exactly one stored set of ``pack`` for ``year`` and ``stage`` (the final view by
    default; None: any), narrowed by version, origin and label."""
    candidates = [
        info
        for info in store.sets(year, pack)
        if (stage is None or info.stage == stage)
        and (version is None or info.version == version)
        and (origin is None or info.origin.value == origin)
        and (label is None or info.label == label)
    ]
    if not candidates:
        stages = sorted({info.stage for info in store.sets(year, pack)})
        raise ParIndexError(
            "history.no_set_for",
            pack=pack,
            year=str(year),
            stage=stage or "*",
            store=store.location,
            stages=msg("history.stages_stored", stages=stages) if stages else "",
        )
    if len(candidates) > 1:
        raise ParIndexError(
            "history.several_sets",
            count=len(candidates),
            pack=pack,
            year=str(year),
            sets=[info.describe() for info in candidates],
        )
    return store.load(candidates[0].id)


def default_codes(stored: StoredSet) -> tuple[str, ...]:
    """The whole index and the fields (codes without a dot)."""
    return tuple(code for code in stored.codes() if "." not in code)


def year_over_year(
    store: HistoryStore,
    pack: str,
    year: int,
    *,
    previous_year: int | None = None,
    stage: str | None = FINAL,
    version: str | None = None,
    origin: str | None = None,
    label: str | None = None,
    codes: Sequence[str] | None = None,
    units: Sequence[str] | None = None,
    mappings: Sequence[VersionMapping] = (),
    lineage: Lineage | None = None,
    aggregate: Aggregate = Aggregate.NONE,
) -> YoyReport:
    """Compare every unit of one stored set with its predecessors' results of ``previous_year``.

    The set is the final view of ``pack`` for ``year`` unless ``stage`` names
    another; the previous year's figures are those of the same stage.
    """
    current = select_set(
        store, year, pack, stage=stage, version=version, origin=origin, label=label
    )
    previous = year - 1 if previous_year is None else previous_year
    comparer = YearComparer(store, lineage=lineage, mappings=mappings, aggregate=aggregate)
    wanted_codes = tuple(codes) if codes is not None else default_codes(current)
    wanted_units = tuple(units) if units is not None else current.unit_ids()
    missing = [u for u in wanted_units if u not in current.unit_ids()]
    if missing:
        raise ParIndexError(
            "history.units_not_in_set",
            set=current.info.describe(),
            units=[Found(u) for u in missing],
        )
    rows = tuple(
        comparer.compare(current, unit, code, previous)
        for unit in wanted_units
        for code in wanted_codes
    )
    return YoyReport(current, previous, rows)
