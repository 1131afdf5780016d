"""Reading filled workbooks: the one-unit template and the many-units sheet.

Workbooks are opened read-only (openpyxl ``read_only=True``) and never
written. A parindex template names its pack, version and layout on a hidden
sheet; a workbook for another pack or version is refused rather than read.
A plain many-units sheet without that sheet is accepted when its first header
is the unit column (data from row 2, values for the pack's first stage).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from parindex.compiled import CompiledPack
from parindex.errors import InputError, InputProblem, Location
from parindex.inputs import NOT_APPLICABLE, Record, Unit
from parindex.io.assemble import Collected, appraisal_stage
from parindex.io.cells import CellError, column_letter, read_flag, read_value, text_of
from parindex.io.layout import (
    BATCH_COLUMNS,
    LISTS_SHEET,
    META_SHEET,
    UNIT_COLUMNS,
    UNIT_FIELDS,
    header_lookup,
)
from parindex.rules.base import normalise_label

Row = Sequence[Any]


def _open(path: Path) -> Any:
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises assorted errors on corrupt files
        raise InputError(
            [
                InputProblem(
                    f"cannot open as an Excel workbook ({type(exc).__name__})",
                    location=Location(path.name),
                    expected="an .xlsx file",
                )
            ]
        ) from None


def _rows(sheet: Any) -> list[Row]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _cell(row: Row, column: int) -> Any:
    return row[column] if column < len(row) else None


def _meta(book: Any) -> dict[str, tuple[str, int]]:
    if META_SHEET not in book.sheetnames:
        return {}
    meta: dict[str, tuple[str, int]] = {}
    for number, row in enumerate(_rows(book[META_SHEET]), start=1):
        key = text_of(_cell(row, 0))
        if key:
            meta[key] = (text_of(_cell(row, 1)), number)
    return meta


def _check_meta(compiled: CompiledPack, meta: dict[str, tuple[str, int]], out: Collected) -> None:
    pack = compiled.pack
    wanted = {
        "pack": pack.id,
        "version": pack.version,
        "level": "" if compiled.level is None else str(compiled.level),
    }
    for key, value in wanted.items():
        found, row = meta.get(key, ("", 0))
        if found != value:
            out.problems.append(
                InputProblem(
                    f"workbook was made for {key} {found!r}",
                    location=Location(out.source, META_SHEET, row or None, "B" if row else ""),
                    expected=f"{key} {value!r}: a template generated from this pack "
                    "(results of different packs or versions are never mixed)",
                )
            )


def _data_sheet(book: Any) -> Any:
    for name in book.sheetnames:
        if name not in (META_SHEET, LISTS_SHEET):
            return book[name]
    return None


def _int(meta: dict[str, tuple[str, int]], key: str, default: int) -> int:
    text = meta.get(key, ("", 0))[0]
    return int(text) if text.isdigit() and int(text) > 0 else default


def _read_unit(
    compiled: CompiledPack, rows: list[Row], sheet: str, header_row: int, out: Collected
) -> None:
    file = out.source

    def at(row: int, column: int | None = None) -> Location:
        return Location(file, sheet, row, "" if column is None else column_letter(column))

    fields = header_lookup(UNIT_FIELDS)
    found: dict[str, tuple[str, int]] = {}
    for number, row in enumerate(rows[: header_row - 1], start=1):
        key = fields.get(normalise_label(text_of(_cell(row, 0))))
        if key:
            found[key] = (text_of(_cell(row, 1)), number)
    unit_id, unit_row = found.get("unit", ("", 0))
    if not unit_row:
        out.problems.append(
            InputProblem(
                "no unit id row above the table",
                location=at(1, 0),
                expected="the template's unit block",
            )
        )
        return
    if not unit_id:
        out.problems.append(
            InputProblem("the unit id is empty", location=at(unit_row, 1), expected="the unit's id")
        )
        return
    unit = Unit(unit_id, found.get("name", ("", 0))[0], found.get("group", ("", 0))[0])
    out.add_unit(unit, at(unit_row, 1))

    if len(rows) < header_row:
        out.problems.append(
            InputProblem("the criteria table is missing", unit_id, location=at(header_row))
        )
        return
    lookup = header_lookup(UNIT_COLUMNS)
    columns: dict[str, int] = {}
    for index, raw in enumerate(rows[header_row - 1]):
        text = text_of(raw)
        if not text:
            continue
        key = lookup.get(normalise_label(text))
        if key is None:
            out.problems.append(
                InputProblem(
                    f"unknown column {text!r}",
                    location=at(header_row, index),
                    expected="the template's columns",
                )
            )
        elif key in columns:
            out.problems.append(
                InputProblem(f"column {text!r} appears twice", location=at(header_row, index))
            )
        else:
            columns[key] = index
    for key in ("code", "self"):
        if key not in columns:
            out.problems.append(
                InputProblem(
                    f"no {UNIT_COLUMNS[key][0]!r} ({UNIT_COLUMNS[key][1]}) column",
                    location=at(header_row),
                    expected="the template's header row",
                )
            )
    if "code" not in columns or "self" not in columns:
        return
    appraisal = appraisal_stage(compiled.pack)
    first_stage = compiled.pack.stages[0]
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[header_row:], start=header_row + 1):
        code = text_of(_cell(row, columns["code"]))
        entries: dict[str, Any] = {
            key: _cell(row, columns[key]) for key in ("self", "appraised", "na") if key in columns
        }
        filled = any(text_of(value) for value in entries.values())
        if not code:
            if filled:
                out.problems.append(
                    InputProblem(
                        "values on a row without a criterion code",
                        unit_id,
                        location=at(number, columns["code"]),
                    )
                )
            continue
        if code not in compiled.leaf_index:
            if code not in compiled.node_index:
                out.problems.append(
                    InputProblem(
                        f"unknown criterion code {code!r}",
                        unit_id,
                        code,
                        at(number, columns["code"]),
                        f"a code of pack {compiled.pack.id}",
                    )
                )
            elif filled:
                out.problems.append(
                    InputProblem(
                        "values entered on a field or criterion row",
                        unit_id,
                        code,
                        at(number, columns["self"]),
                        "values on sub-criterion (leaf) rows only",
                    )
                )
            continue
        if code in seen:
            out.problems.append(
                InputProblem(
                    f"criterion row repeated (first at row {seen[code]})",
                    unit_id,
                    code,
                    at(number, columns["code"]),
                )
            )
            continue
        seen[code] = number
        values: dict[str, object] = {}
        for key in ("self", "appraised"):
            if key not in columns:
                continue
            try:
                values[key] = read_value(entries[key])
            except CellError as exc:
                out.problems.append(InputProblem(str(exc), unit_id, code, at(number, columns[key])))
                values[key] = ""
        not_applicable = False
        if "na" in columns:
            try:
                not_applicable = read_flag(entries["na"])
            except CellError as exc:
                out.problems.append(
                    InputProblem(
                        f"cannot read {text_of(entries['na'])!r}",
                        unit_id,
                        code,
                        at(number, columns["na"]),
                        str(exc),
                    )
                )
        if any(value == "" for value in values.values()):
            continue
        if not_applicable:
            if values.get("self") is not None:
                out.problems.append(
                    InputProblem(
                        "both a self-assessed value and 'không phát sinh'",
                        unit_id,
                        code,
                        at(number, columns["na"]),
                        "a value or the mark, not both",
                    )
                )
                continue
            out.records.append(
                Record(
                    unit_id, code, NOT_APPLICABLE, first_stage, location=at(number, columns["na"])
                )
            )
        else:
            out.records.append(
                Record(
                    unit_id, code, values["self"], first_stage, location=at(number, columns["self"])
                )
            )
        if values.get("appraised") is not None:
            out.records.append(
                Record(
                    unit_id,
                    code,
                    values["appraised"],
                    appraisal,
                    location=at(number, columns["appraised"]),
                )
            )
    for code in compiled.leaf_codes:
        if code not in seen:
            out.absent[(unit_id, code)] = Location(file, sheet)


def _read_batch(
    compiled: CompiledPack,
    rows: list[Row],
    sheet: str,
    header_row: int,
    data_row: int,
    stage: str,
    out: Collected,
) -> None:
    file = out.source

    def at(row: int, column: int | None = None) -> Location:
        return Location(file, sheet, row, "" if column is None else column_letter(column))

    if len(rows) < header_row:
        out.problems.append(InputProblem("the sheet has no header row", location=at(header_row)))
        return
    lookup = header_lookup(BATCH_COLUMNS)
    fixed: dict[str, int] = {}
    leaves: dict[int, str] = {}
    for index, raw in enumerate(rows[header_row - 1]):
        text = text_of(raw)
        if not text:
            continue
        key = lookup.get(normalise_label(text))
        if key is not None and key not in fixed:
            fixed[key] = index
        elif text in compiled.leaf_index:
            if text in leaves.values():
                out.problems.append(
                    InputProblem(
                        "criterion column appears twice", code=text, location=at(header_row, index)
                    )
                )
            else:
                leaves[index] = text
        elif text in compiled.node_index:
            out.problems.append(
                InputProblem(
                    "column for a field or criterion",
                    code=text,
                    location=at(header_row, index),
                    expected="columns for sub-criterion (leaf) codes only",
                )
            )
        else:
            out.problems.append(
                InputProblem(
                    f"unknown column {text!r}",
                    location=at(header_row, index),
                    expected=f"unit, name, group or a leaf code of pack {compiled.pack.id}",
                )
            )
    if "unit" not in fixed:
        out.problems.append(
            InputProblem(
                "no unit id column",
                location=at(header_row),
                expected=f"a column headed {BATCH_COLUMNS['unit'][0]!r} or 'unit'",
            )
        )
        return
    headed = set(fixed.values()) | set(leaves)
    data = rows[data_row - 1 :]
    width = max([len(rows[header_row - 1]), *(len(row) for row in data)])
    for index in range(width):
        if index in headed or text_of(_cell(rows[header_row - 1], index)):
            continue
        filled = next(
            (n for n, row in enumerate(data, start=data_row) if text_of(_cell(row, index))), None
        )
        if filled is not None:
            out.problems.append(
                InputProblem(
                    "values in a column without a header",
                    location=at(filled, index),
                    expected="a unit, name, group or leaf code header above every filled column",
                )
            )
    present = set(leaves.values())
    for code in compiled.leaf_codes:
        if code not in present:
            out.absent_columns[code] = at(header_row)
    for number, row in enumerate(rows[data_row - 1 :], start=data_row):
        unit_id = text_of(_cell(row, fixed["unit"]))
        if not unit_id:
            if any(text_of(value) for value in row):
                out.problems.append(
                    InputProblem(
                        "a row with values but no unit id",
                        location=at(number, fixed["unit"]),
                        expected="the unit's id",
                    )
                )
            continue
        unit = Unit(
            unit_id,
            text_of(_cell(row, fixed["name"])) if "name" in fixed else "",
            text_of(_cell(row, fixed["group"])) if "group" in fixed else "",
        )
        if not out.add_unit(unit, at(number, fixed["unit"])):
            continue
        for index, code in leaves.items():
            try:
                value = read_value(_cell(row, index))
            except CellError as exc:
                out.problems.append(InputProblem(str(exc), unit_id, code, at(number, index)))
                continue
            out.records.append(Record(unit_id, code, value, stage, location=at(number, index)))


def read_workbook(compiled: CompiledPack, path: str | Path) -> Collected:
    """Collect records from a filled template (either layout) or a plain many-units sheet."""
    file = Path(path)
    book = _open(file)
    try:
        out = Collected(file.name, "sheet")
        meta = _meta(book)
        sheet = _data_sheet(book)
        if sheet is None:
            out.problems.append(
                InputProblem("the workbook has no data sheet", location=Location(file.name))
            )
            return out
        try:
            rows = _rows(sheet)
        except Exception as exc:  # a corrupt sheet part
            out.problems.append(
                InputProblem(
                    f"cannot read the sheet ({type(exc).__name__})",
                    location=Location(file.name, sheet.title),
                )
            )
            return out
        layout = meta.get("layout", ("", 0))[0]
        if meta:
            _check_meta(compiled, meta, out)
        elif rows and normalise_label(text_of(_cell(rows[0], 0))) in header_lookup(
            {"u": BATCH_COLUMNS["unit"]}
        ):
            layout = "plain-batch"
        if layout == "unit":
            _read_unit(compiled, rows, sheet.title, _int(meta, "header_row", 7), out)
        elif layout in ("batch", "plain-batch"):
            stage = meta.get("stage", (compiled.pack.stages[0], 0))[0] or compiled.pack.stages[0]
            if stage not in compiled.pack.stages:
                out.problems.append(
                    InputProblem(
                        f"unknown stage {stage!r}",
                        location=Location(file.name, META_SHEET),
                        expected=", ".join(compiled.pack.stages),
                    )
                )
                return out
            header = _int(meta, "header_row", 1)
            _read_batch(
                compiled, rows, sheet.title, header, _int(meta, "data_row", header + 1), stage, out
            )
        else:
            out.problems.append(
                InputProblem(
                    "not a parindex template or many-units sheet",
                    location=Location(file.name, sheet.title, 1, "A"),
                    expected="a workbook from 'parindex template', or a sheet with units as rows",
                )
            )
        return out
    finally:
        book.close()
