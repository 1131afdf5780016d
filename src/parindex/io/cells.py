"""Cell addresses: the A1-style column letters messages and templates name cells by.

What a cell *means* (numbers with a decimal comma, labels, flags) is decided by
:mod:`parindex.grammar` alone; this module only names where a cell is.
"""

from __future__ import annotations


def column_letter(index: int) -> str:
    """A1-style column letters for a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
