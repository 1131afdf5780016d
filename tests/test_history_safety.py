"""The store is safe: it recognises itself, never creates itself by accident, imports in one
transaction, and lets concurrent imports and readers wait their turn (issue 13, item 4)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import struct
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from history_support import postgres_url, store, store_target  # noqa: F401 - fixtures

import parindex
from parindex.cli import main
from parindex.history import (
    FigureRecord,
    HistoryStore,
    Origin,
    ResultsDocument,
    ResultSetRecord,
    UnitRecord,
    document_to_json,
)
from parindex.history.problems import HistoryImportError
from parindex.history.schema import create_statements
from parindex.history.sqlite_file import APPLICATION_ID
from parindex.io.results_out import write_results_json
from parindex.synthetic import synthetic_input

SIDE_FILES = ("-wal", "-shm", "-journal")


def _record(year: int, label: str = "", *, units: int = 3, **figure: object) -> ResultSetRecord:
    ids = [f"u{i}" for i in range(units)]
    figures = [FigureRecord(u, "", index=Decimal("80.00"), rank=i + 1, ranked_of=units) for i, u in enumerate(ids)]
    if figure:
        figures[0] = FigureRecord("u0", "1", **figure)  # type: ignore[arg-type]
    return ResultSetRecord(
        pack="publication",
        version="v",
        origin=Origin.PUBLISHED,
        year=year,
        label=label,
        units=tuple(UnitRecord(u) for u in ids),
        figures=tuple(figures),
    )


def _contents(target: str) -> list[tuple[object, ...]]:
    """Everything a store holds, in a comparable form."""
    with HistoryStore.open(target) as opened:
        return [
            (info.year, info.pack, info.stage, info.label, opened.load(info.id).figures)
            for info in opened.sets()
        ] + [("lineage", opened.lineage().events)]


# -- a store is only created where nothing is ----------------------------------------

READERS = [
    ["history", "list"],
    ["yoy", "synthetic-commune", "--year", "2024"],
    ["targets", str(Path(__file__).resolve().parents[1] / "docs" / "examples" / "soctrang-targets.toml")],
]


@pytest.mark.parametrize("command", [*READERS, ["history", "lineage", "LINEAGE"], ["report", "REPORT"]])
def test_commands_that_read_a_store_never_create_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    missing = tmp_path / "typo.sqlite"
    if command[-1] == "LINEAGE":
        lineage = tmp_path / "l.toml"
        lineage.write_text('[[events]]\nkind = "renamed"\ndate = 2025-07-01\npredecessors = ["a"]\nsuccessors = ["b"]\n')
        command = [*command[:-1], str(lineage)]
    if command[-1] == "REPORT":
        out = tmp_path / "r.html"
        command = ["report", "synthetic-commune", "--demo", "5", "-o", str(out), "--year", "2024", "--previous"]
        argv = [*command, str(missing)]
    else:
        argv = [*command, "--store", str(missing)]
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith(f"parindex: lỗi: không có kho lịch sử tại {missing}")
    assert list(tmp_path.iterdir()) == ([tmp_path / "l.toml"] if "lineage" in command else [])


def test_reading_commands_on_postgres_never_create_tables(capsys: pytest.CaptureFixture[str]) -> None:
    for url in postgres_url():
        for command in READERS:
            assert main([*command, "--store", url]) == 2
            assert "không có kho lịch sử tại postgresql://" in capsys.readouterr().err
        import psycopg

        with psycopg.connect(url) as connection:
            assert connection.execute("SELECT to_regclass('parindex_meta')").fetchone() == (None,)


def test_import_creates_a_store_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = tmp_path / "r.json"
    document.write_text(document_to_json(ResultsDocument((_record(2024),))), encoding="utf-8")
    target = tmp_path / "h.sqlite"
    assert main(["history", "import", str(document), "--store", str(target)]) == 0
    assert capsys.readouterr().err.startswith(f"đã tạo kho lịch sử mới tại {target}\nđã nhập #1 ")
    header = target.read_bytes()[:100]
    assert struct.unpack(">I", header[68:72]) == (APPLICATION_ID,)  # PRAGMA application_id
    assert struct.unpack(">I", header[60:64]) == (2,)  # PRAGMA user_version: the format version
    assert header[18:20] == b"\x02\x02"  # WAL
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.sqlite", "r.json"]  # no temporary left
    assert main(["history", "import", str(document), "--store", str(tmp_path / "no" / "h.sqlite")]) == 2
    assert "thư mục" in capsys.readouterr().err and not (tmp_path / "no").exists()
    assert main(["history", "list", "--store", str(tmp_path)]) == 2
    assert "là một thư mục, không phải kho lịch sử" in capsys.readouterr().err


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# -- anything that is not a store is refused and left untouched ------------------------


def _real_store(path: Path) -> None:
    with HistoryStore.open(path, create=True) as opened:
        opened.add_record(_record(2023))
        opened.add_record(_record(2024))


def _other_application(path: Path, application_id: int = 0) -> None:
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA application_id = {application_id}")
    connection.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    connection.execute("CREATE TABLE figures (x)")
    connection.execute("INSERT INTO moz_places (url) VALUES ('https://dichvucong.gov.vn')")
    connection.commit()
    connection.close()


def _damaged(path: Path, how: str) -> None:
    _real_store(path)
    data = bytearray(path.read_bytes())
    if how == "truncated":
        del data[len(data) // 2 :]
    elif how == "bit-flipped":
        data[4096 * 3] ^= 0xFF  # the page type of the result_sets table's root page
    elif how == "newer":
        data[60:64] = struct.pack(">I", 99)
    path.write_bytes(bytes(data))


NOT_STORES = {
    "another application's database": (_other_application, "không phải kho lịch sử của parindex"),
    "another application's id": (
        lambda p: _other_application(p, 0x12345678),
        "cơ sở dữ liệu SQLite của một ứng dụng khác (application_id 0x12345678)",
    ),
    "garbage": (lambda p: p.write_bytes(os.urandom(50_000)), "không phải tệp cơ sở dữ liệu SQLite"),
    "a text file": (lambda p: p.write_text("Báo cáo kết quả CCHC 2024\n", "utf-8"), "không phải tệp cơ sở dữ liệu"),
    "an empty file": (lambda p: p.write_bytes(b""), "là một tệp rỗng"),
    "a truncated store": (lambda p: _damaged(p, "truncated"), "bị hỏng: tệp bị cắt cụt"),
    "a bit-flipped store": (lambda p: _damaged(p, "bit-flipped"), "bị hỏng (Page 4: btreeInitPage() returns error code 11)"),
    "a store of a newer format": (lambda p: _damaged(p, "newer"), "định dạng phiên bản 99"),
}


@pytest.mark.parametrize("kind", sorted(NOT_STORES))
def test_anything_but_a_store_is_refused_and_left_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    make, expected = NOT_STORES[kind]
    target = tmp_path / "h.sqlite"
    make(target)
    original = target.read_bytes()
    document = tmp_path / "r.json"
    document.write_text(document_to_json(ResultsDocument((_record(2025),))), encoding="utf-8")
    for command in ([*READERS[0]], [*READERS[1]], ["history", "import", str(document)], ["history", "import", str(document), "--replace"]):
        assert main([*command, "--store", str(target)]) == 2, command
        err = capsys.readouterr().err
        assert expected in err, (command, err)
        assert "Traceback" not in err and "sqlite3" not in err
    assert target.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.sqlite", "r.json"]  # no -wal, -journal


def test_a_postgres_database_of_another_application_is_refused() -> None:
    for url in postgres_url():
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("CREATE TABLE figures (x integer)")
        with pytest.raises(parindex.ParIndexError) as caught:
            HistoryStore.open(url, create=True)
        assert caught.value.code == "history.pg_not_a_store"
        with psycopg.connect(url) as connection:
            assert connection.execute("SELECT to_regclass('parindex_meta')").fetchone() == (None,)


def test_a_store_of_the_first_format_is_read_as_is_and_stamped_on_its_first_write(tmp_path: Path) -> None:
    """Stores made before the format was named (no application_id, rollback journal)."""
    target = tmp_path / "old.sqlite"
    connection = sqlite3.connect(target, isolation_level=None)
    for statement in create_statements("sqlite"):
        connection.execute(statement)
    connection.execute("INSERT INTO parindex_meta (key, value) VALUES ('schema', '1')")
    connection.close()
    with HistoryStore.open(target) as opened:
        assert opened.sets() == []
    assert struct.unpack(">I", target.read_bytes()[68:72]) == (0,)  # reading changed nothing
    with HistoryStore.open(target) as opened:
        opened.add_record(_record(2024))
    assert struct.unpack(">I", target.read_bytes()[68:72]) == (APPLICATION_ID,)
    with HistoryStore.open(target) as opened:
        assert [info.year for info in opened.sets()] == [2024]
        meta = dict(opened._execute("SELECT key, value FROM parindex_meta"))
    assert meta == {"format": "parindex-history-store", "version": "2"}


# -- one transaction per import ---------------------------------------------------------


def test_values_that_cannot_be_results_are_refused_naming_set_unit_and_criterion(store: HistoryStore) -> None:
    bad = [
        _record(2024, "a", rank=-5),
        _record(2024, "b", rank=0, ranked_of=63),
        _record(2024, "c", rank=64, ranked_of=63),
        _record(2024, "d", index=Decimal("250")),
        _record(2024, "e", index=Decimal("-0.01")),
        _record(2024, "f", index=Decimal("NaN")),
        _record(2024, "g", points=Decimal("Infinity")),
        _record(2024, "h", maximum=Decimal("-1")),
        _record(2024, "i", ranked_of=0),
    ]
    good = _record(2023)
    with pytest.raises(HistoryImportError) as caught:
        store.add_records([good, *bad], file="kq.json")
    problems = caught.value.problems
    assert [p.message.code for p in problems] == [
        "history.rank_below_one",
        "history.rank_below_one",
        "history.rank_beyond",
        "history.index_beyond",
        "history.index_negative",
        "history.not_finite",
        "history.not_finite",
        "history.maximum_negative",
        "history.ranked_of_below_one",
    ]
    assert {(p.unit, p.code) for p in problems} == {("u0", "1")}
    assert str(problems[0]) == (
        "kq.json, bộ kết quả thứ 2 [publication (v), năm 2024, kết quả cuối cùng, nhãn “a”]; "
        "đơn vị “u0”; tiêu chí 1: thứ hạng -5 không hợp lệ: thứ hạng bắt đầu từ 1"
    )
    assert problems[3].render("en").endswith("the index 250 is above what bonuses allow (100.00)")
    assert store.sets() == []  # the good set is not stored either
    # An index above 100 is accepted where the figure's own points show the bonus.
    store.add_record(_record(2024, "bonus", points=Decimal("51"), maximum=Decimal("50"), index=Decimal("102.00")))


def test_an_installed_pack_bounds_points_maxima_and_codes(store: HistoryStore, commune) -> None:
    """synthetic-commune: field 1 is worth 8 points, the whole index 100 with 2 bonus points."""
    assert commune.pack.total_bonus_cap == 2 and commune.node_max[commune.codes.index("1")] == 8 * commune.ticks_per_point
    record = ResultSetRecord(
        pack="synthetic-commune",
        version=commune.pack.version,
        year=2024,
        units=(UnitRecord("SYN-1"),),
        figures=(
            FigureRecord("SYN-1", "1", points=Decimal("8.5"), maximum=Decimal("8")),
            FigureRecord("SYN-1", "1.1", maximum=Decimal("2.25")),
            FigureRecord("SYN-1", "9.9.9", points=Decimal("1")),
            FigureRecord("SYN-1", "", points=Decimal("101.5"), maximum=Decimal("100"), index=Decimal("101.50")),
            FigureRecord("SYN-1", "2", points=Decimal("-0.25")),
        ),
    )
    with pytest.raises(HistoryImportError) as caught:
        store.add_record(record)
    codes = [(p.code, p.message.code) for p in caught.value.problems]
    assert codes == [
        ("1", "history.points_beyond"),
        ("1.1", "history.maximum_beyond"),
        ("9.9.9", "history.unknown_code"),
        ("2", "history.points_negative"),
    ]  # the whole index's 101.50 is within the pack's bonus cap of 2 points
    assert "tiêu chí 1: điểm 8,5 lớn hơn điểm tối đa 8 cộng điểm thưởng tối đa 0" in str(caught.value)
    over = attrs.evolve(record, figures=(FigureRecord("SYN-1", "", points=Decimal("102.5"), maximum=Decimal("100"), index=Decimal("102.50")),))
    with pytest.raises(HistoryImportError) as caught:
        store.add_record(over)
    assert [p.message.code for p in caught.value.problems] == ["history.points_beyond", "history.index_beyond"]


def test_a_failure_inside_the_transaction_undoes_everything(
    store_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with HistoryStore.open(store_target, create=True) as opened:
        opened.add_record(_record(2022))
    before = _contents(store_target)
    inserted = 0
    original = HistoryStore._insert

    def insert_then_fail(self: HistoryStore, *args: object) -> int:
        nonlocal inserted
        inserted += 1
        if inserted == 2:
            raise KeyboardInterrupt  # Ctrl-C after the first set went in
        return original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(HistoryStore, "_insert", insert_then_fail)
    with HistoryStore.open(store_target) as opened, pytest.raises(KeyboardInterrupt):
        opened.add_records([_record(2023), _record(2024)])
    assert _contents(store_target) == before
    monkeypatch.undo()
    with HistoryStore.open(store_target) as opened:  # the same import, run again
        opened.add_records([_record(2023), _record(2024)])
    assert [c[0] for c in _contents(store_target)[:-1]] == [2022, 2023, 2024]


def _killed_mid_import(target: str) -> None:
    original = HistoryStore._insert

    def insert_then_die(self: HistoryStore, *args: object) -> int:
        set_id = original(self, *args)  # type: ignore[arg-type]
        os.kill(os.getpid(), signal.SIGKILL)
        return set_id

    HistoryStore._insert = insert_then_die  # type: ignore[method-assign]
    with HistoryStore.open(target) as opened:
        opened.add_records([_record(2023), _record(2024)])


def test_a_killed_import_leaves_the_store_as_it_was(store_target: str) -> None:
    with HistoryStore.open(store_target, create=True) as opened:
        opened.add_record(_record(2022))
    before = _contents(store_target)
    child = multiprocessing.get_context("fork").Process(target=_killed_mid_import, args=(store_target,))
    child.start()
    child.join(60)
    assert child.exitcode == -signal.SIGKILL
    assert _contents(store_target) == before
    with HistoryStore.open(store_target) as opened:
        assert len(opened.add_records([_record(2023), _record(2024)])) == 2


# -- concurrency ------------------------------------------------------------------------


def _documents(folder: Path, commune) -> list[Path]:
    """Three results documents (final and self views of 80 units), and the first one again."""
    paths = []
    for year in (2022, 2023, 2024):
        results = parindex.score(commune, synthetic_input(commune, 80, seed=year))
        paths.append(write_results_json(results, folder / f"kq-{year}.json", year))
    return [*paths, paths[0]]


def _import(barrier: object, document: Path, target: str, codes: object) -> None:
    barrier.wait()  # type: ignore[attr-defined]
    codes.put((document.name, main(["history", "import", str(document), "--store", target, "-q"])))  # type: ignore[attr-defined]


def test_four_imports_at_once_store_every_set_exactly_once(tmp_path: Path, store_target: str, commune) -> None:
    documents = _documents(tmp_path, commune)
    context = multiprocessing.get_context("fork")
    barrier, codes = context.Barrier(len(documents)), context.Queue()
    workers = [context.Process(target=_import, args=(barrier, d, store_target, codes)) for d in documents]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    results = sorted(codes.get(timeout=5) for _ in workers)
    # The same document twice: one import wins, the other is refused as a whole.
    assert results == [("kq-2022.json", 0), ("kq-2022.json", 2), ("kq-2023.json", 0), ("kq-2024.json", 0)]
    with HistoryStore.open(store_target) as opened:
        infos = opened.sets()
        keys = [(i.year, i.stage) for i in infos]
        assert sorted(keys) == sorted((y, s) for y in (2022, 2023, 2024) for s in ("final", "self"))
        counts = opened.unit_counts()
        assert all(counts[i.id] == 80 for i in infos)
        assert all(len(opened.load(i.id).figures) == 80 * commune.n_nodes for i in infos)


def test_a_writer_waits_for_another_and_gives_up_cleanly(store_target: str) -> None:
    with HistoryStore.open(store_target, create=True) as opened:
        opened.add_record(_record(2022))
    before = _contents(store_target)
    with HistoryStore.open(store_target) as holder, holder._write():
        holder._execute("DELETE FROM figures WHERE 1 = 0")  # holds the write lock
        with HistoryStore.open(store_target, timeout=0.3) as waiting:
            assert [i.year for i in waiting.sets()] == [2022]  # readers do not wait
            with pytest.raises(parindex.ParIndexError) as caught:
                waiting.add_record(_record(2023))
    assert caught.value.code == "history.store_busy"
    assert _contents(store_target) == before
