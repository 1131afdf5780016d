"""SYNTHETIC benchmark pack (~100 leaves) and reproducible data at any scale.

Nothing here is official. The pack mixes the rule kinds of the commune and
provincial packs (achieved, levels, bands, proportional, capped_count,
relative_to_best, survey_scale), "không phát sinh" counted as full points
(field 2) or excluded from the maximum (criterion 6.3), one deduction node
with a negative floor (1.2, "bị 0 điểm và bị trừ thêm") and a pack-wide
bonus cap. Values come from :func:`parindex.synthetic.synthetic_values`
(seeded PCG64), so the same size gives the same numbers on every machine.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import numpy.typing as npt

from parindex.compiled import CompiledPack, compile_pack
from parindex.fixedpoint import FloatArray
from parindex.model import (
    Node,
    NotApplicable,
    Pack,
    PointsSource,
    Provenance,
    ProvenanceStatus,
    UnitGroup,
    YearRange,
)
from parindex.rules import (
    Achieved,
    Band,
    Bands,
    CappedCount,
    Level,
    Levels,
    Proportional,
    RelativeToBest,
    Rule,
    SurveyScale,
)
from parindex.synthetic import synthetic_adjustments, synthetic_values

NOTE = "SYNTHETIC benchmark pack: generated for timing, not an official criteria set"
SEED = 2024
#: Leaves per criterion, field by field (10 fields, 100 leaves in all).
SHAPE: tuple[tuple[int, ...], ...] = (
    (3, 2, 2, 1, 2),
    (2, 3, 1, 2),
    (3, 2, 4, 2, 1),
    (2, 2, 1, 3),
    (2, 3, 1, 2, 2),
    (1, 3, 2, 2),
    (2, 4, 1, 3),
    (3, 2, 2, 2),
    (2, 3, 3, 2),
    (4, 4, 4, 3),
)
SURVEY_FIELD = 10


def _rule(code: str, position: int, maximum: Decimal) -> Rule:
    if code in ("3.4.1", "7.2.1"):
        return RelativeToBest()
    if code in ("7.3", "4.4.1"):
        return CappedCount(per_item=maximum / 4)
    if code in ("2.3", "5.2.2"):
        return Proportional(floor=Decimal(50))
    kinds = ("achieved", "levels", "bands", "achieved", "proportional", "levels", "achieved")
    kind = kinds[position % len(kinds)]
    if kind == "achieved":
        return Achieved()
    if kind == "levels":
        return Levels(
            (
                Level("đúng hạn", maximum),
                Level("chậm", maximum / 2),
                Level("không thực hiện", Decimal(0)),
            )
        )
    if kind == "bands":
        return Bands(
            (
                Band(Decimal(100), maximum),
                Band(Decimal(90), maximum * 3 / 4, inclusive=False),
                Band(Decimal(70), maximum / 2),
            )
        )
    return Proportional()


def bench_pack_wide(width: int) -> CompiledPack:
    """The benchmark pack with its fields repeated ``width`` times (growth with leaves)."""
    return compile_pack(bench_pack(width))


def bench_pack(width: int = 1) -> Pack:
    """The SYNTHETIC 100-leaf benchmark pack (10 fields, 104 points plus a 2-point bonus)."""
    provenance = (Provenance(document=NOTE, status=ProvenanceStatus.SYNTHETIC),)
    fields = []
    position = 0
    for f, criteria in enumerate(SHAPE * width, start=1):
        survey = f % len(SHAPE) == SURVEY_FIELD % len(SHAPE)
        crit_nodes = []
        for c, n_leaves in enumerate(criteria, start=1):
            code = f"{f}.{c}"
            maximum = Decimal(1) if n_leaves > 1 else Decimal(2)
            if n_leaves == 1:
                rule = SurveyScale() if survey else _rule(code, position, maximum)
                crit_nodes.append(
                    Node(code=code, title=f"Tiêu chí mô phỏng {code}", maximum=maximum, rule=rule)
                )
                position += 1
                continue
            subs = []
            for s in range(1, n_leaves + 1):
                sub = f"{code}.{s}"
                if survey:
                    rule = SurveyScale() if s % 2 else SurveyScale(measure="share")
                else:
                    rule = _rule(sub, position, maximum)
                na = NotApplicable.NOT_ALLOWED
                if f == 2:
                    na = NotApplicable.FULL_POINTS
                elif code == "6.3":
                    na = NotApplicable.EXCLUDED
                subs.append(
                    Node(
                        code=sub,
                        title=f"Tiêu chí thành phần mô phỏng {sub}",
                        maximum=maximum,
                        rule=rule,
                        not_applicable=na,
                    )
                )
                position += 1
            extra: dict[str, Decimal] = {}
            if code == "1.2":
                extra = {"deduction_cap": Decimal("0.5"), "floor": Decimal("-0.5")}
            crit_nodes.append(
                Node(code=code, title=f"Tiêu chí mô phỏng {code}", children=tuple(subs), **extra)
            )  # type: ignore[arg-type]
        source = PointsSource.SURVEY if survey else PointsSource.SELF_ASSESSMENT
        fields.append(
            Node(
                code=str(f),
                title=f"Lĩnh vực mô phỏng {f}",
                source=source,
                children=tuple(crit_nodes),
                provenance=provenance,
            )
        )
    return Pack(
        id=f"synthetic-bench-{100 * width}",
        title="Bộ chỉ số MÔ PHỎNG 100 tiêu chí thành phần (synthetic benchmark)",
        version="synthetic-1",
        unit_group=UnitGroup.COMMUNE,
        years=YearRange(2000),
        tree=tuple(fields),
        total_bonus_cap=Decimal(2),
        synthetic=True,
        description=NOTE,
    )


def bench_compiled() -> CompiledPack:
    return compile_pack(bench_pack())


def bench_arrays(
    compiled: CompiledPack, n_units: int, seed: int = SEED
) -> tuple[FloatArray, npt.NDArray[np.bool_], FloatArray, FloatArray]:
    """Values (NaN where "không phát sinh"), the NA mask, bonus and deduction columns."""
    values, na = synthetic_values(compiled, n_units, seed)
    bonus, deduction = synthetic_adjustments(compiled, n_units, seed)
    return values, na, bonus, deduction
