"""What ``explain`` shows for a survey leaf: answers per group, figures, weights, policy."""

from __future__ import annotations

from decimal import Decimal

import attrs

from parindex.fixedpoint import ticks_to_decimal
from parindex.labels import format_decimal
from parindex.messages import text
from parindex.survey.exact import USED_ALL_UNITS, USED_OWN
from parindex.survey.model import Measure
from parindex.survey.plan import WEIGHT_DECIMALS
from parindex.survey.points import SurveyPoints, fraction_to_decimal


@attrs.frozen
class GroupDetail:
    """One respondent group's part in a unit's survey leaf."""

    group: str
    name: str
    #: The leaf's weight of the group (as the definition gives it).
    weight: Decimal
    valid: int
    blank: int
    not_answers: int
    #: The group's own figure in the unit (mean on the scale, or share in %).
    figure: Decimal | None
    #: ``own`` (its own answers), ``all_units`` (the figure of all units) or ``none``.
    counted: str


@attrs.frozen
class SurveyDetail:
    """How a unit's survey leaf was computed."""

    survey: str
    measure: str
    figure: Decimal | None
    points: Decimal | None
    excluded: bool
    status: str
    minimum: int
    group_minimum: int
    groups: tuple[GroupDetail, ...]
    #: Multi-select leaves: each option's label and how many respondents of the unit ticked it.
    ticks: tuple[tuple[str, int], ...] = ()
    #: Count leaves: the number of positive options (the figure's top).
    of: int = 0


def survey_detail(survey: SurveyPoints, row: int, code: str, lang: str = "vi") -> SurveyDetail:
    """The detail of leaf ``code`` for the unit in position ``row`` of ``survey``."""
    leaf = survey.leaf(code)
    plan = leaf.plan
    groups = []
    for g, group in enumerate(survey.definition.groups):
        weight = int(plan.weights[g])
        if weight == 0:
            continue
        own = leaf.group_share(row, g)
        how = int(leaf.used[row, g])
        groups.append(
            GroupDetail(
                group=group.id,
                name=group.name,
                weight=ticks_to_decimal(weight, WEIGHT_DECIMALS).normalize(),
                valid=int(leaf.valid[row, g]),
                blank=int(leaf.blank[row, g]),
                not_answers=int(leaf.not_answer[row, g].sum()),
                figure=None if own is None else fraction_to_decimal(plan.figure(own), 2),
                counted={USED_OWN: "own", USED_ALL_UNITS: "all_units"}.get(how, "none"),
            )
        )
    figure = leaf.figure(row)
    points = (
        None
        if leaf.excluded[row]
        else ticks_to_decimal(int(leaf.points[row]), survey.point_decimals)
    )
    return SurveyDetail(
        survey=survey.definition.id,
        measure=plan.measure.value,
        figure=None if figure is None else fraction_to_decimal(figure, 2),
        points=points,
        excluded=bool(leaf.excluded[row]),
        status=text(f"survey.status_{int(leaf.status[row])}", lang),
        minimum=plan.policy.min_answers,
        group_minimum=plan.policy.min_group_answers,
        groups=tuple(groups),
        ticks=()
        if leaf.ticks is None
        else tuple(
            (option.label, int(count))
            for option, count in zip(plan.scale.resolved_options, leaf.ticks[row], strict=True)
        ),
        of=plan.scale_range if plan.measure is Measure.COUNT else 0,
    )


def figure_text(detail: SurveyDetail, lang: str) -> str:
    """The leaf's figure as the explanation's "value": 4,12 (mean) or 80,50 % (share)."""
    if detail.figure is None:
        return text("survey.explain_excluded", lang)
    shown = format_decimal(detail.figure, 2, lang)
    if detail.measure == Measure.COUNT.value:
        return text("survey.explain_count_figure", lang, figure=shown, of=detail.of)
    return f"{shown} %" if detail.measure == Measure.SHARE.value else shown


def render_survey_detail(code: str, detail: SurveyDetail, lang: str = "vi") -> list[str]:
    """Lines for a text explanation: the leaf's figure and one line per respondent group."""
    lines = [
        text(
            "survey.explain_leaf",
            lang,
            code=code,
            survey=detail.survey,
            figure=figure_text(detail, lang),
            status=detail.status,
            minimum=detail.minimum,
            group_minimum=detail.group_minimum,
        )
    ]
    for group in detail.groups:
        own = "—" if group.figure is None else format_decimal(group.figure, 2, lang)
        if group.figure is not None and detail.measure == Measure.SHARE.value:
            own += " %"
        lines.append(
            "    "
            + text(
                "survey.explain_group",
                lang,
                name=group.name,
                valid=group.valid,
                blank=group.blank,
                not_answers=group.not_answers,
                figure=own,
                weight=format_decimal(group.weight, 2, lang),
                counted=text(f"survey.counted_{group.counted}", lang),
            )
        )
    if detail.ticks:
        ticks = "; ".join(f"{label} {count}" for label, count in detail.ticks)
        lines.append("    " + text("survey.explain_ticks", lang, ticks=ticks))
    return lines
