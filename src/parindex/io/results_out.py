"""Writing results: a workbook for officials, CSV and JSON for machines.

The workbook has a ranking sheet, a sheet of component indices (one index and
class A/B/C/D per field), and one sheet per unit with the tree: the value
entered beside the points it earned, maximum, lost points (điểm bị mất), index,
class, for each "không phát sinh" leaf what it meant (full points, left out of
the maximum, or zero), and the evidence and notes the unit wrote. Figures are
numbers in numeric cells with a ``#,##0.00`` format (the reader's spreadsheet
shows its own separators): points and indices as the pack's rounding rule
publishes them (its places and mode, as the ranking); maxima and lost points
(maximum shown minus points shown) exact, with the rule's places or more where
they have them. A zero is never shown with a minus sign.
Every sheet is set up to print on A4 with the header block (issuing body,
title with the year, criteria set and legal basis, notices) and the ranking
ends with the signature block. Text from data is never a formula
(:mod:`parindex.io.sheets`). Every file is written to a temporary file and
renamed into place.

CSV and JSON lines are built from the result arrays a block of units at a time
(:mod:`parindex.io.text_columns`) and streamed to the file, so 10⁵ units of a
150-node pack (gigabytes of text) cost seconds and a few MB of memory; the
workbook's tables take their figures from the arrays too.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator, Sequence
from copy import copy
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font
from openpyxl.worksheet.worksheet import Worksheet

from parindex import __version__
from parindex.compiled import ROOT
from parindex.document import Heading, legal_basis, notices, title
from parindex.engines.grades import NO_GRADE
from parindex.errors import ParIndexError
from parindex.fixedpoint import BoolArray, FloatArray, Int64Array
from parindex.history.records import (
    CONVERTER,
    FORMAT,
    ResultsDocument,
)
from parindex.history.stored import records_from_results, result_set_record, result_stages
from parindex.io import text_columns
from parindex.io.atomic import atomic_path
from parindex.io.sheets import (
    BOLD,
    GRID,
    LINE_HEIGHT,
    csv_text,
    fit_rows,
    header_row,
    heading_block,
    looks_like_formula,
    number_format,
    print_setup,
    put,
    set_value,
    set_widths,
    signature_block,
    wrapped_lines,
    writable_cell,
)
from parindex.labels import label, stages_label
from parindex.messages import text
from parindex.model import NotApplicable, Pack
from parindex.results import UNRANKED, Results, StageScores, round_ticks
from parindex.rules import Achieved, Levels, Rule
from parindex.scoring import effective_entries

#: Above this many units the workbook has no per-unit sheets unless asked for.
UNIT_SHEETS_LIMIT = 300
#: Rows of a worksheet (Excel, LibreOffice).
SHEET_ROWS = 1_048_576
#: Number format of an entered rate: the number, then " %".
RATE = 'General" %"'
#: Tables wider than this (characters) print on landscape pages.
LANDSCAPE_WIDTH = 150

TOP = Alignment(vertical="top")
#: Unit sheet columns whose text wraps.
_WRAPPED = ("na", "self_entered", "final_entered", "evidence", "note")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_NA_EFFECT = {
    NotApplicable.FULL_POINTS: "na_full_points",
    NotApplicable.EXCLUDED: "na_excluded",
    NotApplicable.ZERO: "na_zero",
}


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _sheet_name(text: str, taken: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("_", text).strip("'") or "unit"
    name = base[:31]
    counter = 2
    while name.casefold() in taken or name.casefold() == "history":
        suffix = f" ({counter})"
        name = base[: 31 - len(suffix)] + suffix
        counter += 1
    taken.add(name.casefold())
    return name


class _Book:
    """One results workbook being written: the shared header and formats of its sheets."""

    def __init__(
        self, results: Results, lang: str, heading: Heading, path: str | Path = ""
    ) -> None:
        self.results, self.lang, self.heading, self.path = results, lang, heading, path
        pack = results.pack
        self.decimals = pack.rounding.decimals
        self.fmt = number_format(self.decimals)
        #: Packs without a classification have no class columns.
        self.graded = bool(pack.classification.grades)
        self.title = title(heading, "results", lang)
        if heading.title is None:
            self.title = self.title.upper()
        pack_line = text(
            "output.pack_line", lang, title=pack.title, id=pack.id, version=pack.version
        )
        basis = legal_basis(pack, lang)
        stages = text(
            "output.stage_line", lang, stages=stages_label(results.final.stages_used, lang)
        )
        self.lines = [pack_line, *([basis] if basis else []), stages]
        self.notices = notices(pack, lang)
        self.notices += [results.coverage.line(lang)] if results.is_partial else []  # issue 14
        self.book = Workbook()
        default = self.book.active
        if default is not None:
            self.book.remove(default)

    def sheet(
        self, name: str, widths: Sequence[float], lines: Sequence[str] | None = None
    ) -> tuple[Worksheet, int]:
        """A new sheet with its column widths and header block; the first free row."""
        sheet = self.book.create_sheet(name)
        set_widths(sheet, widths)
        row = heading_block(
            sheet,
            self.heading,
            self.lang,
            width=len(widths),
            title=self.title,
            lines=self.lines if lines is None else lines,
            notices=self.notices,
        )
        return sheet, row

    def label(self, key: str) -> str:
        return label(key, self.lang)


class _Cells:
    """Cells written as :func:`~parindex.io.sheets.put` writes them, each distinct style
    set once and copied to the next cells that share it.

    openpyxl hashes every font, alignment and border on each assignment, which was most
    of the time of a 10⁴-unit workbook; a style's openpyxl record (``StyleArray``, as
    openpyxl's own sheet copier copies it) is looked up here by the identity of the
    style objects, which the cache keeps alive so that no identity is reused.
    """

    def __init__(self) -> None:
        self._styles: dict[tuple[object, ...], tuple[Any, tuple[object, ...]]] = {}

    def put(
        self,
        sheet: Worksheet,
        row: int,
        column: int,
        value: Any,
        *,
        number: str | None = None,
        font: Font | None = None,
        align: Alignment | None = None,
        border: Border | None = None,
    ) -> None:
        is_text = isinstance(value, str)
        formula_like = is_text and looks_like_formula(value)
        shown = number if value is not None and not is_text else None
        key = (shown, id(font), id(align), id(border), formula_like)
        found = self._styles.get(key)
        if found is None:
            cell = put(sheet, row, column, value, number=number, font=font, align=align)
            if border is not None:
                cell.border = border
            self._styles[key] = (copy(cell._style), (font, align, border))  # type: ignore[attr-defined]
            return
        target = writable_cell(sheet, row, column)
        set_value(target, value)
        target._style = copy(found[0])  # type: ignore[attr-defined]


def _figures(ticks: npt.NDArray[np.signedinteger[Any]], decimals: int) -> list[float]:
    """Fixed-point figures as the floats ``float(Decimal)`` gives (exact ints, one division)."""
    return (np.asarray(ticks, dtype=np.int64) / 10**decimals).tolist()  # type: ignore[no-any-return]


def _exact_formats(
    ticks: npt.NDArray[np.signedinteger[Any]], finest: int, decimals: int
) -> list[str]:
    """Number formats of exact figures at ``finest`` places (maxima, lost points): the
    rounding rule's ``decimals`` places, or more where a figure has them (0.25 of a point
    is not 0.3; 2.5 is not 3 with 0 decimals), as the CSV writes them."""
    values = np.asarray(ticks, dtype=np.int64)
    places = np.maximum(decimals, finest - text_columns.trailing_zeros(values, finest))
    formats = [number_format(k) for k in range(max(finest, decimals) + 1)]
    return [formats[k] for k in places.tolist()]


class _Published:
    """Published figures (rounded points, maxima, index, class) of a row or column of the
    results, as cells take them: the floats ``float(Decimal)`` gives, None where empty."""

    def __init__(
        self,
        pack: Pack,
        points: npt.NDArray[np.signedinteger[Any]],
        maxima: npt.NDArray[np.signedinteger[Any]],
        index: npt.NDArray[np.signedinteger[Any]],
        grade: npt.NDArray[np.int8],
    ) -> None:
        self.rounded = round_ticks(points, pack)
        self.points = _figures(self.rounded, pack.rounding.decimals)  # -0.001 shows 0,00
        self.maximum = _figures(maxima, pack.point_decimals)
        self.maximum_format = _exact_formats(maxima, pack.point_decimals, pack.rounding.decimals)
        shown = _figures(index, pack.rounding.decimals)
        self.index = [None if m == 0 else i for i, m in zip(shown, maxima.tolist(), strict=True)]
        labels = pack.classification.labels
        self.grade = [None if g == NO_GRADE else labels[g] for g in grade.tolist()]

    @classmethod
    def of_node(cls, results: Results, order: Int64Array, node: int) -> _Published:
        """One node of every unit, in ``order``."""
        scores = results.final
        return cls(
            results.pack,
            scores.points[order, node],
            scores.maximum_of(node)[order],
            scores.index[order, node],
            scores.grade[order, node],
        )

    @classmethod
    def of_unit(cls, results: Results, scores: StageScores, position: int) -> _Published:
        """Every node of one unit."""
        return cls(
            results.pack,
            scores.points[position],
            scores.maxima(position, position + 1)[0],
            scores.index[position],
            scores.grade[position],
        )


def _lost(
    results: Results, published: _Published, maxima: Int64Array
) -> tuple[list[float], list[str]]:
    """Points lost per node and their number formats: the maximum shown minus the points
    shown (rounded by the pack's rule), exactly, never below 0, so that the sheet's
    figures add up as a reader checks them. No second rounding: the figure shows the
    places it has, as the maximum does."""
    pack = results.pack
    point_decimals, decimals = pack.point_decimals, pack.rounding.decimals
    finest = max(point_decimals, decimals)
    lost = np.maximum(
        maxima * 10 ** (finest - point_decimals) - published.rounded * 10 ** (finest - decimals), 0
    )
    return _figures(lost, finest), _exact_formats(lost, finest, decimals)


def _ranking(out: _Book) -> None:
    results, lang = out.results, out.lang
    grouped = any(unit.group for unit in results.units)
    keys = ["rank", "unit", "name", *(["group"] if grouped else []), "points", "maximum"]
    keys += ["index", *(["grade"] if out.graded else [])]
    widths = {"rank": 6, "unit": 11, "name": 32, "group": 14, "grade": 8}
    numeric = {"points": out.fmt, "index": out.fmt}
    sheet, row = out.sheet(text("output.sheet_ranking", lang), [widths.get(k, 10) for k in keys])
    header_row(sheet, row, [out.label(k) for k in keys])
    first = row + 1
    signature = 8 + len(out.heading.signer)  # place and date, signers, room to sign, name
    if first + len(results.units) + signature > SHEET_ROWS:
        raise ParIndexError(
            "output.too_many_units_for_workbook",
            path=str(out.path),
            units=len(results.units),
            rows=SHEET_ROWS,
        )
    order = results.ranking_order()
    totals = _Published.of_node(results, order, ROOT)
    units = [results.units[i] for i in order.tolist()]
    ranks = results.final.rank[order].tolist()
    columns: dict[str, list[Any]] = {
        "rank": [None if rank == UNRANKED else rank for rank in ranks],
        "unit": [unit.id for unit in units],
        "name": [unit.name for unit in units],
        "group": [unit.group for unit in units],
        "points": totals.points,
        "maximum": totals.maximum,
        "index": totals.index,
        "grade": totals.grade,
    }
    centre = Alignment(horizontal="center")
    cells = _Cells()
    for column, key in enumerate(keys, start=1):
        align = centre if key in ("rank", "grade") else None
        number = numeric.get(key)
        for offset, value in enumerate(columns[key]):
            if key == "maximum":
                number = totals.maximum_format[offset]
            cells.put(sheet, first + offset, column, value, number=number, align=align, border=GRID)
    last = first + len(results.units) - 1
    signature_block(sheet, last + 1, out.heading, lang, len(keys))
    print_setup(sheet, lang, landscape=False, title_rows=(row, row), freeze=f"D{first}")


def _components(out: _Book) -> None:
    results, lang = out.results, out.lang
    compiled = results.compiled
    fields = compiled.children(ROOT)
    lead = ["rank", "unit", "name", "index", *(["grade"] if out.graded else [])]
    per_field = 2 if out.graded else 1
    field_widths = [8, 6] if out.graded else [10]
    widths = [6, 11, 28, 9, *([7] if out.graded else []), *(field_widths * len(fields))]
    sheet, row = out.sheet(text("output.sheet_components", lang), widths)
    header_row(sheet, row, [out.label(k) for k in lead])
    header_row(sheet, row + 1, [""] * len(lead))
    for column in range(1, len(lead) + 1):
        sheet.merge_cells(start_row=row, start_column=column, end_row=row + 1, end_column=column)
    lines = 1
    for k, field in enumerate(fields):
        column = len(lead) + 1 + per_field * k
        heading = f"{compiled.codes[field]}. {compiled.titles[field]}"
        lines = max(lines, wrapped_lines(heading, sum(field_widths), bold=True))
        header_row(sheet, row, [heading, *[""] * (per_field - 1)], first=column)
        if per_field > 1:
            sheet.merge_cells(
                start_row=row, start_column=column, end_row=row, end_column=column + per_field - 1
            )
        header_row(sheet, row + 1, ["%", out.label("grade")][:per_field], first=column)
    # Field titles wrap over their narrow columns.
    sheet.row_dimensions[row].height = LINE_HEIGHT * lines + 2
    first = row + 2
    order = results.ranking_order()
    units = [results.units[i] for i in order.tolist()]
    ranks = results.final.rank[order].tolist()
    total = _Published.of_node(results, order, ROOT)
    table: list[tuple[list[Any], bool]] = [
        ([None if rank == UNRANKED else rank for rank in ranks], False),
        ([unit.id for unit in units], False),
        ([unit.name for unit in units], False),
        (total.index, True),
    ]
    if out.graded:
        table.append((total.grade, False))
    for field in fields:
        figures = _Published.of_node(results, order, field)
        table.append((figures.index, True))
        if out.graded:
            table.append((figures.grade, False))
    centre = Alignment(horizontal="center")
    cells = _Cells()
    for column, (values, numeric) in enumerate(table, start=1):
        for offset, value in enumerate(values):
            cells.put(
                sheet,
                first + offset,
                column,
                value,
                number=out.fmt if numeric else None,
                align=centre if column == 1 or (isinstance(value, str) and column > 3) else None,
                border=GRID,
            )
    # Landscape only where the table is wide (fields with classes): one page wide either way.
    landscape = sum(widths) > LANDSCAPE_WIDTH
    print_setup(sheet, lang, landscape=landscape, title_rows=(row, row + 1), freeze=f"D{first}")


def _entries(results: Results, scores: StageScores, final: bool) -> tuple[FloatArray, BoolArray]:
    """The entries a view scored: each leaf's value by stage priority (overrides on final)."""
    values, na, _, _ = effective_entries(results.input, scores.stages_used)
    if final and results.overrides:
        values, na = values.copy(), na.copy()
        compiled = results.compiled
        for override in results.overrides:
            row, column = results.position(override.unit), compiled.leaf_index[override.code]
            values[row, column] = compiled.leaf_rules[column].encode(override.value)
            na[row, column] = False
    return values, na


def entered(rule: Rule, value: float, lang: str) -> str | float:
    """A leaf's entry as the unit gave it: the level or đạt / không đạt in words, else the
    number (a numeric cell); empty entries read "chưa nhập"."""
    if math.isnan(value):
        return label("missing", lang)
    if isinstance(rule, Levels) and 0 <= int(value) < len(rule.levels):
        return rule.levels[int(value)].label
    if isinstance(rule, Achieved):
        return text("analysis.achieved" if value == 1 else "analysis.not_achieved", lang)
    return value


def _unit_columns(with_self: bool, with_notes: bool, graded: bool) -> list[tuple[str, float]]:
    columns = [("code", 8.0), ("title", 42.0), ("maximum", 8.0)]
    if with_self:
        columns += [("self_entered", 15.0), ("self_points", 9.0)]
    columns += [("final_entered", 15.0), ("final_points", 9.0), ("lost", 8.0)]
    columns += [("index", 8.0), *([("grade", 7.0)] if graded else []), ("na", 14.0)]
    if with_notes:
        columns += [("evidence", 22.0), ("note", 18.0)]
    return columns


def _unit_sheets(out: _Book) -> None:
    results, lang = out.results, out.lang
    compiled = results.compiled
    taken = {name.casefold() for name in out.book.sheetnames}
    self_scores = results.stages.get("self")
    with_self = self_scores is not None and len(results.stages) > 1
    notes = results.input.notes
    columns = _unit_columns(with_self, bool(notes), out.graded)
    keys = [key for key, _ in columns]
    labels = [
        text(f"output.{key}", lang) if key.startswith("final_") else out.label(key) for key in keys
    ]
    final_values, final_na = _entries(results, results.final, final=True)
    self_values, self_na = (
        _entries(results, self_scores, final=False) if with_self and self_scores else (None, None)
    )
    leaf_of = {int(node): i for i, node in enumerate(compiled.leaf_nodes.tolist())}
    lang_na = {na: label(key, lang) for na, key in _NA_EFFECT.items()}

    def leaf_entry(values: FloatArray, na: BoolArray, row: int, leaf: int) -> str | float:
        if na[row, leaf]:
            return label("na", lang)
        return entered(compiled.leaf_rules[leaf], float(values[row, leaf]), lang)

    figures = {"self_points": out.fmt, "final_points": out.fmt, "index": out.fmt}
    # The same objects for every cell, so that the style cache finds them.
    wrapped = Alignment(wrap_text=True, vertical="top")
    aligns: dict[str, Alignment] = {key: wrapped for key in _WRAPPED}
    aligns["grade"] = Alignment(horizontal="center", vertical="top")
    titles = {
        depth: Alignment(indent=max(depth - 1, 0), wrap_text=True, vertical="top")
        for depth in set(compiled.depth.tolist())
    }
    numbers: list[dict[str, str]] = []
    for node in range(compiled.n_nodes):
        numeric = dict(figures)
        leaf = leaf_of.get(node)
        if leaf is not None:
            # a rate is shown as typed, "85 %" (the cell keeps the number 85)
            rate = compiled.leaf_rules[leaf].takes_rate()
            numeric["self_entered"] = numeric["final_entered"] = RATE if rate else "General"
        numbers.append(numeric)
    cells_out = _Cells()
    for position, unit in enumerate(results.units):
        rank = results.rank(unit.id)
        unit_line = " · ".join(
            (
                text("output.unit_title", lang, name=unit.name or unit.id, unit=unit.id),
                text("output.unit_rank", lang, rank=str(rank))
                if rank is not None
                else text("output.unit_rank_none", lang),
            )
        )
        sheet, row = out.sheet(
            _sheet_name(unit.id, taken), [w for _, w in columns], [unit_line, *out.lines]
        )
        header_row(sheet, row, labels)
        first = row + 1
        final = _Published.of_unit(results, results.final, position)
        lost, lost_format = _lost(results, final, results.final.maxima(position, position + 1)[0])
        own = None
        if with_self and self_scores is not None:
            own = _Published.of_unit(results, self_scores, position)
        for node in range(compiled.n_nodes):
            code = compiled.codes[node]
            cells: dict[str, Any] = {
                "code": code or label("total", lang),
                "title": compiled.titles[node],
                "maximum": final.maximum[node],
                "final_points": final.points[node],
                "lost": lost[node],
                "index": final.index[node],
                "grade": final.grade[node],
            }
            if own is not None:
                cells["self_points"] = own.points[node]
            leaf = leaf_of.get(node)
            if leaf is not None:
                cells["final_entered"] = leaf_entry(final_values, final_na, position, leaf)
                if self_values is not None and self_na is not None:
                    cells["self_entered"] = leaf_entry(self_values, self_na, position, leaf)
                if final_na[position, leaf]:
                    cells["na"] = lang_na.get(compiled.leaf_na[leaf], "")
                annotation = notes.get((unit.id, code))
                if annotation is not None:
                    cells["evidence"] = annotation.evidence or None
                    cells["note"] = annotation.note or None
            depth = int(compiled.depth[node])
            strong = node == ROOT or depth == 1
            exact = {"maximum": final.maximum_format[node], "lost": lost_format[node]}
            for column, key in enumerate(keys, start=1):
                cells_out.put(
                    sheet,
                    first + node,
                    column,
                    cells.get(key),
                    number=exact.get(key) or numbers[node].get(key),
                    font=BOLD if strong else None,
                    align=titles[depth] if key == "title" else aligns.get(key, TOP),
                    border=GRID,
                )
        last = first + compiled.n_nodes - 1
        fit_rows(sheet, first, last)
        print_setup(sheet, lang, landscape=False, title_rows=(row, row), freeze=f"C{first}")


def write_results_xlsx(
    results: Results,
    path: str | Path,
    *,
    lang: str = "vi",
    unit_sheets: bool | None = None,
    heading: Heading | None = None,
) -> Path:
    """The results workbook; per-unit sheets by default up to ``UNIT_SHEETS_LIMIT`` units.

    ``heading``: issuing body, year, title and signer for the printed sheets. More units
    than a sheet has rows (about a million) are refused before anything is written.
    """
    out = _Book(results, lang, heading or Heading(), path)
    _ranking(out)
    _components(out)
    if unit_sheets if unit_sheets is not None else len(results.units) <= UNIT_SHEETS_LIMIT:
        _unit_sheets(out)
    if results.survey is not None:
        results.survey.add_sheet(out.book, lang)
    out.book.properties.creator = f"parindex {__version__}"
    out.book.properties.title = out.title
    target = Path(path)
    with atomic_path(target) as temporary:
        out.book.save(temporary)
    return target


CSV_FIELDS = (
    "unit",
    "name",
    "group",
    "code",
    "title",
    "depth",
    "points",
    "maximum",
    "index",
    "grade",
    "rank",
)
#: The ``partial`` column's value on every line of a partial pack or view (issue 14).
PARTIAL = "1"


#: Lines built at once (whole units: 111 units of a 147-node pack); smaller blocks stay in
#: the CPU caches and were faster than 65,536 lines, and hold a few MB.
BLOCK_LINES = 1 << 14


def _csv_field(value: str, delimiter: str) -> str:
    """One field as :mod:`csv` writes it (quoted where it holds a delimiter, quote or
    line break; quotes doubled)."""
    if not value:
        return ""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow([value])
    return buffer.getvalue()[: -len("\r\n")]


def _unit_blocks(results: Results) -> Iterator[tuple[int, int]]:
    """Consecutive ranges of unit positions, each about ``BLOCK_LINES`` lines of nodes."""
    step = max(1, BLOCK_LINES // max(results.compiled.n_nodes, 1))
    for start in range(0, len(results.units), step):
        yield start, min(start + step, len(results.units))


def _line_ranks(scores: StageScores, start: int, stop: int) -> Int64Array:
    """The rank on each line of units ``start:stop`` (their total's line), else ``UNRANKED``."""
    ranks = np.full((stop - start, scores.points.shape[1]), UNRANKED, dtype=np.int64)
    ranks[:, ROOT] = scores.rank[start:stop]
    return ranks.reshape(-1)


def _csv_lines(results: Results, delimiter: str, point: bytes) -> Iterator[bytes]:
    """The CSV lines of every unit and node (after the header), a block of units at a time."""
    compiled, pack, scores = results.compiled, results.pack, results.final
    n_nodes = compiled.n_nodes
    decimals, point_decimals = pack.rounding.decimals, pack.point_decimals
    sep = delimiter.encode()

    def field(value: str) -> str:
        return _csv_field(csv_text(value), delimiter)

    unit_part = text_columns.texts(
        [
            delimiter.join((field(u.id), field(u.name), field(u.group), "")).encode()
            for u in results.units
        ]
    )
    node_part = text_columns.texts(
        [
            delimiter.join((field(code), field(title), str(int(depth)), "")).encode()
            for code, title, depth in zip(
                compiled.codes, compiled.titles, compiled.depth, strict=True
            )
        ]
    )
    labels = pack.classification.labels
    # grade codes index this table: the labels, then "" for no grade (NO_GRADE = -1)
    grade_part = text_columns.texts([(field(g) + delimiter).encode() for g in labels] + [sep])
    # A partial pack or view: every line says so in one byte (the sentence is said once,
    # in the JSON's set note, the workbook's heading and on screen; docs/io.md).
    tail = (delimiter + PARTIAL if results.is_partial else "") + "\r\n"
    for start, stop in _unit_blocks(results):
        lines = (stop - start) * n_nodes
        points = scores.points[start:stop].reshape(-1)
        maxima = scores.maxima(start, stop).reshape(-1)
        index = scores.index[start:stop].reshape(-1)
        # a maximum shows the rounding rule's places, or more where it has them (0.125)
        places = np.maximum(
            decimals, point_decimals - text_columns.trailing_zeros(maxima, point_decimals)
        )
        shown_decimals = max(decimals, point_decimals)
        maximum_text = text_columns.decimals_text(
            maxima * 10 ** (shown_decimals - point_decimals),
            shown_decimals,
            places=places,
            point=point,
        )
        index_text = text_columns.decimals_text(index, decimals, point=point)
        index_text[maxima == 0] = text_columns.PAD
        ranks = _line_ranks(scores, start, stop)
        rank_text = text_columns.decimals_text(ranks, 0)
        rank_text[ranks == UNRANKED] = text_columns.PAD
        separator = text_columns.constant(sep, lines)
        yield text_columns.join(
            (
                np.repeat(unit_part[start:stop], n_nodes, axis=0),
                np.tile(node_part, (stop - start, 1)),
                text_columns.decimals_text(round_ticks(points, pack), decimals, point=point),
                separator,
                maximum_text,
                separator,
                index_text,
                separator,
                grade_part[scores.grade[start:stop].reshape(-1)],
                rank_text,
                text_columns.constant(tail.encode(), lines),
            )
        )


def write_results_csv(results: Results, path: str | Path, *, decimal_comma: bool = False) -> Path:
    """Long CSV of every unit and node (final stage, rounded as published), UTF-8 with BOM.

    ``decimal_comma``: numbers as Vietnamese-locale Excel reads them (``85,30``), with
    ``;`` between fields; otherwise ``85.30`` and ``,``. Text fields that a spreadsheet
    would take for a formula start with an apostrophe. A partial pack or view has a last
    column ``partial``, ``1`` on every line; the sentence saying what the figures cover
    is in the JSON document and the workbook of the same results. Lines are built from
    the result arrays a block of units at a time and streamed to the file.
    """
    delimiter = ";" if decimal_comma else ","
    # A partial pack or view (issue 14): a last column marks every line as partial.
    fields = (*CSV_FIELDS, "partial") if results.is_partial else CSV_FIELDS
    header = delimiter.join(_csv_field(name, delimiter) for name in fields) + "\r\n"
    with atomic_path(path) as temporary, temporary.open("wb") as handle:
        handle.write(("\ufeff" + header).encode())
        for block in _csv_lines(results, delimiter, b"," if decimal_comma else b"."):
            handle.write(block)
    return Path(path)


def results_document(results: Results, year: int | None = None) -> ResultsDocument:
    """The results as a history results document: one set for the final scores and one
    per stage view, exact figures as decimal text. ``parindex history import`` reads it.
    """
    sets = []
    for stage in result_stages(results):
        units, figures = records_from_results(results, None if stage == "final" else stage)
        sets.append(result_set_record(results, stage, year, units, figures))
    return ResultsDocument(sets=tuple(sets))


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


#: Indentation of a set's keys, of a unit or figure record, and of its keys (``indent=1``).
_SET, _RECORD, _KEY = "\n   ", "\n    ", "\n     "


def _json_figure(key: str, figures: Int64Array, places: int) -> text_columns.ByteMatrix:
    """``,"key": "12.50"`` on every line: an exact figure as decimal text in quotes."""
    lead = f',{_KEY}{_json(key)}: "'.encode()
    return np.concatenate(
        (
            text_columns.constant(lead, figures.size),
            text_columns.decimals_text(figures, places),
            text_columns.constant(b'"', figures.size),
        ),
        axis=1,
    )


def _json_figures(results: Results, stage: str | None) -> Iterator[bytes]:
    """The figure records of one set, each led by a comma (the caller drops the first)."""
    compiled, pack = results.compiled, results.pack
    scores = results.scores(stage)
    n_nodes = compiled.n_nodes
    point_decimals, decimals = pack.point_decimals, pack.rounding.decimals
    unit_part = text_columns.texts(
        [f",{_RECORD}{{{_KEY}{_json('unit')}: {_json(u.id)}".encode() for u in results.units]
    )
    node_part = text_columns.texts(
        [f",{_KEY}{_json('code')}: {_json(c)}".encode() if c else b"" for c in compiled.codes]
    )
    labels = pack.classification.labels
    grade_part = text_columns.texts(
        [f",{_KEY}{_json('grade')}: {_json(g)}".encode() for g in labels] + [b""]
    )
    ranked_of = results.ranked_of(stage)
    for start, stop in _unit_blocks(results):
        lines = (stop - start) * n_nodes
        maxima = scores.maxima(start, stop).reshape(-1)
        index = _json_figure("index", scores.index[start:stop].reshape(-1), decimals)
        index[maxima == 0] = text_columns.PAD
        ranks = _line_ranks(scores, start, stop)
        rank = np.concatenate(
            (
                text_columns.constant(f",{_KEY}{_json('rank')}: ".encode(), lines),
                text_columns.decimals_text(ranks, 0),
                text_columns.constant(f",{_KEY}{_json('ranked_of')}: ".encode(), lines),
                text_columns.decimals_text(np.repeat(ranked_of[start:stop], n_nodes), 0),
            ),
            axis=1,
        )
        rank[ranks == UNRANKED] = text_columns.PAD
        yield text_columns.join(
            (
                np.repeat(unit_part[start:stop], n_nodes, axis=0),
                np.tile(node_part, (stop - start, 1)),
                _json_figure("points", scores.points[start:stop].reshape(-1), point_decimals),
                _json_figure("maximum", maxima, point_decimals),
                index,
                grade_part[scores.grade[start:stop].reshape(-1)],
                rank,
                text_columns.constant(f"{_RECORD}}}".encode(), lines),
            )
        )


def _json_document(results: Results, year: int | None) -> Iterator[bytes]:
    """The text of :func:`results_document` as ``json.dumps(indent=1)`` writes it, in blocks."""
    yield f"{{\n {_json('format')}: {_json(FORMAT)},\n {_json('sets')}: [".encode()
    for number, stage in enumerate(result_stages(results)):
        head = CONVERTER.unstructure(result_set_record(results, stage, year))
        keys = ",".join(f"{_SET}{_json(key)}: {_json(value)}" for key, value in head.items())
        yield f"{',' if number else ''}\n  {{{keys}".encode()
        if results.units:
            records = []
            for unit in results.units:
                fields = [f"{_json('id')}: {_json(unit.id)}"]
                fields += [f"{_json('name')}: {_json(unit.name)}"] if unit.name else []
                fields += [f"{_json('group')}: {_json(unit.group)}"] if unit.group else []
                records.append(f"{_RECORD}{{{_KEY}{f',{_KEY}'.join(fields)}{_RECORD}}}")
            yield f",{_SET}{_json('units')}: [{','.join(records)}{_SET}]".encode()
            yield f",{_SET}{_json('figures')}: [".encode()
            blocks = _json_figures(results, None if stage == "final" else stage)
            yield next(blocks)[1:]  # the first record has no comma before it
            yield from blocks
            yield _SET.encode() + b"]"
        yield b"\n  }"
    yield b"\n ]\n}\n"


def write_results_document(results: Results, handle: BinaryIO, year: int | None = None) -> None:
    """Write the results document (:func:`results_document`) as UTF-8 JSON to ``handle``,
    a block of units at a time: the same text as ``document_to_json`` gives."""
    for block in _json_document(results, year):
        handle.write(block)


def write_results_json(results: Results, path: str | Path, year: int | None = None) -> Path:
    with atomic_path(path) as temporary, temporary.open("wb") as handle:
        write_results_document(results, handle, year)
    return Path(path)


def write_results(
    results: Results,
    path: str | Path,
    *,
    lang: str = "vi",
    unit_sheets: bool | None = None,
    heading: Heading | None = None,
    decimal_comma: bool | None = None,
) -> Path:
    """Write results by extension: ``.xlsx``, ``.csv`` or ``.json``.

    ``heading`` heads the workbook (its year is also the JSON document's year);
    ``decimal_comma`` (CSV; default: on in Vietnamese) writes ``85,30`` with ``;``.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        return write_results_xlsx(
            results, path, lang=lang, unit_sheets=unit_sheets, heading=heading
        )
    if suffix == ".csv":
        comma = lang == "vi" if decimal_comma is None else decimal_comma
        return write_results_csv(results, path, decimal_comma=comma)
    if suffix == ".json":
        return write_results_json(results, path, heading.year if heading else None)
    raise ParIndexError("output.unknown_format", path=str(path))
