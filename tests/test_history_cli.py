"""The history commands end to end on the shipped Sóc Trăng example and a lineage file."""

from __future__ import annotations

from pathlib import Path

import pytest

from parindex.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples"


def test_import_list_yoy_targets(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--store", str(tmp_path / "h.sqlite")]
    assert main(["history", "import", str(EXAMPLE / "soctrang" / "published.json"), *store]) == 0
    assert main(["history", "import", str(EXAMPLE / "soctrang" / "published.json"), *store]) == 2
    assert "already holds" in capsys.readouterr().err
    assert main(["history", "list", "--year", "2020", *store]) == 0
    listing = capsys.readouterr().out
    assert "soctrang-reported-rank" in listing and "reported" in listing
    assert main(["yoy", "soctrang-001-components", "--year", "2021", "--code", "5", *store]) == 0
    out = capsys.readouterr().out
    assert "76,89" in out and "88,00" in out and "-11,11" in out  # 2020 → 2021, seed line 129
    assert main(["targets", str(EXAMPLE / "soctrang-targets.toml"), "--years", "2021", "--lang", "en", *store]) == 0
    out = capsys.readouterr().out
    assert "PASS: 2, FAIL: 1, UNKNOWN: 1" in out


def test_lineage_file_and_year_required(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--store", str(tmp_path / "h.sqlite")]
    lineage = tmp_path / "lineage.toml"
    lineage.write_text(
        '[[events]]\nkind = "merged"\ndate = 2025-07-01\npredecessors = ["a", "b"]\nsuccessors = ["ab"]\n',
        encoding="utf-8",
    )
    assert main(["history", "lineage", str(lineage), *store]) == 0
    assert main(["history", "list", *store]) == 0
    assert "merged 01/07/2025: a, b → ab" in capsys.readouterr().out
    results = tmp_path / "r.json"
    results.write_text('{"sets": [{"pack": "p", "version": "v", "units": [{"id": "u"}]}]}', encoding="utf-8")
    assert main(["history", "import", str(results), *store]) == 2
    assert "sets[0]: no year (give --year)" in capsys.readouterr().err
    assert main(["history", "import", str(results), "--year", "2024", *store]) == 0
