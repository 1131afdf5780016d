"""Checking result sets before they are stored: every problem of every set, at once.

An import is refused as a whole when any of its sets cannot be stored as
given (no year, a unit listed twice, a figure finer than its set's scale or a
value no result can have, see :mod:`.checks`); the store is not touched then.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from parindex.history.checks import record_problems
from parindex.history.problems import HistoryImportError, SetProblem, set_place
from parindex.history.records import FigureRecord, Origin, ResultSetRecord
from parindex.history.stored import NotStorable, scaled_exactly
from parindex.messages import Found, Message, msg

#: Years a result set may have (a typo such as 20245 is refused, not stored).
YEARS = range(1900, 3000)
_INT32_LIMIT = 2**31

#: A set ready to store: the record, its year, and its figure rows in stored form.
Prepared = tuple[ResultSetRecord, int, list[tuple[Any, ...]]]


@attrs.frozen
class PreparedSets:
    """Result sets checked and converted, ready for one transaction."""

    sets: tuple[Prepared, ...]
    file: str = ""


def prepare_records(
    records: Sequence[ResultSetRecord],
    *,
    year: int | None = None,
    label: str | None = None,
    file: str = "",
) -> PreparedSets:
    """Check ``records`` and convert their figures; :class:`HistoryImportError` lists every problem.

    ``year`` and ``label`` fill sets that state none; a set stating another is refused.
    """
    problems: list[SetProblem] = []
    prepared: list[Prepared] = []
    keys: dict[tuple[Any, ...], int] = {}
    for position, given in enumerate(records):
        record = given
        place = place_of(position, record, year, file)
        if label is not None and record.label and record.label != label:
            conflict = msg("history.label_conflict", found=Found(record.label), given=Found(label))
            problems.append(SetProblem(place, conflict))
        elif label is not None:
            record = attrs.evolve(record, label=label)
            place = place_of(position, record, year, file)
        found = list(set_problems(record, year, place))
        rows = []
        for index, figure in enumerate(record.figures):
            row, unfit = stored_row(figure, index, record, place)
            found += unfit
            rows.append(row)
        problems += found
        if found:
            continue
        set_year = record.year if record.year is not None else year
        assert set_year is not None  # checked by set_problems
        key = set_key(record, set_year)
        if key in keys:
            problems.append(SetProblem(place, msg("history.set_twice", first=keys[key] + 1)))
        keys[key] = position
        prepared.append((record, set_year, [row for row in rows if row is not None]))
    if problems:
        raise HistoryImportError(problems, file)
    return PreparedSets(tuple(prepared), file)


def set_key(record: ResultSetRecord, year: int) -> tuple[Any, ...]:
    return (year, record.pack, record.version, record.origin.value, record.stage, record.label)


def place_of(position: int | None, record: ResultSetRecord, year: int | None, file: str) -> Message:
    return set_place(
        position,
        pack=record.pack,
        version=record.version,
        year=record.year if record.year is not None else year,
        stage=record.stage,
        label=record.label,
        file=file,
    )


def set_problems(record: ResultSetRecord, year: int | None, place: Message) -> Iterator[SetProblem]:
    """Everything that keeps ``record`` out of the store (nothing for a sound set)."""
    if record.year is not None and year is not None and record.year != year:
        yield SetProblem(place, msg("history.year_conflict", found=record.year, given=year))
    set_year = record.year if record.year is not None else year
    if set_year is None:
        yield SetProblem(place, msg("history.no_year"))
    elif set_year not in YEARS:
        yield SetProblem(
            place, msg("history.bad_year", found=set_year, first=YEARS[0], last=YEARS[-1])
        )
    if record.origin is Origin.DERIVED and not record.note.strip():
        yield SetProblem(place, msg("history.derived_without_note"))
    seen_units: set[str] = set()
    for unit in record.units:
        if unit.id in seen_units:
            yield SetProblem(place, msg("history.unit_twice"), unit.id)
        seen_units.add(unit.id)
    seen: set[tuple[str, str]] = set()
    for figure in record.figures:
        if figure.unit not in seen_units:
            yield SetProblem(place, msg("history.unit_not_listed"), figure.unit, figure.code)
        if (figure.unit, figure.code) in seen:
            yield SetProblem(place, msg("history.figure_twice"), figure.unit, figure.code)
        seen.add((figure.unit, figure.code))
    for unit_id, code, problem in record_problems(record):
        yield SetProblem(place, problem, unit_id, code)


def stored_row(
    figure: FigureRecord, position: int, record: ResultSetRecord, place: Message
) -> tuple[tuple[Any, ...] | None, list[SetProblem]]:
    """The figure in stored form, or what keeps it from fitting the set's scales and the
    database's integers exactly (values are scaled once, here)."""
    problems: list[SetProblem] = []
    values: list[int | None] = []
    for name, value, decimals in (
        ("points", figure.points, record.point_decimals),
        ("maximum", figure.maximum, record.point_decimals),
        ("index", figure.index, record.index_decimals),
    ):
        if value is None or not value.is_finite() or decimals < 0:
            values.append(None)  # refused by the value checks when it matters
            continue
        found = scaled_exactly(value, decimals)
        if isinstance(found, NotStorable):
            problem = msg(found.value, key=name, found=value, decimals=decimals)
            problems.append(SetProblem(place, problem, figure.unit, figure.code))
        else:
            values.append(found)
    for name, whole in (("rank", figure.rank), ("ranked_of", figure.ranked_of)):
        if whole is not None and abs(whole) >= _INT32_LIMIT:
            problem = msg(NotStorable.TOO_LARGE.value, key=name, found=whole)
            problems.append(SetProblem(place, problem, figure.unit, figure.code))
    if problems:
        return None, problems
    points, maximum, index = values
    row = (figure.unit, figure.code, points, maximum, index, figure.grade, figure.rank)
    return (*row, figure.ranked_of, position), []
