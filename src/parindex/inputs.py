"""Scoring input: raw values per unit and leaf, per stage, kept apart from scores.

A value is *missing* (nobody entered anything: NaN) or *not applicable*
("không phát sinh": a separate mask), never confused. Stages (self-assessment,
appraisal rounds, the unit's explanation) each keep their own values; the
pack's stage policy decides which counts. Builders accept a numpy array, long
records (unit, code, value) or per-unit mappings, and report every bad entry
at once with its unit, criterion code and file location.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import attrs
import numpy as np

from parindex.compiled import CompiledPack
from parindex.errors import InputError, InputProblem, Location
from parindex.fixedpoint import VALUE_LIMIT, BoolArray, FloatArray
from parindex.rules.base import normalise_label, read_number


class _NotApplicableType:
    """Sentinel for "không phát sinh" in records and mappings."""

    _instance: _NotApplicableType | None = None

    def __new__(cls) -> _NotApplicableType:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_APPLICABLE"


NOT_APPLICABLE: Final = _NotApplicableType()
#: Entries read as "not applicable" (compared after NFC, case folding).
NOT_APPLICABLE_LABELS = frozenset({"không phát sinh", "kps", "na", "n/a", "not applicable"})

ENTRY_KINDS = ("value", "bonus", "deduction")


@attrs.frozen
class Unit:
    """A scored unit: a stable id, a display name, and the group it is ranked in."""

    id: str
    name: str = ""
    group: str = ""


@attrs.frozen
class Override:
    """A value imposed on the final stage, with who decided it and why."""

    unit: str
    code: str
    value: object
    reason: str
    author: str


@attrs.frozen(eq=False)
class StageData:
    """One stage's entries: values (NaN = missing), not-applicable mask, adjustments."""

    values: FloatArray
    not_applicable: BoolArray
    bonus: FloatArray
    deduction: FloatArray
    #: File locations of entries, keyed by (unit index, leaf or adjustable code).
    locations: Mapping[tuple[int, str], Location] = attrs.field(factory=dict)


@attrs.frozen(eq=False)
class ScoringInput:
    pack_id: str
    leaf_codes: tuple[str, ...]
    adjustable_codes: tuple[str, ...]
    units: tuple[Unit, ...]
    stages: Mapping[str, StageData]
    overrides: tuple[Override, ...] = ()
    allow_missing: bool = False

    @property
    def unit_ids(self) -> tuple[str, ...]:
        return tuple(unit.id for unit in self.units)


@attrs.frozen
class Record:
    """One entry of long-format input: (unit, code, value) at a stage."""

    unit: str
    code: str
    value: object
    stage: str = "self"
    entry: str = "value"
    location: Location | None = None


def _empty_stage(n_units: int, n_leaves: int, n_adjustable: int) -> StageData:
    return StageData(
        values=np.full((n_units, n_leaves), np.nan),
        not_applicable=np.zeros((n_units, n_leaves), dtype=bool),
        bonus=np.full((n_units, n_adjustable), np.nan),
        deduction=np.full((n_units, n_adjustable), np.nan),
        locations={},
    )


def _check_units(units: Sequence[Unit]) -> list[InputProblem]:
    seen: set[str] = set()
    problems = []
    for unit in units:
        if not unit.id.strip():
            problems.append(InputProblem("a unit has an empty id"))
        if unit.id in seen:
            problems.append(InputProblem("unit listed twice", unit=unit.id))
        seen.add(unit.id)
    return problems


def _as_units(units: Sequence[Unit | str]) -> tuple[Unit, ...]:
    return tuple(u if isinstance(u, Unit) else Unit(str(u)) for u in units)


def from_array(
    compiled: CompiledPack,
    units: Sequence[Unit | str],
    values: FloatArray,
    *,
    not_applicable: BoolArray | None = None,
    bonus: FloatArray | None = None,
    deduction: FloatArray | None = None,
    stage: str = "self",
    allow_missing: bool = False,
) -> ScoringInput:
    """Input from a (units × leaves) array in the compiled pack's leaf order.

    NaN means missing. Level rules take the level's position (0 = first level).
    The array is used as given (not copied) when it is already float64.
    """
    unit_tuple = _as_units(units)
    matrix = np.asarray(values, dtype=np.float64)
    shape = (len(unit_tuple), compiled.n_leaves)
    n_adjustable = len(compiled.adjustable_codes)
    problems = _check_units(unit_tuple)
    if matrix.shape != shape:
        problems.append(InputProblem(f"values have shape {matrix.shape}, expected {shape}"))
    mask = np.zeros(shape, dtype=bool) if not_applicable is None else np.asarray(not_applicable)
    if mask.shape != shape:
        problems.append(InputProblem(f"not_applicable has shape {mask.shape}, expected {shape}"))
    if mask.dtype != np.bool_:
        # 0/1 integers would be read bitwise (~1 == -2): ask for what is meant.
        problems.append(
            InputProblem(
                f"not_applicable has dtype {mask.dtype}, expected booleans",
                expected="a bool array, e.g. mask.astype(bool)",
            )
        )
    adjustments = []
    for name, block in (("bonus", bonus), ("deduction", deduction)):
        array = (
            np.full((shape[0], n_adjustable), np.nan)
            if block is None
            else np.asarray(block, dtype=np.float64)
        )
        if array.shape != (shape[0], n_adjustable):
            problems.append(
                InputProblem(f"{name} has shape {array.shape}, expected {(shape[0], n_adjustable)}")
            )
        adjustments.append(array)
    if stage not in compiled.pack.stages:
        problems.append(
            InputProblem(f"unknown stage {stage!r}", expected=str(compiled.pack.stages))
        )
    if problems:
        raise InputError(problems)
    return ScoringInput(
        pack_id=compiled.pack.id,
        leaf_codes=compiled.leaf_codes,
        adjustable_codes=compiled.adjustable_codes,
        units=unit_tuple,
        stages={stage: StageData(matrix, mask.astype(bool), adjustments[0], adjustments[1])},
        allow_missing=allow_missing,
    )


