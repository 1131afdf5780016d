"""Scoring input: raw values per unit and leaf, per stage, kept apart from scores.

A value is *missing* (nobody entered anything: NaN) or *not applicable*
("không phát sinh": a separate mask), never confused. Stages (self-assessment,
appraisal rounds, the unit's explanation) each keep their own values; the
pack's stage policy decides which counts. Builders accept a numpy array, long
records (unit, code, value), per-unit mappings or column-wise
:class:`Entries` (what the file readers hand over), and report every bad entry
at once with its unit, criterion code and file location.

Reading is linear: entries are handled column by column; units, codes and
stages are mapped once per distinct value, each distinct raw value is read by
the entry grammar (:mod:`parindex.grammar`) once, and each distinct
(criterion, value) pair is encoded by the criterion's rule once. No array is
allocated per entry, and no object is built per entry unless it is a problem;
entries go into the stage arrays a chunk at a time, so the scratch arrays of
reading stay bounded whatever the number of entries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from parindex import grammar, limits
from parindex.compiled import CompiledPack
from parindex.errors import InputError, InputProblem, Location
from parindex.fixedpoint import VALUE_LIMIT, BoolArray, FloatArray
from parindex.messages import Found, Message, current_lang, msg
from parindex.rules.base import Rule

IntArray = npt.NDArray[np.int64]
#: Entry numbers kept to locate problems: int32 while the entries fit, int64 beyond.
EntryNumbers = npt.NDArray[np.signedinteger[Any]]
_INT32_MAX: Final = int(np.iinfo(np.int32).max)


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
NOT_APPLICABLE_LABELS = grammar.NOT_APPLICABLE_LABELS

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


class LocationIndex(Mapping[tuple[int, str], Location]):
    """Where each entry of a stage came from, keyed by (unit index, leaf or adjustable code).

    Built without one object per entry: each cell holds the entry's number, and
    the :class:`Location` is made only when asked for (a problem to report).
    """

    def __init__(
        self,
        leaf_entries: EntryNumbers,
        adjustable_entries: EntryNumbers,
        leaf_index: Mapping[str, int],
        adjustable_index: Mapping[str, int],
        locate: Callable[[int], Location | None],
    ) -> None:
        self._leaf = leaf_entries
        self._adjustable = adjustable_entries
        self._leaf_index = leaf_index
        self._adjustable_index = adjustable_index
        self._locate = locate

    def _entry(self, key: object) -> int:
        if not (isinstance(key, tuple) and len(key) == 2):
            return -1
        row, code = key
        if not isinstance(row, int | np.integer) or not 0 <= row < self._leaf.shape[0]:
            return -1
        column = self._leaf_index.get(code, -1)
        if column >= 0 and self._leaf[row, column] >= 0:
            return int(self._leaf[row, column])
        slot = self._adjustable_index.get(code, -1)
        if slot >= 0 and self._adjustable[row, slot] >= 0:
            return int(self._adjustable[row, slot])
        return -1

    def __getitem__(self, key: tuple[int, str]) -> Location:
        entry = self._entry(key)
        location = self._locate(entry) if entry >= 0 else None
        if location is None:
            raise KeyError(key)
        return location

    def __contains__(self, key: object) -> bool:
        entry = self._entry(key)
        return entry >= 0 and self._locate(entry) is not None

    def __iter__(self) -> Iterator[tuple[int, str]]:
        leaf_codes = list(self._leaf_index)
        for row, column in zip(*np.nonzero(self._leaf >= 0), strict=True):
            key = (int(row), leaf_codes[column])
            if key in self:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)


@attrs.frozen(eq=False)
class StageData:
    """One stage's entries: values (NaN = missing), not-applicable mask, adjustments."""

    values: FloatArray
    not_applicable: BoolArray
    bonus: FloatArray
    deduction: FloatArray
    #: File locations of entries, keyed by (unit index, leaf or adjustable code).
    locations: Mapping[tuple[int, str], Location] = attrs.field(factory=dict)


@attrs.frozen
class Annotation:
    """What a unit wrote beside an entry: its evidence (tài liệu kiểm chứng) and a note.
    Not scored; carried to the results workbook."""

    evidence: str = ""
    note: str = ""

    def merge(self, other: Annotation) -> Annotation:
        """Both texts where two rows or files annotate the same entry (in their order)."""

        def both(first: str, second: str) -> str:
            return "; ".join(t for t in dict.fromkeys((first, second)) if t)

        return Annotation(both(self.evidence, other.evidence), both(self.note, other.note))


@attrs.frozen(eq=False)
class ScoringInput:
    pack_id: str
    leaf_codes: tuple[str, ...]
    adjustable_codes: tuple[str, ...]
    units: tuple[Unit, ...]
    stages: Mapping[str, StageData]
    overrides: tuple[Override, ...] = ()
    allow_missing: bool = False
    #: Evidence and notes by (unit id, leaf code), as the input files gave them.
    notes: Mapping[tuple[str, str], Annotation] = attrs.field(factory=dict)

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


@attrs.frozen
class RuleExpectation:
    """What a leaf's rule accepts, put into words in the language of the moment it is shown."""

    rule: Rule
    maximum: Decimal

    def __str__(self) -> str:
        return self.rule.expected(self.maximum, current_lang())


