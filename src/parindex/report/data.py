"""Everything a report shows, gathered from results into plain frozen records.

The template and the charts only format what is here; every figure is an
exact ``Decimal`` taken from the scored arrays (indices as the pack's rounding
rule publishes them), never recomputed from floats.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import attrs
import numpy as np

import parindex
from parindex.analysis.lost_points import (
    CriterionLoss,
    UnitGain,
    group_lost_points,
    top_lost_criteria_many,
)
from parindex.compiled import ROOT
from parindex.coverage import Coverage
from parindex.document import Heading
from parindex.errors import InputError, InputProblem
from parindex.io.readers import input_files
from parindex.model import Pack, RoundingRule
from parindex.report.previous import PreviousYear, UnitChange, compare_with_results
from parindex.results import NO_GRADE, UNRANKED, Results


@attrs.frozen
class FieldInfo:
    code: str
    title: str
    maximum: Decimal


@attrs.frozen
class Cell:
    """A component index and the position of its class (0 = best, -1 = none)."""

    index: Decimal | None
    grade: int


@attrs.frozen
class UnitRow:
    id: str
    name: str
    rank: int | None
    points: Decimal
    maximum: Decimal
    total: Cell
    fields: tuple[Cell, ...]
    change: UnitChange | None
    lost: tuple[UnitGain, ...]


@attrs.frozen
class GroupReport:
    """One ranking group: units in rank order, field averages, class counts, lost points."""

    name: str
    rows: tuple[UnitRow, ...]
    #: Unweighted mean of the units' component indices, per field (None: no unit has one).
    averages: tuple[Decimal | None, ...]
    total_average: Decimal | None
    grade_counts: tuple[int, ...]
    lost: tuple[CriterionLoss, ...]


@attrs.frozen
class InputFile:
    name: str
    size: int
    sha256: str


@attrs.frozen
class ReportData:
    pack: Pack
    stage: str
    stages_used: tuple[str, ...]
    fields: tuple[FieldInfo, ...]
    grades: tuple[str, ...]
    groups: tuple[GroupReport, ...]
    inputs: tuple[InputFile, ...]
    generated_at: dt.datetime
    synthetic: bool
    previous: PreviousYear | None
    units: int
    heading: Heading = attrs.Factory(Heading)
    version: str = parindex.__version__
    #: What the figures cover (issue 14): a partial pack or view says so on every page.
    coverage: Coverage | None = None

    @property
    def index_decimals(self) -> int:
        return self.pack.rounding.decimals


def files_read(paths: Sequence[str | Path]) -> list[Path]:
    """The files behind ``paths``: a file as it is, a folder as the input files in it that
    :func:`parindex.io.read_input` reads (name order); what is not there is an error."""
    files: list[Path] = []
    problems: list[InputProblem] = []
    for given in paths:
        path = Path(given)
        if path.is_file():
            files.append(path)
        else:  # a folder, or nothing at all
            found, missing = input_files([path])
            files += found
            problems += missing
    if problems:
        raise InputError(problems)
    return files


def input_file(path: str | Path) -> InputFile:
    """Name, size and SHA-256 of an input file (read only), so a printout can be traced."""
    file = Path(path)
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return InputFile(name=str(file), size=file.stat().st_size, sha256=digest.hexdigest())


def _mean(values: list[int], rule: RoundingRule) -> Decimal | None:
    """The mean of indices (scaled by the rule's places), rounded as the rule rounds."""
    if not values:
        return None
    return rule.round((Decimal(sum(values)) / len(values)).scaleb(-rule.decimals))


def assemble(
    results: Results,
    *,
    previous: Results | PreviousYear | None = None,
    inputs: Sequence[str | Path] = (),
    synthetic: bool | None = None,
    stage: str | None = None,
    generated_at: dt.datetime | None = None,
    top_lost: int = 5,
    lost_level: int | None = 2,
    lost_criteria: int = 15,
    heading: Heading | None = None,
) -> ReportData:
    """Gather the report's figures; ``previous`` Results are matched to these by unit id."""
    compiled = results.compiled
    scores = results.scores(stage)
    decimals = results.pack.rounding.decimals
    if isinstance(previous, Results):
        previous = compare_with_results(results, previous, stage=stage)
    field_nodes = [n for n in range(1, compiled.n_nodes) if compiled.depth[n] == 1]
    nodes = [ROOT, *field_nodes]
    index = scores.index[:, nodes].astype(np.int64).tolist()
    grade = scores.grade[:, nodes].astype(np.int64).tolist()
    maximum = np.asarray(scores.unit_maximum())[:, nodes].astype(np.int64).tolist()
    ranks = scores.rank.astype(np.int64).tolist()
    lost = top_lost_criteria_many(results, n=top_lost, level=lost_level, stage=stage)

    def cell(row: int, k: int) -> Cell:
        if maximum[row][k] == 0:
            return Cell(None, NO_GRADE)
        return Cell(Decimal(index[row][k]).scaleb(-decimals), int(grade[row][k]))

    def unit_row(row: int) -> UnitRow:
        unit = results.units[row]
        return UnitRow(
            id=unit.id,
            name=unit.name,
            rank=None if ranks[row] == UNRANKED else int(ranks[row]),
            points=results.rounded_points(unit.id, stage=stage),
            maximum=Decimal(maximum[row][0]).scaleb(-results.pack.point_decimals),
            total=cell(row, 0),
            fields=tuple(cell(row, k) for k in range(1, len(nodes))),
            change=None if previous is None else previous.changes.get(unit.id),
            lost=lost[unit.id],
        )

    order = results.ranking(stage)
    position = {u.id: i for i, u in enumerate(results.units)}
    groups: list[GroupReport] = []
    n_grades = len(results.pack.classification.grades)
    for name in dict.fromkeys(r.group for r in order):
        rows = [position[r.unit] for r in order if r.group == name]
        averages = tuple(
            _mean([index[r][k] for r in rows if maximum[r][k] != 0], results.pack.rounding)
            for k in range(len(nodes))
        )
        counts = [0] * n_grades
        for r in rows:
            if grade[r][0] != NO_GRADE:
                counts[grade[r][0]] += 1
        groups.append(
            GroupReport(
                name=name,
                rows=tuple(unit_row(r) for r in rows),
                averages=averages[1:],
                total_average=averages[0],
                grade_counts=tuple(counts),
                lost=group_lost_points(results, level=lost_level, stage=stage, group=name)[
                    :lost_criteria
                ],
            )
        )
    fields = tuple(
        FieldInfo(
            compiled.codes[n],
            compiled.titles[n],
            Decimal(int(compiled.node_max[n])).scaleb(-results.pack.point_decimals),
        )
        for n in field_nodes
    )
    stage_name = stage or "final"
    return ReportData(
        pack=results.pack,
        stage=stage_name,
        stages_used=scores.stages_used,
        fields=fields,
        grades=results.pack.classification.labels,
        groups=tuple(groups),
        inputs=tuple(input_file(p) for p in files_read(inputs)),
        generated_at=generated_at or dt.datetime.now(dt.UTC).astimezone(),
        synthetic=results.pack.synthetic if synthetic is None else synthetic,
        previous=previous,
        units=len(results.units),
        heading=heading or Heading(),
        coverage=results.coverage,
    )
