"""Median rank and 5–95 % interval of each unit over many re-rankings.

Shared by the weight sensitivity (random field weights) and the survey's rank
bootstrap (resampled respondents): both draw a samples × units matrix of ranks
(0 = unranked) and summarise, order and print it the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from parindex.analysis._common import fmt
from parindex.fixedpoint import BoolArray, FloatArray


class RankedUnit(Protocol):
    @property
    def group(self) -> str: ...
    @property
    def base_rank(self) -> int | None: ...
    @property
    def median(self) -> float | None: ...
    @property
    def p05(self) -> float | None: ...
    @property
    def p95(self) -> float | None: ...


Ranked = TypeVar("Ranked", bound=RankedUnit)

Quantiles = tuple[float | None, float | None, float | None]


def rank_quantiles(ranks: npt.NDArray[np.integer[Any]]) -> list[Quantiles]:
    """Per unit (a column of ``ranks``): median, 5 % and 95 % rank; ``None`` for a unit
    some sample left unranked."""
    ranked: BoolArray = np.asarray((ranks > 0).all(axis=0))
    quantiles: FloatArray = np.quantile(ranks, [0.05, 0.5, 0.95], axis=0)
    return [
        (float(quantiles[1, row]), float(quantiles[0, row]), float(quantiles[2, row]))
        if ranked[row]
        else (None, None, None)
        for row in range(ranks.shape[1])
    ]


def by_median_rank(units: Sequence[Ranked]) -> list[Ranked]:
    """Units group by group, by median rank (unranked last), then as scored."""
    return sorted(
        units,
        key=lambda u: (
            u.group,
            u.median if u.median is not None else float("inf"),
            u.base_rank or 0,
        ),
    )


def range_cells(unit: RankedUnit, lang: str) -> tuple[str, str, str]:
    """Median, 5 % and 95 % rank to one decimal place, as printed."""

    def one(value: float | None) -> str:
        return fmt(None if value is None else Decimal(repr(value)), 1, lang)

    return one(unit.median), one(unit.p05), one(unit.p95)
