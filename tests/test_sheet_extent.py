"""A sheet's extent is read from the file before any reader builds the sheet.

calamine builds a sheet as one dense block up to its last value: values in A1
and XFD1000000 ask for 1.6·10¹⁰ cells and the process is killed (an allocation
failure aborts it) before any check. The properties compare the scan with what
calamine itself builds on small random sheets, written in every way the formats
allow (references or none, quotes, prefixes, repeated cells); the hostile files
are refused from the scan alone, and every reader (inputs, survey answers,
criteria tables) is run on them in a child process whose memory is capped, so a
reader that builds the sheet first dies there instead of passing.
"""

from __future__ import annotations

import resource
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
import python_calamine
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.errors import InputError
from parindex.io import sheet_extent as scan
from parindex.io import criteria_table
from parindex.io.sheet_extent import check_sheet_extent, column_number, sheet_extent
from parindex.limits import Limits, use_limits
from workbook_support import ODS_VALUE, ods, xlsx

DATA = Path(__file__).parent / "data"
FAR = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1000000"><c r="XFD1000000"><v>1</v></c></row>'


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _calamine_extent(path: Path, sheet: str = "Sheet1") -> tuple[int, int]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        found = book.get_sheet_by_name(sheet)
        if found.height == 0:
            return 0, 0
        last_row, last_column = found.end
        return last_row + 1, last_column + 1
    finally:
        book.close()


# -- .xlsx: every way of writing a cell ---------------------------------------------------

_STYLES = ("plain", "r_last", "single", "prefixed", "spaced", "quoted_gt", "lower", "no_r")


@st.composite
def _cell(draw: st.DrawFn) -> tuple[str, bool]:
    """One cell element and whether it is an open cell without a value (calamine leaves
    it out; the scan may count it)."""
    style = draw(st.sampled_from(_STYLES))
    row, column = draw(st.integers(1, 40)), draw(st.integers(1, 25))
    ref = f"{_letters(column)}{row}"
    kind = draw(st.sampled_from(("value", "value", "value", "empty", "closed")))
    name = "x:c" if style == "prefixed" else "c"
    attributes = {
        "plain": f' r="{ref}" s="1"',
        "r_last": f' s="1" t="n" r="{ref}"',
        "single": f" r='{ref}'",
        "prefixed": f' r="{ref}"',
        "spaced": f'\n r = "{ref}"',
        "quoted_gt": f' foo="a>b/>" r="{ref}"',
        "lower": f' r="{ref.lower()}"',
        "no_r": ' s="2"',
    }[style]
    if kind == "closed":
        return f"<{name}{attributes}/>", False
    inner = "<v>7</v>" if kind == "value" else ""
    return f"<{name}{attributes}>{inner}</{name}>", kind == "empty"


@st.composite
def _sheet(draw: st.DrawFn) -> tuple[str, bool]:
    rows, has_empty = [], False
    for _ in range(draw(st.integers(0, 6))):
        number = draw(st.none() | st.integers(1, 40))
        cells = draw(st.lists(_cell(), max_size=5))
        has_empty = has_empty or any(empty for _, empty in cells)
        start = "<row" if number is None else f'<row r="{number}"'
        if not cells and draw(st.booleans()):
            rows.append(start + "/>")  # an empty row element still counts as a row
        else:
            rows.append(start + ">" + "".join(cell for cell, _ in cells) + "</row>")
    return "".join(rows), has_empty


@given(
    sheet=_sheet(),
    block=st.sampled_from((scan.BLOCK, 61, 200)),
    tail=st.sampled_from((scan.TAIL, 0, 40)),
    compress=st.booleans(),
)
@settings(deadline=None)
def test_the_xlsx_scan_finds_what_calamine_builds(
    sheet: tuple[str, bool], block: int, tail: int, compress: bool
) -> None:
    xml, has_empty = sheet
    saved = scan.BLOCK, scan.TAIL
    scan.BLOCK, scan.TAIL = block, tail  # small blocks: cells split across block ends
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = xlsx(Path(folder) / "s.xlsx", f'<row r="1"><c r="A1"><v>1</v></c></row>{xml}', compress=compress)
            found = sheet_extent(path, "Sheet1")
            built = _calamine_extent(path)
    finally:
        scan.BLOCK, scan.TAIL = saved
    assert found is not None
    assert found[0] >= built[0] and found[1] >= built[1]  # never less than calamine builds
    if not has_empty:
        assert found == built


# -- .ods: repeated rows and cells ---------------------------------------------------------


