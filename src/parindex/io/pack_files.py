"""Packs to and from files: TOML (the pack format), JSON and an Excel criteria sheet.

An analyst can draft a pack in Excel (one row per criterion, as the official
appendix prints it) and convert it to TOML. Every export is read back and
compared with the pack before the file is put in place, so a round trip is
exact or the export fails loudly; files are written atomically.

Excel layout: sheet ``pack`` holds the pack's own fields as key/value rows
(text fields as they are, other fields as JSON); sheet ``criteria`` holds one
row per node with a column per node field. ``rule`` is the rule kind and
``rule_parameters`` the rest of the rule as a JSON object; ``provenance`` is
a JSON list. Empty cells take the field's default.
"""

from __future__ import annotations

import enum
import json
import tomllib
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import tomli_w
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from parindex.errors import PackError, ParIndexError, Severity, Violation
from parindex.io.atomic import atomic_path, write_text_atomic
from parindex.io.cells import column_letter
from parindex.model import Node, Pack
from parindex.plugins import Plugins, default_plugins
from parindex.serialization import (
    make_converter,
    pack_from_document,
    pack_to_document,
    pack_to_json,
    read_pack_file,
)

PACK_SHEET = "pack"
CRITERIA_SHEET = "criteria"
RULE_PARAMETERS = "rule_parameters"
PACK_FORMATS = (".toml", ".json", ".xlsx")


def _plugins(plugins: Plugins | None) -> Plugins:
    return plugins if plugins is not None else default_plugins()


def _toml_ready(value: Any) -> Any:
    """Drop None (TOML has no null) and write whole decimals as integers (7, not 7.0)."""
    if isinstance(value, dict):
        return {key: _toml_ready(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_toml_ready(item) for item in value]
    if isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent == 0:
        return int(value)
    return value


def pack_to_toml(pack: Pack, plugins: Plugins | None = None) -> str:
    """The TOML text of a pack (flat ``[[nodes]]``, exact decimals)."""
    converter = make_converter(_plugins(plugins).rule_kinds, native_scalars=True)
    document = _toml_ready(pack_to_document(pack, converter))
    header = f"# Criteria pack {pack.id} ({pack.version}), written by parindex.\n"
    return header + tomli_w.dumps(document)


def _verify(pack: Pack, again: Pack, path: Path) -> None:
    if again != pack:
        raise ParIndexError(
            f"{path.name}: the pack does not read back identically in this format "
            "(a field TOML cannot hold, such as an explicit null?); export to JSON instead"
        )


def write_pack_toml(pack: Pack, path: str | Path, plugins: Plugins | None = None) -> Path:
    """Write ``pack`` as a TOML pack file, verified to read back identically."""
    target = Path(path)
    text = pack_to_toml(pack, plugins)
    converter = _plugins(plugins).converter
    _verify(pack, pack_from_document(tomllib.loads(text, parse_float=Decimal), converter), target)
    write_text_atomic(target, text)
    return target


def write_pack_json(pack: Pack, path: str | Path, plugins: Plugins | None = None) -> Path:
    target = Path(path)
    converter = _plugins(plugins).converter
    text = pack_to_json(pack, converter)
    _verify(pack, pack_from_document(json.loads(text, parse_float=Decimal), converter), target)
    write_text_atomic(target, text)
    return target


# -- Excel ------------------------------------------------------------------------------
def _node_columns() -> list[str]:
    names = [field.name for field in attrs.fields(Node) if field.name != "children"]
    at = names.index("rule") + 1
    return [*names[:at], RULE_PARAMETERS, *names[at:]]


def _kind(hint: Any) -> str:
    """How a field's cells are written: text, number, flag or json."""
    args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    base = args[0] if len(args) == 1 else hint
    if base is str:
        return "text"
    if base is Decimal or base is int:
        return "number"
    if base is bool:
        return "flag"
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return "text"
    return "json"


def _cell_text(value: Any, kind: str) -> Any:
    if kind == "flag":
        return bool(value)
    if kind == "json" or not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_pack_xlsx(pack: Pack, path: str | Path, plugins: Plugins | None = None) -> Path:
    """Write the pack as a workbook (sheets ``pack`` and ``criteria``), verified to read back."""
    target = Path(path)
    converter = _plugins(plugins).converter
    document = pack_to_document(pack, converter)
    book = Workbook()
    head = book.active
    assert head is not None
    head.title = PACK_SHEET
    head_hints = typing.get_type_hints(Pack)
    head.append(["field", "value"])
    for key, value in document.items():
        if key != "nodes":
            head.append([key, _cell_text(value, _kind(head_hints[key]))])
    sheet = book.create_sheet(CRITERIA_SHEET)
    columns = _node_columns()
    node_hints = typing.get_type_hints(Node)
    sheet.append(columns)
    for entry in document["nodes"]:
        row: list[Any] = []
        for name in columns:
            if name == "rule":
                rule = entry.get("rule")
                row.append(rule["kind"] if rule else None)
            elif name == RULE_PARAMETERS:
                rule = entry.get("rule")
                rest = {k: v for k, v in (rule or {}).items() if k != "kind"}
                row.append(json.dumps(rest, ensure_ascii=False) if rest else None)
            elif name in entry:
                row.append(_cell_text(entry[name], _kind(node_hints[name])))
            else:
                row.append(None)
        sheet.append(row)
    for current in (head, sheet):
        for cell in current[1]:
            cell.font = Font(bold=True)
        for column in current.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, str):
                    cell.number_format = "@"
    sheet.freeze_panes = "C2"
    with atomic_path(target) as temporary:
        book.save(temporary)
        _verify(pack, read_pack_xlsx(temporary, plugins), target)
    return target


