"""Scored results: points, maxima, index %, grade and rank per unit and node.

Arrays hold exact fixed-point integers (points in ticks, the index scaled by
10**decimals of the pack's rounding rule); accessors return ``Decimal``, so
what a report prints is exactly what ranked the units.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from parindex.compiled import ROOT, CompiledPack
from parindex.coverage import Coverage
from parindex.engines.grades import NO_GRADE as NO_GRADE  # noqa: PLC0414 (re-exported)
from parindex.errors import ParIndexError
from parindex.fixedpoint import (
    BoolArray,
    Int64Array,
    div_round,
    quantize_decimal,
    ticks_to_decimal,
)
from parindex.inputs import Override, ScoringInput, Unit
from parindex.messages import Found
from parindex.model import Pack

if TYPE_CHECKING:
    from parindex.survey.points import SurveyPoints

UNRANKED = 0


@attrs.frozen(eq=False)
class StageScores:
    """Scores computed from one stage view (e.g. self-assessment, or the final values).

    Per-unit maxima differ from the pack's only on nodes above a leaf excluded as
    "không phát sinh"; those columns are stored (``varying_nodes``,
    ``varying_maximum``) and the full units × nodes array is built on first use.
    """

    #: The stages consulted, highest priority first.
    stages_used: tuple[str, ...]
    points: npt.NDArray[np.signedinteger[Any]]
    #: The pack's maximum of each node (ticks): every unit's, outside ``varying_nodes``.
    node_maximum: Int64Array
    index: Int64Array
    grade: npt.NDArray[np.int8]
    rank: Int64Array
    limited: BoolArray | None
    missing: BoolArray
    not_applicable: BoolArray
    #: Nodes whose maximum differs between units, and their per-unit maxima (units × k).
    varying_nodes: Int64Array = attrs.field(factory=lambda: np.zeros(0, dtype=np.int64))
    varying_maximum: npt.NDArray[np.signedinteger[Any]] | None = None
    _full_maximum: list[npt.NDArray[np.signedinteger[Any]]] = attrs.field(init=False, factory=list)

    @property
    def maximum(self) -> npt.NDArray[np.signedinteger[Any]]:
        """Per-unit maxima (units × nodes), or one broadcast row when no unit's differ."""
        if self.varying_maximum is None or self.varying_nodes.size == 0:
            return self.node_maximum[None, :]
        if not self._full_maximum:
            full = np.empty(self.points.shape, dtype=self.varying_maximum.dtype)
            full[...] = self.node_maximum
            full[:, self.varying_nodes] = self.varying_maximum
            self._full_maximum.append(full)
        return self._full_maximum[0]

    def unit_maximum(self) -> Int64Array:
        return np.broadcast_to(self.maximum, self.points.shape)

    def maximum_of(self, node: int) -> npt.NDArray[np.signedinteger[Any]]:
        """Every unit's maximum of one node, without building the full array."""
        return maximum_column(
            self.node_maximum, self.varying_nodes, self.varying_maximum, node, len(self.rank)
        )

    def maxima(self, start: int, stop: int) -> Int64Array:
        """The maxima of units ``start:stop`` (rows) and every node, without the full array."""
        block = np.empty((stop - start, self.node_maximum.size), dtype=np.int64)
        block[...] = self.node_maximum
        if self.varying_maximum is not None and self.varying_nodes.size:
            block[:, self.varying_nodes] = self.varying_maximum[start:stop]
        return block


def maximum_column(
    node_maximum: Int64Array,
    varying_nodes: Int64Array,
    varying_maximum: npt.NDArray[np.signedinteger[Any]] | None,
    node: int,
    n_units: int,
) -> npt.NDArray[np.signedinteger[Any]]:
    """Every unit's maximum of ``node``: its stored column if it varies, else the pack's."""
    if varying_maximum is not None:
        found = np.flatnonzero(varying_nodes == node)
        if found.size:
            return varying_maximum[:, int(found[0])]
    return np.broadcast_to(node_maximum[node], (n_units,))


def round_ticks(ticks: npt.NDArray[np.signedinteger[Any]], pack: Pack) -> Int64Array:
    """Points in ticks rounded by the pack's rule, scaled by 10**decimals of that rule.

    The same figures as :meth:`Results.rounded_points` (exact integer rounding, no
    Decimal per value); a negative value that rounds to 0 is 0, as it is shown.
    """
    shift = pack.point_decimals - pack.rounding.decimals
    values: Int64Array = np.asarray(ticks, dtype=np.int64)
    if shift <= 0:
        scaled: Int64Array = values * 10**-shift
        return scaled
    return div_round(values, 10**shift, pack.rounding.mode)


@attrs.frozen
class NodeResult:
    """One (unit, node) row of results in plain form (rounded per the pack's rule)."""

    unit: str
    name: str
    group: str
    code: str
    title: str
    depth: int
    points: Decimal
    maximum: Decimal
    index: Decimal | None
    grade: str | None
    rank: int | None


