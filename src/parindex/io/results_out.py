"""Writing results: a workbook for officials, CSV and JSON for machines.

The workbook has a ranking sheet, a sheet of component indices (one index and
class A/B/C/D per field), and one sheet per unit with the tree, points,
maximum, lost points (điểm bị mất), index and class; figures are the rounded
values the pack's rule publishes, with that many decimals shown. Every file is
written to a temporary file and renamed into place.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from parindex import __version__
from parindex.compiled import ROOT
from parindex.errors import ParIndexError
from parindex.history.records import (
    Origin,
    ResultsDocument,
    ResultSetRecord,
    document_to_json,
)
from parindex.history.store import records_from_results
from parindex.io.atomic import atomic_path, write_text_atomic
from parindex.io.cells import column_letter
from parindex.labels import label
from parindex.results import Results

#: Above this many units the workbook has no per-unit sheets unless asked for.
UNIT_SHEETS_LIMIT = 300

_TEXT: dict[str, tuple[str, str]] = {
    "ranking": ("Xếp hạng", "Ranking"),
    "components": ("Chỉ số thành phần", "Component indices"),
    "lost": ("Điểm bị mất", "Lost points"),
    "self": ("Điểm tự đánh giá", "Self-assessed points"),
    "synthetic": (
        "DỮ LIỆU MÔ PHỎNG, không phải kết quả chính thức",
        "SYNTHETIC DATA, not official results",
    ),
}
_BOLD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="DDEBF7")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _t(key: str, lang: str) -> str:
    return _TEXT[key][0 if lang == "vi" else 1]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _header(sheet: Worksheet, row: int, labels: list[str]) -> None:
    for column, text in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=column, value=text)
        cell.font = _BOLD
        cell.fill = _FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _put(
    sheet: Worksheet, row: int, values: list[Any], number_format: str, numeric: set[int]
) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        if column - 1 in numeric:
            cell.number_format = number_format
        elif isinstance(value, str):
            cell.number_format = "@"


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


def _preamble(sheet: Worksheet, results: Results, lang: str) -> int:
    pack = results.pack
    sheet.cell(row=1, column=1, value=pack.title).font = Font(bold=True, size=13)
    sheet.cell(row=2, column=1, value=f"{pack.id} · {pack.version}")
    if pack.synthetic:
        sheet.cell(row=3, column=1, value=_t("synthetic", lang)).font = Font(
            bold=True, color="C00000"
        )
        return 5
    return 4


def _ranking(book: Workbook, results: Results, lang: str, fmt: str) -> None:
    sheet = book.create_sheet(_t("ranking", lang))
    row = _preamble(sheet, results, lang)
    keys = ("rank", "unit", "name", "group", "points", "maximum", "index", "grade")
    _header(sheet, row, [label(k, lang) for k in keys])
    for offset, result in enumerate(results.ranking(), start=1):
        values = [
            result.rank,
            result.unit,
            result.name,
            result.group,
            _number(result.points),
            _number(result.maximum),
            _number(result.index),
            result.grade,
        ]
        _put(sheet, row + offset, values, fmt, {4, 5, 6})
    sheet.freeze_panes = sheet.cell(row=row + 1, column=3)
    sheet.column_dimensions["C"].width = 32


def _components(book: Workbook, results: Results, lang: str, fmt: str) -> None:
    sheet = book.create_sheet(_t("components", lang))
    row = _preamble(sheet, results, lang)
    compiled = results.compiled
    fields = compiled.children(ROOT)
    labels = [label("unit", lang), label("name", lang), label("index", lang), label("grade", lang)]
    for field in fields:
        code = compiled.codes[field]
        labels += [f"{label('field', lang)} {code} (%)", f"{label('grade', lang)} {code}"]
    _header(sheet, row, labels)
    for offset, result in enumerate(results.ranking(), start=1):
        values: list[Any] = [result.unit, result.name, _number(result.index), result.grade]
        for field in fields:
            code = compiled.codes[field]
            values += [_number(results.index(result.unit, code)), results.grade(result.unit, code)]
        _put(sheet, row + offset, values, fmt, {2, *range(4, len(values), 2)})
    for field in fields:
        note = sheet.cell(row=row - 1, column=5 + 2 * (field_position := fields.index(field)))
        note.value = compiled.titles[field]
        note.alignment = Alignment(wrap_text=True)
        del field_position
    sheet.freeze_panes = sheet.cell(row=row + 1, column=3)


def _unit_sheets(book: Workbook, results: Results, lang: str, fmt: str) -> None:
    compiled = results.compiled
    taken = {name.casefold() for name in book.sheetnames}
    with_self = "self" in results.stages and len(results.stages) > 1
    keys = ["code", "title", "maximum"]
    labels = [label(k, lang) for k in keys]
    if with_self:
        labels.append(_t("self", lang))
    labels += [label("points", lang), _t("lost", lang), label("index", lang), label("grade", lang)]
    rounding = results.pack.rounding
    for unit in results.units:
        sheet = book.create_sheet(_sheet_name(unit.id, taken))
        sheet.cell(row=1, column=1, value=f"{unit.id} · {unit.name}".strip(" ·")).font = Font(
            bold=True, size=13
        )
        sheet.cell(row=2, column=1, value=f"{results.pack.id} · {results.pack.version}")
        rank = results.rank(unit.id)
        sheet.cell(
            row=3, column=1, value=f"{label('rank', lang)}: {rank if rank is not None else '—'}"
        )
        header = 5
        _header(sheet, header, labels)
        for offset, node in enumerate(range(compiled.n_nodes), start=1):
            code = compiled.codes[node]
            points = results.rounded_points(unit.id, code)
            maximum = results.maximum(unit.id, code)
            values: list[Any] = [
                code or label("total", lang),
                compiled.titles[node],
                _number(maximum),
            ]
            if with_self:
                values.append(_number(results.rounded_points(unit.id, code, "self")))
            lost = max(maximum - points, Decimal(0)).quantize(Decimal(1).scaleb(-rounding.decimals))
            values += [
                _number(points),
                _number(lost),
                _number(results.index(unit.id, code)),
                results.grade(unit.id, code),
            ]
            _put(sheet, header + offset, values, fmt, {2, *range(3, len(values) - 1)})
            if node == ROOT or compiled.depth[node] == 1:
                for column in range(1, len(values) + 1):
                    sheet.cell(row=header + offset, column=column).font = _BOLD
            else:
                sheet.cell(row=header + offset, column=2).alignment = Alignment(
                    indent=int(compiled.depth[node]) - 1
                )
        sheet.column_dimensions["B"].width = 60
        sheet.freeze_panes = sheet.cell(row=header + 1, column=3)


def write_results_xlsx(
    results: Results, path: str | Path, *, lang: str = "vi", unit_sheets: bool | None = None
) -> Path:
    """The results workbook; per-unit sheets by default up to ``UNIT_SHEETS_LIMIT`` units."""
    decimals = results.pack.rounding.decimals
    fmt = "0." + "0" * decimals if decimals > 0 else "0"
    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    _ranking(book, results, lang, fmt)
    _components(book, results, lang, fmt)
    if unit_sheets if unit_sheets is not None else len(results.units) <= UNIT_SHEETS_LIMIT:
        _unit_sheets(book, results, lang, fmt)
    for sheet in book.worksheets:
        for index in range(1, sheet.max_column + 1):
            letter = column_letter(index - 1)
            if sheet.column_dimensions[letter].width in (None, 13.0):
                sheet.column_dimensions[letter].width = 14
    target = Path(path)
    with atomic_path(target) as temporary:
        book.save(temporary)
    return target


def _plain(value: object) -> str:
    return "" if value is None else str(value)


def write_results_csv(results: Results, path: str | Path) -> Path:
    """Long CSV of every unit and node (final stage, rounded as published), UTF-8 with BOM."""
    records = results.to_records()
    fields = [
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
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    for record in records:
        writer.writerow([_plain(record[name]) for name in fields])
    write_text_atomic(path, "\ufeff" + buffer.getvalue())
    return Path(path)


def results_document(results: Results, year: int | None = None) -> ResultsDocument:
    """The results as a history results document: one set for the final scores and one
    per stage view, exact figures as decimal text. ``parindex history import`` reads it.
    """
    pack = results.pack
    note = "SYNTHETIC pack: not an official result" if pack.synthetic else ""
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
    results: Results, path: str | Path, *, lang: str = "vi", unit_sheets: bool | None = None
) -> Path:
    """Write results by extension: ``.xlsx``, ``.csv`` or ``.json``."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        return write_results_xlsx(results, path, lang=lang, unit_sheets=unit_sheets)
    if suffix == ".csv":
        return write_results_csv(results, path)
    if suffix == ".json":
        return write_results_json(results, path)
    raise ParIndexError(f"cannot write results as {suffix!r}: use .xlsx, .csv or .json")
