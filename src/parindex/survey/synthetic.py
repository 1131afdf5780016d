"""SYNTHETIC questionnaire answers at any size, from a seed; never real survey data.

Each unit has a latent quality in [0.35, 1], drawn exactly as
:func:`parindex.synthetic.synthetic_values` draws it for the same seed, so a
unit that scores well on self-assessment tends to be rated well in the survey.
Respondents' groups follow the definition's weights; each answer is the option
nearest to the unit's quality plus noise; a few answers are left blank or are
"not an answer". Everything is whole-array numpy (PCG64, so the same call gives
the same answers on every machine).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from parindex.fixedpoint import FloatArray
from parindex.survey.answers import BLANK, Answers, answers_from_arrays
from parindex.survey.model import ScaleKind, SurveyDefinition


def synthetic_unit_ids(n_units: int) -> list[str]:
    """The ids :func:`parindex.synthetic.synthetic_input` gives its units (SYN-0001 …)."""
    width = len(str(n_units))
    return [f"SYN-{i:0{width}d}" for i in range(1, n_units + 1)]


def unit_quality(n_units: int, seed: int = 2024) -> FloatArray:
    """Each SYNTHETIC unit's latent quality, as the self-assessment generator draws it."""
    rng = np.random.Generator(np.random.PCG64(seed))
    quality: FloatArray = rng.uniform(0.35, 1.0, size=n_units)
    return quality


def synthetic_answers(
    definition: SurveyDefinition,
    units: int | Sequence[str],
    *,
    respondents: int | npt.ArrayLike = 30,
    seed: int = 2024,
    blank_rate: float = 0.03,
    not_answer_rate: float = 0.04,
) -> Answers:
    """SYNTHETIC answers of ``respondents`` questionnaires per unit (a number or one per unit).

    ``units`` is a count (ids as :func:`synthetic_unit_ids`) or the unit ids.
    """
    unit_ids = synthetic_unit_ids(units) if isinstance(units, int) else list(units)
    n_units = len(unit_ids)
    per_unit = np.broadcast_to(np.asarray(respondents, dtype=np.int64), (n_units,))
    quality = unit_quality(n_units, seed)
    rng = np.random.Generator(np.random.PCG64([seed, 16]))
    unit_of = np.repeat(np.arange(n_units, dtype=np.int32), per_unit)
    n = unit_of.size
    weights = np.array([float(g.weight) for g in definition.groups])
    if weights.sum() <= 0:
        weights = np.ones(len(definition.groups))
    group_of = rng.choice(len(definition.groups), size=n, p=weights / weights.sum()).astype(
        np.int32
    )
    # The first respondents of each unit cover every group, so small samples still reach them.
    first = np.concatenate(([0], np.cumsum(per_unit)[:-1]))
    position = np.arange(n) - np.repeat(first, per_unit)
    small = position < len(definition.groups)
    group_of[small] = position[small].astype(np.int32)
    q_of = quality[unit_of]
    n_na = len(definition.not_answers)
    codes = np.empty((len(definition.questions), n), dtype=np.int8)
    masks: dict[str, npt.NDArray[np.uint64]] = {}
    for row, question in enumerate(definition.questions):
        scale = definition.scale(question.scale)
        options = scale.resolved_options
        if scale.kind is ScaleKind.MULTI:
            # Each option ticked on its own, more often where quality is high.
            ticked = rng.uniform(size=(n, len(options))) < (0.2 + 0.4 * q_of)[:, None]
            bits = np.uint64(1) << np.arange(len(options), dtype=np.uint64)
            masks[question.code] = (ticked * bits).sum(axis=1, dtype=np.uint64)
            answer = np.where(masks[question.code] != 0, 0, BLANK)
        elif scale.kind is ScaleKind.CHOICE:
            # The first option is the "good" one (e.g. online), more likely where quality is high.
            good = rng.uniform(size=n) < q_of
            other = rng.integers(1, len(options), size=n)
            answer = np.where(good, 0, other)
        else:
            low, high = scale.bounds
            values = np.array(
                [float((o.value - low) / (high - low)) for o in options if o.value is not None]
            )
            target = np.clip(q_of + rng.normal(0.0, 0.22, size=n), 0.0, 1.0)
            answer = np.abs(target[:, None] - values[None, :]).argmin(axis=1)
        draw = rng.uniform(size=n)
        answer = np.where(draw < blank_rate, BLANK, answer)
        if n_na:
            kind = rng.integers(0, n_na, size=n)
            missing = (draw >= blank_rate) & (draw < blank_rate + not_answer_rate)
            answer = np.where(missing, -2 - kind, answer)
        codes[row] = np.where(_asked(definition, question.groups, group_of), answer, BLANK)
        if question.code in masks:
            masks[question.code][codes[row] != 0] = 0
    # A questionnaire with no valid answer is refused by readers: give it one.
    empty = ~(codes >= 0).any(axis=0)
    if empty.any():
        for row, question in enumerate(definition.questions):
            fill = empty & _asked(definition, question.groups, group_of)
            codes[row, fill] = 0
            if question.code in masks:
                masks[question.code][fill] = 1  # the first option ticked
            empty &= ~fill
    return answers_from_arrays(
        definition,
        units=unit_ids,
        unit_of=unit_of,
        group_of=group_of,
        codes=codes,
        source="SYNTHETIC",
        masks=masks,
    )


def _asked(
    definition: SurveyDefinition, groups: tuple[str, ...], group_of: npt.NDArray[np.int32]
) -> npt.NDArray[np.bool_]:
    if not groups:
        return np.ones(group_of.shape, dtype=bool)
    index = {g.id: i for i, g in enumerate(definition.groups)}
    asked = np.zeros(len(definition.groups), dtype=bool)
    asked[[index[g] for g in groups]] = True
    result: npt.NDArray[np.bool_] = asked[group_of]
    return result
