"""The survey part of the HTML report (and what the ranking marks): built from answers.

:func:`survey_report` gathers what the page shows: per leaf, units scored and
excluded and the mean figure; per unit, questionnaires per respondent group,
valid answers against the minimum and each leaf's figure with its 95 %
interval; units below a minimum; the rank bootstrap (units whose rank interval
is wide are marked in the ranking); and a satisfaction index when given.
:func:`survey_section` renders it as one ``<section>``, in the page's language
and number format.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from html import escape

import attrs
import numpy as np

from parindex.errors import ParIndexError
from parindex.messages import text
from parindex.results import Results
from parindex.survey.answers import Answers
from parindex.survey.model import Measure
from parindex.survey.points import SurveyPoints, fraction_to_decimal
from parindex.survey.uncertainty import LeafInterval, SurveyRanks, leaf_intervals, rank_bootstrap

#: Above this many units the per-unit table is folded (it stays in the page, for search and print).
FOLD_UNITS = 100


@attrs.frozen(eq=False)
class SurveyReport:
    points: SurveyPoints
    intervals: tuple[LeafInterval, ...]
    ranks: SurveyRanks | None
    satisfaction: SurveyPoints | None = None

    @property
    def wide(self) -> frozenset[str]:
        """Units whose 5–95 % rank interval is wide (marked in the ranking)."""
        if self.ranks is None:
            return frozenset()
        return frozenset(unit.unit for unit in self.ranks.units if unit.wide)

    def rank_range(self, unit: str) -> tuple[float, float] | None:
        if self.ranks is None:
            return None
        for item in self.ranks.units:
            if item.unit == unit and item.p05 is not None and item.p95 is not None:
                return item.p05, item.p95
        return None


def survey_report(
    results: Results,
    answers: Answers,
    *,
    resamples: int = 1000,
    seed: int = 0,
    satisfaction: SurveyPoints | None = None,
) -> SurveyReport:
    """What the report shows of the survey of ``results`` (scored with ``survey=...``)."""
    survey = results.survey
    if survey is None:
        raise ParIndexError("survey.results_without_survey")
    intervals = leaf_intervals(survey, answers, resamples=resamples, seed=seed)
    ranks = rank_bootstrap(results, answers, resamples=resamples, seed=seed)
    return SurveyReport(survey, intervals, ranks, satisfaction)


Number = Callable[[Decimal | int | None, int], str]


def _t(key: str, lang: str, **params: object) -> str:
    return escape(text(f"survey.report_{key}", lang, **params))


def _table(heads: list[str], rows: list[str], css: str = "") -> str:
    """A table from escaped header texts and ready ``<tr>`` rows."""
    head = "".join(f"<th>{h}</th>" for h in heads)
    attr = f' class="{css}"' if css else ""
    return f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _folded(rows: int, table: str, lang: str) -> str:
    if rows > FOLD_UNITS:
        return f"<details><summary>{_t('rows', lang, count=rows)}</summary>{table}</details>"
    return table


def _figure(value: Decimal | None, measure: Measure, number: Number) -> str:
    if value is None:
        return "—"
    return number(value, 2) + (" %" if measure is Measure.SHARE else "")


def survey_section(report: SurveyReport, lang: str, number: Number) -> str:
    """The report's survey section (HTML)."""
    survey = report.points
    definition = survey.definition
    parts = [f'<section id="survey"><h2>{_t("title", lang)}</h2>']
    parts.append(
        f'<p class="note">{escape(definition.title)} ({escape(definition.id)} · '
        f"{escape(definition.version)}). "
        + _t(
            "policy",
            lang,
            minimum=definition.policy.min_answers,
            group_minimum=definition.policy.min_group_answers,
        )
        + "</p>"
    )
    if definition.synthetic:
        parts.append(f'<div class="synthetic">{_t("synthetic", lang)}</div>')
    parts.append(_leaf_table(survey, lang, number))
    parts.append(_below_table(survey, lang))
    parts.append(_unit_table(report, lang, number))
    if report.ranks is not None:
        parts.append(f"<h3>{_t('ranks_title', lang)}</h3>")
        parts.append(
            '<p class="note">'
            + _t(
                "ranks_note",
                lang,
                resamples=report.ranks.resamples,
                seed=report.ranks.seed,
                wide=len(report.wide),
            )
            + "</p>"
        )
    if report.satisfaction is not None:
        parts.append(_satisfaction(report.satisfaction, lang, number))
    parts.append("</section>")
    return "".join(parts)


