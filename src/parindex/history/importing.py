"""Checking result sets before they are stored: every problem of every set, at once.

An import is refused as a whole when any of its sets cannot be stored as
given (no year, a unit listed twice, a figure finer than its set's scale or a
value no result can have, see :mod:`.checks`); the store is not touched then.

Results scored in the same process (``history import PACK INPUT...``) are prepared
from their arrays (:func:`prepare_results`): the figures are checked a whole set at a
time and stored as rows built a block of units at a time, never as a Decimal record
per figure (2.9 million figures took half a minute and gigabytes that way). Where the
arrays show a figure that might break a check, the set is checked figure by figure
as a results document is, so the problems named are the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from parindex.grammar import MAX_ID_CHARS, YEARS, EntryError, check_text
from parindex.history import checks
from parindex.history.checks import record_problems
from parindex.history.problems import HistoryImportError, SetProblem, set_place
from parindex.history.records import FigureRecord, Origin, ResultSetRecord
from parindex.history.stored import (
    FigureRows,
    NotStorable,
    records_from_results,
    result_set_record,
    result_stages,
    scaled_exactly,
    unit_records,
)
from parindex.messages import Found, Message, msg
from parindex.results import UNRANKED

if TYPE_CHECKING:
    from parindex.results import Results

_INT32_LIMIT = 2**31

#: A set ready to store: the record, its year, and its figure rows in stored form (a list,
#: or :class:`~parindex.history.stored.FigureRows` built from result arrays as they are read).
Prepared = tuple[ResultSetRecord, int, Iterable[tuple[Any, ...]]]


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


def prepare_results(
    results: Results, *, year: int | None = None, label: str | None = None, file: str = ""
) -> PreparedSets:
    """The sets of ``results`` (the final scores, then each stage view) checked and ready
    to store: the same sets, rows and problems as :func:`prepare_records` gives for the
    results document of ``results`` (``score -o kq.json``), from the result arrays."""
    stages = result_stages(results)
    views = [None if stage == "final" else stage for stage in stages]
    if not all(_sound(results, view) for view in views):
        # a figure may break a check: name every problem as a document's import does
        records = []
        for stage, view in zip(stages, views, strict=True):
            units, figures = records_from_results(results, view)
            records.append(result_set_record(results, stage, year, units, figures))
        return prepare_records(records, year=year, label=label, file=file)
    units = unit_records(results)
    heads = [result_set_record(results, stage, year, units) for stage in stages]
    checked = prepare_records(heads, year=year, label=label, file=file)  # the sets' own checks
    sets = tuple(
        (record, set_year, FigureRows(results, view))
        for (record, set_year, _), view in zip(checked.sets, views, strict=True)
    )
    return PreparedSets(sets, file)


def _sound(results: Results, view: str | None) -> bool:
    """Whether no figure of the set can break a check of :mod:`.checks` or of
    :func:`stored_row`: a conservative test on whole arrays (True proves it; False only
    sends the set through the figure-by-figure checks)."""
    pack, scores = results.pack, results.scores(view)
    point_decimals, index_decimals = pack.point_decimals, pack.rounding.decimals
    if not 0 <= point_decimals <= checks.MAX_DECIMALS:
        return False
    if not 0 <= index_decimals <= checks.MAX_DECIMALS:
        return False
    units = [unit.id for unit in results.units]
    if len(set(units)) != len(units):
        return False  # a unit twice: its figures twice too
    ranked = scores.rank != UNRANKED
    ranks, ranked_of = scores.rank[ranked], results.ranked_of(view)[ranked]
    if ranks.size and (ranks.min() < 1 or ranks.max() >= _INT32_LIMIT):
        return False
    if (ranks > ranked_of).any() or (ranked_of >= _INT32_LIMIT).any():
        return False
    hundred = 100 * 10**index_decimals
    bounds = checks.installed_bounds(pack.id, pack.version) if results.units else None
    codes = results.compiled.codes
    if bounds is not None:
        if any(code not in bounds.maximum for code in codes):
            return False
        top = np.array([_ticks(bounds.maximum[c], point_decimals) for c in codes])
        high = np.array(
            [_ticks(bounds.maximum[c] + bounds.bonus[c], point_decimals) for c in codes]
        )
        negative = np.array([c in bounds.negative for c in codes])
    for start in range(0, len(results.units), _CHECK_BLOCK):
        stop = min(start + _CHECK_BLOCK, len(results.units))
        maximum = scores.maxima(start, stop)
        points = scores.points[start:stop]
        index = np.where(maximum != 0, scores.index[start:stop], 0)
        if (maximum < 0).any():
            return False
        if bounds is None:
            if (index < 0).any() or (index > hundred).any():
                return False
            continue
        if (maximum > top).any() or (points > high).any():
            return False
        below = ((points < 0) | (index < 0)) & ~negative
        if below.any() or (index > hundred).any():
            return False
    return True


def _ticks(value: Decimal, decimals: int) -> int:
    """``value`` in ticks of ``decimals`` places, rounded down (a bound that errs towards
    checking a figure one by one)."""
    return int(value.scaleb(decimals).to_integral_value(rounding=ROUND_FLOOR))


#: Units checked at once (a few MB of arrays with a 150-node pack).
_CHECK_BLOCK = 4096


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
    if record.label:
        try:  # a label selects a set (yoy --label) and heads lists: an id's grammar
            check_text(record.label, what="set_label", limit=MAX_ID_CHARS)
        except EntryError as exc:
            yield SetProblem(place, exc.message)
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
