"""docs/io.md's table of accepted and refused entries is what parindex.grammar does."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from parindex import grammar

DOC = Path(__file__).resolve().parents[1] / "docs" / "io.md"
ROW = re.compile(r"^\| `(?P<written>[^`]*)` \| (?P<kind>[^|]+) \| (?P<rate>yes|no) \| (?P<result>[^|]+) \|$")


def _rows() -> list[tuple[str, str, bool, str]]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### How values are read: the entry grammar", 1)[1].split("### Limits", 1)[0]
    rows = []
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            rows.append((match["written"], match["kind"].strip(), match["rate"] == "yes", match["result"].strip()))
    return rows


def _value(written: str, kind: str) -> object:
    return {
        "text": lambda: written,
        "integer": lambda: int(written),
        "number": lambda: float(written),
        "numpy int64": lambda: np.int64(written),
        "numpy float32": lambda: np.float32(written),
        "boolean": lambda: written == "True",
    }[kind]()


def test_the_table_is_there_and_covers_every_class() -> None:
    rows = _rows()
    assert len(rows) >= 30
    results = {result.split(":")[0] for *_, result in rows}
    assert {"refused", "label", "không phát sinh"} <= results


@pytest.mark.parametrize(("written", "kind", "rate", "result"), _rows())
def test_each_row_is_what_the_grammar_does(written: str, kind: str, rate: bool, result: str) -> None:
    value = _value(written, kind)
    if result.startswith("refused: "):
        code = result.removeprefix("refused: ")
        with pytest.raises(grammar.EntryError) as caught:
            if kind == "boolean":
                grammar.number_from_value(value)
            else:
                grammar.entry_from_value(value, percent=rate)
        assert caught.value.message.code == f"entry.{code}"
        return
    entry = grammar.entry_from_value(value, percent=rate)
    if result == "label":
        assert isinstance(entry, str) and not grammar.is_not_applicable(entry)
    elif result == "không phát sinh":
        assert grammar.is_not_applicable(entry)
    else:
        assert isinstance(entry, Decimal) and entry == Decimal(result)
