"""Write docs/examples/don-vi/: three SYNTHETIC communes' filled entry workbooks.

The README's Excel workflow scores this folder. Each workbook is the template
``parindex template synthetic-commune`` writes, filled as a commune would fill
it: its code and name, a self-assessed value on every criterion, "không phát
sinh" where the synthetic data says so, and for the first commune an appraised
value that differs. Run from the repository root to rebuild them:

    python docs/examples/make_don_vi.py

The values are SYNTHETIC (simulated), never official results.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import openpyxl

import parindex
from parindex.io import write_template
from parindex.io.layout import UNIT_COLUMNS
from parindex.rules import Achieved, Levels
from parindex.synthetic import synthetic_input

FOLDER = Path(__file__).parent / "don-vi"
COMMUNES = (("XA-01", "Xã mô phỏng Một"), ("XA-02", "Xã mô phỏng Hai"), ("XA-03", "Xã mô phỏng Ba"))


def entry(rule: object, value: float) -> object:
    """What a person types for a value: the level's label, đạt/không đạt, or the number."""
    if isinstance(rule, Levels):
        return rule.levels[int(value)].label
    if isinstance(rule, Achieved):
        return "đạt" if value == 1 else "không đạt"
    return int(value) if float(value).is_integer() else round(float(value), 2)


def main() -> None:
    compiled = parindex.compile_pack(parindex.get_pack("synthetic-commune"))
    data = synthetic_input(compiled, len(COMMUNES), seed=7)
    stage = data.stages["self"]
    values, na = np.asarray(stage.values), np.asarray(stage.not_applicable)
    FOLDER.mkdir(exist_ok=True)
    for row, (unit, name) in enumerate(COMMUNES):
        path = write_template(compiled, FOLDER / f"{unit.lower()}.xlsx", layout="unit")
        book = openpyxl.load_workbook(path)
        sheet = book.worksheets[0]
        sheet["B3"], sheet["B4"] = unit, name
        header = next(r for r in sheet.iter_rows(min_row=1, max_row=20) if r[0].value == "Mã")
        column = {cell.value: cell.column for cell in header}
        self_column = column[UNIT_COLUMNS["self"][0]]
        na_column = column[UNIT_COLUMNS["na"][0]]
        appraised_column = column[UNIT_COLUMNS["appraised"][0]]
        leaf = {code: i for i, code in enumerate(compiled.leaf_codes)}
        appraised = False
        for cells in sheet.iter_rows(min_row=header[0].row + 1):
            code = cells[0].value
            if code not in leaf:
                continue
            i = leaf[code]
            if na[row, i]:
                sheet.cell(row=cells[0].row, column=na_column, value="x")
            elif not math.isnan(values[row, i]):
                typed = entry(compiled.leaf_rules[i], values[row, i])
                sheet.cell(row=cells[0].row, column=self_column, value=typed)
                if row == 0 and not appraised and typed == "đạt":
                    sheet.cell(row=cells[0].row, column=appraised_column, value="không đạt")
                    appraised = True
        book.save(path)
        print(path)


if __name__ == "__main__":
    main()
