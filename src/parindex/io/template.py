"""Excel templates generated from a pack, for units to fill in.

Two layouts. ``unit``: one workbook per unit, the criteria tree as rows with
code, title, maximum, points source, how it is scored and the allowed values,
and columns to fill in (self-assessed value, appraised value, "không phát
sinh", evidence reference, note). ``batch``: many units at once, units as rows
and leaf codes as columns, for commune-level batches. Structure cells are
locked (sheet protection without a password, to stop slips, not people) and
hold no formulas; drop-down lists guard level and achieved/not achieved cells
(their list references are the only formulas, written on purpose). The unit
layout prints on A4 landscape, one page wide, under a header block (issuing
body, title with the year, criteria set, legal basis); every text is in the
template's language.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from parindex.compiled import CompiledPack, compile_pack
from parindex.document import Heading, legal_basis, notices, title
from parindex.fixedpoint import ticks_to_decimal
from parindex.io.atomic import atomic_path
from parindex.io.cells import column_letter
from parindex.io.layout import (
    ACHIEVED_LABELS,
    BATCH_COLUMNS,
    LISTS_SHEET,
    META_SHEET,
    NA_MARK,
    UNIT_COLUMNS,
    UNIT_FIELDS,
    lang_index,
)
from parindex.io.sheets import (
    BOLD,
    GRID,
    fit_rows,
    grid,
    header_row,
    heading_block,
    print_setup,
    put,
    set_widths,
)
from parindex.messages import text
from parindex.model import NotApplicable, Pack
from parindex.rules import Achieved, Levels, Rule

BATCH_HEADER_ROW = 1
BATCH_DATA_ROW = 4
MAXIMUM_FORMAT = "#,##0.00##"
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_UNLOCKED = Protection(locked=False)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
#: Column widths of the unit layout (characters): one A4 landscape page wide.
_UNIT_WIDTHS = {
    "code": 12,
    "title": 40,
    "maximum": 8,
    "source": 12,
    "rule": 28,
    "allowed": 24,
    "self": 13,
    "appraised": 13,
    "na": 10,
    "evidence": 18,
    "note": 16,
}


def _choices(rule: Rule, lang: str) -> tuple[str, ...] | None:
    """The drop-down choices of a leaf, when its rule takes a choice."""
    if isinstance(rule, Levels):
        return tuple(level.label for level in rule.levels)
    if isinstance(rule, Achieved):
        return ACHIEVED_LABELS[lang_index(lang)]
    return None


def _allowed(rule: Rule, maximum: Decimal, na: NotApplicable, lang: str) -> str:
    choices = _choices(rule, lang)
    allowed = "; ".join(choices) if choices else rule.expected(maximum, lang)
    if isinstance(rule, Achieved):  # the drop-down's two words, and the marks typed for them
        allowed = text("rules.achieved_allowed", lang, choices=allowed)
    if na is not NotApplicable.NOT_ALLOWED:
        return text("output.allowed_or_na", lang, allowed=allowed)
    return allowed


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
                put(self.sheet, row, len(self._ranges) + 1, choice)
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
        put(sheet, row, 1, key)
        put(sheet, row, 2, str(value))
    sheet.protection.sheet = True


def _maximum(compiled: CompiledPack, node: int) -> float:
    return float(ticks_to_decimal(int(compiled.node_max[node]), compiled.pack.point_decimals))


def _unit_sheet(
    book: Workbook, compiled: CompiledPack, lang: str, lists: _Lists, heading: Heading
) -> int:
    """The one-unit form; returns its header row (the meta sheet records it)."""
    li = lang_index(lang)
    pack = compiled.pack
    sheet = book.create_sheet(text("output.sheet_assessment", lang), 0)
    keys = list(UNIT_COLUMNS)
    set_widths(sheet, [_UNIT_WIDTHS.get(key, 14) for key in keys])
    document_title = title(heading, "template", lang)
    basis = legal_basis(pack, lang)
    lines = [text("output.pack_line", lang, title=pack.title, id=pack.id, version=pack.version)]
    row = heading_block(
        sheet,
        heading,
        lang,
        width=len(keys),
        title=document_title if heading.title else document_title.upper(),
        lines=[*lines, *([basis] if basis else [])],
        # issue 14: a partial pack's template says what the entries will cover
        notices=notices(pack, lang) + [line for line in [compiled.coverage.line(lang)] if line],
    )
    for _key, names in UNIT_FIELDS.items():
        put(sheet, row, 1, names[li], font=BOLD)
        entry = sheet.cell(row=row, column=2)
        entry.protection = _UNLOCKED
        entry.fill = _INPUT_FILL
        entry.border = GRID
        row += 1
    header = row + 1
    header_row(sheet, header, [UNIT_COLUMNS[k][li] for k in keys])
    position = {key: i + 1 for i, key in enumerate(keys)}
    leaf_of = {int(node): i for i, node in enumerate(compiled.leaf_nodes.tolist())}
    validations: dict[str, DataValidation] = {}
    na_validation = lists.validation((NA_MARK[li],))
    sheet.add_data_validation(na_validation)
    for offset, node in enumerate(range(1, compiled.n_nodes)):
        row = header + 1 + offset
        depth = int(compiled.depth[node])
        put(sheet, row, position["code"], compiled.codes[node], align=_TOP).number_format = "@"
        put(
            sheet,
            row,
            position["title"],
            compiled.titles[node],
            align=Alignment(indent=depth - 1, wrap_text=True, vertical="top"),
        )
        put(
            sheet,
            row,
            position["maximum"],
            _maximum(compiled, node),
            number=MAXIMUM_FORMAT,
            align=_TOP,
        )
        if node not in leaf_of:
            for key in ("code", "title", "maximum"):
                sheet.cell(row=row, column=position[key]).font = BOLD
            continue
        leaf = leaf_of[node]
        rule = compiled.leaf_rules[leaf]
        exact_max = ticks_to_decimal(int(compiled.leaf_max[leaf]), pack.point_decimals)
        source = compiled.leaf_source[leaf].value
        na = compiled.leaf_na[leaf]
        put(sheet, row, position["source"], text(f"output.source_{source}", lang), align=_WRAP)
        put(sheet, row, position["rule"], rule.describe(exact_max, lang), align=_WRAP)
        put(sheet, row, position["allowed"], _allowed(rule, exact_max, na, lang), align=_WRAP)
        for key in ("self", "appraised", "na", "evidence", "note"):
            if key == "na" and na is NotApplicable.NOT_ALLOWED:
                continue
            cell = sheet.cell(row=row, column=position[key])
            cell.protection = _UNLOCKED
            cell.fill = _INPUT_FILL
            cell.alignment = _WRAP
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
    last = header + compiled.n_nodes - 1
    grid(sheet, header + 1, last, len(keys))
    fit_rows(sheet, header + 1, last)
    print_setup(
        sheet,
        lang,
        landscape=True,
        title_rows=(header, header),
        freeze=f"{column_letter(position['maximum'] - 1)}{header + 1}",
    )
    sheet.protection.sheet = True
    return header


def _batch_sheet(
    book: Workbook, compiled: CompiledPack, lang: str, lists: _Lists, rows: int
) -> None:
    li = lang_index(lang)
    sheet = book.create_sheet(text("output.sheet_units", lang), 0)
    first = [names[li] for names in BATCH_COLUMNS.values()]
    header_row(sheet, BATCH_HEADER_ROW, first + list(compiled.leaf_codes))
    put(sheet, 2, 1, UNIT_COLUMNS["title"][li], font=BOLD)
    put(sheet, 3, 1, UNIT_COLUMNS["maximum"][li], font=BOLD)
    last = BATCH_DATA_ROW + rows - 1
    for row in range(BATCH_DATA_ROW, last + 1):
        for column in range(1, len(first) + compiled.n_leaves + 1):
            sheet.cell(row=row, column=column).protection = _UNLOCKED
    validations: dict[tuple[str, ...], DataValidation] = {}
    for leaf in range(compiled.n_leaves):
        column = len(first) + leaf + 1
        node = int(compiled.leaf_nodes[leaf])
        put(sheet, 2, column, compiled.titles[node], align=_WRAP)
        put(sheet, 3, column, _maximum(compiled, node), number=MAXIMUM_FORMAT)
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
    print_setup(
        sheet,
        lang,
        landscape=True,
        title_rows=(BATCH_HEADER_ROW, BATCH_DATA_ROW - 1),
        freeze=f"{column_letter(len(first))}{BATCH_DATA_ROW}",
    )
    sheet.print_title_cols = f"A:{column_letter(len(first) - 1)}"
    sheet.protection.sheet = True


def write_template(
    pack: Pack | CompiledPack,
    path: str | Path,
    *,
    layout: str = "unit",
    lang: str = "vi",
    rows: int = 500,
    stage: str | None = None,
    heading: Heading | None = None,
) -> Path:
    """Write a fillable workbook for ``pack`` (written atomically); returns the path.

    ``layout`` is ``"unit"`` (one unit per file, self-assessed and appraised
    columns) or ``"batch"`` (``rows`` units as rows, one stage: ``stage``,
    default the pack's first stage). ``heading``: issuing body, year and title
    printed above the unit layout's form.
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
        header = _unit_sheet(book, compiled, lang, lists, heading or Heading())
        _meta(book, compiled, layout, lang, header_row=header)
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