def expected_by(compiled: CompiledPack, leaf: int) -> Message:
    """The catalogue message saying what leaf ``leaf`` accepts."""
    maximum = compiled.pack.node(compiled.leaf_codes[leaf]).maximum
    rule = compiled.leaf_rules[leaf]
    return msg("input.rule_expected", expected=RuleExpectation(rule, maximum or Decimal(0)))


def _no_location(place: Hashable) -> Location | None:
    return place if isinstance(place, Location) else None


@attrs.frozen(eq=False)
class Entries:
    """Many entries, column by column: what a file reader hands over.

    ``unit``, ``code`` and ``value`` have one item per entry; ``stage`` and
    ``entry`` are one name for all entries or one per entry (``None``: the
    pack's first stage). ``place`` holds a cheap token per entry (a line number,
    a cell) that ``locate`` turns into a :class:`Location` when a problem needs one.
    ``locate_column``, where given, locates a problem of the unit, code, stage or entry
    column (``place`` and the column's name) at the cell that holds it, not the value.
    """

    unit: Coded | Sequence[object]
    code: Coded | Sequence[object]
    value: Coded | Sequence[object]
    stage: Coded | Sequence[str] | str | None = None
    entry: Coded | Sequence[str] | str = "value"
    place: Sequence[Hashable] | npt.NDArray[np.int64] | None = None
    locate: Callable[[Any], Location | None] = _no_location
    locate_column: Callable[[Any, str], Location | None] | None = None

    def __len__(self) -> int:
        return len(self.value)

    def location(self, index: int) -> Location | None:
        if self.place is None:
            return None
        return self.locate(self.place[index])


def _empty_stage(n_units: int, n_leaves: int, n_adjustable: int) -> StageData:
    return StageData(
        values=np.full((n_units, n_leaves), np.nan),
        not_applicable=np.zeros((n_units, n_leaves), dtype=bool),
        bonus=np.full((n_units, n_adjustable), np.nan),
        deduction=np.full((n_units, n_adjustable), np.nan),
        locations={},
    )


_SPACE: Final = re.compile(r"\s")


def id_slips(ids: Iterable[tuple[str, Location | None]]) -> list[InputProblem]:
    """Two ids that differ only by case or spacing (``BDI`` and ``bdi``): almost always a
    typing slip, so an error naming both places. Ids themselves compare exactly."""
    listed = list(ids)
    names = [unit_id for unit_id, _ in listed]
    # Plain ASCII ids without spaces: the key is the lower case; no clash, no slip.
    plain = all(map(str.isascii, names)) and not any(map(_SPACE.search, names))
    if plain and len(set(map(str.lower, names))) == len(set(names)):
        return []
    problems = []
    first: dict[str, tuple[str, Location | None]] = {}
    for unit_id, where in listed:
        key = grammar.id_key(unit_id)
        known = first.setdefault(key, (unit_id, where))
        if known[0] != unit_id:
            problems.append(
                InputProblem(
                    msg(
                        "input.id_slip",
                        first=Found(known[0]),
                        where=msg("input.at_place", where=known[1]) if known[1] is not None else "",
                    ),
                    unit_id,
                    location=where,
                    expected=msg("input.id_slip_expected"),
                )
            )
    return problems


def _check_units(units: Sequence[Unit]) -> list[InputProblem]:
    seen: set[str] = set()
    problems = []
    for unit in units:
        if not unit.id.strip():
            problems.append(InputProblem(msg("entry.id_empty")))
        elif unit.id in seen:
            problems.append(InputProblem(msg("input.unit_twice"), unit=unit.id))
        seen.add(unit.id)
    return problems


