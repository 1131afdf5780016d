"""Plan targets as checks that report pass, fail or unknown, with the figures used.

The targets are those a provincial plan sets (Sóc Trăng's Đề án, see
docs/history.md): the province in the top N; its rank improved by at least k
places a year; the average index of the province's units above the
province's published index of the previous year; every unit above its own
index of the previous year. A check with missing figures says "unknown" and
names what is missing; it never passes by default.

TOML form (see docs/examples/soctrang-targets.toml)::

    title = "…"
    province = "soc-trang"              # unit id in the province's result sets
    province_packs = ["…"]              # packs of the sets holding the province's figures
    unit_packs = ["…"]                  # packs of the sets holding the province's units
    [[targets]]
    kind = "top_n"                      # top_n | rank_improvement |
    n = 15                              # units_average_above_province | every_unit_improves
    years = { first = 2025, last = 2025 }
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any, ClassVar, Union

import attrs
import cattrs
from cattrs.strategies import configure_tagged_union

from parindex.fixedpoint import quantize_decimal
from parindex.history.documents import read_toml, refuse_document
from parindex.history.lineage import Lineage
from parindex.history.mapping import VersionMapping
from parindex.history.records import FigureRecord, Origin, origin_named
from parindex.history.store import HistoryStore, StoredSet
from parindex.history.yoy import FINAL, Aggregate, YearComparer
from parindex.messages import text
from parindex.model import YearRange


class Status(enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


@attrs.frozen
class TopN:
    """The province ranks within the first ``n``."""

    kind: ClassVar[str] = "top_n"
    n: int
    years: YearRange | None = None
    quote: str = ""

    def describe(self, lang: str | None = None) -> str:
        return text("history.target_top_n", lang, n=self.n)


@attrs.frozen
class RankImprovement:
    """The province gains at least ``places`` ranks on the year before."""

    kind: ClassVar[str] = "rank_improvement"
    places: int = 1
    years: YearRange | None = None
    quote: str = ""

    def describe(self, lang: str | None = None) -> str:
        return text("history.target_rank_improvement", lang, places=self.places)


@attrs.frozen
class UnitsAverageAboveProvince:
    """The unweighted mean index of the province's units exceeds the province's index of Y − 1."""

    kind: ClassVar[str] = "units_average_above_province"
    years: YearRange | None = None
    quote: str = ""

    def describe(self, lang: str | None = None) -> str:
        return text("history.target_units_average", lang)


@attrs.frozen
class EveryUnitImproves:
    """Every unit's index is higher than its own of the year before (lineage followed)."""

    kind: ClassVar[str] = "every_unit_improves"
    years: YearRange | None = None
    #: How a merged/split unit's predecessors make its "own" previous index; none → unknown.
    aggregate: Aggregate = Aggregate.NONE
    quote: str = ""

    def describe(self, lang: str | None = None) -> str:
        return text("history.target_every_unit", lang)


Target = TopN | RankImprovement | UnitsAverageAboveProvince | EveryUnitImproves
TARGET_KINDS: tuple[type[Any], ...] = (
    TopN,
    RankImprovement,
    UnitsAverageAboveProvince,
    EveryUnitImproves,
)


@attrs.frozen
class TargetPlan:
    title: str
    province: str
    province_packs: tuple[str, ...]
    unit_packs: tuple[str, ...]
    targets: tuple[Target, ...]
    source: str = ""


@attrs.frozen
class TargetCheck:
    target: Target
    year: int
    status: Status
    #: (label, value) pairs: the figures the verdict rests on.
    figures: tuple[tuple[str, str], ...]
    detail: tuple[str, ...] = ()


def _converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    union: Any = Union[TARGET_KINDS]  # noqa: UP007
    configure_tagged_union(
        union, converter, tag_generator=lambda cls: str(cls.__dict__["kind"]), tag_name="kind"
    )
    return converter


_CONVERTER = _converter()


