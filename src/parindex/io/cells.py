"""Reading one cell of input: empty, a number, a label, or a flag.

The decimal-comma rule (Vietnamese writes 0,5 for one half):

- a number written with a dot (``0.5``, ``12``) is read as it is;
- a number written with exactly one comma and no dot (``0,5``) is read with
  the comma as the decimal separator (``0.5``);
- a number with both a dot and a comma (``1.000,5``), or with more than one
  comma (``1,000,5``), is rejected as ambiguous: thousands separators are never
  accepted, so nothing is guessed;
- numeric spreadsheet cells are read from their stored number; a date where a
  number is expected (Excel turns ``1/2`` into a date) is rejected.

Any other text is passed on unchanged for the rule to read (a level label,
"đạt", "không phát sinh").
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal

from parindex.rules.base import normalise_label

_NUMERIC_CHARS = re.compile(r"[+-]?[0-9.,]+")
_DOT_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_COMMA_NUMBER = re.compile(r"[+-]?[0-9]+,[0-9]+")

#: Flag cells ("không phát sinh" column, achieved) read as set / not set.
FLAG_TRUE = frozenset({"x", "1", "có", "co", "yes", "true", "kps", "không phát sinh", "na", "n/a"})
FLAG_FALSE = frozenset({"0", "không", "no", "false"})


class CellError(ValueError):
    """A cell that cannot be read; the message says what was expected."""


def column_letter(index: int) -> str:
    """A1-style column letters for a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text_of(raw: object) -> str:
    """A cell as NFC text with surrounding spaces removed ("" for empty)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return unicodedata.normalize("NFC", str(raw)).strip()


def read_value(raw: object) -> object:
    """A scoring value from a cell: None (empty), a Decimal, a bool or a text label.

    Raises :class:`CellError` for dates, times and ambiguous numbers.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, dt.datetime | dt.date | dt.time | dt.timedelta):
        raise CellError(f"a date or time ({raw}) where a number or label is expected")
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise CellError(f"{raw} is not a finite number")
        return Decimal(repr(raw))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise CellError(f"{raw} is not a finite number")
        return raw
    if not isinstance(raw, str):
        raise CellError(f"a number or a label, not {type(raw).__name__}")
    text = text_of(raw)
    if not text:
        return None
    if _NUMERIC_CHARS.fullmatch(text) and any(ch.isdigit() for ch in text):
        if _DOT_NUMBER.fullmatch(text):
            return Decimal(text)
        if _COMMA_NUMBER.fullmatch(text):
            return Decimal(text.replace(",", "."))
        raise CellError(
            f"ambiguous number {text!r}: write one decimal separator and no thousands "
            "separators (0,5 or 0.5; 1000.5)"
        )
    return text


def read_flag(raw: object) -> bool:
    """A yes/no cell: empty is no; x, 1, có, yes, true, kps are yes."""
    if raw is None or raw is False:
        return False
    if raw is True:
        return True
    label = normalise_label(text_of(raw))
    if not label or label in FLAG_FALSE:
        return False
    if label in FLAG_TRUE:
        return True
    raise CellError("x (or 1, có, kps) to mark, or empty")
