"""Excel templates generated from a pack, for units to fill in.

Two layouts. ``unit``: one workbook per unit, the criteria tree as rows with
code, title, maximum, points source, how it is scored and the allowed values,
and columns to fill in (self-assessed value, appraised value, "không phát
sinh", evidence reference, note). ``batch``: many units at once, units as rows
and leaf codes as columns, for commune-level batches. Structure cells are
locked (sheet protection without a password, to stop slips, not people) and
hold no formulas; drop-down lists guard level and achieved/not achieved cells.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from parindex.compiled import CompiledPack, compile_pack
from parindex.fixedpoint import ticks_to_decimal
from parindex.io.atomic import atomic_path
from parindex.io.cells import column_letter
from parindex.io.layout import (
    ACHIEVED_LABELS,
    BATCH_COLUMNS,
    LISTS_SHEET,
    META_SHEET,
    NA_MARK,
    SHEET_TITLES,
    SOURCE_LABELS,
    UNIT_COLUMNS,
    UNIT_FIELDS,
    lang_index,
)
from parindex.model import NotApplicable, Pack
from parindex.rules import Achieved, Levels, Rule

UNIT_HEADER_ROW = 7
BATCH_HEADER_ROW = 1
BATCH_DATA_ROW = 4
MAXIMUM_FORMAT = "0.00##"
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_UNLOCKED = Protection(locked=False)


def _choices(rule: Rule, lang: str) -> tuple[str, ...] | None:
    """The drop-down choices of a leaf, when its rule takes a choice."""
    if isinstance(rule, Levels):
        return tuple(level.label for level in rule.levels)
    if isinstance(rule, Achieved):
        return ACHIEVED_LABELS[lang_index(lang)]
    return None


def _allowed(rule: Rule, maximum: Decimal, na: NotApplicable, lang: str) -> str:
    choices = _choices(rule, lang)
    text = "; ".join(choices) if choices else rule.expected(maximum, lang)
    if na is not NotApplicable.NOT_ALLOWED:
        text += "; hoặc đánh dấu Không phát sinh" if lang == "vi" else "; or mark Not applicable"
    return text


class _Lists:
    """Drop-down lists kept on a hidden sheet (labels may contain commas)."""

    def __init__(self, book: Workbook) -> None:
        self.sheet = book.create_sheet(LISTS_SHEET)
        self.sheet.sheet_state = "hidden"
        self._ranges: dict[tuple[str, ...], str] = {}

    def validation(self, choices: tuple[str, ...]) -> DataValidation:
        reference = self._ranges.get(choices)
        if reference is None:
            column = column_letter(len(self._ranges))
            for row, choice in enumerate(choices, start=1):
                self.sheet.cell(row=row, column=len(self._ranges) + 1, value=choice)
            reference = f"{LISTS_SHEET}!${column}$1:${column}${len(choices)}"
            self._ranges[choices] = reference
        return DataValidation(type="list", formula1=f"={reference}", allow_blank=True)


def _meta(book: Workbook, compiled: CompiledPack, layout: str, lang: str, **extra: object) -> None:
    sheet = book.create_sheet(META_SHEET)
    sheet.sheet_state = "hidden"
    rows: dict[str, object] = {
        "pack": compiled.pack.id,
        "version": compiled.pack.version,
        "level": "" if compiled.level is None else compiled.level,
        "layout": layout,
        "lang": lang,
        **extra,
    }
    for row, (key, value) in enumerate(rows.items(), start=1):
        sheet.cell(row=row, column=1, value=key)
        sheet.cell(row=row, column=2, value=str(value))
    sheet.protection.sheet = True


def _header(sheet: Worksheet, row: int, labels: list[str]) -> None:
    for column, text in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=column, value=text)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _maximum(compiled: CompiledPack, node: int) -> float:
    return float(ticks_to_decimal(int(compiled.node_max[node]), compiled.pack.point_decimals))


def _unit_sheet(book: Workbook, compiled: CompiledPack, lang: str, lists: _Lists) -> None:
    li = lang_index(lang)
    pack = compiled.pack
    sheet = book.create_sheet(SHEET_TITLES["unit"][li], 0)
    sheet.cell(row=1, column=1, value=pack.title).font = Font(bold=True, size=13)
    sheet.cell(row=2, column=1, value=f"{pack.id} · {pack.version}")
    for offset, (_key, names) in enumerate(UNIT_FIELDS.items()):
        sheet.cell(row=3 + offset, column=1, value=names[li]).font = _BOLD
        entry = sheet.cell(row=3 + offset, column=2)
        entry.protection = _UNLOCKED
        entry.fill = _INPUT_FILL
    keys = list(UNIT_COLUMNS)
    _header(sheet, UNIT_HEADER_ROW, [UNIT_COLUMNS[k][li] for k in keys])
    position = {key: i + 1 for i, key in enumerate(keys)}
    leaf_of = {int(node): i for i, node in enumerate(compiled.leaf_nodes.tolist())}
    validations: dict[str, DataValidation] = {}
    na_validation = lists.validation((NA_MARK[li],))
    sheet.add_data_validation(na_validation)
    for offset, node in enumerate(range(1, compiled.n_nodes)):
        row = UNIT_HEADER_ROW + 1 + offset
        depth = int(compiled.depth[node])
        code_cell = sheet.cell(row=row, column=position["code"], value=compiled.codes[node])
        code_cell.number_format = "@"
        title = sheet.cell(row=row, column=position["title"], value=compiled.titles[node])
        title.alignment = Alignment(indent=depth - 1, wrap_text=True)
        maximum = sheet.cell(row=row, column=position["maximum"], value=_maximum(compiled, node))
        maximum.number_format = MAXIMUM_FORMAT
        if node not in leaf_of:
            for key in ("code", "title", "maximum"):
                sheet.cell(row=row, column=position[key]).font = _BOLD
            continue
        leaf = leaf_of[node]
        rule = compiled.leaf_rules[leaf]
        exact_max = ticks_to_decimal(int(compiled.leaf_max[leaf]), pack.point_decimals)
        source = compiled.leaf_source[leaf].value
        sheet.cell(row=row, column=position["source"], value=SOURCE_LABELS[source][li])
        sheet.cell(row=row, column=position["rule"], value=rule.describe(exact_max, lang))
        na = compiled.leaf_na[leaf]
        sheet.cell(row=row, column=position["allowed"], value=_allowed(rule, exact_max, na, lang))
        for key in ("self", "appraised", "na", "evidence", "note"):
            if key == "na" and na is NotApplicable.NOT_ALLOWED:
                continue
            cell = sheet.cell(row=row, column=position[key])
            cell.protection = _UNLOCKED
            cell.fill = _INPUT_FILL
        choices = _choices(rule, lang)
        if choices:
            validation = validations.get("|".join(choices))
            if validation is None:
                validation = lists.validation(choices)
                validations["|".join(choices)] = validation
                sheet.add_data_validation(validation)
            for key in ("self", "appraised"):
                validation.add(f"{column_letter(position[key] - 1)}{row}")
        if na is not NotApplicable.NOT_ALLOWED:
            na_validation.add(f"{column_letter(position['na'] - 1)}{row}")
    widths = {"code": 9, "title": 60, "maximum": 10, "source": 18, "rule": 40, "allowed": 30}
    for key, column in position.items():
        sheet.column_dimensions[column_letter(column - 1)].width = widths.get(key, 16)
    sheet.freeze_panes = sheet.cell(row=UNIT_HEADER_ROW + 1, column=position["self"])
    sheet.protection.sheet = True


def _batch_sheet(
    book: Workbook, compiled: CompiledPack, lang: str, lists: _Lists, rows: int
) -> None:
    li = lang_index(lang)
    sheet = book.create_sheet(SHEET_TITLES["batch"][li], 0)
    first = [names[li] for names in BATCH_COLUMNS.values()]
    _header(sheet, BATCH_HEADER_ROW, first + list(compiled.leaf_codes))
    sheet.cell(row=2, column=1, value=UNIT_COLUMNS["title"][li]).font = _BOLD
    sheet.cell(row=3, column=1, value=UNIT_COLUMNS["maximum"][li]).font = _BOLD
    last = BATCH_DATA_ROW + rows - 1
    for row in range(BATCH_DATA_ROW, last + 1):
        for column in range(1, len(first) + compiled.n_leaves + 1):
            sheet.cell(row=row, column=column).protection = _UNLOCKED
    validations: dict[tuple[str, ...], DataValidation] = {}
    for leaf in range(compiled.n_leaves):
        column = len(first) + leaf + 1
        node = int(compiled.leaf_nodes[leaf])
        sheet.cell(row=2, column=column, value=compiled.titles[node]).alignment = Alignment(
            wrap_text=True, vertical="top"
        )
        maximum = sheet.cell(row=3, column=column, value=_maximum(compiled, node))
        maximum.number_format = MAXIMUM_FORMAT
        choices = _choices(compiled.leaf_rules[leaf], lang)
        if choices is None:
            continue
        if compiled.leaf_na[leaf] is not NotApplicable.NOT_ALLOWED:
            choices = (*choices, "không phát sinh")
        validation = validations.get(choices)
        if validation is None:
            validation = lists.validation(choices)
            validations[choices] = validation
            sheet.add_data_validation(validation)
        letter = column_letter(column - 1)
        validation.add(f"{letter}{BATCH_DATA_ROW}:{letter}{last}")
    sheet.column_dimensions["B"].width = 28
    sheet.freeze_panes = sheet.cell(row=BATCH_DATA_ROW, column=len(first) + 1)
    sheet.protection.sheet = True


def write_template(
    pack: Pack | CompiledPack,
    path: str | Path,
    *,
    layout: str = "unit",
    lang: str = "vi",
    rows: int = 500,
    stage: str | None = None,
) -> Path:
    """Write a fillable workbook for ``pack`` (written atomically); returns the path.

    ``layout`` is ``"unit"`` (one unit per file, self-assessed and appraised
    columns) or ``"batch"`` (``rows`` units as rows, one stage: ``stage``,
    default the pack's first stage).
    """
    compiled = pack if isinstance(pack, CompiledPack) else compile_pack(pack)
    if layout not in ("unit", "batch"):
        raise ValueError(f"layout must be 'unit' or 'batch', not {layout!r}")
    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', not {lang!r}")
    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    lists = _Lists(book)
    if layout == "unit":
        _unit_sheet(book, compiled, lang, lists)
        _meta(book, compiled, layout, lang, header_row=UNIT_HEADER_ROW)
    else:
        chosen = stage or compiled.pack.stages[0]
        if chosen not in compiled.pack.stages:
            raise ValueError(f"unknown stage {chosen!r}; the pack has {compiled.pack.stages}")
        _batch_sheet(book, compiled, lang, lists, rows)
        _meta(
            book,
            compiled,
            layout,
            lang,
            header_row=BATCH_HEADER_ROW,
            data_row=BATCH_DATA_ROW,
            stage=chosen,
        )
    book.active = 0
    target = Path(path)
    with atomic_path(target) as temporary:
        book.save(temporary)
    return target
