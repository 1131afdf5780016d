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
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any, ClassVar, Union

import attrs
import cattrs
from cattrs.strategies import configure_tagged_union

from parindex.errors import ParIndexError
from parindex.history.lineage import Lineage
from parindex.history.mapping import VersionMapping
from parindex.history.records import FigureRecord, Origin
from parindex.history.store import HistoryStore, StoredSet
from parindex.history.yoy import Aggregate, YearComparer
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

    def describe(self, lang: str = "vi") -> str:
        if lang == "vi":
            return f"Tỉnh trong nhóm {self.n} đứng đầu"
        return f"province in the top {self.n}"


@attrs.frozen
class RankImprovement:
    """The province gains at least ``places`` ranks on the year before."""

    kind: ClassVar[str] = "rank_improvement"
    places: int = 1
    years: YearRange | None = None
    quote: str = ""

    def describe(self, lang: str = "vi") -> str:
        if lang == "vi":
            return f"Tỉnh tăng tối thiểu {self.places} bậc so với năm trước"
        return f"province rank up at least {self.places} place(s) on the year before"


@attrs.frozen
class UnitsAverageAboveProvince:
    """The unweighted mean index of the province's units exceeds the province's index of Y − 1."""

    kind: ClassVar[str] = "units_average_above_province"
    years: YearRange | None = None
    quote: str = ""

    def describe(self, lang: str = "vi") -> str:
        if lang == "vi":
            return "Trung bình chỉ số các đơn vị cao hơn chỉ số của tỉnh năm trước"
        return "average index of the province's units above the province's index of the year before"


@attrs.frozen
class EveryUnitImproves:
    """Every unit's index is higher than its own of the year before (lineage followed)."""

    kind: ClassVar[str] = "every_unit_improves"
    years: YearRange | None = None
    #: How a merged/split unit's predecessors make its "own" previous index; none → unknown.
    aggregate: Aggregate = Aggregate.NONE
    quote: str = ""

    def describe(self, lang: str = "vi") -> str:
        if lang == "vi":
            return "Mỗi đơn vị có chỉ số cao hơn năm trước"
        return "every unit above its own index of the year before"


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
    try:
        return _CONVERTER.structure(dict(document), TargetPlan)
    except cattrs.BaseValidationError as exc:
        raise ParIndexError(
            f"{origin or 'targets'}: " + "; ".join(cattrs.transform_error(exc))
        ) from exc


def read_plan(path: str | Path) -> TargetPlan:
    file = Path(path)
    try:
        document = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ParIndexError(f"{file}: {exc}") from exc
    return plan_from_document(document, str(file))


#: Which origin wins when several sets give the same province figure.
_ORIGIN_PREFERENCE = (Origin.PUBLISHED, Origin.SCORED, Origin.REPORTED, Origin.DERIVED)


def _fmt(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}"


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
            if s.info.pack in wanted and s.info.stage == "final"
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

    def _rank_text(self, year: int) -> tuple[int | None, str]:
        hit = self.province_figure(year, "rank")
        if hit is None:
            return None, f"no rank of {self.plan.province} for {year} in the store"
        figure, stored = hit
        of = f"/{figure.ranked_of}" if figure.ranked_of else ""
        return figure.rank, f"{figure.rank}{of} ({stored.info.origin.value}, set #{stored.info.id})"

    def check_top_n(self, target: TopN, year: int) -> TargetCheck:
        rank, text = self._rank_text(year)
        figures = ((f"rank {year}", text), ("N", str(target.n)))
        if rank is None:
            return TargetCheck(target, year, Status.UNKNOWN, figures)
        return TargetCheck(target, year, Status.PASS if rank <= target.n else Status.FAIL, figures)

    def check_rank_improvement(self, target: RankImprovement, year: int) -> TargetCheck:
        rank, text = self._rank_text(year)
        before, before_text = self._rank_text(year - 1)
        figures: list[tuple[str, str]] = [(f"rank {year - 1}", before_text), (f"rank {year}", text)]
        if rank is None or before is None:
            return TargetCheck(target, year, Status.UNKNOWN, tuple(figures))
        gained = before - rank
        figures += [("places gained", str(gained)), ("required", str(target.places))]
        status = Status.PASS if gained >= target.places else Status.FAIL
        return TargetCheck(target, year, status, tuple(figures))

    def check_units_average(self, target: UnitsAverageAboveProvince, year: int) -> TargetCheck:
        indices = [
            (stored, unit, figure.index)
            for stored in self._sets(year, self.plan.unit_packs)
            for unit in stored.unit_ids()
            if (figure := stored.figure(unit, "")) is not None and figure.index is not None
        ]
        figures: list[tuple[str, str]] = []
        average: Decimal | None = None
        if indices:
            with localcontext() as ctx:
                ctx.prec = 60
                total = sum((value for _, _, value in indices if value is not None), Decimal(0))
                average = total / len(indices)
            shown = f"{average.quantize(Decimal('0.0001'))}"
            figures.append(
                (f"units' average {year}", f"{shown} (unweighted mean of {len(indices)} units)")
            )
        else:
            figures.append((f"units' average {year}", f"no unit indices for {year}"))
        hit = self.province_figure(year - 1, "index")
        if hit is None:
            figures.append(
                (f"province index {year - 1}", f"not in the store for {self.plan.province}")
            )
            return TargetCheck(target, year, Status.UNKNOWN, tuple(figures))
        figure, stored = hit
        figures.append(
            (
                f"province index {year - 1}",
                f"{figure.index} ({stored.info.origin.value}, set #{stored.info.id})",
            )
        )
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
                now = _fmt(row.index)
                if row.index_change is None:
                    shown = "; ".join(
                        f"{p.unit}: {_fmt(p.index)}" + (f" ({p.note})" if p.note else "")
                        for p in row.predecessors
                    )
                    why = row.note or row.basis or "no previous figure"
                    unknown.append(f"{unit} {now} vs [{shown}] — {why}")
                elif row.index_change > 0:
                    passed.append(unit)
                else:
                    basis = "" if row.basis == "own previous result" else f" [{row.basis}]"
                    failed.append(
                        f"{unit} {_fmt(row.previous_index)} → {now} ({row.index_change:+}){basis}"
                    )
        figures = (
            ("units improved", str(len(passed))),
            ("units not improved", str(len(failed))),
            ("units without comparison", str(len(unknown))),
        )
        if failed:
            status = Status.FAIL
        elif unknown or not passed:
            status = Status.UNKNOWN
        else:
            status = Status.PASS
        detail = tuple(f"not improved: {line}" for line in failed) + tuple(
            f"unknown: {line}" for line in unknown
        )
        return TargetCheck(target, year, status, figures, detail)

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
