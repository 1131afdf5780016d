"""Output paths checked before any work: known extension, a writable folder, never an input.

Every command that writes calls :func:`check_outputs` right after parsing its
arguments, so a mistyped ``-o`` is reported at once, not after minutes of
reading and scoring, and an output can never overwrite one of the inputs
(symbolic links followed, hard links recognised).

Overwriting an earlier output is allowed (that is what ``-o`` is for), with one
exception: a parindex entry workbook that a unit has filled in is data, not an
output, even when it is not among this command's inputs. ``template -o
filled.xlsx`` or ``score ... -o filled.xlsx`` is refused when ``filled.xlsx``
holds entries; a blank template may be replaced.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from parindex import limits
from parindex.errors import ParIndexError
from parindex.io.layout import (
    INPUT_KEYS,
    LISTS_SHEET,
    META_SHEET,
    UNIT_COLUMNS,
    UNIT_FIELDS,
    header_lookup,
)
from parindex.io.sheet_extent import sheet_extent
from parindex.rules.base import normalise_label

#: Extensions of workbooks that may be a filled entry workbook.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _files_under(path: Path) -> Iterable[Path]:
    if path.is_dir():
        yield from (child for child in path.iterdir() if child.is_file())
    else:
        yield path


def _key(value: object, lookup: dict[str, str]) -> str | None:
    return None if value is None else lookup.get(normalise_label(str(value)))


def _filled_cells(
    sheet: Any, layout: str, header_row: int, data_row: int, extent: tuple[int, int]
) -> int:
    """Non-empty cells a unit fills in: the unit block and the input columns (unit layout),
    or every cell from the first data row on (batch layout), within the sheet's ``extent``."""
    bounds = {"max_row": extent[0] or None, "max_col": extent[1] or None}
    if layout != "unit":
        return sum(
            value not in (None, "")
            for row in sheet.iter_rows(min_row=data_row, values_only=True, **bounds)
            for value in row
        )
    rows = list(sheet.iter_rows(values_only=True, **bounds))
    if len(rows) < header_row:
        return 0
    keys = header_lookup(UNIT_COLUMNS)
    header = [_key(h, keys) for h in rows[header_row - 1]]
    inputs = [column for column, key in enumerate(header) if key in INPUT_KEYS]
    filled = sum(
        len(row) > column and row[column] not in (None, "")
        for row in rows[header_row:]
        for column in inputs
    )
    fields = header_lookup(UNIT_FIELDS)
    unit_block = sum(
        len(row) > 1 and _key(row[0], fields) is not None and row[1] not in (None, "")
        for row in rows[: header_row - 1]
    )
    return filled + unit_block


def filled_entries(path: str | Path) -> int:
    """How many cells were filled in, when ``path`` is a parindex entry workbook; 0 otherwise.

    A file that cannot be opened as a workbook, or a workbook parindex did not
    make as an entry template (results, other spreadsheets), counts as 0.
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        return 0
    try:
        if META_SHEET not in book.sheetnames:
            return 0
        meta: dict[str, str] = {}
        for row in book[META_SHEET].iter_rows(max_col=2, values_only=True):
            if row and row[0] is not None:
                meta[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
        names = [n for n in book.sheetnames if n not in (META_SHEET, LISTS_SHEET)]
        if not names or meta.get("layout") not in ("unit", "batch"):
            return 0
        header_row = int(meta.get("header_row", "1") or 1)
        data_row = int(meta.get("data_row", str(header_row + 1)) or header_row + 1)
        extent = sheet_extent(Path(path), names[0]) or (0, 0)
        if extent[0] * extent[1] > limits.current().max_sheet_cells:
            return 0  # no template parindex wrote is that large, and it cannot be read
        return _filled_cells(book[names[0]], meta["layout"], header_row, data_row, extent)
    except Exception:  # a damaged part shows only when read (read-only mode): not an entry book
        return 0
    finally:
        book.close()


def check_output(
    output: str | Path,
    kinds: Sequence[str],
    inputs: Sequence[str | Path] = (),
) -> Path:
    """``output`` checked for writing one of ``kinds`` (extensions like ``.xlsx``).

    Raises :class:`ParIndexError` (a catalogue message naming the path) when the
    extension is not one of ``kinds``, the path is a folder, its folder is missing
    or not writable, it is the same file as one of ``inputs`` (or a file directly
    inside an input folder), or it is an entry workbook that holds entries.
    """
    if str(output) == "-":  # the Unix "standard output": outputs are files (--json prints)
        raise ParIndexError("output.stdout", kinds=list(kinds))
    path = Path(output)
    suffix = path.suffix.lower()
    if path.is_dir():
        raise ParIndexError("output.is_folder", path=str(path))
    if kinds and not suffix:
        raise ParIndexError("output.no_extension", path=str(path), kinds=list(kinds))
    if kinds and suffix not in kinds:
        raise ParIndexError(
            "output.unknown_extension", path=str(path), found=suffix, kinds=list(kinds)
        )
    real = Path(os.path.realpath(path))
    folder = real.parent
    if not folder.is_dir():
        through = next((p for p in path.parents if p.exists()), None)
        if through is not None and not through.is_dir():  # "a.csv/b.xlsx"
            raise ParIndexError("output.folder_is_file", path=str(path), folder=str(through))
        raise ParIndexError("output.no_folder", path=str(path), folder=str(path.parent))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ParIndexError("output.folder_not_writable", path=str(path), folder=str(folder))
    if real.exists() and not os.access(real, os.W_OK):
        raise ParIndexError("output.not_writable", path=str(path))
    for given in inputs:
        for candidate in _files_under(Path(given)):
            if Path(os.path.realpath(candidate)) == real or _same_file(candidate, real):
                raise ParIndexError("output.is_input", path=str(path), input=str(candidate))
    if real.is_file() and suffix in WORKBOOK_SUFFIXES:
        entries = filled_entries(real)
        if entries:
            raise ParIndexError("output.is_filled_workbook", path=str(path), entries=entries)
    return path


def check_outputs(
    outputs: Sequence[tuple[str | Path | None, Sequence[str]]],
    inputs: Sequence[str | Path] = (),
) -> None:
    """Check several outputs at once; two outputs may not be the same file either."""
    seen: dict[Path, str] = {}
    for output, kinds in outputs:
        if output is None:
            continue
        path = check_output(output, kinds, inputs)
        real = Path(os.path.realpath(path))
        if real in seen:
            raise ParIndexError("output.twice", path=str(path), other=seen[real])
        seen[real] = str(path)
