"""Damaged workbooks are user errors wherever a workbook is read, even when the reader panics.

python-calamine (Rust) panics on some damaged files: pyo3 raises its
``PanicException``, a BaseException and not an Exception, which slipped past
every ``except Exception`` and ended in a raw traceback. ``data/calamine-panic.xls``
is a one-cell .xls written by LibreOffice with one byte changed (offset 1632 set to
0x42), found by mutating workbooks: calamine 0.37 panics opening it ("slice index
starts at 4224 but ends at 2368", in its compound-file reader). Had calamine fixed
it, its error would take the same way out, and the tests below would still hold.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from workbook_support import xlsx

import parindex
from parindex.cli import main
from parindex.compiled import CompiledPack
from parindex.errors import InputError, ParIndexError
from parindex.io import read_input, xlsx_input
from parindex.io.criteria_table import read_table
from parindex.survey import get_survey, read_answers

PANIC_XLS = Path(__file__).parent / "data" / "calamine-panic.xls"


class PanicException(BaseException):
    """What pyo3 raises when Rust code panics (same name, same base class)."""


def _assert_user_error(err: str, *expected: str) -> None:
    for part in expected:
        assert part in err, err
    for leak in ("Traceback", "PanicException", "pyo3", "internal", "nội bộ"):
        assert leak not in err, err


def test_a_workbook_calamine_panics_on_is_refused_with_a_located_message(
    commune: CompiledPack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(InputError) as refused:
        read_input(commune, PANIC_XLS)
    problem = refused.value.problems[0]
    assert problem.message.code == "workbook.cannot_open"
    assert problem.location is not None and problem.location.file == "calamine-panic.xls"
    assert main(["score", "synthetic-commune", str(PANIC_XLS)]) == 2
    _assert_user_error(
        capsys.readouterr().err, "calamine-panic.xls: không mở được tệp này như một sổ tính Excel"
    )
    # Beside a sound input, the damaged one is named among the problems, the rest still read.
    folder = tmp_path / "don-vi"
    folder.mkdir()
    (folder / "a.xls").write_bytes(PANIC_XLS.read_bytes())
    assert main(["score", "synthetic-commune", str(folder), "--lang", "en"]) == 2
    _assert_user_error(capsys.readouterr().err, "a.xls: cannot open the file as a workbook")


def test_survey_answers_in_a_workbook_calamine_panics_on(tmp_path: Path) -> None:
    definition = get_survey("synthetic-commune-survey")
    with pytest.raises(InputError) as refused:
        read_answers(definition, PANIC_XLS)
    assert [p.message.code for p in refused.value.problems] == ["workbook.cannot_open"]
    assert "calamine-panic.xls" in refused.value.render()


@pytest.mark.parametrize("where", ["get_sheet_by_name", "to_python"])
def test_a_panic_while_a_sheet_is_read_names_the_file_and_sheet(
    commune: CompiledPack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """A panic after the workbook opened (reading a sheet), in the inputs and the survey."""
    path = parindex.io.write_template(commune, tmp_path / "mau.xlsx")
    original = xlsx_input._open

    def opened(file: Path) -> Any:
        book = original(file)

        class Sheet:
            def __init__(self, sheet: Any) -> None:
                self.end = sheet.end

            def to_python(self, **_: object) -> list[list[object]]:
                raise PanicException("index out of bounds")

        class Book:
            path = book.path
            sheet_names = book.sheet_names

            def get_sheet_by_name(self, name: str) -> Any:
                if name == "parindex":  # the template's own sheet reads well
                    return book.get_sheet_by_name(name)
                if where == "get_sheet_by_name":
                    raise PanicException("index out of bounds")
                return Sheet(book.get_sheet_by_name(name))

            def close(self) -> None:
                book.close()

        return Book()

    monkeypatch.setattr(xlsx_input, "_open", opened)
    with pytest.raises(InputError) as refused:
        read_input(commune, path)
    problem = refused.value.problems[0]
    assert problem.message.code == "workbook.cannot_read_sheet"
    assert problem.location is not None and (problem.location.file, problem.location.sheet) == (
        "mau.xlsx",
        "Đánh giá",
    )
    answers = xlsx(tmp_path / "tra-loi.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>')
    with pytest.raises(InputError) as refused:
        read_answers(get_survey("synthetic-commune-survey"), answers)
    problem = refused.value.problems[0]
    assert problem.message.code == "workbook.cannot_read_sheet"
    assert problem.location is not None and problem.location.sheet == "Sheet1"


def test_ctrl_c_while_a_workbook_is_read_is_not_a_damaged_file(
    commune: CompiledPack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = parindex.io.write_template(commune, tmp_path / "mau.xlsx")

    def interrupted(_: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(xlsx_input.python_calamine.CalamineWorkbook, "from_path", interrupted)
    with pytest.raises(KeyboardInterrupt):
        read_input(commune, path)


def test_one_value_far_away_is_refused_before_its_sheet_is_built(commune: CompiledPack, tmp_path: Path) -> None:
    """A sheet is read from A1: one value in XFD1048576 would be 1.7·10¹⁰ cells."""
    path = xlsx(tmp_path / "xa.xlsx", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    with pytest.raises(InputError) as refused:
        read_input(commune, path)
    problem = refused.value.problems[0]
    assert problem.message.code == "limit.exceeded" and "max_sheet_cells" in problem.render()
    assert problem.location is not None and (problem.location.file, problem.location.sheet) == ("xa.xlsx", "Sheet1")


@pytest.mark.parametrize(
    "cells",
    [
        '<row r="1"><c r="A1" t="s"><v>99</v></c></row>',  # no such shared string
        '<row r="1"><c r="A1" t="n"><v>abc</v></c></row>',  # a number that is not one
        '<row r="1"><c r="A1" t="d"><v>xx</v></c></row>',  # a date that is not one
    ],
)
def test_a_damaged_criteria_table_is_a_user_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cells: str
) -> None:
    """openpyxl reads a read-only sheet lazily: its damage shows only when rows are read."""
    path = xlsx(tmp_path / "tieu-chi.xlsx", cells, shared="" if 't="s"' in cells else None)
    with pytest.raises(ParIndexError) as refused:
        read_table(path)
    assert refused.value.code == "authoring.unreadable_workbook"
    assert main(["pack-lint", str(path)]) == 2
    _assert_user_error(capsys.readouterr().err, "không mở được tieu-chi.xlsx như một tệp Excel")
    assert main(["score", str(path), str(tmp_path / "x.csv")]) == 2
    _assert_user_error(capsys.readouterr().err, "không mở được tieu-chi.xlsx")


def test_a_damaged_workbook_as_output_is_checked_without_a_crash(
    commune: CompiledPack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o onto a damaged workbook: the entry-workbook check reads it; damage is no crash."""
    damaged = '<row r="1"><c r="A1" t="s"><v>99</v></c></row>'  # no such shared string
    path = xlsx(tmp_path / "mau.xlsx", damaged, shared="", sheet="parindex")  # as templates name it
    assert main(["template", "synthetic-commune", "-o", str(path), "-q"]) == 0


def test_a_panic_anywhere_else_is_an_internal_error_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import parindex.cli.basic as basic

    def panicking(args: object) -> int:
        raise PanicException("attempt to subtract with overflow")

    monkeypatch.setattr(basic, "cmd_packs", panicking)
    assert main(["packs"]) == 1
    err = capsys.readouterr().err
    assert "vui lòng báo lỗi" in err and "PanicException: attempt to subtract" in err
    assert "Traceback" not in err
