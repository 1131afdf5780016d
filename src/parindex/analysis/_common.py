"""Small helpers shared by the analyses: decimals, node selection, labels."""

from __future__ import annotations

from decimal import Decimal

from parindex.compiled import ROOT, CompiledPack
from parindex.fixedpoint import ticks_to_decimal
from parindex.labels import format_decimal, label
from parindex.results import NO_GRADE, UNRANKED, Results


def points(results: Results, ticks: int) -> Decimal:
    return ticks_to_decimal(int(ticks), results.pack.point_decimals)


def index_value(results: Results, scaled: int, maximum: int) -> Decimal | None:
    if maximum <= 0:
        return None
    return Decimal(int(scaled)).scaleb(-results.pack.rounding.decimals)


def grade_label(results: Results, grade: int) -> str | None:
    return None if grade == NO_GRADE else results.pack.classification.grades[int(grade)].label


def rank_value(rank: int) -> int | None:
    return None if rank == UNRANKED else int(rank)


def partition(compiled: CompiledPack, level: int | None) -> list[int]:
    """Nodes at depth ``level`` plus shallower leaves: together they cover every leaf once.

    ``level=None`` gives the leaves. Level 1 is the fields, 2 the criteria.
    """
    if level is None:
        return [int(n) for n in compiled.leaf_nodes]
    return [
        n
        for n in range(1, compiled.n_nodes)
        if compiled.depth[n] == level or (compiled.depth[n] < level and compiled.is_leaf(n))
    ]


def nodes_to_depth(compiled: CompiledPack, depth: int | None) -> list[int]:
    """Every node except the root, down to ``depth`` (None: all), in pre-order."""
    return [n for n in range(1, compiled.n_nodes) if depth is None or compiled.depth[n] <= depth]


def fmt(
    value: Decimal | None, decimals: int, lang: str, signed: bool = False, mode: str = "half_up"
) -> str:
    """A figure with ``decimals`` places, rounded in ``mode`` (the pack's) where it has more."""
    if value is None:
        return ""
    text = format_decimal(value, decimals, lang, mode)
    return ("+" + text) if signed and value > 0 else text


__all__ = ["ROOT", "label", "partition"]
