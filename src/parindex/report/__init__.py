"""Reports people read: one self-contained HTML file with charts (Vietnamese by default).

``render_html(results)`` returns the page; ``write_html(results, path)`` writes
it atomically. Modules: :mod:`.data` gathers the figures, :mod:`.svg` draws
the charts, :mod:`.template` lays out the page, :mod:`.numbers` formats
figures, :mod:`.previous` brings in the previous year's results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from parindex.document import Heading
from parindex.errors import ParIndexError
from parindex.io.atomic import write_text_atomic
from parindex.messages import Found
from parindex.report.data import ReportData, assemble
from parindex.report.numbers import NumberFormat, Numbers
from parindex.report.previous import (
    PreviousYear,
    UnitChange,
    compare_with_results,
    compare_with_store,
)
from parindex.report.template import render_page
from parindex.results import Results
from parindex.survey.report import SurveyReport

__all__ = [
    "NumberFormat",
    "PreviousYear",
    "ReportData",
    "UnitChange",
    "compare_with_results",
    "compare_with_store",
    "render_html",
    "write_html",
]


def render_html(
    results: Results,
    *,
    previous: Results | PreviousYear | None = None,
    inputs: Sequence[str | Path] = (),
    lang: str = "vi",
    number_format: NumberFormat | str | None = "auto",
    synthetic: bool | None = None,
    stage: str | None = None,
    generated_at: dt.datetime | None = None,
    expanded: int = 20,
    top_lost: int = 5,
    lost_level: int | None = 2,
    heading: Heading | None = None,
    survey: SurveyReport | None = None,
) -> str:
    """The report as one HTML document (no scripts, nothing loaded from elsewhere).

    ``previous``: last year's Results of the same pack (matched by unit id) or a
    :class:`PreviousYear` from :func:`compare_with_store`; without it the change
    columns are left out with a note. ``inputs``: the files the results were
    read from (named with size and SHA-256), a folder standing for the input files
    in it, as :func:`parindex.io.read_input` reads them. ``synthetic``: mark the data as
    synthetic (default: when the pack is). ``number_format``: ``"vi"``
    (79,60 %), ``"plain"`` (79.60%) or ``"auto"`` (by ``lang``). The first
    ``expanded`` units of each group show their charts open; the rest are
    collapsed. ``heading``: issuing body, year and title at the top of the page.
    ``survey``: the survey section (:func:`parindex.survey.report.survey_report`);
    its rank bootstrap marks units with a wide rank interval in the ranking.
    """
    if lang not in ("vi", "en"):
        raise ParIndexError("report.unknown_language", found=Found(lang))
    try:
        numbers = Numbers(NumberFormat.resolve(number_format, lang), results.pack.rounding.mode)
    except ValueError:
        raise ParIndexError("report.unknown_number_format", found=Found(number_format)) from None
    data = assemble(
        results,
        previous=previous,
        inputs=inputs,
        synthetic=synthetic,
        stage=stage,
        generated_at=generated_at,
        top_lost=top_lost,
        lost_level=lost_level,
        heading=heading,
    )
    return render_page(data, lang=lang, numbers=numbers, expanded=expanded, survey=survey)


def write_html(results: Results, path: str | Path, **options: object) -> Path:
    """Write :func:`render_html` to ``path`` atomically; options as for ``render_html``."""
    page = render_html(results, **options)  # type: ignore[arg-type]
    write_text_atomic(path, page)
    return Path(path)
