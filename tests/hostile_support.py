"""What the hostile-pass tests share: the shipped examples they misuse, and running a
command as a user would, failing on any traceback or internal error."""

from __future__ import annotations

from pathlib import Path

import pytest

from parindex.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"
DON_VI = str(EXAMPLES / "don-vi")
LONG_CSV = EXAMPLES / "don-vi-2025.csv"
SURVEY = EXAMPLES / "survey" / "vi-du.toml"
CA_MAU = EXAMPLES / "ca-mau" / "tieu-chi.csv"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``parindex ARGV``; never a traceback."""
    try:
        code = main(argv)
    except SystemExit as exited:  # argparse's own refusals (usage errors)
        code = int(exited.code or 0)
    out, err = capsys.readouterr()
    for leak in ("Traceback", "lỗi nội bộ", "internal error"):
        assert leak not in err, err
    return code, out, err
