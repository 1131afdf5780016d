"""A sheet's real extent, read cheaply from the file before any reader builds the sheet.

calamine builds a sheet as one dense block of cells up to its last value, and
openpyxl pads every row to the sheet's width: two values in A1 and XFD1000000
make 1.6·10¹⁰ cells, and the process is killed for memory before anything can
be said. :func:`sheet_extent` finds the last row and column from the file itself,
streamed, so that a reader can refuse such a sheet with the ``max_sheet_cells``
limit first (:func:`check_sheet_extent`, :func:`check_workbook_extent`).

- **.xlsx, .xlsm**: the sheet's XML part is streamed from the zip in blocks and
  the ``r="…"`` reference of every cell is scanned with compiled bytes regular
  expressions; ``<dimension ref>`` is not used (a file may omit or falsify it).
  Each block is searched only for cells beyond the largest row and column seen
  so far, guessed first from the block's last cells: a sheet written in order
  costs one pass of the regular-expression engine per bound, with no matches.
  calamine places a cell by its ``r`` reference, or after the previous cell when
  it has none (its row counted from the ``<row>`` elements); the fast passes
  read cells written as every spreadsheet program writes them (``<c r="B2" …>``)
  and give way, for the whole part, to a walk element by element (slower,
  exact) as soon as a cell is written otherwise: ``r`` missing or not first,
  other quotes or spaces, a namespace prefix.
- **.ods**: :mod:`parindex.io.ods_extent`; **.xls**: :mod:`parindex.io.biff_extent`.
  calamine builds every sheet of those when it opens the file, so
  :func:`check_workbook_extent` checks them all before it is opened.

Each scan errs on the side of a larger extent (a cell element with no value,
which calamine leaves out, still counts), never a smaller one. A file too
damaged to scan is left to the reader, which refuses it with its own message.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from parindex import limits
from parindex.errors import InputError, InputProblem, Location

#: Bytes read from a zip part at a time.
BLOCK = 1 << 20
#: Bytes at the end of a block whose cells give the first guess of the largest row and column.
TAIL = 1 << 13

# An attribute list, quotes respected (a ``>`` inside a quoted value does not end the tag).
_ATTRS = rb"""(?:[^>"']|"[^"]*"|'[^']*')"""
# The rest of a cell element that is not self-closing (``<c r="B2" s="1"/>`` holds nothing).
_OPEN_END = _ATTRS + rb"*(?<!/)>"
#: A cell written as every spreadsheet program writes it, ``<c r="B2" …>``: (letters, digits).
_CELL = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"' + _OPEN_END)
#: A cell element with a namespace prefix (``<x:c …>``), which the fast scan does not read.
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s>]")
_ROW_OR_CELL = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])(" + _ATTRS + rb"*)>")
_R_VALUE = re.compile(rb"""(?:^|\s)r\s*=\s*(["'])([^"']*)\1""")
_REFERENCE = re.compile(rb"([A-Za-z]*)([0-9]+)")

