"""JSON input documents.

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
decimals; text values follow the entry grammar as spreadsheet cells do (0,5 is
one half). Problems are located by file and JSON path.

Nothing is guessed from the document's shape: a key given twice anywhere in the
document is an error naming both positions (a JSON parser would silently keep
the last, dropping a unit's values); an unknown key, a missing one, or a value
of the wrong kind says which shape was expected there; an integer of thousands
of digits is refused by the grammar, not by the parser. The document is walked
by hand rather than structured with cattrs because every value must be located
and read column-wise anyway, and the messages name the expected shape in words.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from parindex import grammar, limits
from parindex.compiled import CompiledPack
from parindex.errors import InputProblem, Location, Text
from parindex.inputs import NOT_APPLICABLE, Unit
from parindex.io import text_encoding
from parindex.io.assemble import Collected, RunBuffer, appraisal_stage
from parindex.messages import Found, msg

UNIT_KEYS = (
    "id",
    "name",
    "group",
    "values",
    "appraised",
    "not_applicable",
    "stages",
    "bonus",
    "deduction",
)
DOCUMENT_KEYS = ("pack", "version", "units")
#: Integers longer than this stay text for the grammar to refuse (Python's parser
#: raises on 4,300 digits, and converting long digit strings is quadratic).
_LONG_INTEGER = 40


class _LongInteger(str):
    """An integer literal too long to convert; the grammar refuses it with its digits shown."""


class _DuplicateKeys(dict[str, Any]):
    """An object in which a key was given more than once."""

    duplicates: list[tuple[str, int, int]]


def _pairs_hook(seen: list[bool]) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) == len(pairs):
            return result
        first: dict[str, int] = {}
        marked = _DuplicateKeys(result)
        marked.duplicates = []
        for position, (key, _) in enumerate(pairs, start=1):
            if key in first:
                marked.duplicates.append((key, first[key], position))
            else:
                first[key] = position
        seen[0] = True
        return marked

    return hook


def _path(place: object, code: object) -> str:
    """A value's JSON path from its run's place (the path itself, or (unit, block)) and
    its criterion code."""
    if isinstance(place, tuple):
        base, block = place
        return f"{base}.{block}{_key_path('', str(code))}"
    return str(place)


def _key_path(base: str, key: str) -> str:
    return f"{base}[{json.dumps(key, ensure_ascii=False)}]"


def _duplicates(document: Any, file: str) -> list[InputProblem]:
    """Every object with a repeated key, anywhere in the document, with its path."""
    problems = []
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            if isinstance(value, _DuplicateKeys):
                for key, first, second in value.duplicates:
                    problems.append(
                        InputProblem(
                            msg("json.duplicate_key", key=Found(key), first=first, second=second),
                            location=Location(file, path=path or "$"),
                            expected=msg("json.duplicate_key_expected"),
                        )
                    )
            for key, item in value.items():
                if key.isidentifier():
                    child = f"{path}.{key}" if path else key
                else:
                    child = _key_path(path, key)
                stack.append((item, child))
        elif isinstance(value, list):
            stack += [(item, f"{path}[{i}]") for i, item in enumerate(value)]
    return sorted(problems, key=lambda p: str(p.location))


class _Walker:
    """Checks the document's shape, reporting what was expected where."""

    def __init__(self, out: Collected) -> None:
        self.out = out

    def problem(self, path: str, message: Text, expected: Text = "", unit: str = "") -> None:
        location = Location(self.out.source, path=path)
        self.out.problems.append(InputProblem(message, unit, location=location, expected=expected))

    def wrong_kind(self, path: str, value: object, expected: Text, unit: str = "") -> None:
        self.problem(path, msg("json.wrong_kind", found=msg(_kind(value))), expected, unit)

    def mapping(
        self, value: object, path: str, keys: tuple[str, ...] | None = None
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.wrong_kind(path, value, msg("json.object_expected"))
            return None
        if keys is not None:
            extra = [key for key in value if key not in keys]
            if extra:
                self.problem(
                    path,
                    msg("json.unknown_keys", keys=[Found(key) for key in extra]),
                    ", ".join(keys),
                )
        return value

    def text(self, value: object, path: str, what: grammar.TextField) -> str | None:
        if not isinstance(value, str):
            self.wrong_kind(path, value, msg("json.text_expected"))
            return None
        try:
            return grammar.check_text(value, what=what)
        except grammar.EntryError as exc:
            self.problem(path, exc.message)
            return None


def _kind(value: object) -> str:
    if value is None:
        return "json.kind_null"
    if isinstance(value, bool):
        return "json.kind_boolean"
    if isinstance(value, dict):
        return "json.kind_object"
    if isinstance(value, list):
        return "json.kind_list"
    if isinstance(value, str):
        return "json.kind_text"
    return "json.kind_number"


def _load(file: Path, out: Collected) -> Any:
    caps = limits.current()
    size = file.stat().st_size
    where = Location(file.name)
    if size > caps.max_text_bytes:
        out.problems.append(
            InputProblem(limits.over("max_text_bytes", size, caps.max_text_bytes), location=where)
        )
        return None
    data = file.read_bytes()
    wide = text_encoding.wide_encoding(data[: text_encoding.SAMPLE_BYTES])
    if wide is not None:  # PowerShell's Out-File writes UTF-16
        out.problems.append(
            InputProblem(
                msg("encoding.wide", encoding=wide),
                location=where,
                expected=msg("encoding.json_utf8"),
            )
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        out.problems.append(
            InputProblem(
                msg("csv.not_utf8", byte=exc.start + 1), location=Location(file.name, row=line)
            )
        )
        return None
    del data  # the text is parsed: the file's bytes need not be held beside the document
    seen = [False]
    try:
        document = json.loads(
            text,
            parse_float=Decimal,
            parse_int=lambda digits: (
                _LongInteger(digits) if len(digits) > _LONG_INTEGER else int(digits)
            ),
            object_pairs_hook=_pairs_hook(seen),
        )
    except json.JSONDecodeError as exc:
        out.problems.append(
            InputProblem(
                msg("json.syntax", reason=exc.msg, line=exc.lineno, column=exc.colno),
                location=Location(file.name, row=exc.lineno),
            )
        )
        return None
    except RecursionError:
        out.problems.append(InputProblem(msg("json.too_deep"), location=where))
        return None
    if seen[0]:
        out.problems += _duplicates(document, file.name)
    return document


def collect_json(compiled: CompiledPack, path: str | Path) -> Collected:
    """Entries from a JSON input document, each located by its JSON path."""
    file = Path(path)
    out = Collected(file.name, "long")
    document = _load(file, out)
    if out.problems:
        return out
    walker = _Walker(out)
    top = walker.mapping(document, "$", DOCUMENT_KEYS)
    if top is None:
        return out
    pack = compiled.pack
    for key, wanted in (("pack", pack.id), ("version", pack.version)):
        if key not in top:
            if key == "pack":
                walker.problem("pack", msg("json.missing_key", key="pack"), wanted)
            continue
        found = walker.text(top[key], key, "id")
        if found is not None and found != wanted:
            walker.problem(
                key,
                msg("json.other_pack", key=key, found=Found(found)),
                msg("json.other_pack_expected", key=key, wanted=Found(wanted)),
            )
    units = top.get("units")
    if not isinstance(units, list):
        expected = msg("json.units_expected")
        if units is None and "units" not in top:
            walker.problem("units", msg("json.missing_key", key="units"), expected)
        else:
            walker.wrong_kind("units", units, expected)
        return out
    file_name = file.name
    buffer = RunBuffer(lambda place, code: Location(file_name, path=_path(place, code)))
    appraisal = appraisal_stage(pack)
    first = pack.stages[0]
    for index, raw_entry in enumerate(units):
        units[index] = None  # the parsed unit goes once read: the coded entries replace it
        _read_unit(walker, buffer, raw_entry, f"units[{index}]", first, appraisal)
    if len(buffer):
        out.entries.append(buffer.entries())
    return out


def _read_unit(
    walker: _Walker, buffer: RunBuffer, raw_entry: object, base: str, first: str, appraisal: str
) -> None:
    entry = walker.mapping(raw_entry, base, UNIT_KEYS)
    if entry is None:
        return
    if "id" not in entry:
        walker.problem(base, msg("json.missing_key", key="id"), msg("workbook.unit_id_expected"))
        return
    try:
        unit_id = grammar.identifier(entry["id"])
    except grammar.EntryError as exc:
        walker.problem(f"{base}.id", exc.message)
        return
    name = walker.text(entry.get("name", ""), f"{base}.name", "name") or ""
    group = walker.text(entry.get("group", ""), f"{base}.group", "group") or ""
    listed = Location(walker.out.source, path=base)
    if not walker.out.add_unit(Unit(unit_id, name, group), listed):
        return
    problems_before = len(walker.out.problems)
    blocks: list[tuple[str, str, str, object]] = [
        ("values", first, "value", entry.get("values", {})),
        ("appraised", appraisal, "value", entry.get("appraised", {})),
        ("bonus", first, "bonus", entry.get("bonus", {})),
        ("deduction", first, "deduction", entry.get("deduction", {})),
    ]
    stages = walker.mapping(entry.get("stages", {}), f"{base}.stages")
    for stage, values in (stages or {}).items():
        blocks.append((f"stages{_key_path('', stage)}", stage, "value", values))
    for name_, stage, kind, raw_values in blocks:
        values = walker.mapping(raw_values, f"{base}.{name_}")
        if values is None:
            continue
        codes, raw = list(values), list(values.values())
        if any(isinstance(value, dict | list) for value in raw):
            for code, value in zip(codes, raw, strict=True):
                if isinstance(value, dict | list):
                    where = f"{base}.{name_}{_key_path('', code)}"
                    walker.wrong_kind(where, value, msg("json.value_expected"), unit_id)
            kept = [
                (c, v) for c, v in zip(codes, raw, strict=True) if not isinstance(v, dict | list)
            ]
            codes, raw = [c for c, _ in kept], [v for _, v in kept]
        # Paths are written out only for entries that turn out to have a problem.
        buffer.extend(unit_id, codes, raw, stage, (base, name_), kind)
    not_applicable = entry.get("not_applicable", [])
    if any(key not in UNIT_KEYS for key in entry) or len(walker.out.problems) > problems_before:
        # A misspelt key or a block of the wrong kind: the unit's criteria left without a
        # value are a consequence, said once rather than once per criterion.
        walker.out.unread[unit_id] = listed
    if not isinstance(not_applicable, list):
        walker.wrong_kind(f"{base}.not_applicable", not_applicable, msg("json.codes_expected"))
        walker.out.unread[unit_id] = listed
        return
    for position, code in enumerate(not_applicable):
        where = f"{base}.not_applicable[{position}]"
        if not isinstance(code, str):
            walker.wrong_kind(where, code, msg("json.text_expected"), unit_id)
            continue
        buffer.add(unit_id, code, NOT_APPLICABLE, first, where)
