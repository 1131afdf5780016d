"""Generated workbooks, CSVs, JSON and Python values, and any bytes: every reader either
succeeds or raises InputError with located problems, never another exception."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
from openpyxl.cell.cell import MergedCell
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parindex
from parindex.compiled import CompiledPack
from parindex.errors import InputError
from parindex.io import read_input, write_template

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def _commune() -> CompiledPack:
    return parindex.compile_pack(parindex.get_pack("synthetic-commune"))


@functools.cache
def _template(layout: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = write_template(_commune(), Path(folder) / "t.xlsx", layout=layout, rows=5)
        return path.read_bytes()


text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
cell_values = st.one_of(
    st.none(),
    text,
    st.sampled_from(["0,5", "1.000,5", "đạt", "x", "không phát sinh", "chậm", "1.1.1", "X01", "", "#DIV/0!"]),
    st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
)
scribbles = st.lists(
    st.tuples(st.integers(1, 70), st.integers(1, 70), cell_values), max_size=25
)


def _read(path: Path) -> None:
    try:
        read_input(_commune(), path)
    except InputError:
        pass


@FAST
@given(layout=st.sampled_from(["unit", "batch"]), edits=scribbles, meta_edits=st.lists(st.tuples(st.integers(1, 8), cell_values), max_size=3))
def test_scribbled_templates_never_crash(layout: str, edits: list[tuple[int, int, object]], meta_edits: list[tuple[int, object]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.xlsx"
        path.write_bytes(_template(layout))
        book = openpyxl.load_workbook(path)
        sheet = book.worksheets[0]
        for row, column, value in edits:
            if not isinstance(sheet.cell(row=row, column=column), MergedCell):  # title rows
                sheet.cell(row=row, column=column, value=value)
        for row, value in meta_edits:
            book["parindex"].cell(row=row, column=2, value=value)
        book.save(path)
        _read(path)


@FAST
@given(rows=st.lists(st.lists(cell_values, max_size=6), max_size=12), title=st.sampled_from(["Sheet", "parindex", "lists"]))
def test_arbitrary_workbooks_never_crash(rows: list[list[object]], title: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "w.xlsx"
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = title
        for row in rows:
            sheet.append(row)
        book.save(path)
        _read(path)


csv_text = st.text(st.sampled_from(list('unitcodevaluerpsd,;"\n\r 0123456789.,-đạtxX\x00')), max_size=300)


@FAST
@given(header=st.sampled_from(["unit,code,value", "unit,code,value,appraised,na", "unit,code,value,stage,entry", ""]), body=csv_text)
def test_generated_csv_never_crashes(header: str, body: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        path.write_text(header + "\n" + body, encoding="utf-8")
        _read(path)


@FAST
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".xlsx", ".csv", ".json"]))
def test_random_bytes_never_crash(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"in{suffix}"
        path.write_bytes(data)
        _read(path)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=12,
)


@FAST
@given(
    units=st.lists(
        st.dictionaries(
            st.sampled_from(["id", "name", "values", "appraised", "not_applicable", "stages", "bonus", "x"]),
            json_values | st.dictionaries(st.sampled_from(["1.1.1", "2.3", "1", ""]), json_values),
        ),
        max_size=3,
    ),
    pack=json_values | st.just("synthetic-commune"),
)
def test_generated_json_never_crashes(units: list[dict[str, object]], pack: object) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.json"
        path.write_text(json.dumps({"pack": pack, "units": units}), encoding="utf-8")
        _read(path)


# --- every reader: any bytes, any JSON value, any Python value ------------------------

any_text = st.text(max_size=30)  # any code point, lone surrogates and controls included
any_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**30, max_value=10**60)
    | st.floats()
    | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=20,
)


@FAST
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".xlsx", ".xlsm", ".ods", ".xls", ".csv", ".json"]))
def test_any_bytes_in_any_reader_give_results_or_located_problems(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"in{suffix}"
        path.write_bytes(data)
        _read(path)


@FAST
@given(document=any_json)
def test_any_json_value_as_the_document_gives_results_or_located_problems(document: object) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        _read(path)


@FAST
@given(
    units=st.lists(
        st.dictionaries(
            st.sampled_from(["id", "name", "group", "values", "appraised", "not_applicable", "stages", "bonus", "deduction"]),
            any_json | st.dictionaries(st.sampled_from(["1.1.1", "2.3", "1", "", "9.9"]), any_json),
        ),
        max_size=3,
    ),
    duplicate=st.booleans(),
)
def test_any_json_unit_entries_give_results_or_located_problems(units: list[dict[str, object]], duplicate: bool) -> None:
    text = json.dumps({"pack": "synthetic-commune", "units": units})
    if duplicate:
        text = text.replace('{"pack"', '{"pack": 1, "pack"', 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.json"
        path.write_text(text, encoding="utf-8")
        _read(path)


python_values = st.one_of(
    any_json,
    st.decimals(),
    st.floats(width=32),
    st.integers(-(2**63), 2**63 - 1).map(np.int64),
    st.floats(width=32).map(np.float32),
    st.datetimes(),
    st.binary(max_size=5),
    st.just(parindex.NOT_APPLICABLE),
)


@FAST
@given(entries=st.dictionaries(any_text | st.integers(), st.dictionaries(any_text, python_values, max_size=4), max_size=3))
def test_any_python_values_give_results_or_located_problems(entries: dict[object, dict[str, object]]) -> None:
    try:
        parindex.from_mappings(_commune(), entries, allow_missing=True)  # type: ignore[arg-type]
    except InputError as exc:
        assert all(str(problem) for problem in exc.problems)


# --- the numpy path for plain CSV reads exactly what the csv module reads -------------

plain_cell = st.one_of(
    st.text(st.sampled_from(list("X01 .,đạtkps%\t-9\"")), max_size=6),
    st.sampled_from(["1.1.1", "2.3", "không phát sinh", "X01", "x01", "", "87,5", '"0,5"']),
)


def _collected_view(collected: object) -> tuple[object, ...]:
    from parindex.io.assemble import Collected

    assert isinstance(collected, Collected)
    entries = []
    for batch in collected.entries:
        for index in range(len(batch)):
            columns = [batch.unit, batch.code, batch.value]
            entries.append(
                (
                    *(column[index] for column in columns),
                    batch.stage if isinstance(batch.stage, str | None) else batch.stage[index],
                    batch.entry if isinstance(batch.entry, str) else batch.entry[index],
                    str(batch.location(index)),
                )
            )
    return (
        sorted(map(str, entries)),
        sorted((key, str(unit), str(where)) for key, (unit, where) in collected.units.items()),
        sorted(str(problem) for problem in collected.problems),
    )


@FAST
@given(
    header=st.sampled_from(["unit,code,value", "unit,code,value,na", "mã đơn vị,mã,giá trị,tên đơn vị", "unit,code,value,appraised"]),
    rows=st.lists(st.lists(plain_cell, min_size=3, max_size=5), max_size=20),
    ending=st.sampled_from(["\n", "\r\n"]),
    final=st.booleans(),
    quoting=st.sampled_from([None, csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_plain_csv_fast_path_reads_what_the_csv_module_reads(
    header: str, rows: list[list[str]], ending: str, final: bool, quoting: int | None
) -> None:
    import io

    from parindex.io import csv_bytes
    from parindex.io.csv_long import collect_long_csv

    width = header.count(",") + 1
    cells = [(row + [""] * width)[:width] for row in rows]
    if quoting is None:  # joined as they are: stray quotes and commas make ragged rows
        text = ending.join([header] + [",".join(row) for row in cells]) + (ending if final else "")
    else:
        buffer = io.StringIO()
        csv.writer(buffer, quoting=quoting, lineterminator=ending).writerows(
            [header.split(","), *cells]
        )
        text = buffer.getvalue() if final else buffer.getvalue().removesuffix(ending)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        path.write_bytes(text.encode("utf-8"))
        fast = collect_long_csv(_commune(), path)
        original = csv_bytes.split_safely
        csv_bytes.split_safely = lambda *args: None  # type: ignore[assignment]
        try:
            slow = collect_long_csv(_commune(), path)
        finally:
            csv_bytes.split_safely = original
    assert _collected_view(fast) == _collected_view(slow)


def test_the_fast_path_takes_plain_and_simply_quoted_files_only(tmp_path: Path) -> None:
    from parindex.io import csv_bytes

    assert csv_bytes.split(b"unit,code,value\nX,1.1,2\n\nY,1.1,3", 3, [0, 2], 100) is not None
    split = csv_bytes.split(b'unit,code,value\nX,1.1,"0,5"\n', 3, [2], 100)
    assert split is not None and split[0][0][1] == ["0,5"]
    assert csv_bytes.split(b'unit,code,value\nX,1.1,"0,""5"\n', 3, [0], 100) is None
    assert csv_bytes.split(b'unit,code,value\nX,1.1,"0\n5"\n', 3, [0], 100) is None
    assert csv_bytes.split(b"unit,code,value\nX,1.1\n", 3, [0], 100) is None
    assert csv_bytes.split(b"unit,code,value\rX,1.1,2\r", 3, [0], 100) is None
