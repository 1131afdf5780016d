"""Long CSV input: one row per (unit, criterion[, stage]) with its value.

Required columns: ``unit``, ``code``, ``value``. Optional: ``appraised`` (the
appraisal body's value, kept as the pack's first appraisal stage), ``na``
(x, 1, có or kps marks "không phát sinh"; the ``value`` cell must then be
empty), ``stage`` (the stage ``value`` belongs to, default the pack's first),
``entry`` (``value``, ``bonus`` or ``deduction``), ``name`` and ``group`` (the
unit's display name and ranking group), ``evidence`` and ``note`` (kept in the
file, not scored). Vietnamese headers are accepted too (mã đơn vị, mã, giá
trị, thẩm định, không phát sinh, …). The file is UTF-8 (a BOM is allowed),
opened read-only; every bad row is reported with its row and A1 column.
"""

from __future__ import annotations

import csv
from pathlib import Path

from parindex.compiled import CompiledPack
from parindex.errors import InputProblem, Location
from parindex.inputs import NOT_APPLICABLE, Override, Record, ScoringInput, Unit
from parindex.io.assemble import Collected, appraisal_stage, assemble
from parindex.io.cells import CellError, column_letter, read_flag, read_value, text_of
from parindex.rules.base import normalise_label

REQUIRED = ("unit", "code", "value")
OPTIONAL = ("appraised", "na", "stage", "entry", "name", "group", "evidence", "note")
#: Accepted header spellings (compared after NFC and case folding).
ALIASES: dict[str, str] = {
    "mã đơn vị": "unit",
    "đơn vị": "unit",
    "mã": "code",
    "mã tiêu chí": "code",
    "giá trị": "value",
    "tự đánh giá": "value",
    "thẩm định": "appraised",
    "không phát sinh": "na",
    "kps": "na",
    "giai đoạn": "stage",
    "loại": "entry",
    "tên đơn vị": "name",
    "nhóm": "group",
    "tài liệu kiểm chứng": "evidence",
    "ghi chú": "note",
}


def _header_key(text: str) -> str:
    label = normalise_label(text)
    return ALIASES.get(label, label)


def collect_long_csv(compiled: CompiledPack, path: str | Path) -> Collected:
    """Records from a long CSV, with every row problem located."""
    file = Path(path)
    out = Collected(file.name, "long")
    try:
        with file.open("r", encoding="utf-8-sig", newline="") as handle:
            _collect(compiled, list(csv.reader(handle)), out)
    except UnicodeDecodeError as exc:
        out.problems.append(
            InputProblem(
                f"not UTF-8 text (byte {exc.start})",
                location=Location(file.name),
                expected="a CSV saved as UTF-8 (Excel: 'CSV UTF-8')",
            )
        )
    except csv.Error as exc:
        out.problems.append(
            InputProblem(f"not a readable CSV ({exc})", location=Location(file.name))
        )
    return out


def _collect(compiled: CompiledPack, rows: list[list[str]], out: Collected) -> None:
    file = out.source
    if not rows:
        out.problems.append(
            InputProblem(
                "the file is empty", location=Location(file, row=1), expected="a header row"
            )
        )
        return
    header = [_header_key(cell) for cell in rows[0]]
    position: dict[str, int] = {}
    for index, name in enumerate(header):
        where = Location(file, row=1, column=column_letter(index))
        if name not in REQUIRED + OPTIONAL:
            out.problems.append(
                InputProblem(
                    f"unknown column {rows[0][index]!r}",
                    location=where,
                    expected=", ".join(REQUIRED + OPTIONAL),
                )
            )
        elif name in position:
            out.problems.append(InputProblem(f"column {name!r} appears twice", location=where))
        else:
            position[name] = index
    missing = [name for name in REQUIRED if name not in position]
    if missing:
        out.problems.append(
            InputProblem(
                f"missing column(s) {', '.join(missing)}",
                location=Location(file, row=1),
                expected="a header row with unit, code, value",
            )
        )
        return
    first_stage = compiled.pack.stages[0]
    appraisal = appraisal_stage(compiled.pack) if "appraised" in position else ""

    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            out.problems.append(
                InputProblem(
                    f"row has {len(row)} cells, the header {len(header)}",
                    location=Location(file, row=number),
                    expected='one cell per header column (quote values with commas: "0,5")',
                )
            )
            continue

        def cell(name: str, row: list[str] = row) -> str:
            return text_of(row[position[name]]) if name in position else ""

        def at(name: str, number: int = number) -> Location:
            return Location(file, row=number, column=column_letter(position[name]))

        unit_id, code = cell("unit"), cell("code")
        if not unit_id:
            out.problems.append(
                InputProblem("the unit id is empty", code=code, location=at("unit"))
            )
            continue
        unit = Unit(unit_id, cell("name"), cell("group"))
        known = out.units.get(unit_id)
        if known is None:
            out.units[unit_id] = (unit, Location(file, row=number))
        elif (unit.name and unit.name != known[0].name) or (
            unit.group and unit.group != known[0].group
        ):
            out.problems.append(
                InputProblem(
                    f"unit's name or group differs from {known[1]}",
                    unit_id,
                    code,
                    Location(file, row=number),
                    f"name {known[0].name!r}, group {known[0].group!r}",
                )
            )
        elif (not known[0].name and unit.name) or (not known[0].group and unit.group):
            out.units[unit_id] = (
                Unit(unit_id, known[0].name or unit.name, known[0].group or unit.group),
                known[1],
            )
        stage = cell("stage") or first_stage
        entry = cell("entry") or "value"
        try:
            value = read_value(cell("value"))
        except CellError as exc:
            out.problems.append(InputProblem(str(exc), unit_id, code, at("value")))
            continue
        location = at("value")
        if "na" in position:
            try:
                flagged = read_flag(cell("na"))
            except CellError as exc:
                out.problems.append(
                    InputProblem(f"cannot read {cell('na')!r}", unit_id, code, at("na"), str(exc))
                )
                continue
            if flagged and value is not None:
                out.problems.append(
                    InputProblem(
                        "both a value and 'không phát sinh'",
                        unit_id,
                        code,
                        at("na"),
                        "a value or the mark, not both",
                    )
                )
                continue
            if flagged:
                value, location = NOT_APPLICABLE, at("na")
        out.records.append(Record(unit_id, code, value, stage, entry, location))
        if appraisal and cell("appraised"):
            try:
                appraised = read_value(cell("appraised"))
            except CellError as exc:
                out.problems.append(InputProblem(str(exc), unit_id, code, at("appraised")))
                continue
            out.records.append(Record(unit_id, code, appraised, appraisal, entry, at("appraised")))


def read_long_csv(
    compiled: CompiledPack,
    path: str | Path,
    *,
    overrides: tuple[Override, ...] = (),
    allow_missing: bool = False,
) -> ScoringInput:
    """Scoring input from one long CSV; raises InputError listing every problem."""
    return assemble(
        compiled,
        [collect_long_csv(compiled, path)],
        allow_missing=allow_missing,
        overrides=overrides,
    )
