"""Result sets as the store holds them: identity and scales, units, exact figures.

Values are stored as scaled integers, never floats: points and maxima in ticks
(10**-point_decimals), the index scaled by 10**index_decimals, with both
scales kept on the result set, so every figure reads back exactly.
"""

from __future__ import annotations

import enum
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from typing import Any

import attrs
import numpy as np

from parindex.compiled import ROOT
from parindex.history.mapping import PackRef
from parindex.history.records import FigureRecord, Origin, ResultSetRecord, UnitRecord
from parindex.labels import stage_named
from parindex.messages import Found, text
from parindex.results import NO_GRADE, UNRANKED, Results


@attrs.frozen
class ResultSetInfo:
    """A stored result set's identity and scales (without its figures)."""

    id: int
    year: int
    pack: str
    version: str
    origin: Origin
    stage: str
    label: str
    source: str
    note: str
    point_decimals: int
    index_decimals: int
    rounding_mode: str

    @property
    def pack_ref(self) -> PackRef:
        return PackRef(self.pack, self.version)

    def describe(self) -> str:
        """ "#3 2024 pack (version) scored/final [label]", in the reader's language."""
        return text(
            "history.set_described",
            id=self.id,
            year=str(self.year),
            pack=self.pack,
            version=self.version,
            origin=self.origin.value,
            stage=stage_named(self.stage),
            label=text("history.set_label", label=Found(self.label)) if self.label else "",
        )


@attrs.frozen
class StoredSet:
    """A result set read back from the store."""

    info: ResultSetInfo
    units: tuple[UnitRecord, ...]
    figures: tuple[FigureRecord, ...]
    _by_key: dict[tuple[str, str], FigureRecord] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {(f.unit, f.code): f for f in self.figures})

    def figure(self, unit: str, code: str = "") -> FigureRecord | None:
        return self._by_key.get((unit, code))

    def unit_ids(self) -> tuple[str, ...]:
        return tuple(unit.id for unit in self.units)

    def unit_name(self, unit: str) -> str:
        return next((u.name for u in self.units if u.id == unit), "")

    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.code for f in self.figures))

    def to_record(self) -> ResultSetRecord:
        info = self.info
        return ResultSetRecord(
            pack=info.pack,
            version=info.version,
            origin=info.origin,
            year=info.year,
            stage=info.stage,
            label=info.label,
            source=info.source,
            note=info.note,
            point_decimals=info.point_decimals,
            index_decimals=info.index_decimals,
            rounding_mode=info.rounding_mode,
            units=self.units,
            figures=self.figures,
        )


#: Stored integers are 64-bit: a scaled figure must stay below this in magnitude.
INT64_LIMIT = 2**63
#: Arithmetic that never rounds: scaling a figure keeps every digit it has.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
#: 10**19 > 2**63: a figure this many digits long (after scaling) is never stored.
_INT64_DIGITS = 19


class NotStorable(enum.Enum):
    """Why a figure cannot be stored as a scaled integer."""

    TOO_MANY_DECIMALS = "history.too_many_decimals"
    TOO_LARGE = "history.too_large"


def scaled_exactly(value: Decimal, decimals: int) -> int | NotStorable:
    """``value`` × 10**decimals as a 64-bit integer, exactly; or why it cannot be one."""
    if not value.is_zero() and value.adjusted() + decimals >= _INT64_DIGITS:
        return NotStorable.TOO_LARGE
    shifted = value.scaleb(decimals, context=_EXACT)
    whole = int(shifted)
    if shifted != whole:
        return NotStorable.TOO_MANY_DECIMALS
    return whole if abs(whole) < INT64_LIMIT else NotStorable.TOO_LARGE


def unscaled(value: int | None, decimals: int) -> Decimal | None:
    return None if value is None else Decimal(int(value)).scaleb(-decimals)


def records_from_results(
    results: Results, stage: str | None = None
) -> tuple[tuple[UnitRecord, ...], tuple[FigureRecord, ...]]:
    """Every unit and node of ``results`` as exact figure records (ranks on the root)."""
    point_d, index_d = results.pack.point_decimals, results.pack.rounding.decimals
    figures = tuple(
        FigureRecord(
            unit=unit,
            code=code,
            points=unscaled(points, point_d),
            maximum=unscaled(maximum, point_d),
            index=unscaled(index, index_d),
            grade=grade,
            rank=rank,
            ranked_of=ranked_of,
        )
        for unit, code, points, maximum, index, grade, rank, ranked_of, _ in rows_from_results(
            results, stage
        )
    )
    units = tuple(UnitRecord(u.id, u.name, u.group) for u in results.units)
    return units, figures


def rows_from_results(results: Results, stage: str | None) -> list[tuple[Any, ...]]:
    """Figure rows straight from the exact arrays (ticks, scaled index), without Decimal."""
    units, figures = results.units, results.compiled.codes
    scores = results.scores(stage)
    maximum = np.asarray(scores.unit_maximum()).tolist()
    points = scores.points.tolist()
    index = scores.index.tolist()
    grades = scores.grade.tolist()
    labels = results.pack.classification.labels
    ranks = scores.rank.tolist()
    ranked_in_group: dict[str, int] = {}
    for unit, rank in zip(units, ranks, strict=True):
        ranked_in_group[unit.group] = ranked_in_group.get(unit.group, 0) + int(rank != UNRANKED)
    rows: list[tuple[Any, ...]] = []
    position = 0
    for row, unit in enumerate(units):
        for node, code in enumerate(figures):
            rank = ranks[row] if node == ROOT else UNRANKED
            grade = grades[row][node]
            rows.append(
                (
                    unit.id,
                    code,
                    points[row][node],
                    maximum[row][node],
                    index[row][node] if maximum[row][node] != 0 else None,
                    None if grade == NO_GRADE else labels[grade],
                    None if rank == UNRANKED else rank,
                    None if rank == UNRANKED else ranked_in_group[unit.group],
                    position,
                )
            )
            position += 1
    return rows
