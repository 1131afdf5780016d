"""Rank uncertainty under varying field weights (field maxima), by Monte Carlo.

Each sample draws every field's maximum (its weight) uniformly within bounds;
each unit's field component indices are re-weighted, its total index is
recomputed and the group re-ranked, for all samples at once: (samples × units)
matrices, one argsort per block of samples. For each unit the median rank and
the 5–95 % rank interval are reported, as composite-indicator toolkits
(COINr) report rank uncertainty.

Exactness where it matters: a field weight w_f becomes the integer multiplier
q_f = round(w_f / M_f · 10**6) of the field's own maximum M_f, so a sample's
total is the exact integer Σ points_f · q_f (+ index-level bonus and deduction
points, kept as scored, · 10**6) over Σ maximum_f · q_f, rounded to the
pack's index decimals like the scorer. With zero-width bounds every q_f is
10**6 and the base ranks come back exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs
import numpy as np
import numpy.typing as npt

from parindex.analysis._common import fmt, label, rank_value
from parindex.analysis._engine import resolve_stage
from parindex.analysis.rank_ranges import by_median_rank, range_cells, rank_quantiles
from parindex.compiled import ROOT
from parindex.errors import ParIndexError
from parindex.fixedpoint import BoolArray, FloatArray, Int64Array, div_round, ticks_to_decimal
from parindex.labels import stage_label
from parindex.messages import Found, text
from parindex.results import Results
from parindex.scoring import group_index
from parindex.textable import format_table

#: Weights act as integer multiples of 10**-6 of a field's own maximum.
WEIGHT_SCALE = 10**6
_EXACT_FLOAT = 2**53


@attrs.frozen
class WeightBounds:
    """Bounds of a field's maximum (points) across samples."""

    code: str
    low: Decimal
    high: Decimal


@attrs.frozen
class UnitRankRange:
    unit: str
    name: str
    group: str
    base_rank: int | None
    median: float | None
    p05: float | None
    p95: float | None


@attrs.frozen
class Sensitivity:
    pack: str
    stage: str
    samples: int
    seed: int
    bounds: tuple[WeightBounds, ...]
    units: tuple[UnitRankRange, ...]


def field_bounds(
    results: Results,
    *,
    spread: float | Decimal = 0.2,
    bounds: Mapping[str, tuple[Decimal, Decimal]] | None = None,
) -> tuple[WeightBounds, ...]:
    """Each field's maximum ± ``spread`` (relative, from 0 to 1), unless ``bounds`` gives it
    explicitly."""
    factor = Decimal(str(spread))
    if not factor.is_finite() or not 0 <= factor <= 1:
        raise ParIndexError("analysis.bad_spread", found=Found(spread))
    compiled = results.compiled
    fields = [n for n in range(1, compiled.n_nodes) if compiled.depth[n] == 1]
    given = dict(bounds or {})
    out = []
    for node in fields:
        code = compiled.codes[node]
        maximum = ticks_to_decimal(int(compiled.node_max[node]), results.pack.point_decimals)
        if code in given:
            low, high = given.pop(code)
        else:
            low, high = maximum * (1 - factor), maximum * (1 + factor)
        if low < 0 or high < low:
            raise ParIndexError("analysis.bad_bounds", field=code, low=low, high=high)
        out.append(WeightBounds(code, low, high))
    if given:
        raise ParIndexError("analysis.not_fields", pack=results.pack.id, codes=sorted(given))
    return tuple(out)


def sample_weights(
    results: Results, bounds: tuple[WeightBounds, ...], samples: int, seed: int = 0
) -> FloatArray:
    """(samples × fields) field maxima drawn uniformly within ``bounds``."""
    rng = np.random.Generator(np.random.PCG64(seed))
    low = np.array([float(b.low) for b in bounds])
    high = np.array([float(b.high) for b in bounds])
    drawn: FloatArray = low + (high - low) * rng.uniform(size=(samples, len(bounds)))
    return drawn


def _multipliers(results: Results, weights: FloatArray) -> Int64Array:
    compiled = results.compiled
    fields = [n for n in range(1, compiled.n_nodes) if compiled.depth[n] == 1]
    maxima = compiled.node_max[fields].astype(np.float64) / compiled.ticks_per_point
    return np.rint(weights / maxima * WEIGHT_SCALE).astype(np.int64)


def _matmul(a: Int64Array, q: Int64Array) -> Int64Array:
    """Exact a @ q.T; BLAS in float64 when every partial sum is an exact float."""
    bound = int(np.abs(a).max(initial=0)) * int(np.abs(q).sum(axis=1).max(initial=0))
    if bound < _EXACT_FLOAT:
        return (a.astype(np.float64) @ q.T.astype(np.float64)).astype(np.int64)
    return a @ q.T


