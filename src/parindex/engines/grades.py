"""Grades from scaled indices, and the eligibility conditions that can lower them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from parindex.compiled import ROOT, CompiledPack
from parindex.fixedpoint import BoolArray, Int64Array
from parindex.model import Pack

#: The grade of a node whose maximum is 0 (no index, no grade).
NO_GRADE = -1


def scaled_threshold(minimum: Decimal, decimals: int, inclusive: bool = True) -> int:
    """The smallest scaled index that passes ``≥ minimum`` (or ``> minimum``)."""
    exact = minimum.scaleb(decimals)
    whole = int(exact.to_integral_value(rounding=ROUND_FLOOR))
    if inclusive:
        return whole if exact == whole else whole + 1
    return whole + 1


def grade_thresholds(pack: Pack) -> tuple[int, ...]:
    """The smallest scaled index of every grade but the last, best grade first."""
    thresholds = []
    for grade in pack.classification.grades[:-1]:
        assert grade.minimum is not None  # validated
        thresholds.append(scaled_threshold(grade.minimum, pack.rounding.decimals, grade.inclusive))
    return tuple(thresholds)


def grades_for(
    compiled: CompiledPack, index: Int64Array, defined: BoolArray
) -> npt.NDArray[np.int8]:
    thresholds = grade_thresholds(compiled.pack)
    # Below every threshold: the last grade, or NO_GRADE when the pack has no classification.
    last = len(compiled.pack.classification.grades) - 1
    grades = np.full(index.shape, last, dtype=np.int8)
    for position in range(len(thresholds) - 1, -1, -1):
        grades[index >= thresholds[position]] = position
    grades[~defined] = NO_GRADE
    return grades


def apply_eligibility(
    compiled: CompiledPack,
    grades: npt.NDArray[np.int8],
    index: Int64Array,
    maximum_of: Callable[[int], npt.NDArray[np.signedinteger[Any]]],
) -> None:
    """Downgrade a unit's total grade when a condition of that grade fails.

    ``maximum_of(node)`` gives every unit's maximum of a node; a node's index is
    defined where its maximum is positive.
    """
    pack = compiled.pack
    labels = pack.classification.labels
    for position, label in enumerate(labels):
        conditions = [c for c in pack.eligibility if c.grade == label]
        if not conditions:
            continue
        failed = np.zeros(grades.shape[0], dtype=bool)
        for condition in conditions:
            node = compiled.node_index[condition.code]
            threshold = scaled_threshold(condition.minimum, pack.rounding.decimals)
            failed |= (maximum_of(node) <= 0) | (index[:, node] < threshold)
        demote = (grades[:, ROOT] == position) & failed
        grades[demote, ROOT] = min(position + 1, len(labels) - 1)
