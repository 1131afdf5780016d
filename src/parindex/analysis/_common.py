"""Small helpers shared by the analyses: decimals, node selection, labels."""

from __future__ import annotations

from decimal import Decimal

from parindex.compiled import ROOT, CompiledPack
from parindex.fixedpoint import ticks_to_decimal
from parindex.labels import LABELS as CORE_LABELS
from parindex.labels import format_decimal
from parindex.results import NO_GRADE, UNRANKED, Results

LABELS: dict[str, dict[str, str]] = {
    "value": {"vi": "Giá trị", "en": "Value"},
    "lost": {"vi": "Điểm bị mất", "en": "Lost"},
    "adjust": {"vi": "Điều chỉnh", "en": "Adjustment"},
    "self": {"vi": "Tự chấm", "en": "Self-assessed"},
    "appraised": {"vi": "Thẩm định", "en": "Appraised"},
    "diff": {"vi": "Chênh lệch", "en": "Difference"},
    "mean_lost": {"vi": "Mất TB/đơn vị", "en": "Mean lost"},
    "full_share": {"vi": "Đạt tối đa (%)", "en": "At full marks (%)"},
    "mean_diff": {"vi": "Chênh lệch TB", "en": "Mean difference"},
    "gain": {"vi": "Tăng chỉ số", "en": "Index gain"},
    "gain_mean": {"vi": "Tăng chỉ số TB", "en": "Mean index gain"},
    "units": {"vi": "Số đơn vị", "en": "Units"},
    "over": {"vi": "Chấm cao hơn", "en": "Over-claimed"},
    "under": {"vi": "Chấm thấp hơn", "en": "Under-claimed"},
    "before": {"vi": "Trước", "en": "Before"},
    "after": {"vi": "Sau", "en": "After"},
    "median_rank": {"vi": "Hạng trung vị", "en": "Median rank"},
    "rank_5": {"vi": "Hạng P5", "en": "Rank P5"},
    "rank_95": {"vi": "Hạng P95", "en": "Rank P95"},
    "base_rank": {"vi": "Hạng gốc", "en": "Base rank"},
    "not_applicable": {"vi": "không phát sinh", "en": "not applicable"},
    "missing": {"vi": "chưa nhập", "en": "missing"},
    "bonus": {"vi": "thưởng", "en": "bonus"},
    "deduction": {"vi": "trừ", "en": "deduction"},
    "cap": {"vi": "giới hạn tối đa", "en": "cap"},
    "bound": {"vi": "giới hạn sàn/trần", "en": "floor/ceiling"},
    "override": {"vi": "quyết định điều chỉnh", "en": "override"},
    "step": {"vi": "Bước", "en": "Step"},
}


def label(key: str, lang: str = "vi") -> str:
    table = LABELS.get(key) or CORE_LABELS[key]
    return table[lang]


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


def fmt(value: Decimal | None, decimals: int, lang: str, signed: bool = False) -> str:
    if value is None:
        return ""
    text = format_decimal(value, decimals, lang)
    return ("+" + text) if signed and value > 0 else text


__all__ = ["ROOT", "label", "partition"]
