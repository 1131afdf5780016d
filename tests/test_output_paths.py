"""Outputs never overwrite inputs, are checked before any work, and are written atomically."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from parindex.cli import main
from parindex.compiled import CompiledPack
from parindex.errors import ParIndexError
from parindex.io import write_template
from parindex.io.atomic import atomic_path, write_text_atomic
from parindex.io.paths import check_output, filled_entries

PACK = "bnv-province-1150-2019"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def scores_csv(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    rows = ["unit,name,code,value"]
    for code, maximum in zip("12345678", (7, 5, 14, 7.5, 8, 8.5, 9, 6), strict=True):
        rows.append(f"BD,Bình Định,{code},{maximum}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def umask() -> Iterator[None]:
    saved = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(saved)


def _fill(template: Path, unit: str | None = "X01", value: object = None) -> None:
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    meta = {row[0]: row[1] for row in book["parindex"].iter_rows(values_only=True)}
    header = int(meta["header_row"])
    if unit is not None:
        row = next(r for r in range(1, header) if sheet.cell(row=r, column=1).value == "Mã đơn vị")
        sheet.cell(row=row, column=2, value=unit)
    if value is not None:
        names = [sheet.cell(row=header, column=c).value for c in range(1, sheet.max_column + 1)]
        column = names.index("Điểm/giá trị tự đánh giá") + 1
        sheet.cell(row=header + 1, column=column, value=value)
    book.save(template)


# -- inputs are never overwritten ---------------------------------------------------------


@pytest.mark.parametrize("command", ["score", "report"])
def test_output_equal_to_an_input_is_refused_and_the_input_kept(
    command: str, scores_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = scores_csv.read_bytes()
    target = scores_csv if command == "score" else scores_csv.with_suffix(".html")
    if command == "report":
        target.symlink_to(scores_csv)
    code, out, err = run(capsys, command, PACK, str(scores_csv), "-o", str(target))
    assert code == 2
    assert scores_csv.read_bytes() == before
    assert "tệp đầu vào" in err and str(scores_csv) in err
    assert out == ""  # refused before any scoring or printing


def test_hard_link_and_symlink_to_an_input_are_recognised(scores_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = scores_csv.read_bytes()
    hard = scores_csv.with_name("hard.csv")
    os.link(scores_csv, hard)
    soft = scores_csv.with_name("soft.csv")
    soft.symlink_to(hard)
    for target in (hard, soft):
        code, _, err = run(capsys, "score", PACK, str(scores_csv), "-o", str(target))
        assert code == 2 and "tệp đầu vào" in err
    assert scores_csv.read_bytes() == before


def test_output_equal_to_a_file_inside_an_input_folder_is_refused(
    scores_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = scores_csv.read_bytes()
    code, _, err = run(capsys, "score", PACK, str(scores_csv.parent), "-o", str(scores_csv))
    assert code == 2 and "tệp đầu vào" in err
    assert scores_csv.read_bytes() == before


def test_pack_file_is_an_input_of_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = tmp_path / "pack.xlsx"
    assert main(["pack", "export", PACK, "-o", str(pack)]) == 0
    before = pack.read_bytes()
    capsys.readouterr()
    code, _, err = run(capsys, "template", str(pack), "-o", str(pack))
    assert code == 2 and "tệp đầu vào" in err
    assert pack.read_bytes() == before


def test_template_never_replaces_a_filled_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    filled = tmp_path / "filled.xlsx"
    assert main(["template", "synthetic-commune", "-o", str(filled)]) == 0
    capsys.readouterr()
    # A blank template is an earlier output: writing it again is allowed.
    assert filled_entries(filled) == 0
    assert main(["template", "synthetic-commune", "-o", str(filled)]) == 0
    _fill(filled, unit="X01", value="đạt")
    before = filled.read_bytes()
    assert filled_entries(filled) == 2
    code, _, err = run(capsys, "template", "synthetic-commune", "-o", str(filled))
    assert code == 2
    assert "phiếu nhập liệu đã điền (2 ô đã nhập)" in err
    assert filled.read_bytes() == before
    # nor does score write its results over it
    code, _, err = run(capsys, "score", "synthetic-commune", str(tmp_path / "none.csv"), "-o", str(filled))
    assert code == 2 and "phiếu nhập liệu đã điền" in err
    assert filled.read_bytes() == before


def test_filled_batch_workbook_and_other_workbooks(commune: CompiledPack, tmp_path: Path) -> None:
    batch = write_template(commune, tmp_path / "batch.xlsx", layout="batch", rows=3)
    assert filled_entries(batch) == 0
    book = openpyxl.load_workbook(batch)
    book.worksheets[0]["A4"] = "X01"
    book.save(batch)
    assert filled_entries(batch) == 1
    other = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    assert book.active is not None
    book.active["A1"] = "someone's sheet"
    book.save(other)
    assert filled_entries(other) == 0
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    assert filled_entries(tmp_path / "broken.xlsx") == 0
    check_output(tmp_path / "broken.xlsx", (".xlsx",))


# -- output paths checked first ------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("missing/r.csv", "thư mục"),
        ("folder", "đó là một thư mục"),
        ("r.txt", "phần mở rộng “.txt”"),
        ("in.csv/r.csv", "in.csv là một tệp, không phải thư mục"),
    ],
)
def test_bad_outputs_are_reported_before_reading(
    output: str, expected: str, scores_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (scores_csv.parent / "folder").mkdir()
    target = scores_csv.parent / output
    # the input does not even exist: the output is checked first
    code, out, err = run(capsys, "score", PACK, str(scores_csv.parent / "nope.csv"), "-o", str(target))
    assert code == 2, err
    assert expected in err and "nope.csv" not in err
    assert out == "" and "Traceback" not in err


@pytest.mark.parametrize(
    ("command", "suffix"),
    [(["template", "synthetic-commune"], ".xlsx"), (["report", "synthetic-commune", "--demo", "3"], ".html")],
)
def test_template_and_report_check_their_output_first(
    command: list[str], suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, *command, "-o", str(tmp_path / "missing" / f"x{suffix}"))
    assert code == 2 and "không tồn tại" in err
    code, _, err = run(capsys, *command, "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and "“.pdf”" in err
    assert list(tmp_path.iterdir()) == []


def test_folder_not_writable_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The suite may run as root, for whom every folder is writable: os.access is asked
    # as a non-root user would be answered.
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == tmp_path else real_access(path, mode))
    with pytest.raises(ParIndexError) as caught:
        check_output(tmp_path / "r.csv", (".csv",))
    assert caught.value.code == "output.folder_not_writable"


# -- atomic writes -------------------------------------------------------------------------


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_new_files_get_the_umask_permissions(mask: int, mode: int, tmp_path: Path, umask: None) -> None:
    os.umask(mask)
    target = tmp_path / "r.csv"
    write_text_atomic(target, "a")
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path, umask: None) -> None:
    target = tmp_path / "r.csv"
    target.write_text("old")
    target.chmod(0o640)
    write_text_atomic(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_symlink_is_written_through(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    real = tmp_path / "shared" / "ket-qua.csv"
    real.write_text("old")
    link = tmp_path / "ket-qua.csv"
    link.symlink_to(real)
    write_text_atomic(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert sorted(p.name for p in (tmp_path / "shared").iterdir()) == ["ket-qua.csv"]


def test_a_hard_linked_output_leaves_the_other_name_unchanged(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.csv"
    other.write_text("old")
    target = tmp_path / "r.csv"
    os.link(other, target)
    write_text_atomic(target, "new")
    assert (target.read_text(), other.read_text()) == ("new", "old")


class _WriterFailed(Exception):
    pass


@pytest.mark.parametrize("failure", ["exception", "interrupt", "oserror", "replace"])
def test_the_temporary_file_is_removed_on_every_failure(failure: str, tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"old")
    if failure == "replace":
        target.unlink()
        target.mkdir()  # os.replace cannot put a file over a folder
    expected: type[BaseException] = {
        "exception": _WriterFailed,
        "interrupt": KeyboardInterrupt,
        "oserror": ParIndexError,
        "replace": ParIndexError,
    }[failure]
    with pytest.raises(expected) as caught, atomic_path(target) as temporary:
        temporary.write_bytes(b"half")
        if failure == "exception":
            raise _WriterFailed
        if failure == "interrupt":
            raise KeyboardInterrupt
        if failure == "oserror":
            raise OSError(28, "No space left on device")
    if isinstance(caught.value, ParIndexError):
        assert caught.value.code == "output.write_failed"
        assert str(target) in caught.value.render("en")
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]
    if failure != "replace":
        assert target.read_bytes() == b"old"


def test_a_folder_that_vanished_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(ParIndexError) as caught:
        write_text_atomic(tmp_path / "gone" / "r.csv", "x")
    assert caught.value.code == "output.write_failed"
