"""Reading filled workbooks: the one-unit template and the many-units sheet.

Workbooks (.xlsx, .xlsm, .ods, .xls) are read with python-calamine, a Rust
reader that is many times faster than openpyxl and never writes; openpyxl stays
for writing. Before anything is parsed, the zip directory of the workbook is
checked against :attr:`~parindex.limits.Limits.max_workbook_bytes` (a small file
can inflate to hundreds of megabytes). Formulas are read from their saved
results; a formula saved without one (a workbook written by a program and never
opened in a spreadsheet) is reported, never read as empty.

A parindex template names its pack, version and layout on a hidden sheet; a
workbook for another pack or version is refused rather than read. A plain
many-units sheet without that sheet is accepted when one of its first rows is
headed by the unit column (rows above it are titles); a template's own
structure rows (criterion titles, maxima: "Điểm tối đa") are recognised and
never read as units.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import python_calamine

from parindex import grammar, limits
from parindex.compiled import CompiledPack
from parindex.errors import InputError, InputProblem, Location, Text
from parindex.inputs import NOT_APPLICABLE, Annotation, Unit
from parindex.io.assemble import Collected, EntryBuffer, appraisal_stage
from parindex.io.cells import column_letter
from parindex.io.layout import (
    BATCH_COLUMNS,
    LISTS_SHEET,
    META_SHEET,
    UNIT_COLUMNS,
    UNIT_FIELDS,
    header_lookup,
)
from parindex.io.near_headers import with_hint
from parindex.io.sheet_extent import check_sheet_extent, check_workbook_extent, sheet_part
from parindex.messages import Found, Message, msg

Row = Sequence[Any]
#: Rows searched for a plain sheet's header (those above it are titles).
HEADER_SEARCH_ROWS = 10
#: A formula cell saved without its result: ``<c r="B5"><f>…</f></c>`` or an empty ``<v/>``.
_UNCACHED = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>'
)
#: Labels in column A of a template's structure rows (titles, maxima), in both languages.
_STRUCTURE_LABELS = frozenset(
    grammar.label_key(name) for key in ("title", "maximum", "code") for name in UNIT_COLUMNS[key]
)


def _refuse(path: Path, message: Text, expected: Text = "") -> InputError:
    return InputError([InputProblem(message, location=Location(path.name), expected=expected)])


def _check_size(path: Path) -> None:
    """Refuse a workbook whose parts inflate beyond the cap, before parsing it."""
    cap = limits.current().max_workbook_bytes
    if not zipfile.is_zipfile(path):
        size = path.stat().st_size  # .xls is not a zip: its size is what it is
        if size > cap:
            raise _refuse(path, limits.over("max_workbook_bytes", size, cap))
        return
    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(path, msg("workbook.cannot_open"), msg("workbook.expected")) from None
    if size > cap:
        raise _refuse(path, limits.over("max_workbook_bytes", size, cap))


def reader_failed(exc: BaseException) -> bool:
    """Whether calamine gave up on a damaged file: its assorted errors, or a panic of its
    Rust code (pyo3's ``PanicException`` derives from BaseException, not Exception)."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _open(path: Path) -> Any:
    _check_size(path)
    check_workbook_extent(path)
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except BaseException as exc:
        if not reader_failed(exc):  # Ctrl-C, exit
            raise
        raise _refuse(path, msg("workbook.cannot_open"), msg("workbook.expected")) from None


def _rows(book: Any, name: str) -> list[list[Any]]:
    """The sheet's cells from A1 (empty cells as None), whatever the used area.

    The area from A1 to the last cell is checked against the cap before it is built,
    from the file itself (:mod:`parindex.io.sheet_extent`): one value typed far away
    (A1 and XFD1000000) would otherwise cost more memory than the machine has. The
    size calamine reports once it has built the sheet is checked too.
    """
    where = Location(Path(book.path).name, name)
    check_sheet_extent(Path(book.path), name)
    try:
        sheet = book.get_sheet_by_name(name)
        last_row, last_column = sheet.end
        cells = (last_row + 1) * (last_column + 1)
        cap = limits.current().max_sheet_cells
        if cells > cap:
            raise InputError(
                [InputProblem(limits.over("max_sheet_cells", cells, cap), location=where)]
            )
        rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
    except InputError:
        raise
    except BaseException as exc:
        if not reader_failed(exc):
            raise
        problem = InputProblem(
            msg("workbook.cannot_read_sheet"), location=where, expected=msg("workbook.expected")
        )
        raise InputError([problem]) from None
    return [[None if value == "" else value for value in row] for row in rows]


def uncached_formulas(path: Path, sheet: str) -> list[str]:
    """Cells of ``sheet`` holding a formula saved without its result (xlsx only)."""
    try:
        with zipfile.ZipFile(path) as archive:
            part = sheet_part(archive, sheet)
            if part is None:
                return []
            data = archive.read(part)
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError):
        return []
    if b"<f" not in data:
        return []
    return [match.decode("ascii") for match in _UNCACHED.findall(data)]


