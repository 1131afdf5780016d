"""The criteria table: one table, CSV or Excel with the same columns, for every pack feature.

This is the authoring path from a decision's appendix (Phụ lục) to a pack, and
the form ``pack export`` writes and ``pack import`` and ``new-pack --from`` read:
one row per field, criterion or sub-criterion, exactly as the appendix prints
them, and, above them, one *information row* per pack-wide fact, its key in the
code column with a ``#`` (``#mã gói``, ``#căn cứ pháp lý``, ``#xếp loại``…) and
its value in the title column (:mod:`parindex.io.table_layout`,
:mod:`parindex.io.info_rows`). docs/authoring-packs.md documents every column
and every syntax; :mod:`parindex.io.criteria_table_out` writes the table.

Reading never guesses: every cell goes through the entry grammar or a fixed
vocabulary, every problem is located at its row and column, and a scoring
method given only in words (``phương pháp đánh giá``) is read by
:mod:`parindex.wording`, each reading reported for the official to confirm.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import cattrs

from parindex.errors import InputError, Location, PackError, ParIndexError, Severity, Violation
from parindex.grammar import (
    EntryError,
    TextField,
    check_text,
    clean_text,
    number_from_value,
)
from parindex.io import text_encoding
from parindex.io.cells import column_letter
from parindex.io.info_rows import read_info
from parindex.io.near_headers import with_hint
from parindex.io.rule_cells import kind_name, read_kind, read_parameters
from parindex.io.sheet_extent import check_sheet_extent
from parindex.io.table_layout import (
    COLUMN,
    COLUMNS,
    INFO,
    INFO_KEYS,
    PROVENANCE,
    TABLE_SUFFIXES,
    InfoKey,
    matches,
)
from parindex.io.vocabulary import (
    NOT_APPLICABLE,
    SOURCES,
    STATUSES,
    read_choice,
    read_flag,
)
from parindex.io.xlsx_input import uncached_formulas
from parindex.messages import LANGS, Found, Message, msg, text
from parindex.model import NotApplicable, Pack
from parindex.rules import Rule
from parindex.serialization import pack_from_document
from parindex.validation import validate
from parindex.wording import Reading, read_method

# -- reading the file --------------------------------------------------------------------
#: The sheet a workbook's criteria are read from when it has one of these names (the names
#: the table is written with, in either language); the first sheet otherwise.
_SHEET_NAMES = tuple(text("authoring.criteria_sheet", lang) for lang in LANGS)
#: Every accepted header with its column (for "did you mean" on a header nearly right).
_NAMES = tuple((name, c.key) for c in COLUMNS for name in (c.vi, c.en, c.key, *c.also))


@attrs.frozen
class Row:
    """A row of the table: its number in the file and its cells by column key."""

    number: int
    values: Mapping[str, object]
    letters: Mapping[str, str]

    def text(self, key: str) -> str:
        return clean_text(self.values.get(key))


@attrs.frozen
class Table:
    """A criteria table as read: information rows, node rows, and header problems."""

    file: str
    sheet: str
    info: tuple[Row, ...]
    rows: tuple[Row, ...]
    problems: tuple[Violation, ...]
    #: Each column's header as the file writes it (messages name columns so).
    headers: Mapping[str, str] = attrs.field(factory=dict)

    def at(self, row: int | None = None, column: str = "") -> Location:
        return Location(self.file, self.sheet, row, column)


def _raw_rows(path: Path) -> tuple[list[list[object]], str]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook
        from openpyxl.utils.cell import coordinate_to_tuple

        try:  # a damaged part may show only when its rows are read (read-only mode)
            book = load_workbook(path, read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                for candidate in book.worksheets:
                    if matches(candidate.title, _SHEET_NAMES):
                        sheet = candidate
                name = sheet.title
                # openpyxl pads each row to the width the file claims: its real extent
                # is checked first, and bounds what is read.
                extent = check_sheet_extent(path, name) or (None, None)
                uncached = {coordinate_to_tuple(cell) for cell in uncached_formulas(path, name)}
                rows: list[list[object]] = [
                    [_as_shown(cell, uncached) for cell in row]
                    for row in sheet.iter_rows(max_row=extent[0] or None, max_col=extent[1] or None)
                ]
            finally:
                book.close()
        except InputError:
            raise
        except Exception:
            raise ParIndexError("authoring.unreadable_workbook", file=path.name) from None
        return rows, name
    data = path.read_bytes()
    bad: int | None = None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.start
    named = text_encoding.diagnose(data, bad)
    if named is not None:
        raise ParIndexError("encoding.in_file", file=path.name, found=named[0], expected=named[1])
    if bad is not None:
        raise ParIndexError("authoring.csv_not_utf8", file=path.name)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)], ""


@attrs.frozen
class UncachedFormula:
    """A cell holding a formula saved without its result (a file written by a program):
    refused where it is read, never taken as empty."""

    def __str__(self) -> str:
        return "="


def _as_shown(cell: Any, uncached: set[tuple[int, int]]) -> object:
    """A workbook cell's value as the person typing it meant it: a number formatted as a
    percentage is the text shown ("10%", refused where a number of points is read, never
    taken as 0.1); a formula without a saved result is marked."""
    value = cell.value
    if value is None:
        row, column = getattr(cell, "row", None), getattr(cell, "column", None)
        return UncachedFormula() if (row, column) in uncached else None
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in str(getattr(cell, "number_format", ""))
    ):
        shown = (Decimal(repr(value)) * 100).normalize()
        return f"{shown:f}%"
    return value


def _mangled(text: str) -> str | None:
    """``text`` as it was before UTF-8 bytes were read as Windows-1252 ("mÃ£" → "mã"), if it was."""
    for encoding in ("cp1252", "latin-1"):
        try:
            repaired = text.encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
        if repaired != text:
            return repaired
    return None


def _check_encoding(file: Path, header: Sequence[object]) -> None:
    """Refuse a table whose UTF-8 text was opened as Windows-1252 before it was saved.

    Excel opens a CSV without a byte-order mark that way: every Vietnamese letter
    becomes two or three others, and no header, title or method can be read.
    """
    for index, name in enumerate(header):
        text = clean_text(name)
        repaired = _mangled(text) if text else None
        if repaired is not None and any(
            matches(repaired, (c.vi, c.en, c.key, *c.also)) for c in COLUMNS
        ):
            raise ParIndexError(
                "authoring.mangled_text",
                file=file.name,
                cell=f"{column_letter(index)}1",
                found=Found(text),
                repaired=Found(repaired),
            )


def read_table(path: str | Path) -> Table:
    """The rows of a criteria table (the first sheet of a workbook, or one named "Tiêu chí")."""
    file = Path(path)
    raw, sheet = _raw_rows(file)
    where = Location(file.name, sheet)
    if not raw:
        raise ParIndexError("authoring.empty_table", file=file.name)
    header, body = raw[0], raw[1:]
    _check_encoding(file, header)
    columns: dict[int, str] = {}
    problems: list[Violation] = []
    for index, name in enumerate(header):
        text = clean_text(name)
        found = next(
            (c.key for c in COLUMNS if text and matches(text, (c.vi, c.en, c.key, *c.also))), None
        )
        letter = column_letter(index)
        if found is None:
            if text:
                problems.append(
                    Violation(
                        "",
                        Severity.WARNING,
                        "table-header",
                        with_hint(msg("authoring.unknown_column", found=Found(text)), text, _NAMES),
                        attrs.evolve(where, row=1, column=letter),
                    )
                )
        elif found in columns.values():
            problems.append(
                Violation(
                    "",
                    Severity.ERROR,
                    "table-header",
                    msg("authoring.column_twice", column=COLUMN[found].vi),
                    attrs.evolve(where, row=1, column=letter),
                )
            )
        else:
            columns[index] = found
    for required in ("code", "title"):
        if required not in columns.values():
            problems.append(
                Violation(
                    "",
                    Severity.ERROR,
                    "table-header",
                    msg("authoring.column_missing", column=COLUMN[required].vi),
                    attrs.evolve(where, row=1),
                )
            )
    info: list[Row] = []
    rows: list[Row] = []
    for number, cells in enumerate(body, start=2):
        extra = [clean_text(v) for v in cells[len(header) :] if clean_text(v)]
        if extra:
            problems.append(
                Violation(
                    "",
                    Severity.ERROR,
                    "table-cell",
                    msg("authoring.extra_cells", count=len(header), found=len(cells)),
                    attrs.evolve(where, row=number),
                )
            )
            continue
        values = {columns[i]: v for i, v in enumerate(cells) if i in columns and v is not None}
        letters = {key: column_letter(i) for i, key in columns.items()}
        row = Row(number, values, letters)
        if not any(clean_text(v) for v in values.values()):
            continue
        (info if row.text("code").startswith("#") else rows).append(row)
    headers = {key: clean_text(header[index]) for index, key in columns.items()}
    return Table(file.name, sheet, tuple(info), tuple(rows), tuple(problems), headers)


# -- cells to document ---------------------------------------------------------------------
class _CellProblems:
    """Collects located problems while a row's cells are read."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.found: list[Violation] = []
        #: (node code, column) of every cell that could not be read.
        self.failed: set[tuple[str, str]] = set()

    def add(
        self,
        message: Message,
        row: Row | None,
        key: str = "",
        code: str = "",
        severity: Severity = Severity.ERROR,
        check: str = "table-cell",
    ) -> None:
        letter = row.letters.get(key, "") if row is not None else ""
        location = self.table.at(row.number if row is not None else None, letter)
        if key:
            column = self.table.headers.get(key) or (COLUMN[key].vi if key in COLUMN else key)
            message = msg("authoring.in_column", column=column, problem=message)
            if severity is Severity.ERROR:
                self.failed.add((code, key))
        self.found.append(Violation(code, severity, check, message, location))

    def read(self, row: Row, key: str, code: str, reader: Callable[[object], Any]) -> Any:
        raw = row.values.get(key)
        if isinstance(raw, UncachedFormula):
            self.add(msg("authoring.formula_without_value"), row, key, code)
            return None
        if raw is None or clean_text(raw) == "":
            return None
        try:
            return reader(raw)
        except EntryError as exc:
            self.add(exc.message, row, key, code)
        return None


