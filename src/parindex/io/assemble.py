"""From what the readers collected to the core's scoring input, all problems at once.

Every reader returns a :class:`Collected` (records with exact locations, the
units it found, and the file-level problems it saw). :func:`assemble` merges
those of several files, builds the :class:`~parindex.inputs.ScoringInput` with
:func:`~parindex.inputs.from_records`, then runs the scorer's own entry checks
(values outside what a rule accepts) and the completeness check, so that one
run reports everything wrong with the input, each problem located.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np

from parindex.compiled import CompiledPack
from parindex.errors import InputError, InputProblem, Location
from parindex.inputs import Override, Record, ScoringInput, Unit, from_records
from parindex.model import Pack
from parindex.scoring import check_input


@attrs.define
class Collected:
    """What one input file gave: records, units and the problems seen while reading."""

    source: str
    #: "sheet" sources hold whole units (a unit must not appear in two of them);
    #: "long" sources may split a unit's entries across files, or add to a sheet's
    #: units (an appraisal CSV for filled templates).
    kind: str
    records: list[Record] = attrs.field(factory=list)
    units: dict[str, tuple[Unit, Location]] = attrs.field(factory=dict)
    problems: list[InputProblem] = attrs.field(factory=list)
    #: (unit, code) whose row is absent from a sheet, with where it was expected.
    absent: dict[tuple[str, str], Location] = attrs.field(factory=dict)
    #: Leaf codes with no column in a many-units sheet (for all its units).
    absent_columns: dict[str, Location] = attrs.field(factory=dict)

    def add_unit(self, unit: Unit, where: Location) -> bool:
        """Register a unit; a second registration in the same file is a problem."""
        known = self.units.get(unit.id)
        if known is not None:
            self.problems.append(
                InputProblem(
                    f"unit listed twice (first at {known[1]})",
                    unit.id,
                    location=where,
                    expected="each unit once per file",
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
        raise InputError([InputProblem(f"pack {pack.id!r} has no appraisal stage")])
    return pack.stages[1]


def _merge(
    sources: Sequence[Collected],
) -> tuple[list[Record], list[Unit], list[InputProblem], dict[str, Collected]]:
    records: list[Record] = []
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
                        f"unit also given at {known[1]}",
                        unit.id,
                        location=where,
                        expected="each unit in one workbook or sheet row",
                    )
                )
                skipped.add(unit.id)
                continue
            first = known[0]
            if (unit.name and unit.name != first.name) or (
                unit.group and unit.group != first.group
            ):
                problems.append(
                    InputProblem(
                        f"unit's name or group differs from {known[1]}",
                        unit.id,
                        location=where,
                        expected=f"name {first.name!r}, group {first.group!r}",
                    )
                )
            if (not first.name and unit.name) or (not first.group and unit.group):
                merged = Unit(unit.id, first.name or unit.name, first.group or unit.group)
                units[unit.id] = (merged, known[1], known[2])
        records += [record for record in source.records if record.unit not in skipped]
    return records, [entry[0] for entry in units.values()], problems, owner


def _missing(
    compiled: CompiledPack, data: ScoringInput, owner: dict[str, Collected]
) -> list[InputProblem]:
    """Leaves with neither a value nor "không phát sinh" at any stage.

    A column missing from a many-units sheet is reported once, not per unit.
    """
    stages = list(data.stages.values())
    given = np.zeros((len(data.units), compiled.n_leaves), dtype=bool)
    for stage in stages:
        given |= ~np.isnan(stage.values) | stage.not_applicable
    problems = []
    columns_reported: set[tuple[int, str]] = set()
    for row, column in zip(*np.nonzero(~given), strict=True):
        code = compiled.leaf_codes[column]
        unit = data.units[row].id
        source = owner.get(unit)
        if source is not None and code in source.absent_columns:
            if (id(source), code) not in columns_reported:
                columns_reported.add((id(source), code))
                problems.append(
                    InputProblem(
                        "no column for this criterion",
                        code=code,
                        location=source.absent_columns[code],
                        expected="a column headed by every leaf code",
                    )
                )
            continue
        if source is not None and (unit, code) in source.absent:
            problems.append(
                InputProblem(
                    "the criterion's row is missing from the sheet",
                    unit,
                    code,
                    source.absent[(unit, code)],
                    "every row of the template kept",
                )
            )
            continue
        where = next(
            (s.locations[(int(row), code)] for s in stages if (int(row), code) in s.locations), None
        )
        problems.append(
            InputProblem(
                "no value entered" if where is not None else "criterion missing from the input",
                data.units[row].id,
                code,
                where,
                "a value, or 'không phát sinh' where the criterion allows it",
            )
        )
    return problems


def assemble(
    compiled: CompiledPack,
    sources: Sequence[Collected],
    *,
    allow_missing: bool = False,
    overrides: Sequence[Override] = (),
) -> ScoringInput:
    """Scoring input from collected sources; raises one InputError listing every problem."""
    records, units, problems, owner = _merge(sources)
    try:
        data = from_records(
            compiled, records, units=units, overrides=overrides, allow_missing=allow_missing
        )
    except InputError as exc:
        raise InputError([*problems, *exc.problems]) from None
    if not units:
        problems.append(InputProblem("no units found in the input"))
    problems += check_input(compiled, data)
    if not allow_missing:
        problems += _missing(compiled, data, owner)
    if problems:
        raise InputError(problems)
    return data