def _cell(row: Row, column: int) -> Any:
    return row[column] if column < len(row) else None


def _text(raw: object) -> str:
    return grammar.clean_text(raw)


def _meta(book: Any) -> dict[str, tuple[str, int]]:
    if META_SHEET not in book.sheet_names:
        return {}
    meta: dict[str, tuple[str, int]] = {}
    for number, row in enumerate(_rows(book, META_SHEET), start=1):
        key = _text(_cell(row, 0))
        if key:
            meta[key] = (_text(_cell(row, 1)), number)
    return meta


def _level_words(level: str) -> Message:
    return msg("workbook.level_at", level=level) if level else msg("workbook.level_leaves")


def _check_meta(compiled: CompiledPack, meta: dict[str, tuple[str, int]], out: Collected) -> bool:
    """Whether the workbook was made for this pack and view; each difference is a problem.

    A template made for another pack, version or ``--level`` says so, in those
    words; its cells are not read (every row would be another problem).
    """
    pack = compiled.pack
    wanted = {
        "pack": pack.id,
        "version": pack.version,
        "level": "" if compiled.level is None else str(compiled.level),
    }
    fits = True
    for key, value in wanted.items():
        found, row = meta.get(key, ("", 0))
        if found == value:
            continue
        fits = False
        if key == "level":
            problem = msg(
                "workbook.other_level", made=_level_words(found), scoring=_level_words(value)
            )
            expected = msg("workbook.other_level_expected")
        else:
            what = msg(f"workbook.key_{key}")
            problem = msg("workbook.other_pack", key=what, found=Found(found))
            expected = msg("workbook.other_pack_expected", key=what, wanted=Found(value))
        out.problems.append(
            InputProblem(
                problem,
                location=Location(out.source, META_SHEET, row or None, "B" if row else ""),
                expected=expected,
            )
        )
    return fits


def _int(meta: dict[str, tuple[str, int]], key: str, default: int) -> int:
    text = meta.get(key, ("", 0))[0]
    return int(text) if text.isdigit() and 0 < len(text) < 7 and int(text) > 0 else default


class _Sheet:
    """One sheet being read: its cells, where they are, and the entries found."""

    def __init__(self, out: Collected, name: str, rows: list[list[Any]]) -> None:
        self.out = out
        self.name = name
        self.rows = rows
        file = out.source
        self.buffer = EntryBuffer(
            lambda place: Location(file, name, place[0], column_letter(place[1]))
        )

    def at(self, row: int, column: int | None = None) -> Location:
        return Location(
            self.out.source, self.name, row, "" if column is None else column_letter(column)
        )

    def problem(
        self,
        message: Text,
        *,
        unit: str = "",
        code: str = "",
        row: int,
        column: int | None = None,
        expected: Text = "",
    ) -> None:
        self.out.problems.append(InputProblem(message, unit, code, self.at(row, column), expected))

    def unit_id(self, raw: object, row: int, column: int) -> str | None:
        try:
            return grammar.identifier(raw)
        except grammar.EntryError as exc:
            self.problem(exc.message, row=row, column=column)
            return None

    def name_text(
        self, raw: object, row: int, column: int, what: grammar.TextField = "name"
    ) -> str:
        try:
            return grammar.check_text(_text(raw), what=what)
        except grammar.EntryError as exc:
            self.problem(exc.message, row=row, column=column)
            return ""

    def annotate(
        self, unit: str, code: str, row: Sequence[Any], number: int, columns: dict[str, int]
    ) -> None:
        """Keep the evidence and note a unit wrote beside an entry (not scored)."""
        texts = {}
        for key in ("evidence", "note"):
            if key not in columns:
                continue
            try:
                texts[key] = grammar.check_text(
                    grammar.clean_text(_cell(row, columns[key])),
                    what=key,
                    limit=grammar.MAX_NOTE_CHARS,
                )
            except grammar.EntryError as exc:
                self.problem(exc.message, unit=unit, code=code, row=number, column=columns[key])
        if any(texts.values()):
            self.out.notes[(unit, code)] = Annotation(**texts)

    def finish(self) -> None:
        if self.buffer.value:
            self.out.entries.append(self.buffer.entries())


