"""docs/io.md: the runnable example runs, and the README snippet stays within five lines."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "io.md"


def test_runnable_example_runs(capsys: object) -> None:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"## Runnable example \(Python\)\n\n```python\n(.*?)```", text, re.S)
    assert match is not None
    exec(compile(match.group(1), str(DOC), "exec"), {})


def test_readme_snippet_is_five_lines_or_fewer() -> None:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"## README snippet\n\n```sh\n(.*?)```", text, re.S)
    assert match is not None
    assert 0 < len(match.group(1).strip().splitlines()) <= 5
