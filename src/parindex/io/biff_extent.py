"""The extent of an .xls (BIFF) sheet, read from its cell records before calamine builds it.

An .xls file is a compound file (the "structured storage" of old Office) whose
``Workbook`` stream is a sequence of records; each cell record starts with its
row and column as 16-bit numbers. Excel writes columns up to 255, but the field
holds up to 65,535, and calamine builds whatever a record says: one cell record
with row and column 65,535 asks for 4.3·10⁹ cells. Reading the compound file's
allocation tables and walking the records of the sheet (a Python step per
record) finds the real extent first.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
#: Sector numbers from here up are markers (free, end of chain, table sectors).
_MARKERS = 0xFFFFFFFA
#: Records whose body starts with row and column: FORMULA, BLANK, NUMBER, LABEL, BOOLERR,
#: RK, LABELSST, RSTRING, and the BIFF4 formula.
_CELLS = frozenset({0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6, 0x0406})
#: Records of several cells in one row: row, first column, …, last column (MULRK, MULBLANK).
_RUNS = frozenset({0x00BD, 0x00BE})
_BOF = frozenset({0x0009, 0x0209, 0x0409, 0x0809})
_EOF, _BOUNDSHEET, _FILEPASS = 0x000A, 0x0085, 0x002F
Extent = tuple[int, int]


class _Compound:
    """Just enough of a compound file to read one stream (v3 and v4, FAT and mini FAT)."""

    def __init__(self, data: bytes) -> None:
        if data[:8] != _SIGNATURE:
            raise ValueError("not a compound file")
        self.data = data
        self.size = 1 << int(struct.unpack_from("<H", data, 0x1E)[0])
        self.mini_size = 1 << int(struct.unpack_from("<H", data, 0x20)[0])
        (fat_sectors, self.directory, self.cutoff, self.mini_fat_start) = struct.unpack_from(
            "<I I 4x I I", data, 0x2C
        )
        difat_start, difat_sectors = struct.unpack_from("<I I", data, 0x44)
        table = list(struct.unpack_from("<109I", data, 0x4C))
        sector = difat_start
        for _ in range(min(difat_sectors, self.count)):
            if sector >= _MARKERS:
                break
            entries = self._numbers(self.sector(sector))
            table += entries[:-1]
            sector = entries[-1]
        fat = b"".join(self.sector(s) for s in table[:fat_sectors] if s < _MARKERS)
        self.fat = self._numbers(fat)

    @property
    def count(self) -> int:
        """Sectors in the file (a bound for every chain: a loop in a chain ends there)."""
        return len(self.data) // self.size

    def sector(self, number: int) -> bytes:
        start = (number + 1) * self.size
        return self.data[start : start + self.size]

    @staticmethod
    def _numbers(data: bytes) -> list[int]:
        return list(struct.unpack(f"<{len(data) // 4}I", data[: len(data) // 4 * 4]))

    @staticmethod
    def _chain(start: int, table: list[int]) -> Iterator[int]:
        sector = start
        for _ in range(len(table)):
            if sector >= _MARKERS or sector >= len(table):
                return
            yield sector
            sector = table[sector]

    def _stream(self, start: int, size: int | None = None) -> bytes:
        data = b"".join(self.sector(s) for s in self._chain(start, self.fat))
        return data if size is None else data[:size]

    def stream(self, names: tuple[str, ...]) -> bytes | None:
        """The first stream named one of ``names`` (any case), or None."""
        directory = self._stream(self.directory)
        root: tuple[int, int] | None = None
        for offset in range(0, len(directory) - 127, 128):
            entry = directory[offset : offset + 128]
            length = min(struct.unpack_from("<H", entry, 64)[0], 64)
            name = entry[: max(length - 2, 0)].decode("utf-16-le", "replace")
            kind = entry[66]
            start, size = struct.unpack_from("<I Q", entry, 116)
            if self.size == 512:  # version 3 files: the high 32 bits may hold anything
                size &= 0xFFFFFFFF
            if kind == 5:
                root = (start, size)
            elif kind == 2 and name.lower() in names:
                if size >= self.cutoff or root is None:
                    return self._stream(start, size)
                mini = self._stream(*root)
                mini_fat = self._numbers(self._stream(self.mini_fat_start))
                return b"".join(
                    mini[s * self.mini_size : (s + 1) * self.mini_size]
                    for s in self._chain(start, mini_fat)
                )[:size]
        return None


def _records(stream: bytes, start: int = 0) -> Iterator[tuple[int, int, int]]:
    """(type, body offset, body length) of each record from ``start``."""
    position, end = start, len(stream) - 4
    while position <= end:
        kind, length = struct.unpack_from("<HH", stream, position)
        yield kind, position + 4, length
        position += 4 + length


def _sheet_name(stream: bytes, offset: int, biff8: bool) -> str:
    """The name in a BOUNDSHEET record (BIFF8: a flagged string; BIFF5: bytes in the codepage)."""
    count = stream[offset + 6]
    if not biff8:
        return stream[offset + 7 : offset + 7 + count].decode("cp1252", "replace")
    wide = stream[offset + 7] & 1
    raw = stream[offset + 8 : offset + 8 + count * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", "replace")


def _extent(stream: bytes, start: int) -> Extent:
    """Largest row and column (from 1) of the cell records of the substream at ``start``."""
    rows = columns = depth = 0
    for kind, offset, length in _records(stream, start):
        if kind in _CELLS and length >= 4:
            row, column = struct.unpack_from("<HH", stream, offset)
        elif kind in _RUNS and length >= 6:
            row = struct.unpack_from("<H", stream, offset)[0]
            column = struct.unpack_from("<H", stream, offset + length - 2)[0]
        else:
            if kind in _BOF:
                depth += 1
            elif kind == _EOF:
                depth -= 1
                if depth <= 0 and start:
                    break
            continue
        rows, columns = max(rows, row + 1), max(columns, column + 1)
    return rows, columns


def xls_extents(path: Path) -> dict[str, Extent] | None:
    """(last row, last column) of every sheet of an .xls file, by name; None when the file
    cannot be scanned (not a compound file, encrypted, damaged)."""
    try:
        stream = _Compound(path.read_bytes()).stream(("workbook", "book"))
        if stream is None:
            return None
        biff8 = False
        sheets: dict[str, Extent] = {}
        for kind, offset, length in _records(stream):
            if kind in _BOF and length >= 2:
                biff8 = struct.unpack_from("<H", stream, offset)[0] == 0x0600
            elif kind == _FILEPASS:
                return None  # encrypted: the records' bodies cannot be read
            elif kind == _BOUNDSHEET and length >= 8:
                position = struct.unpack_from("<I", stream, offset)[0]
                if position < len(stream):
                    sheets[_sheet_name(stream, offset, biff8)] = _extent(stream, position)
            elif kind == _EOF:
                break
        return sheets or {"": _extent(stream, 0)}
    except (OSError, ValueError, struct.error, IndexError):
        return None