def _number(raw: object) -> Decimal:
    return number_from_value(raw)


def _text(what: TextField) -> Callable[[object], str]:
    def read(raw: object) -> str:
        return check_text(clean_text(raw), what=what, limit=5000)

    return read


def _provenances(row: Row, code: str, problems: _CellProblems) -> list[dict[str, Any]]:
    lines = {key: row.text(key).split("\n") if row.text(key) else [] for key in PROVENANCE}
    count = max((len(found) for found in lines.values()), default=0)
    entries = []
    for index in range(count):
        entry = {
            key: found[index].strip() if index < len(found) else "" for key, found in lines.items()
        }
        if not entry["provenance"]:
            problems.add(
                msg("authoring.provenance_without_document", line=index + 1),
                row,
                "provenance",
                code,
            )
            continue
        provenance: dict[str, Any] = {"document": entry["provenance"]}
        if entry["status"]:
            try:
                provenance["status"] = read_choice(STATUSES, entry["status"], "status").value
            except EntryError as exc:
                problems.add(exc.message, row, "status", code)
        for key, name in (("section", "section"), ("url", "url"), ("provenance_note", "note")):
            if entry[key]:
                provenance[name] = entry[key]
        entries.append(provenance)
    return entries


@attrs.frozen
class MethodRow:
    """A scoring method given in words, and what it was read as (for the official to confirm)."""

    location: Location
    code: str
    reading: Reading
    maximum: Decimal | None


