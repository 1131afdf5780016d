"""A pack classifies only where its source gives a classification, with the province's names."""

from __future__ import annotations

from decimal import Decimal

import pytest

import parindex
from parindex.model import Classification, Grade, Node, Pack, PointsSource, UnitGroup, YearRange
from parindex.rules import Level, Levels

D = Decimal


def _pack(classification: Classification) -> Pack:
    # Levels are not monotone, so grades take the general (per-threshold) path.
    rule = Levels((Level("kịp thời", D(2)), Level("chậm", D(1)), Level("không", D(0))))
    leaf = Node("1", "Lĩnh vực mô phỏng", maximum=D(2), source=PointsSource.SELF_ASSESSMENT, rule=rule)
    return Pack(
        id="classes", title="SYNTHETIC", version="1", unit_group=UnitGroup.COMMUNE,
        years=YearRange(2024), tree=(leaf,), synthetic=True, classification=classification,
    )  # fmt: skip


@pytest.mark.parametrize("engine", ["numpy", "kernel"])
def test_no_classification_gives_no_grade(engine: str) -> None:
    pytest.importorskip("numba") if engine == "kernel" else None
    compiled = parindex.compile_pack(_pack(Classification.none()))
    data = parindex.from_mappings(compiled, {"A": {"1": "kịp thời"}, "B": {"1": "chậm"}})
    results = parindex.score(compiled, data, engine=engine)
    assert [results.grade(u) for u in "AB"] == [None, None]
    assert [results.rank(u) for u in "AB"] == [1, 2]


def test_a_province_names_its_own_classes() -> None:
    classes = Classification((Grade("Tốt", D(90)), Grade("Khá", D(70)), Grade("Trung bình", D(50)), Grade("Yếu")))
    compiled = parindex.compile_pack(_pack(classes))
    data = parindex.from_mappings(compiled, {"A": {"1": "kịp thời"}, "B": {"1": "chậm"}, "C": {"1": "không"}})
    results = parindex.score(compiled, data)
    assert [results.grade(u) for u in "ABC"] == ["Tốt", "Trung bình", "Yếu"]


def test_shipped_packs_classify_only_where_a_source_gives_it() -> None:
    for pack in parindex.default_plugins().packs():
        if not pack.synthetic:
            assert not pack.classification.defined, pack.id
