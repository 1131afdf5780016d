"""From what the readers collected to the core's scoring input, all problems at once.

Every reader returns a :class:`Collected` (column-wise entries with a way to
locate each one, the units it found, and the file-level problems it saw).
:func:`assemble` merges those of several files, builds the
:class:`~parindex.inputs.ScoringInput` with :func:`~parindex.inputs.from_entries`,
then runs the scorer's own entry checks (values outside what a rule accepts)
and the completeness check, so that one run reports everything wrong with the
input, each problem located.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Sequence
from typing import Any

import attrs
import numpy as np

from parindex.compiled import CompiledPack
from parindex.engines.checks import check_input
from parindex.errors import InputError, InputProblem, Location
from parindex.inputs import (
    Annotation,
    Coded,
    Coder,
    Entries,
    Override,
    ScoringInput,
    Unit,
    from_entries,
)
from parindex.io.csv_bytes import compact
from parindex.messages import Found, Message, msg
from parindex.model import Pack, PointsSource


@attrs.define
class EntryBuffer:
    """Entries appended one at a time (workbook cells, JSON values), handed over column-wise."""

    locate: Callable[[Any], Location | None]
    unit: list[object] = attrs.field(factory=list)
    code: list[object] = attrs.field(factory=list)
    value: list[object] = attrs.field(factory=list)
    stage: list[str] = attrs.field(factory=list)
    entry: list[str] = attrs.field(factory=list)
    place: list[Hashable] = attrs.field(factory=list)

    def add(
        self,
        unit: object,
        code: object,
        value: object,
        stage: str,
        place: Hashable,
        entry: str = "value",
    ) -> None:
        self.unit.append(unit)
        self.code.append(code)
        self.value.append(value)
        self.stage.append(stage)
        self.entry.append(entry)
        self.place.append(place)

    def extend(
        self,
        unit: object,
        codes: Sequence[object],
        values: Sequence[object],
        stage: str,
        places: Sequence[Hashable],
        entry: str = "value",
    ) -> None:
        """Many entries of one unit, stage and kind at once."""
        count = len(values)
        self.unit += [unit] * count
        self.code += codes
        self.value += values
        self.stage += [stage] * count
        self.entry += [entry] * count
        self.place += places

    def entries(self) -> Entries:
        return Entries(
            self.unit, self.code, self.value, self.stage, self.entry, self.place, self.locate
        )


#: Entries a :class:`RunBuffer` holds as Python objects before coding them as integers.
BUFFER_ENTRIES = 1 << 16


class RunBuffer:
    """Entries appended in runs (one unit's block of values at a time), coded into integer
    columns every :data:`BUFFER_ENTRIES` entries: a document of millions of entries keeps
    a few integers per entry, not six objects. A run keeps one place; ``locate(place,
    code)`` says where an entry is from its run's place and its own criterion code."""

    def __init__(self, locate: Callable[[Hashable, object], Location | None]) -> None:
        self._locate = locate
        self._coders = [Coder() for _ in range(5)]  # unit, code, value, stage, entry
        self._pending: list[list[object]] = [[] for _ in range(5)]
        self._parts: list[list[np.ndarray]] = [[] for _ in range(5)]
        self._starts: list[int] = []
        self._places: list[Hashable] = []
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def extend(
        self,
        unit: object,
        codes: Sequence[object],
        values: Sequence[object],
        stage: str,
        place: Hashable,
        entry: str = "value",
    ) -> None:
        """One run: many entries of one unit, stage and kind, found at ``place``."""
        count = len(values)
        if not count:
            return
        self._starts.append(self._count)
        self._places.append(place)
        units, code, value, stages, kinds = self._pending
        units += [unit] * count
        code += codes
        value += values
        stages += [stage] * count
        kinds += [entry] * count
        self._count += count
        if len(value) >= BUFFER_ENTRIES:
            self._flush()

    def add(self, unit: object, code: object, value: object, stage: str, place: Hashable) -> None:
        self.extend(unit, [code], [value], stage, place)

    def _flush(self) -> None:
        for coder, pending, parts in zip(self._coders, self._pending, self._parts, strict=True):
            if pending:
                parts.append(compact(coder.code(pending)))
                pending.clear()

    def entries(self) -> Entries:
        self._flush()
        unit, code, value, stage, entry = (
            Coded(np.concatenate(parts) if len(parts) != 1 else parts[0], coder.distinct)
            for coder, parts in zip(self._coders, self._parts, strict=True)
        )
        self._parts = [[] for _ in range(5)]
        starts = np.array(self._starts, dtype=np.int64)
        places, locate = self._places, self._locate

        def where(index: int) -> Location | None:
            run = int(np.searchsorted(starts, index, side="right")) - 1
            return locate(places[run], code[int(index)])

        numbers = compact(np.arange(self._count, dtype=np.int64))
        return Entries(unit, code, value, stage, entry, numbers, where)


@attrs.define
class Collected:
    """What one input file gave: entries, units and the problems seen while reading."""

    source: str
    #: "sheet" sources hold whole units (a unit must not appear in two of them);
    #: "long" sources may split a unit's entries across files, or add to a sheet's
    #: units (an appraisal CSV for filled templates).
    kind: str
    entries: list[Entries] = attrs.field(factory=list)
    units: dict[str, tuple[Unit, Location]] = attrs.field(factory=dict)
    problems: list[InputProblem] = attrs.field(factory=list)
    #: (unit, code) whose row is absent from a sheet, with where it was expected.
    absent: dict[tuple[str, str], Location] = attrs.field(factory=dict)
    #: Leaf codes with no column in a many-units sheet (for all its units).
    absent_columns: dict[str, Location] = attrs.field(factory=dict)
    #: Evidence and notes by (unit id, leaf code): not scored, carried to the results.
    notes: dict[tuple[str, str], Annotation] = attrs.field(factory=dict)
    #: Units part of whose entries were not read because of a problem already reported
    #: (a misspelt key): their criteria without a value are one problem, not one each.
    unread: dict[str, Location] = attrs.field(factory=dict)

    def add_unit(self, unit: Unit, where: Location) -> bool:
        """Register a unit; a second registration in the same file is a problem."""
        known = self.units.get(unit.id)
        if known is not None:
            self.problems.append(
                InputProblem(
                    msg("input.unit_twice_at", first=known[1]),
                    unit.id,
                    location=where,
                    expected=msg("input.unit_once_per_file"),
                )
            )
            return False
        self.units[unit.id] = (unit, where)
        return True


def appraisal_stage(pack: Pack) -> str:
    """The stage an "appraised value" column feeds: the first appraisal stage."""
    for stage in pack.stages[1:]:
        if stage.startswith("appraisal"):
            return stage
    if len(pack.stages) < 2:
        raise InputError([InputProblem(msg("input.no_appraisal_stage", pack=Found(pack.id)))])
    return pack.stages[1]


def _details_differ(unit: Unit, first: Unit, where: Location, known: Location) -> InputProblem:
    return InputProblem(
        msg("input.unit_details_differ", first=known),
        unit.id,
        location=where,
        expected=msg(
            "input.unit_details_expected", name=Found(first.name), group=Found(first.group)
        ),
    )


def _merge(
    sources: Sequence[Collected],
) -> tuple[
    list[Entries], dict[str, tuple[Unit, Location, str]], list[InputProblem], dict[str, Collected]
]:
    entries: list[Entries] = []
    units: dict[str, tuple[Unit, Location, str]] = {}
    owner: dict[str, Collected] = {}
    problems: list[InputProblem] = []
    for source in sources:
        problems += source.problems
        skipped: set[str] = set()
        for unit, where in source.units.values():
            known = units.get(unit.id)
            if known is None:
                units[unit.id] = (unit, where, source.kind)
                owner[unit.id] = source
                continue
            if source.kind == "sheet" and known[2] == "sheet":
                problems.append(
                    InputProblem(
                        msg("input.unit_in_two_sheets", first=known[1]),
                        unit.id,
                        location=where,
                        expected=msg("input.unit_in_two_sheets_expected"),
                    )
                )
                skipped.add(unit.id)
                continue
            first = known[0]
            if (unit.name and unit.name != first.name) or (
                unit.group and unit.group != first.group
            ):
                problems.append(_details_differ(unit, first, where, known[1]))
            if (not first.name and unit.name) or (not first.group and unit.group):
                merged = Unit(unit.id, first.name or unit.name, first.group or unit.group)
                units[unit.id] = (merged, known[1], known[2])
        entries += (
            [_without(batch, skipped) for batch in source.entries] if skipped else source.entries
        )
    return entries, units, problems, owner


def _without(batch: Entries, skipped: set[str]) -> Entries:
    """A sheet's entries less those of units already given in another sheet."""
    keep = [i for i in range(len(batch.unit)) if batch.unit[i] not in skipped]

    def pick(column: Any) -> Any:
        if column is None or isinstance(column, str):
            return column
        if isinstance(column, Coded):
            return Coded(column.ids[keep], column.distinct)
        return [column[i] for i in keep]

    return attrs.evolve(
        batch,
        unit=pick(batch.unit),
        code=pick(batch.code),
        value=pick(batch.value),
        stage=pick(batch.stage),
        entry=pick(batch.entry),
        place=pick(batch.place),
    )


def _missing(
    compiled: CompiledPack,
    data: ScoringInput,
    owner: dict[str, Collected],
    elsewhere: Collection[str] = (),
) -> list[InputProblem]:
    """Leaves with neither a value nor "không phát sinh" at any stage.

    A column missing from a many-units sheet is reported once, not per unit; survey
    leaves without points are one problem saying where survey points come from.
    """
    stages = list(data.stages.values())
    given = np.zeros((len(data.units), compiled.n_leaves), dtype=bool)
    for stage in stages:
        given |= ~np.isnan(stage.values) | stage.not_applicable
    given[:, [compiled.leaf_index[c] for c in elsewhere if c in compiled.leaf_index]] = True
    surveyed = np.asarray([s is PointsSource.SURVEY for s in compiled.leaf_source], dtype=bool)
    problems = _survey_missing(compiled, data, owner, ~given & surveyed)
    given |= surveyed
    columns_reported: set[tuple[int, str]] = set()
    unread: dict[str, int] = {}
    for row, column in zip(*np.nonzero(~given), strict=True):
        code = compiled.leaf_codes[column]
        unit = data.units[row].id
        source = owner.get(unit)
        if source is not None and unit in source.unread:
            unread[unit] = unread.get(unit, 0) + 1
            continue
        if source is not None and code in source.absent_columns:
            if (id(source), code) not in columns_reported:
                columns_reported.add((id(source), code))
                problems.append(
                    InputProblem(
                        msg("input.missing_column_for_leaf"),
                        code=code,
                        location=source.absent_columns[code],
                        expected=msg("input.missing_column_expected"),
                    )
                )
            continue
        if source is not None and (unit, code) in source.absent:
            problems.append(
                InputProblem(
                    msg("input.missing_row"),
                    unit,
                    code,
                    source.absent[(unit, code)],
                    msg("input.missing_row_expected"),
                )
            )
            continue
        where = next(
            (s.locations[(int(row), code)] for s in stages if (int(row), code) in s.locations), None
        )
        problems.append(
            InputProblem(
                msg("input.no_value" if where is not None else "input.criterion_missing"),
                data.units[row].id,
                code,
                where,
                msg("input.value_expected"),
            )
        )
    said_once = [
        InputProblem(
            msg("input.unread_missing", count=count),
            unit,
            location=owner[unit].unread[unit],
            expected=msg("input.unread_missing_expected"),
        )
        for unit, count in unread.items()
    ]
    return said_once + problems


#: Survey leaves named in the one message about missing survey points (the rest counted).
SURVEY_LEAVES_NAMED = 12


def _survey_missing(
    compiled: CompiledPack, data: ScoringInput, owner: dict[str, Collected], missing: np.ndarray
) -> list[InputProblem]:
    """One problem for every survey leaf without points (``missing``: units × leaves):
    survey points come from the survey's answer files, or are entered as points."""
    rows, columns = np.nonzero(missing)
    if not len(rows):
        return []
    codes = [compiled.leaf_codes[c] for c in sorted(set(columns.tolist()))]
    named: str | Message = ", ".join(codes[:SURVEY_LEAVES_NAMED])
    if len(codes) > SURVEY_LEAVES_NAMED:
        named = msg("input.leaves_and_more", leaves=named, count=len(codes) - SURVEY_LEAVES_NAMED)
    units = sorted(set(rows.tolist()))
    files = {owner[data.units[r].id].source for r in units if data.units[r].id in owner}
    return [
        InputProblem(
            msg("input.survey_points_missing", leaves=named, units=len(units)),
            data.units[units[0]].id if len(units) == 1 else "",
            location=Location(files.pop()) if len(files) == 1 else None,
            expected=msg("input.survey_points_expected"),
        )
    ]


def assemble(
    compiled: CompiledPack,
    sources: Sequence[Collected],
    *,
    allow_missing: bool = False,
    overrides: Sequence[Override] = (),
    elsewhere: Collection[str] = (),
) -> ScoringInput:
    """Scoring input from collected sources; raises one InputError listing every problem.

    ``elsewhere``: leaves whose points come from elsewhere (survey answers) may be absent.
    """
    entries, units, problems, owner = _merge(sources)
    try:
        data = from_entries(
            compiled,
            entries,
            units=[entry[0] for entry in units.values()],
            unit_places={unit_id: entry[1] for unit_id, entry in units.items()},
            overrides=overrides,
            allow_missing=allow_missing,
        )
    except InputError as exc:
        raise InputError([*problems, *exc.problems]) from None
    if not units and not problems:  # a file refused already says why no unit was found
        problems.append(InputProblem(msg("input.no_units")))
    problems += check_input(compiled, data)
    if not allow_missing:
        problems += _missing(compiled, data, owner, elsewhere)
    if problems:
        raise InputError(problems)
    notes = _notes(sources)
    return attrs.evolve(data, notes=notes) if notes else data


def _notes(sources: Sequence[Collected]) -> dict[tuple[str, str], Annotation]:
    """Every file's evidence and notes; where two files annotate the same entry, both
    texts are kept, joined in file order."""
    merged: dict[tuple[str, str], Annotation] = {}
    for source in sources:
        for key, note in source.notes.items():
            known = merged.get(key)
            merged[key] = note if known is None else known.merge(note)
    return merged
