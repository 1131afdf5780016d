"""Read an official criteria table (CSV or Excel) into a pack, locating every problem by row.

This is the authoring path from a decision's appendix (Phụ lục) to a pack: one
row per field, criterion or sub-criterion, exactly as the appendix prints them.

Columns (English or Vietnamese headers; only ``code`` and ``title`` are required):

=============== ===================== ==================================================
column          Vietnamese header     content
=============== ===================== ==================================================
code            mã                    dotted code: 1, 1.2, 1.2.3
title           tên / nội dung        official title (NFC Vietnamese)
maximum         điểm tối đa           maximum points (1,5 or 1.5); blank on internal nodes
source          nguồn điểm            self_assessment (tự đánh giá) or survey (xhh)
rule            cách chấm             rule kind: direct, achieved, levels, bands, …
rule_params     tham số               the rule's parameters as JSON
na              không phát sinh       not_allowed, full_points, excluded, zero
provenance      căn cứ                the source document (decision, appendix)
status          trạng thái            official, derived, reported, missing
section         mục                   section, table or page of the source
url             url                   where the source can be read
gap             thiếu                 what the source does not give, and why
=============== ===================== ==================================================
"""

from __future__ import annotations

import csv
import json
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import cattrs

from parindex.errors import PackError, ParIndexError, Severity, Violation
from parindex.model import Pack
from parindex.serialization import pack_from_document
from parindex.validation import validate

#: Accepted headers (after NFC, case folding) for each column.
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("code", "mã", "mã số", "stt"),
    "title": ("title", "tên", "nội dung", "tên lĩnh vực, tiêu chí"),
    "maximum": ("maximum", "max", "điểm tối đa"),
    "source": ("source", "points source", "points_source", "nguồn điểm"),
    "rule": ("rule", "rule kind", "cách chấm", "cách tính điểm"),
    "rule_params": ("rule_params", "rule parameters", "tham số"),
    "na": ("na", "not_applicable", "n/a policy", "không phát sinh"),
    "provenance": ("provenance", "căn cứ", "nguồn văn bản"),
    "status": ("status", "provenance_status", "trạng thái"),
    "section": ("section", "mục"),
    "url": ("url",),
    "gap": ("gap", "thiếu"),
    "note": ("note", "ghi chú"),
}
REQUIRED = ("code", "title")

_SOURCES = {
    "self_assessment": "self_assessment",
    "tự đánh giá": "self_assessment",
    "thẩm định": "self_assessment",
    "survey": "survey",
    "xhh": "survey",
    "điều tra xã hội học": "survey",
}
_NA = {
    "not_allowed": "not_allowed",
    "không cho phép": "not_allowed",
    "full_points": "full_points",
    "đủ điểm": "full_points",
    "excluded": "excluded",
    "loại trừ": "excluded",
    "zero": "zero",
    "0 điểm": "zero",
}


@attrs.frozen
class TableRow:
    """One data row of the table: its 1-based row number in the file and its cells."""

    number: int
    cells: Mapping[str, str]


def _norm(text: object) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


def _read_raw(path: Path) -> tuple[list[str], list[list[str]], str]:
    """Header and rows of a CSV or the first sheet of an .xlsx file (all cells as text)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            import openpyxl
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ParIndexError(
                "reading Excel tables needs openpyxl (pip install openpyxl)"
            ) from exc
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [
            ["" if cell is None else str(cell) for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        book.close()
        place = f"{path.name}, sheet {sheet.title!r}"
    else:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        place = path.name
    if not rows:
        raise ParIndexError(f"{path}: the table is empty")
    return rows[0], rows[1:], place


def read_rows(path: str | Path) -> tuple[list[TableRow], str, list[Violation]]:
    """The table's rows keyed by canonical column names, its place name, and header problems."""
    file = Path(path)
    header, body, place = _read_raw(file)
    columns: dict[int, str] = {}
    problems: list[Violation] = []
    for index, name in enumerate(header):
        wanted = _norm(name)
        for column, aliases in HEADERS.items():
            if wanted in aliases:
                columns[index] = column
                break
        else:
            if wanted:
                problems.append(
                    Violation(
                        "",
                        Severity.WARNING,
                        "table-header",
                        f"unknown column {name!r} ignored",
                        f"{place}, row 1",
                    )
                )
    for column in REQUIRED:
        if column not in columns.values():
            problems.append(
                Violation(
                    "",
                    Severity.ERROR,
                    "table-header",
                    f"required column {column!r} missing",
                    f"{place}, row 1",
                )
            )
    rows = []
    for offset, raw in enumerate(body, start=2):
        cells = {
            columns[i]: unicodedata.normalize("NFC", value).strip()
            for i, value in enumerate(raw)
            if i in columns and value is not None
        }
        if any(cells.values()):
            rows.append(TableRow(offset, cells))
    return rows, place, problems


