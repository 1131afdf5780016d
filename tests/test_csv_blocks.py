"""The long-CSV fast path reads block by block: any block size gives what one block gives.

Blocks are forced down to a few bytes, so their boundaries fall inside quoted fields,
between a carriage return and its line feed, inside a multi-byte UTF-8 character, in
the header, at blank lines and in a last line without a line break; the row numbers,
distinct texts and line numbers (global, across blocks) must equal one-block reading,
and a file the fast path declines must be declined whatever the block size.
"""

from __future__ import annotations

import csv
import functools
import io
import tempfile
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_io_hypothesis import _collected_view

import parindex
from parindex.compiled import CompiledPack
from parindex.errors import InputError
from parindex.io import csv_bytes
from parindex.io.assemble import assemble
from parindex.io.csv_long import collect_long_csv

ONE_BLOCK = 1 << 24  # more than any file here


@functools.cache
def _commune() -> CompiledPack:
    return parindex.compile_pack(parindex.get_pack("synthetic-commune"))


def _split(
    data: bytes, width: int, block: int, long_field: int = 64, max_field: int = 1000
) -> object:
    with (
        mock.patch.object(csv_bytes, "BLOCK_BYTES", block),
        mock.patch.object(csv_bytes, "LONG_FIELD", long_field),
    ):
        result = csv_bytes.split_safely(io.BytesIO(data), width, list(range(width)), max_field)
    if result is None:
        return None
    columns, lines = result
    return [(ids.astype(np.int64).tolist(), texts) for ids, texts in columns], lines.astype(
        np.int64
    ).tolist()


def test_tiny_blocks_cut_quotes_crlf_utf8_header_blank_lines_and_the_last_line() -> None:
    data = (
        "\ufeffunit,code,giá trị\r\n"
        'X01,1.1.1,"87,5"\r\n'
        "\r\n"
        "Xã Đông,2.3,đạt\r\n"
        "\r\n"
        '"X01",1.1.2,"không phát sinh"\r\n'
        "Xã Đông,2.3,đạt"
    ).encode("utf-8")
    expected = (
        [
            ([0, 1, 0, 1], ["X01", "Xã Đông"]),
            ([0, 1, 2, 1], ["1.1.1", "2.3", "1.1.2"]),
            ([0, 1, 2, 1], ["87,5", "đạt", "không phát sinh"]),
        ],
        [2, 4, 6, 7],
    )
    one = _split(data, 3, ONE_BLOCK)
    assert one == expected
    for block in range(1, len(data) + 2):
        assert _split(data, 3, block) == one, block
        assert _split(data, 3, block, long_field=2) == one, block


def test_the_last_line_of_a_later_block_keeps_its_global_number() -> None:
    rows = [f"U{i % 7},1.{i % 3},{i % 5}" for i in range(500)]
    data = ("unit,code,value\n" + "\n".join(rows) + "\n").encode()
    result = _split(data, 3, 37)
    assert result is not None
    columns, lines = result  # type: ignore[misc]
    assert lines == list(range(2, 502))
    assert columns[0][1] == [f"U{i}" for i in range(7)]
    assert columns[0][0] == [i % 7 for i in range(500)]


def test_a_long_line_spans_many_reads() -> None:
    note = "ghi chú " * 400
    data = f'unit,code,note\nX01,1.1.1,"{note}"\nX02,1.1.1,{note}\nX03,1.1.1,ngắn\n'.encode()
    one = _split(data, 3, ONE_BLOCK, max_field=10_000)
    assert one is not None and one[0][2] == ([0, 0, 1], [note, "ngắn"])  # type: ignore[index]
    for block in (1, 5, 64, 300):
        assert _split(data, 3, block, max_field=10_000) == one


def test_a_file_declined_late_is_declined_whatever_the_block() -> None:
    good = "".join(f"U{i},1.1.1,{i}\n" for i in range(300))
    for bad in (
        "U9,1.1.1\n",
        'U9,1.1.1,"a"b\n',
        "U9,1.1.1,\xff\n",
        "U9,1.1.1,1\r2\n",
        "U9,\x00,1\n",
    ):
        data = ("unit,code,value\n" + good + bad + good).encode("utf-8", "surrogateescape")
        if "\xff" in bad:
            data = data.replace("\xff".encode(), b"\xff")
        for block in (1, 7, 100, 4096, ONE_BLOCK):
            assert _split(data, 3, block) is None, (bad, block)