@attrs.frozen(eq=False)
class Results:
    compiled: CompiledPack
    units: tuple[Unit, ...]
    final: StageScores
    stages: Mapping[str, StageScores]
    overrides: tuple[Override, ...]
    input: ScoringInput
    #: The survey points scored with (``score(..., survey=...)``), in the units' order.
    survey: SurveyPoints | None = None
    _positions: dict[str, int] | None = attrs.field(init=False, default=None)

    @property
    def pack(self) -> Pack:
        return self.compiled.pack

    @property
    def coverage(self) -> Coverage:
        """What these results cover of the official index; ``coverage.line(lang)`` says it."""
        return self.compiled.coverage.for_stages(self.pack, tuple(self.stages))

    @property
    def is_partial(self) -> bool:
        """True when the results cover only part of the index (see :attr:`coverage`)."""
        return self.coverage.is_partial

    @property
    def unit_ids(self) -> tuple[str, ...]:
        return tuple(unit.id for unit in self.units)

    def position(self, unit: str) -> int:
        if self._positions is None:  # built on first use: scoring need not pay for it
            object.__setattr__(self, "_positions", {u.id: i for i, u in enumerate(self.units)})
        assert self._positions is not None
        try:
            return self._positions[unit]
        except KeyError:
            raise ParIndexError("results.no_unit", unit=Found(unit)) from None

    def node(self, code: str) -> int:
        try:
            return self.compiled.node_index[code]
        except KeyError:
            raise ParIndexError("results.no_node", pack=self.pack.id, code=Found(code)) from None

    def scores(self, stage: str | None = None) -> StageScores:
        if stage is None or stage == "final":
            return self.final
        try:
            return self.stages[stage]
        except KeyError:
            raise ParIndexError(
                "results.no_stage", stage=Found(stage), stages=["final", *self.stages]
            ) from None

    # -- exact accessors ----------------------------------------------------------
    def points(self, unit: str, code: str = "", stage: str | None = None) -> Decimal:
        """Exact points (at the pack's internal precision)."""
        return self._points(self.scores(stage), self.position(unit), self.node(code))

    def maximum(self, unit: str, code: str = "", stage: str | None = None) -> Decimal:
        return self._maximum(self.scores(stage), self.position(unit), self.node(code))

    def rounded_points(self, unit: str, code: str = "", stage: str | None = None) -> Decimal:
        """Points rounded by the pack's rounding rule, as published."""
        return self._rounded(self.points(unit, code, stage))

    def index(self, unit: str, code: str = "", stage: str | None = None) -> Decimal | None:
        """Index % rounded by the pack's rule; None when the node's maximum is 0."""
        return self._index(self.scores(stage), self.position(unit), self.node(code))

    def grade(self, unit: str, code: str = "", stage: str | None = None) -> str | None:
        return self._grade(self.scores(stage), self.position(unit), self.node(code))

    def rank(self, unit: str, stage: str | None = None) -> int | None:
        value = int(self.scores(stage).rank[self.position(unit)])
        return None if value == UNRANKED else value

    def _points(self, scores: StageScores, row: int, node: int) -> Decimal:
        return ticks_to_decimal(int(scores.points[row, node]), self.pack.point_decimals)

    def _maximum(self, scores: StageScores, row: int, node: int) -> Decimal:
        value = scores.maximum_of(node)[row]
        return ticks_to_decimal(int(value), self.pack.point_decimals)

    def _rounded(self, value: Decimal) -> Decimal:
        rule = self.pack.rounding
        return quantize_decimal(value, rule.decimals, rule.mode)

    def _index(self, scores: StageScores, row: int, node: int) -> Decimal | None:
        if scores.maximum_of(node)[row] == 0:
            return None
        return Decimal(int(scores.index[row, node])).scaleb(-self.pack.rounding.decimals)

    def _grade(self, scores: StageScores, row: int, node: int) -> str | None:
        value = int(scores.grade[row, node])
        return None if value == NO_GRADE else self.pack.classification.grades[value].label

    # -- tables -------------------------------------------------------------------
    def ranking(self, stage: str | None = None, top: int | None = None) -> list[NodeResult]:
        """Total rows of every unit, by group then rank (ties in input order); ``top``: the
        first so many of them."""
        scores = self.scores(stage)
        order = self.ranking_order(stage)[:top]
        return [self._row(int(i), ROOT, scores) for i in order]

    def ranking_order(self, stage: str | None = None) -> Int64Array:
        """Unit positions in ranking order: by group, then rank (unranked last), then input."""
        scores = self.scores(stage)
        unranked_last = np.where(scores.rank == UNRANKED, np.iinfo(np.int64).max, scores.rank)
        groups = [unit.group for unit in self.units]
        number = {group: i for i, group in enumerate(sorted(set(groups)))}
        group_keys = np.array([number[group] for group in groups], dtype=np.int64)
        return np.lexsort((unranked_last, group_keys)).astype(np.int64)  # stable: input order

    def ranked_of(self, stage: str | None = None) -> Int64Array:
        """Per unit, how many units of its group are ranked (the "of 63" of "18/63")."""
        ranked = self.scores(stage).rank != UNRANKED
        groups = [unit.group for unit in self.units]
        counts: dict[str, int] = {}
        for group, is_ranked in zip(groups, ranked.tolist(), strict=True):
            counts[group] = counts.get(group, 0) + int(is_ranked)
        return np.array([counts[group] for group in groups], dtype=np.int64)

    def rows(self, stage: str | None = None, max_depth: int | None = None) -> list[NodeResult]:
        """One record per unit and node (to ``max_depth``), unit by unit: the figures of
        :meth:`_row`, read from the arrays a table at a time rather than cell by cell."""
        scores = self.scores(stage)
        compiled, pack = self.compiled, self.pack
        depth = compiled.depth
        nodes = [n for n in range(compiled.n_nodes) if max_depth is None or depth[n] <= max_depth]
        point_decimals, decimals = pack.point_decimals, pack.rounding.decimals
        points = scores.points[:, nodes]
        rounded = round_ticks(points, pack).tolist()
        maxima = scores.unit_maximum()[:, nodes].tolist()
        index = scores.index[:, nodes].tolist()
        labels = [*pack.classification.labels, None]  # NO_GRADE (-1) is the last
        grades = scores.grade[:, nodes].tolist()
        ranks = scores.rank.tolist()
        about = [(compiled.codes[n], compiled.titles[n], int(depth[n]), n == ROOT) for n in nodes]
        maximum_of: dict[int, Decimal] = {}
        records = []
        for row, unit in enumerate(self.units):
            rank = None if ranks[row] == UNRANKED else ranks[row]
            for k, (code, title, level, is_root) in enumerate(about):
                value = Decimal(rounded[row][k]).scaleb(-decimals)  # -0.001 → 0.00, no sign
                ticks = maxima[row][k]
                maximum = maximum_of.get(ticks)
                if maximum is None:
                    maximum = maximum_of[ticks] = Decimal(ticks).scaleb(-point_decimals)
                records.append(
                    NodeResult(
                        unit=unit.id,
                        name=unit.name,
                        group=unit.group,
                        code=code,
                        title=title,
                        depth=level,
                        points=value,
                        maximum=maximum,
                        index=None if ticks == 0 else Decimal(index[row][k]).scaleb(-decimals),
                        grade=labels[grades[row][k]],
                        rank=rank if is_root else None,
                    )
                )
        return records

    def _row(self, row: int, node: int, scores: StageScores) -> NodeResult:
        unit = self.units[row]
        rank = int(scores.rank[row]) if node == ROOT else UNRANKED
        return NodeResult(
            unit=unit.id,
            name=unit.name,
            group=unit.group,
            code=self.compiled.codes[node],
            title=self.compiled.titles[node],
            depth=int(self.compiled.depth[node]),
            points=self._rounded(self._points(scores, row, node)),
            maximum=self._maximum(scores, row, node),
            index=self._index(scores, row, node),
            grade=self._grade(scores, row, node),
            rank=None if rank == UNRANKED else rank,
        )

    def to_records(
        self, stage: str | None = None, max_depth: int | None = None
    ) -> list[dict[str, Any]]:
        """Plain records (one per unit and node), unstructured with cattrs."""
        from parindex.plugins import converter

        rows: list[dict[str, Any]] = converter().unstructure(self.rows(stage, max_depth))
        return rows

    def to_arrays(self, stage: str | None = None) -> dict[str, npt.NDArray[Any]]:
        """Exact arrays: points and maxima in ticks, index scaled by 10**decimals."""
        scores = self.scores(stage)
        return {
            "unit_ids": np.array(self.unit_ids, dtype=object),
            "codes": np.array(self.compiled.codes, dtype=object),
            "points_ticks": scores.points,
            "maximum_ticks": scores.unit_maximum(),
            "index_scaled": scores.index,
            "grade": scores.grade,
            "rank": scores.rank,
        }

    def to_pandas(
        self, stage: str | None = None, max_depth: int | None = None, *, exact: bool = False
    ) -> Any:
        """A long DataFrame (one row per unit and node) with real types (needs pandas).

        ``points``, ``maximum`` and ``index`` are float64 (``exact=True``: ``Decimal``
        objects, the published figures to the last digit); ``grade`` is an ordered
        Categorical (A > B > C > D: sorting puts the lowest class first); ``rank`` and
        ``depth`` are nullable Int64 (only totals have a rank).
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ParIndexError("results.needs_pandas") from exc
        rows = self.rows(stage, max_depth)

        def figures(name: str) -> Any:
            values = [getattr(row, name) for row in rows]
            if exact:
                return pd.Series(values, dtype=object)
            return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")

        best_first = self.pack.classification.labels
        frame = pd.DataFrame(
            {
                "unit": [row.unit for row in rows],
                "name": [row.name for row in rows],
                "group": [row.group for row in rows],
                "code": [row.code for row in rows],
                "title": [row.title for row in rows],
                "depth": pd.Series([row.depth for row in rows], dtype="Int64"),
                "points": figures("points"),
                "maximum": figures("maximum"),
                "index": figures("index"),
                "grade": pd.Categorical(
                    [row.grade for row in rows], categories=best_first[::-1], ordered=True
                ),
                "rank": pd.Series([row.rank for row in rows], dtype="Int64"),
            }
        )
        return frame
