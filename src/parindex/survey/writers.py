"""Writing answers as a wide CSV (one row per questionnaire), the form offices exchange."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import numpy.typing as npt

from parindex.io.atomic import write_text_atomic
from parindex.survey.answers import Answers
from parindex.survey.model import ScaleKind, SurveyDefinition
from parindex.survey.multi import MaskArray


def answers_csv_text(
    definition: SurveyDefinition, answers: Answers, *, by_text: bool = False
) -> str:
    """The answers as wide CSV text: labels, not numbers, as a person would enter them.

    Headers are the question codes (or, with ``by_text``, the question texts as an
    online form exports them); blanks stay empty. A multi-select question is one
    cell of its ticked options joined by the scale's first separator, or, when
    its scale declares none, one column ``CODE/option`` per option and per "not an
    answer" label, ``x`` where ticked.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = ["mã phiếu", "mã đơn vị", "nhóm"]
    columns: list[npt.NDArray[np.object_]] = []
    offset = len(definition.not_answers) + 1
    not_answers = [n.label for n in reversed(definition.not_answers)]
    for q, question in enumerate(definition.questions):
        name = question.text if by_text else question.code
        scale = definition.scale(question.scale)
        options = [o.label for o in scale.resolved_options]
        codes = answers.codes[q].astype(np.int64)
        if scale.kind is ScaleKind.MULTI and not scale.separators:
            masks = answers.masks[q]
            for j, label in enumerate(options):
                header.append(f"{name}/{label}")
                ticked = (masks >> np.uint64(j)) & np.uint64(1) != 0
                columns.append(np.where(ticked, "x", "").astype(object))
            for j, item in enumerate(definition.not_answers):
                header.append(f"{name}/{item.label}")
                columns.append(np.where(codes == -2 - j, "x", "").astype(object))
            continue
        header.append(name)
        # Index by code + offset: not-answers (−2 − j) first, then blank (−1), then options.
        labels = np.array([*not_answers, "", *options], dtype=object)
        column = labels[codes + offset]
        if scale.kind is ScaleKind.MULTI:
            joined = _joined(options, answers.masks[q], scale.separators[0])
            column = np.where(codes == 0, joined, column)
        columns.append(column)
    writer.writerow(header)
    groups = [g.id for g in definition.groups]
    for r in range(answers.n_respondents):
        writer.writerow(
            [answers.respondents[r], answers.units[answers.unit_of[r]], groups[answers.group_of[r]]]
            + [column[r] for column in columns]
        )
    return buffer.getvalue()


def _joined(options: list[str], masks: MaskArray, separator: str) -> npt.NDArray[np.object_]:
    """Each respondent's ticked options joined by the separator (one join per distinct mask)."""
    glue = separator if separator.isspace() else separator + " "
    distinct, inverse = np.unique(masks, return_inverse=True)
    texts = [glue.join(o for j, o in enumerate(options) if int(mask) >> j & 1) for mask in distinct]
    joined: npt.NDArray[np.object_] = np.array(texts, dtype=object)[inverse]
    return joined


def write_answers_csv(
    definition: SurveyDefinition, answers: Answers, path: str | Path, *, by_text: bool = False
) -> Path:
    """Write :func:`answers_csv_text` to ``path`` atomically (UTF-8 with a BOM, for Excel)."""
    target = Path(path)
    write_text_atomic(target, "\ufeff" + answers_csv_text(definition, answers, by_text=by_text))
    return target