def _check_size(n_units: int, n_leaves: int) -> None:
    """Refuse before allocating: too many units, or units × leaves beyond the entry cap."""
    caps = limits.current()
    if n_units > caps.max_units:
        raise InputError([InputProblem(limits.over("max_units", n_units, caps.max_units))])
    if n_units * n_leaves > caps.max_entries:
        cells = n_units * n_leaves
        raise InputError([InputProblem(limits.over("max_entries", cells, caps.max_entries))])


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
    shape = (len(unit_tuple), compiled.n_leaves)
    n_adjustable = len(compiled.adjustable_codes)
    _check_size(len(unit_tuple), 0)
    problems = _check_units(unit_tuple) + id_slips((unit.id, None) for unit in unit_tuple)
    matrix = _float_array(values, "values", shape, problems)
    mask = np.zeros(shape, dtype=bool) if not_applicable is None else np.asarray(not_applicable)
    if mask.shape != shape:
        problems.append(_shape_problem("not_applicable", mask.shape, shape))
    if mask.dtype != np.bool_:
        # 0/1 integers would be read bitwise (~1 == -2): ask for what is meant.
        problems.append(
            InputProblem(
                msg("input.array_dtype", name="not_applicable", dtype=str(mask.dtype)),
                expected=msg("input.array_dtype_bool"),
            )
        )
    adjustments = []
    for name, block in (("bonus", bonus), ("deduction", deduction)):
        wanted = (shape[0], n_adjustable)
        adjustments.append(
            np.full(wanted, np.nan)
            if block is None
            else _float_array(block, name, wanted, problems)
        )
    if stage not in compiled.pack.stages:
        problems.append(
            InputProblem(
                msg("input.unknown_stage", found=Found(stage)),
                expected=", ".join(compiled.pack.stages),
            )
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


def _shape_problem(name: str, found: tuple[int, ...], wanted: tuple[int, ...]) -> InputProblem:
    return InputProblem(
        msg("input.array_shape", name=name, found=" × ".join(map(str, found)) or "()"),
        expected=" × ".join(map(str, wanted)),
    )


def _float_array(
    raw: object, name: str, shape: tuple[int, ...], problems: list[InputProblem]
) -> FloatArray:
    """``raw`` as float64 (not copied when it already is); a located problem otherwise."""
    array = np.asarray(raw)
    if array.dtype.kind not in "fiub" or array.dtype.kind == "b":
        problems.append(
            InputProblem(
                msg("input.array_dtype", name=name, dtype=str(array.dtype)),
                expected=msg("input.array_dtype_number"),
            )
        )
        return np.full(shape, np.nan)
    matrix: FloatArray = np.asarray(array, dtype=np.float64)
    if matrix.shape != shape:
        problems.append(_shape_problem(name, matrix.shape, shape))
    return matrix


def is_not_applicable(raw: object) -> bool:
    return raw is NOT_APPLICABLE or grammar.is_not_applicable(raw)


def _key(item: object) -> Hashable:
    # 1, 1.0, True and Decimal(1) are equal as keys; booleans are not numbers.
    return item if type(item) is str else (type(item), item)


class Coder:
    """Numbers the distinct values of a column in order of first appearance.

    One coder can number several columns (or chunks of one) into one table, so
    that a reader of millions of entries keeps integers, not objects.
    """

    def __init__(self) -> None:
        self.table: dict[Hashable, int] = {}
        self.distinct: list[object] = []

    def code(self, items: Iterable[object], *, text: bool = False) -> IntArray:
        """Each item's number (new values numbered as they first appear); ``text``: every
        item is known to be a ``str`` (a CSV column), which saves a pass."""
        listed = items if isinstance(items, Sequence) else list(items)
        if text or set(map(type, listed)) <= {str}:
            keys: Sequence[Hashable] = listed
        else:
            # 1, 1.0, True and Decimal(1) are equal as keys; booleans are not numbers.
            keys = [item if type(item) is str else (type(item), item) for item in listed]
        table, distinct = self.table, self.distinct
        try:
            fresh = dict.fromkeys(keys)
        except TypeError:  # an unhashable value (a list in JSON): each is its own
            return self._code_slowly(listed)
        for key in fresh:
            if key not in table:
                table[key] = len(table)
                distinct.append(key if type(key) is str else key[1])  # type: ignore[index]
        return np.fromiter(map(table.__getitem__, keys), dtype=np.int64, count=len(keys))

    def _code_slowly(self, listed: Sequence[object]) -> IntArray:
        table, distinct = self.table, self.distinct
        ids = np.empty(len(listed), dtype=np.int64)
        for position, item in enumerate(listed):
            try:
                key = _key(item)
                hash(key)
            except TypeError:
                key = ("unhashable", id(item), len(table))
            ids[position] = table.setdefault(key, len(table))
            if ids[position] == len(distinct):
                distinct.append(item)
        return ids

    def coded(self, items: Iterable[object]) -> Coded:
        ids = self.code(items)
        return Coded(ids, self.distinct)


@attrs.frozen(eq=False)
class Coded:
    """A column as numbers into the table of its distinct values."""

    ids: IntArray
    distinct: Sequence[object]

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: int) -> object:
        return self.distinct[int(self.ids[index])]


def _as_coded(column: Coded | Sequence[object] | str | None, default: str, size: int) -> Coded:
    if isinstance(column, Coded):
        return column
    if column is None or isinstance(column, str):
        # One value for every entry: a read-only view of a single zero, no array per entry.
        zeros: IntArray = np.broadcast_to(np.zeros(1, dtype=np.int64), (size,))
        return Coded(zeros, [default if column is None else column])
    return Coder().coded(column)


def _first_positions(ids: IntArray, wanted: IntArray) -> IntArray:
    """Where each of the ``wanted`` codes first appears in ``ids``."""
    if len(wanted) <= 8:
        return np.array([int(np.argmax(ids == code)) for code in wanted], dtype=np.int64)
    codes, first = np.unique(ids, return_index=True)
    result: IntArray = first[np.searchsorted(codes, wanted)].astype(np.int64)
    return result


#: Entries read at a time (bounds the per-entry scratch arrays of reading).
CHUNK_ENTRIES = 1 << 18


class _Locator:
    """Where entry ``index`` of the concatenated sources came from. Holds only what
    locating needs (each source's places), since the scoring input keeps it."""

    def __init__(self, sources: Sequence[Entries]) -> None:
        self.places = [
            (source.place, source.locate, source.locate_column) for source in sources if len(source)
        ]
        sizes = [len(source) for source in sources if len(source)]
        self.offsets = np.cumsum([0, *sizes[:-1]], dtype=np.int64)

    def __call__(self, index: int, column: str = "value") -> Location | None:
        """Where entry ``index`` is; ``column``: the column a problem concerns."""
        source = int(np.searchsorted(self.offsets, index, side="right")) - 1
        place, locate, locate_column = self.places[source]
        if place is None:
            return None
        at = place[index - int(self.offsets[source])]
        if column != "value" and locate_column is not None:
            return locate_column(at, column)
        return locate(at)