@st.composite
def _ods_rows(draw: st.DrawFn) -> tuple[str, bool]:
    rows, has_empty = [], False
    for _ in range(draw(st.integers(0, 5))):
        cells = []
        for _ in range(draw(st.integers(0, 4))):
            repeat = draw(st.integers(1, 4))
            kind = draw(st.sampled_from(("value", "blank", "styled", "open", "covered")))
            attribute = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
            if kind == "value":
                cells.append(ODS_VALUE.replace("<table:table-cell ", f"<table:table-cell{attribute} "))
            elif kind == "open":
                has_empty = True
                cells.append(f"<table:table-cell{attribute}></table:table-cell>")
            elif kind == "covered":
                cells.append(f"<table:covered-table-cell{attribute}/>")
            else:
                style = ' table:style-name="ce1"' if kind == "styled" else ""
                cells.append(f"<table:table-cell{style}{attribute}/>")
        repeat = draw(st.integers(1, 3))
        attribute = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
        rows.append(f"<table:table-row{attribute}>{''.join(cells)}</table:table-row>")
    return "".join(rows), has_empty


@given(rows=_ods_rows())
@settings(deadline=None)
def test_the_ods_scan_finds_what_calamine_builds(rows: tuple[str, bool]) -> None:
    xml, has_empty = rows
    with tempfile.TemporaryDirectory() as folder:
        path = ods(Path(folder) / "s.ods", f"<table:table-row>{ODS_VALUE}</table:table-row>{xml}")
        found = sheet_extent(path, "Sheet1")
        built = _calamine_extent(path)
    assert found is not None
    assert found[0] >= built[0] and found[1] >= built[1]
    if not has_empty:
        assert found == built


# -- .xls: the records of LibreOffice files, read through both allocation tables -----------


@pytest.mark.parametrize(
    ("name", "sheet", "expected"),
    [
        ("extent-small.xls", "Sheet1", (2, 2)),  # a stream under 4 KB: the mini stream
        ("extent-grid.xls", "Sheet1", (60, 25)),  # a larger stream: the main table
        ("extent-grid.xls", "Khác", (7, 3)),  # the second sheet, found by its name
    ],
)
def test_the_xls_scan_reads_the_sheet_records(name: str, sheet: str, expected: tuple[int, int]) -> None:
    path = DATA / name
    assert sheet_extent(path, sheet) == expected == _calamine_extent(path, sheet)


def _far_column_xls(tmp_path: Path, source: str) -> Path:
    """The file with one record of its first sheet moved to row and column 65,536: the RK
    record of B2 in extent-small.xls, the MULRK record (a run of numbers) of the last row
    in extent-grid.xls (row 60, A to Y: its row and its last column)."""
    data = bytearray((DATA / source).read_bytes())
    if source == "extent-small.xls":
        record = data.find(struct.pack("<HHHH", 0x027E, 10, 1, 1))
        column = record + 6
    else:
        record = data.find(struct.pack("<HHHH", 0x00BD, 156, 59, 0))
        column = record + 4 + 154
    assert record > 0
    struct.pack_into("<H", data, record + 4, 0xFFFF)
    struct.pack_into("<H", data, column, 0xFFFF)
    path = tmp_path / f"far-{source}"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("source", ["extent-small.xls", "extent-grid.xls"])
def test_an_xls_cell_beyond_column_255_is_seen(source: str, tmp_path: Path) -> None:
    path = _far_column_xls(tmp_path, source)
    assert sheet_extent(path, "Sheet1") == (65536, 65536)
    with pytest.raises(InputError):
        check_sheet_extent(path, "Sheet1")


# -- hostile sheets are refused from the scan alone ---------------------------------------


@pytest.mark.parametrize(
    "sheet_xml",
    [
        FAR,
        FAR.replace('r="XFD1000000"', 's="1" r="XFD1000000"'),
        FAR.replace('"', "'"),
        FAR.replace("<c ", '<x:c xmlns:x="urn:x" ').replace("</c>", "</x:c>"),
        FAR.replace('r="XFD1000000"', 'foo=">" r="XFD1000000"'),
        FAR.replace("XFD", "xfd"),
        # no references: the row element places the cells, one after the other
        '<row r="1"><c><v>1</v></c></row><row r="100000">' + "<c><v>1</v></c>" * 16384 + "</row>",
        # a single cell: the reference of the cell, not its row, places it
        '<row r="1"><c r="A1"><v>1</v></c><c r="XFD1000000"><v>1</v></c></row>',
    ],
    ids=["plain", "r-last", "single-quotes", "prefixed", "gt-in-attribute", "lower-case", "no-r", "cell-row"],
)
def test_a_far_cell_written_any_way_is_refused(sheet_xml: str, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "far.xlsx", sheet_xml, before='<dimension ref="A1"/>')
    with pytest.raises(InputError) as refused:
        check_sheet_extent(path, "Sheet1")
    problem = refused.value.problems[0]
    assert problem.message.code == "limit.exceeded" and "max_sheet_cells" in problem.render()
    assert problem.location is not None and (problem.location.file, problem.location.sheet) == ("far.xlsx", "Sheet1")


