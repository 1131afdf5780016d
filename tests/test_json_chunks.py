"""JSON input entries are coded into integer columns a chunk at a time
(``assemble.BUFFER_ENTRIES``) and each parsed unit is let go once read: any chunk size
gives the same scoring input, or the same problems with the same JSON paths, as holding
every entry at once."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parindex
from parindex.compiled import CompiledPack
from parindex.errors import InputError
from parindex.io import assemble, read_input
from parindex.messages import use_lang

ALL_AT_ONCE = 1 << 30


@functools.cache
def _commune() -> CompiledPack:
    return parindex.compile_pack(parindex.get_pack("synthetic-commune"))


def _read(path: Path, chunk: int) -> object:
    with mock.patch.object(assemble, "BUFFER_ENTRIES", chunk), use_lang("en"):
        try:
            data = read_input(_commune(), path, allow_missing=True)
        except InputError as exc:
            return [str(problem) for problem in exc.problems]
    return [
        (
            name,
            np.nan_to_num(stage.values, nan=-7).tolist(),
            stage.not_applicable.tolist(),
            np.nan_to_num(stage.bonus, nan=-7).tolist(),
            sorted((key, str(where)) for key, where in stage.locations.items()),
        )
        for name, stage in data.stages.items()
    ]


codes = st.sampled_from(["1.1.1", "1.1.2", "1.1.3", "1.2.1", "1.1", "9.9"])
values = st.one_of(
    st.sampled_from(["đạt", "không đạt", "chậm", "0,5", "abc", "", "không phát sinh"]),
    st.integers(-2, 3),
    st.floats(0, 2, allow_nan=False),
    st.just([1]),
)
unit = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["A", "B", "C", "a", ""]),
        "values": st.dictionaries(codes, values, max_size=4),
    },
    optional={
        "appraised": st.dictionaries(codes, values, max_size=2),
        "not_applicable": st.lists(codes, max_size=2),
        "bonus": st.dictionaries(st.sampled_from(["", "1.2"]), st.integers(0, 2), max_size=1),
    },
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(units=st.lists(unit, max_size=6), chunk=st.integers(1, 5))
def test_any_buffer_size_reads_what_one_buffer_reads(
    units: list[dict[str, object]], chunk: int, tmp_path: Path
) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"pack": "synthetic-commune", "units": units}), encoding="utf-8")
    assert _read(path, chunk) == _read(path, ALL_AT_ONCE)


def test_a_bad_value_in_a_later_chunk_names_its_json_path(tmp_path: Path) -> None:
    units: list[dict[str, object]] = [
        {"id": f"U{n}", "values": {"1.1.1": "đạt", "1.1.2": "chậm"}} for n in range(5)
    ]
    units[4]["values"] = {"1.1.1": "đạt", "1.1.2": "trễ"}
    units[3]["not_applicable"] = ["1.1"]
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"pack": "synthetic-commune", "units": units}), encoding="utf-8")
    for chunk in (1, 2, 4, ALL_AT_ONCE):
        assert _read(path, chunk) == [
            "in.json, units[3].not_applicable[0]; unit “U3”; criterion 1.1: criterion code is an"
            " internal node (expected a leaf code of the pack)",
            "in.json, units[4].values[\"1.1.2\"]; unit “U4”; criterion 1.1.2: cannot read “trễ”"
            " (expected one of: đúng hạn, chậm, không thực hiện)",
        ], chunk