@attrs.define
class _Batch:
    """All entries of all sources, concatenated column by column into coded columns."""

    units: Coded
    codes: Coded
    values: Coded
    stages: Coded
    kinds: Coded
    locate: _Locator

    @classmethod
    def of(cls, sources: Sequence[Entries], first_stage: str) -> _Batch:
        def merged(column: Callable[[Entries], Any], default: str) -> Coded:
            coder = Coder()
            parts = []
            for source in sources:
                part = _as_coded(column(source), default, len(source))
                remap = coder.code(part.distinct)
                if len(sources) == 1 and np.array_equal(remap, np.arange(len(remap))):
                    return Coded(part.ids, coder.distinct)  # one source: no copy
                parts.append(remap[part.ids] if len(remap) else part.ids)
            if len(parts) == 1:
                return Coded(parts[0], coder.distinct)
            ids = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            return Coded(ids, coder.distinct)

        return cls(
            merged(lambda e: e.unit, ""),
            merged(lambda e: e.code, ""),
            merged(lambda e: e.value, ""),
            merged(lambda e: e.stage, first_stage),
            merged(lambda e: e.entry, "value"),
            _Locator(sources),
        )

    def __len__(self) -> int:
        return len(self.values)


class _Reader:
    """Reads the concatenated entries into stage arrays, collecting located problems."""

    def __init__(self, compiled: CompiledPack, batch: _Batch, units: tuple[Unit, ...]) -> None:
        self.compiled = compiled
        self.batch = batch
        self.units = units
        self.problems: list[tuple[int, Message, object, str]] = []

    def problem(
        self, index: int, message: Message, expected: object = "", column: str = "value"
    ) -> None:
        """A problem of entry ``index``, in its ``column`` (unit, code, stage, entry, value)."""
        self.problems.append((index, message, expected, column))

    def located(self) -> list[InputProblem]:
        out = []
        for index, message, expected, column in sorted(self.problems, key=lambda item: item[0]):
            unit, code = self.batch.units[index], self.batch.codes[index]
            unit = grammar.clean_text(unit) if isinstance(unit, str) else unit
            code = grammar.clean_text(code) if isinstance(code, str) else code
            out.append(
                InputProblem(
                    message,
                    unit if isinstance(unit, str) else "",
                    code if isinstance(code, str) else "",
                    self.batch.locate(index, column),
                    expected,  # type: ignore[arg-type]
                )
            )
        return out

    def table(
        self, column: Coded, read: Callable[[Any], int | Refusal], name: str = "value"
    ) -> IntArray:
        """What each distinct value of the column reads as through ``read`` (−1: refused;
        a refusal is reported once, where the value first appears)."""
        results = [read(value) for value in column.distinct]
        table = np.array([r if isinstance(r, int) else -1 for r in results], dtype=np.int64)
        refused = np.array(
            [i for i, r in enumerate(results) if not isinstance(r, int)], dtype=np.int64
        )
        if len(refused):
            for code, at in zip(refused, _first_positions(column.ids, refused), strict=True):
                message, expected = results[int(code)]  # type: ignore[misc]
                self.problem(int(at), message, expected, name)
        return table


def _read_unit(raw: object, positions: Mapping[str, int]) -> int | Refusal:
    try:
        unit_id = grammar.identifier(raw)
    except grammar.EntryError as exc:
        return exc.message, ""
    position = positions.get(unit_id, -1)
    if position < 0:
        return msg("input.unknown_unit"), msg("input.unknown_unit_expected")
    return position


def _read_name(raw: object, names: Sequence[str], code: str) -> int | Refusal:
    text = grammar.clean_text(raw) if isinstance(raw, str) else raw
    if isinstance(text, str) and text in names:
        return names.index(text)
    return msg(code, found=Found(raw)), ", ".join(names)


#: A refused column value: what was found, what was expected.
Refusal = tuple[Message, object]

#: What a distinct raw value reads as: a number (with whether it carried a percent
#: sign), a label, a boolean, missing, not applicable, or a refusal.
_MISSING, _NA, _NUMBER, _LABEL, _BOOL, _REFUSED = range(6)


def _read_raw(raw: object) -> tuple[int, object, bool]:
    if raw is None:
        return _MISSING, None, False
    if is_not_applicable(raw):
        return _NA, None, False
    try:
        entry = grammar.entry_from_value(raw, percent=True)
    except grammar.EntryError as exc:
        return _REFUSED, exc.message, False
    if entry is None:
        return _MISSING, None, False
    if isinstance(entry, bool):
        return _BOOL, entry, False
    if isinstance(entry, Decimal):
        return _NUMBER, entry, isinstance(raw, str) and "%" in raw
    return _LABEL, entry, False


