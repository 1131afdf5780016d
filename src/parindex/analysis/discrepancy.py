"""Self-assessment against appraisal: who over-claims, and on which criteria.

For every unit and node, the difference is self-assessed points minus the
points of the compared view (the final view by default, or a named stage such
as ``appraisal_1``). Positive means the unit claimed more than the appraisal
granted. This is the worklist of the explanation round (giải trình).
"""

from __future__ import annotations

from decimal import Decimal

import attrs
import numpy as np

from parindex.analysis._common import fmt, label, partition, points
from parindex.analysis._engine import require_stage
from parindex.compiled import ROOT
from parindex.errors import ParIndexError
from parindex.labels import stage_label
from parindex.messages import Found
from parindex.results import Results
from parindex.textable import format_table


@attrs.frozen
class CriterionDiff:
    code: str
    title: str
    self_points: Decimal
    appraised_points: Decimal
    difference: Decimal


@attrs.frozen
class UnitDiscrepancy:
    """One unit: total self minus appraised points, and its largest over-claims."""

    unit: str
    name: str
    group: str
    self_points: Decimal
    appraised_points: Decimal
    difference: Decimal
    over_claimed: int
    under_claimed: int
    top: tuple[CriterionDiff, ...]


@attrs.frozen
class CriterionDiscrepancy:
    """One criterion across units: how many over- or under-claimed, and by how much."""

    code: str
    title: str
    depth: int
    units_over: int
    units_under: int
    total: Decimal
    mean: Decimal
    largest_unit: str | None
    largest: Decimal


@attrs.frozen
class Discrepancy:
    pack: str
    self_stage: str
    against: str
    level: int | None
    units: tuple[UnitDiscrepancy, ...]
    criteria: tuple[CriterionDiscrepancy, ...]


def discrepancy(
    results: Results,
    *,
    against: str = "final",
    self_stage: str = "self",
    level: int | None = None,
    top: int = 3,
) -> Discrepancy:
    """Compare the ``self_stage`` view with ``against``, per unit and per criterion.

    Criteria are the nodes at depth ``level`` (None: the leaves). Units are
    listed by total over-claim, largest first; criteria by total difference.
    """
    if self_stage not in results.stages:
        raise ParIndexError("analysis.no_self_stage", stage=Found(self_stage))
    own = results.stages[self_stage]
    other = require_stage(results, against)
    if own is other:
        raise ParIndexError("analysis.same_view", against=Found(against), stage=Found(self_stage))
    compiled = results.compiled
    nodes = partition(compiled, level)
    diff = own.points.astype(np.int64) - other.points.astype(np.int64)
    block = diff[:, nodes]
    n_units = len(results.units)

    criteria = []
    for k, node in enumerate(nodes):
        column = block[:, k]
        worst = int(np.argmax(column)) if n_units else 0
        criteria.append(
            CriterionDiscrepancy(
                code=compiled.codes[node],
                title=compiled.titles[node],
                depth=int(compiled.depth[node]),
                units_over=int(np.count_nonzero(column > 0)),
                units_under=int(np.count_nonzero(column < 0)),
                total=points(results, int(column.sum())),
                mean=results.pack.rounding.round(
                    points(results, int(column.sum())) / n_units, results.pack.point_decimals
                )
                if n_units
                else Decimal(0),
                largest_unit=results.units[worst].id if n_units and column[worst] > 0 else None,
                largest=points(results, int(column[worst])) if n_units else Decimal(0),
            )
        )
    criteria.sort(key=lambda c: (-c.total, c.code))

    order = np.lexsort((np.arange(n_units), -diff[:, ROOT]))
    units = []
    for row in order.tolist():
        row_diff = block[row]
        ranked = sorted(
            (k for k in range(len(nodes)) if row_diff[k] > 0), key=lambda k: (-row_diff[k], k)
        )[:top]
        unit = results.units[row]
        units.append(
            UnitDiscrepancy(
                unit=unit.id,
                name=unit.name,
                group=unit.group,
                self_points=points(results, int(own.points[row, ROOT])),
                appraised_points=points(results, int(other.points[row, ROOT])),
                difference=points(results, int(diff[row, ROOT])),
                over_claimed=int(np.count_nonzero(row_diff > 0)),
                under_claimed=int(np.count_nonzero(row_diff < 0)),
                top=tuple(
                    CriterionDiff(
                        code=compiled.codes[nodes[k]],
                        title=compiled.titles[nodes[k]],
                        self_points=points(results, int(own.points[row, nodes[k]])),
                        appraised_points=points(results, int(other.points[row, nodes[k]])),
                        difference=points(results, int(row_diff[k])),
                    )
                    for k in ranked
                ),
            )
        )
    return Discrepancy(
        pack=results.pack.id,
        self_stage=self_stage,
        against=against,
        level=level,
        units=tuple(units),
        criteria=tuple(criteria),
    )


def render_discrepancy(result: Discrepancy, *, lang: str = "vi", top: int = 10) -> str:
    """Two tables: units that over-claim most, criteria most over-claimed."""
    unit_rows = [
        (
            u.unit,
            u.name,
            fmt(u.self_points, 4, lang),
            fmt(u.appraised_points, 4, lang),
            fmt(u.difference, 4, lang, signed=True),
            u.over_claimed,
            u.under_claimed,
            ", ".join(f"{c.code} ({fmt(c.difference, 4, lang, signed=True)})" for c in u.top),
        )
        for u in result.units[:top]
    ]
    unit_table = format_table(
        [
            label("unit", lang),
            label("name", lang),
            label("self", lang),
            label("appraised", lang),
            label("diff", lang),
            label("over", lang),
            label("under", lang),
            label("title", lang),
        ],
        unit_rows,
        right=(2, 3, 4, 5, 6),
    )
    crit_rows = [
        (
            c.code,
            c.title if len(c.title) <= 48 else c.title[:47] + "…",
            c.units_over,
            c.units_under,
            fmt(c.total, 4, lang, signed=True),
            fmt(c.mean, 4, lang, signed=True),
            c.largest_unit or "",
        )
        for c in result.criteria[:top]
    ]
    crit_table = format_table(
        [
            label("code", lang),
            label("title", lang),
            label("over", lang),
            label("under", lang),
            label("diff", lang),
            label("mean_diff", lang),
            label("unit", lang),
        ],
        crit_rows,
        right=(2, 3, 4, 5),
    )
    head = (
        f"{result.pack}: {stage_label(result.self_stage, lang)} − "
        f"{stage_label(result.against, lang)}"
    )
    return "\n\n".join([head, unit_table, crit_table])
