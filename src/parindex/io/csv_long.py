"""Long CSV input: one row per (unit, criterion[, stage]) with its value.

Required columns: ``unit``, ``code``, ``value``. Optional: ``stage`` (default
``self``), ``entry`` (``value``, ``bonus`` or ``deduction``), ``name`` and
``group`` (the unit's display name and ranking group). The file is opened
read-only; every bad row is reported with its row and column.
"""

from __future__ import annotations

import csv
from pathlib import Path

from parindex.compiled import CompiledPack
from parindex.errors import InputError, InputProblem, Location
from parindex.inputs import Override, Record, ScoringInput, Unit, from_records

REQUIRED = ("unit", "code", "value")
OPTIONAL = ("stage", "entry", "name", "group")


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_long_csv(
    compiled: CompiledPack,
    path: str | Path,
    *,
    overrides: tuple[Override, ...] = (),
    allow_missing: bool = False,
) -> ScoringInput:
    file = Path(path)
    with file.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise InputError(
                [
                    InputProblem(
                        f"missing column(s) {', '.join(missing)}",
                        location=Location(file.name, row=1),
                        expected="a header row with unit, code, value",
                    )
                ]
            )
        unknown = [h for h in header if h not in REQUIRED + OPTIONAL]
        if unknown:
            raise InputError(
                [InputProblem(f"unknown column(s) {', '.join(unknown)}", location=Location(file.name, row=1))]
            )
        position = {name: header.index(name) for name in header}
        records: list[Record] = []
        units: dict[str, Unit] = {}
        problems: list[InputProblem] = []
        for row_number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.append(
                    InputProblem(
                        f"row has {len(row)} cells, the header {len(header)}",
                        location=Location(file.name, row=row_number),
                    )
                )
                continue

            def cell(name: str, default: str = "", row: list[str] = row) -> str:
                return row[position[name]].strip() if name in position else default

            unit_id = cell("unit")
            unit = Unit(unit_id, cell("name"), cell("group"))
            known = units.setdefault(unit_id, unit)
            if (unit.name and unit.name != known.name) or (unit.group and unit.group != known.group):
                problems.append(
                    InputProblem(
                        "unit's name or group differs from an earlier row",
                        unit_id,
                        cell("code"),
                        Location(file.name, row=row_number),
                    )
                )
            raw = cell("value")
            records.append(
                Record(
                    unit=unit_id,
                    code=cell("code"),
                    value=raw if raw != "" else None,
                    stage=cell("stage", "self") or "self",
                    entry=cell("entry", "value") or "value",
                    location=Location(
                        file.name, row=row_number, column=_column_letter(position["value"])
                    ),
                )
            )
    if problems:
        raise InputError(problems)
    return from_records(
        compiled, records, units=list(units.values()), overrides=overrides, allow_missing=allow_missing
    )