def _node_entry(
    row: Row,
    kinds: Mapping[str, type[Rule]],
    is_leaf: bool,
    problems: _CellProblems,
    methods: list[MethodRow],
) -> dict[str, Any]:
    code = row.text("code")
    entry: dict[str, Any] = {
        "code": code,
        "title": problems.read(row, "title", code, _text("title")) or "",
    }
    maximum = problems.read(row, "maximum", code, _number)
    if maximum is not None:
        entry["maximum"] = maximum
    source = problems.read(
        row, "source", code, lambda raw: read_choice(SOURCES, clean_text(raw), "source")
    )
    if source is not None:
        entry["source"] = source.value
    na = problems.read(
        row, "na", code, lambda raw: read_choice(NOT_APPLICABLE, clean_text(raw), "na")
    )
    if na is not None and na is not NotApplicable.NOT_ALLOWED:
        entry["not_applicable"] = na.value
    method = row.text("method")
    if method:
        entry["method"] = method
    rule_class = problems.read(row, "rule", code, lambda raw: read_kind(clean_text(raw), kinds))
    parameters = row.text("parameters")
    if rule_class is not None:
        try:
            entry["rule"] = read_parameters(rule_class, parameters)
        except EntryError as exc:
            problems.add(exc.message, row, "parameters", code)
    elif parameters and not row.text("rule"):
        problems.add(msg("authoring.parameters_without_rule"), row, "parameters", code)
    if method and is_leaf:
        reading = read_method(method, maximum)
        methods.append(
            MethodRow(
                problems.table.at(row.number, row.letters.get("method", "")), code, reading, maximum
            )
        )
        if not row.text("rule"):
            if reading.rule is not None:
                entry["rule"] = reading.rule
            elif reading.problem is not None:
                entry["rule"] = {"kind": "direct"}
                problems.add(
                    msg("authoring.method_not_read", problem=reading.problem),
                    row,
                    "method",
                    code,
                    Severity.WARNING,
                    "method-not-read",
                )
            if na is None and reading.not_applicable is not None:
                entry["not_applicable"] = reading.not_applicable.value
    capped = problems.read(row, "capped", code, lambda raw: read_flag(clean_text(raw)))
    if capped:
        entry["capped"] = True
    for key in ("floor", "ceiling", "bonus_cap", "deduction_cap"):
        value = problems.read(row, key, code, _number)
        if value is not None:
            entry[key] = value
    texts: tuple[TextField, ...] = ("gap", "note")
    for key in texts:
        value = problems.read(row, key, code, _text(key))
        if value:
            entry[key] = value
    provenance = _provenances(row, code, problems)
    if provenance:
        entry["provenance"] = provenance
    return entry


