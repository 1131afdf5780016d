"""The entry workbook for paper questionnaires: one row per questionnaire.

Sheet "Phiếu": mã phiếu, mã đơn vị, nhóm, then one column per question code,
each with a drop-down of its scale's options and the "not an answer" labels; the
questions' texts, scales and groups on a second sheet, instructions on a third.
A multi-select question gets one column per option and per "not an answer"
label, headed ``CODE/option``, where the person entering a paper form types
``x`` under each ticked box: the fastest entry (no spelling, no separators) and
the same shape as KoBoToolbox's "separate columns" export. A hidden sheet
names the definition and its version, so a workbook filled for another
questionnaire is refused rather than read. The answers reader reads the
"Phiếu" sheet like any wide answer sheet.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from parindex.errors import ParIndexError
from parindex.io.atomic import atomic_path
from parindex.io.sheets import BOLD, fit_rows, header_row, print_setup, put, set_widths
from parindex.io.template import _Lists
from parindex.messages import text
from parindex.survey.model import Question, ScaleKind, SurveyDefinition
from parindex.survey.readers import DATA_SHEET, META_SHEET

_WRAP = Alignment(wrap_text=True, vertical="top")


def write_survey_template(
    definition: SurveyDefinition, path: str | Path, *, rows: int = 1000, lang: str = "vi"
) -> Path:
    """Write the entry workbook of ``definition`` with ``rows`` questionnaire rows (atomically)."""
    if rows < 1:
        raise ParIndexError("survey.rows_positive", rows=rows)
    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    lists = _Lists(book)
    sheet = book.create_sheet(DATA_SHEET, 0)
    first = [text(f"survey.template_{key}", lang) for key in ("respondent", "unit", "group")]
    not_answers = tuple(n.label for n in definition.not_answers)
    # Per column: its header, the question, and the drop-down's choices.
    columns: list[tuple[str, Question, tuple[str, ...]]] = []
    for question in definition.questions:
        scale = definition.scale(question.scale)
        options = tuple(o.label for o in scale.resolved_options)
        if scale.kind is ScaleKind.MULTI:
            columns += [(f"{question.code}/{label}", question, ("x",)) for label in options]
            columns += [(f"{question.code}/{label}", question, ("x",)) for label in not_answers]
        else:
            columns.append((question.code, question, options + not_answers))
    header_row(sheet, 1, first + [header for header, _, _ in columns])
    last = rows + 1
    groups = tuple(g.name for g in definition.groups)
    group_list = lists.validation(groups)
    sheet.add_data_validation(group_list)
    group_list.add(f"C2:C{last}")
    validations: dict[tuple[str, ...], DataValidation] = {}
    for position, (_, question, choices) in enumerate(columns, start=4):
        validation = validations.get(choices)
        if validation is None:
            validation = validations[choices] = lists.validation(choices)
            validation.showErrorMessage = True
            sheet.add_data_validation(validation)
        cell = sheet.cell(row=1, column=position)
        validation.add(f"{cell.column_letter}2:{cell.column_letter}{last}")
        cell.comment = Comment(question.text, "parindex")
    set_widths(sheet, [12, 14, 26] + [12] * len(columns))
    print_setup(sheet, lang, landscape=True, title_rows=(1, 1), freeze="D2")

    questions = book.create_sheet(text("survey.template_sheet_questions", lang), 1)
    header_row(
        questions,
        1,
        [text(f"survey.template_{key}", lang) for key in ("code", "text", "options", "asked")],
    )
    names = {g.id: g.name for g in definition.groups}
    for row, question in enumerate(definition.questions, start=2):
        labels = [o.label for o in definition.scale(question.scale).resolved_options]
        asked = [names[g] for g in question.groups] or [text("survey.template_everyone", lang)]
        put(questions, row, 1, question.code, font=BOLD, align=_WRAP)
        put(questions, row, 2, question.text, align=_WRAP)
        put(questions, row, 3, "; ".join(labels), align=_WRAP)
        put(questions, row, 4, "; ".join(asked), align=_WRAP)
    set_widths(questions, [10, 70, 40, 30])
    fit_rows(questions, 2, len(definition.questions) + 1)
    print_setup(questions, lang, landscape=True, title_rows=(1, 1), freeze="A2")

    guide = book.create_sheet(text("survey.template_sheet_guide", lang), 2)
    lines = [definition.title, ""]
    if definition.synthetic:
        lines.append(text("survey.template_synthetic", lang))
    lines += [
        text("survey.template_guide_rows", lang),
        text("survey.template_guide_groups", lang, groups="; ".join(groups)),
        text("survey.template_guide_answers", lang, not_answers="; ".join(not_answers)),
        text("survey.template_guide_blank", lang),
    ]
    if any(definition.scale(q.scale).kind is ScaleKind.MULTI for q in definition.questions):
        lines.append(text("survey.template_guide_multi", lang))
    for row, line in enumerate(lines, start=1):
        put(guide, row, 1, line, font=BOLD if row == 1 else None, align=_WRAP)
    set_widths(guide, [110])
    fit_rows(guide, 1, len(lines))

    meta = book.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    for row, (key, value) in enumerate(
        (("survey", definition.id), ("version", definition.version), ("pack", definition.pack)),
        start=1,
    ):
        put(meta, row, 1, key)
        put(meta, row, 2, value)
    book.active = 0
    target = Path(path)
    with atomic_path(target) as temporary:
        book.save(temporary)
    return target
