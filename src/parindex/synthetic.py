"""SYNTHETIC packs and data for demos, benchmarks and tests; never official.

Everything here is generated from a fixed seed with numpy's PCG64 generator,
so the same call gives the same numbers on every machine. Unit names say
"mô phỏng" (simulated) so that no output can be mistaken for a real result.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import numpy.typing as npt

from parindex.compiled import CompiledPack
from parindex.fixedpoint import FloatArray, ticks_to_decimal
from parindex.inputs import ScoringInput, Unit, from_array
from parindex.model import (
    DeclaredStructure,
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

SYNTHETIC_NOTE = "SYNTHETIC: generated for demonstration, not an official criteria set"

#: Field titles (simulated), then per criterion the maxima of its sub-criteria.
_FIELDS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    (
        "Công tác chỉ đạo, điều hành (mô phỏng)",
        (("1", "0.5", "0.5"), ("1", "1"), ("1", "1"), ("2",)),
    ),
    ("Cải cách thể chế (mô phỏng)", (("1", "1"), ("1", "0.5", "0.5"), ("2",))),
    (
        "Cải cách thủ tục hành chính (mô phỏng)",
        (("1", "1", "1"), ("2", "1"), ("1", "1", "1", "1"), ("2", "2")),
    ),
    ("Cải cách tổ chức bộ máy (mô phỏng)", (("1", "1"), ("1.5", "1.5"), ("2",))),
    ("Cải cách chế độ công vụ (mô phỏng)", (("1", "1"), ("1", "1", "1"), ("2",), ("1", "1"))),
    ("Cải cách tài chính công (mô phỏng)", (("2",), ("1", "1", "1"), ("1.5", "1.5"))),
    (
        "Xây dựng chính quyền điện tử, chính quyền số (mô phỏng)",
        (("2", "1"), ("1", "1", "1", "1"), ("5",)),
    ),
    (
        "Tác động của CCHC đến người dân, tổ chức (mô phỏng, khảo sát)",
        (("4", "4", "4"), ("3", "3", "3", "3"), ("4", "4", "4")),
    ),
)
_SURVEY_FIELD = "8"


def _self_rule(code: str, position: int, maximum: Decimal) -> Rule:
    """A deterministic mix of rule kinds for self-assessed leaves."""
    if code == "3.4.1":
        return RelativeToBest()
    if code == "7.3":
        return CappedCount(per_item=Decimal(1))
    if code == "2.3":
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
        return Bands((Band(Decimal(100), maximum), Band(Decimal(80), maximum / 2)))
    return Proportional()


def synthetic_commune_pack() -> Pack:
    """The SYNTHETIC commune-level pack (8 fields, 27 criteria, 61 leaves, 100 points)."""
    provenance = (Provenance(document=SYNTHETIC_NOTE, status=ProvenanceStatus.SYNTHETIC),)
    fields = []
    position = 0
    for f, (field_title, criteria) in enumerate(_FIELDS, start=1):
        survey = str(f) == _SURVEY_FIELD
        crit_nodes = []
        for c, leaves in enumerate(criteria, start=1):
            code = f"{f}.{c}"
            title = f"Tiêu chí mô phỏng {code}"
            maxima = [Decimal(m) for m in leaves]
            if len(maxima) == 1:
                crit_nodes.append(
                    Node(
                        code=code,
                        title=title,
                        maximum=maxima[0],
                        rule=_self_rule(code, position, maxima[0]),
                    )
                )
                position += 1
                continue
            subs = []
            for s, maximum in enumerate(maxima, start=1):
                sub = f"{code}.{s}"
                rule: Rule
                if survey:
                    rule = SurveyScale() if s % 2 else SurveyScale(measure="share")
                else:
                    rule = _self_rule(sub, position, maximum)
                na = NotApplicable.NOT_ALLOWED
                if f == 2:
                    na = (
                        NotApplicable.FULL_POINTS
                    )  # "trong năm không phát sinh … được tính đủ điểm"
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
                # "bị 0 điểm và bị trừ thêm": a deduction may take the criterion below zero.
                extra = {"deduction_cap": Decimal("0.5"), "floor": Decimal("-0.5")}
            crit_nodes.append(Node(code=code, title=title, children=tuple(subs), **extra))  # type: ignore[arg-type]
        source = PointsSource.SURVEY if survey else PointsSource.SELF_ASSESSMENT
        fields.append(
            Node(
                code=str(f),
                title=field_title,
                source=source,
                children=tuple(crit_nodes),
                provenance=provenance,
            )
        )
    return Pack(
        id="synthetic-commune",
        title="Bộ chỉ số CCHC cấp xã MÔ PHỎNG (synthetic, không phải văn bản chính thức)",
        version="synthetic-1",
        unit_group=UnitGroup.COMMUNE,
        years=YearRange(2000),
        tree=tuple(fields),
        declared=DeclaredStructure(
            fields=8,
            criteria=27,
            sub_criteria=55,
            maximum={PointsSource.SELF_ASSESSMENT: Decimal(64), PointsSource.SURVEY: Decimal(36)},
        ),
        total_bonus_cap=Decimal(2),
        synthetic=True,
        description=SYNTHETIC_NOTE,
    )


def synthetic_values(
    compiled: CompiledPack, n_units: int, seed: int = 2024, na_rate: float = 0.08
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """A (units × leaves) value matrix and not-applicable mask, realistic per rule kind.

    Each unit has a latent quality in [0.35, 1]; better units meet more criteria.
    """
    rng = np.random.Generator(np.random.PCG64(seed))
    quality = rng.uniform(0.35, 1.0, size=(n_units, 1))
    values = np.empty((n_units, compiled.n_leaves))
    for group in compiled.groups:
        k = len(group.columns)
        q = np.broadcast_to(quality, (n_units, k))
        noise = rng.uniform(0.0, 1.0, size=(n_units, k))
        if group.kind == "achieved":
            block = (noise < 0.25 + 0.75 * q).astype(float)
        elif group.kind == "levels":
            counts = np.array([len(r.levels) for r in group.rules])  # type: ignore[attr-defined]
            block = np.minimum(np.floor((1 - q) * noise * counts * 1.6), counts - 1)
        elif group.kind in ("bands", "proportional"):
            block = np.clip(np.round(100 * (0.55 + 0.45 * q) + 25 * (noise - 0.5), 2), 0, 100)
        elif group.kind == "relative_to_best":
            block = np.round(1000 * q * (0.5 + noise), 0)
        elif group.kind == "capped_count":
            block = rng.poisson(6 * q)
        elif group.kind == "survey_scale":
            share = np.array([r.measure == "share" for r in group.rules])  # type: ignore[attr-defined]
            mean = np.round(2.5 + 2.5 * q * (0.8 + 0.2 * noise), 2)
            pct = np.round(50 + 50 * q * (0.7 + 0.3 * noise), 2)
            block = np.where(share[None, :], pct, np.minimum(mean, 5.0))
        else:
            block = np.round(noise * compiled.leaf_max[group.columns] / compiled.ticks_per_point, 2)
        values[:, group.columns] = block
    allowed = np.array([p is not NotApplicable.NOT_ALLOWED for p in compiled.leaf_na])
    na = (rng.uniform(size=values.shape) < na_rate) & allowed[None, :]
    values[na] = np.nan
    return values, na


def synthetic_input(
    compiled: CompiledPack, n_units: int, seed: int = 2024, label: str = "Đơn vị mô phỏng"
) -> ScoringInput:
    """SYNTHETIC scoring input: ``n_units`` units named "<label> 0001" and so on."""
    width = len(str(n_units))
    units = [Unit(f"SYN-{i:0{width}d}", f"{label} {i:0{width}d}") for i in range(1, n_units + 1)]
    if all(rule.kind == "direct" for rule in compiled.leaf_rules):
        rng = np.random.Generator(np.random.PCG64(seed))
        quality = rng.uniform(0.6, 1.0, size=(n_units, 1))
        share = np.clip(quality + rng.normal(0, 0.06, size=(n_units, compiled.n_leaves)), 0, 1)
        maxima = compiled.leaf_max / compiled.ticks_per_point
        values = np.round(share * maxima, 2)
        return from_array(compiled, units, values)
    values, na = synthetic_values(compiled, n_units, seed)
    bonus, deduction = synthetic_adjustments(compiled, n_units, seed)
    return from_array(compiled, units, values, not_applicable=na, bonus=bonus, deduction=deduction)


def synthetic_adjustments(
    compiled: CompiledPack, n_units: int, seed: int = 2024
) -> tuple[FloatArray, FloatArray]:
    """Bonus and deduction entries (NaN = none): 10 % of units get a bonus, 5 % a
    deduction, each uniform up to the node's cap, per adjustable node."""
    bonus = np.full((n_units, len(compiled.adjustable_codes)), np.nan)
    deduction = np.full_like(bonus, np.nan)
    rng = np.random.Generator(np.random.PCG64(seed + 1))
    for bounded in compiled.bounded:
        slot = bounded.slot
        if slot is None:
            continue
        if bounded.bonus_cap:
            cap = float(ticks_to_decimal(bounded.bonus_cap, compiled.pack.point_decimals))
            lucky = rng.uniform(size=n_units) < 0.1
            bonus[lucky, slot] = np.round(rng.uniform(0, cap, size=int(lucky.sum())), 2)
        if bounded.deduction_cap:
            cap = float(ticks_to_decimal(bounded.deduction_cap, compiled.pack.point_decimals))
            unlucky = rng.uniform(size=n_units) < 0.05
            deduction[unlucky, slot] = np.round(rng.uniform(0, cap, size=int(unlucky.sum())), 2)
    return bonus, deduction
