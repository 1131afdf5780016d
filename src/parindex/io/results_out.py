"""Writing results: a workbook for officials, CSV and JSON for machines.

The workbook has a ranking sheet, a sheet of component indices (one index and
class A/B/C/D per field), and one sheet per unit with the tree: the value
entered beside the points it earned, maximum, lost points (điểm bị mất), index,
class, for each "không phát sinh" leaf what it meant (full points, left out of
the maximum, or zero), and the evidence and notes the unit wrote. Figures are
numbers in numeric cells with a ``#,##0.00`` format (the reader's spreadsheet
shows its own separators), the values the pack's rounding rule publishes.
Every sheet is set up to print on A4 with the header block (issuing body,
title with the year, criteria set and legal basis, notices) and the ranking
ends with the signature block. Text from data is never a formula
(:mod:`parindex.io.sheets`). Every file is written to a temporary file and
renamed into place.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from parindex import __version__
from parindex.compiled import ROOT
from parindex.document import Heading, legal_basis, notices, title
from parindex.errors import ParIndexError
from parindex.fixedpoint import BoolArray, FloatArray
from parindex.history.records import (
    Origin,
    ResultsDocument,
    ResultSetRecord,
    document_to_json,
)
from parindex.history.store import records_from_results
from parindex.io.atomic import atomic_path, write_text_atomic
from parindex.io.sheets import (
    BOLD,
    LINE_HEIGHT,
    csv_text,
    fit_rows,
    grid,
    header_row,
    heading_block,
    number_format,
    print_setup,
    put,
    set_widths,
    signature_block,
    wrapped_lines,
)
from parindex.labels import label, stages_label
from parindex.messages import format_number, text
from parindex.model import NotApplicable
from parindex.results import Results, StageScores
from parindex.rules import Achieved, Levels, Rule
from parindex.scoring import effective_entries

#: Above this many units the workbook has no per-unit sheets unless asked for.
UNIT_SHEETS_LIMIT = 300
#: Number format of an entered rate: the number, then " %".
RATE = 'General" %"'
#: Tables wider than this (characters) print on landscape pages.
LANDSCAPE_WIDTH = 150

TOP = Alignment(vertical="top")
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

    def __init__(self, results: Results, lang: str, heading: Heading) -> None:
        self.results, self.lang, self.heading = results, lang, heading
        pack = results.pack
        self.decimals = pack.rounding.decimals
        self.fmt = number_format(self.decimals)
        #: Maxima keep the places they have (0.25 of a point is not 0.3).
        self.max_fmt = self.fmt + "#" * max(pack.point_decimals - self.decimals, 0)
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


def _ranking(out: _Book) -> None:
    results, lang = out.results, out.lang
    grouped = any(unit.group for unit in results.units)
    keys = ["rank", "unit", "name", *(["group"] if grouped else []), "points", "maximum"]
    keys += ["index", *(["grade"] if out.graded else [])]
    widths = {"rank": 6, "unit": 11, "name": 32, "group": 14, "grade": 8}
    numeric = {"points": out.fmt, "maximum": out.max_fmt, "index": out.fmt}
    width = len(keys)
    sheet, row = out.sheet(text("output.sheet_ranking", lang), [widths.get(k, 10) for k in keys])
    header_row(sheet, row, [out.label(k) for k in keys])
    first = row + 1
    for offset, result in enumerate(results.ranking()):
        values = {
            "rank": result.rank,
            "unit": result.unit,
            "name": result.name,
            "group": result.group,
            "points": _number(result.points),
            "maximum": _number(result.maximum),
            "index": _number(result.index),
            "grade": result.grade,
        }
        for column, key in enumerate(keys, start=1):
            align = Alignment(horizontal="center") if key in ("rank", "grade") else None
            put(sheet, first + offset, column, values[key], number=numeric.get(key), align=align)
    last = first + len(results.units) - 1
    grid(sheet, first, last, width)
    signature_block(sheet, last + 1, out.heading, lang, width)
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
    centre = Alignment(horizontal="center")
    for offset, result in enumerate(results.ranking()):
        cells: list[tuple[Any, bool]] = [
            (result.rank, False),
            (result.unit, False),
            (result.name, False),
            (_number(result.index), True),
        ]
        if out.graded:
            cells.append((result.grade, False))
        for field in fields:
            code = compiled.codes[field]
            cells.append((_number(results.index(result.unit, code)), True))
            if out.graded:
                cells.append((results.grade(result.unit, code), False))
        for column, (value, numeric) in enumerate(cells, start=1):
            put(
                sheet,
                first + offset,
                column,
                value,
                number=out.fmt if numeric else None,
                align=centre if column == 1 or (isinstance(value, str) and column > 3) else None,
            )
    grid(sheet, first, first + len(results.units) - 1, len(widths))
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
    width = len(columns)
    labels = [
        text(f"output.{key}", lang) if key.startswith("final_") else out.label(key) for key in keys
    ]
    final_values, final_na = _entries(results, results.final, final=True)
    self_values, self_na = (
        _entries(results, self_scores, final=False) if with_self and self_scores else (None, None)
    )
    leaf_of = {int(node): i for i, node in enumerate(compiled.leaf_nodes.tolist())}
    rounding = Decimal(1).scaleb(-results.pack.rounding.decimals)
    lang_na = {na: label(key, lang) for na, key in _NA_EFFECT.items()}

    def leaf_entry(values: FloatArray, na: BoolArray, row: int, leaf: int) -> str | float:
        if na[row, leaf]:
            return label("na", lang)
        return entered(compiled.leaf_rules[leaf], float(values[row, leaf]), lang)

    figures = {
        "maximum": out.max_fmt,
        "self_points": out.fmt,
        "final_points": out.fmt,
        "lost": out.fmt,
        "index": out.fmt,
    }
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
        for offset, node in enumerate(range(compiled.n_nodes)):
            code = compiled.codes[node]
            points = results.rounded_points(unit.id, code)
            maximum = results.maximum(unit.id, code)
            lost = max(maximum - points, Decimal(0)).quantize(rounding)
            cells: dict[str, Any] = {
                "code": code or label("total", lang),
                "title": compiled.titles[node],
                "maximum": _number(maximum),
                "final_points": _number(points),
                "lost": _number(lost),
                "index": _number(results.index(unit.id, code)),
                "grade": results.grade(unit.id, code),
            }
            if with_self:
                cells["self_points"] = _number(results.rounded_points(unit.id, code, "self"))
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
            numeric = dict(figures)
            if leaf is not None:
                # a rate is shown as typed, "85 %" (the cell keeps the number 85)
                rate = compiled.leaf_rules[leaf].takes_rate()
                numeric["self_entered"] = numeric["final_entered"] = RATE if rate else "General"
            depth = int(compiled.depth[node])
            strong = node == ROOT or depth == 1
            for column, key in enumerate(keys, start=1):
                align = TOP
                if key == "title":
                    align = Alignment(indent=max(depth - 1, 0), wrap_text=True, vertical="top")
                elif key in ("na", "self_entered", "final_entered", "evidence", "note"):
                    align = Alignment(wrap_text=True, vertical="top")
                elif key == "grade":
                    align = Alignment(horizontal="center", vertical="top")
                put(
                    sheet,
                    first + offset,
                    column,
                    cells.get(key),
                    number=numeric.get(key),
                    font=BOLD if strong else None,
                    align=align,
                )
        last = first + compiled.n_nodes - 1
        grid(sheet, first, last, width)
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

    ``heading``: issuing body, year, title and signer for the printed sheets.
    """
    out = _Book(results, lang, heading or Heading())
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
#: Fields holding text from data (unit, pack): written formula-safe.
_CSV_TEXT = frozenset({"unit", "name", "group", "code", "title", "grade"})