def _info_key(raw: str) -> InfoKey | None:
    name = raw.lstrip("#").strip()
    return next((k for k in INFO_KEYS if matches(name, (k.vi, k.en, k.key, *k.also))), None)


@attrs.frozen
class TableReading:
    """A criteria table read into a pack document, with every located problem and method reading."""

    document: dict[str, Any]
    places: tuple[Location, ...]
    head_places: Mapping[str, Location | str]
    problems: tuple[Violation, ...]
    methods: tuple[MethodRow, ...]
    #: (node code, column) of every cell that could not be read.
    failed: frozenset[tuple[str, str]] = frozenset()
    #: Codes lost where a spreadsheet turned them into dates, as the rows right after them
    #: show them (their children name a parent no row has): said once, at the date.
    lost_parents: frozenset[str] = frozenset()


def table_document(
    table: Table,
    kinds: Mapping[str, type[Rule]],
    overrides: Mapping[str, str | Sequence[str]] = {},
) -> TableReading:
    """The flat pack document a table describes (information rows, then ``overrides``)."""
    problems = _CellProblems(table)
    head: dict[str, Any] = {}
    head_places: dict[str, Location | str] = {}
    seen: set[str] = set()
    for row in table.info:
        key = _info_key(row.text("code"))
        if key is None:
            problems.add(msg("authoring.unknown_info", found=Found(row.text("code"))), row, "code")
            continue
        if key.key in seen and not key.repeat:
            problems.add(msg("authoring.info_twice", key=key.vi), row, "code")
            continue
        seen.add(key.key)
        cell = row.text("title")
        head_places.setdefault(
            _head_field(key.key), table.at(row.number, row.letters.get("title", ""))
        )
        try:
            read_info(key.key, cell, head)
        except EntryError as exc:
            problems.add(msg("authoring.in_info", key=key.vi, problem=exc.message), row, "")
    for name, value in overrides.items():
        values = [value] if isinstance(value, str) else list(value)
        if not values:
            continue
        key = INFO[name]
        if key.repeat:
            head.pop(_head_field(name), None)
        for item in values:
            try:
                read_info(name, item, head)
            except EntryError as exc:
                problems.found.append(
                    Violation(
                        "",
                        Severity.ERROR,
                        "option",
                        msg(
                            "authoring.in_option",
                            option=_OPTIONS.get(name, name),
                            problem=exc.message,
                        ),
                    )
                )
        head_places[_head_field(name)] = _OPTIONS.get(name, name)
    rows = []
    after_lost: list[int] = []  # where, among the kept rows, a lost row stood
    for row in table.rows:
        shown = _code_as_date(row.values.get("code"))
        if shown is None:
            rows.append(row)
        else:  # the code is lost: set the row aside, saying how to type it again
            problems.add(msg("authoring.code_is_date", found=Found(shown)), row, "code")
            after_lost.append(len(rows))
    codes = [row.text("code") for row in rows]
    known = set(codes)
    lost_parents = {
        parent
        for index in after_lost
        if index < len(codes)
        and (parent := codes[index].rpartition(".")[0])
        and parent not in known
    }
    parents = {code.rpartition(".")[0] for code in codes}
    nodes = []
    places = []
    methods: list[MethodRow] = []
    for row, code in zip(rows, codes, strict=True):
        nodes.append(_node_entry(row, kinds, code not in parents, problems, methods))
        places.append(table.at(row.number))
    return TableReading(
        {**head, "nodes": nodes},
        tuple(places),
        head_places,
        tuple(table.problems) + tuple(problems.found),
        tuple(methods),
        frozenset(problems.failed),
        lost_parents=frozenset(lost_parents),
    )