def _read_unit(compiled: CompiledPack, sheet: _Sheet, header_row: int) -> None:
    rows = sheet.rows
    fields = header_lookup(UNIT_FIELDS)
    found: dict[str, tuple[object, int]] = {}
    for number, row in enumerate(rows[: header_row - 1], start=1):
        key = fields.get(grammar.label_key(_text(_cell(row, 0))))
        if key:
            found[key] = (_cell(row, 1), number)
    raw_id, unit_row = found.get("unit", (None, 0))
    if not unit_row:
        sheet.problem(
            msg("workbook.no_unit_row"), row=1, column=0, expected=msg("workbook.unit_block")
        )
        return
    if raw_id is None or not _text(raw_id):
        sheet.problem(
            msg("entry.id_empty"), row=unit_row, column=1, expected=msg("workbook.unit_id_expected")
        )
        return
    unit_id = sheet.unit_id(raw_id, unit_row, 1)
    if unit_id is None:
        return
    name = sheet.name_text(found.get("name", (None, 0))[0], found.get("name", (None, 0))[1], 1)
    group = sheet.name_text(
        found.get("group", (None, 0))[0], found.get("group", (None, 0))[1], 1, "group"
    )
    sheet.out.add_unit(Unit(unit_id, name, group), sheet.at(unit_row, 1))

    if len(rows) < header_row:
        sheet.problem(msg("workbook.no_table"), unit=unit_id, row=header_row)
        return
    columns = _header(sheet, header_row, UNIT_COLUMNS, msg("workbook.template_columns"))
    for key in ("code", "self"):
        if key not in columns:
            sheet.problem(
                msg(
                    "workbook.no_column", column=UNIT_COLUMNS[key][0], english=UNIT_COLUMNS[key][1]
                ),
                row=header_row,
                expected=msg("workbook.template_header"),
            )
    if "code" not in columns or "self" not in columns:
        return
    appraisal = appraisal_stage(compiled.pack)
    first_stage = compiled.pack.stages[0]
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[header_row:], start=header_row + 1):
        code = _text(_cell(row, columns["code"]))
        entries = {
            key: _cell(row, columns[key]) for key in ("self", "appraised", "na") if key in columns
        }
        filled = any(_text(value) for value in entries.values())
        if not code:
            if filled:
                sheet.problem(
                    msg("workbook.values_without_code"),
                    unit=unit_id,
                    row=number,
                    column=columns["code"],
                )
            continue
        if code not in compiled.leaf_index:
            if code not in compiled.node_index:
                sheet.problem(
                    msg("workbook.unknown_code", found=Found(code)),
                    unit=unit_id,
                    code=code,
                    row=number,
                    column=columns["code"],
                    expected=msg("workbook.code_of_pack", pack=compiled.pack.id),
                )
            elif filled:
                sheet.problem(
                    msg("workbook.values_on_node"),
                    unit=unit_id,
                    code=code,
                    row=number,
                    column=columns["self"],
                    expected=msg("workbook.values_on_leaves"),
                )
            continue

        def problem(
            message: Text, column: str, expected: Text = "", code: str = code, number: int = number
        ) -> None:
            sheet.problem(
                message,
                unit=unit_id,
                code=code,
                row=number,
                column=columns[column],
                expected=expected,
            )

        if code in seen:
            problem(msg("workbook.row_repeated", first=seen[code]), "code")
            continue
        seen[code] = number
        sheet.annotate(unit_id, code, row, number, columns)
        not_applicable = False
        if "na" in columns:
            try:
                not_applicable = grammar.flag_from_value(entries["na"])
            except grammar.EntryError as exc:
                problem(exc.message, "na", msg("entry.flag_expected"))
                continue
        if not_applicable:
            if _text(entries["self"]):
                problem(msg("csv.value_and_na"), "na", msg("csv.value_or_na"))
                continue
            sheet.buffer.add(unit_id, code, NOT_APPLICABLE, first_stage, (number, columns["na"]))
        else:
            sheet.buffer.add(unit_id, code, entries["self"], first_stage, (number, columns["self"]))
        if "appraised" in columns and _text(entries["appraised"]):
            sheet.buffer.add(
                unit_id, code, entries["appraised"], appraisal, (number, columns["appraised"])
            )
    for code in compiled.leaf_codes:
        if code not in seen:
            sheet.out.absent[(unit_id, code)] = Location(sheet.out.source, sheet.name)