def test_a_repeated_ods_cell_is_counted_as_every_cell_it_stands_for(tmp_path: Path) -> None:
    repeated = ODS_VALUE.replace("<table:table-cell ", '<table:table-cell table:number-columns-repeated="16384" ')
    path = ods(tmp_path / "far.ods", f'<table:table-row table:number-rows-repeated="6000">{repeated}</table:table-row>')
    assert sheet_extent(path, "Sheet1") == (6000, 16384)
    with pytest.raises(InputError):
        check_sheet_extent(path, "Sheet1")


def test_calamine_reads_ods_elements_only_by_their_usual_names(tmp_path: Path) -> None:
    """What the .ods scan relies on: with the table namespace bound to another prefix,
    calamine sees no table, so a huge repeated row written so costs nothing."""
    repeated = ODS_VALUE.replace("<table:table-cell ", '<table:table-cell table:number-columns-repeated="16384" ')
    path = ods(tmp_path / "t.ods", f'<table:table-row table:number-rows-repeated="100000">{repeated}</table:table-row>')
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["content.xml"] = parts["content.xml"].replace(b"table:", b"t:").replace(b"xmlns:table=", b"xmlns:t=")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == []
    assert sheet_extent(path, "Sheet1") is None


def test_the_cap_is_the_limit_in_force(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "s.xlsx", '<row r="10"><c r="J10"><v>1</v></c></row>')
    assert check_sheet_extent(path, "Sheet1") == (10, 10)
    with use_limits(Limits(max_sheet_cells=99)), pytest.raises(InputError):
        check_sheet_extent(path, "Sheet1")


def test_a_falsified_dimension_neither_refuses_nor_widens_a_table(tmp_path: Path) -> None:
    """openpyxl pads every row to the width ``<dimension>`` claims: read within the real extent."""
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{code}</t></is></c>'
        f'<c r="B{n}" t="inlineStr"><is><t>{title}</t></is></c></row>'
        for n, (code, title) in enumerate([("Mã", "Tiêu chí"), ("1", "Lĩnh vực một")], start=1)
    )
    path = xlsx(tmp_path / "tieu-chi.xlsx", rows, before='<dimension ref="A1:XFD1048576"/>')
    assert sheet_extent(path, "Sheet1") == (2, 2)
    rows, _ = criteria_table._raw_rows(path)
    assert [len(row) for row in rows] == [2, 2]


def test_column_numbers() -> None:
    assert [column_number(x) for x in (b"A", b"z", b"AA", b"XFD", b"xfd")] == [1, 26, 27, 16384, 16384]


# -- every reader, in a process whose memory is capped --------------------------------------

_MEMORY = 2_000_000_000  # far above what parindex needs, far below what the hostile files ask


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_MEMORY, _MEMORY))


def _hostile_files(folder: Path) -> dict[str, Path]:
    repeated = ODS_VALUE.replace("<table:table-cell ", '<table:table-cell table:number-columns-repeated="16384" ')
    return {
        "xlsx": xlsx(folder / "xa.xlsx", FAR),
        "ods": ods(folder / "xa.ods", f'<table:table-row table:number-rows-repeated="6000">{repeated}</table:table-row>'),
        "xls": _far_column_xls(folder, "extent-small.xls"),
    }


@pytest.mark.parametrize(
    ("command", "kind"),
    [
        (["score", "synthetic-commune"], "xlsx"),
        (["score", "synthetic-commune"], "ods"),
        (["score", "synthetic-commune"], "xls"),
        (["survey", "aggregate", "synthetic-commune-survey"], "xlsx"),
        (["pack-lint"], "xlsx"),
    ],
    ids=["inputs-xlsx", "inputs-ods", "inputs-xls", "survey-answers", "criteria-table"],
)
def test_every_reader_refuses_a_huge_sheet_before_building_it(
    command: list[str], kind: str, tmp_path: Path
) -> None:
    path = _hostile_files(tmp_path)[kind]
    script = "import sys; from parindex.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", script, *command, str(path)],
        preexec_fn=_capped,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "max_sheet_cells" in done.stderr and path.name in done.stderr
    assert "Traceback" not in done.stderr