def competition_ranks_2d(keys: Int64Array, defined: BoolArray, group_of: Int64Array) -> Int64Array:
    """Competition ranks (1-2-2-4, higher key better) within groups, per row of ``keys``.

    Rows are samples, columns units; the same ranks as ``scoring.competition_ranks``
    applied to each row, in whole-array operations.
    """
    n_samples, n_units = keys.shape
    top = int(keys.max(initial=0)) + 1
    n_groups = int(group_of.max(initial=-1)) + 1
    composite = group_of[None, :] * (top + 1) + (top - keys)
    composite = np.where(defined, composite, n_groups * (top + 1) + 1)
    order = np.argsort(composite, axis=1, kind="stable")
    sorted_keys = np.take_along_axis(composite, order, axis=1)
    sorted_groups = group_of[order]
    position = np.broadcast_to(np.arange(n_units), (n_samples, n_units))
    new_group = np.ones((n_samples, n_units), dtype=bool)
    new_group[:, 1:] = sorted_groups[:, 1:] != sorted_groups[:, :-1]
    new_run = new_group.copy()
    new_run[:, 1:] |= sorted_keys[:, 1:] != sorted_keys[:, :-1]
    group_start = np.maximum.accumulate(np.where(new_group, position, 0), axis=1)
    run_start = np.maximum.accumulate(np.where(new_run, position, 0), axis=1)
    ranks = np.empty((n_samples, n_units), dtype=np.int64)
    np.put_along_axis(ranks, order, run_start - group_start + 1, axis=1)
    return np.where(defined, ranks, 0)


def sample_ranks(
    results: Results, weights: FloatArray, *, stage: str | None = None, block: int = 128
) -> npt.NDArray[np.int32]:
    """(samples × units) ranks under each row of field ``weights`` (field maxima, points)."""
    compiled = results.compiled
    _, scores = resolve_stage(results, stage)
    fields = [n for n in range(1, compiled.n_nodes) if compiled.depth[n] == 1]
    field_points = scores.points[:, fields].astype(np.int64)
    field_max = np.ascontiguousarray(scores.unit_maximum()[:, fields], dtype=np.int64)
    adjust = scores.points[:, ROOT].astype(np.int64) - field_points.sum(axis=1)
    scale = 100 * 10**compiled.pack.rounding.decimals
    group_of, _ = group_index(results.input)
    q_all = _multipliers(results, np.atleast_2d(weights))
    out = np.empty((q_all.shape[0], field_points.shape[0]), dtype=np.int32)
    for first in range(0, q_all.shape[0], block):
        q = q_all[first : first + block]
        numerator = _matmul(field_points, q).T + adjust[None, :] * WEIGHT_SCALE
        denominator = _matmul(field_max, q).T
        if int(np.abs(numerator).max(initial=0)) >= 2**62 // scale:
            raise ParIndexError("analysis.weights_too_large")
        defined = denominator > 0
        index = div_round(
            numerator * scale, np.where(defined, denominator, 1), compiled.pack.rounding.mode
        )
        out[first : first + block] = competition_ranks_2d(index, defined, group_of)
    return out


def sensitivity(
    results: Results,
    *,
    spread: float | Decimal = 0.2,
    bounds: Mapping[str, tuple[Decimal, Decimal]] | None = None,
    samples: int = 1000,
    seed: int = 0,
    stage: str | None = None,
) -> Sensitivity:
    """Median rank and 5–95 % rank interval of every unit under random field weights."""
    if samples < 1:
        raise ParIndexError("analysis.no_samples", samples=samples)
    name, scores = resolve_stage(results, stage)
    field = field_bounds(results, spread=spread, bounds=bounds)
    ranks = sample_ranks(results, sample_weights(results, field, samples, seed), stage=stage)
    units = tuple(
        UnitRankRange(
            unit=unit.id,
            name=unit.name,
            group=unit.group,
            base_rank=rank_value(int(scores.rank[row])),
            median=median,
            p05=p05,
            p95=p95,
        )
        for row, (unit, (median, p05, p95)) in enumerate(
            zip(results.units, rank_quantiles(ranks), strict=True)
        )
    )
    return Sensitivity(results.pack.id, name, samples, seed, field, units)


def render_sensitivity(result: Sensitivity, *, lang: str = "vi", top: int | None = 20) -> str:
    """Units by median rank with their 5–95 % interval."""
    rows = [
        (u.unit, u.name, u.base_rank or "", *range_cells(u, lang))
        for u in by_median_rank(result.units)[:top]
    ]
    bounds = ", ".join(
        f"{b.code}: {fmt(b.low, 2, lang)}–{fmt(b.high, 2, lang)}" for b in result.bounds
    )
    head = (
        f"{result.pack} · {stage_label(result.stage, lang)} · "
        + text("analysis.samples", lang, samples=result.samples, seed=result.seed)
        + "\n"
        f"{label('field', lang)}: {bounds}"
    )
    headers = [
        label(k, lang) for k in ("unit", "name", "base_rank", "median_rank", "rank_5", "rank_95")
    ]
    return head + "\n" + format_table(headers, rows, right=(2, 3, 4, 5))
