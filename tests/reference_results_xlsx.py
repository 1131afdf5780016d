"""The results workbook's tables as they were written cell by cell (before the style cache
and the array-based figures), kept to prove the new writer gives the same cells."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment

from parindex.compiled import ROOT
from parindex.document import Heading
from parindex.fixedpoint import BoolArray, FloatArray
from parindex.io.results_out import (
    _NA_EFFECT,
    LANDSCAPE_WIDTH,
    RATE,
    TOP,
    _Book,
    _entries,
    _sheet_name,
    _unit_columns,
    entered,
)
from parindex.io.sheets import (
    BOLD,
    LINE_HEIGHT,
    fit_rows,
    grid,
    header_row,
    print_setup,
    put,
    signature_block,
    number_format,
    wrapped_lines,
)
from parindex.labels import label, places_of
from parindex.messages import text
from parindex.results import Results


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _exact_format(value: Decimal, decimals: int) -> str:
    """An exact figure (maximum, lost points) with the rule's places or the more it has."""
    return number_format(places_of(value, decimals))


def _ranking(out: _Book) -> None:
    results, lang = out.results, out.lang
    grouped = any(unit.group for unit in results.units)
    keys = ["rank", "unit", "name", *(["group"] if grouped else []), "points", "maximum"]
    keys += ["index", *(["grade"] if out.graded else [])]
    widths = {"rank": 6, "unit": 11, "name": 32, "group": 14, "grade": 8}
    numeric = {"points": out.fmt, "index": out.fmt}
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
            number = numeric.get(key)
            if key == "maximum":
                number = _exact_format(result.maximum, out.decimals)
            put(sheet, first + offset, column, values[key], number=number, align=align)
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
    lang_na = {na: label(key, lang) for na, key in _NA_EFFECT.items()}

    def leaf_entry(values: FloatArray, na: BoolArray, row: int, leaf: int) -> str | float:
        if na[row, leaf]:
            return label("na", lang)
        return entered(compiled.leaf_rules[leaf], float(values[row, leaf]), lang)

    figures = {"self_points": out.fmt, "final_points": out.fmt, "index": out.fmt}
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
            # the maximum shown minus the points shown, exactly (no second rounding)
            lost = max(maximum - points, Decimal(0))
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
            numeric["maximum"] = _exact_format(maximum, out.decimals)
            numeric["lost"] = _exact_format(lost, out.decimals)
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


def reference_workbook(
    results: Results,
    path: Path,
    *,
    lang: str = "vi",
    unit_sheets: bool | None = None,
    heading: Heading | None = None,
) -> Path:
    """``write_results_xlsx`` with the tables written as before."""
    out = _Book(results, lang, heading or Heading())
    _ranking(out)
    _components(out)
    if unit_sheets if unit_sheets is not None else len(results.units) <= 300:
        _unit_sheets(out)
    if results.survey is not None:
        results.survey.add_sheet(out.book, lang)
    out.book.save(path)
    return path
