"""The command line, run in-process through ``parindex.cli.main``."""

from __future__ import annotations

from pathlib import Path

import pytest

from parindex.cli import main



def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_packs_lists_version_years_group_and_completeness(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "packs")
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith("bnv-province-1150-2019"))
    assert "1150/QĐ-BNV (30/12/2019)" in line and "province" in line and "đến cấp lĩnh vực" in line
    assert "mô phỏng" in next(line for line in out.splitlines() if line.startswith("synthetic-commune"))
    code, out, _ = run(capsys, "packs", "--lang", "en")
    line = next(line for line in out.splitlines() if line.startswith("bnv-province-1150-2019"))
    assert "field level" in line
    assert "synthetic" in next(line for line in out.splitlines() if line.startswith("synthetic-commune"))


def test_show_prints_the_tree_with_maxima(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "bnv-province-1150-2019")
    assert code == 0
    assert "Cải cách thủ tục hành chính" in out
    assert "7,5" in out and "Tổng" in out and "65" in out


def test_score_long_csv_prints_a_ranking(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tu-danh-gia.csv"
    rows = ["unit,name,code,value"]
    for unit, name, scale in (("BD", "Bình Định", 1.0), ("XX", "Tỉnh thử", 0.5)):
        for code, maximum in zip("12345678", (7, 5, 14, 7.5, 8, 8.5, 9, 6), strict=True):
            rows.append(f"{unit},{name},{code},{maximum * scale}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = path.read_bytes()
    code, out, _ = run(capsys, "score", "bnv-province-1150-2019", str(path))
    assert code == 0
    first, second = [line for line in out.splitlines() if line.strip().startswith(("1 ", "2 "))]
    assert "Bình Định" in first and "100,00" in first and "65,00" in first
    assert "Tỉnh thử" in second and "50,00" in second
    assert path.read_bytes() == before


def test_score_reports_located_errors_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("unit,code,value\nBD,1,7\nBD,2,9\nBD,9,1\n", encoding="utf-8")
    code, _, err = run(capsys, "score", "bnv-province-1150-2019", str(path), "--allow-missing", "--lang", "en")
    assert code == 2
    assert "bad.csv, cell C3; unit “BD”; criterion 2: value 9 is not accepted" in err
    assert "bad.csv, cell B4; unit “BD”; criterion 9: criterion code is unknown" in err


def test_demo_scores_synthetic_provinces_and_communes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo", "--communes", "500")
    assert code == 0
    assert "SYNTHETIC" in out
    assert "63 đơn vị" in out and "500 đơn vị" in out
    assert "Tỉnh mô phỏng" in out and "Xã mô phỏng" in out


def test_a_closed_pipe_ends_quietly() -> None:
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-c", "from parindex.cli import main; raise SystemExit(main(['demo', '--communes', '3000']))"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # the reader goes away, as `| head -1` does
    stderr = process.stderr.read().decode()
    process.wait(timeout=60)
    assert "Traceback" not in stderr