def _encode(compiled: CompiledPack, leaf: int, kind: int, entry: object, percent: bool) -> object:
    """The numeric input value of one (leaf, entry) pair, or a (message, expected) refusal."""
    rule = compiled.leaf_rules[leaf]
    if kind == _NUMBER and percent and not rule.takes_rate():
        return msg("entry.percent_not_allowed", found=Found(f"{entry} %")), ""
    try:
        number = rule.encode(entry)
    except ValueError:
        if kind == _BOOL:
            return msg("entry.boolean_not_number", found=Found(entry)), expected_by(compiled, leaf)
        return msg("input.cannot_read", found=Found(entry)), expected_by(compiled, leaf)
    if not np.isfinite(number) or abs(number) > VALUE_LIMIT:
        return msg("input.beyond_limit", found=Found(entry), limit=VALUE_LIMIT), ""
    return float(number)


def from_entries(
    compiled: CompiledPack,
    sources: Sequence[Entries],
    *,
    units: Sequence[Unit | str] | None = None,
    unit_places: Mapping[str, Location] | None = None,
    overrides: Sequence[Override] = (),
    allow_missing: bool = False,
) -> ScoringInput:
    """Input from column-wise entries; every bad entry is reported, none is dropped.

    Units are taken from ``units`` when given (then an entry for another unit is
    an error; ``unit_places`` says where each was listed) or in order of first
    appearance. Entries are read :data:`CHUNK_ENTRIES` at a time into the stage
    arrays, so reading holds the coded columns and the results, not a dozen arrays
    per entry.
    """
    pack = compiled.pack
    n = sum(len(source) for source in sources)
    cap = limits.current().max_entries
    if n > cap:
        raise InputError([InputProblem(limits.over("max_entries", n, cap))])
    batch = _Batch.of(sources, pack.stages[0])
    if units is None:
        unit_tuple, places = _units_of(batch)
    else:
        unit_tuple = _as_units(units)
        places = dict(unit_places or {})
    _check_size(len(unit_tuple), compiled.n_leaves)
    problems = _check_units(unit_tuple)
    problems += id_slips((unit.id, places.get(unit.id)) for unit in unit_tuple)
    reader = _Reader(compiled, batch, unit_tuple)
    positions = {unit.id: i for i, unit in enumerate(unit_tuple)}
    tables = (
        reader.table(batch.units, lambda raw: _read_unit(raw, positions), "unit"),
        reader.table(
            batch.stages, lambda raw: _read_name(raw, pack.stages, "input.unknown_stage"), "stage"
        ),
        reader.table(
            batch.kinds, lambda raw: _read_name(raw, ENTRY_KINDS, "input.unknown_entry"), "entry"
        ),
    )
    codes = _CodeTables(compiled, batch)
    readings = _Readings(compiled, batch)
    stages = _Stages(compiled, len(unit_tuple), batch.locate, len(batch))
    for start in range(0, len(batch), CHUNK_ENTRIES):
        chunk = slice(start, min(start + CHUNK_ENTRIES, len(batch)))
        unit_ix, stage_ix, kind_ix = (
            table[column.ids[chunk]] if len(table) else np.zeros(0, dtype=np.int64)
            for table, column in zip(tables, (batch.units, batch.stages, batch.kinds), strict=True)
        )
        slot_ix = codes.slots(batch.codes.ids[chunk], kind_ix, reader, start)
        valid = (unit_ix >= 0) & (stage_ix >= 0) & (kind_ix >= 0) & (slot_ix >= 0)
        index = (unit_ix, stage_ix, kind_ix, slot_ix)
        valid &= ~stages.duplicates(index, valid, reader, start)
        numbers, na = readings.values(
            batch.values.ids[chunk], kind_ix, slot_ix, valid, reader, start
        )
        stages.fill(index, valid, numbers, na, start)
    problems += reader.located()
    problems += _check_overrides(compiled, overrides, positions)
    data = ScoringInput(
        pack_id=pack.id,
        leaf_codes=compiled.leaf_codes,
        adjustable_codes=compiled.adjustable_codes,
        units=unit_tuple,
        stages=stages.done(),
        overrides=tuple(overrides),
        allow_missing=allow_missing,
    )
    if problems:
        # Report the values' problems too, so one run lists everything wrong.
        from parindex.engines.checks import check_input

        raise InputError([*problems, *check_input(compiled, data)])
    return data


def _units_of(batch: _Batch) -> tuple[tuple[Unit, ...], dict[str, Location | None]]:
    """Units in order of first appearance (ids read by the grammar; refusals reported later)."""
    ids: dict[str, int] = {}
    for code, raw in enumerate(batch.units.distinct):
        try:
            ids.setdefault(grammar.identifier(raw), code)
        except grammar.EntryError:
            continue
    wanted = np.array(list(ids.values()), dtype=np.int64)
    first = _first_positions(batch.units.ids, wanted) if len(wanted) else wanted
    found = {unit_id: batch.locate(int(at), "unit") for unit_id, at in zip(ids, first, strict=True)}
    return tuple(Unit(unit_id) for unit_id in found), found


