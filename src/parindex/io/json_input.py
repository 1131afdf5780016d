"""JSON input, structured with cattrs.

The document::

    {"pack": "synthetic-commune", "version": "synthetic-1",
     "units": [{"id": "X01", "name": "Xã A", "group": "",
                "values": {"1.1.1": "đạt", "1.1.2": "chậm", "2.3": 95},
                "appraised": {"2.3": 90},
                "not_applicable": ["2.1.1"],
                "stages": {"appraisal_2": {"2.3": 92}},
                "bonus": {"": 0.5}, "deduction": {"1.2": 0.25}}]}

``values`` belong to the pack's first stage, ``appraised`` to its first
appraisal stage, ``stages`` to any named stage. Numbers are read as exact
decimals; text values follow the same rules as spreadsheet cells (0,5 is
one half). Problems are located by file and JSON path.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import cattrs

from parindex.compiled import CompiledPack
from parindex.errors import InputProblem, Location
from parindex.inputs import NOT_APPLICABLE, Record, Unit
from parindex.io.assemble import Collected, appraisal_stage
from parindex.io.cells import CellError, read_value


@attrs.frozen
class UnitEntry:
    id: str
    name: str = ""
    group: str = ""
    values: dict[str, Any] = attrs.field(factory=dict)
    appraised: dict[str, Any] = attrs.field(factory=dict)
    not_applicable: tuple[str, ...] = ()
    stages: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    bonus: dict[str, Any] = attrs.field(factory=dict)
    deduction: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class InputDocument:
    pack: str
    units: tuple[UnitEntry, ...]
    version: str = ""


def _converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)

    def strict_str(value: object, _: type) -> str:
        if not isinstance(value, str):
            raise TypeError(f"expected text, got {type(value).__name__}")
        return value

    converter.register_structure_hook(str, strict_str)
    return converter


def collect_json(compiled: CompiledPack, path: str | Path) -> Collected:
    """Records from a JSON input document, each located by its JSON path."""
    file = Path(path)
    out = Collected(file.name, "long")
    try:
        raw = json.loads(file.read_text(encoding="utf-8-sig"), parse_float=Decimal)
    except UnicodeDecodeError as exc:
        out.problems.append(
            InputProblem(f"not UTF-8 text (byte {exc.start})", location=Location(file.name))
        )
        return out
    except json.JSONDecodeError as exc:
        out.problems.append(
            InputProblem(
                f"not valid JSON: {exc.msg} (line {exc.lineno}, character {exc.colno})",
                location=Location(file.name, row=exc.lineno),
            )
        )
        return out
    except RecursionError:
        out.problems.append(InputProblem("JSON nested too deeply", location=Location(file.name)))
        return out
    try:
        document = _converter().structure(raw, InputDocument)
    except Exception as exc:
        messages = (
            cattrs.transform_error(exc)
            if isinstance(exc, cattrs.BaseValidationError)
            else [str(exc)]
        )
        for message in messages:
            text, _, path_text = message.partition(" @ ")
            out.problems.append(
                InputProblem(text, location=Location(file.name, path=path_text.removeprefix("$.")))
            )
        return out
    pack = compiled.pack
    for key, found, wanted in (
        ("pack", document.pack, pack.id),
        ("version", document.version, pack.version),
    ):
        if (found and found != wanted) or (key == "pack" and not found):
            out.problems.append(
                InputProblem(
                    f"document is for {key} {found!r}",
                    location=Location(file.name, path=key),
                    expected=f"{key} {wanted!r} (packs and versions are never mixed)",
                )
            )
    appraisal = appraisal_stage(pack)
    first = pack.stages[0]
    for index, entry in enumerate(document.units):
        base = f"units[{index}]"
        if not entry.id.strip():
            out.problems.append(
                InputProblem(
                    "the unit id is empty", location=Location(file.name, path=f"{base}.id")
                )
            )
            continue
        if not out.add_unit(
            Unit(entry.id, entry.name, entry.group), Location(file.name, path=base)
        ):
            continue
        blocks: list[tuple[str, str, str, dict[str, Any]]] = [
            ("values", first, "value", entry.values),
            ("appraised", appraisal, "value", entry.appraised),
            ("bonus", first, "bonus", entry.bonus),
            ("deduction", first, "deduction", entry.deduction),
        ]
        blocks += [
            (f"stages.{name}", name, "value", values) for name, values in entry.stages.items()
        ]
        for name, stage, kind, values in blocks:
            for code, raw_value in values.items():
                where = Location(
                    file.name, path=f"{base}.{name}[{json.dumps(code, ensure_ascii=False)}]"
                )
                try:
                    value = read_value(raw_value)
                except CellError as exc:
                    out.problems.append(InputProblem(str(exc), entry.id, code, where))
                    continue
                out.records.append(Record(entry.id, code, value, stage, kind, where))
        for position, code in enumerate(entry.not_applicable):
            where = Location(file.name, path=f"{base}.not_applicable[{position}]")
            out.records.append(Record(entry.id, code, NOT_APPLICABLE, first, "value", where))
    return out