#: A code a spreadsheet turned into a date and saved as text ("1-Jan", "01/01/2026").
_DATE_TEXT = re.compile(
    r"^\d{1,2}[-/ ](?:\d{1,2}|[A-Za-z]{3,9})(?:[-/ ]\d{2,4})?$|^\d{4}-\d{2}-\d{2}( 00:00(:00)?)?$"
)


def _code_as_date(raw: object) -> str | None:
    """How a code cell shows, when a spreadsheet has turned the code (1.1) into a date."""
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, str) and _DATE_TEXT.match(raw.strip()):
        return raw.strip()
    return None


#: The command-line options that give (or override) an information row.
_OPTIONS = {
    "id": "--id",
    "title": "--title",
    "version": "--version",
    "unit_group": "--unit-group",
    "years": "--years",
    "legal_basis": "--basis",
}


def _head_field(key: str) -> str:
    if key.startswith("declared"):
        return "declared"
    return {"mapping": "mappings"}.get(key, key)


#: What the head of a pack needs, and the information row that gives it.
REQUIRED_HEAD = ("id", "title", "version", "unit_group", "years")


def _missing_head(document: Mapping[str, Any]) -> list[Violation]:
    return [
        Violation(
            "",
            Severity.ERROR,
            "missing-info",
            msg("authoring.missing_info", key=INFO[name].vi, option=_OPTIONS[name]),
        )
        for name in REQUIRED_HEAD
        if not document.get(name)
    ]


# -- checking: the pack, or every problem at once ---------------------------------------------
@attrs.frozen
class TableLint:
    """A table checked: the pack (None when it has errors), every problem, every method reading."""

    pack: Pack | None
    violations: tuple[Violation, ...]
    methods: tuple[MethodRow, ...]


def _locate(
    violations: Sequence[Violation],
    places: Mapping[str, Location],
    head_places: Mapping[str, Location | str],
) -> list[Violation]:
    located = []
    for violation in violations:
        if violation.location:
            located.append(violation)
        elif violation.code in places:
            located.append(attrs.evolve(violation, location=places[violation.code]))
        elif not violation.code and violation.check in _HEAD_CHECKS:
            place = head_places.get(_HEAD_CHECKS[violation.check], "")
            located.append(attrs.evolve(violation, location=place))
        else:
            located.append(violation)
    return located


#: Which head field a pack-wide check concerns (to point at its information row).
_HEAD_CHECKS = {
    "legal-basis": "legal_basis",
    "years": "years",
    "classification": "classification",
    "eligibility": "eligibility",
    "stages": "stages",
    "stage-policy": "stage_policy",
    "declared-structure": "declared",
    "declared-maximum": "declared",
    "rounding": "rounding",
    "precision": "point_decimals",
    "mapping": "mappings",
}

#: Checks that only repeat a cell problem already reported (the cells they concern).
_FOLLOW_UPS = {
    "missing-maximum": ("maximum",),
    "missing-rule": ("rule", "parameters", "method"),
    "missing-source": ("source",),
    "missing-title": ("title",),
}

#: A valid head used only to check the rows of a document whose own head is invalid.
_STAND_IN_HEAD: dict[str, Any] = {
    "id": "lint",
    "title": "lint",
    "version": "lint",
    "unit_group": "province",
    "years": {"first": 2000},
    "legal_basis": [],
    "synthetic": True,
}