class _CodeTables:
    """The leaf column (value entries) or adjustable slot (bonus, deduction) of each
    distinct criterion code."""

    def __init__(self, compiled: CompiledPack, batch: _Batch) -> None:
        self.compiled = compiled
        distinct = [
            grammar.clean_text(c) if isinstance(c, str) else c for c in batch.codes.distinct
        ]
        adjustable = {code: i for i, code in enumerate(compiled.adjustable_codes)}
        self.distinct = distinct
        self.leaf = np.array(
            [compiled.leaf_index.get(c, -1) if isinstance(c, str) else -1 for c in distinct],
            dtype=np.int64,
        )
        self.slot = np.array(
            [adjustable.get(c, -1) if isinstance(c, str) else -1 for c in distinct], dtype=np.int64
        )

    def slots(self, code_ids: IntArray, kind_ix: IntArray, reader: _Reader, start: int) -> IntArray:
        """Each entry's leaf column or adjustable slot; −1 (and a problem) where its code
        is not one for its kind of entry."""
        compiled = self.compiled
        if not len(self.distinct):
            return np.zeros(0, dtype=np.int64)
        result = np.where(kind_ix == 0, self.leaf[code_ids], self.slot[code_ids])
        result[kind_ix < 0] = -1
        bad = (kind_ix >= 0) & (result < 0)
        for index in np.flatnonzero(bad):
            kind = int(kind_ix[index])
            code = self.distinct[int(code_ids[index])]
            if isinstance(code, str) and not code.strip():
                # "" is the root's code, never one a person meant: say the cell is empty
                reader.problem(
                    start + int(index),
                    msg("input.code_empty"),
                    msg("input.code_expected_leaf"),
                    "code",
                )
            elif kind == 0:
                known = isinstance(code, str) and code in compiled.node_index
                message = msg("input.code_internal" if known else "input.code_unknown")
                reader.problem(start + int(index), message, msg("input.code_expected_leaf"), "code")
            else:
                reader.problem(
                    start + int(index),
                    msg("input.no_adjustment", entry=msg(f"input.entry_{ENTRY_KINDS[kind]}")),
                    ", ".join(compiled.adjustable_codes) or msg("input.no_adjustable"),
                    "code",
                )
        return result


class _Stages:
    """The stage arrays being filled, and for each (stage, kind of entry) the number of
    the entry that gave each cell (which locates it, and finds a second entry)."""

    def __init__(
        self,
        compiled: CompiledPack,
        n_units: int,
        locate: Callable[[int], Location | None],
        n_entries: int,
    ) -> None:
        self.compiled = compiled
        self.n_units = n_units
        self.locate = locate
        self.data: dict[int, StageData] = {}
        self.entries: dict[tuple[int, int], EntryNumbers] = {}
        # One number per unit and leaf, kept through scoring: int32 (half of int64: 40 MB
        # instead of 80 MB at 10⁵ units × 100 leaves) unless an entry's number needs more.
        self.dtype = np.int32 if n_entries <= _INT32_MAX else np.int64

    def _none(self, width: int) -> EntryNumbers:
        """No entry anywhere: one −1 seen through every cell (no memory per cell)."""
        return np.broadcast_to(np.array(-1, dtype=self.dtype), (self.n_units, width))

    def _entries(self, stage: int, kind: int) -> EntryNumbers:
        key = (stage, kind)
        if key not in self.entries:
            width = self.compiled.n_leaves if kind == 0 else len(self.compiled.adjustable_codes)
            self.entries[key] = np.full((self.n_units, width), -1, dtype=self.dtype)
        return self.entries[key]

    def duplicates(
        self,
        index: tuple[IntArray, IntArray, IntArray, IntArray],
        valid: BoolArray,
        reader: _Reader,
        start: int,
    ) -> BoolArray:
        """Entries given a second time for the same unit, criterion, stage and kind: in
        this chunk, or already in an earlier one."""
        unit_ix, stage_ix, kind_ix, slot_ix = index
        duplicate = np.zeros(len(valid), dtype=bool)
        chosen = np.flatnonzero(valid)
        if not len(chosen):
            return duplicate
        group = stage_ix[chosen] * 3 + kind_ix[chosen]
        for key in np.unique(group):
            members = chosen[group == key]
            taken = self._entries(*divmod(int(key), 3))
            cell = unit_ix[members] * taken.shape[1] + slot_ix[members]
            earlier = taken.reshape(-1)[cell]  # entries of earlier chunks (−1: none)
            order = np.argsort(cell, kind="stable")
            ordered = cell[order]
            run_start = np.r_[True, ordered[1:] != ordered[:-1]]
            # The first entry of each run of equal cells is kept, unless an earlier chunk
            # gave the cell; every other one names the entry that was kept.
            first_of = order[np.flatnonzero(run_start)[np.cumsum(run_start) - 1]]
            kept = np.where(earlier[order] >= 0, earlier[order], start + members[first_of])
            repeat = ~run_start | (earlier[order] >= 0)
            for later, first in zip(members[order[repeat]], kept[repeat], strict=True):
                duplicate[later] = True
                where = self.locate(int(first))
                message = (
                    msg("input.entered_twice_at", first=where)
                    if where is not None
                    else msg("input.entered_twice")
                )
                reader.problem(start + int(later), message, msg("input.entered_twice_expected"))
        return duplicate

    def fill(
        self,
        index: tuple[IntArray, IntArray, IntArray, IntArray],
        valid: BoolArray,
        numbers: FloatArray,
        na: BoolArray,
        start: int,
    ) -> None:
        """Write one chunk's valid entries (none of them given twice) into the stages."""
        unit_ix, stage_ix, kind_ix, slot_ix = index
        chosen = np.flatnonzero(valid)
        if not len(chosen):
            return
        group = stage_ix[chosen] * 3 + kind_ix[chosen]
        for key in np.unique(group):
            stage_number, kind = divmod(int(key), 3)
            members = chosen[group == key]
            rows, columns = unit_ix[members], slot_ix[members]
            self._entries(stage_number, kind)[rows, columns] = start + members
            stage = self.data.get(stage_number)
            if stage is None:
                stage = self.data[stage_number] = _empty_stage(
                    self.n_units, self.compiled.n_leaves, len(self.compiled.adjustable_codes)
                )
            chosen_numbers = numbers[members]
            if kind == 0:
                given = ~np.isnan(chosen_numbers)
                stage.values[rows[given], columns[given]] = chosen_numbers[given]
                flagged = na[members]
                stage.not_applicable[rows[flagged], columns[flagged]] = True
            else:
                target = stage.bonus if kind == 1 else stage.deduction
                target[rows, columns] = chosen_numbers

    def done(self) -> dict[str, StageData]:
        """The stages that received entries, in the pack's order (the first when none did)."""
        compiled = self.compiled
        n_adjustable = len(compiled.adjustable_codes)
        adjustable_index = {code: i for i, code in enumerate(compiled.adjustable_codes)}
        stages: dict[str, StageData] = {}
        for position, name in enumerate(compiled.pack.stages):
            stage = self.data.get(position)
            if stage is None:
                continue
            none = self._none(n_adjustable)
            bonus = self.entries.get((position, 1), none)
            deduction = self.entries.get((position, 2), none)
            # One location per adjustable slot: a deduction's where both were given.
            adjustable_entries = (
                np.where(deduction >= 0, deduction, bonus)
                if (position, 1) in self.entries and (position, 2) in self.entries
                else deduction
                if (position, 2) in self.entries
                else bonus
            )
            leaf_entries = self.entries.get((position, 0), self._none(compiled.n_leaves))
            stages[name] = attrs.evolve(
                stage,
                locations=LocationIndex(
                    leaf_entries,
                    adjustable_entries,
                    compiled.leaf_index,
                    adjustable_index,
                    self.locate,
                ),
            )
        if not stages:
            stages[compiled.pack.stages[0]] = _empty_stage(
                self.n_units, compiled.n_leaves, n_adjustable
            )
        return stages


