"""Explain one unit's score leaf by leaf, rebuilt independently of the scorer.

Each leaf's points are recomputed from its input value with the rule's plain
``Decimal`` reference; each internal node from its children plus its own
cap, bonus, deduction, floor and ceiling. The explanation is then checked
against the scored totals and refuses to print figures that do not add up.
Where the view differs from the self-assessment (appraisal changed a value),
both values and the difference are shown: what the explanation round
(giải trình) needs.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

import attrs
import numpy as np

from parindex.analysis._common import (
    fmt,
    grade_label,
    index_value,
    label,
    rank_value,
)
from parindex.analysis._engine import group_best, resolve_stage, view_inputs
from parindex.compiled import ROOT
from parindex.coverage import Coverage
from parindex.errors import ParIndexError
from parindex.fixedpoint import decimal_to_ticks, micro_to_decimal, quantize_value, ticks_to_decimal
from parindex.labels import stage_heading, stage_label, stages_label
from parindex.messages import Found, text
from parindex.model import NotApplicable
from parindex.results import Results
from parindex.rules import Achieved, Levels, fmt_number
from parindex.scoring import points_to_ticks
from parindex.survey.explain import SurveyDetail, figure_text, render_survey_detail, survey_detail
from parindex.textable import format_table


@attrs.frozen
class ExplainedNode:
    """One node of a unit's tree; points and maxima exact at the pack's precision.

    For an internal node, ``points = children + cap + bonus - deduction + bound``:
    ``cap`` (≤ 0) is what a "tổng không quá" cap removed, ``bound`` what the
    floor or ceiling changed. ``entry`` is ``value``, ``not_applicable``,
    ``missing`` or ``""`` (internal node); ``source_stage`` names the stage
    whose entry counted (or ``override``).
    """

    code: str
    title: str
    depth: int
    is_leaf: bool
    maximum: Decimal
    points: Decimal
    lost: Decimal
    rule: str = ""
    entry: str = ""
    value: str = ""
    source_stage: str = ""
    children: Decimal | None = None
    cap: Decimal = Decimal(0)
    bonus: Decimal = Decimal(0)
    deduction: Decimal = Decimal(0)
    bound: Decimal = Decimal(0)
    compare_value: str | None = None
    compare_points: Decimal | None = None
    difference: Decimal | None = None
    note: str = ""
    #: For a leaf whose points came from survey answers: counts per group, figures, weights.
    survey: SurveyDetail | None = None


@attrs.frozen
class Explanation:
    pack: str
    unit: str
    name: str
    group: str
    stage: str
    compare_stage: str | None
    points: Decimal
    maximum: Decimal
    index: Decimal | None
    grade: str | None
    rank: int | None
    nodes: tuple[ExplainedNode, ...]
    #: Whether the pack has a classification; without one there is no class to show.
    graded: bool = True
    #: What the figures cover of the official index (issue 14): ``is_partial``, the one
    #: line every output carries ("" when complete, in the explanation's language) and
    #: its structure (None when complete).
    is_partial: bool = False
    coverage_line: str = ""
    coverage: Coverage | None = None
    #: The stages the view's figures rest on, in the order counted (its heading says so).
    stages_used: tuple[str, ...] = ()


def _value_text(rule: object, value: Decimal, lang: str) -> str:
    if (
        isinstance(rule, Levels)
        and value == value.to_integral_value()
        and 0 <= value < len(rule.levels)
    ):
        return rule.levels[int(value)].label
    if isinstance(rule, Achieved):
        return text("analysis.achieved" if value == 1 else "analysis.not_achieved", lang)
    return fmt_number(value, lang)


def _entry(
    results: Results, preference: tuple[str, ...], row: int, column: int
) -> tuple[str, float, str]:
    """(entry kind, value, stage) of the first stage of ``preference`` with an entry."""
    for stage in preference:
        data = results.input.stages[stage]
        if data.not_applicable[row, column]:
            return "not_applicable", math.nan, stage
        value = float(data.values[row, column])
        if not math.isnan(value):
            return "value", value, stage
    return "missing", math.nan, ""


def explain(
    results: Results,
    unit: str,
    *,
    stage: str | None = None,
    compare: str | None = "self",
    lang: str = "vi",
) -> Explanation:
    """The unit's tree node by node for the view ``stage`` (default: final).

    ``compare`` names the view to set against it (default the self-assessment;
    ignored when it is absent, or the same view: the same name, or the same stages
    without overrides, as final is when only self-assessment was entered). Raises
    ParIndexError if the
    rebuilt explanation does not reproduce the scored points exactly.
    """
    compiled = results.compiled
    pack = compiled.pack
    name, scores = resolve_stage(results, stage)
    row = results.position(unit)
    inputs = view_inputs(results, stage)
    best = group_best(compiled, inputs)
    decimals = pack.point_decimals
    tick = Decimal(1).scaleb(-decimals)
    overrides = (
        {o.code: o for o in results.input.overrides if o.unit == unit} if name == "final" else {}
    )
    compare_scores = None
    compare_name = None
    if compare is not None and compare != name and compare in results.stages:
        same = results.stages[compare].stages_used == scores.stages_used and not overrides
        if not same:
            compare_scores = results.stages[compare]
            compare_name = compare

    n = compiled.n_nodes
    pts = [0] * n
    mx = [0] * n
    extra: dict[int, dict[str, object]] = {i: {} for i in range(n)}
    best_column: dict[int, Decimal] = {}
    for group in compiled.groups:
        if group.uses_group_best:
            for k, column in enumerate(group.columns.tolist()):
                best_column[column] = micro_to_decimal(
                    int(best[group.kind][inputs.group_of[row], k])
                )

    for column, node in enumerate(compiled.leaf_nodes.tolist()):
        rule = compiled.leaf_rules[column]
        leaf_max = int(compiled.leaf_max[column])
        maximum = ticks_to_decimal(leaf_max, decimals)
        policy = compiled.leaf_na[column]
        code = compiled.codes[node]
        if code in overrides:
            kind, value_f, source = "value", rule.encode(overrides[code].value), "override"
            extra[node]["note"] = (
                f"{label('override', lang)}: {overrides[code].reason} ({overrides[code].author})"
            )
        else:
            kind, value_f, source = _entry(results, scores.stages_used, row, column)
        value = micro_to_decimal(quantize_value(value_f)) if kind == "value" else None
        if kind == "not_applicable":
            ticks = leaf_max if policy is NotApplicable.FULL_POINTS else 0
            if policy is NotApplicable.EXCLUDED:
                leaf_max = 0
            text = label("not_applicable", lang)
        elif kind == "missing":
            ticks, text = 0, label("missing", lang)
        else:
            assert value is not None
            with localcontext() as ctx:
                ctx.prec = 80
                exact = rule.reference_points(value, maximum, best_column.get(column))
                ticks = decimal_to_ticks(exact.quantize(tick, rounding=ROUND_HALF_UP), decimals)
            text = _value_text(rule, value, lang)
        if results.survey is not None and code in results.survey.leaf_codes:
            detail = survey_detail(results.survey, row, code, lang)
            text, source = figure_text(detail, lang), "survey"
            extra[node]["survey"] = detail
        pts[node], mx[node] = ticks, leaf_max
        extra[node].update(
            rule=rule.describe(maximum, lang), entry=kind, value=text, source_stage=source
        )

    # Internal nodes, deepest first, mirroring the pack's own order of corrections.
    bonus_ticks = points_to_ticks(inputs.bonus[row : row + 1], compiled.ticks_per_point)[0]
    deduction_ticks = points_to_ticks(inputs.deduction[row : row + 1], compiled.ticks_per_point)[0]
    bounded = {b.node: b for b in compiled.bounded}
    for node in range(n - 1, -1, -1):
        kids = (
            [k for k in range(node + 1, n) if compiled.parent[k] == node]
            if not compiled.is_leaf(node)
            else []
        )
        raw = sum(pts[k] for k in kids) if kids else pts[node]
        if kids:
            mx[node] = sum(mx[k] for k in kids)
            extra[node]["children"] = raw
        b = bounded.get(node)
        total = raw
        if b is not None:
            if b.cap is not None:
                mx[node] = min(mx[node], b.cap)
                total = min(raw, b.cap)
                extra[node]["cap"] = total - raw
            if b.slot is not None:
                extra[node]["bonus"] = int(bonus_ticks[b.slot])
                extra[node]["deduction"] = int(deduction_ticks[b.slot])
                total = total + int(bonus_ticks[b.slot]) - int(deduction_ticks[b.slot])
            ceiling = b.ceiling if b.ceiling is not None else mx[node] + b.subtree_bonus
            clipped = min(max(total, b.floor), ceiling)
            extra[node]["bound"] = clipped - total
            total = clipped
        pts[node] = total

    scored = np.asarray(scores.points[row], dtype=np.int64)
    scored_max = np.asarray(scores.unit_maximum()[row], dtype=np.int64)
    if not (np.array_equal(scored, pts) and np.array_equal(scored_max, mx)):
        bad = [
            compiled.codes[i] or "(total)"
            for i in range(n)
            if scored[i] != pts[i] or scored_max[i] != mx[i]
        ]
        raise ParIndexError("analysis.explain_mismatch", unit=Found(unit), codes=bad[:5])

    def dec(ticks: object) -> Decimal:
        return ticks_to_decimal(int(ticks), decimals)  # type: ignore[call-overload]

    nodes = []
    for node in range(1, n):
        e = extra[node]
        compare_value = compare_points = difference = None
        if compare_scores is not None:
            compare_points = dec(compare_scores.points[row, node])
            difference = dec(pts[node]) - compare_points
            if compiled.is_leaf(node):
                column = compiled.leaf_index[compiled.codes[node]]
                kind, value_f, _ = _entry(results, compare_scores.stages_used, row, column)
                if kind == "value":
                    compare_value = _value_text(
                        compiled.leaf_rules[column], micro_to_decimal(quantize_value(value_f)), lang
                    )
                else:
                    compare_value = label(kind, lang)
        nodes.append(
            ExplainedNode(
                code=compiled.codes[node],
                title=compiled.titles[node],
                depth=int(compiled.depth[node]),
                is_leaf=compiled.is_leaf(node),
                maximum=dec(mx[node]),
                points=dec(pts[node]),
                lost=dec(mx[node] - pts[node]),
                rule=str(e.get("rule", "")),
                entry=str(e.get("entry", "")),
                value=str(e.get("value", "")),
                source_stage=str(e.get("source_stage", "")),
                children=dec(e["children"]) if "children" in e else None,
                cap=dec(e.get("cap", 0)),
                bonus=dec(e.get("bonus", 0)),
                deduction=dec(e.get("deduction", 0)),
                bound=dec(e.get("bound", 0)),
                compare_value=compare_value,
                compare_points=compare_points,
                difference=difference,
                note=str(e.get("note", "")),
                survey=e.get("survey"),  # type: ignore[arg-type]
            )
        )
    info = results.units[row]
    coverage = results.coverage
    return Explanation(
        pack=pack.id,
        unit=unit,
        name=info.name,
        group=info.group,
        stage=name,
        compare_stage=compare_name,
        stages_used=tuple(scores.stages_used),
        points=dec(pts[ROOT]),
        maximum=dec(mx[ROOT]),
        index=index_value(results, int(scores.index[row, ROOT]), mx[ROOT]),
        grade=grade_label(results, int(scores.grade[row, ROOT])),
        rank=rank_value(int(scores.rank[row])),
        nodes=tuple(nodes),
        graded=pack.classification.defined,
        is_partial=coverage.is_partial,
        coverage_line=coverage.line(lang),
        coverage=coverage if coverage.is_partial else None,
    )


def root_adjustments(explanation: Explanation) -> Decimal:
    """Bonus, deduction and bounds applied to the whole index (not to any field)."""
    fields = sum((n.points for n in explanation.nodes if n.depth == 1), Decimal(0))
    return explanation.points - fields


def _adjust_text(node: ExplainedNode, decimals: int, lang: str) -> str:
    parts = []
    for key, amount, sign in (
        ("cap", node.cap, 1),
        ("bonus", node.bonus, 1),
        ("deduction", node.deduction, -1),
        ("bound", node.bound, 1),
    ):
        if amount:
            parts.append(f"{label(key, lang)} {fmt(sign * amount, decimals, lang, signed=True)}")
    return "; ".join(parts)


def render_explanation(
    explanation: Explanation, *, lang: str = "vi", decimals: int = 2, max_depth: int | None = None
) -> str:
    """Plain-text rendering (the CLI's ``parindex explain``)."""
    e = explanation
    head = [
        f"{e.unit} {e.name}".strip() + (f" · {label('group', lang)}: {e.group}" if e.group else ""),
        f"{e.pack} · "
        + (stages_label(e.stages_used, lang) if e.stages_used else stage_label(e.stage, lang))
        + (
            f" ({text('labels.compared_with', lang, other=stage_label(e.compare_stage, lang))})"
            if e.compare_stage
            else ""
        ),
        " · ".join(
            [
                f"{label('points', lang)}: {fmt(e.points, 4, lang)} / {fmt(e.maximum, 4, lang)}",
                f"{label('index', lang)}: {fmt(e.index, decimals, lang)}",
                # A pack without a classification has no class to show (issue 14).
                *([f"{label('grade', lang)}: {e.grade or '—'}"] if e.graded else []),
                f"{label('rank', lang)}: {e.rank or '—'}",
            ]
        ),
    ]
    headers = [
        label("code", lang),
        label("title", lang),
        label("value", lang),
        label("points", lang),
        label("maximum", lang),
        label("lost", lang),
        label("adjust", lang),
    ]
    if e.compare_stage:
        compared = e.compare_stage
        headers += [
            label("self", lang) if compared == "self" else stage_heading(compared, lang),
            label("diff", lang),
        ]
    rows = []
    for node in e.nodes:
        if max_depth is not None and node.depth > max_depth:
            continue
        cells: list[object] = [
            "  " * (node.depth - 1) + node.code,
            node.title if len(node.title) <= 48 else node.title[:47] + "…",
            node.value
            + (
                f" [{stage_label(node.source_stage, lang)}]"
                if node.source_stage and node.source_stage != "self"
                else ""
            ),
            fmt(node.points, 4, lang),
            fmt(node.maximum, 4, lang),
            fmt(node.lost, 4, lang) if node.lost else "",
            _adjust_text(node, 4, lang),
        ]
        if e.compare_stage:
            changed = node.difference is not None and node.difference != 0
            shown = node.compare_value if node.is_leaf and changed else ""
            compare_points = fmt(node.compare_points, 4, lang) if changed else ""
            cells += [
                f"{shown} {compare_points}".strip(),
                fmt(node.difference, 4, lang, signed=True) if changed else "",
            ]
        rows.append(cells)
    right = (3, 4, 5, *((8,) if e.compare_stage else ()))
    adjust = root_adjustments(e)
    tail = []
    if adjust:
        tail.append(
            f"{label('adjust', lang)} ({label('total', lang)}): {fmt(adjust, 4, lang, signed=True)}"
        )
    notes = [f"{n.code}: {n.note}" for n in e.nodes if n.note]
    rules = [
        f"{n.code}: {n.rule}"
        for n in e.nodes
        if n.is_leaf and n.lost and (max_depth is None or n.depth <= max_depth)
    ]
    if rules:
        tail.append(label("rule", lang) + ":")
        tail += ["  " + r for r in rules]
    surveyed = [
        n for n in e.nodes if n.survey is not None and (max_depth is None or n.depth <= max_depth)
    ]
    if surveyed:
        tail.append(text("survey.explain_heading", lang))
        for n in surveyed:
            assert n.survey is not None
            tail += render_survey_detail(n.code, n.survey, lang)
    coverage = [e.coverage_line] if e.coverage_line else []
    return "\n".join([*head, format_table(headers, rows, right=right), *tail, *notes, *coverage])