def is_not_applicable(raw: object) -> bool:
    return raw is NOT_APPLICABLE or (
        isinstance(raw, str) and normalise_label(raw) in NOT_APPLICABLE_LABELS
    )


def from_records(
    compiled: CompiledPack,
    records: Iterable[Record],
    *,
    units: Sequence[Unit | str] | None = None,
    overrides: Sequence[Override] = (),
    allow_missing: bool = False,
) -> ScoringInput:
    """Input from long records; every bad record is reported, none is dropped.

    Units are taken from ``units`` when given (then a record for another unit is
    an error) or in order of first appearance.
    """
    record_list = list(records)
    if units is None:
        seen: dict[str, None] = {}
        for record in record_list:
            seen.setdefault(record.unit, None)
        unit_tuple = tuple(Unit(unit_id) for unit_id in seen)
    else:
        unit_tuple = _as_units(units)
    problems = _check_units(unit_tuple)
    unit_position = {unit.id: i for i, unit in enumerate(unit_tuple)}
    adjustable_position = {code: i for i, code in enumerate(compiled.adjustable_codes)}
    stages: dict[str, StageData] = {}
    first_seen: dict[tuple[str, str, str, str], Location | None] = {}
    rules = compiled.leaf_rules

    for record in record_list:

        def problem(message: str, expected: str = "", rec: Record = record) -> None:
            problems.append(InputProblem(message, rec.unit, rec.code, rec.location, expected))

        if record.unit not in unit_position:
            problem("unknown unit", expected="one of the listed units")
            continue
        if record.stage not in compiled.pack.stages:
            problem(f"unknown stage {record.stage!r}", expected=", ".join(compiled.pack.stages))
            continue
        if record.entry not in ENTRY_KINDS:
            problem(f"unknown entry kind {record.entry!r}", expected=", ".join(ENTRY_KINDS))
            continue
        key = (record.unit, record.code, record.stage, record.entry)
        if key in first_seen:
            earlier = first_seen[key]
            where = f" (first given at {earlier})" if earlier is not None and str(earlier) else ""
            problem(f"entered twice{where}", expected="one entry per unit, criterion and stage")
            continue
        first_seen[key] = record.location
        stage = stages.setdefault(
            record.stage,
            _empty_stage(len(unit_tuple), compiled.n_leaves, len(compiled.adjustable_codes)),
        )
        row = unit_position[record.unit]
        if record.location is not None:
            stage.locations[(row, record.code)] = record.location  # type: ignore[index]
        if record.entry == "value":
            column = compiled.leaf_index.get(record.code)
            if column is None:
                kind = "an internal node" if record.code in compiled.node_index else "unknown"
                problem(f"criterion code is {kind}", expected="a leaf code of the pack")
                continue
            if record.value is None:
                continue
            if is_not_applicable(record.value):
                stage.not_applicable[row, column] = True
                continue
            rule = rules[column]
            try:
                number = rule.encode(record.value)
            except ValueError as exc:
                problem(f"cannot read {record.value!r}", expected=str(exc))
                continue
            if not math.isfinite(number) or abs(number) > VALUE_LIMIT:
                problem(f"value {record.value!r} is not a finite number within ±{VALUE_LIMIT}")
                continue
            stage.values[row, column] = number
        else:
            slot = adjustable_position.get(record.code)
            if slot is None:
                problem(
                    f"criterion accepts no {record.entry}",
                    expected=", ".join(compiled.adjustable_codes) or "no node accepts adjustments",
                )
                continue
            if record.value is None:
                continue
            try:
                number = read_number(record.value)
            except ValueError as exc:
                problem(f"cannot read {record.value!r}", expected=str(exc))
                continue
            target = stage.bonus if record.entry == "bonus" else stage.deduction
            target[row, slot] = number

    for override in overrides:
        if override.unit not in unit_position:
            problems.append(
                InputProblem("override for an unknown unit", override.unit, override.code)
            )
        elif override.code not in compiled.leaf_index:
            problems.append(
                InputProblem("override for an unknown leaf", override.unit, override.code)
            )
        elif not override.reason.strip() or not override.author.strip():
            problems.append(
                InputProblem(
                    "an override needs a reason and an author", override.unit, override.code
                )
            )
    if not stages:
        stages[compiled.pack.stages[0]] = _empty_stage(
            len(unit_tuple), compiled.n_leaves, len(compiled.adjustable_codes)
        )
    data = ScoringInput(
        pack_id=compiled.pack.id,
        leaf_codes=compiled.leaf_codes,
        adjustable_codes=compiled.adjustable_codes,
        units=unit_tuple,
        stages=stages,
        overrides=tuple(overrides),
        allow_missing=allow_missing,
    )
    if problems:
        # Report the values' problems too, so one run lists everything wrong.
        from parindex.engines.checks import check_input

        raise InputError([*problems, *check_input(compiled, data)])
    return data


def from_mappings(
    compiled: CompiledPack,
    data: Mapping[str, Mapping[str, object]],
    *,
    stage: str = "self",
    units: Sequence[Unit | str] | None = None,
    allow_missing: bool = False,
) -> ScoringInput:
    """Input from ``{unit id: {leaf code: value}}`` (labels, numbers, NOT_APPLICABLE)."""
    records = (
        Record(unit, code, value, stage=stage)
        for unit, entries in data.items()
        for code, value in entries.items()
    )
    return from_records(
        compiled,
        records,
        units=units if units is not None else list(data),
        allow_missing=allow_missing,
    )
