"""Reading answer files: one row per questionnaire (wide) or one row per answer (long).

Wide: a respondent column (mã phiếu), a unit column (mã đơn vị), a group column
(nhóm đối tượng), then one column per question, headed by the question's code or
its exact text (as online forms export them; compared like labels: NFC, case
and spacing ignored). Columns the definition lists in ``ignored_columns`` (a
form's timestamp) are skipped; any other column is an error.

Long: respondent, unit, group, question (code or text) and answer columns.

A multi-select question ("có thể chọn nhiều") is one column of joined options
(separated by its scale's declared separators), or one tick column per option
headed ``CODE/option`` (the question's code or text, a slash, the option's label
or alias, or a "not an answer" label; ``x`` or ``1`` ticks it), or in the long
form one row per ticked option (or one joined cell); see :mod:`parindex.survey.multi`.

CSV files are UTF-8 (a BOM is allowed), comma- or semicolon-separated (the
delimiter that makes the header readable is used; a header readable both ways
is refused). Workbooks are read-only, first sheet (or the data sheet of a
survey entry workbook, whose definition and version must match). Cells go
through the entry grammar; every problem is reported with file, sheet, row,
column, unit and respondent.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from parindex import limits
from parindex.errors import InputError, InputProblem, Location, os_reason
from parindex.grammar import clean_text, label_key
from parindex.io import text_encoding, xlsx_input
from parindex.io.cells import column_letter
from parindex.io.near_headers import with_hint
from parindex.io.readers import input_files
from parindex.messages import Found, msg
from parindex.survey.answers import Answers, AnswerTable, Pieces, build_answers, not_answer_code
from parindex.survey.model import ScaleKind, SurveyDefinition
from parindex.survey.problems import ANSWER_PROBLEMS
from parindex.survey.validation import (
    ANSWER_HEADERS,
    GROUP_HEADERS,
    QUESTION_HEADERS,
    RESPONDENT_HEADERS,
    UNIT_HEADERS,
)

#: The sheet of a survey entry workbook naming its definition and version.
META_SHEET = "_parindex_survey"
DATA_SHEET = "Phiếu"
SUFFIXES = (".csv", ".xlsx", ".xlsm", ".ods", ".xls")

_ROLES = {
    **dict.fromkeys(RESPONDENT_HEADERS, "respondent"),
    **dict.fromkeys(UNIT_HEADERS, "unit"),
    **dict.fromkeys(GROUP_HEADERS, "group"),
    **dict.fromkeys(QUESTION_HEADERS, "question"),
    **dict.fromkeys(ANSWER_HEADERS, "answer"),
}
#: Every accepted header with its role (for "did you mean" on a header nearly right).
_NAMES = tuple(sorted(_ROLES.items(), key=lambda item: (item[1], item[0])))
_WIDE = ("respondent", "unit", "group")
_LONG = ("respondent", "unit", "group", "question", "answer")


class _UnreadableError(Exception):
    def __init__(self, problem: InputProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _question_keys(definition: SurveyDefinition) -> dict[str, int]:
    keys: dict[str, int] = {}
    for position, question in enumerate(definition.questions):
        keys[label_key(question.code)] = position
        keys[label_key(question.text)] = position
    return keys


def _option_column(
    definition: SurveyDefinition, keys: dict[str, int], header: str
) -> tuple[int, int] | None:
    """A tick column's question and option (position, or "not an answer" code), if it is one.

    The header is ``CODE/option``: split at the slash (any slash, since texts and
    labels may hold one) where the left is a multi question and the right one of
    its scale's spellings or a "not an answer" label.
    """
    found = []
    for at in [i for i, ch in enumerate(header) if ch == "/"]:
        q = keys.get(label_key(header[:at]))
        if q is None:
            continue
        scale = definition.scale(definition.questions[q].scale)
        if scale.kind is not ScaleKind.MULTI:
            continue
        wanted = label_key(header[at + 1 :])
        for position, option in enumerate(scale.resolved_options):
            if wanted in {label_key(t) for t in (option.label, *option.aliases)}:
                found.append((q, position))
        for position, item in enumerate(definition.not_answers):
            if wanted in {label_key(t) for t in (item.label, *item.aliases)}:
                found.append((q, not_answer_code(position)))
    return found[0] if len(found) == 1 else None


def _table(
    definition: SurveyDefinition, rows: list[list[Any]], file: str, sheet: str = ""
) -> tuple[AnswerTable | None, list[InputProblem]]:
    """One table from a sheet's rows (the first row is the header)."""
    problems: list[InputProblem] = []
    if not rows or not any(clean_text(cell) for cell in rows[0]):
        return None, [
            InputProblem(
                msg("survey.file_empty"),
                location=Location(file, sheet, 1),
                expected=msg("survey.expected_header"),
            )
        ]
    header = [clean_text(cell) for cell in rows[0]]
    keys = _question_keys(definition)
    ignored = {label_key(c) for c in definition.ignored_columns}
    roles: dict[str, int] = {}
    questions: dict[int, int] = {}
    ticks: dict[int, dict[int, int]] = {}
    for index, name in enumerate(header):
        key = label_key(name)
        where = Location(file, sheet, 1, column_letter(index))
        if not key or key in ignored:
            continue
        role = _ROLES.get(key)
        if role is not None:
            if role in roles:
                problems.append(
                    InputProblem(msg("survey.column_twice", column=Found(name)), location=where)
                )
            roles[role] = index
        elif key in keys:
            if keys[key] in questions.values():
                problems.append(
                    InputProblem(
                        msg(
                            "survey.question_column_twice",
                            question=Found(definition.questions[keys[key]].code),
                        ),
                        location=where,
                    )
                )
            questions[index] = keys[key]
        elif (option := _option_column(definition, keys, name)) is not None:
            q, code = option
            if code in ticks.setdefault(q, {}):
                problems.append(
                    InputProblem(msg("survey.column_twice", column=Found(name)), location=where)
                )
            ticks[q][code] = index
        else:
            problems.append(
                InputProblem(
                    with_hint(msg("survey.unknown_column", column=Found(name)), name, _NAMES),
                    location=where,
                    expected=msg("survey.expected_columns"),
                )
            )
    long = "question" in roles or "answer" in roles
    needed = _LONG if long else _WIDE
    missing = [role for role in needed if role not in roles]
    if missing:
        problems.append(
            InputProblem(
                msg("survey.columns_missing", columns=", ".join(missing)),
                location=Location(file, sheet, 1),
                expected=msg("survey.expected_columns"),
            )
        )
    for q, by_option in ticks.items():
        if q in questions.values():
            joined = next(i for i, known in questions.items() if known == q)
            problems.append(
                InputProblem(
                    msg(
                        "survey.multi_cell_and_columns",
                        question=Found(definition.questions[q].code),
                    ),
                    location=Location(
                        file, sheet, 1, column_letter(max(joined, min(by_option.values())))
                    ),
                )
            )
    if long and (questions or ticks):
        problems.append(
            InputProblem(
                msg("survey.long_with_question_columns"), location=Location(file, sheet, 1)
            )
        )
    if problems:
        return None, problems
    letters = (
        column_letter(roles["respondent"]),
        column_letter(roles["unit"]),
        column_letter(roles["group"]),
    )
    width = len(header)
    body: list[tuple[int, list[Any]]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(clean_text(c) for c in row):
            continue
        if len(row) > width and any(clean_text(c) for c in row[width:]):
            problems.append(
                InputProblem(
                    msg("survey.row_too_long", cells=len(row), header=width),
                    location=Location(file, sheet, number, column_letter(width)),
                )
            )
            continue
        body.append((number, list(row[:width]) + [None] * (width - len(row))))
    if problems:
        return None, problems
    if not long:
        columns = list(zip(*(row for _, row in body), strict=True)) if body else [()] * width
        table = AnswerTable(
            file=file,
            sheet=sheet,
            respondent=list(columns[roles["respondent"]]),
            unit=list(columns[roles["unit"]]),
            group=list(columns[roles["group"]]),
            rows=[number for number, _ in body],
            id_columns=letters,
            answers={q: list(columns[index]) for index, q in questions.items()},
            answer_columns={
                **{q: column_letter(index) for index, q in questions.items()},
                **{q: column_letter(min(by.values())) for q, by in ticks.items()},
            },
            option_columns={
                q: [
                    (code, column_letter(index), list(columns[index]))
                    for code, index in sorted(by.items(), key=lambda item: item[1])
                ]
                for q, by in ticks.items()
            },
        )
        return table, problems
    return _long_table(definition, body, roles, keys, file, sheet, letters)


def _long_table(
    definition: SurveyDefinition,
    body: list[tuple[int, list[Any]]],
    roles: dict[str, int],
    keys: dict[str, int],
    file: str,
    sheet: str,
    letters: tuple[str, str, str],
) -> tuple[AnswerTable | None, list[InputProblem]]:
    problems: list[InputProblem] = []
    order: dict[str, int] = {}
    respondent: list[object] = []
    unit: list[object] = []
    group: list[object] = []
    rows: list[int] = []
    cells: list[dict[int, tuple[object, int]]] = []
    multi = {
        q
        for q, question in enumerate(definition.questions)
        if definition.scale(question.scale).kind is ScaleKind.MULTI
    }

    def cell(row: list[Any], role: str) -> Any:
        index = roles[role]
        return row[index] if index < len(row) else None

    for number, row in body:
        who = clean_text(cell(row, "respondent"))
        question_raw = clean_text(cell(row, "question"))
        q = keys.get(label_key(question_raw))
        if q is None:
            problems.append(
                InputProblem(
                    msg("survey.unknown_question", question=Found(question_raw)),
                    clean_text(cell(row, "unit")),
                    location=Location(file, sheet, number, column_letter(roles["question"])),
                    expected=msg("survey.expected_question"),
                )
            )
            continue
        position = order.get(who)
        if position is None:
            position = order[who] = len(rows)
            respondent.append(cell(row, "respondent"))
            unit.append(cell(row, "unit"))
            group.append(cell(row, "group"))
            rows.append(number)
            cells.append({})
        else:
            for role, kept in (("unit", unit), ("group", group)):
                if label_key(clean_text(cell(row, role))) != label_key(clean_text(kept[position])):
                    problems.append(
                        InputProblem(
                            msg(
                                "survey.respondent_changes",
                                respondent=Found(who),
                                what=msg(f"survey.what_{role}"),
                                found=Found(cell(row, role)),
                                first=Found(kept[position]),
                                row=rows[position],
                            ),
                            clean_text(cell(row, "unit")),
                            location=Location(file, sheet, number, column_letter(roles[role])),
                        )
                    )
        given = cells[position]
        if q in multi:
            # A multi-select question: one row per ticked option (or one joined cell).
            earlier = given.get(q)
            parts = earlier[0].parts if earlier is not None else ()  # type: ignore[attr-defined]
            given[q] = (
                Pieces((*parts, (cell(row, "answer"), number))),
                earlier[1] if earlier is not None else number,
            )
            continue
        if q in given:
            problems.append(
                InputProblem(
                    msg(
                        "survey.answer_twice",
                        respondent=Found(who),
                        question=Found(definition.questions[q].code),
                        row=given[q][1],
                    ),
                    clean_text(cell(row, "unit")),
                    location=Location(file, sheet, number, column_letter(roles["answer"])),
                )
            )
            continue
        given[q] = (cell(row, "answer"), number)
    if problems:
        return None, problems
    # Questions nobody answered in this file stay absent; others are blank where not given.
    present = sorted({q for given in cells for q in given})
    table = AnswerTable(
        file=file,
        sheet=sheet,
        respondent=respondent,
        unit=unit,
        group=group,
        rows=rows,
        id_columns=letters,
        answers={q: [given.get(q, (None, 0))[0] for given in cells] for q in present},
        answer_columns={q: column_letter(roles["answer"]) for q in present},
        answer_rows={
            q: [given.get(q, (None, line))[1] for given, line in zip(cells, rows, strict=True)]
            for q in present
        },
    )
    return table, problems


def _csv_rows(path: Path) -> list[list[str]]:
    caps = limits.current()
    size = path.stat().st_size
    if size > caps.max_text_bytes:
        raise _UnreadableError(
            InputProblem(
                limits.over("max_text_bytes", size, caps.max_text_bytes),
                location=Location(path.name),
            )
        )
    data = path.read_bytes()
    wide = text_encoding.diagnose(data, None)
    if wide is not None:
        raise _UnreadableError(
            InputProblem(wide[0], location=Location(path.name), expected=wide[1])
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        found, expected = text_encoding.diagnose(data, exc.start) or (
            msg("survey.not_utf8", byte=exc.start + 1),
            msg("survey.expected_utf8"),
        )
        raise _UnreadableError(
            InputProblem(
                found,
                location=Location(path.name, row=data.count(b"\n", 0, exc.start) + 1),
                expected=expected,
            )
        ) from None
    first_line = text.split("\n", 1)[0]
    readable = []
    for delimiter in (",", ";"):
        header = next(csv.reader([first_line], delimiter=delimiter), [])
        roles = {_ROLES.get(label_key(h)) for h in header}
        if {"respondent", "unit", "group"} <= roles:
            readable.append(delimiter)
    if len(readable) > 1:
        raise _UnreadableError(
            InputProblem(msg("survey.delimiter_ambiguous"), location=Location(path.name, row=1))
        )
    # With no readable header the comma is used, and _table reports the header's problems.
    chosen = readable[0] if readable else ","
    previous = csv.field_size_limit(caps.max_field_chars)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=chosen)
    rows: list[list[str]] = []
    try:
        rows.extend(reader)
    except csv.Error as exc:
        line = reader.line_num
        if "field larger than field limit" in str(exc):
            message = limits.over("max_field_chars", caps.max_field_chars + 1, caps.max_field_chars)
        else:
            message = msg("survey.csv_unreadable", detail=str(exc))
        raise _UnreadableError(
            InputProblem(message, location=Location(path.name, row=line))
        ) from None
    finally:
        csv.field_size_limit(previous)
    return rows


def _workbook_sheets(definition: SurveyDefinition, path: Path) -> list[tuple[str, list[list[Any]]]]:
    """The answer sheet of a workbook (calamine, size checked first, like every workbook)."""
    try:
        book = xlsx_input._open(path)
    except InputError as exc:
        raise _UnreadableError(exc.problems[0]) from None
    names = list(book.sheet_names)
    if META_SHEET in names:
        meta = {
            clean_text(row[0]): clean_text(row[1])
            for row in _sheet_rows(book, META_SHEET)
            if len(row) > 1
        }
        for key, wanted in (("survey", definition.id), ("version", definition.version)):
            if meta.get(key, "") != wanted:
                raise _UnreadableError(
                    InputProblem(
                        msg(
                            "survey.workbook_for_other",
                            key=key,
                            found=Found(meta.get(key, "")),
                            expected=Found(wanted),
                        ),
                        location=Location(path.name, META_SHEET),
                    )
                )
    sheet_name = DATA_SHEET if DATA_SHEET in names else _answer_sheet(book, names)
    formulas = xlsx_input.uncached_formulas(path, sheet_name)
    if formulas:
        cell = formulas[0]
        raise _UnreadableError(
            InputProblem(
                msg("workbook.formula_without_value"),
                location=Location(
                    path.name,
                    sheet_name,
                    int("".join(c for c in cell if c.isdigit())),
                    "".join(c for c in cell if c.isalpha()),
                ),
                expected=msg("workbook.formula_expected"),
            )
        )
    return [(sheet_name, _sheet_rows(book, sheet_name))]


def _answer_sheet(book: Any, names: list[str]) -> str:
    """The sheet holding the answers when none is called "Phiếu" (renamed, or a workbook
    of the user's own): the one sheet whose first row names the respondent, unit and
    group columns, else the first sheet (its header's problems are then reported)."""
    sheets = [name for name in names if name != META_SHEET] or names
    found = []
    for name in sheets:
        rows = _sheet_rows(book, name)
        head = {_ROLES.get(label_key(clean_text(cell))) for cell in rows[0]} if rows else set()
        if {"respondent", "unit", "group"} <= head:
            found.append(name)
    return found[0] if len(found) == 1 else sheets[0]


def _sheet_rows(book: Any, name: str) -> list[list[Any]]:
    """A sheet's rows, or the located reason it cannot be read (damaged, too large)."""
    try:
        return xlsx_input._rows(book, name)
    except InputError as exc:
        raise _UnreadableError(exc.problems[0]) from None


def answer_files(paths: Sequence[str | Path]) -> tuple[list[Path], list[InputProblem]]:
    """The answer files named, folders expanded (their .csv and workbook files in name order)."""
    return input_files(paths, SUFFIXES)


def read_answers(
    definition: SurveyDefinition, *paths: str | Path, units: Sequence[str] | None = None
) -> Answers:
    """Answers from CSV and xlsx files (wide or long, mixed), checked all at once.

    ``units``: the units answers may name (e.g. the scored units); another unit is
    an error, with the nearest known id suggested when only case or spacing differ.
    """
    files, problems = answer_files(paths)
    if not paths:
        problems.append(InputProblem(msg("survey.no_answer_files")))
    tables: list[AnswerTable] = []
    for file in files:
        try:
            if file.suffix.lower() == ".csv":
                sheets = [("", _csv_rows(file))]
            else:
                sheets = _workbook_sheets(definition, file)
        except _UnreadableError as exc:
            problems.append(exc.problem)
            continue
        except OSError as exc:
            problems.append(
                InputProblem(
                    msg("survey.cannot_read", detail=os_reason(exc)),
                    location=Location(file.name),
                )
            )
            continue
        for sheet, rows in sheets:
            table, found = _table(definition, rows, file.name, sheet)
            problems += found
            if table is not None:
                tables.append(table)
    if problems:
        raise InputError(problems, ANSWER_PROBLEMS)
    return build_answers(definition, tables, units=units)
