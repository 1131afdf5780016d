"""Year over year from the front door: score → history import → yoy, with no further option.

Two years of a province's communes, scored from long CSV with self-assessed and
appraised values (so ``score -o kq.json`` writes the final, self and appraisal
views), imported into the default store, with two communes merged on
1/7/2025 in between (issue 15, item 2).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from io_support import unit_entries

import parindex
from parindex.cli import main
from parindex.compiled import CompiledPack
from parindex.io import read_input
from parindex.labels import format_decimal
from parindex.synthetic import synthetic_values

LINEAGE = """\
[[events]]
kind = "merged"
date = 2025-07-01
predecessors = ["xa-a", "xa-b"]
successors = ["xa-ab"]
source = "Nghị quyết sắp xếp đơn vị hành chính cấp xã (SYNTHETIC example)"
"""


def _write_input(compiled: CompiledPack, path: Path, units: list[str], seed: int) -> None:
    """Long CSV: self-assessed values, and appraised values one level lower on criterion 2.3."""
    values, na = synthetic_values(compiled, len(units), seed=seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit", "name", "code", "value", "appraised", "na"])
        for row, unit in enumerate(units):
            for code, value in unit_entries(compiled, values, na, row).items():
                flagged = value == "không phát sinh"
                shown = "" if flagged or value is None else str(value)
                appraised = "0" if code == "2.3" and not flagged else ""
                name = f"Xã {unit[3:].upper()} (SYNTHETIC)"
                writer.writerow([unit, name, code, shown, appraised, "x" if flagged else ""])


def _row(out: str, unit: str, code: str = "Σ") -> str:
    return next(line for line in out.splitlines() if re.match(rf"{re.escape(unit)}\s+{code}\s", line))


def test_score_import_yoy_across_two_years_with_a_merger(
    commune: CompiledPack,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PARINDEX_HISTORY", raising=False)
    monkeypatch.delenv("PARINDEX_LANG", raising=False)
    _write_input(commune, Path("don-vi-2024.csv"), ["xa-a", "xa-b", "xa-c"], seed=3)
    _write_input(commune, Path("don-vi-2025.csv"), ["xa-ab", "xa-c"], seed=4)
    Path("sap-nhap-2025.toml").write_text(LINEAGE, encoding="utf-8")
    before = parindex.score(commune, read_input(commune, "don-vi-2024.csv"))
    after = parindex.score(commune, read_input(commune, "don-vi-2025.csv"))
    assert set(before.stages) == {"self", "appraisal_1"}  # three views go into kq.json

    assert main(["score", "synthetic-commune", "don-vi-2024.csv", "-o", "kq-2024.json"]) == 0
    assert main(["history", "import", "kq-2024.json", "--year", "2024"]) == 0
    err = capsys.readouterr().err
    assert "đã tạo kho lịch sử mới tại parindex-history.sqlite" in err
    assert main(["yoy", "synthetic-commune", "--year", "2024"]) == 0
    out = capsys.readouterr().out
    assert "không có kết quả năm 2023" in _row(out, "xa-c")

    assert main(["history", "lineage", "sap-nhap-2025.toml"]) == 0
    assert main(["score", "synthetic-commune", "don-vi-2025.csv", "-o", "kq-2025.json"]) == 0
    assert main(["history", "import", "kq-2025.json", "--year", "2025"]) == 0
    assert "đã tạo" not in capsys.readouterr().err  # the store exists now
    assert main(["yoy", "synthetic-commune", "--year", "2025"]) == 0
    out = capsys.readouterr().out

    # xa-c kept its id: compared with its own final result of 2024.
    same = _row(out, "xa-c")
    change = after.index("xa-c") - before.index("xa-c")
    assert format_decimal(after.index("xa-c"), 2, "vi") in same
    assert format_decimal(before.index("xa-c"), 2, "vi") in same
    assert format_decimal(abs(change), 2, "vi") in same and "giữ nguyên" in same
    # xa-ab was merged from xa-a and xa-b: both predecessors shown, no single change.
    merged = _row(out, "xa-ab")
    assert "sáp nhập" in merged
    for unit in ("xa-a", "xa-b"):
        assert f"{unit} {format_decimal(before.index(unit), 2, 'vi')}" in merged
    assert "sáp nhập 01/07/2025: xa-a, xa-b → xa-ab" in merged

    # --stage selects another view; the self-assessed indices differ from the final ones.
    assert main(["yoy", "synthetic-commune", "--year", "2025", "--stage", "self"]) == 0
    out = capsys.readouterr().out
    assert "scored/self" in out.splitlines()[0]
    self_change = after.index("xa-c", stage="self") - before.index("xa-c", stage="self")
    assert self_change != change  # the appraisal changed criterion 2.3
    assert format_decimal(abs(self_change), 2, "vi") in _row(out, "xa-c")

    # --label names a set: a second run of 2025 is kept beside the first, chosen by label.
    assert main(["history", "import", "kq-2025.json", "--year", "2025", "--label", "lần 2"]) == 0
    capsys.readouterr()
    assert main(["yoy", "synthetic-commune", "--year", "2025"]) == 2
    assert "--label" in capsys.readouterr().err
    assert main(["yoy", "synthetic-commune", "--year", "2025", "--label", "lần 2"]) == 0
    assert _row(capsys.readouterr().out, "xa-c") == same


def test_yoy_names_the_stages_stored_when_none_matches(
    commune: CompiledPack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PARINDEX_HISTORY", raising=False)
    _write_input(commune, Path("in.csv"), ["xa-a"], seed=1)
    assert main(["score", "synthetic-commune", "in.csv", "-o", "kq.json", "-q"]) == 0
    assert main(["history", "import", "kq.json", "--year", "2024", "-q"]) == 0
    capsys.readouterr()
    assert main(["yoy", "synthetic-commune", "--year", "2024", "--stage", "appraisal_2"]) == 2
    err = capsys.readouterr().err
    assert "appraisal_1, final, self" in err and "--stage" in err