Extent = tuple[int, int]
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS = {
    "m": _MAIN_NS,
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def column_number(letters: bytes) -> int:
    """``A`` → 1, ``Z`` → 26, ``AA`` → 27, ``XFD`` → 16384 (either case, as calamine reads)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _digits_above(value: int) -> bytes:
    """A pattern for a string of digits whose number is above ``value`` (leading zeros aside:
    a longer string always matches, and its number is then compared exactly)."""
    text = str(value).encode()
    options = [rb"[0-9]{%d,}" % (len(text) + 1)]
    for index, digit in enumerate(text):
        if digit < ord("9"):
            higher = b"[%c-9]" % (digit + 1)
            options.append(text[:index] + higher + rb"[0-9]{%d}" % (len(text) - index - 1))
    return b"(?:" + b"|".join(options) + b")"


def _letters_above(value: int) -> bytes:
    """A pattern for column letters (either case) whose column is above ``value`` (from 1)."""
    letters = b""
    while value:
        value, rest = divmod(value - 1, 26)
        letters = bytes([65 + rest]) + letters
    options = [rb"[A-Za-z]{%d,}" % (len(letters) + 1)]
    for index, letter in enumerate(letters):
        if letter < ord("Z"):
            prefix = b"".join(b"[%c%c]" % (c, c + 32) for c in letters[:index])
            higher = b"[%c-Z%c-z]" % (letter + 1, letter + 33)
            options.append(prefix + higher + rb"[A-Za-z]{%d}" % (len(letters) - index - 1))
    return b"(?:" + b"|".join(options) + b")"


def _rows_above(row: int) -> re.Pattern[bytes]:
    """Cells below row ``row`` (group 1), or (group 2) a cell element written otherwise than
    ``<c r="…"``: with ``r`` elsewhere or absent, or spaced otherwise (the fast scan gives up).

    Every alternative starts with ``<c``, so the engine jumps from one ``<c`` to the next.
    """
    beyond = rb' r="[A-Za-z]+(' + _digits_above(row) + rb')"' + _OPEN_END
    return re.compile(rb"<c(?:" + beyond + rb"""|([\t\n\r>]| (?!r=")))""")


def _columns_above(column: int) -> re.Pattern[bytes]:
    """Cells right of column ``column``: their letters."""
    return re.compile(rb'<c r="(' + _letters_above(column) + rb')[0-9]+"' + _OPEN_END)


def blocks(part: IO[bytes]) -> Iterator[bytes]:
    """The part in blocks that each end before a ``<`` (no element is cut in two)."""
    carried = b""
    while block := part.read(BLOCK):
        data = carried + block
        cut = data.rfind(b"<")
        if cut <= 0:
            carried = data
            continue
        carried = data[cut:]
        yield data[:cut]
    if carried:
        yield carried


class _Scan:
    """The largest row and column of the cells seen so far (1-based; 0 before any cell)."""

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0

    def block(self, data: bytes) -> bool:
        """Scan one block; False when it holds a cell the fast scan cannot place."""
        if b":c" in data and _PREFIXED_CELL.search(data):
            return False
        # The last cells of the block give the first guess: in a sheet written in order,
        # no cell of the block is beyond them, and the passes below find no match.
        for letters, digits in _CELL.findall(data, max(0, len(data) - TAIL)):
            self.rows = max(self.rows, int(digits))
            self.columns = max(self.columns, column_number(letters))
        found = _rows_above(self.rows).findall(data)
        if any(odd for _, odd in found):
            return False
        self.rows = max([self.rows, *(int(digits) for digits, _ in found)])
        found_columns = _columns_above(self.columns).findall(data)
        self.columns = max([self.columns, *map(column_number, found_columns)])
        return True


def _walk_cells(part: IO[bytes], cap: int) -> Extent:
    """Every row and cell element in order, placed as calamine places them (slow, exact);
    stops once the extent is beyond ``cap``.

    calamine reads an empty element (``<c r="B2"/>``, ``<row/>``) as a start and an end:
    such a cell moves the next one along without adding to the extent (it holds nothing),
    and such a row counts as a row.
    """
    rows = columns = 0
    row_index = column_index = 0  # 0-based, as calamine counts
    for data in blocks(part):
        for slash, name, attributes in _ROW_OR_CELL.findall(data):
            closed = attributes.endswith(b"/")
            found = None if slash else _R_VALUE.search(attributes)
            reference = _REFERENCE.fullmatch(found.group(2)) if found else None
            if name == b"row":
                if reference is not None:
                    row_index = int(reference.group(2)) - 1
                if slash or closed:
                    row_index, column_index = row_index + 1, 0
                continue
            if slash:
                continue
            row, column = row_index, column_index
            if reference is not None:
                row = int(reference.group(2)) - 1
                column = column_number(reference.group(1)) - 1
            column_index = column + 1
            if not closed:
                rows, columns = max(rows, row + 1), max(columns, column + 1)
        if rows * columns > cap:
            break
    return rows, columns


def sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip part of the sheet named ``sheet`` (workbook.xml and its relations)."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in relations.findall("p:Relationship", _NS)
    }
    for entry in workbook.iterfind("m:sheets/m:sheet", _NS):
        if entry.get("name") == sheet:
            target = targets.get(entry.get(f"{{{_NS['r']}}}id"), "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def xlsx_extent(path: Path, sheet: str) -> Extent | None:
    """(last row, last column) of a sheet of an .xlsx/.xlsm file; None if it cannot be found."""
    cap = limits.current().max_sheet_cells
    try:
        with zipfile.ZipFile(path) as archive:
            part = sheet_part(archive, sheet)
            if part is None:
                return None
            with archive.open(part) as stream:
                scan = _Scan()
                if all(scan.block(data) for data in blocks(stream)):
                    return scan.rows, scan.columns
            with archive.open(part) as stream:  # cells placed by order: walk them all
                return _walk_cells(stream, cap)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ElementTree.ParseError):
        return None


def workbook_extents(path: Path) -> dict[str, Extent] | None:
    """The extent of every sheet of an .ods or .xls file, by name (calamine builds all their
    sheets when it opens them); None for other files and files that cannot be scanned."""
    suffix = path.suffix.lower()
    if suffix == ".ods":
        from parindex.io.ods_extent import ods_extents

        return ods_extents(path)
    if suffix == ".xls":
        from parindex.io.biff_extent import xls_extents

        return xls_extents(path)
    return None


def sheet_extent(path: Path, sheet: str) -> Extent | None:
    """(last row, last column), both from 1, of the sheet ``sheet`` of the workbook at
    ``path``; (0, 0) for an empty sheet; None when the file cannot be scanned."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return xlsx_extent(path, sheet)
    extents = workbook_extents(path)
    if not extents:
        return None
    if sheet in extents:
        return extents[sheet]
    # A name not found as written (a codepage the scan does not decode): the largest.
    return max(extent[0] for extent in extents.values()), max(e[1] for e in extents.values())


def _refuse_beyond_cap(path: Path, sheet: str, extent: Extent | None) -> None:
    cap = limits.current().max_sheet_cells
    if extent is not None and extent[0] * extent[1] > cap:
        cells = extent[0] * extent[1]
        where = Location(path.name, sheet)
        problem = InputProblem(limits.over("max_sheet_cells", cells, cap), location=where)
        raise InputError([problem])


def check_sheet_extent(path: Path, sheet: str) -> Extent | None:
    """Refuse a sheet whose cells from A1 to its last value are more than ``max_sheet_cells``
    (an :class:`InputError` located at file and sheet); its extent when it could be found."""
    extent = sheet_extent(path, sheet)
    _refuse_beyond_cap(path, sheet, extent)
    return extent


def check_workbook_extent(path: Path) -> None:
    """Before an .ods or .xls file is opened (calamine builds every sheet of those as it
    opens them): refuse it when one of its sheets is beyond ``max_sheet_cells``."""
    for sheet, extent in (workbook_extents(path) or {}).items():
        _refuse_beyond_cap(path, sheet, extent)
