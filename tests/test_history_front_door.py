"""Year over year from the front door: score → history import → yoy, with no further option.

Two years of SYNTHETIC communes (docs/examples/don-vi/ for 2024, with an
appraisal of XA-01, so ``score -o kq.json`` writes the final, self and
appraisal views; docs/examples/don-vi-2025.csv for 2025), imported into the
default store, with XA-01 and XA-02 merged into XA-12 on 1/7/2025
(docs/examples/sap-nhap-2025.toml) in between (issue 15, item 2).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import parindex
from parindex.cli import main
from parindex.compiled import CompiledPack
from parindex.io import read_input
from parindex.labels import format_decimal

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
Y2024, Y2025, MERGER = EXAMPLES / "don-vi", EXAMPLES / "don-vi-2025.csv", EXAMPLES / "sap-nhap-2025.toml"


def _row(out: str, unit: str, code: str = "Σ") -> str:
    return next(line for line in out.splitlines() if re.match(rf"{re.escape(unit)}\s+{code}\s", line))


def _vi(value: object) -> str:
    return format_decimal(value, 2, "vi")  # type: ignore[arg-type]


@pytest.fixture
def in_scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PARINDEX_HISTORY", raising=False)
    monkeypatch.delenv("PARINDEX_LANG", raising=False)
    return tmp_path


def test_score_import_yoy_across_two_years_with_a_merger(
    commune: CompiledPack, in_scratch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = parindex.score(commune, read_input(commune, Y2024))
    after = parindex.score(commune, read_input(commune, Y2025))
    assert set(before.stages) == {"self", "appraisal_1"}  # three views go into kq-2024.json
    assert before.index("XA-01", stage="self") != before.index("XA-01")  # the appraisal counts

    assert main(["score", "synthetic-commune", str(Y2024), "-o", "kq-2024.json"]) == 0
    assert main(["history", "import", "kq-2024.json", "--year", "2024"]) == 0
    assert "đã tạo kho lịch sử mới tại parindex-history.sqlite" in capsys.readouterr().err
    assert main(["yoy", "synthetic-commune", "--year", "2024"]) == 0
    assert "không có kết quả năm 2023" in _row(capsys.readouterr().out, "XA-03")

    assert main(["history", "lineage", str(MERGER)]) == 0
    assert main(["score", "synthetic-commune", str(Y2025), "-o", "kq-2025.json"]) == 0
    assert main(["history", "import", "kq-2025.json", "--year", "2025"]) == 0
    assert "đã tạo" not in capsys.readouterr().err  # the store exists now
    assert main(["yoy", "synthetic-commune", "--year", "2025"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "#4 2025 synthetic-commune (synthetic-1), kết quả cuối cùng [final], đã chấm [scored] ↔ 2024"

    # XA-03 kept its code: compared with its own final result of 2024.
    same = _row(out, "XA-03")
    change = after.index("XA-03") - before.index("XA-03")
    assert re.search(
        rf"{_vi(after.index('XA-03'))}\s+2/2\s+{_vi(before.index('XA-03'))}\s+{_vi(change)}\s+\+0\s+giữ nguyên", same
    ), same
    # XA-12 was merged from XA-01 and XA-02: both predecessors' final results, no single change.
    merged = _row(out, "XA-12")
    assert f"XA-01 {_vi(before.index('XA-01'))} #3; XA-02 {_vi(before.index('XA-02'))} #1" in merged
    assert "sáp nhập 01/07/2025: XA-01, XA-02 → XA-12" in merged
    assert "chưa chọn cách gộp" in merged

    # --stage selects another view: XA-01's self-assessed index instead of its appraised one.
    assert main(["yoy", "synthetic-commune", "--year", "2025", "--stage", "self"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "#5 2025 synthetic-commune (synthetic-1), tự đánh giá [self], đã chấm [scored] ↔ 2024"
    assert f"XA-01 {_vi(before.index('XA-01', stage='self'))} " in _row(out, "XA-12")

    # --label names a set: a second run of 2025 is kept beside the first, chosen by label.
    assert main(["history", "import", "kq-2025.json", "--year", "2025", "--label", "lần 2"]) == 0
    capsys.readouterr()
    assert main(["yoy", "synthetic-commune", "--year", "2025"]) == 2
    assert "chọn một bằng --version, --origin hoặc --label" in capsys.readouterr().err
    assert main(["yoy", "synthetic-commune", "--year", "2025", "--label", "lần 2"]) == 0
    assert _row(capsys.readouterr().out, "XA-03") == same


def test_yoy_names_the_stages_stored_when_none_matches(
    in_scratch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", "synthetic-commune", str(Y2024), "-o", "kq.json", "-q"]) == 0
    assert main(["history", "import", "kq.json", "--year", "2024", "-q"]) == 0
    capsys.readouterr()
    assert main(["yoy", "synthetic-commune", "--year", "2024", "--stage", "appraisal_2"]) == 2
    err = capsys.readouterr().err
    assert "(kho có các giai đoạn: appraisal_1, final, self; chọn bằng --stage)" in err
