"""The fast path for plain long CSV: split the bytes with numpy, no object per cell.

A CSV without quotes (what programs and most exports write when no value holds
a comma) is split on its line breaks and commas as whole arrays; each column is
then numbered by its distinct byte strings (a 64-bit hash of each field,
``np.unique`` on the hashes, and a byte-for-byte check that equal hashes are
equal fields), and only the distinct fields are decoded. Anything this path does
not handle exactly like Python's ``csv`` module (a quote, a lone carriage
return, a NUL, a row of the wrong width, an oversized field, bytes that are not
UTF-8) makes it step aside: :func:`split` returns ``None`` and the ``csv``
reader, which reports such rows precisely, reads the file instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
#: Rows hashed at a time (bounds the rows × field-width scratch matrix).
BLOCK = 262_144
_BOM = b"\xef\xbb\xbf"
_PRIME = np.uint64(1_099_511_628_211)


def split(
    data: bytes, width: int, wanted: Sequence[int], max_field: int
) -> tuple[list[tuple[IntArray, list[str]]], IntArray] | None:
    """For each ``wanted`` column: (each row's number, the distinct texts); and each row's
    line number. ``None`` when the file needs the ``csv`` reader."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if b'"' in data or b"\x00" in data:
        return None
    if b"\r" in data:
        if data.count(b"\r") != data.count(b"\r\n"):
            return None
        data = data.replace(b"\r\n", b"\n")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(raw == 10)
    if not len(raw) or raw[-1] != 10:
        ends = np.append(ends, len(raw))
    starts = np.concatenate(([0], ends[:-1] + 1))
    # Line 1 is the header (read by the csv module); blank lines are skipped, as csv does.
    body = np.arange(1, len(ends))
    body = body[ends[body] > starts[body]]
    commas = np.flatnonzero(raw == 44)
    line_of_comma = np.searchsorted(ends, commas)
    per_line = np.bincount(line_of_comma, minlength=len(ends))
    if not np.array_equal(per_line[body], np.full(len(body), width - 1)):
        return None
    del per_line
    in_body = np.zeros(len(ends), dtype=bool)
    in_body[body] = True
    grid = commas[in_body[line_of_comma]].reshape(len(body), width - 1)
    del commas, line_of_comma, in_body
    columns = []
    for column in wanted:
        first = starts[body] if column == 0 else grid[:, column - 1] + 1
        last = ends[body] if column == width - 1 else grid[:, column]
        if len(first) and int((last - first).max()) > max_field:
            return None
        columns.append(_number(raw, first, last))
    return columns, body.astype(np.int64) + 1


def _number(
    raw: npt.NDArray[np.uint8], first: IntArray, last: IntArray
) -> tuple[IntArray, list[str]]:
    """Each field's number among the distinct fields (in order of first appearance)."""
    lengths = last - first
    width = int(lengths.max()) if len(lengths) else 0
    padded = np.concatenate((raw, np.zeros(width, dtype=np.uint8)))
    offsets = np.arange(width)
    blocks, hashes = [], np.empty(len(first), dtype=np.uint64)
    for start in range(0, len(first), BLOCK):
        rows = slice(start, start + BLOCK)
        cells = padded[first[rows, None] + offsets[None, :]]
        cells *= offsets[None, :] < lengths[rows, None]
        value = lengths[rows].astype(np.uint64)
        with np.errstate(over="ignore"):
            for position in range(width):
                value = value * _PRIME + cells[:, position]
        hashes[rows] = value
        blocks.append(cells)
    _, first_row, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    # Equal hashes must be equal fields: every row against its group's first row.
    models = np.concatenate(blocks)[first_row] if blocks else np.zeros((0, width), np.uint8)
    for number, cells in enumerate(blocks):
        group = inverse[number * BLOCK : number * BLOCK + len(cells)]
        if not np.array_equal(cells, models[group]):
            raise _CollisionError
    # Number by first appearance, so the distinct texts come in the file's order.
    order = np.argsort(first_row, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    texts = [bytes(raw[first[row] : last[row]]).decode("utf-8") for row in first_row[order]]
    ids: IntArray = rank[inverse]
    return ids, texts


class _CollisionError(Exception):
    """Two different fields with one hash (never seen; the csv reader then reads the file)."""


def split_safely(
    data: bytes, width: int, wanted: Sequence[int], max_field: int
) -> tuple[list[tuple[IntArray, list[str]]], IntArray] | None:
    """:func:`split`, or ``None`` on a hash collision too."""
    try:
        return split(data, width, wanted, max_field)
    except _CollisionError:
        return None
