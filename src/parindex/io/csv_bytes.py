"""The fast path for long CSV: split the bytes with numpy, no object per cell.

A CSV whose quotes, if any, only wrap whole fields on one line (what programs
and spreadsheets write: ``X01,2.3,"87,5"``) is split on its line breaks and
commas as whole arrays, commas inside quotes set aside; each column is then
numbered by its distinct byte strings (a 64-bit hash of each field,
``np.unique`` on the hashes, and a byte-for-byte check that equal hashes are
equal fields), and only the distinct fields are decoded. Anything this path
does not handle exactly like Python's ``csv`` module (a doubled or stray quote,
a quoted line break, a lone carriage return, a NUL, a row of the wrong width,
an oversized field, bytes that are not UTF-8) makes it step aside:
:func:`split` returns ``None`` and the ``csv`` reader, which reports such rows
precisely, reads the file instead.
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
    if b"\x00" in data:
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
    commas: IntArray | None = np.flatnonzero(raw == 44)
    quoted = b'"' in data
    if quoted:
        commas = _outside_quotes(raw, ends, commas)  # type: ignore[arg-type]
    if commas is None:
        return None
    line_of_comma = np.searchsorted(ends, commas)
    per_line = np.bincount(line_of_comma, minlength=len(ends))
    if not np.array_equal(per_line[body], np.full(len(body), width - 1)):
        return None
    del per_line
    in_body = np.zeros(len(ends), dtype=bool)
    in_body[body] = True
    grid = commas[in_body[line_of_comma]].reshape(len(body), width - 1)
    del commas, line_of_comma, in_body
    bounds = []
    for column in range(width):
        first = starts[body] if column == 0 else grid[:, column - 1] + 1
        last = ends[body] if column == width - 1 else grid[:, column]
        bounds.append((first, last))
    if quoted:
        unquoted = _unquote(raw, ends, body, bounds)
        if unquoted is None:
            return None
        bounds = unquoted
    columns = []
    for column in wanted:
        first, last = bounds[column]
        if len(first) and int((last - first).max()) > max_field:
            return None
        columns.append(_number(raw, first, last))
    return columns, body.astype(np.int64) + 1


def _outside_quotes(
    raw: npt.NDArray[np.uint8], ends: IntArray, commas: IntArray
) -> IntArray | None:
    """The commas outside quoted fields; ``None`` when a quote spans a line break."""
    inside = np.bitwise_xor.accumulate((raw == 34).view(np.uint8))  # parity up to each byte
    real_ends = ends[ends < len(raw)]
    if inside[real_ends].any() or (len(raw) and inside[-1]):
        return None
    kept: IntArray = commas[inside[commas] == 0]
    return kept


def _unquote(
    raw: npt.NDArray[np.uint8],
    ends: IntArray,
    body: IntArray,
    bounds: list[tuple[IntArray, IntArray]],
) -> list[tuple[IntArray, IntArray]] | None:
    """Fields without their enclosing quotes; ``None`` unless every quote of the file opens
    or closes a whole field (no doubled quotes, no quote inside an unquoted field)."""
    quotes_per_line = np.bincount(
        np.searchsorted(ends, np.flatnonzero(raw == 34)), minlength=len(ends)
    )
    counted = np.zeros(len(body), dtype=np.int64)
    result = []
    for first, last in bounds:
        opens = (last - first >= 2) & (raw[np.minimum(first, len(raw) - 1)] == 34)
        opens &= raw[np.maximum(last - 1, 0)] == 34
        counted += 2 * opens
        result.append((first + opens, last - opens))
    if not np.array_equal(counted, quotes_per_line[body]):
        return None
    # A quoted field holds no quote of its own: its line's count would then be higher.
    return result


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
