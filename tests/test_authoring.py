"""Authoring round trip: criteria table → pack → lint → scaffolded distribution, installed and discovered.

The tables in tests/data are SYNTHETIC (titles say "mô phỏng"); they exercise the
path every province will use, not any official criteria set.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from decimal import Decimal
from pathlib import Path

import pytest

import parindex
from parindex.cli import main
from parindex.io.criteria_table import read_criteria_table
from parindex.plugins import converter

DATA = Path(__file__).parent / "data"
META = [
    "--id", "demo-2024", "--title", "Bộ chỉ số mô phỏng", "--version", "demo",
    "--unit-group", "commune", "--years", "2024-2030", "--basis", "000/QĐ-DEMO:2024-01-01:Văn bản mô phỏng",
]  # fmt: skip


def test_table_becomes_a_pack_with_exact_decimals() -> None:
    meta = {
        "id": "demo-2024",
        "title": "Bộ chỉ số mô phỏng",
        "version": "demo",
        "unit_group": "commune",
        "years": {"first": 2024},
        "legal_basis": [{"number": "000/QĐ-DEMO"}],
    }
    pack = read_criteria_table(DATA / "criteria-synthetic.csv", meta, converter())
    assert [node.code for _, node in pack.walk()] == ["1", "1.1", "1.2", "2", "2.1"]
    assert pack.node("1.2").maximum == Decimal("1.5")  # written "1,5" in the table
    assert pack.node("1.2").not_applicable is parindex.NotApplicable.FULL_POINTS
    assert pack.node("2").source is parindex.PointsSource.SURVEY
    assert pack.scorable_level is None


def test_lint_reports_every_problem_located_by_row(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pack-lint", str(DATA / "criteria-bad.csv"), *META, "--verbose"]) == 1
    out = capsys.readouterr().out
    expected = [
        ("[1.2] table-cell", "row 4, column rule_params"),
        ("[1.3] table-cell", "row 5, column na"),
        ("[1.2] structure", "row 4"),
        ("[3.1] orphan", "row 6"),
        ("[1.1] missing-title", "row 3"),
        ("[1.3] rule-parameters", "row 5"),
    ]
    for head, place in expected:
        node, check = head.split()
        line = next((row for row in out.splitlines() if node in row and f"[{check}]" in row), "")
        assert place in line, (head, out)
    assert "6 error(s)" in out


def test_lint_of_a_pack_file_locates_nodes_by_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack_file = tmp_path / "p.toml"
    pack_file.write_text(
        'id = "p"\ntitle = "p"\nversion = "1"\nunit_group = "province"\nyears = { first = 2024 }\n'
        'legal_basis = [{ number = "1/QĐ" }]\n\n[[nodes]]\ncode = "1"\ntitle = "a"\n'
        'source = "survey"\n\n[[nodes]]\ncode = "1.1"\ntitle = "b"\nrule = { kind = "direct" }\n',
        encoding="utf-8",
    )
    assert main(["pack-lint", str(pack_file), "--verbose"]) == 1
    out = capsys.readouterr().out
    assert "[1.1]" in out and "[missing-maximum]" in out and "p.toml, line 13" in out


def _temporary_environment(root: Path) -> Path:
    """A venv that sees this interpreter's site-packages (parindex and its dependencies)."""
    venv.EnvBuilder(with_pip=False).create(root)
    python = root / "bin" / "python"
    site_dir = next((root / "lib").glob("python3*/site-packages"))
    parents = [p for p in sys.path if p.endswith("site-packages")]
    (site_dir / "_parent.pth").write_text(
        "import site; " + "; ".join(f"site.addsitedir({p!r})" for p in parents) + "\n",
        encoding="utf-8",
    )
    return python


def test_scaffolded_distribution_installs_and_is_discovered(tmp_path: Path) -> None:
    assert main(["new-pack", "parindex-pack-demo", "--from", str(DATA / "criteria-synthetic.csv"),
                 "-o", str(tmp_path), *META]) == 0  # fmt: skip
    dist = tmp_path / "parindex-pack-demo"
    pack_file = dist / "src" / "parindex_pack_demo" / "demo-2024.toml"
    assert main(["pack-lint", str(pack_file)]) == 0
    assert "parindex.testing" in (dist / "tests" / "test_pack.py").read_text(encoding="utf-8")

    python = _temporary_environment(tmp_path / "env")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-build-isolation", "--no-deps", "--no-index", str(dist)],
        check=True,
    )  # fmt: skip
    listed = subprocess.run(
        [str(python), "-c", "import sys; from parindex.cli import main; sys.exit(main(['packs', '--lang', 'en']))"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    row = next(line for line in listed.stdout.splitlines() if line.startswith("demo-2024"))
    assert "2024–2030" in row and "commune" in row and "complete" in row
    assert "parindex-pack-demo" in row
    # The scaffold's own tests (built on parindex.testing) pass in that environment.
    tests = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", str(dist / "tests")],
        cwd=dist, capture_output=True, text=True,
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout + tests.stderr
