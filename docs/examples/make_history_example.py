"""Write the second year of docs/history.md's example: 2025 after a commune merger.

On 1/7/2025 the SYNTHETIC communes XA-01 and XA-02 of docs/examples/don-vi/
merge into XA-12; XA-03 keeps its code. This script writes

- ``don-vi-2025.csv``: the 2025 self-assessment of XA-12 and XA-03 as a long
  CSV (one row per commune and criterion), and
- ``sap-nhap-2025.toml``: the merger as a lineage event.

Run from the repository root to rebuild them:

    python docs/examples/make_history_example.py

The values and the merger are SYNTHETIC (simulated), never official results.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
from make_don_vi import entry

import parindex
from parindex.synthetic import synthetic_input

FOLDER = Path(__file__).parent
COMMUNES = (("XA-12", "Xã mô phỏng Một Hai"), ("XA-03", "Xã mô phỏng Ba"))
LINEAGE = """\
# SYNTHETIC example: the communes of docs/examples/don-vi/ merged on 1/7/2025.
[[events]]
kind = "merged"
date = 2025-07-01
predecessors = ["XA-01", "XA-02"]
successors = ["XA-12"]
source = "SYNTHETIC example, not a real resolution"
"""


def main() -> None:
    compiled = parindex.compile_pack(parindex.get_pack("synthetic-commune"))
    data = synthetic_input(compiled, len(COMMUNES), seed=2025)
    stage = data.stages["self"]
    values, na = np.asarray(stage.values), np.asarray(stage.not_applicable)
    path = FOLDER / "don-vi-2025.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit", "name", "code", "value", "na"])
        for row, (unit, name) in enumerate(COMMUNES):
            for i, code in enumerate(compiled.leaf_codes):
                if na[row, i]:
                    writer.writerow([unit, name, code, "", "x"])
                elif not math.isnan(values[row, i]):
                    typed = entry(compiled.leaf_rules[i], values[row, i])
                    writer.writerow([unit, name, code, typed, ""])
    print(path)
    lineage = FOLDER / "sap-nhap-2025.toml"
    lineage.write_text(LINEAGE, encoding="utf-8")
    print(lineage)


if __name__ == "__main__":
    main()
