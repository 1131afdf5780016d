"""The fast path for long CSV: split the bytes with numpy, no object per cell.

A CSV whose quotes, if any, only wrap whole fields on one line (what programs
and spreadsheets write: ``X01,2.3,"87,5"``) is read a block of about
:data:`BLOCK_BYTES` at a time, each block cut after a line break, so memory
holds one block and the result (an integer per row and column), never the
whole file. Each block is split on its line breaks and commas as whole arrays,
commas inside quotes set aside; each column's fields are grouped by a 64-bit
hash (``np.unique``, with a byte-for-byte check that equal hashes are equal
fields) and numbered across blocks through a dictionary of their distinct
bytes, in order of first appearance; only the distinct fields are decoded.
Line numbers stay global: each block carries the number of lines before it.

Anything this path does not handle exactly like Python's ``csv`` module (a
doubled or stray quote, a quoted line break, a lone carriage return, a NUL, a
row of the wrong width, an oversized field, bytes that are not UTF-8) makes it
step aside: :func:`split` returns ``None`` and the ``csv`` reader, which
reports such rows precisely, reads the file instead. Every check holds block
by block because a block ends at a line break: a UTF-8 character, a ``\\r\\n``
pair and (on this path) a quoted field never cross one.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt

from parindex.progress import advance

IntArray = npt.NDArray[np.int64]
#: Row numbers and line numbers: int32, or int64 past 2³¹.
Ids = npt.NDArray[np.signedinteger[Any]]
#: Each wanted column's (row numbers, distinct texts), and each row's line number.
Split = tuple[list[tuple[Ids, list[str]]], Ids]
#: Bytes read at a time (a block then grows to its last line's end): bounds the memory
#: spent splitting, about ten times this.
BLOCK_BYTES = 1 << 20
#: Rows hashed at a time within a block (bounds the rows × field-width scratch matrix).
HASH_ROWS = 65_536
#: Fields longer than this are keyed by their bytes one by one instead of hashed in the
#: rows × width matrix (a rare long note must not widen the matrix of every row).
LONG_FIELD = 64
_BOM = b"\xef\xbb\xbf"
_PRIME = np.uint64(1_099_511_628_211)
_INT32_MAX = np.iinfo(np.int32).max


def split(
    source: bytes | BinaryIO, width: int, wanted: Sequence[int], max_field: int
) -> Split | None:
    """For each ``wanted`` column: (each row's number, the distinct texts); and each row's
    line number. ``None`` when the file needs the ``csv`` reader.

    ``source``: the file's bytes, or a binary file positioned at its start. Numbers are
    int32 (int64 past 2³¹ lines)."""
    handle: BinaryIO = io.BytesIO(source) if isinstance(source, bytes) else source
    numberings = [_Numbering() for _ in wanted]
    lines: list[Ids] = []
    before = 0  # lines in the blocks already read (line 1 is the header, read by csv)
    for block in blocks(handle):
        if before == 0 and block.startswith(_BOM):
            block = block[len(_BOM) :]  # noqa: PLW2901 - the BOM is not part of the header
        split_block = _split_block(block, width, wanted, max_field, header=before == 0)
        if split_block is None:
            return None
        data, bounds, body, count = split_block
        for numbering, (first, last) in zip(numberings, bounds, strict=True):
            numbering.add(data, first, last)
        lines.append(compact(body + (before + 1)))
        before += count
        advance(handle.tell())
    columns = [numbering.result() for numbering in numberings]
    return columns, _joined(lines)


def blocks(handle: BinaryIO) -> Iterator[bytes]:
    """The file in blocks of whole lines (the last may lack its line break)."""
    carry = b""
    while True:
        chunk = handle.read(BLOCK_BYTES)
        if not chunk:
            if carry:
                yield carry
            return
        cut = chunk.rfind(b"\n")
        if cut < 0:  # no line ends here: the line goes on into the next read
            pieces = [carry, chunk]
            while cut < 0:
                chunk = handle.read(BLOCK_BYTES)
                if not chunk:
                    yield b"".join(pieces)
                    return
                cut = chunk.rfind(b"\n")
                pieces.append(chunk if cut < 0 else chunk[: cut + 1])
            block = b"".join(pieces)
        else:
            block = carry + chunk[: cut + 1] if carry else chunk[: cut + 1]
        carry = chunk[cut + 1 :]
        yield block
        del block


def _split_block(
    data: bytes, width: int, wanted: Sequence[int], max_field: int, *, header: bool
) -> tuple[bytes, list[tuple[IntArray, IntArray]], IntArray, int] | None:
    """One block of whole lines: (its bytes, CRLF made LF; each wanted column's field
    bounds; each body row's line index within the block; the block's line count)."""
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
    # The header line is read by the csv module; blank lines are skipped, as csv does.
    body = np.arange(1 if header else 0, len(ends))
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
    chosen = [bounds[column] for column in wanted]
    for first, last in chosen:
        if len(first) and int((last - first).max()) > max_field:
            return None
    return data, chosen, body, len(ends)


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
    """Fields without their enclosing quotes; ``None`` unless every quote of the block
    opens or closes a whole field (no doubled quotes, no quote inside an unquoted field)."""
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


class _Numbering:
    """One column's fields numbered across blocks, in order of first appearance."""

    def __init__(self) -> None:
        self.known: dict[bytes, int] = {}
        self.texts: list[str] = []
        self.parts: list[Ids] = []

    def add(self, data: bytes, first: IntArray, last: IntArray) -> None:
        """Number one block's fields (``data``: the block, fields at ``first:last``)."""
        groups, first_rows = _groups(np.frombuffer(data, dtype=np.uint8), first, last)
        known, texts = self.known, self.texts
        numbers = np.empty(len(first_rows), dtype=np.int64)
        starts, stops = first[first_rows].tolist(), last[first_rows].tolist()
        for position, (start, stop) in enumerate(zip(starts, stops, strict=True)):
            field = data[start:stop]
            number = known.get(field)
            if number is None:
                number = known[field] = len(texts)
                texts.append(field.decode("utf-8"))
            numbers[position] = number
        self.parts.append(compact(numbers[groups]))

    def result(self) -> tuple[Ids, list[str]]:
        ids = _joined(self.parts)
        self.parts = []
        return ids, self.texts


def _groups(
    raw: npt.NDArray[np.uint8], first: IntArray, last: IntArray
) -> tuple[IntArray, IntArray]:
    """Each row's group of equal fields within a block, groups numbered by first
    appearance; and each group's first row."""
    lengths = last - first
    long_rows = np.flatnonzero(lengths > LONG_FIELD)
    short_rows = np.flatnonzero(lengths <= LONG_FIELD) if len(long_rows) else None
    rows = first if short_rows is None else first[short_rows]
    hashes, cells = _hashes(raw, rows, lengths if short_rows is None else lengths[short_rows])
    _, model, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    # Equal hashes must be equal fields: every row against its group's first row.
    if not np.array_equal(cells, cells[model][inverse]):
        raise _CollisionError
    del cells
    if short_rows is not None:
        # Long fields each start a group of their own; equal ones meet in the dictionary.
        model = np.concatenate((short_rows[model], long_rows))
        group = np.empty(len(first), dtype=np.int64)
        group[short_rows] = inverse
        group[long_rows] = len(model) - len(long_rows) + np.arange(len(long_rows))
        inverse = group
    # Number by first appearance, so the distinct texts come in the file's order.
    order = np.argsort(model, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    ranked: IntArray = rank[inverse]
    first_rows: IntArray = model[order]
    return ranked, first_rows


def _hashes(
    raw: npt.NDArray[np.uint8], first: IntArray, lengths: IntArray
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint8]]:
    """A 64-bit hash of each field, and the fields as a padded rows × width matrix."""
    width = int(lengths.max()) if len(lengths) else 0
    padded = np.concatenate((raw, np.zeros(width, dtype=np.uint8)))
    offsets = np.arange(width)
    hashes = np.empty(len(first), dtype=np.uint64)
    cells = np.empty((len(first), width), dtype=np.uint8)
    for start in range(0, len(first), HASH_ROWS):
        rows = slice(start, start + HASH_ROWS)
        part = padded[first[rows, None] + offsets[None, :]]
        part *= offsets[None, :] < lengths[rows, None]
        value = lengths[rows].astype(np.uint64)
        with np.errstate(over="ignore"):
            for position in range(width):
                value = value * _PRIME + part[:, position]
        hashes[rows] = value
        cells[rows] = part
    return hashes, cells


def compact(values: IntArray) -> Ids:
    """int32 where the values fit (they do below 2³¹ lines): rows hold half as much."""
    if len(values) and int(values.max()) > _INT32_MAX:
        return values
    return values.astype(np.int32)


def _joined(parts: list[Ids]) -> Ids:
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return np.zeros(0, dtype=np.int32)
    return np.concatenate(parts)


class _CollisionError(Exception):
    """Two different fields with one hash (never seen; the csv reader then reads the file)."""


def split_safely(
    source: bytes | BinaryIO, width: int, wanted: Sequence[int], max_field: int
) -> Split | None:
    """:func:`split`, or ``None`` on a hash collision too."""
    try:
        return split(source, width, wanted, max_field)
    except _CollisionError:
        return None
