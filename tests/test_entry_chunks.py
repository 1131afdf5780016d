"""Entries are read a chunk at a time (``inputs.CHUNK_ENTRIES``): any chunk size gives the
same scoring input, or the same problems in the same order, as reading them all at once,
including entries given twice across chunks, bonus and deduction entries, several stages,
refused values and codes."""

from __future__ import annotations

import functools
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parindex
from parindex import inputs
from parindex.compiled import CompiledPack
from parindex.errors import InputError, Location
from parindex.inputs import Entries, Unit, from_entries
from parindex.messages import use_lang

ALL_AT_ONCE = 1 << 30


@functools.cache
def _commune() -> CompiledPack:
    return parindex.compile_pack(parindex.get_pack("synthetic-commune"))


def _read(entries: list[tuple[str, str, str, str, str]], chunk: int, listed: bool) -> object:
    """What reading gives: every stage's arrays and locations, or the problems' texts."""
    compiled = _commune()
    columns = list(zip(*entries, strict=True)) if entries else [(), (), (), (), ()]
    source = Entries(
        list(columns[0]),
        list(columns[1]),
        list(columns[2]),
        list(columns[3]),
        list(columns[4]),
        place=[Location("in.csv", row=line) for line in range(2, len(entries) + 2)],
    )
    units = [Unit("A"), Unit("B"), Unit("C")] if listed else None
    with mock.patch.object(inputs, "CHUNK_ENTRIES", chunk), use_lang("en"):
        try:
            data = from_entries(compiled, [source], units=units, allow_missing=True)
        except InputError as exc:
            return [str(problem) for problem in exc.problems]
        return [
            (
                name,
                np.nan_to_num(stage.values, nan=-7).tolist(),
                stage.not_applicable.tolist(),
                np.nan_to_num(stage.bonus, nan=-7).tolist(),
                np.nan_to_num(stage.deduction, nan=-7).tolist(),
                sorted((key, str(where)) for key, where in stage.locations.items()),
            )
            for name, stage in data.stages.items()
        ]


entry = st.tuples(
    st.sampled_from(["A", "B", "C", "A ", "D", ""]),
    st.sampled_from(["1.1.1", "1.1.2", "1.1.3", "1.2.1", "1.4", "1.2", "", "1.1", "9.9.9"]),
    st.sampled_from(
        ["đạt", "không đạt", "x", "1", "0,5", "không phát sinh", "chậm", "abc", "", "5 %", "1e9", "2"]
    ),
    st.sampled_from(["self", "self", "appraisal_1", "appraisal_2", "bogus"]),
    st.sampled_from(["value", "value", "value", "bonus", "deduction", "weird"]),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entries=st.lists(entry, max_size=30),
    chunk=st.integers(1, 9),
    listed=st.booleans(),
)
def test_any_chunk_size_reads_what_one_chunk_reads(
    entries: list[tuple[str, str, str, str, str]], chunk: int, listed: bool
) -> None:
    assert _read(entries, chunk, listed) == _read(entries, ALL_AT_ONCE, listed)


def test_an_entry_given_again_in_a_later_chunk_names_the_first() -> None:
    entries = [
        ("A", "1.1.1", "đạt", "self", "value"),
        ("B", "1.1.1", "đạt", "self", "value"),
        ("A", "1.2", "0", "self", "bonus"),
        ("A", "1.1.1", "không đạt", "self", "value"),
        ("A", "1.1.1", "đạt", "self", "value"),
        ("A", "1.2", "0", "self", "bonus"),
        ("A", "1.2", "0", "self", "deduction"),
    ]
    for chunk in (1, 2, 3, ALL_AT_ONCE):
        assert _read(entries, chunk, True) == [
            "in.csv, row 5; unit “A”; criterion 1.1.1: entered twice (first given at in.csv, row 2)"
            " (expected one entry per unit, criterion and stage)",
            "in.csv, row 6; unit “A”; criterion 1.1.1: entered twice (first given at in.csv, row 2)"
            " (expected one entry per unit, criterion and stage)",
            "in.csv, row 7; unit “A”; criterion 1.2: entered twice (first given at in.csv, row 4)"
            " (expected one entry per unit, criterion and stage)",
        ], chunk


def _entry_numbers(data: inputs.ScoringInput) -> list[np.ndarray]:
    arrays = []
    for stage in data.stages.values():
        locations = stage.locations
        assert isinstance(locations, inputs.LocationIndex)
        arrays += [locations._leaf, locations._adjustable]
    return arrays


def test_entry_numbers_kept_for_locating_are_int32() -> None:
    """The per-unit-and-leaf numbers kept through scoring are half the size of int64;
    a stage without entries of a kind holds no array at all (a broadcast −1)."""
    compiled = _commune()
    source = Entries(
        ["A", "B"],
        ["1.1.1", "1.2"],
        ["đạt", "1"],
        entry=["value", "bonus"],
        place=[Location("in.csv", row=2), Location("in.csv", row=3)],
    )
    data = from_entries(compiled, [source], allow_missing=True)
    arrays = _entry_numbers(data)
    assert arrays and all(array.dtype == np.int32 for array in arrays)
    stage = next(iter(data.stages.values()))
    assert stage.locations[(1, "1.2")] == Location("in.csv", row=3)
    values_only = from_entries(compiled, [Entries(["A"], ["1.1.1"], ["đạt"])])
    leaf, adjustable = _entry_numbers(values_only)
    assert leaf.strides != (0, 0) and adjustable.strides == (0, 0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=st.lists(entry, max_size=20), listed=st.booleans())
def test_entry_numbers_widen_past_int32_and_locate_the_same(
    entries: list[tuple[str, str, str, str, str]], listed: bool
) -> None:
    """Past 2³¹ − 1 entries the numbers are int64 (the bound lowered here to test it):
    the same input, the same problems, the same locations."""
    with mock.patch.object(inputs, "_INT32_MAX", 1):
        widened = _read(entries, 3, listed)
    assert widened == _read(entries, 3, listed)


def test_entry_numbers_widen_past_int32() -> None:
    compiled = _commune()
    source = Entries(["A", "A", "B"], ["1.1.1", "1.1.2", "1.1.1"], ["đạt", "chậm", "x"])
    with mock.patch.object(inputs, "_INT32_MAX", 2):
        data = from_entries(compiled, [source], allow_missing=True)
    assert all(array.dtype == np.int64 for array in _entry_numbers(data))
