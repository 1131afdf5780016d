"""The history commands end to end on the shipped Sóc Trăng example and a lineage file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parindex.cli import main
from parindex.history import HistoryStore, ResultSetRecord

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples"


def test_import_list_yoy_targets(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--store", str(tmp_path / "h.sqlite")]
    published = str(EXAMPLE / "soctrang" / "published.json")
    assert main(["history", "import", published, *store]) == 0
    first = capsys.readouterr()
    assert first.err.startswith("đã tạo kho lịch sử mới tại ")
    assert first.err.count("đã nhập #") == 13 and first.out == ""  # notes, on stderr
    assert main(["history", "import", published, *store]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"parindex: lỗi: không nhập {published}: 13 vấn đề; kho lịch sử không thay đổi")
    assert "kho đã có bộ kết quả này (#1); dùng --replace để thay thế" in err
    assert main(["history", "import", published, "--replace", *store]) == 0
    assert main(["history", "list", "--year", "2020", *store]) == 0
    listing = capsys.readouterr().out
    assert "soctrang-reported-rank" in listing and "reported" in listing and "Số đơn vị" in listing
    assert main(["yoy", "soctrang-001-components", "--year", "2021", "--code", "5", *store]) == 0
    out = capsys.readouterr().out
    assert "76,89" in out and "88,00" in out and "-11,11" in out  # 2020 → 2021, seed line 129
    assert main(["targets", str(EXAMPLE / "soctrang-targets.toml"), "--years", "2021", "--lang", "en", *store]) == 0
    out = capsys.readouterr().out
    assert "PASS: 2, FAIL: 1, UNKNOWN: 1" in out
    assert main(["targets", str(EXAMPLE / "soctrang-targets.toml"), "--years", "2021", *store]) == 0
    assert "ĐẠT: 2, KHÔNG ĐẠT: 1, CHƯA ĐỦ SỐ LIỆU: 1" in capsys.readouterr().out


def test_lineage_file_and_year_required(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    store = ["--store", str(tmp_path / "h.sqlite")]
    results = tmp_path / "r.json"
    results.write_text('{"sets": [{"pack": "p", "version": "v", "units": [{"id": "u"}]}]}', encoding="utf-8")
    assert main(["history", "import", str(results), *store]) == 2
    assert capsys.readouterr().err.endswith(
        f"bộ kết quả thứ 1 [p (v), năm ?, kết quả cuối cùng]: bộ kết quả không ghi năm; hãy cho năm bằng --year\n"
    )
    assert not (tmp_path / "h.sqlite").exists()  # nothing to store: no store made either
    assert main(["history", "import", str(results), "--year", "2024", *store]) == 0
    lineage = tmp_path / "lineage.toml"
    lineage.write_text(
        '[[events]]\nkind = "merged"\ndate = 2025-07-01\npredecessors = ["a", "b"]\nsuccessors = ["ab"]\n',
        encoding="utf-8",
    )
    assert main(["history", "lineage", str(lineage), *store]) == 0
    assert main(["history", "list", *store]) == 0
    out = capsys.readouterr().out
    assert "sáp nhập 01/07/2025: a, b → ab" in out and "1 sự kiện thay đổi đơn vị" in out
    assert main(["history", "list", "--lang", "en", *store]) == 0
    assert "merged 01/07/2025: a, b → ab" in capsys.readouterr().out


def _document(*sets: dict[str, object]) -> str:
    return json.dumps({"format": "parindex-history-results/1", "sets": list(sets)})


def _set(year: int, rank: int, label: str = "") -> dict[str, object]:
    return {
        "pack": "publication",
        "version": "v",
        "origin": "published",
        "year": year,
        "label": label,
        "units": [{"id": "p"}, {"id": "q"}],
        "figures": [
            {"unit": "p", "code": "", "rank": rank, "ranked_of": 63, "index": "81.20"},
            {"unit": "q", "code": "1", "index": "97.87"},
        ],
    }


@pytest.mark.parametrize("how", ["bad second set", "second set already stored"])
def test_an_import_stores_every_set_or_none(tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str) -> None:
    """The finding of issue 13: a bad second set used to leave the first stored."""
    store = tmp_path / "h.sqlite"
    args = ["--store", str(store)]
    document = tmp_path / "r.json"
    if how == "second set already stored":
        document.write_text(_document(_set(2023, 20)), encoding="utf-8")
        assert main(["history", "import", str(document), *args]) == 0
        document.write_text(_document(_set(2024, 18), _set(2023, 20)), encoding="utf-8")
    else:
        document.write_text(_document(_set(2024, 18), _set(2023, -5)), encoding="utf-8")
    with HistoryStore.open(store, create=True) as opened:
        before = [(i.year, i.label) for i in opened.sets()]
    capsys.readouterr()
    assert main(["history", "import", str(document), *args]) == 2
    err = capsys.readouterr().err
    assert "kho lịch sử không thay đổi" in err and "bộ kết quả thứ 2" in err
    with HistoryStore.open(store) as opened:
        assert [(i.year, i.label) for i in opened.sets()] == before
    # Corrected, the same command succeeds: nothing of the failed run is in the way.
    document.write_text(_document(_set(2024, 18), _set(2023, 20, label="again")), encoding="utf-8")
    assert main(["history", "import", str(document), *args]) == 0
    with HistoryStore.open(store) as opened:
        assert sorted((i.year, i.label) for i in opened.sets()) == sorted([*before, (2024, ""), (2023, "again")])


def _stored(path: Path) -> list[object]:
    with HistoryStore.open(path) as opened:
        return [opened.load(info.id) for info in opened.sets()]


def test_import_pack_and_inputs_stores_what_score_then_import_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15 item 1: ``history import PACK INPUT...`` scores and stores in one go."""
    monkeypatch.chdir(tmp_path)
    inputs = [str(EXAMPLE / "don-vi")]  # three workbooks, one with an appraisal
    options = ["--year", "2024", "--label", "vòng 1"]
    assert main(["score", "synthetic-commune", *inputs, "-o", "kq.json"]) == 0
    assert main(["history", "import", "kq.json", *options, "--store", "a.sqlite"]) == 0
    capsys.readouterr()
    assert main(["history", "import", "synthetic-commune", *inputs, *options, "--store", "b.sqlite"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and err.count("đã nhập #") == 3 and "kết quả cuối cùng [final], đã chấm [scored], nhãn “vòng 1”: 3 đơn vị" in err
    by_score, at_once = _stored(tmp_path / "a.sqlite"), _stored(tmp_path / "b.sqlite")
    assert len(at_once) == 3 and at_once == by_score  # final, self, appraisal_1: identical sets
    # --quiet silences the notes; a refused import (already stored) leaves the store as it was.
    assert main(["history", "import", "synthetic-commune", *inputs, *options, "--store", "b.sqlite", "-q"]) == 2
    assert "kho đã có bộ kết quả này (#1)" in capsys.readouterr().err
    later = str(EXAMPLE / "don-vi-2025.csv")
    assert main(["history", "import", "synthetic-commune", later, "--year", "2025", "--store", "b.sqlite", "-q"]) == 0
    assert capsys.readouterr() == ("", "")
    assert [(s.info.year, s.info.stage) for s in _stored(tmp_path / "b.sqlite")][3:] == [(2025, "final"), (2025, "self")]


@pytest.mark.parametrize(
    "argv",
    [["synthetic-commune"], ["goi.toml"], ["goi.xlsx", "--year", "2024"]],
)
def test_import_of_a_pack_without_inputs_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["history", "import", *argv]) == 2
    err = capsys.readouterr().err
    assert f"“{argv[0]}” là một gói tiêu chí, không phải tài liệu kết quả" in err
    assert f"parindex history import {argv[0]} don-vi/ --year 2024" in err
    assert not (tmp_path / "parindex-history.sqlite").exists()


def test_import_of_a_missing_input_is_refused_before_any_store_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["history", "import", "synthetic-commune", "khong-co.csv", "--year", "2024"]) == 2
    assert "khong-co.csv" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