def _leaf_table(survey: SurveyPoints, lang: str, number: Number) -> str:
    heads = [
        _t(f"col_{k}", lang)
        for k in (
            "leaf",
            "title",
            "measure",
            "groups",
            "scored",
            "excluded",
            "mean_figure",
            "mean_points",
            "maximum",
        )
    ]
    rows = []
    names = {g.id: g.name for g in survey.definition.groups}
    for leaf in survey.leaves:
        plan = leaf.plan
        kept = ~leaf.excluded
        figures = [leaf.figure(row) for row in np.flatnonzero(kept).tolist()]
        known = [f for f in figures if f is not None]
        mean_figure = (
            fraction_to_decimal(sum(known, Fraction(0)) / len(known), 2) if known else None
        )
        mean_points = (
            Decimal(int(leaf.points[kept].sum())).scaleb(-survey.point_decimals) / int(kept.sum())
            if kept.any()
            else None
        )
        weights = survey.definition.leaf_weights(plan.leaf)
        groups = ", ".join(f"{names[g]} {number(w, 2)}" for g, w in weights.items())
        measure = text(f"survey.report_measure_{plan.measure.value}", lang)
        rows.append(
            f"<tr><td>{escape(leaf.code)}</td><td>{escape(plan.title)}</td><td>{escape(measure)}</td>"
            f'<td>{escape(groups)}</td><td class="n">{int(kept.sum())}</td>'
            f'<td class="n">{int(leaf.excluded.sum())}</td>'
            f'<td class="n">{escape(_figure(mean_figure, plan.measure, number))}</td>'
            f'<td class="n">{escape(number(mean_points, 2))}</td>'
            f'<td class="n">{escape(number(plan.maximum, 2))}</td></tr>'
        )
    ticks = [
        text(
            "survey.report_ticks",
            lang,
            leaf=leaf.code,
            ticks="; ".join(
                f"{option.label} {int(count)}"
                for option, count in zip(
                    leaf.plan.scale.resolved_options, leaf.ticks.sum(axis=0), strict=True
                )
            ),
        )
        for leaf in survey.leaves
        if leaf.ticks is not None
    ]
    notes = "".join(f'<p class="note">{escape(line)}</p>' for line in ticks)
    return f"<h3>{_t('leaves_title', lang)}</h3>" + _table(heads, rows) + notes


def _below_table(survey: SurveyPoints, lang: str) -> str:
    rows = []
    for leaf in survey.leaves:
        weighed = leaf.plan.weights > 0
        for row in np.flatnonzero(leaf.status > 0).tolist():
            counts = ", ".join(
                f"{escape(g.name)}: {int(leaf.valid[row, k])}"
                for k, g in enumerate(survey.definition.groups)
                if weighed[k]
            )
            outcome = _t("excluded", lang) if leaf.excluded[row] else _t("kept", lang)
            status = escape(text(f"survey.status_{int(leaf.status[row])}", lang))
            rows.append(
                f"<tr><td>{escape(survey.units[row])}</td><td>{escape(leaf.code)}</td>"
                f"<td>{status}</td><td>{counts}</td><td>{outcome}</td></tr>"
            )
    title = f"<h3>{_t('below_title', lang)}</h3>"
    if not rows:
        return title + f'<p class="note">{_t("below_none", lang)}</p>'
    heads = [_t(f"col_{k}", lang) for k in ("unit", "leaf", "status", "valid", "outcome")]
    return title + _folded(len(rows), _table(heads, rows), lang)


def _unit_table(report: SurveyReport, lang: str, number: Number) -> str:
    survey = report.points
    by_key = {(i.unit, i.leaf): i for i in report.intervals}
    groups = survey.definition.groups
    heads = [_t("col_unit", lang), _t("col_questionnaires", lang)]
    heads += [f'<abbr title="{escape(g.name)}">{escape(g.id)}</abbr>' for g in groups]
    heads += [escape(leaf.code) for leaf in survey.leaves]
    rows = []
    wide = report.wide
    for row, unit in enumerate(survey.units):
        mark = " ◆" if unit in wide else ""
        cells = [
            f'<td style="white-space:nowrap">{escape(unit)}{mark}</td>',
            f'<td class="n">{int(survey.questionnaires[row].sum())}</td>',
        ]
        cells += [
            f'<td class="n">{int(survey.questionnaires[row, g])}</td>' for g in range(len(groups))
        ]
        for leaf in survey.leaves:
            item = by_key.get((unit, leaf.code))
            valid = int((leaf.valid[row] * (leaf.plan.weights > 0)).sum())
            short = valid < leaf.plan.policy.min_answers
            count = f'<span class="{"down" if short else "note"}">n={valid}</span>'
            if item is None or item.figure is None:
                cells.append(f'<td class="n">— {count}</td>')
                continue
            interval = ""
            if item.figure_low is not None and item.figure_high is not None:
                low, high = number(item.figure_low, 2), number(item.figure_high, 2)
                interval = f'<br><span class="note">{escape(low)}–{escape(high)}</span>'
            shown = escape(_figure(item.figure, leaf.plan.measure, number))
            cells.append(f'<td class="n">{shown}{interval}<br>{count}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    title = f'<h3>{_t("units_title", lang)}</h3><p class="note">{_t("units_note", lang)}</p>'
    # Many leaves make the table wider than the page: it scrolls on screen, not the page.
    table = f'<div style="overflow-x:auto">{_table(heads, rows, "survey")}</div>'
    return title + _folded(len(rows), table, lang)


def _satisfaction(points: SurveyPoints, lang: str, number: Number) -> str:
    definition = points.definition
    heads = [_t("col_unit", lang), _t("col_questionnaires", lang)]
    heads += [escape(leaf.plan.title or leaf.code) for leaf in points.leaves]
    rows = []
    for row, unit in enumerate(points.units):
        cells = [
            f'<td style="white-space:nowrap">{escape(unit)}</td>',
            f'<td class="n">{int(points.questionnaires[row].sum())}</td>',
        ]
        for leaf in points.leaves:
            figure = escape(_figure(points.figure(unit, leaf.code), leaf.plan.measure, number))
            cells.append(f'<td class="n">{figure}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    parts = [
        f"<h3>{_t('satisfaction_title', lang)}</h3>",
        f'<p class="note">{escape(definition.title)}</p>',
    ]
    if definition.synthetic:
        parts.append(f'<div class="synthetic">{_t("synthetic", lang)}</div>')
    parts.append(_folded(len(rows), _table(heads, rows), lang))
    return "".join(parts)