class _Readings:
    """What each distinct raw value reads as (once), and each entry's numeric value."""

    def __init__(self, compiled: CompiledPack, batch: _Batch) -> None:
        self.compiled = compiled
        self.batch = batch
        distinct = batch.values.distinct
        self.readings = readings = [_read_raw(raw) for raw in distinct]
        self.state = np.array([reading[0] for reading in readings], dtype=np.int64)
        rules = compiled.leaf_rules
        self.plain = np.array([type(rule).encode is Rule.encode for rule in rules], dtype=bool)
        self.rate = np.array([rule.takes_rate() for rule in rules], dtype=bool)
        self.number_of = np.array(
            [float(entry) if kind == _NUMBER else np.nan for kind, entry, _ in readings]  # type: ignore[arg-type]
        )
        self.percent = np.array([reading[2] for reading in readings], dtype=bool)
        #: (leaf, distinct value) pairs already encoded by the leaf's rule.
        self.encoded: dict[int, float | Refusal] = {}

    def values(
        self,
        value_ids: IntArray,
        kind_ix: IntArray,
        slot_ix: IntArray,
        valid: BoolArray,
        reader: _Reader,
        start: int,
    ) -> tuple[FloatArray, BoolArray]:
        """Each entry's numeric input value (NaN: missing or refused) and its N/A mark."""
        compiled, readings, batch = self.compiled, self.readings, self.batch
        n_distinct = len(readings)
        state = self.state[value_ids] if n_distinct else np.zeros(0, dtype=np.int64)
        numbers = np.full(len(value_ids), np.nan)
        na = valid & (state == _NA)
        na_adjust = na & (kind_ix != 0)
        for index in np.flatnonzero(na_adjust):
            reader.problem(
                start + int(index), msg("input.na_adjustment"), msg("input.number_expected")
            )
        na &= kind_ix == 0
        refused = valid & (state == _REFUSED)
        for index in np.flatnonzero(refused):
            reader.problem(start + int(index), readings[int(value_ids[index])][1])  # type: ignore[arg-type]
        given = valid & (state != _MISSING) & (state != _NA) & (state != _REFUSED)
        leaf_entries = np.flatnonzero(given & (kind_ix == 0))
        # Numbers for rules that take plain numbers: read once per distinct text, checked as arrays.
        plain_number = self.plain[slot_ix[leaf_entries]] & (state[leaf_entries] == _NUMBER)
        fast = leaf_entries[plain_number]
        if len(fast):
            fast_values = self.number_of[value_ids[fast]]
            no_percent = self.percent[value_ids[fast]] & ~self.rate[slot_ix[fast]]
            too_big = np.abs(fast_values) > VALUE_LIMIT
            for index in fast[no_percent]:
                found = Found(batch.values[start + int(index)])
                reader.problem(start + int(index), msg("entry.percent_not_allowed", found=found))
            for index in fast[too_big & ~no_percent]:
                entry = readings[int(value_ids[index])][1]
                reader.problem(
                    start + int(index),
                    msg("input.beyond_limit", found=Found(entry), limit=VALUE_LIMIT),
                )
            keep = ~no_percent & ~too_big
            numbers[fast[keep]] = fast_values[keep]
        # Labels and marks, and every entry of a rule that reads its own (levels, achieved):
        # encoded by the leaf's rule once per distinct (leaf, value) pair.
        other = leaf_entries[~plain_number]
        if len(other):
            pair = slot_ix[other] * n_distinct + value_ids[other]
            unique, inverse = np.unique(pair, return_inverse=True)
            inverse = inverse.ravel()
            table = np.full(len(unique), np.nan)
            refusals: dict[int, Refusal] = {}
            for position, key in enumerate(unique.tolist()):
                if key not in self.encoded:
                    leaf, value_id = divmod(key, n_distinct)
                    kind, entry, percent_sign = readings[value_id]
                    encoded = _encode(compiled, leaf, kind, entry, percent_sign)
                    self.encoded[key] = encoded  # type: ignore[assignment]
                result = self.encoded[key]
                if isinstance(result, float):
                    table[position] = result
                else:
                    refusals[position] = result
            numbers[other] = table[inverse]
            for refused_pair in np.flatnonzero(np.isnan(table)):
                message, expected = refusals[int(refused_pair)]
                for index in other[inverse == refused_pair]:
                    reader.problem(start + int(index), message, expected)
        # Bonus and deduction entries: plain numbers of points.
        for index in np.flatnonzero(given & (kind_ix > 0)):
            kind, entry, percent_sign = readings[int(value_ids[index])]
            if kind != _NUMBER or percent_sign:
                reader.problem(
                    start + int(index),
                    msg("input.cannot_read", found=Found(batch.values[start + int(index)])),
                    msg("input.number_expected"),
                )
                continue
            assert isinstance(entry, Decimal)
            if abs(entry) > VALUE_LIMIT:
                reader.problem(
                    start + int(index),
                    msg("input.beyond_limit", found=Found(entry), limit=VALUE_LIMIT),
                )
                continue
            numbers[index] = float(entry)
        return numbers, na