cell = st.one_of(
    st.text(st.sampled_from(list('X01 .,đạtkpsĐ%\t-9"ế')), max_size=8),
    st.sampled_from(["1.1.1", "2.3", "không phát sinh", "X01", "", "87,5", "ghi chú dài " * 8]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    width=st.integers(1, 4),
    rows=st.lists(st.lists(cell, min_size=1, max_size=5), max_size=25),
    endings=st.lists(st.sampled_from(["\n", "\r\n", "\n\n", "\r\n\r\n"]), min_size=1, max_size=4),
    final=st.booleans(),
    bom=st.booleans(),
    quoting=st.sampled_from([None, csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    block=st.integers(1, 80),
    long_field=st.sampled_from([0, 3, 64]),
)
def test_any_block_size_reads_what_one_block_reads(
    width: int,
    rows: list[list[str]],
    endings: list[str],
    final: bool,
    bom: bool,
    quoting: int | None,
    block: int,
    long_field: int,
) -> None:
    cells = [
        (row + [""] * width)[:width] for row in [["unit", "code", "value", "na"][:width], *rows]
    ]
    if quoting is None:  # joined as they are: stray quotes and commas make ragged rows
        lines = [",".join(row) for row in cells]
    else:
        lines = []
        for row in cells:
            buffer = io.StringIO()
            csv.writer(buffer, quoting=quoting, lineterminator="").writerow(row)
            lines.append(buffer.getvalue())
    text = "".join(line + endings[i % len(endings)] for i, line in enumerate(lines))
    if not final:
        text = text.rstrip("\r\n")
    data = ("\ufeff" if bom else "").encode() + text.encode("utf-8")
    one = _split(data, width, ONE_BLOCK)
    assert _split(data, width, block, long_field) == one


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(cell, min_size=3, max_size=4), max_size=15),
    ending=st.sampled_from(["\n", "\r\n"]),
    block=st.integers(1, 60),
)
def test_collected_entries_and_problems_do_not_depend_on_the_block(
    rows: list[list[str]], ending: str, block: int
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=ending).writerows([["unit", "code", "value"], *rows])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        path.write_bytes(buffer.getvalue().encode("utf-8"))
        whole = collect_long_csv(_commune(), path)
        with mock.patch.object(csv_bytes, "BLOCK_BYTES", block):
            blocks = collect_long_csv(_commune(), path)
    assert _collected_view(blocks) == _collected_view(whole)


def test_a_late_byte_that_is_not_utf8_is_located_whatever_the_block(tmp_path: Path) -> None:
    head = "unit,code,value\n" + "".join(f"Xã {i},1.1.1,đạt\r\n" for i in range(200))
    data = head.encode() + b"X\xc3,1.1.1,1\n" + "Xã,1.1.1,đạt\n".encode()
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    for block in (1, 3, 50, ONE_BLOCK):
        with mock.patch.object(csv_bytes, "BLOCK_BYTES", block):
            problems = collect_long_csv(_commune(), path).problems
        assert [p.message.code for p in problems] == ["csv.not_utf8"]
        assert problems[0].location is not None and problems[0].location.row == 202
        assert problems[0].message.params["byte"] == len(head.encode()) + 2


def test_problems_of_rows_marked_na_point_at_the_mark_others_at_the_value(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    rows = ["X01,1.1.1,đạt,value,", "X01,1.2,,bonus,x", "X01,1.1.2,nhiều,value,", "X02,1.2,,deduction,x"]
    path.write_text("unit,code,value,entry,na\n" + "\n".join(rows) + "\n", encoding="utf-8")
    collected = collect_long_csv(_commune(), path)
    with pytest.raises(InputError) as raised:
        assemble(_commune(), [collected], allow_missing=True)
    where = sorted((p.location.row, p.location.column) for p in raised.value.problems if p.location)
    assert where == [(3, "E"), (4, "C"), (5, "E")]
