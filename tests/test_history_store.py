"""The store round-trips years of results exactly, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from decimal import Decimal

import attrs
import pytest
from history_support import store, store_target  # noqa: F401 - fixtures

import parindex
from parindex.history import (
    FigureRecord,
    HistoryStore,
    Origin,
    ResultSetRecord,
    UnitRecord,
    document_from_json,
    document_to_json,
)
from parindex.history.problems import HistoryImportError
from parindex.results import Results
from parindex.synthetic import synthetic_input


def _score(compiled: parindex.CompiledPack, n: int, seed: int) -> Results:
    return parindex.score(compiled, synthetic_input(compiled, n, seed=seed))


def _assert_same(results: Results, stored_figures: tuple[FigureRecord, ...]) -> None:
    """Every unit × node figure equals the Results accessors, digit for digit."""
    by_key = {(f.unit, f.code): f for f in stored_figures}
    assert len(by_key) == len(results.units) * results.compiled.n_nodes
    for unit in results.unit_ids:
        for code in results.compiled.codes:
            figure = by_key[(unit, code)]
            assert str(figure.points) == str(results.points(unit, code))
            assert str(figure.maximum) == str(results.maximum(unit, code))
            expected_index = results.index(unit, code)
            assert (None if figure.index is None else str(figure.index)) == (
                None if expected_index is None else str(expected_index)
            )
            assert figure.grade == results.grade(unit, code)
        assert by_key[(unit, "")].rank == results.rank(unit)


def test_years_of_scored_results_round_trip(store: HistoryStore, commune, province_1150) -> None:
    scored = {
        (2022, "commune"): _score(commune, 40, seed=1),
        (2023, "commune"): _score(commune, 40, seed=2),
        (2024, "commune"): _score(commune, 40, seed=3),
        (2023, "province"): _score(province_1150, 63, seed=4),
    }
    ids = {key: store.add_results(results, key[0]) for key, results in scored.items()}
    assert store.years() == [2022, 2023, 2024]
    for key, results in scored.items():
        loaded = store.load(ids[key])
        assert loaded.info.year == key[0]
        assert loaded.info.pack == results.pack.id
        assert loaded.info.version == results.pack.version
        assert loaded.info.origin is Origin.SCORED
        assert loaded.unit_ids() == results.unit_ids
        _assert_same(results, loaded.figures)
    ranked_of = {f.ranked_of for f in store.load(ids[(2023, "province")]).figures if f.rank}
    assert ranked_of == {63}


def test_reopened_store_and_record_json_round_trip(store_target: str, commune) -> None:
    results = _score(commune, 12, seed=9)
    with HistoryStore.open(store_target, create=True) as first:
        set_id = first.add_results(results, 2021, label="run A")
    with HistoryStore.open(store_target) as second:
        loaded = second.load(set_id)
        _assert_same(results, loaded.figures)
        # Through the JSON results document and back into the store: unchanged.
        text = document_to_json(parindex.history.ResultsDocument((loaded.to_record(),)))
        record = document_from_json(text).sets[0]
        again = second.add_record(record, replace=True)
        assert second.load(again).figures == loaded.figures
        assert second.load(again).to_record() == loaded.to_record()


def test_published_figures_keep_every_digit_and_their_origin(store: HistoryStore) -> None:
    record = ResultSetRecord(
        pack="publication-table",
        version="v",
        origin=Origin.PUBLISHED,
        year=2021,
        source="a ministry report",
        units=(UnitRecord("p", "Province"),),
        figures=(
            FigureRecord("p", "", rank=18, ranked_of=63),
            FigureRecord("p", "1", index=Decimal("97.87")),
            FigureRecord("p", "2", index=Decimal("90.10")),
            FigureRecord("p", "3", index=Decimal("0.01")),
        ),
    )
    loaded = store.load(store.add_record(record))
    assert loaded.info.origin is Origin.PUBLISHED
    assert [str(f.index) for f in loaded.figures[1:]] == ["97.87", "90.10", "0.01"]
    assert loaded.figure("p", "").rank == 18 and loaded.figure("p", "").index is None


def test_figures_are_never_rounded_on_import(store: HistoryStore) -> None:
    record = ResultSetRecord(
        pack="t",
        version="v",
        year=2021,
        units=(UnitRecord("u"),),
        figures=(FigureRecord("u", "2.1", index=Decimal("79.405")),),
    )
    with pytest.raises(HistoryImportError) as caught:
        store.add_record(record)
    assert [p.message.code for p in caught.value.problems] == ["history.too_many_decimals"]
    assert caught.value.render("vi").endswith(
        "bộ kết quả thứ 1 [t (v), năm 2021, kết quả cuối cùng]; đơn vị “u”; tiêu chí 2.1: "
        "index 79,405 có quá 2 chữ số thập phân mà bộ kết quả khai báo; số liệu không bao giờ "
        "bị làm tròn khi nhập (khai báo thêm chữ số thập phân cho bộ kết quả)"
    )
    assert store.sets() == []
    # Decimal arithmetic would round 31 significant digits to 28: the check does not.
    finer = attrs.evolve(record, figures=(FigureRecord("u", "2.1", index=Decimal("79.40000000000000000000000000001")),))
    with pytest.raises(HistoryImportError):
        store.add_record(finer)
    # A figure beyond 64-bit integers is refused without building a huge number.
    huge = attrs.evolve(record, figures=(FigureRecord("u", "2.1", points=Decimal("1e100000000")),))
    with pytest.raises(HistoryImportError) as caught:
        store.add_record(huge)
    assert [p.message.code for p in caught.value.problems] == ["history.too_large"]
    assert store.sets() == []


def test_duplicate_sets_are_refused_unless_replaced(store: HistoryStore, commune) -> None:
    results = _score(commune, 5, seed=1)
    first = store.add_results(results, 2024)
    with pytest.raises(HistoryImportError) as caught:
        store.add_results(results, 2024)
    assert [p.message.code for p in caught.value.problems] == ["history.already_stored"]
    second = store.add_results(results, 2024, replace=True)
    assert [info.id for info in store.sets()] == [second] and second != first


def test_json_never_reads_numbers_through_float() -> None:
    text = (
        '{"format": "parindex-history-results/1", "sets": [{"pack": "t", "version": "v",'
        ' "units": [{"id": "u"}], "figures": [{"unit": "u", "index": 0.1000000000000000055511151231257827}]}]}'
    )
    figure = document_from_json(text).sets[0].figures[0]
    assert str(figure.index) == "0.1000000000000000055511151231257827"


def test_bad_documents_name_the_set_unit_and_criterion() -> None:
    text = json.dumps(
        {
            "sets": [
                {"pack": "t", "version": "v", "year": 2024, "units": [{"id": "u"}], "figures": []},
                {
                    "pack": "t",
                    "version": "v",
                    "year": 2024,
                    "stage": "self",
                    "origin": "guessed",
                    "extra": 1,
                    "units": [{"id": "u"}],
                    "figures": [{"unit": "u", "code": "1.2", "rank": "x"}, {"code": "3", "points": "7,5"}],
                },
            ]
        }
    )
    with pytest.raises(HistoryImportError) as caught:
        document_from_json(text, "kq.json")
    shown = caught.value.render("vi")
    assert shown.startswith("không nhập kq.json: 5 vấn đề; kho lịch sử không thay đổi")
    place = "kq.json, bộ kết quả thứ 2 [t (v), năm 2024, tự đánh giá]"
    assert f"{place}: origin “guessed” không hợp lệ (cần một trong: scored, published, reported, derived)" in shown
    assert f"{place}: khóa không được hỗ trợ: extra" in shown
    assert f"{place}; đơn vị “u”; tiêu chí 1.2: rank “x” không phải số nguyên" in shown
    assert f"{place}; tiêu chí 3: thiếu khóa bắt buộc “unit”" in shown
    assert f"{place}; tiêu chí 3: points “7,5” không phải số thập phân" in shown
    for leak in ("$", "int | None", "Decimal", "ValueError", "cattrs", "sets[1]"):
        assert leak not in shown, leak
    with pytest.raises(parindex.ParIndexError) as other:
        document_from_json('{"format": "other", "sets": []}', "kq.json")
    assert other.value.code == "history.wrong_format"
    with pytest.raises(parindex.ParIndexError) as broken:
        document_from_json('{"sets": [', "kq.json")
    assert broken.value.render("vi") == "kq.json không phải JSON hợp lệ (dòng 1, cột 11)"


def test_records_from_results_match_the_accessors(commune) -> None:
    from parindex.history import records_from_results

    results = _score(commune, 7, seed=3)
    units, figures = records_from_results(results)
    assert [u.id for u in units] == list(results.unit_ids)
    _assert_same(results, figures)