def _check_overrides(
    compiled: CompiledPack, overrides: Sequence[Override], positions: Mapping[str, int]
) -> list[InputProblem]:
    problems = []
    for override in overrides:
        if override.unit not in positions:
            problems.append(
                InputProblem(msg("input.override_unknown_unit"), override.unit, override.code)
            )
        elif override.code not in compiled.leaf_index:
            problems.append(
                InputProblem(msg("input.override_unknown_leaf"), override.unit, override.code)
            )
        elif not override.reason.strip() or not override.author.strip():
            problems.append(
                InputProblem(msg("input.override_needs_reason"), override.unit, override.code)
            )
    return problems


def records_as_entries(records: Iterable[Record]) -> Entries:
    """Records, column-wise (their locations kept as the places)."""
    listed = list(records)
    return Entries(
        unit=[record.unit for record in listed],
        code=[record.code for record in listed],
        value=[record.value for record in listed],
        stage=[record.stage for record in listed],
        entry=[record.entry for record in listed],
        place=[record.location for record in listed],
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
    return from_entries(
        compiled,
        [records_as_entries(records)],
        units=units,
        overrides=overrides,
        allow_missing=allow_missing,
    )


def from_mappings(
    compiled: CompiledPack,
    data: Mapping[str, Mapping[str, object]],
    *,
    stage: str = "self",
    units: Sequence[Unit | str] | None = None,
    allow_missing: bool = False,
) -> ScoringInput:
    """Input from ``{unit id: {leaf code: value}}`` (labels, numbers, NOT_APPLICABLE)."""
    problems = []
    if not isinstance(data, Mapping):
        problems.append(
            InputProblem(
                msg("input.wrong_shape", what="data"), expected=msg("input.mapping_expected")
            )
        )
        raise InputError(problems)
    unit_column: list[object] = []
    codes: list[object] = []
    values: list[object] = []
    listed: list[Unit] = []
    for unit, entries in data.items():
        try:
            listed.append(Unit(grammar.identifier(unit)))
        except grammar.EntryError as exc:
            problems.append(InputProblem(exc.message))
            continue
        if not isinstance(entries, Mapping):
            problems.append(
                InputProblem(
                    msg("input.wrong_shape", what=Found(unit)),
                    unit if isinstance(unit, str) else "",
                    expected=msg("input.mapping_expected"),
                )
            )
            continue
        for code, value in entries.items():
            unit_column.append(unit)
            codes.append(code)
            values.append(value)
    if problems:
        raise InputError(problems)
    return from_entries(
        compiled,
        [Entries(unit_column, codes, values, stage=stage)],
        units=units if units is not None else listed,
        allow_missing=allow_missing,
    )