def _from_cell(value: Any, kind: str, where: str, violations: list[Violation], code: str) -> Any:
    def bad(message: str) -> None:
        violations.append(Violation(code, Severity.ERROR, "cell", message, where))

    if isinstance(value, bool) or kind == "flag":
        if isinstance(value, str) and value.strip().casefold() in ("true", "false", "1", "0"):
            return value.strip().casefold() in ("true", "1")
        if isinstance(value, bool | int):
            return bool(value)
        bad(f"expected TRUE or FALSE, not {value!r}")
        return None
    if isinstance(value, float):
        if kind == "text":
            bad(f"{value!r} is a number; format the column as Text and type it again")
            return None
        return Decimal(repr(value))
    if isinstance(value, int):
        return str(value) if kind == "text" else value
    if not isinstance(value, str):
        bad(f"cannot read a {type(value).__name__} here")
        return None
    if kind in ("text", "number"):
        return value
    try:
        return json.loads(value, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        bad(f"not valid JSON: {exc.msg} (character {exc.colno})")
        return None


def read_pack_xlsx(path: str | Path, plugins: Plugins | None = None) -> Pack:
    """Read a pack drafted in (or exported to) an Excel criteria workbook; read-only."""
    file = Path(path)
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:
        raise ParIndexError(
            f"{file.name}: cannot open as an Excel workbook ({type(exc).__name__})"
        ) from None
    violations: list[Violation] = []
    document: dict[str, Any] = {}
    try:
        for needed in (PACK_SHEET, CRITERIA_SHEET):
            if needed not in book.sheetnames:
                violations.append(
                    Violation("", Severity.ERROR, "structure", f"no sheet {needed!r}", file.name)
                )
        if violations:
            raise PackError(file.stem, violations)
        head_hints = typing.get_type_hints(Pack)
        for number, row in enumerate(
            book[PACK_SHEET].iter_rows(min_row=2, values_only=True), start=2
        ):
            key = row[0] if row else None
            value = row[1] if len(row) > 1 else None
            if key is None or value is None:
                continue
            where = f"{file.name}, sheet {PACK_SHEET!r}, cell B{number}"
            if key not in head_hints or key in ("tree", "nodes"):
                violations.append(
                    Violation("", Severity.ERROR, "structure", f"unknown pack field {key!r}", where)
                )
                continue
            document[str(key)] = _from_cell(
                value, _kind(head_hints[str(key)]), where, violations, ""
            )
        rows = list(book[CRITERIA_SHEET].iter_rows(values_only=True))
    finally:
        book.close()
    header = [str(cell) if cell is not None else "" for cell in (rows[0] if rows else ())]
    node_hints = typing.get_type_hints(Node)
    known = set(_node_columns())
    for index, name in enumerate(header):
        if name and name not in known:
            violations.append(
                Violation(
                    "",
                    Severity.ERROR,
                    "structure",
                    f"unknown column {name!r}",
                    f"{file.name}, sheet {CRITERIA_SHEET!r}, cell {column_letter(index)}1",
                )
            )
    nodes: list[dict[str, Any]] = []
    places: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        if all(cell is None or cell == "" for cell in row):
            continue
        entry: dict[str, Any] = {}
        code = (
            str(row[header.index("code")])
            if "code" in header and row[header.index("code")] is not None
            else ""
        )
        parameters: Any = {}
        kind_name = None
        for index, name in enumerate(header):
            value = row[index] if index < len(row) else None
            if not name or name not in known or value is None or value == "":
                continue
            where = f"{file.name}, sheet {CRITERIA_SHEET!r}, cell {column_letter(index)}{number}"
            if name == "rule":
                kind_name = str(value).strip()
            elif name == RULE_PARAMETERS:
                parameters = _from_cell(value, "json", where, violations, code)
            else:
                entry[name] = _from_cell(value, _kind(node_hints[name]), where, violations, code)
        if kind_name:
            if not isinstance(parameters, dict):
                violations.append(
                    Violation(
                        code,
                        Severity.ERROR,
                        "cell",
                        "rule parameters must be a JSON object",
                        f"{file.name}, sheet {CRITERIA_SHEET!r}, row {number}",
                    )
                )
                parameters = {}
            entry["rule"] = {"kind": kind_name, **parameters}
        nodes.append(entry)
        places.append(f"{file.name}, sheet {CRITERIA_SHEET!r}, row {number}")
    document["nodes"] = nodes
    converter = _plugins(plugins).converter
    try:
        pack = pack_from_document(
            document, converter, where=lambda i: places[i] if i < len(places) else ""
        )
    except PackError as exc:
        raise PackError(exc.pack_id, [*violations, *exc.violations]) from None
    if violations:
        raise PackError(pack.id, violations)
    return pack


# -- dispatch ---------------------------------------------------------------------------
def export_pack(pack: Pack, path: str | Path, plugins: Plugins | None = None) -> Path:
    """Write ``pack`` as ``.toml``, ``.json`` or ``.xlsx`` (by extension)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".toml":
        return write_pack_toml(pack, path, plugins)
    if suffix == ".json":
        return write_pack_json(pack, path, plugins)
    if suffix == ".xlsx":
        return write_pack_xlsx(pack, path, plugins)
    raise ParIndexError(f"cannot write a pack as {suffix!r}: use {', '.join(PACK_FORMATS)}")


def import_pack(path: str | Path, plugins: Plugins | None = None) -> Pack:
    """Read a pack from ``.toml``, ``.json`` or an ``.xlsx`` criteria workbook."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix == ".xlsx":
        return read_pack_xlsx(file, plugins)
    if suffix in (".toml", ".json"):
        try:
            return read_pack_file(file, _plugins(plugins).converter)
        except (ValueError, tomllib.TOMLDecodeError, OSError) as exc:
            raise ParIndexError(f"{file.name}: {exc}") from None
    raise ParIndexError(f"cannot read a pack from {suffix!r}: use {', '.join(PACK_FORMATS)}")


__all__ = [
    "export_pack",
    "import_pack",
    "pack_to_toml",
    "read_pack_xlsx",
    "write_pack_json",
    "write_pack_toml",
    "write_pack_xlsx",
]
