"""Writing a pack as its criteria table (.csv or .xlsx), verified to read back identically."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from parindex.errors import ParIndexError
from parindex.io.atomic import atomic_path
from parindex.io.criteria_table import lint_table
from parindex.io.info_rows import info_rows, number_text
from parindex.io.rule_cells import kind_name, write_parameters
from parindex.io.sheets import HEADER_FILL, fit_rows, grid, print_setup, set_widths
from parindex.io.table_layout import COLUMN, COLUMNS, CORE
from parindex.io.vocabulary import NOT_APPLICABLE, SOURCES, STATUSES, write_choice
from parindex.messages import text
from parindex.model import NotApplicable, Pack
from parindex.serialization import pack_to_document


def table_rows(pack: Pack, lang: str = "vi", plugins: Any = None) -> list[list[str]]:
    """The table of ``pack``: the header, the information rows, then one row per node."""
    from parindex.plugins import default_plugins

    registry = plugins if plugins is not None else default_plugins()
    document = pack_to_document(pack, registry.converter)
    node_rows: list[dict[str, str]] = []
    for (_, node), entry in zip(pack.walk(), document["nodes"], strict=True):
        cells: dict[str, str] = {"code": node.code, "title": node.title}
        if node.maximum is not None:
            cells["maximum"] = number_text(node.maximum, lang)
        if node.source is not None:
            cells["source"] = write_choice(SOURCES, node.source, lang)
        if node.method:
            cells["method"] = node.method
        if node.rule is not None:
            cells["rule"] = kind_name(node.rule.kind, lang)
            cells["parameters"] = write_parameters(node.rule, entry.get("rule", {}), lang)
        if node.not_applicable is not NotApplicable.NOT_ALLOWED:
            cells["na"] = write_choice(NOT_APPLICABLE, node.not_applicable, lang)
        if node.capped:
            cells["capped"] = text("authoring.yes", lang)
        for name in ("floor", "ceiling", "bonus_cap", "deduction_cap"):
            value = getattr(node, name)
            if value is not None:
                cells[name] = number_text(value, lang)
        if node.gap:
            cells["gap"] = node.gap
        if node.note:
            cells["note"] = node.note
        if node.provenance:
            cells["provenance"] = "\n".join(p.document for p in node.provenance)
            cells["status"] = "\n".join(
                write_choice(STATUSES, p.status, lang) for p in node.provenance
            )
            cells["section"] = "\n".join(p.section for p in node.provenance)
            cells["url"] = "\n".join(p.url for p in node.provenance)
            cells["provenance_note"] = "\n".join(p.note for p in node.provenance)
        node_rows.append({k: v for k, v in cells.items() if v.strip()})
    used = {key for cells in node_rows for key in cells}
    keys = [column.key for column in COLUMNS if column.key in CORE or column.key in used]
    width = len(keys)
    rows = [[COLUMN[key].header(lang) for key in keys]]
    for info_key, value in info_rows(pack, document, lang):
        rows.append([info_key, value] + [""] * (width - 2))
    rows += [[cells.get(key, "") for key in keys] for cells in node_rows]
    return rows


def _csv_text(rows: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return "\ufeff" + buffer.getvalue()  # a BOM, so that Excel opens UTF-8


#: Column widths (characters) of the written workbook; others are narrow.
WIDTHS = {
    "code": 16,
    "title": 48,
    "method": 42,
    "parameters": 30,
    "provenance": 30,
    "gap": 30,
    "url": 24,
}


def _xlsx(rows: Sequence[Sequence[str]], path: Path, lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = text("authoring.criteria_sheet", lang)
    for row in rows:
        sheet.append(list(row))
    keys = [next(c.key for c in COLUMNS if c.header(lang) == name) for name in rows[0]]
    set_widths(sheet, [WIDTHS.get(key, 12) for key in keys])
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.number_format = "@"  # text: "1.10" stays a code, "7,50" stays exact
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    grid(sheet, 1, len(rows), len(keys))
    fit_rows(sheet, 1, len(rows))  # spreadsheets do not size wrapped rows when they open a file
    print_setup(sheet, lang, landscape=True, title_rows=(1, 1), freeze="C2")
    book.save(path)


def write_table(pack: Pack, path: str | Path, lang: str = "vi", plugins: Any = None) -> Path:
    """Write ``pack`` as a criteria table (``.csv`` or ``.xlsx``), verified to read back."""
    target = Path(path)
    rows = table_rows(pack, lang, plugins)
    with atomic_path(target) as temporary:
        if target.suffix.lower() == ".csv":
            temporary.write_text(_csv_text(rows), encoding="utf-8")
        else:
            _xlsx(rows, temporary, lang)
        again = lint_table(temporary, plugins)
        if again.pack != pack:
            raise ParIndexError("authoring.table_round_trip", file=target.name)
    return target


__all__ = ["table_rows", "write_table"]
