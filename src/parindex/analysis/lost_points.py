"""Where the points were lost: per criterion and field, for a group and for a unit.

"Lost" is the unit's maximum minus its points at a node. The *gain* of a
criterion is exact, not a share of lost points: the unit's leaves under the
criterion are raised to full marks and the unit's totals re-aggregated with
every cap, bonus, deduction, floor and ceiling of the pack, so a capped
criterion or a field at its ceiling shows the gain it would really give.
Gains are in index points (percentage points of the unit's total index).

``group_lost_points`` and ``top_lost_criteria`` are the two entry points other
modules (the HTML report) reuse.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs
import numpy as np

from parindex.analysis._common import fmt, label, nodes_to_depth, partition, points
from parindex.analysis._engine import (
    aggregate,
    improved,
    index_and_grade,
    leaf_state,
    resolve_stage,
)
from parindex.compiled import ROOT
from parindex.errors import ParIndexError
from parindex.fixedpoint import Int64Array
from parindex.labels import places_of, stage_label
from parindex.messages import Found
from parindex.model import RoundingRule
from parindex.results import Results
from parindex.textable import format_table


@attrs.frozen
class CriterionLoss:
    """One criterion over a set of units.

    ``full_share`` is the percentage of units at full marks; ``gain_mean`` the
    mean index gain (index points) if every unit reached full marks here.
    """

    code: str
    title: str
    depth: int
    units: int
    lost_total: Decimal
    lost_mean: Decimal
    full_share: Decimal
    gain_mean: Decimal


@attrs.frozen
class UnitGain:
    """One criterion for one unit: points lost and the index it would gain at full marks."""

    code: str
    title: str
    points: Decimal
    maximum: Decimal
    lost: Decimal
    gain: Decimal
    index_after: Decimal | None


@attrs.frozen
class LostPoints:
    pack: str
    stage: str
    group: str | None
    level: int | None
    units: int
    #: Every node down to ``level`` (fields, criteria, ...), in tree order.
    nodes: tuple[CriterionLoss, ...]
    #: The criteria at ``level`` ranked by mean index gain, largest first.
    ranked: tuple[CriterionLoss, ...]


def _rows(results: Results, group: str | None) -> Int64Array:
    if group is None:
        return np.arange(len(results.units), dtype=np.int64)
    rows = np.array([i for i, u in enumerate(results.units) if u.group == group], dtype=np.int64)
    if rows.size == 0:
        raise ParIndexError("analysis.empty_group", group=Found(group))
    return rows


def _index_gains(
    results: Results, stage: str | None, rows: Int64Array, nodes: list[int]
) -> Int64Array:
    """(rows × nodes) exact gain of the total index (scaled) at full marks on each node."""
    compiled = results.compiled
    _, scores = resolve_stage(results, stage)
    state = leaf_state(results, stage, rows)
    base = scores.index[rows, ROOT].astype(np.int64)
    gains = np.zeros((rows.size, len(nodes)), dtype=np.int64)
    for k, node in enumerate(nodes):
        new_points, new_max = aggregate(
            compiled,
            improved(compiled, state, [node]),
            state.leaf_max,
            state.bonus,
            state.deduction,
        )
        index, _ = index_and_grade(compiled, new_points[:, :1], new_max[:, :1])
        gains[:, k] = index[:, 0] - base
    return gains


def _mean_gain(results: Results, total: int, n: int) -> Decimal:
    """The mean of index gains (``total`` scaled by the rule's places) over ``n`` units,
    unrounded (criteria are ranked by it; it is rounded where it is shown), written with
    at least two more places than the rule's (the sum is exact, so nothing is rounded)."""
    decimals = results.pack.rounding.decimals
    return Decimal(total).scaleb(-decimals).quantize(Decimal(1).scaleb(-decimals - 2)) / n


def lost_points(
    results: Results,
    *,
    level: int | None = 2,
    stage: str | None = None,
    group: str | None = None,
) -> LostPoints:
    """Lost points of every node down to ``level`` over ``group`` (None: all units)."""
    compiled = results.compiled
    name, scores = resolve_stage(results, stage)
    rows = _rows(results, group)
    nodes = nodes_to_depth(compiled, level)
    gains = _index_gains(results, stage, rows, nodes)
    pts = scores.points[rows][:, nodes].astype(np.int64)
    mx = scores.unit_maximum()[rows][:, nodes].astype(np.int64)
    lost = mx - pts
    n = rows.size
    rule = results.pack.rounding
    table = []
    for k, node in enumerate(nodes):
        total = int(lost[:, k].sum())
        table.append(
            CriterionLoss(
                code=compiled.codes[node],
                title=compiled.titles[node],
                depth=int(compiled.depth[node]),
                units=n,
                lost_total=points(results, total),
                lost_mean=rule.round(points(results, total) / n, results.pack.point_decimals),
                full_share=rule.round(Decimal(int(np.count_nonzero(lost[:, k] <= 0))) * 100 / n),
                gain_mean=_mean_gain(results, int(gains[:, k].sum()), n),
            )
        )
    chosen = set(partition(compiled, level))
    ranked = sorted(
        (c for c, node in zip(table, nodes, strict=True) if node in chosen),
        key=lambda c: (-c.gain_mean, -c.lost_total, c.code),
    )
    return LostPoints(
        pack=results.pack.id,
        stage=name,
        group=group,
        level=level,
        units=n,
        nodes=tuple(table),
        ranked=tuple(ranked),
    )


def group_lost_points(
    results: Results, *, level: int | None = 2, stage: str | None = None, group: str | None = None
) -> tuple[CriterionLoss, ...]:
    """Criteria at ``level`` (2 = tiêu chí; None = leaves) ranked by mean index gain.

    Each criterion appears once and together they cover every leaf.
    """
    return lost_points(results, level=level, stage=stage, group=group).ranked


def top_lost_criteria(
    results: Results, unit: str, *, n: int = 5, level: int | None = 2, stage: str | None = None
) -> tuple[UnitGain, ...]:
    """The ``n`` criteria where ``unit`` would gain the most index points at full marks.

    Criteria where the unit lost nothing are left out.
    """
    return top_lost_criteria_many(results, [unit], n=n, level=level, stage=stage)[unit]


def top_lost_criteria_many(
    results: Results,
    units: Sequence[str] | None = None,
    *,
    n: int = 5,
    level: int | None = 2,
    stage: str | None = None,
) -> dict[str, tuple[UnitGain, ...]]:
    """:func:`top_lost_criteria` for many units (None: all) with one batched gain computation.

    Reports on hundreds of units need every unit's list; computing the gains
    unit by unit re-aggregates the pack once per unit and criterion.
    """
    compiled = results.compiled
    _, scores = resolve_stage(results, stage)
    wanted = list(results.unit_ids if units is None else units)
    rows = np.array([results.position(u) for u in wanted], dtype=np.int64)
    nodes = partition(compiled, level)
    all_gains = _index_gains(results, stage, rows, nodes)
    decimals = results.pack.rounding.decimals
    unit_max = scores.unit_maximum()
    out: dict[str, tuple[UnitGain, ...]] = {}
    for i, (unit, row) in enumerate(zip(wanted, rows.tolist(), strict=True)):
        gains = all_gains[i]
        base = int(scores.index[row, ROOT])
        root_max = int(unit_max[row, ROOT])
        items = []
        for k, node in enumerate(nodes):
            pts = int(scores.points[row, node])
            mx = int(unit_max[row, node])
            if mx - pts <= 0:
                continue
            items.append(
                UnitGain(
                    code=compiled.codes[node],
                    title=compiled.titles[node],
                    points=points(results, pts),
                    maximum=points(results, mx),
                    lost=points(results, mx - pts),
                    gain=Decimal(int(gains[k])).scaleb(-decimals),
                    index_after=(
                        Decimal(base + int(gains[k])).scaleb(-decimals) if root_max > 0 else None
                    ),
                )
            )
        items.sort(key=lambda g: (-g.gain, -g.lost, g.code))
        out[unit] = tuple(items[:n])
    return out


def shown_lost(gain: UnitGain, rule: RoundingRule) -> Decimal:
    """Points lost as every output shows them: the maximum minus the points ``rule``
    publishes, exactly (the results workbook's column, the report's table)."""
    return max(gain.maximum - rule.round(gain.points), Decimal(0))


def render_lost_points(
    result: LostPoints, *, lang: str = "vi", top: int = 10, rounding: RoundingRule | None = None
) -> str:
    """The field table, then the ranked criteria; ``rounding``: the pack's rule."""
    rule = rounding or RoundingRule()

    def row(c: CriterionLoss) -> tuple[object, ...]:
        return (
            c.code,
            c.title if len(c.title) <= 48 else c.title[:47] + "…",
            fmt(c.lost_total, rule.decimals, lang, mode=rule.mode),
            fmt(c.lost_mean, 4, lang, mode=rule.mode),
            fmt(c.full_share, 2, lang, mode=rule.mode),
            fmt(c.gain_mean, 4, lang, mode=rule.mode),
        )

    headers = [
        label("code", lang),
        label("title", lang),
        label("lost", lang),
        label("mean_lost", lang),
        label("full_share", lang),
        label("gain_mean", lang),
    ]
    scope = result.group if result.group is not None else "*"
    head = (
        f"{result.pack} · {stage_label(result.stage, lang)} · {label('group', lang)}: {scope} · "
        f"{label('units', lang)}: {result.units}"
    )
    fields = format_table(
        headers, [row(c) for c in result.nodes if c.depth == 1], right=(2, 3, 4, 5)
    )
    ranked = format_table(headers, [row(c) for c in result.ranked[:top]], right=(2, 3, 4, 5))
    return "\n\n".join([head, fields, ranked])


def render_unit_gains(
    unit: str,
    gains: tuple[UnitGain, ...],
    *,
    lang: str = "vi",
    rounding: RoundingRule | None = None,
) -> str:
    """One unit's criteria by gain: points as published (``rounding``: the pack's rule),
    maximum and lost points exactly, as the results workbook and the report show them."""
    rule = rounding or RoundingRule()
    rows = []
    for g in gains:
        lost = shown_lost(g, rule)
        rows.append(
            (
                g.code,
                g.title if len(g.title) <= 48 else g.title[:47] + "…",
                fmt(rule.round(g.points), rule.decimals, lang),
                fmt(g.maximum, places_of(g.maximum, rule.decimals), lang),
                fmt(lost, places_of(lost, rule.decimals), lang),
                fmt(g.gain, rule.decimals, lang, signed=True, mode=rule.mode),
                fmt(g.index_after, rule.decimals, lang, mode=rule.mode),
            )
        )
    headers = [
        label("code", lang),
        label("title", lang),
        label("points", lang),
        label("maximum", lang),
        label("lost", lang),
        label("gain", lang),
        label("index", lang),
    ]
    return f"{unit}\n" + format_table(headers, rows, right=(2, 3, 4, 5, 6))