def _node_entry(row: TableRow, where: str) -> tuple[dict[str, Any], list[Violation]]:
    cells = row.cells
    code = cells.get("code", "")
    problems: list[Violation] = []

    def bad(column: str, message: str) -> None:
        problems.append(
            Violation(code, Severity.ERROR, "table-cell", message, f"{where}, column {column}")
        )

    entry: dict[str, Any] = {"code": code, "title": cells.get("title", "")}
    if cells.get("maximum"):
        entry["maximum"] = cells["maximum"].replace(",", ".")
    if cells.get("source"):
        source = _SOURCES.get(_norm(cells["source"]))
        if source is None:
            bad(
                "source",
                f"points source {cells['source']!r} is not one of {sorted(set(_SOURCES.values()))}",
            )
        else:
            entry["source"] = source
    if cells.get("na"):
        policy = _NA.get(_norm(cells["na"]))
        if policy is None:
            bad("na", f"N/A policy {cells['na']!r} is not one of {sorted(set(_NA.values()))}")
        else:
            entry["not_applicable"] = policy
    if cells.get("rule"):
        rule: dict[str, Any] = {"kind": cells["rule"].strip()}
        if cells.get("rule_params"):
            try:
                params = json.loads(cells["rule_params"])
            except json.JSONDecodeError as exc:
                bad("rule_params", f"rule parameters are not valid JSON: {exc.msg}")
                params = {}
            if not isinstance(params, dict):
                bad("rule_params", "rule parameters must be a JSON object")
                params = {}
            rule.update(params)
        entry["rule"] = rule
    elif cells.get("rule_params"):
        bad("rule_params", "rule parameters given without a rule")
    if cells.get("provenance"):
        provenance = {"document": cells["provenance"]}
        for column in ("status", "section", "url"):
            if cells.get(column):
                provenance[column] = cells[column]
        entry["provenance"] = [provenance]
    for column in ("gap", "note"):
        if cells.get(column):
            entry[column] = cells[column]
    return entry, problems


def table_document(
    path: str | Path, meta: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str], list[Violation]]:
    """A flat pack document from the table and ``meta`` (id, title, version, …).

    Returns the document, the place of each node entry (file and row) and the
    problems found in headers and cells.
    """
    rows, place, problems = read_rows(path)
    nodes = []
    places = []
    for row in rows:
        where = f"{place}, row {row.number}"
        entry, cell_problems = _node_entry(row, where)
        problems += cell_problems
        nodes.append(entry)
        places.append(where)
    return {**meta, "nodes": nodes}, places, problems


def _locate(violations: list[Violation], places: Mapping[str, str]) -> list[Violation]:
    return [
        v if v.location or v.code not in places else attrs.evolve(v, location=places[v.code])
        for v in violations
    ]


def lint_document(
    document: Mapping[str, Any], places: list[str], converter: cattrs.Converter
) -> tuple[Pack | None, list[Violation]]:
    """Every problem of a flat pack document, each located at its row when known."""
    by_code = {
        str(entry.get("code", "")): places[i]
        for i, entry in enumerate(document.get("nodes", []))
        if isinstance(entry, Mapping) and i < len(places)
    }
    try:
        pack = pack_from_document(
            document, converter, lambda i: places[i] if i < len(places) else f"nodes[{i}]"
        )
    except PackError as exc:
        first = list(exc.violations)
        # Check the remaining rows too: all problems at once, not one round per fix.
        failed = {v.code for v in first if v.code}
        kept = [
            entry
            for entry in document.get("nodes", [])
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
            return None, first
        more = [v for v in validate(rows_pack) if v.code and v.code not in failed]
        return None, first + _locate(more, by_code)
    return pack, _locate(validate(pack), by_code)


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


def read_criteria_table(
    path: str | Path, meta: Mapping[str, Any], converter: cattrs.Converter
) -> Pack:
    """The pack the table describes; raises :class:`PackError` listing every located error."""
    document, places, problems = table_document(path, meta)
    pack, violations = lint_document(document, places, converter)
    everything = problems + violations
    if pack is None or any(v.severity is Severity.ERROR for v in everything):
        raise PackError(str(meta.get("id", Path(path).stem)), everything)
    return pack
