"""Result sets as the store holds them: identity and scales, units, exact figures.

Values are stored as scaled integers, never floats: points and maxima in ticks
(10**-point_decimals), the index scaled by 10**index_decimals, with both
scales kept on the result set, so every figure reads back exactly.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from parindex.compiled import ROOT
from parindex.history.mapping import PackRef
from parindex.history.records import (
    FigureRecord,
    Origin,
    ResultSetRecord,
    UnitRecord,
    origin_named,
)
from parindex.labels import stage_named
from parindex.messages import Found, text
from parindex.results import UNRANKED, Results


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
            origin=origin_named(self.origin),
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


def result_stages(results: Results) -> tuple[str, ...]:
    """The result sets of ``results``: the final scores, then each stage view in pack order."""
    return ("final", *sorted(results.stages, key=results.pack.stages.index))


def result_set_record(
    results: Results,
    stage: str,
    year: int | None,
    units: tuple[UnitRecord, ...] = (),
    figures: tuple[FigureRecord, ...] = (),
) -> ResultSetRecord:
    """The result set of ``stage`` ("final" or a stage view) as a record: identity, scales
    and note (a SYNTHETIC pack and a partial view say so), with ``units`` and ``figures``."""
    from parindex import __version__

    pack = results.pack
    note = "SYNTHETIC pack: not an official result" if pack.synthetic else ""
    if results.is_partial:  # issue 14: what the figures cover travels with them
        note = "; ".join(part for part in (note, results.coverage.line()) if part)
    return ResultSetRecord(
        pack=pack.id,
        version=pack.version,
        origin=Origin.SCORED,
        year=year,
        stage=stage,
        source=f"parindex {__version__}",
        note=note,
        point_decimals=pack.point_decimals,
        index_decimals=pack.rounding.decimals,
        rounding_mode=pack.rounding.mode,
        units=units,
        figures=figures,
    )


def unit_records(results: Results) -> tuple[UnitRecord, ...]:
    return tuple(UnitRecord(u.id, u.name, u.group) for u in results.units)


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
        for unit, code, points, maximum, index, grade, rank, ranked_of, _ in FigureRows(
            results, stage
        )
    )
    return unit_records(results), figures


#: Units whose rows are built at once (a few MB of Python objects with a 150-node pack).
ROW_BLOCK_UNITS = 256


@attrs.frozen
class FigureRows:
    """The stored rows of one result set, built from the result arrays a block of units
    at a time whenever they are iterated: ``(unit, code, points, maximum, index, grade,
    rank, ranked_of, position)``, points and maxima in ticks, the index scaled by the
    rounding rule's places (None where the maximum is 0), ranks on the root only. Two
    sets of 10⁴ units × 147 nodes are 2.9 million rows: held as tuples they took gigabytes,
    streamed to the store they take a block."""

    results: Results
    stage: str | None

    def __len__(self) -> int:
        return len(self.results.units) * self.results.compiled.n_nodes

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        for block in self.blocks():
            yield from map(tuple, block.tolist())

    def blocks(self) -> Iterator[npt.NDArray[np.object_]]:
        """The rows a block of units at a time, as an object matrix (one row per figure)."""
        results = self.results
        units, codes = results.units, results.compiled.codes
        n_nodes = len(codes)
        scores = results.scores(self.stage)
        labels = np.array([*results.pack.classification.labels, None], dtype=object)
        ranks = scores.rank
        ranked_of = results.ranked_of(self.stage)
        ids = np.array([unit.id for unit in units], dtype=object)
        code_column = np.array(codes, dtype=object)
        for start in range(0, len(units), ROW_BLOCK_UNITS):
            stop = min(start + ROW_BLOCK_UNITS, len(units))
            count = (stop - start) * n_nodes
            block = np.empty((count, 9), dtype=object)
            block[:, 0] = np.repeat(ids[start:stop], n_nodes)
            block[:, 1] = np.tile(code_column, stop - start)
            maximum = np.asarray(scores.maxima(start, stop)).reshape(-1)
            block[:, 2] = scores.points[start:stop].reshape(-1).tolist()
            block[:, 3] = maximum.tolist()
            block[:, 4] = scores.index[start:stop].reshape(-1).tolist()
            block[maximum == 0, 4] = None
            block[:, 5] = labels[scores.grade[start:stop].reshape(-1)]  # NO_GRADE (-1): None
            rank = np.full((stop - start, n_nodes), None, dtype=object)
            of = np.full((stop - start, n_nodes), None, dtype=object)
            ranked = ranks[start:stop] != UNRANKED
            rank[ranked, ROOT] = ranks[start:stop][ranked].tolist()
            of[ranked, ROOT] = ranked_of[start:stop][ranked].tolist()
            block[:, 6] = rank.reshape(-1)
            block[:, 7] = of.reshape(-1)
            block[:, 8] = range(start * n_nodes, start * n_nodes + count)
            yield block
