"""Contender (c): the scoring as an experienced analyst writes it in pandas.

Long table (unit, leaf, value), merged with the criteria table, points per
rule kind with column arithmetic on integer micro units (so the results can
be compared exactly), then ``groupby``-sums up the tree, bounds, index %,
classes and group ranks. Reads the criteria from the compiled pack, as an
analyst would read the official criteria table.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from parindex.compiled import CompiledPack
from parindex.fixedpoint import VALUE_DECIMALS, decimal_to_ticks
from parindex.model import NotApplicable
from parindex.scoring import scaled_threshold

SCALE = 10**VALUE_DECIMALS


def _micro(value: Decimal) -> int:
    return decimal_to_ticks(value, VALUE_DECIMALS)


def criteria_tables(compiled: CompiledPack) -> dict[str, pd.DataFrame]:
    """The criteria table (one row per leaf), level and band tables, ancestor pairs."""
    decimals = compiled.pack.point_decimals
    rows: list[dict[str, Any]] = []
    levels: list[dict[str, Any]] = []
    bands: list[dict[str, Any]] = []
    for leaf, rule in enumerate(compiled.leaf_rules):
        row: dict[str, Any] = {
            "leaf": leaf,
            "kind": rule.kind,
            "max": int(compiled.leaf_max[leaf]),
            "full_if_na": compiled.leaf_na[leaf] is NotApplicable.FULL_POINTS,
            "excluded_if_na": compiled.leaf_na[leaf] is NotApplicable.EXCLUDED,
            "full": 1,
            "floor": 0,
            "low": 0,
            "span": 1,
            "per_item": 0,
            "otherwise": 0,
        }
        kind = rule.kind
        if kind == "proportional":
            row.update(full=_micro(rule.full_at), floor=_micro(rule.floor or Decimal(0)))  # type: ignore[attr-defined]
        elif kind == "survey_scale":
            low, high = rule.bounds  # type: ignore[attr-defined]
            row.update(low=_micro(low), span=_micro(high) - _micro(low))
        elif kind == "capped_count":
            row.update(per_item=decimal_to_ticks(rule.per_item, decimals))  # type: ignore[attr-defined]
        elif kind == "levels":
            for position, level in enumerate(rule.levels):  # type: ignore[attr-defined]
                levels.append(
                    {
                        "leaf": leaf,
                        "position": position,
                        "level_points": decimal_to_ticks(level.points, decimals),
                    }
                )
        elif kind == "bands":
            row.update(otherwise=decimal_to_ticks(rule.otherwise, decimals))  # type: ignore[attr-defined]
            for band in rule.bands:  # type: ignore[attr-defined]
                bands.append(
                    {
                        "leaf": leaf,
                        "threshold": _micro(band.threshold) - (1 if band.inclusive else 0),
                        "band_points": decimal_to_ticks(band.points, decimals),
                    }
                )
        rows.append(row)
    ancestors = []
    for leaf, node in enumerate(compiled.leaf_nodes.tolist()):
        walk = node
        while walk != -1:
            ancestors.append({"leaf": leaf, "node": walk})
            walk = int(compiled.parent[walk])
    return {
        "criteria": pd.DataFrame(rows),
        "levels": pd.DataFrame(levels),
        "bands": pd.DataFrame(bands),
        "ancestors": pd.DataFrame(ancestors),
    }


def _round_half_up(num: pd.Series, den: pd.Series | int) -> pd.Series:
    sign = np.sign(num)
    return sign * ((2 * num.abs() + den) // (2 * den))


def pandas_score(
    compiled: CompiledPack,
    tables: dict[str, pd.DataFrame],
    values: np.ndarray,
    na: np.ndarray,
    bonus: np.ndarray,
    deduction: np.ndarray,
    groups: np.ndarray,
) -> dict[str, np.ndarray]:
    n_units, n_leaves = values.shape
    long = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(n_units), n_leaves),
            "leaf": np.tile(np.arange(n_leaves), n_units),
            "value": values.ravel(),
            "na": na.ravel(),
        }
    )
    long["group"] = groups[long["unit"].to_numpy()]
    long = long.merge(tables["criteria"], on="leaf", how="left")
    present = long["value"].notna()
    long["micro"] = (
        np.trunc(long["value"].fillna(0) * SCALE + np.copysign(0.5, long["value"].fillna(0)))
    ).astype("int64")
    long["points"] = 0
    kind = long["kind"]
    m, mx = long["micro"], long["max"]
    sel = kind == "achieved"
    long.loc[sel, "points"] = np.where(m[sel] == SCALE, mx[sel], 0)
    sel = kind == "proportional"
    part = long.loc[sel]
    pts = _round_half_up(np.minimum(part["micro"], part["full"]) * part["max"], part["full"])
    long.loc[sel, "points"] = np.where(part["micro"] < part["floor"], 0, pts)
    sel = kind == "survey_scale"
    part = long.loc[sel]
    long.loc[sel, "points"] = _round_half_up(
        (part["micro"] - part["low"]) * part["max"], part["span"]
    )
    sel = kind == "capped_count"
    part = long.loc[sel]
    long.loc[sel, "points"] = np.minimum(part["micro"] // SCALE * part["per_item"], part["max"])
    sel = kind == "relative_to_best"
    if sel.any():
        part = long.loc[sel & present & ~long["na"]]
        best = part.groupby(["group", "leaf"])["micro"].max().rename("best").reset_index()
        part = long.loc[sel, ["unit", "group", "leaf", "micro", "max"]].merge(
            best, on=["group", "leaf"], how="left"
        )
        part["best"] = part["best"].fillna(0).astype("int64")
        safe = part["best"].where(part["best"] > 0, 1)
        pts = np.where(part["best"] > 0, _round_half_up(part["micro"] * part["max"], safe), 0)
        long.loc[sel, "points"] = pts
    if len(tables["levels"]):
        sel = kind == "levels"
        part = long.loc[sel, ["leaf", "micro"]].assign(position=lambda d: d["micro"] // SCALE)
        part = (
            part.reset_index()
            .merge(tables["levels"], on=["leaf", "position"], how="left")
            .set_index("index")
        )
        long.loc[part.index, "points"] = part["level_points"]
    if len(tables["bands"]):
        sel = kind == "bands"
        part = long.loc[sel, ["leaf", "micro", "otherwise"]].reset_index()
        hits = part.merge(tables["bands"], on="leaf")
        hits = hits[hits["micro"] > hits["threshold"]].groupby("index")["band_points"].max()
        part = part.set_index("index")
        long.loc[part.index, "points"] = (
            hits.reindex(part.index).fillna(part["otherwise"]).astype("int64")
        )
    long.loc[~present, "points"] = 0
    long.loc[long["na"] & long["full_if_na"], "points"] = long["max"]
    long["unit_max"] = long["max"].where(~(long["na"] & long["excluded_if_na"]), 0)

    tree = long[["unit", "leaf", "points", "unit_max"]].merge(tables["ancestors"], on="leaf")
    totals = tree.groupby(["unit", "node"])[["points", "unit_max"]].sum()
    points = (
        totals["points"].unstack("node").reindex(columns=range(compiled.n_nodes)).to_numpy().copy()
    )
    maximum = totals["unit_max"].unstack("node").reindex(columns=range(compiled.n_nodes)).to_numpy()

    per_tick = SCALE // compiled.ticks_per_point
    for bounded in compiled.bounded:  # deepest first, corrections flow to ancestors
        node = bounded.node
        raw = points[:, node].copy()
        base = raw if bounded.cap is None else np.minimum(raw, bounded.cap)
        adjusted = base
        if bounded.slot is not None:
            to_ticks = lambda a: _round_half_up(  # noqa: E731
                pd.Series(
                    np.trunc(np.nan_to_num(a) * SCALE + np.copysign(0.5, np.nan_to_num(a))).astype(
                        "int64"
                    )
                ),
                per_tick,
            ).to_numpy()
            adjusted = (
                base + to_ticks(bonus[:, bounded.slot]) - to_ticks(deduction[:, bounded.slot])
            )
        ceiling = (
            bounded.ceiling
            if bounded.ceiling is not None
            else maximum[:, node] + bounded.subtree_bonus
        )
        final = np.clip(adjusted, bounded.floor, ceiling)
        points[:, bounded.targets] += (final - raw)[:, None]

    pack = compiled.pack
    scale = 100 * 10**pack.rounding.decimals
    frame = pd.DataFrame({"p": points.ravel(), "m": maximum.ravel()})
    defined = frame["m"] > 0
    index = _round_half_up(frame["p"] * scale, frame["m"].where(defined, 1)).where(defined, 0)
    thresholds = [
        scaled_threshold(g.minimum, pack.rounding.decimals, g.inclusive)  # type: ignore[arg-type]
        for g in pack.classification.grades[:-1]
    ]
    grade = np.select(
        [index >= t for t in thresholds], list(range(len(thresholds))), len(thresholds)
    )
    grade = np.where(defined, grade, -1)
    index = index.to_numpy().reshape(points.shape)
    root = pd.DataFrame({"group": groups, "index": index[:, 0], "defined": maximum[:, 0] > 0})
    rank = (
        root.groupby("group")["index"].rank(method="min", ascending=False).where(root["defined"], 0)
    )
    return {
        "points": points,
        "maximum": maximum,
        "index": index,
        "grade": grade.reshape(points.shape),
        "rank": rank.to_numpy().astype(np.int64),
    }
