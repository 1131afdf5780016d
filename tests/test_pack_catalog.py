"""The shipped criteria packs: listed, shown with their gaps, and sourced."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

import parindex
from parindex.cli import main
from parindex.errors import Severity
from parindex.messages import render
from parindex.model import MappingKind, ProvenanceStatus, UnitGroup

OFFICIAL_PACKS = (
    "bnv-province-1150-2019",
    "bnv-province-2020",
    "bnv-province-876-2022",
    "bnv-ministry-876-2022",
    "soctrang-department-2021",
    "soctrang-public-service-unit-2021",
    "soctrang-central-agency-2021",
    "soctrang-district-2021",
    "soctrang-commune",
    "nghean-department-2023",
    "nghean-district-2023",
)


@pytest.mark.parametrize("pack_id", OFFICIAL_PACKS)
def test_pack_is_installed_valid_and_honest_about_gaps(pack_id: str) -> None:
    pack = parindex.get_pack(pack_id)
    assert [v for v in parindex.validate(pack) if v.severity is Severity.ERROR] == []
    assert pack.legal_basis
    assert not pack.synthetic
    # None of these packs is complete: each says what is missing, in data.
    assert not pack.complete and pack.gaps


@pytest.mark.parametrize("pack_id", OFFICIAL_PACKS)
def test_every_known_figure_cites_a_source(pack_id: str) -> None:
    pack = parindex.get_pack(pack_id)
    for _, node in pack.walk():
        assert node.provenance, node.code
        assert all(p.document for p in node.provenance)
        assert all(p.status is not ProvenanceStatus.SYNTHETIC for p in node.provenance)
    declared = pack.declared
    if declared.fields is not None or declared.maximum:
        assert declared.provenance, "declared figures need a source"


def test_packs_lists_every_pack_with_completeness(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["packs", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    for pack_id in OFFICIAL_PACKS:
        assert pack_id in out
    line = next(row for row in out.splitlines() if row.startswith("bnv-province-1150-2019"))
    assert "field level" in line and " 2019 " in line and "province" in line  # one year: "2019"
    line = next(row for row in out.splitlines() if row.startswith("bnv-province-2020 "))
    assert "structure only" in line


@pytest.mark.parametrize("pack_id", OFFICIAL_PACKS)
def test_show_gaps_lists_what_is_missing(pack_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", pack_id, "--gaps"]) == 0
    out = capsys.readouterr().out
    pack = parindex.get_pack(pack_id)
    assert "còn thiếu:" in out
    for gap in pack.gaps:
        assert gap in out


def test_1150_is_scored_at_field_level_and_refuses_deeper_levels() -> None:
    pack = parindex.get_pack("bnv-province-1150-2019")
    assert pack.scorable_level == 1
    compiled = parindex.compile_pack(pack, level=1)
    assert compiled.leaf_codes == tuple(str(i) for i in range(1, 9))
    # Bình Định's self-assessed field points for 2019, as the report prints them.
    printed = ["7", "5", "13.65", "7.04", "7", "8", "9", "3"]
    data = parindex.from_mappings(compiled, {"BDI": dict(zip(compiled.leaf_codes, printed, strict=True))})
    results = parindex.score(compiled, data)
    assert results.points("BDI") == Decimal("59.69")  # "tự đánh giá đạt 59,69/65 điểm"
    with pytest.raises(parindex.PackError) as info:
        parindex.compile_pack(pack, level=2)
    assert "known only down to level 1" in info.value.render("en")
    assert "--level 1" in info.value.render("vi")


@pytest.mark.parametrize("pack_id", [p for p in OFFICIAL_PACKS if p != "bnv-province-1150-2019"])
def test_packs_without_maxima_cannot_be_scored(pack_id: str) -> None:
    pack = parindex.get_pack(pack_id)
    assert pack.scorable_level == 0
    with pytest.raises(parindex.PackError) as info:
        parindex.compile_pack(pack)
    assert "cannot be scored" in info.value.render("en")


def test_declared_structures_match_the_sources() -> None:
    province_2020 = parindex.get_pack("bnv-province-2020")
    assert [f.criteria for f in province_2020.declared.per_field.values()] == [6, 4, 5, 4, 9, 4, 5, 6]
    assert sum(f.sub_criteria or 0 for f in province_2020.declared.per_field.values()) == 102
    ministry = parindex.get_pack("bnv-ministry-876-2022")
    assert ministry.unit_group is UnitGroup.MINISTRY
    assert [(f.criteria, f.sub_criteria) for f in ministry.declared.per_field.values()] == [
        (7, 6), (9, 15), (6, 19), (4, 14), (6, 16), (3, 13), (3, 14)
    ]  # fmt: skip
    soctrang = {
        "soctrang-department-2021": (8, 63, 64, "63", "37"),
        "soctrang-public-service-unit-2021": (7, 45, 14, "61.5", "38.5"),
        "soctrang-central-agency-2021": (7, 37, 18, "54", "46"),
        "soctrang-district-2021": (8, 65, 60, "62", "38"),
    }
    for pack_id, (fields, criteria, subs, appraisal, survey) in soctrang.items():
        declared = parindex.get_pack(pack_id).declared
        assert (declared.fields, declared.criteria, declared.sub_criteria) == (fields, criteria, subs)
        totals = sorted(declared.maximum.values())
        assert sum(totals) == 100
        assert set(totals) == {Decimal(appraisal), Decimal(survey)}


def test_1149_maps_to_1150_field_by_field() -> None:
    pack = parindex.get_pack("bnv-province-2020")
    earlier = parindex.get_pack("bnv-province-1150-2019")
    earlier_codes = {node.code for _, node in earlier.walk()}
    assert len(pack.mappings) == 8
    for mapping in pack.mappings:
        assert mapping.from_pack == earlier.id
        assert mapping.kind is MappingKind.ONE_TO_ONE
        assert set(mapping.from_codes) <= earlier_codes


def test_a_mapping_with_the_wrong_arity_is_an_error() -> None:
    import attrs

    from parindex.model import CodeMapping

    pack = parindex.get_pack("bnv-province-2020")
    bad = attrs.evolve(
        pack,
        mappings=(
            CodeMapping("bnv-province-1150-2019", MappingKind.MERGED, ("1",), ("1",)),
            CodeMapping("bnv-province-1150-2019", MappingKind.NEW, (), ("9",)),
        ),
    )
    checks = [
        (v.check, render(v.message, "en"))
        for v in parindex.validate(bad)
        if v.severity is Severity.ERROR
    ]
    assert any("merged needs at least 2 from_codes" in m for _, m in checks)
    assert any("no node 9" in m for _, m in checks)


SOURCES = Path(__file__).parents[1] / "packs" / "sources"
CITED_FILE = re.compile(r"packs/sources/([\w.-]+\.json)")


def _provenances(pack: parindex.Pack) -> list[parindex.Provenance]:
    return [*pack.declared.provenance, *(p for _, node in pack.walk() for p in node.provenance)]


@pytest.mark.parametrize("pack_id", OFFICIAL_PACKS)
def test_every_figure_cites_a_file_in_packs_sources(pack_id: str) -> None:
    pack = parindex.get_pack(pack_id)
    for provenance in _provenances(pack):
        cited = CITED_FILE.findall(" ".join((provenance.document, provenance.section, provenance.note)))
        assert cited, provenance.document
        for name in cited:
            assert (SOURCES / name).is_file(), name
    texts = " ".join(path.read_text(encoding="utf-8") for path in SOURCES.glob("*.json"))
    for basis in pack.legal_basis:
        assert basis.number in texts or basis.number.startswith("Dự thảo"), basis.number


@pytest.mark.parametrize("pack_id", OFFICIAL_PACKS)
def test_a_draft_source_is_called_a_draft(pack_id: str) -> None:
    # Seed 001 is Sóc Trăng's DRAFT decision (dự thảo, 2022): never "official".
    for provenance in _provenances(parindex.get_pack(pack_id)):
        if "seed 001" in provenance.document or "Dự thảo" in provenance.document:
            assert "dự thảo" in provenance.document.lower()
            assert provenance.status in (ProvenanceStatus.DRAFT, ProvenanceStatus.MISSING)


def test_no_pack_cites_a_page_that_no_sources_file_holds() -> None:
    sources = " ".join(path.read_text(encoding="utf-8") for path in SOURCES.glob("*"))
    for pack_id in OFFICIAL_PACKS:
        pack = parindex.get_pack(pack_id)
        urls = [b.url for b in pack.legal_basis] + [p.url for p in _provenances(pack)]
        for url in filter(None, urls):
            assert url in sources, (pack_id, url)


def test_nghean_packs_rest_on_nghean_sources() -> None:
    department = parindex.get_pack("nghean-department-2023")
    assert [b.number for b in department.legal_basis] == ["3323/QĐ-UBND", "5158/QĐ-UBND"]
    district = parindex.get_pack("nghean-district-2023")
    for pack in (department, district):
        assert all("876" not in b.number for b in pack.legal_basis)
        # The 7 areas of KH 574's appendix, labelled as what they are.
        assert len(pack.tree) == 7 and pack.node("7").title.endswith("chính quyền số")
        assert all("KH 574" in node.note for node in pack.tree)
    assert [(c.criteria, c.sub_criteria) for c in department.declared.per_field.values()] == [
        (8, 12), (6, 9), (7, 18), (5, 11), (8, 13), (5, 12), (9, 14)
    ]  # fmt: skip
