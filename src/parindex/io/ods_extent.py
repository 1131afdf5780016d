"""The extent of an OpenDocument (.ods) sheet, read from ``content.xml`` before calamine builds it.

A row or cell element may stand for many: ``table:number-rows-repeated`` and
``table:number-columns-repeated`` let a few bytes declare millions of cells,
and calamine expands a repeated cell that holds a value. LibreOffice writes
such counts for the empty space after the last value of every row and sheet;
they cost nothing here, since only cells with a value extend the extent.

The part is read row by row: a row's width is the number of cell elements up
to the end of its last cell with a value, plus what their repeat counts add,
found with byte searches inside the row (a Python step per row, not per cell).
calamine knows the elements by their usual names (``table:table-row``, …): a
file that binds the table namespace to another prefix shows it no cell at all
(tests/test_sheet_extent.py checks that this still holds), so only those names
are read here.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from parindex import limits

_ATTRS = rb"""(?:[^>"']|"[^"]*"|'[^']*')"""
#: Tables and rows (after ``<`` or ``</``): (``-row`` or nothing, attributes).
_TABLE_OR_ROW = re.compile(rb"table:table(-row)?(?=[\s/>])(" + _ATTRS + rb"*)>")
_NAME = re.compile(rb"""(?:^|\s)table:name\s*=\s*(["'])([^"']*)\1""")
_REPEATED = re.compile(rb"""(?:^|\s)table:number-(?:rows|columns)-repeated\s*=\s*["']([0-9]+)""")
_COLUMNS_REPEATED = re.compile(rb"""table:number-columns-repeated\s*=\s*["']([0-9]+)""")
#: One element, its attributes' quotes respected.
_TAG = re.compile(rb"<[^\s/>]*" + _ATTRS + rb"*>")
_ROW_END = b"</table:table-row>"
#: Bytes read from content.xml at a time.
BLOCK = 1 << 20
Extent = tuple[int, int]


def _repeated(attributes: bytes) -> int:
    found = _REPEATED.search(attributes)
    return max(int(found.group(1)), 1) if found else 1


def _row_blocks(part: IO[bytes]) -> Iterator[bytes]:
    """The part in blocks that each end after a row or a table (no row is cut in two)."""
    carried = b""
    while block := part.read(BLOCK):
        data = carried + block
        cut = max(data.rfind(_ROW_END), data.rfind(b"</table:table>"))
        if cut < 0:
            carried = data
            continue
        cut = data.index(b">", cut) + 1
        carried = data[cut:]
        yield data[:cut]
    if carried:
        yield carried


def _row_width(data: bytes, start: int, end: int) -> int:
    """Columns of the row whose content is ``data[start:end]``, up to its last cell with a
    value (0 when none has one; a cell element with content counts as having one)."""
    last = max(
        data.rfind(b"value-type", start, end),
        data.rfind(b"</table:table-cell>", start, end),
        data.rfind(b"</table:covered-table-cell>", start, end),
    )
    if last < 0:
        return 0
    tag = _TAG.match(data, data.rfind(b"<", start, last + 1))  # the element holding it
    cut = tag.end() if tag else end
    width = data.count(b"<table:table-cell", start, cut)
    width += data.count(b"<table:covered-table-cell", start, cut)
    if data.find(b"columns-repeated", start, cut) >= 0:
        width += sum(max(int(n), 1) - 1 for n in _COLUMNS_REPEATED.findall(data, start, cut))
    return width


def _by_rows(part: IO[bytes], cap: int) -> dict[str, Extent]:
    """Every table, row by row; stops at the first table beyond ``cap`` cells."""
    sheets: dict[str, Extent] = {}
    title: str | None = None
    rows = columns = row_index = row_start = 0
    row_count = 1
    for data in _row_blocks(part):
        for found in _TABLE_OR_ROW.finditer(data):
            at = found.start()
            slash = data[at - 2 : at] == b"</"
            if not slash and data[at - 1 : at] != b"<":
                continue  # the words inside some other text
            row, attributes = found.groups()
            closed = attributes.endswith(b"/")
            if not row:
                if slash and title is not None:
                    sheets[title], title = (rows, columns), None
                elif not slash and not closed:
                    named = _NAME.search(attributes)
                    title = html.unescape(named.group(2).decode()) if named else ""
                    rows = columns = row_index = 0
            elif title is None:
                continue
            elif not slash:
                if closed:
                    row_index += _repeated(attributes)
                else:
                    row_start, row_count = found.end(), _repeated(attributes)
            else:
                width = _row_width(data, row_start, at - 2)
                if width:
                    rows, columns = max(rows, row_index + row_count), max(columns, width)
                row_index += row_count
        if title is not None and rows * columns > cap:
            sheets[title] = (rows, columns)
            break
    return sheets


def ods_extents(path: Path) -> dict[str, Extent] | None:
    """(last row, last column) of the cells with a value of every table, by name; None when
    the file cannot be scanned. Stops at the first table beyond ``max_sheet_cells``."""
    cap = limits.current().max_sheet_cells
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
            return _by_rows(stream, cap)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, UnicodeDecodeError):
        return None
