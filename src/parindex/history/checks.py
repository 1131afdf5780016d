"""Figures that cannot be results, refused before anything is stored.

Every set is checked for what no result can be: a rank below 1 or above the
number ranked, a maximum below 0, a value that is not a number (NaN,
infinity), an index below 0 or above 100 beyond what bonuses allow. When the
set's pack is installed in the same version, its criteria bound each figure
too: a criterion the pack lacks, a maximum above the criterion's, points above
the criterion's maximum plus the bonus caps of its subtree.

Without the pack, bonuses are unknown: an index above 100 is accepted only
where the figure's own points and maximum show it (points above the maximum).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from decimal import ROUND_CEILING, Decimal

import attrs

from parindex.compiled import compile_pack
from parindex.errors import ParIndexError
from parindex.history.records import FigureRecord, ResultSetRecord
from parindex.messages import Found, Message, msg
from parindex.model import Node, Pack

HUNDRED = Decimal(100)
#: Decimals a set may declare for its points and its index.
MAX_DECIMALS = 12


@attrs.frozen
class PackBounds:
    """Per criterion code: the maximum, and the bonus points its subtree may add."""

    pack: str
    version: str
    maximum: dict[str, Decimal]
    bonus: dict[str, Decimal]
    #: Codes whose subtree has a floor under 0: their points and index may fall below 0.
    negative: frozenset[str]

    @classmethod
    def from_pack(cls, pack: Pack) -> PackBounds:
        compiled = compile_pack(pack)
        ticks = Decimal(compiled.ticks_per_point)
        maximum = {
            code: Decimal(int(value)) / ticks
            for code, value in zip(compiled.codes, compiled.node_max.tolist(), strict=True)
        }
        bonus: dict[str, Decimal] = {}
        negative: set[str] = set()

        def subtree(node: Node) -> Decimal:
            total = (node.bonus_cap or Decimal(0)) + sum(
                (subtree(child) for child in node.children), Decimal(0)
            )
            bonus[node.code] = total
            below = node.floor is not None and node.floor < 0
            if below or any(child.code in negative for child in node.children):
                negative.add(node.code)
            return total

        bonus[""] = (pack.total_bonus_cap or Decimal(0)) + sum(
            (subtree(field) for field in pack.tree), Decimal(0)
        )
        if negative:
            negative.add("")
        return cls(pack.id, pack.version, maximum, bonus, frozenset(negative))


@functools.cache
def installed_bounds(pack_id: str, version: str) -> PackBounds | None:
    """Bounds from the installed pack ``pack_id`` if its version is ``version``."""
    from parindex.plugins import default_plugins

    plugins = default_plugins()
    if pack_id not in plugins.pack_ids():
        return None
    pack = plugins.pack(pack_id)
    if pack.version != version:
        return None
    try:
        return PackBounds.from_pack(pack)
    except ParIndexError:  # a pack that cannot be scored bounds nothing
        return None


def record_problems(record: ResultSetRecord) -> Iterator[tuple[str, str | None, Message]]:
    """(unit, code, problem) for every figure of ``record`` that cannot be a result."""
    for name, value in (
        ("point_decimals", record.point_decimals),
        ("index_decimals", record.index_decimals),
    ):
        if not 0 <= value <= MAX_DECIMALS:
            yield "", None, msg("history.bad_decimals", key=name, found=value, most=MAX_DECIMALS)
    bounds = installed_bounds(record.pack, record.version) if record.figures else None
    for figure in record.figures:
        for problem in figure_problems(figure, record.index_decimals, bounds):
            yield figure.unit, figure.code, problem


def figure_problems(
    figure: FigureRecord, index_decimals: int, bounds: PackBounds | None
) -> Iterator[Message]:
    """What makes ``figure`` impossible as a result (nothing for a sound figure)."""
    finite = True
    for name in ("points", "maximum", "index"):
        value = getattr(figure, name)
        if value is not None and not value.is_finite():
            finite = False
            yield msg("history.not_finite", key=name, found=Found(str(value)))
    if figure.rank is not None and figure.rank < 1:
        yield msg("history.rank_below_one", found=figure.rank)
    if figure.ranked_of is not None and figure.ranked_of < 1:
        yield msg("history.ranked_of_below_one", found=figure.ranked_of)
    elif (
        figure.rank is not None and figure.ranked_of is not None and figure.rank > figure.ranked_of
    ):
        yield msg("history.rank_beyond", rank=figure.rank, ranked_of=figure.ranked_of)
    if not finite:
        return
    if figure.maximum is not None and figure.maximum < 0:
        yield msg("history.maximum_negative", found=figure.maximum)
    if bounds is not None:
        if figure.code not in bounds.maximum:
            yield msg("history.unknown_code", pack=bounds.pack, version=bounds.version)
            return
        yield from _pack_problems(figure, bounds)
    yield from _index_problems(figure, index_decimals, bounds)


def _pack_problems(figure: FigureRecord, bounds: PackBounds) -> Iterator[Message]:
    top, bonus = bounds.maximum[figure.code], bounds.bonus[figure.code]
    if figure.maximum is not None and figure.maximum > top:
        yield msg("history.maximum_beyond", found=figure.maximum, limit=top)
    if figure.points is not None:
        if figure.points > top + bonus:
            yield msg("history.points_beyond", found=figure.points, maximum=top, bonus=bonus)
        elif figure.points < 0 and figure.code not in bounds.negative:
            yield msg("history.points_negative", found=figure.points)


def _index_problems(
    figure: FigureRecord, index_decimals: int, bounds: PackBounds | None
) -> Iterator[Message]:
    index = figure.index
    if index is None:
        return
    if index < 0 and not (bounds is not None and figure.code in bounds.negative):
        yield msg("history.index_negative", found=index)
        return
    limit = index_limit(figure, bounds)
    if limit is None:
        return
    step = Decimal(1).scaleb(-min(max(index_decimals, 0), MAX_DECIMALS))
    allowed = limit.quantize(step, rounding=ROUND_CEILING)
    if index > allowed:
        yield msg("history.index_beyond", found=index, limit=allowed)


def index_limit(figure: FigureRecord, bounds: PackBounds | None) -> Decimal | None:
    """The highest index ``figure`` can have; None when it cannot be known."""
    maximum = figure.maximum
    if bounds is not None:
        bonus = bounds.bonus[figure.code]
        if bonus == 0:
            return HUNDRED
        if maximum is None or maximum <= 0:
            return None
        return HUNDRED * (maximum + bonus) / maximum
    points = figure.points
    if points is not None and maximum is not None and 0 < maximum < points:
        return HUNDRED * points / maximum
    return HUNDRED
