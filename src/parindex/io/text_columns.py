"""Text files built column by column from arrays: no Python object per cell.

A results file of 10⁵ units × 150 nodes has 15 million lines; building each one
in Python costs minutes. Here every field of a block of lines is a byte matrix
(one row per line) padded with ``PAD``, a byte that never occurs in UTF-8:
text known in advance (a unit's id, a criterion's title, a separator) is
encoded once and repeated by indexing, numbers are written digit by digit
with whole-array arithmetic, and the matrices placed side by side become the
lines once the padding is squeezed out (:func:`join`).

Numbers are exact: fixed-point integers become decimal text by integer
arithmetic, never through floats, with the sign, decimal separator and number
of places a caller asks for, so the text equals what ``format(Decimal, "f")``
writes for the same value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from parindex.fixedpoint import Int64Array

ByteMatrix = npt.NDArray[np.uint8]

#: Padding: 0xFF is never a byte of UTF-8 text, so squeezing it out leaves the text whole.
PAD = 0xFF
_ZERO = ord("0")


def texts(values: Sequence[bytes]) -> ByteMatrix:
    """One row per encoded text, left-aligned and padded (at least one column wide)."""
    width = max((len(value) for value in values), default=0) or 1
    out = np.full((len(values), width), PAD, dtype=np.uint8)
    for row, value in enumerate(values):
        out[row, : len(value)] = np.frombuffer(value, dtype=np.uint8)
    return out


def constant(value: bytes, rows: int) -> ByteMatrix:
    """The same text on every row (a view: nothing is copied)."""
    line = np.frombuffer(value, dtype=np.uint8).reshape(1, -1)
    return np.broadcast_to(line, (rows, line.shape[1]))


def decimals_text(
    scaled: Int64Array,
    decimals: int,
    *,
    places: Int64Array | None = None,
    point: bytes = b".",
) -> ByteMatrix:
    """``scaled / 10**decimals`` as decimal text, one row per value, right-aligned.

    A minus sign where ``scaled`` < 0: a zero is "0.00", never "-0.00", as every figure
    is shown. ``places``: per value, how many of the ``decimals`` places are written (the
    others must be zeros; 0 drops the separator too). ``point``: the decimal separator.
    """
    magnitude = np.abs(scaled)
    sign = scaled < 0
    largest = int(magnitude.max()) if magnitude.size else 0
    whole_digits = len(str(largest // 10**decimals))
    fraction = decimals + len(point) if decimals else 0
    width = 1 + whole_digits + fraction
    out = np.full((magnitude.size, width), PAD, dtype=np.uint8)
    out[:, 0] = np.where(sign, ord("-"), PAD)
    rest = magnitude.copy()
    digit = np.empty_like(rest)
    column = width - 1
    for _ in range(decimals):
        np.divmod(rest, 10, out=(rest, digit))
        out[:, column] = digit + _ZERO
        column -= 1
    if decimals:
        column -= len(point) - 1
        out[:, column : column + len(point)] = np.frombuffer(point, dtype=np.uint8)
        column -= 1
    np.divmod(rest, 10, out=(rest, digit))
    out[:, column] = digit + _ZERO  # the units digit, written even when zero
    for _ in range(1, whole_digits):
        column -= 1
        shown = rest > 0
        np.divmod(rest, 10, out=(rest, digit))
        out[:, column] = np.where(shown, digit + _ZERO, PAD)
    if places is not None and decimals:
        for dropped in range(1, decimals + 1):  # the last ``dropped`` places
            out[places <= decimals - dropped, width - dropped] = PAD
        out[places == 0, width - fraction : width - decimals] = PAD
    return out


def trailing_zeros(values: Int64Array, most: int) -> npt.NDArray[np.int64]:
    """How many of the last ``most`` decimal digits of each value are zeros."""
    count = np.zeros(values.shape, dtype=np.int64)
    still = np.ones(values.shape, dtype=bool)
    for power in range(1, most + 1):
        still &= values % 10**power == 0
        count += still
    return count


def join(pieces: Sequence[ByteMatrix]) -> bytes:
    """The rows of ``pieces`` placed side by side, one after another, padding removed."""
    block = np.concatenate(pieces, axis=1).reshape(-1)
    squeezed: bytes = block[block != PAD].tobytes()
    return squeezed
