"""Raw answers as arrays: one integer code per (question, respondent).

Readers collect cells with their locations; :class:`AnswerBuilder` turns each
cell into a code through the entry grammar (labels as people read them, numbers
exactly) and reports every problem at once with file, row, column, unit and
respondent. Aggregation then works on the arrays alone:

- ``codes[q, r] ≥ 0``: the option's position in question ``q``'s scale;
- ``BLANK`` (−1): nothing entered (counted, excluded);
- ``−2 − j``: the definition's j-th "not an answer" ("Không biết" …; counted, excluded).

A multi-select question's code is 0 where something was ticked, and its ticks are
a uint64 bit mask per respondent in ``Answers.masks`` (see :mod:`parindex.survey.multi`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs
import numpy as np
import numpy.typing as npt

from parindex.errors import InputError, InputProblem, Location
from parindex.grammar import EntryError, clean_text, identifier, label_key, number_from_value
from parindex.messages import Found, Message, msg
from parindex.survey.model import ScaleKind, SurveyDefinition
from parindex.survey.multi import MaskArray, MultiCells, read_tick
from parindex.survey.problems import ANSWER_PROBLEMS

BLANK = -1
#: Codes are int8: options and "not an answer" kinds stay within ±100.
CodeArray = npt.NDArray[np.int8]
IndexArray = npt.NDArray[np.int32]


def not_answer_code(position: int) -> int:
    return -2 - position


@attrs.frozen(eq=False)
class Answers:
    """Every questionnaire of one survey, question-major (each question's answers contiguous)."""

    definition: str
    questions: tuple[str, ...]
    respondents: Sequence[str]
    #: Distinct unit ids; ``unit_of`` indexes this tuple.
    units: tuple[str, ...]
    unit_of: IndexArray
    #: Respondent group per respondent: its position in the definition's groups.
    group_of: IndexArray
    #: (questions × respondents) answer codes.
    codes: CodeArray
    #: Where each respondent was read (file and row), when read from a file.
    locations: Sequence[Location] | None = None
    source: str = ""
    #: Multi-select questions (by position): each respondent's ticks as a uint64 bit mask
    #: (0 where nothing was ticked).
    masks: Mapping[int, MaskArray] = attrs.field(factory=dict)

    @property
    def n_respondents(self) -> int:
        return int(self.unit_of.shape[0])

    def location(self, respondent: int) -> Location | None:
        return None if self.locations is None else self.locations[respondent]


@attrs.frozen
class Pieces:
    """A multi-select answer given over several long-form rows: (cell, row) each."""

    parts: tuple[tuple[object, int], ...]


@attrs.frozen
class AnswerTable:
    """Questionnaires as read from one sheet or file: raw cells column by column.

    ``answers[q]`` holds question ``q``'s raw cell per questionnaire (None when the
    file has no such cell). ``answer_rows`` gives each answer's own row (long
    files), otherwise the questionnaire's row is used.
    """

    file: str
    sheet: str
    respondent: list[object]
    unit: list[object]
    group: list[object]
    rows: list[int]
    #: Column letters of the respondent, unit and group cells.
    id_columns: tuple[str, str, str]
    answers: dict[int, list[object]]
    answer_columns: dict[int, str]
    answer_rows: dict[int, list[int]] | None = None
    #: Multi-select questions given as one tick column per option: per question, its
    #: columns as (option position, or "not an answer" code; column letter; cells).
    option_columns: dict[int, list[tuple[int, str, list[object]]]] = attrs.field(factory=dict)

    def at(self, index: int, column: str, question: int | None = None) -> Location:
        row = self.rows[index]
        if question is not None and self.answer_rows is not None:
            row = self.answer_rows[question][index]
        return Location(self.file, self.sheet, row, column)


class _Lookup:
    """Label and number lookups of one definition, built once per read."""

    def __init__(self, definition: SurveyDefinition) -> None:
        self.definition = definition
        self.not_answers: dict[str, int] = {}
        for position, item in enumerate(definition.not_answers):
            for spelling in (item.label, *item.aliases):
                self.not_answers[label_key(spelling)] = not_answer_code(position)
        self.labels: dict[str, dict[str, int]] = {}
        self.values: dict[str, dict[Decimal, int]] = {}
        self.expected: dict[str, Message] = {}
        for scale in definition.scales:
            options = scale.resolved_options
            self.labels[scale.id] = {
                label_key(spelling): position
                for position, option in enumerate(options)
                for spelling in (option.label, *option.aliases)
            }
            if scale.kind is not ScaleKind.CHOICE:
                self.values[scale.id] = {
                    option.value.normalize(): position
                    for position, option in enumerate(options)
                    if option.value is not None
                }
            self.expected[scale.id] = msg(
                "survey.expected_option",
                options=[Found(o.label) for o in options],
                not_answers=[Found(n.label) for n in definition.not_answers],
            )
        self.multi: dict[str, MultiCells] = {}
        for scale in definition.scales:
            if scale.kind is ScaleKind.MULTI:
                self.multi[scale.id] = MultiCells(scale, self.not_answers, BLANK)
                self.expected[scale.id] = msg(
                    "survey.expected_multi" if scale.separators else "survey.expected_multi_one",
                    options=[Found(o.label) for o in scale.resolved_options],
                    separators=[Found(s) for s in scale.separators],
                    not_answers=[Found(n.label) for n in definition.not_answers],
                )
        self.groups: dict[str, int] = {}
        for position, group in enumerate(definition.groups):
            for spelling in (group.id, group.name, *group.aliases):
                self.groups[label_key(spelling)] = position

    def read(self, scale: str, raw: object) -> int | Message:
        """The code of one cell, or the message saying why it is not on the scale."""
        if raw is None or (isinstance(raw, str) and not clean_text(raw)):
            return BLANK
        if isinstance(raw, str):
            key = label_key(clean_text(raw))
            if key in self.not_answers:
                return self.not_answers[key]
            if key in self.labels[scale]:
                return self.labels[scale][key]
        values = self.values.get(scale)
        if values is not None and not isinstance(raw, bool):
            try:
                number = number_from_value(raw)
            except EntryError:
                number = None
            if number is not None and number.normalize() in values:
                return values[number.normalize()]
        return msg("survey.answer_not_in_scale", found=Found(raw))

    def column(self, scale: str, cells: Sequence[object]) -> tuple[CodeArray, dict[int, Message]]:
        """Codes of a whole column (each distinct cell read once) and the cells that fail."""
        distinct = dict.fromkeys(cells)
        if any(isinstance(value, bool) for value in distinct):
            # True == 1 as a dictionary key: read such a column cell by cell.
            read = [self.read(scale, raw) for raw in cells]
        else:
            mapping = {raw: self.read(scale, raw) for raw in distinct}
            read = list(map(mapping.__getitem__, cells))
        failed = {i: code for i, code in enumerate(read) if isinstance(code, Message)}
        if failed:
            read = [BLANK if isinstance(code, Message) else code for code in read]
        return np.array(read, dtype=np.int8), failed

    def multi_column(
        self, scale: str, cells: Sequence[object], rows: Sequence[int]
    ) -> tuple[CodeArray, MaskArray, dict[int, tuple[Message, int]]]:
        """Codes and masks of a multi question's joined cells (or long-form pieces), and
        the cells that fail with the row each failing piece is on."""
        reader = self.multi[scale]
        codes = np.full(len(cells), BLANK, dtype=np.int8)
        masks = np.zeros(len(cells), dtype=np.uint64)
        failed: dict[int, tuple[Message, int]] = {}
        for index, raw in enumerate(cells):
            read = (
                _pieces(reader, raw) if isinstance(raw, Pieces) else (reader.read(raw), rows[index])
            )
            found, row = read
            if isinstance(found, Message):
                failed[index] = (found, row)
            else:
                masks[index], codes[index] = found
        return codes, masks, failed

    def tick_columns(
        self, columns: Sequence[tuple[int, str, list[object]]], n: int
    ) -> tuple[CodeArray, MaskArray, list[tuple[int, str, Message]]]:
        """Codes and masks of a multi question given one tick column per option."""
        masks = np.zeros(n, dtype=np.uint64)
        not_answer = np.zeros(n, dtype=np.int8)
        not_answer_column = np.zeros(n, dtype=np.int64)
        failed: list[tuple[int, str, Message]] = []
        for number, (code, letter, cells) in enumerate(columns):
            mapping = {raw: read_tick(raw) for raw in dict.fromkeys(cells)}
            read = [mapping[raw] if not isinstance(raw, bool) else read_tick(raw) for raw in cells]
            failed += [(i, letter, m) for i, m in enumerate(read) if isinstance(m, Message)]
            ticked = np.array([m is True for m in read], dtype=bool)
            if code >= 0:
                masks |= ticked.astype(np.uint64) << np.uint64(code)
                continue
            twice = ticked & (not_answer != 0)
            failed += [(i, letter, self._alone(code)) for i in np.flatnonzero(twice).tolist()]
            not_answer = np.where(ticked, code, not_answer).astype(np.int8)
            not_answer_column = np.where(ticked, number, not_answer_column)
        mixed = (not_answer != 0) & (masks != 0)
        for index in np.flatnonzero(mixed).tolist():
            code = int(not_answer[index])
            failed.append((index, columns[int(not_answer_column[index])][1], self._alone(code)))
        codes = np.where(not_answer != 0, not_answer, np.where(masks != 0, 0, BLANK))
        return codes.astype(np.int8), masks, failed

    def _alone(self, code: int) -> Message:
        label = self.definition.not_answers[-2 - code].label
        return msg("survey.multi_not_answer_with_ticks", found=Found(label))


def _pieces(reader: MultiCells, pieces: Pieces) -> tuple[tuple[int, int] | Message, int]:
    """One multi answer over several long-form rows: the union of their ticks, checked."""
    mask, not_answer, not_answer_text, row = 0, 0, "", 0
    for raw, row in pieces.parts:
        found = reader.read(raw)
        if isinstance(found, Message):
            return found, row
        ticks, code = found
        if code == BLANK:
            continue
        if code < 0:
            if mask or not_answer:
                return msg("survey.multi_not_answer_with_ticks", found=Found(raw)), row
            not_answer, not_answer_text = code, clean_text(raw)
        elif not_answer:
            return msg("survey.multi_not_answer_with_ticks", found=Found(not_answer_text)), row
        elif mask & ticks:
            return msg("survey.multi_option_twice", found=Found(raw)), row
        mask |= ticks
    if not_answer:
        return (0, not_answer), row
    return ((mask, 0) if mask else (0, BLANK)), row


def build_answers(
    definition: SurveyDefinition,
    tables: Sequence[AnswerTable],
    *,
    units: Sequence[str] | None = None,
) -> Answers:
    """Answers from tables read from files; raises InputError listing every problem.

    Each problem names the file, sheet, row and column, the unit and the respondent:
    an answer outside its question's scale, an answer from a group the question is
    not asked of, an unknown unit (when ``units`` is given) or group, a respondent
    id given twice, a questionnaire with no valid answer.
    """
    lookup = _Lookup(definition)
    problems: list[InputProblem] = []
    known = None if units is None else {u: i for i, u in enumerate(units)}
    near = None if units is None else {label_key(u): u for u in units}
    unit_positions: dict[str, int] = dict(known or {})
    first_seen: dict[str, Location] = {}
    respondent_ids: list[str] = []
    unit_of: list[int] = []
    group_of: list[int] = []
    locations: list[Location] = []
    blocks: list[CodeArray] = []
    n_questions = len(definition.questions)
    multi = [q for q, question in enumerate(definition.questions) if question.scale in lookup.multi]
    mask_blocks: dict[int, list[MaskArray]] = {q: [] for q in multi}
    group_index = {g.id: i for i, g in enumerate(definition.groups)}
    asked = np.ones((n_questions, len(definition.groups)), dtype=bool)
    for q, question in enumerate(definition.questions):
        if question.groups:
            asked[q] = False
            asked[q, [group_index[g] for g in question.groups]] = True
    expected_groups = msg(
        "survey.expected_group", groups=[Found(f"{g.id} ({g.name})") for g in definition.groups]
    )
    for table in tables:
        n = len(table.rows)
        if n == 0:  # a header and nothing under it: refused, like an empty scoring input
            problems.append(
                InputProblem(
                    msg("survey.no_questionnaires"),
                    location=Location(table.file, table.sheet, 2),
                    expected=msg("survey.expected_questionnaires"),
                )
            )
            continue
        masks: dict[int, MaskArray] = {}
        bad = np.zeros(n, dtype=bool)
        ids: list[str] = [""] * n
        units_here = np.full(n, -1, dtype=np.int64)
        groups_here = np.full(n, -1, dtype=np.int64)
        column_of = dict(zip(("respondent", "unit", "group"), table.id_columns, strict=True))

        def problem(
            index: int,
            column: str,
            message: Message,
            unit: str = "",
            expected: Message | str = "",
            question: int | None = None,
            table: AnswerTable = table,
            bad: npt.NDArray[np.bool_] = bad,
            row: int | None = None,
        ) -> None:
            where = table.at(index, column, question)
            if row is not None:
                where = attrs.evolve(where, row=row)
            problems.append(InputProblem(message, unit, "", where, expected))
            bad[index] = True

        for index in range(n):
            try:
                ids[index] = identifier(table.respondent[index], empty="entry.blank")
            except EntryError as exc:
                problem(
                    index,
                    column_of["respondent"],
                    msg("survey.bad_respondent", problem=exc.message),
                    clean_text(table.unit[index]),
                )
                continue
            where = table.at(index, column_of["respondent"])
            earlier = first_seen.get(ids[index])
            if earlier is not None:
                problem(
                    index,
                    column_of["respondent"],
                    msg(
                        "survey.respondent_twice",
                        respondent=Found(ids[index]),
                        first=earlier,
                    ),
                    clean_text(table.unit[index]),
                )
            else:
                first_seen[ids[index]] = where
        unit_cache: dict[object, int | Message] = {}
        for index in range(n):
            raw = table.unit[index]
            cached = (
                unit_cache.get(raw)
                if isinstance(raw, str | int) and not isinstance(raw, bool)
                else None
            )
            if cached is None:
                cached = _unit_position(raw, known, near, unit_positions)
                if isinstance(raw, str | int) and not isinstance(raw, bool):
                    unit_cache[raw] = cached
            if isinstance(cached, Message):
                expected = msg("survey.expected_unit")
                if cached.code == "survey.unknown_unit" and near is not None:
                    slip = near.get(label_key(clean_text(raw)))
                    if slip:
                        expected = msg("survey.did_you_mean_unit", unit=Found(slip))
                problem(index, column_of["unit"], cached, clean_text(raw), expected)
            else:
                units_here[index] = cached
            key = (
                label_key(clean_text(table.group[index]))
                if isinstance(table.group[index], str | int)
                else ""
            )
            if key in lookup.groups:
                groups_here[index] = lookup.groups[key]
            else:
                given = table.group[index]
                blank = given is None or (isinstance(given, str) and not clean_text(given))
                problem(
                    index,
                    column_of["group"],
                    msg("survey.blank_group")
                    if blank
                    else msg("survey.unknown_group", found=Found(given)),
                    clean_text(table.unit[index]),
                    expected_groups,
                )
        codes = np.full((n_questions, n), BLANK, dtype=np.int8)
        for q in sorted({*table.answers, *table.option_columns}):
            question = definition.questions[q]
            failures: list[tuple[int, str, Message, Message, int | None]] = []
            if q in table.option_columns:
                column, masks[q], ticks_failed = lookup.tick_columns(table.option_columns[q], n)
                failures += [
                    (
                        index,
                        letter,
                        code,
                        msg("survey.expected_tick")
                        if code.code == "survey.multi_bad_tick"
                        else lookup.expected[question.scale],
                        None,
                    )
                    for index, letter, code in ticks_failed
                ]
            elif question.scale in lookup.multi:
                rows = table.answer_rows[q] if table.answer_rows is not None else table.rows
                column, masks[q], multi_failed = lookup.multi_column(
                    question.scale, table.answers[q], rows
                )
                failures += [
                    (index, table.answer_columns[q], code, lookup.expected[question.scale], row)
                    for index, (code, row) in multi_failed.items()
                ]
            else:
                column, failed = lookup.column(question.scale, table.answers[q])
                failures += [
                    (index, table.answer_columns[q], code, lookup.expected[question.scale], None)
                    for index, code in failed.items()
                ]
            codes[q] = column
            for index, letter, code, expected, row in failures:
                problem(
                    index,
                    letter,
                    msg(
                        "survey.bad_answer",
                        respondent=Found(ids[index] or table.respondent[index]),
                        question=Found(question.code),
                        problem=code,
                    ),
                    clean_text(table.unit[index]),
                    expected,
                    q,
                    row=row,
                )
            stray = (codes[q] != BLANK) & (groups_here >= 0) & ~asked[q][np.maximum(groups_here, 0)]
            for stray_index in np.flatnonzero(stray).tolist():
                problem(
                    stray_index,
                    table.answer_columns[q],
                    msg(
                        "survey.answer_not_asked",
                        respondent=Found(ids[stray_index]),
                        question=Found(question.code),
                        group=Found(definition.groups[groups_here[stray_index]].name),
                    ),
                    clean_text(table.unit[stray_index]),
                    question=q,
                )
        missing = [
            q
            for q in range(n_questions)
            if q not in table.answers and q not in table.option_columns
        ]
        for q in missing:
            needed = (groups_here >= 0) & asked[q][np.maximum(groups_here, 0)]
            if needed.any():
                problems.append(
                    InputProblem(
                        msg(
                            "survey.question_column_missing"
                            if table.answer_rows is None
                            else "survey.question_rows_missing",
                            question=Found(definition.questions[q].code),
                            text=Found(definition.questions[q].text),
                        ),
                        location=Location(table.file, table.sheet, 1),
                    )
                )
                bad[:] = True
                break
        # A questionnaire left blank is refused; one answered "Không biết" throughout is
        # a respondent like any other (its not-answers are excluded and counted).
        empty = ~(codes != BLANK).any(axis=0) & ~bad
        for empty_index in np.flatnonzero(empty).tolist():
            problem(
                empty_index,
                column_of["respondent"],
                msg("survey.no_valid_answer", respondent=Found(ids[empty_index])),
                clean_text(table.unit[empty_index]),
            )
        if problems:
            continue
        respondent_ids += ids
        unit_of += units_here.tolist()
        group_of += groups_here.tolist()
        locations += [table.at(i, column_of["respondent"]) for i in range(n)]
        blocks.append(codes)
        for q in multi:
            mask_blocks[q].append(masks.get(q, np.zeros(n, dtype=np.uint64)))
    if problems:
        raise InputError(problems, ANSWER_PROBLEMS)
    return Answers(
        definition=definition.id,
        questions=tuple(q.code for q in definition.questions),
        respondents=tuple(respondent_ids),
        units=tuple(unit_positions),
        unit_of=np.array(unit_of, dtype=np.int32),
        group_of=np.array(group_of, dtype=np.int32),
        codes=np.ascontiguousarray(np.concatenate(blocks, axis=1))
        if blocks
        else np.zeros((n_questions, 0), dtype=np.int8),
        locations=tuple(locations),
        source=", ".join(dict.fromkeys(t.file for t in tables)),
        masks={
            q: np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
            for q, parts in mask_blocks.items()
        },
    )


def _unit_position(
    raw: object,
    known: dict[str, int] | None,
    near: dict[str, str] | None,
    positions: dict[str, int],
) -> int | Message:
    try:
        unit = identifier(raw, empty="entry.blank")
    except EntryError as exc:
        return msg("survey.bad_unit", problem=exc.message)
    if known is None:
        return positions.setdefault(unit, len(positions))
    if unit in known:
        return known[unit]
    return msg("survey.unknown_unit", unit=Found(unit))


def answers_from_arrays(
    definition: SurveyDefinition,
    *,
    units: Sequence[str],
    unit_of: npt.ArrayLike,
    group_of: npt.ArrayLike,
    codes: npt.ArrayLike,
    respondents: Sequence[str] | None = None,
    source: str = "",
    masks: Mapping[str, npt.ArrayLike] | None = None,
) -> Answers:
    """Answers from arrays already coded (generated data, other tools); checked whole-array.

    ``codes`` is (questions × respondents) in the definition's question order.
    ``masks`` gives each multi-select question's ticks (by question code) as uint64
    bit masks; its codes are then 0 exactly where something is ticked.
    """
    unit_array = np.ascontiguousarray(unit_of, dtype=np.int32)
    group_array = np.ascontiguousarray(group_of, dtype=np.int32)
    code_array = np.ascontiguousarray(codes, dtype=np.int8)
    n = unit_array.shape[0]
    problems: list[InputProblem] = []
    n_questions = len(definition.questions)
    if unit_array.ndim != 1 or group_array.shape != unit_array.shape:
        problems.append(InputProblem(msg("survey.arrays_shape")))
    if code_array.shape != (n_questions, n):
        problems.append(
            InputProblem(
                msg(
                    "survey.codes_shape",
                    found=str(code_array.shape),
                    expected=str((n_questions, n)),
                )
            )
        )
    if respondents is not None and len(respondents) != n:
        problems.append(InputProblem(msg("survey.arrays_shape")))
    if problems:
        raise InputError(problems, ANSWER_PROBLEMS)
    if n and (unit_array.min() < 0 or unit_array.max() >= len(units)):
        problems.append(InputProblem(msg("survey.unit_code_outside", count=len(units))))
    if n and (group_array.min() < 0 or group_array.max() >= len(definition.groups)):
        problems.append(
            InputProblem(msg("survey.group_code_outside", count=len(definition.groups)))
        )
    lowest = not_answer_code(len(definition.not_answers) - 1) if definition.not_answers else BLANK
    scales = {s.id: s for s in definition.scales}
    group_index = {g.id: i for i, g in enumerate(definition.groups)}
    mask_arrays, mask_problems = _checked_masks(definition, code_array, masks or {})
    problems += mask_problems
    for q, question in enumerate(definition.questions):
        row = code_array[q]
        n_options = len(scales[question.scale].resolved_options)
        if scales[question.scale].kind is ScaleKind.MULTI:
            n_options = 1  # code 0: ticked (the ticks are in the mask)
        bad = (row < lowest) | (row >= n_options)
        if bad.any():
            problems.append(
                InputProblem(
                    msg(
                        "survey.code_outside",
                        question=Found(question.code),
                        count=int(bad.sum()),
                        low=lowest,
                        high=n_options - 1,
                    )
                )
            )
        if question.groups and not problems:
            asked = np.zeros(len(definition.groups), dtype=bool)
            asked[[group_index[g] for g in question.groups]] = True
            stray = (row != BLANK) & ~asked[group_array]
            if stray.any():
                problems.append(
                    InputProblem(
                        msg(
                            "survey.answers_not_asked",
                            question=Found(question.code),
                            count=int(stray.sum()),
                        )
                    )
                )
    if problems:
        raise InputError(problems, ANSWER_PROBLEMS)
    ids: Sequence[str] = respondents if respondents is not None else _Numbered(n)
    return Answers(
        definition=definition.id,
        questions=tuple(q.code for q in definition.questions),
        respondents=ids,
        units=tuple(units),
        unit_of=unit_array,
        group_of=group_array,
        codes=code_array,
        source=source,
        masks=mask_arrays,
    )


def _checked_masks(
    definition: SurveyDefinition, codes: CodeArray, given: Mapping[str, npt.ArrayLike]
) -> tuple[dict[int, MaskArray], list[InputProblem]]:
    """The multi questions' masks by position, checked against the codes whole-array."""
    problems: list[InputProblem] = []
    position = {q.code: i for i, q in enumerate(definition.questions)}
    multi = {
        i: len(definition.scale(q.scale).resolved_options)
        for i, q in enumerate(definition.questions)
        if definition.scale(q.scale).kind is ScaleKind.MULTI
    }
    for code in given:
        if position.get(code) not in multi:
            problems.append(InputProblem(msg("survey.masks_not_multi", question=Found(code))))
    out: dict[int, MaskArray] = {}
    n = codes.shape[1] if codes.ndim == 2 else 0
    for q, n_options in multi.items():
        code = definition.questions[q].code
        if code not in given:
            if (codes[q] >= 0).any():
                problems.append(InputProblem(msg("survey.masks_missing", question=Found(code))))
            out[q] = np.zeros(n, dtype=np.uint64)
            continue
        mask = np.ascontiguousarray(given[code], dtype=np.uint64)
        if mask.shape != (n,):
            problems.append(InputProblem(msg("survey.arrays_shape")))
            continue
        outside = mask >> np.uint64(n_options) != 0
        bad = outside | ((codes[q] == 0) != (mask != 0))
        if bad.any():
            problems.append(
                InputProblem(
                    msg(
                        "survey.masks_disagree",
                        question=Found(code),
                        count=int(bad.sum()),
                        options=n_options,
                    )
                )
            )
        out[q] = mask
    return out, problems


class _Numbered(Sequence[str]):
    """Respondent ids R0000001 … made on demand (a million strings are not built up front)."""

    def __init__(self, n: int) -> None:
        self._n = n
        self._width = max(7, len(str(n)))

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        if not -self._n <= index < self._n:
            raise IndexError(index)
        return f"R{index % self._n + 1:0{self._width}d}"


def group_numbers(definition: SurveyDefinition) -> Mapping[str, int]:
    return {g.id: i for i, g in enumerate(definition.groups)}
