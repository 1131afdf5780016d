"""A SYNTHETIC appraisal stage for demos and tests; never official data.

Appraisal (thẩm định) mostly lowers self-assessed values that the evidence
does not support, and now and then raises one the unit under-claimed. This
generator imitates that on a copy of the self-assessment: each unit gets its
own tendency to over-claim, survey leaves are left alone (they are not
self-assessed), and only the changed entries are written to the new stage, so
the pack's stage policy falls back to the self value everywhere else.
"""

from __future__ import annotations

import attrs
import numpy as np

from parindex.compiled import CompiledPack
from parindex.errors import ParIndexError
from parindex.inputs import ScoringInput, StageData
from parindex.messages import Found
from parindex.model import PointsSource


def synthetic_appraisal(
    compiled: CompiledPack,
    data: ScoringInput,
    *,
    stage: str = "appraisal_1",
    rate: float = 0.12,
    seed: int = 7,
) -> ScoringInput:
    """``data`` plus a SYNTHETIC appraisal ``stage`` derived from its ``self`` stage."""
    if "self" not in data.stages:
        raise ParIndexError("analysis.appraisal_needs_self")
    if stage not in compiled.pack.stages:
        raise ParIndexError("analysis.pack_has_no_stage", pack=compiled.pack.id, stage=Found(stage))
    own = data.stages["self"]
    rng = np.random.Generator(np.random.PCG64(seed))
    n_units = own.values.shape[0]
    tendency = rng.uniform(0.0, 2.0, size=(n_units, 1)) * rate
    appraisable = np.array([s is PointsSource.SELF_ASSESSMENT for s in compiled.leaf_source])
    given = ~np.isnan(own.values)
    lower = (rng.uniform(size=own.values.shape) < tendency) & given & appraisable[None, :]
    raise_ = (rng.uniform(size=own.values.shape) < rate / 6) & given & appraisable[None, :] & ~lower
    result = np.full_like(own.values, np.nan)
    for group in compiled.groups:
        cols = group.columns
        block = own.values[:, cols]
        down, up = lower[:, cols], raise_[:, cols]
        if group.kind == "achieved":
            new = np.where(down, 0.0, np.where(up, 1.0, block))
        elif group.kind == "levels":
            counts = np.array([len(r.levels) for r in group.rules])  # type: ignore[attr-defined]
            new = np.where(
                down,
                np.minimum(block + 1, counts - 1),
                np.where(up, np.maximum(block - 1, 0), block),
            )
        elif group.kind in ("bands", "proportional"):
            new = np.where(down, np.maximum(np.round(block - 20, 2), 0), block)
        elif group.kind in ("relative_to_best", "direct"):
            new = np.where(down, np.round(block * 0.7, 2), block)
        elif group.kind == "capped_count":
            new = np.where(down, np.maximum(block - 2, 0), np.where(up, block + 1, block))
        else:
            new = block
        changed = (down | up) & (new != block)
        result[:, cols] = np.where(changed, new, np.nan)
    appraisal = StageData(
        values=result,
        not_applicable=np.zeros_like(own.not_applicable),
        bonus=np.full_like(own.bonus, np.nan),
        deduction=np.full_like(own.deduction, np.nan),
    )
    return attrs.evolve(data, stages={**data.stages, stage: appraisal})