BAD_DOCUMENTS = {
    "lineage": (
        ["history", "lineage"],
        "l.toml",
        '[[events]]\nkind = "merged"\ndate = 2025-07-01\npredecessors = ["a"]\nsuccessors = ["b"]\n',
        "l.toml, events thứ 1: sự kiện sáp nhập ngày 01/07/2025 có 1 đơn vị trước và 1 đơn vị sau",
    ),
    "lineage date": (
        ["history", "lineage"],
        "l.toml",
        '[[events]]\nkind = "merged"\ndate = "1/7/2025"\npredecessors = ["a", "b"]\nsuccessors = ["ab"]\n',
        "l.toml, events thứ 1, date: date “1/7/2025” không phải ngày (cần dạng 2025-07-01)",
    ),
    "not TOML": (["history", "lineage"], "l.toml", "x = [", "l.toml không phải TOML hợp lệ (dòng 1, cột 6)"),
    "plan": (
        ["targets"],
        "p.toml",
        'title = "t"\nprovince = "p"\nprovince_packs = []\nunit_packs = []\n[[targets]]\nkind = "top_m"\n',
        "p.toml, targets thứ 1: kind “top_m” không hợp lệ (cần một trong: top_n, rank_improvement, "
        "units_average_above_province, every_unit_improves)",
    ),
    "mapping": (
        ["yoy", "synthetic-commune", "--year", "2024", "--mapping"],
        "m.toml",
        '[from]\npack = "a"\n[to]\npack = "b"\nversion = "1"\n',
        "m.toml, from, version: thiếu khóa bắt buộc “version”",
    ),
    "results": (
        ["history", "import"],
        "r.json",
        '{"sets": [{"pack": "p", "version": "v", "year": 2024, "units": [{"id": "u"}], '
        '"figures": [{"unit": "u", "index": NaN}]}]}',
        "r.json, bộ kết quả thứ 1 [p (v), năm 2024, kết quả cuối cùng]; đơn vị “u”; chỉ số chung: "
        "index “NaN” không phải một số (NaN hoặc vô cực)",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_DOCUMENTS))
def test_bad_documents_are_named_in_the_users_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    command, name, content, expected = BAD_DOCUMENTS[kind]
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(content, encoding="utf-8")
    if command[:2] != ["history", "import"]:  # the others read an existing store
        with HistoryStore.open("h.sqlite", create=True) as opened:
            opened.add_record(ResultSetRecord("synthetic-commune", "synthetic-1", year=2024))
    argv = [*command, name, "--store", "h.sqlite"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert expected in err, err
    for leak in ("$.", "Traceback", "cattrs", "KeyError", "int | None", "{…}"):
        assert leak not in err