def plan_from_document(document: Mapping[str, Any], origin: str = "") -> TargetPlan:
    """Structure a plan document (the TOML shape in the module docstring)."""
    try:
        return _CONVERTER.structure(dict(document), TargetPlan)
    except cattrs.BaseValidationError as exc:
        raise refuse_document(exc, document, origin) from None


def read_plan(path: str | Path) -> TargetPlan:
    """Read a plan's targets from a TOML file."""
    return plan_from_document(read_toml(path), str(path))


#: Which origin wins when several sets give the same province figure.
_ORIGIN_PREFERENCE = (Origin.PUBLISHED, Origin.SCORED, Origin.REPORTED, Origin.DERIVED)


def _fmt(value: Decimal | None) -> object:
    """A figure for a message (rendered with the reader's decimal mark), or a dash."""
    return "—" if value is None else value


class TargetChecker:
    def __init__(
        self,
        store: HistoryStore,
        plan: TargetPlan,
        *,
        mappings: Sequence[VersionMapping] = (),
        lineage: Lineage | None = None,
    ) -> None:
        self.store = store
        self.plan = plan
        self.comparer = YearComparer(store, lineage=lineage, mappings=mappings)

    def _sets(self, year: int, packs: Iterable[str]) -> list[StoredSet]:
        wanted = set(packs)
        return [
            s
            for s in self.comparer.sets_of(year)
            if s.info.pack in wanted and s.info.stage == FINAL
        ]

    def province_figure(self, year: int, attribute: str) -> tuple[FigureRecord, StoredSet] | None:
        """The province's whole-index figure having ``attribute``, best origin first."""
        found = []
        for stored in self._sets(year, self.plan.province_packs):
            figure = stored.figure(self.plan.province, "")
            if figure is not None and getattr(figure, attribute) is not None:
                found.append((figure, stored))
        found.sort(key=lambda pair: _ORIGIN_PREFERENCE.index(pair[1].info.origin))
        return found[0] if found else None

    def _from_set(self, value: object, stored: StoredSet) -> str:
        """ "18/63 (published, set #4)": a figure and where it comes from."""
        return text(
            "history.fig_from_set",
            value=value,
            origin=origin_named(stored.info.origin),
            id=stored.info.id,
        )

    def _rank_text(self, year: int) -> tuple[int | None, str]:
        hit = self.province_figure(year, "rank")
        if hit is None:
            return None, text("history.fig_no_rank", province=self.plan.province, year=str(year))
        figure, stored = hit
        of = f"/{figure.ranked_of}" if figure.ranked_of else ""
        return figure.rank, self._from_set(f"{figure.rank}{of}", stored)

    def check_top_n(self, target: TopN, year: int) -> TargetCheck:
        rank, shown = self._rank_text(year)
        figures = ((text("history.fig_rank", year=str(year)), shown), ("N", str(target.n)))
        if rank is None:
            return TargetCheck(target, year, Status.UNKNOWN, figures)
        return TargetCheck(target, year, Status.PASS if rank <= target.n else Status.FAIL, figures)

    def check_rank_improvement(self, target: RankImprovement, year: int) -> TargetCheck:
        rank, shown = self._rank_text(year)
        before, before_shown = self._rank_text(year - 1)
        figures: list[tuple[str, str]] = [
            (text("history.fig_rank", year=str(year - 1)), before_shown),
            (text("history.fig_rank", year=str(year)), shown),
        ]
        if rank is None or before is None:
            return TargetCheck(target, year, Status.UNKNOWN, tuple(figures))
        gained = before - rank
        figures += [
            (text("history.fig_places_gained"), str(gained)),
            (text("history.fig_required"), str(target.places)),
        ]
        status = Status.PASS if gained >= target.places else Status.FAIL
        return TargetCheck(target, year, status, tuple(figures))

    def check_units_average(self, target: UnitsAverageAboveProvince, year: int) -> TargetCheck:
        indices = [
            (stored, unit, figure.index)
            for stored in self._sets(year, self.plan.unit_packs)
            for unit in stored.unit_ids()
            if (figure := stored.figure(unit, "")) is not None and figure.index is not None
        ]
        label = text("history.fig_units_average", year=str(year))
        figures: list[tuple[str, str]] = []
        average: Decimal | None = None
        if indices:
            with localcontext() as ctx:
                ctx.prec = 60
                total = sum((value for _, _, value in indices if value is not None), Decimal(0))
                average = total / len(indices)
            # four places, rounded as the units' sets round (Decimal's default is half-even)
            shown = quantize_decimal(average, 4, indices[0][0].info.rounding_mode)
            figures.append((label, text("history.fig_mean_of", value=shown, count=len(indices))))
        else:
            figures.append((label, text("history.fig_no_unit_indices", year=str(year))))
        hit = self.province_figure(year - 1, "index")
        province = text("history.fig_province_index", year=str(year - 1))
        if hit is None:
            figures.append(
                (province, text("history.fig_not_in_store", province=self.plan.province))
            )
            return TargetCheck(target, year, Status.UNKNOWN, tuple(figures))
        figure, stored = hit
        figures.append((province, self._from_set(figure.index, stored)))
        if average is None or figure.index is None:
            return TargetCheck(target, year, Status.UNKNOWN, tuple(figures))
        status = Status.PASS if average > figure.index else Status.FAIL
        return TargetCheck(target, year, status, tuple(figures))

    def check_every_unit(self, target: EveryUnitImproves, year: int) -> TargetCheck:
        self.comparer.aggregate = target.aggregate
        passed, failed, unknown = [], [], []
        for stored in self._sets(year, self.plan.unit_packs):
            for unit in stored.unit_ids():
                row = self.comparer.compare(stored, unit, "", year - 1)
                if row.index_change is None:
                    shown = "; ".join(
                        text("history.unit_value", unit=p.unit, value=_fmt(p.index))
                        + (f" ({p.note})" if p.note else "")
                        for p in row.predecessors
                    )
                    why = row.note or row.basis or text("history.no_previous_figure")
                    unknown.append(
                        text(
                            "history.detail_unknown",
                            unit=unit,
                            value=_fmt(row.index),
                            previous=shown,
                            why=why,
                        )
                    )
                elif row.index_change > 0:
                    passed.append(unit)
                else:
                    failed.append(
                        text(
                            "history.detail_not_improved",
                            unit=unit,
                            previous=_fmt(row.previous_index),
                            value=_fmt(row.index),
                            change=f"{row.index_change:+}",
                            basis=f" [{row.basis}]" if row.basis else "",
                        )
                    )
        figures = (
            (text("history.fig_improved"), str(len(passed))),
            (text("history.fig_not_improved"), str(len(failed))),
            (text("history.fig_without_comparison"), str(len(unknown))),
        )
        if failed:
            status = Status.FAIL
        elif unknown or not passed:
            status = Status.UNKNOWN
        else:
            status = Status.PASS
        return TargetCheck(target, year, status, figures, tuple(failed) + tuple(unknown))

    def check(self, target: Target, year: int) -> TargetCheck:
        if isinstance(target, TopN):
            return self.check_top_n(target, year)
        if isinstance(target, RankImprovement):
            return self.check_rank_improvement(target, year)
        if isinstance(target, UnitsAverageAboveProvince):
            return self.check_units_average(target, year)
        return self.check_every_unit(target, year)


def check_targets(
    store: HistoryStore,
    plan: TargetPlan,
    *,
    years: Sequence[int] | None = None,
    mappings: Sequence[VersionMapping] = (),
    lineage: Lineage | None = None,
) -> list[TargetCheck]:
    """Check every target for ``years``.

    Default years: the target's own, else every stored year.
    """
    checker = TargetChecker(store, plan, mappings=mappings, lineage=lineage)
    stored_years = store.years()
    checks: list[TargetCheck] = []
    for target in plan.targets:
        if years is not None:
            wanted = list(years)
        elif target.years is not None:
            last = (
                target.years.last
                if target.years.last is not None
                else max(stored_years, default=target.years.first)
            )
            wanted = list(range(target.years.first, last + 1))
        else:
            wanted = stored_years
        checks.extend(checker.check(target, year) for year in wanted)
    return checks
