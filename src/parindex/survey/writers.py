"""Writing answers as a wide CSV (one row per questionnaire), the form offices exchange."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from parindex.io.atomic import write_text_atomic
from parindex.survey.answers import Answers
from parindex.survey.model import SurveyDefinition


def answers_csv_text(
    definition: SurveyDefinition, answers: Answers, *, by_text: bool = False
) -> str:
    """The answers as wide CSV text: labels, not numbers, as a person would enter them.

    Headers are the question codes (or, with ``by_text``, the question texts as an
    online form exports them); blanks stay empty.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["mã phiếu", "mã đơn vị", "nhóm"]
        + [q.text if by_text else q.code for q in definition.questions]
    )
    labels = []
    for question in definition.questions:
        options = [o.label for o in definition.scale(question.scale).resolved_options]
        not_answers = [n.label for n in reversed(definition.not_answers)]
        # Index by code + offset: not-answers (−2 − j) first, then blank (−1), then options.
        labels.append(np.array([*not_answers, "", *options], dtype=object))
    offset = len(definition.not_answers) + 1
    columns = [labels[q][answers.codes[q].astype(np.int64) + offset] for q in range(len(labels))]
    groups = [g.id for g in definition.groups]
    for r in range(answers.n_respondents):
        writer.writerow(
            [answers.respondents[r], answers.units[answers.unit_of[r]], groups[answers.group_of[r]]]
            + [column[r] for column in columns]
        )
    return buffer.getvalue()


def write_answers_csv(
    definition: SurveyDefinition, answers: Answers, path: str | Path, *, by_text: bool = False
) -> Path:
    """Write :func:`answers_csv_text` to ``path`` atomically (UTF-8 with a BOM, for Excel)."""
    target = Path(path)
    write_text_atomic(target, "\ufeff" + answers_csv_text(definition, answers, by_text=by_text))
    return target