def _places(value: Decimal, decimals: int) -> Decimal:
    """``value`` with ``decimals`` places, or more where it has them (a maximum of 0.125)."""
    fixed = value.quantize(Decimal(1).scaleb(-decimals))
    return fixed if fixed == value else value.normalize()


def _csv_value(value: object, comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_number(value, "vi" if comma else "en")
    return str(value)


def write_results_csv(results: Results, path: str | Path, *, decimal_comma: bool = False) -> Path:
    """Long CSV of every unit and node (final stage, rounded as published), UTF-8 with BOM.

    ``decimal_comma``: numbers as Vietnamese-locale Excel reads them (``85,30``), with
    ``;`` between fields; otherwise ``85.30`` and ``,``. Text fields that a spreadsheet
    would take for a formula start with an apostrophe.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if decimal_comma else ",", lineterminator="\r\n")
    # A partial pack or view (issue 14): a last column says what the figures cover.
    coverage = [results.coverage.line()] if results.is_partial else []
    writer.writerow((*CSV_FIELDS, "coverage") if coverage else CSV_FIELDS)
    decimals = results.pack.rounding.decimals
    for record in results.rows():
        row = []
        for name in CSV_FIELDS:
            value = getattr(record, name)
            if name == "maximum":
                value = _places(value, decimals)
            cell = _csv_value(value, decimal_comma)
            row.append(csv_text(cell) if name in _CSV_TEXT else cell)
        writer.writerow(row + coverage)
    write_text_atomic(path, "\ufeff" + buffer.getvalue())
    return Path(path)


def results_document(results: Results, year: int | None = None) -> ResultsDocument:
    """The results as a history results document: one set for the final scores and one
    per stage view, exact figures as decimal text. ``parindex history import`` reads it.
    """
    pack = results.pack
    note = "SYNTHETIC pack: not an official result" if pack.synthetic else ""
    if results.is_partial:  # issue 14: what the figures cover travels with them
        note = "; ".join(part for part in (note, results.coverage.line()) if part)
    sets = []
    for stage in ("final", *sorted(results.stages, key=pack.stages.index)):
        units, figures = records_from_results(results, None if stage == "final" else stage)
        sets.append(
            ResultSetRecord(
                pack=pack.id,
                version=pack.version,
                origin=Origin.SCORED,
                year=year,
                stage=stage,
                source=f"parindex {__version__}",
                note=note,
                point_decimals=pack.point_decimals,
                index_decimals=pack.rounding.decimals,
                rounding_mode=pack.rounding.mode,
                units=units,
                figures=figures,
            )
        )
    return ResultsDocument(sets=tuple(sets))


def write_results_json(results: Results, path: str | Path, year: int | None = None) -> Path:
    write_text_atomic(path, document_to_json(results_document(results, year)))
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