def lint_document(
    document: Mapping[str, Any],
    places: Sequence[Location | str],
    converter: cattrs.Converter,
    head_places: Mapping[str, Location | str] = {},
) -> tuple[Pack | None, list[Violation]]:
    """Every problem of a flat pack document, each located at its row when known."""
    entries = document.get("nodes", [])
    by_code = {
        str(entry.get("code", "")): places[i]
        for i, entry in enumerate(entries if isinstance(entries, list) else [])
        if isinstance(entry, Mapping) and i < len(places)
    }

    def where(index: int) -> Location | str:
        return places[index] if index < len(places) else f"nodes[{index}]"

    try:
        pack = pack_from_document(document, converter, where)
    except PackError as exc:
        first = list(exc.violations)
        # Check the remaining rows too: all problems at once, not one round per fix.
        failed = {v.code for v in first if v.code}
        kept = [
            entry
            for entry in entries
            if isinstance(entry, Mapping)
            and not any(
                str(entry.get("code", "")) == code
                or str(entry.get("code", "")).startswith(code + ".")
                for code in failed
            )
        ]
        head_ok = not any(not v.code for v in first)
        stand_in = (
            {**document, "nodes": kept}
            if head_ok
            else {**document, **_STAND_IN_HEAD, "nodes": kept}
        )
        try:
            rows_pack = pack_from_document(stand_in, converter)
        except PackError:
            return None, _locate(first, {}, head_places)
        # A parent whose failed rows were set aside looks like a leaf: not its fault.
        more = [
            v
            for v in validate(rows_pack)
            if v.code
            and v.code not in failed
            and not (v.check in _FOLLOW_UPS and any(f.startswith(v.code + ".") for f in failed))
        ]
        return None, _locate(first, {}, head_places) + _locate(more, by_code, head_places)  # type: ignore[arg-type]
    return pack, _locate(validate(pack), by_code, head_places)  # type: ignore[arg-type]


def _mismatches(
    pack: Pack, methods: Sequence[MethodRow], document: Mapping[str, Any]
) -> list[Violation]:
    """Rules given in the rule column that their method's wording reads differently."""
    given = {
        str(entry.get("code")): entry
        for entry in document.get("nodes", [])
        if isinstance(entry, Mapping) and isinstance(entry.get("rule"), Mapping)
    }
    found = []
    for method in methods:
        if method.code not in given or method.reading.rule is None:
            continue
        try:
            node = pack.node(method.code)
        except KeyError:
            continue
        if node.rule is not None and node.rule != method.reading.rule:
            found.append(
                Violation(
                    method.code,
                    Severity.WARNING,
                    "method-mismatch",
                    msg("authoring.method_mismatch", kind=kind_name(node.rule.kind, "vi")),
                    method.location,
                )
            )
    return found


def lint_table(
    path: str | Path,
    plugins: Any = None,
    overrides: Mapping[str, str | Sequence[str]] = {},
) -> TableLint:
    """Read and check a criteria table: the pack it describes, or every located problem."""
    from parindex.plugins import default_plugins

    registry = plugins if plugins is not None else default_plugins()
    kinds = {kind.kind: kind for kind in registry.rule_kinds}
    table = read_table(path)
    reading = table_document(table, kinds, overrides)
    document = dict(reading.document)
    missing = _missing_head(document)
    problems = list(reading.problems) + missing
    if missing:  # said once above; stand-ins let every row still be checked
        document = {**_STAND_IN_HEAD, **{k: v for k, v in document.items() if v or k == "nodes"}}
    # Rules read from wording are objects; the document takes their plain form.
    for entry in document["nodes"]:
        if isinstance(entry.get("rule"), Rule):
            entry["rule"] = registry.converter.unstructure(entry["rule"], Rule)
    pack, violations = lint_document(
        document, reading.places, registry.converter, reading.head_places
    )
    if pack is not None:
        violations += _mismatches(pack, reading.methods, reading.document)
    # A cell that could not be read is reported once, not again as "missing".
    violations = [
        v
        for v in violations
        if not any((v.code, key) in reading.failed for key in _FOLLOW_UPS.get(v.check, ()))
        and not (
            v.check == "orphan"
            and isinstance(v.message, Message)
            and v.message.params.get("parent") in reading.lost_parents
        )
    ]
    everything = problems + violations
    if any(v.severity is Severity.ERROR for v in everything):
        pack = None
    return TableLint(pack, tuple(everything), reading.methods)


def read_criteria_table(
    path: str | Path,
    plugins: Any = None,
    overrides: Mapping[str, str | Sequence[str]] = {},
) -> Pack:
    """The pack a criteria table describes; :class:`PackError` lists every located error."""
    result = lint_table(path, plugins, overrides)
    if result.pack is None:
        pack_id = str(overrides.get("id", "")) or Path(path).stem
        raise PackError(pack_id, result.violations)
    return result.pack


__all__ = [
    "TABLE_SUFFIXES",
    "MethodRow",
    "Table",
    "TableLint",
    "TableReading",
    "lint_document",
    "lint_table",
    "read_criteria_table",
    "read_table",
    "table_document",
]
