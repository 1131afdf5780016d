"""Unit lineage: which units succeeded which, and when.

Since 1/7/2025 districts are abolished and provinces and communes merged, so a
unit of 2025 may have several predecessors of 2024, or share one with its
siblings. Year-over-year analysis follows these recorded events only: units
are identified by id, never matched by name.

Convention: a unit's result for year Y describes the unit as it stood at the
end of Y, so an event dated in year Y (1/7/2025) separates the results of
Y − 1 (old units) from those of Y (new units).

TOML form::

    [[events]]
    kind = "merged"          # merged | split | renamed
    date = 2025-07-01
    predecessors = ["xa-a", "xa-b", "xa-c"]
    successors = ["xa-abc"]
    source = "Nghị quyết … của UBTVQH"
"""

from __future__ import annotations

import datetime as dt
import enum
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs
import cattrs

from parindex.errors import ParIndexError
from parindex.serialization import structure_date


class EventKind(enum.Enum):
    MERGED = "merged"
    SPLIT = "split"
    RENAMED = "renamed"


@attrs.frozen
class LineageEvent:
    """Units ``predecessors`` became ``successors`` on ``date``.

    A merger into an existing unit lists that unit on both sides
    (``predecessors = ["a", "b"]``, ``successors = ["a"]``).
    """

    kind: EventKind
    date: dt.date
    predecessors: tuple[str, ...]
    successors: tuple[str, ...]
    source: str = ""
    note: str = ""

    def __attrs_post_init__(self) -> None:
        arity = {
            EventKind.MERGED: (len(self.predecessors) >= 2 and len(self.successors) == 1),
            EventKind.SPLIT: (len(self.predecessors) == 1 and len(self.successors) >= 2),
            EventKind.RENAMED: (len(self.predecessors) == 1 and len(self.successors) == 1),
        }
        if not arity[self.kind]:
            raise ParIndexError(
                f"{self.kind.value} event of {self.date:%d/%m/%Y} has {len(self.predecessors)} "
                f"predecessor(s) and {len(self.successors)} successor(s): merged needs ≥2 → 1, "
                "split 1 → ≥2, renamed 1 → 1"
            )
        for side in (self.predecessors, self.successors):
            if len(set(side)) != len(side) or any(not unit.strip() for unit in side):
                raise ParIndexError(
                    f"{self.kind.value} event of {self.date:%d/%m/%Y}: empty or repeated unit id"
                )

    @property
    def year(self) -> int:
        """The first year whose results describe the successors."""
        return self.date.year

    def describe(self) -> str:
        return (
            f"{self.kind.value} {self.date:%d/%m/%Y}: "
            f"{', '.join(self.predecessors)} → {', '.join(self.successors)}"
        )


@attrs.frozen
class Ancestry:
    """Where a unit of year ``year`` came from in year ``previous``."""

    unit: str
    year: int
    previous: int
    #: Unit ids of year ``previous`` the unit descends from (itself when nothing happened).
    ancestors: tuple[str, ...]
    #: The events followed, oldest first; empty when the unit kept its id.
    events: tuple[LineageEvent, ...]

    @property
    def unchanged(self) -> bool:
        return not self.events

    @property
    def one_to_one(self) -> bool:
        """The unit kept its identity (possibly renamed): its own previous result exists."""
        return all(event.kind is EventKind.RENAMED for event in self.events)

    def relation(self) -> str:
        if not self.events:
            return "same"
        kinds = dict.fromkeys(event.kind.value for event in self.events)
        return "+".join(kinds)


@attrs.frozen
class Lineage:
    """All recorded events; answers "what were this unit's predecessors?"."""

    events: tuple[LineageEvent, ...] = ()

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "events", tuple(sorted(self.events, key=lambda e: e.date)))

    def ancestry(self, unit: str, year: int, previous: int) -> Ancestry:
        """Trace ``unit`` (as in year ``year``) back to the units of year ``previous``."""
        if previous >= year:
            raise ParIndexError(f"previous year {previous} is not before {year}")
        current = [unit]
        followed: list[LineageEvent] = []
        for event in reversed(self.events):
            if not previous < event.year <= year:
                continue
            if not any(u in event.successors for u in current):
                continue
            followed.append(event)
            replaced: list[str] = []
            for u in current:
                if u in event.successors:
                    replaced.extend(p for p in event.predecessors if p not in replaced)
                elif u not in replaced:
                    replaced.append(u)
            current = replaced
        return Ancestry(unit, year, previous, tuple(current), tuple(reversed(followed)))

    def extended(self, events: Iterable[LineageEvent]) -> Lineage:
        return Lineage((*self.events, *events))


def _converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)

    converter.register_structure_hook(dt.date, structure_date)
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    return converter


CONVERTER = _converter()


def lineage_from_document(document: Mapping[str, Any], origin: str = "") -> Lineage:
    unknown = set(document) - {"events"}
    if unknown:
        raise ParIndexError(f"{origin or 'lineage'}: unknown keys {sorted(unknown)}")
    try:
        events = CONVERTER.structure(document.get("events", []), tuple[LineageEvent, ...])
    except cattrs.BaseValidationError as exc:
        raise ParIndexError(
            f"{origin or 'lineage'}: {'; '.join(cattrs.transform_error(exc))}"
        ) from exc
    return Lineage(events)


def read_lineage(path: str | Path) -> Lineage:
    """Read lineage events from a TOML file."""
    file = Path(path)
    try:
        document = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ParIndexError(f"{file}: {exc}") from exc
    return lineage_from_document(document, str(file))