def _names(columns: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """Every accepted header with its column key (for "did you mean")."""
    return [(name, key) for key, names in columns.items() for name in (*names, key)]


def _header(
    sheet: _Sheet, header_row: int, columns_named: dict[str, tuple[str, str]], expected: Text
) -> dict[str, int]:
    lookup = header_lookup(columns_named)
    columns: dict[str, int] = {}
    for index, raw in enumerate(sheet.rows[header_row - 1]):
        text = _text(raw)
        if not text:
            continue
        key = lookup.get(grammar.label_key(text))
        if key is None:
            sheet.problem(
                with_hint(
                    msg("csv.unknown_column", found=Found(text)), text, _names(columns_named)
                ),
                row=header_row,
                column=index,
                expected=expected,
            )
        elif key in columns:
            sheet.problem(msg("csv.column_twice", found=Found(text)), row=header_row, column=index)
        else:
            columns[key] = index
    return columns


def _read_batch(
    compiled: CompiledPack, sheet: _Sheet, header_row: int, data_row: int, stage: str
) -> None:
    rows = sheet.rows
    if len(rows) < header_row:
        sheet.problem(msg("workbook.no_header"), row=header_row)
        return
    lookup = header_lookup(BATCH_COLUMNS)
    fixed: dict[str, int] = {}
    leaves: dict[int, str] = {}
    for index, raw in enumerate(rows[header_row - 1]):
        text = _text(raw)
        if not text:
            continue
        key = lookup.get(grammar.label_key(text))
        if key is not None and key not in fixed:
            fixed[key] = index
        elif text in compiled.leaf_index:
            if text in leaves.values():
                sheet.problem(
                    msg("workbook.leaf_column_twice"), code=text, row=header_row, column=index
                )
            else:
                leaves[index] = text
        elif text in compiled.node_index:
            sheet.problem(
                msg("workbook.node_column"),
                code=text,
                row=header_row,
                column=index,
                expected=msg("workbook.leaf_columns_only"),
            )
        else:
            sheet.problem(
                with_hint(
                    msg("csv.unknown_column", found=Found(text)), text, _names(BATCH_COLUMNS)
                ),
                row=header_row,
                column=index,
                expected=msg("workbook.batch_columns", pack=compiled.pack.id),
            )
    if "unit" not in fixed:
        sheet.problem(
            msg("workbook.no_unit_column"),
            row=header_row,
            expected=msg("workbook.unit_column_expected"),
        )
        return
    headed = set(fixed.values()) | set(leaves)
    data = rows[data_row - 1 :]
    width = max([len(rows[header_row - 1]), *(len(row) for row in data)])
    for index in range(width):
        if index in headed or _text(_cell(rows[header_row - 1], index)):
            continue
        filled = next(
            (n for n, row in enumerate(data, start=data_row) if _text(_cell(row, index))), None
        )
        if filled is not None:
            sheet.problem(
                msg("workbook.values_without_header"),
                row=filled,
                column=index,
                expected=msg("workbook.header_expected"),
            )
    present = set(leaves.values())
    for code in compiled.leaf_codes:
        if code not in present:
            sheet.out.absent_columns[code] = sheet.at(header_row)
    unit_column = fixed["unit"]
    for number, row in enumerate(data, start=data_row):
        raw_id = _cell(row, unit_column)
        if not _text(raw_id):
            if any(_text(value) for value in row):
                sheet.problem(
                    msg("workbook.row_without_unit"),
                    row=number,
                    column=unit_column,
                    expected=msg("workbook.unit_id_expected"),
                )
            continue
        if grammar.label_key(_text(raw_id)) in _STRUCTURE_LABELS:
            continue  # a template's titles or maxima row, copied without its hidden sheet
        unit_id = sheet.unit_id(raw_id, number, unit_column)
        if unit_id is None:
            continue
        name = (
            sheet.name_text(_cell(row, fixed["name"]), number, fixed["name"])
            if "name" in fixed
            else ""
        )
        group = (
            sheet.name_text(_cell(row, fixed["group"]), number, fixed["group"], "group")
            if "group" in fixed
            else ""
        )
        if not sheet.out.add_unit(Unit(unit_id, name, group), sheet.at(number, unit_column)):
            continue
        for index, code in leaves.items():
            sheet.buffer.add(unit_id, code, _cell(row, index), stage, (number, index))


def _plain_header(rows: list[list[Any]]) -> int:
    """The row (1-based) of a plain sheet's unit header among its first rows; 0 if none."""
    units = header_lookup({"unit": BATCH_COLUMNS["unit"]})
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        if grammar.label_key(_text(_cell(row, 0))) in units:
            return number
    return 0


def read_workbook(compiled: CompiledPack, path: str | Path) -> Collected:
    """Collect entries from a filled template (either layout) or a plain many-units sheet."""
    file = Path(path)
    book = _open(file)
    try:
        return _read_book(compiled, file, book)
    finally:
        book.close()


def _read_book(compiled: CompiledPack, file: Path, book: Any) -> Collected:
    out = Collected(file.name, "sheet")
    try:
        meta = _meta(book)
        names = [name for name in book.sheet_names if name not in (META_SHEET, LISTS_SHEET)]
        if not names:
            out.problems.append(
                InputProblem(msg("workbook.no_data_sheet"), location=Location(file.name))
            )
            return out
        name = names[0]
        rows = _rows(book, name)
    except InputError as exc:  # a damaged sheet, or one too large, at its sheet
        out.problems += exc.problems
        return out
    except Exception:  # a corrupt sheet part
        out.problems.append(
            InputProblem(
                msg("workbook.cannot_read_sheet"),
                location=Location(file.name),
                expected=msg("workbook.expected"),
            )
        )
        return out
    for cell in uncached_formulas(file, name):
        out.problems.append(
            InputProblem(
                msg("workbook.formula_without_value"),
                location=Location(
                    file.name, name, int(re.sub("[A-Z]", "", cell)), re.sub("[0-9]", "", cell)
                ),
                expected=msg("workbook.formula_expected"),
            )
        )
    sheet = _Sheet(out, name, rows)
    layout = meta.get("layout", ("", 0))[0]
    header = _int(meta, "header_row", 1)
    if meta:
        if not _check_meta(compiled, meta, out):
            return out
    elif (header := _plain_header(rows)) > 0:
        layout = "plain-batch"
    if layout == "unit":
        _read_unit(compiled, sheet, _int(meta, "header_row", 7))
    elif layout in ("batch", "plain-batch"):
        stage = meta.get("stage", (compiled.pack.stages[0], 0))[0] or compiled.pack.stages[0]
        if stage not in compiled.pack.stages:
            out.problems.append(
                InputProblem(
                    msg("input.unknown_stage", found=Found(stage)),
                    location=Location(file.name, META_SHEET),
                    expected=", ".join(compiled.pack.stages),
                )
            )
            return out
        data_row = _int(meta, "data_row", header + 1) if layout == "batch" else header + 1
        _read_batch(compiled, sheet, header, data_row, stage)
    else:
        out.problems.append(
            InputProblem(
                msg("workbook.not_a_template"),
                location=Location(file.name, name, 1, "A"),
                expected=msg("workbook.not_a_template_expected"),
            )
        )
    sheet.finish()
    return out
