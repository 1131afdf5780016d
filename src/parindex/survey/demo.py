"""SYNTHETIC demo files and the survey part of ``parindex demo``.

:func:`write_demo_files` writes what an office would have, for SYNTHETIC
communes of the ``synthetic-commune`` pack: their self-assessment (a long CSV
without the survey leaves), their survey answers (one row per questionnaire)
and the answers of the satisfaction index, so that ``parindex score
synthetic-commune don-vi.csv --survey tra-loi.csv`` runs on a fresh clone.
"""

from __future__ import annotations

import csv
import io
import math
import time
from pathlib import Path

import numpy as np

from parindex.compiled import compile_pack
from parindex.io.atomic import write_text_atomic
from parindex.io.sheets import csv_text
from parindex.messages import text
from parindex.plugins import get_pack
from parindex.rules import Achieved, Levels, Rule
from parindex.scoring import score
from parindex.survey.aggregate import aggregate
from parindex.survey.combine import without_leaves
from parindex.survey.installed import get_survey
from parindex.survey.synthetic import synthetic_answers
from parindex.survey.writers import write_answers_csv
from parindex.synthetic import synthetic_input

PACK = "synthetic-commune"
SURVEY = "synthetic-commune-survey"
SATISFACTION = "synthetic-commune-satisfaction"


def _entry(rule: Rule, value: float) -> str:
    """What a person types for a value: the level's label, đạt/không đạt, or the number."""
    if isinstance(rule, Levels):
        return rule.levels[int(value)].label
    if isinstance(rule, Achieved):
        return "đạt" if value == 1 else "không đạt"
    return str(int(value)) if float(value).is_integer() else f"{float(value):.2f}"


def write_demo_files(
    folder: str | Path, *, units: int = 200, respondents: int = 30, seed: int = 2024
) -> dict[str, Path]:
    """SYNTHETIC self-assessment, survey answers and satisfaction answers in ``folder``."""
    target = Path(folder)
    compiled = compile_pack(get_pack(PACK))
    survey = get_survey(SURVEY)
    data = synthetic_input(compiled, units, seed=seed, label="Xã mô phỏng")
    covered = {leaf.code for leaf in survey.leaves}
    stage = data.stages["self"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["unit", "name", "code", "value", "na"])
    for row, unit in enumerate(data.units):
        for column, code in enumerate(compiled.leaf_codes):
            if code in covered:
                continue
            if stage.not_applicable[row, column]:
                writer.writerow([unit.id, csv_text(unit.name), code, "", "x"])
            elif not math.isnan(stage.values[row, column]):
                value = _entry(compiled.leaf_rules[column], float(stage.values[row, column]))
                writer.writerow([unit.id, csv_text(unit.name), code, value, ""])
    paths = {"input": target / "don-vi.csv", "survey": target / "tra-loi.csv"}
    paths["satisfaction"] = target / "hai-long.csv"
    write_text_atomic(paths["input"], buffer.getvalue())
    ids = list(data.unit_ids)
    answers = synthetic_answers(survey, ids, respondents=respondents, seed=seed)
    write_answers_csv(survey, answers, paths["survey"])
    satisfaction = get_survey(SATISFACTION)
    write_answers_csv(
        satisfaction,
        synthetic_answers(satisfaction, ids, respondents=max(respondents // 2, 1), seed=seed + 1),
        paths["satisfaction"],
    )
    return paths


def demo_lines(communes: int, lang: str = "vi", respondents: int = 30) -> list[str]:
    """The survey part of ``parindex demo``: SYNTHETIC answers aggregated and scored."""
    compiled = compile_pack(get_pack(PACK))
    survey = get_survey(SURVEY)
    data = synthetic_input(compiled, communes, label="Xã mô phỏng")
    answers = synthetic_answers(survey, list(data.unit_ids), respondents=respondents)
    started = time.perf_counter()
    points = aggregate(survey, answers, pack=compiled.pack, units=data.unit_ids)
    aggregated = time.perf_counter() - started
    data = without_leaves(data, compiled, points.leaf_codes)
    started = time.perf_counter()
    results = score(compiled, data, survey=points)
    scored = time.perf_counter() - started
    field = compiled.node_index["8"]
    survey_points = results.final.points[:, field].astype(np.int64)
    excluded = sum(int(leaf.excluded.sum()) for leaf in points.leaves)
    mean = survey_points.mean() / compiled.ticks_per_point if communes else 0.0
    return [
        text(
            "survey.demo_line",
            lang,
            survey=survey.title,
            communes=communes,
            questionnaires=answers.n_respondents,
            answers=int(answers.codes.size),
            aggregate_ms=round(aggregated * 1000, 1),
            score_ms=round(scored * 1000, 1),
        ),
        text(
            "survey.demo_summary",
            lang,
            leaves=len(points.leaves),
            excluded=excluded,
            mean=round(float(mean), 2),
        ),
    ]
