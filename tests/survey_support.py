"""Hypothesis strategies for survey definitions and answers (SYNTHETIC, never official)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

from parindex.survey import (
    Answers,
    Band,
    BelowMinimum,
    Leaf,
    Measure,
    Option,
    Policy,
    Question,
    RespondentGroup,
    Scale,
    ScaleKind,
    SurveyDefinition,
    SurveyKind,
    answers_from_arrays,
)
from parindex.survey.answers import BLANK
from parindex.survey.definition import read_definition

ROOT = Path(__file__).parents[1]
SYNTHETIC_SURVEY = (
    ROOT / "packs" / "parindex_packs" / "synthetic_commune" / "synthetic-commune-survey.toml"
)


def synthetic_definition() -> SurveyDefinition:
    return read_definition(SYNTHETIC_SURVEY)


def _decimal(low: int, high: int, places: int = 2) -> st.SearchStrategy[Decimal]:
    return st.integers(low * 10**places, high * 10**places).map(
        lambda v: Decimal(v).scaleb(-places)
    )


@st.composite
def scales(draw: st.DrawFn, index: int) -> Scale:
    kind = draw(st.sampled_from(list(ScaleKind)))
    if kind is ScaleKind.YES_NO:
        return Scale(f"s{index}", kind)
    size = draw(st.integers(2, 6))
    if kind is ScaleKind.CHOICE:
        return Scale(f"s{index}", kind, tuple(Option(f"lựa chọn {index}-{i}") for i in range(size)))
    if kind is ScaleKind.MULTI:
        size = draw(st.integers(1, 9))
        options = tuple(Option(f"kênh {index}-{i}") for i in range(size + 1))
        return Scale(f"s{index}", kind, options, separators=(";",))
    values = draw(st.lists(_decimal(-5, 10), min_size=size, max_size=size, unique=True))
    options = tuple(Option(f"mức {index}-{i}", value) for i, value in enumerate(values))
    low, high = None, None
    if draw(st.booleans()):
        low = min(values) - draw(_decimal(0, 2))
        high = max(values) + draw(_decimal(0, 2))
    return Scale(f"s{index}", kind, options, low, high)


@st.composite
def definitions(draw: st.DrawFn) -> SurveyDefinition:
    """A valid satisfaction-kind definition (leaves carry their own maxima; no pack needed)."""
    n_groups = draw(st.integers(1, 4))
    groups = tuple(
        RespondentGroup(
            f"g{i}",
            f"Nhóm mô phỏng {i}",
            draw(
                st.sampled_from(
                    [Decimal(0), Decimal("0.5"), Decimal(1), Decimal("0.25"), Decimal(3)]
                )
            ),
        )
        for i in range(n_groups)
    )
    if all(g.weight == 0 for g in groups):
        groups = (RespondentGroup("g0", "Nhóm mô phỏng 0", Decimal(1)), *groups[1:])
    scale_list = tuple(draw(scales(i)) for i in range(draw(st.integers(1, 3))))
    questions = []
    for i in range(draw(st.integers(1, 6))):
        scale = draw(st.sampled_from(scale_list))
        asked = draw(
            st.lists(st.sampled_from([g.id for g in groups]), unique=True, max_size=n_groups)
        )
        questions.append(Question(f"Q{i}", f"Câu hỏi mô phỏng {i}", scale.id, tuple(sorted(asked))))
    leaves = []
    for i in range(draw(st.integers(1, 4))):
        scale = draw(
            st.sampled_from([s for s in scale_list if any(q.scale == s.id for q in questions)])
        )
        pool = [q for q in questions if q.scale == scale.id]
        chosen = draw(st.lists(st.sampled_from(pool), min_size=1, unique_by=lambda q: q.code))
        asked_groups = (
            {g.id for g in groups}
            if any(not q.groups for q in chosen)
            else {g for q in chosen for g in q.groups}
        )
        weights = None
        default = {g.id: g.weight for g in groups if g.weight != 0}
        if draw(st.booleans()) or not set(default) <= asked_groups:
            picked = draw(st.lists(st.sampled_from(sorted(asked_groups)), min_size=1, unique=True))
            weights = {
                g: draw(st.sampled_from([Decimal(1), Decimal("0.3"), Decimal(2)])) for g in picked
            }
        options = scale.resolved_options
        multi = scale.kind is ScaleKind.MULTI
        measure = (
            Measure.MEAN
            if scale.kind is not ScaleKind.CHOICE and not multi and draw(st.booleans())
            else Measure.SHARE
        )
        if multi and draw(st.booleans()):
            measure = Measure.COUNT
        at_least = None
        positive: tuple[str, ...] = ()
        if multi:
            positive = tuple(
                o.label
                for o in draw(
                    st.lists(st.sampled_from(options), min_size=1, unique_by=lambda o: o.label)
                )
            )
        elif measure is Measure.SHARE:
            if scale.kind is not ScaleKind.CHOICE and draw(st.booleans()):
                at_least = draw(st.sampled_from(options)).label
            else:
                positive = tuple(
                    o.label
                    for o in draw(
                        st.lists(st.sampled_from(options), min_size=1, unique_by=lambda o: o.label)
                    )
                )
        maximum = draw(_decimal(1, 20, 2))
        bands: tuple[Band, ...] = ()
        otherwise = Decimal(0)
        if draw(st.integers(0, 3)) == 0:
            low, high = (
                (Decimal(0), Decimal(100))
                if measure is Measure.SHARE
                else (Decimal(0), Decimal(len(positive)))
                if measure is Measure.COUNT
                else scale.bounds
            )
            cuts = sorted(
                draw(st.lists(st.integers(0, 100), min_size=1, max_size=3, unique=True)),
                reverse=True,
            )
            points = sorted(
                draw(
                    st.lists(
                        _decimal(0, int(maximum), 1), min_size=len(cuts) + 1, max_size=len(cuts) + 1
                    )
                ),
                reverse=True,
            )
            points = [min(p, maximum) for p in points]
            bands = tuple(
                Band(low + (high - low) * Decimal(c) / 100, p, draw(st.booleans()))
                for c, p in zip(cuts, points, strict=False)
            )
            otherwise = points[-1]
        leaves.append(
            Leaf(
                code=f"L{i}",
                questions=tuple(q.code for q in chosen),
                measure=measure,
                at_least=at_least,
                positive=positive,
                all_of=multi and measure is Measure.SHARE and draw(st.booleans()),
                weights=weights,
                bands=bands,
                otherwise=otherwise,
                min_answers=draw(st.integers(1, 6)),
                min_group_answers=draw(st.integers(1, 3)),
                below_minimum=draw(
                    st.sampled_from(
                        [BelowMinimum.ERROR, BelowMinimum.EXCLUDE, BelowMinimum.GROUP_MEAN]
                    )
                ),
                group_below_minimum=draw(st.sampled_from(list(BelowMinimum))),
                title=f"Chỉ số mô phỏng {i}",
                maximum=maximum,
            )
        )
    return SurveyDefinition(
        id="mo-phong",
        title="Phiếu mô phỏng (SYNTHETIC)",
        version="1",
        groups=groups,
        scales=scale_list,
        questions=tuple(questions),
        leaves=tuple(leaves),
        kind=SurveyKind.SATISFACTION,
        policy=Policy(),
        synthetic=True,
    )


@st.composite
def answers_for(
    draw: st.DrawFn, definition: SurveyDefinition, max_respondents: int = 40
) -> Answers:
    n_units = draw(st.integers(1, 5))
    n = draw(st.integers(0, max_respondents))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.Generator(np.random.PCG64(seed))
    unit_of = rng.integers(0, n_units, size=n)
    group_of = rng.integers(0, len(definition.groups), size=n)
    group_index = {g.id: i for i, g in enumerate(definition.groups)}
    n_na = len(definition.not_answers)
    codes = np.empty((len(definition.questions), n), dtype=np.int8)
    masks: dict[str, np.ndarray] = {}
    for row, question in enumerate(definition.questions):
        scale = definition.scale(question.scale)
        size = len(scale.resolved_options)
        if scale.kind is ScaleKind.MULTI:
            # Ticks, or nothing ticked (blank), or a "not an answer" without ticks.
            mask = rng.integers(0, 2**size, size=n).astype(np.uint64)
            other = rng.integers(-1 - n_na, 0, size=n)
            use_other = rng.random(n) < 0.2
            mask[use_other] = 0
            codes[row] = np.where(use_other, other, np.where(mask != 0, 0, BLANK))
        else:
            codes[row] = rng.integers(-1 - n_na, size, size=n)
        if question.groups:
            asked = np.zeros(len(definition.groups), dtype=bool)
            asked[[group_index[g] for g in question.groups]] = True
            codes[row, ~asked[group_of]] = BLANK
            if scale.kind is ScaleKind.MULTI:
                mask[~asked[group_of]] = 0
        if scale.kind is ScaleKind.MULTI:
            masks[question.code] = mask
    return answers_from_arrays(
        definition,
        units=[f"U{i}" for i in range(n_units)],
        unit_of=unit_of,
        group_of=group_of,
        codes=codes,
        masks=masks,
    )


def masks_by_code(definition: SurveyDefinition, answers: Answers) -> dict[str, np.ndarray]:
    """``answers.masks`` keyed by question code, as ``answers_from_arrays`` takes them."""
    return {definition.questions[q].code: mask for q, mask in answers.masks.items()}
