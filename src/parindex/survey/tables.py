"""Survey points as rows (unit × leaf), for CSV, JSON and the results workbook."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from parindex.io.sheets import header_row, number_format, print_setup, put, set_widths
from parindex.messages import text

if TYPE_CHECKING:
    from parindex.survey.points import SurveyPoints

Row = dict[str, object]


def points_rows(survey: SurveyPoints, lang: str = "vi") -> list[Row]:
    """One row per unit and leaf: points, maximum, figure, status, counts per group.

    Numbers are exact ``Decimal``s (points at the pack's precision, figures at 2
    decimals); ``points`` and ``figure`` are None where the leaf is excluded.
    """
    definition = survey.definition
    rows: list[Row] = []
    for leaf in survey.leaves:
        for row, unit in enumerate(survey.units):
            record: Row = {
                "unit": unit,
                "leaf": leaf.code,
                "measure": leaf.plan.measure.value,
                "points": survey.points(unit, leaf.code),
                "maximum": leaf.plan.maximum,
                "figure": survey.figure(unit, leaf.code),
                "excluded": bool(leaf.excluded[row]),
                "status": text(f"survey.status_{int(leaf.status[row])}", lang),
                "questionnaires": int(survey.questionnaires[row].sum()),
            }
            for g, group in enumerate(definition.groups):
                record[f"valid:{group.id}"] = int(leaf.valid[row, g])
            record["blank"] = int(leaf.blank[row].sum())
            for k, item in enumerate(definition.not_answers):
                record[f"not_answer:{item.id}"] = int(leaf.not_answer[row, :, k].sum())
            rows.append(record)
    return rows


def add_survey_sheet(book: Workbook, survey: SurveyPoints, lang: str = "vi") -> Worksheet:
    """A sheet of the results workbook: survey points, figures and counts per unit and leaf."""
    sheet: Worksheet = book.create_sheet(text("survey.sheet_title", lang))
    rows = points_rows(survey, lang)
    keys = list(rows[0]) if rows else []
    labels = [_label(key, survey, lang) for key in keys]
    put(sheet, 1, 1, survey.definition.title)
    if survey.definition.synthetic:
        put(sheet, 2, 1, text("survey.template_synthetic", lang))
    header_row(sheet, 3, labels)
    points_format = number_format(survey.point_decimals)
    for offset, record in enumerate(rows, start=4):
        for column, key in enumerate(keys, start=1):
            value = record[key]
            if isinstance(value, bool):
                value = text("survey.mark_yes", lang) if value else ""
            shape = points_format if key in ("points", "maximum") else number_format(2)
            put(sheet, offset, column, value, number=shape if isinstance(value, Decimal) else None)
    set_widths(sheet, [12, 8, 8, 10, 9, 9, 9, 28] + [10] * (len(keys) - 8))
    print_setup(sheet, lang, landscape=True, title_rows=(3, 3), freeze="C4")
    return sheet


def _label(key: str, survey: SurveyPoints, lang: str) -> str:
    if key.startswith("valid:"):
        group = survey.definition.group(key.split(":", 1)[1])
        return text("survey.sheet_valid", lang, group=group.name)
    if key.startswith("not_answer:"):
        wanted = key.split(":", 1)[1]
        item = next(n for n in survey.definition.not_answers if n.id == wanted)
        return item.label
    return text(f"survey.sheet_{key}", lang)


def write_points_csv(rows: list[Row], path: str | Path, lang: str = "vi") -> None:
    """The rows as CSV (UTF-8 with a BOM), numbers written the way ``lang`` writes them."""
    import csv
    import io

    from parindex.io.atomic import write_text_atomic
    from parindex.io.sheets import csv_text
    from parindex.labels import format_decimal

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if rows:
        writer.writerow(list(rows[0]))
    for row in rows:
        cells: list[object] = []
        for value in row.values():
            if isinstance(value, Decimal):
                cells.append(format_decimal(value, max(-value.as_tuple().exponent, 0), lang))  # type: ignore[operator]
            elif isinstance(value, str):
                cells.append(csv_text(value))
            elif value is None:
                cells.append("")
            else:
                cells.append(value)
        writer.writerow(cells)
    write_text_atomic(path, "\ufeff" + buffer.getvalue())
