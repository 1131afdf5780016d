"""Helpers shared by the parindex.io tests: turning value matrices into cell entries."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

import numpy as np

from parindex.compiled import CompiledPack
from parindex.rules import Achieved, Levels


def entry(compiled: CompiledPack, leaf: int, value: float) -> object:
    """What a person would type for a numeric input value: a label, a mark or the number."""
    rule = compiled.leaf_rules[leaf]
    if isinstance(rule, Levels):
        return rule.levels[int(value)].label
    if isinstance(rule, Achieved):
        return "đạt" if value == 1 else "không đạt"
    return float(value) if not float(value).is_integer() else int(value)


def unit_entries(
    compiled: CompiledPack, values: np.ndarray, na: np.ndarray, row: int
) -> dict[str, object]:
    """Leaf code → entry for one unit (None where the value is missing)."""
    result: dict[str, object] = {}
    for leaf, code in enumerate(compiled.leaf_codes):
        if na[row, leaf]:
            result[code] = "không phát sinh"
        elif math.isnan(values[row, leaf]):
            result[code] = None
        else:
            result[code] = entry(compiled, leaf, values[row, leaf])
    return result


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unit_layout(book: Any) -> tuple[int, int]:
    """(row of the unit id, row of the criteria header) of a unit-layout template.

    The header block above the form (title, criteria set, notices, issuing body)
    moves the form down; the hidden ``parindex`` sheet records where it starts.
    """
    meta = {row[0]: row[1] for row in book["parindex"].iter_rows(values_only=True)}
    header = int(meta["header_row"])
    sheet = book.worksheets[0]
    unit = next(r for r in range(1, header) if sheet.cell(row=r, column=1).value in ("Mã đơn vị", "Unit id"))
    return unit, header


def template_layout(compiled: CompiledPack) -> tuple[int, int]:
    """:func:`unit_layout` of the template ``write_template(compiled, ...)`` writes."""
    import tempfile

    import openpyxl

    from parindex.io import write_template

    with tempfile.TemporaryDirectory() as folder:
        path = write_template(compiled, Path(folder) / "t.xlsx")
        return unit_layout(openpyxl.load_workbook(path))
