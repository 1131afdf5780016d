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
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import cattrs

from parindex.errors import ParIndexError
from parindex.history.documents import (
    DocumentError,
    document_place,
    read_toml,
    refuse_document,
)
from parindex.history.problems import SetProblem
from parindex.messages import Found, Message, msg, render
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
                "history.event_arity",
                kind=msg(f"history.kind_{self.kind.value}"),
                date=f"{self.date:%d/%m/%Y}",
                predecessors=len(self.predecessors),
                successors=len(self.successors),
            )
        for side in (self.predecessors, self.successors):
            if len(set(side)) != len(side) or any(not unit.strip() for unit in side):
                raise ParIndexError(
                    "history.event_units",
                    kind=msg(f"history.kind_{self.kind.value}"),
                    date=f"{self.date:%d/%m/%Y}",
                )

    @property
    def year(self) -> int:
        """The first year whose results describe the successors."""
        return self.date.year

    def describe(self) -> str:
        """ "merged 01/07/2025: a, b → ab", in the reader's language."""
        return render(described(self))


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
            raise ParIndexError(
                "history.previous_not_before", previous=str(previous), year=str(year)
            )
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


def conflicts(events: Sequence[LineageEvent]) -> list[tuple[int, Message]]:
    """Events that cannot all be true, as (index of the later event, why), in date order.

    Events of one date have no order, so on a date a unit is made by one event, is not
    both made and a predecessor, and a renamed unit takes part in no other event (a
    cycle "a → b, b → a", a unit both merged and renamed). A unit shared by several
    mergers of a day is a unit divided among them, and allowed. Across dates a unit
    gone in an event is no predecessor later unless an event brings it back, and a
    unit an event made is not made again by another.
    """
    found: list[tuple[int, Message]] = []
    order = sorted(range(len(events)), key=lambda i: events[i].date)
    made_on: dict[tuple[dt.date, str], int] = {}
    used_on: dict[tuple[dt.date, str], list[int]] = {}
    gone: dict[str, int] = {}
    made: dict[str, int] = {}

    def problem(index: int, code: str, unit: str, first: int) -> None:
        found.append(
            (index, msg(f"history.{code}", unit=Found(unit), first=described(events[first])))
        )

    for index in order:
        event = events[index]
        renamed = event.kind is EventKind.RENAMED
        for unit in event.successors:
            key = (event.date, unit)
            others = [i for i in used_on.get(key, []) if i != index]
            if key in made_on or others:
                problem(
                    index, "event_same_day", unit, made_on.get(key, others[0] if others else index)
                )
            made_on[key] = index
        for unit in event.predecessors:
            key = (event.date, unit)
            earlier = used_on.setdefault(key, [])
            if made_on.get(key, index) != index:
                problem(index, "event_same_day", unit, made_on[key])
            elif earlier and (renamed or any(events[i].kind is EventKind.RENAMED for i in earlier)):
                problem(index, "event_same_day", unit, earlier[0])
            earlier.append(index)
            if unit in gone and events[gone[unit]].date < event.date:
                problem(index, "event_unit_gone", unit, gone[unit])
        for unit in event.successors:
            made_before = unit in made and events[made[unit]].date < event.date
            if made_before and unit not in event.predecessors:
                problem(index, "event_unit_made", unit, made[unit])
        for unit in event.predecessors:
            if unit not in event.successors:
                gone[unit] = index
                made.pop(unit, None)
        for unit in event.successors:
            made[unit] = index
            gone.pop(unit, None)
    return found


def described(event: LineageEvent) -> Message:
    """The event in words ("sáp nhập 01/07/2025: a, b → ab"), rendered when shown."""
    return msg(
        "history.event_described",
        kind=msg(f"history.kind_{event.kind.value}"),
        date=f"{event.date:%d/%m/%Y}",
        predecessors=", ".join(event.predecessors),
        successors=", ".join(event.successors),
    )


def _converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)

    converter.register_structure_hook(dt.date, structure_date)
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    return converter


CONVERTER = _converter()


def lineage_from_document(document: Mapping[str, Any], origin: str = "") -> Lineage:
    """Structure a lineage document (the TOML shape in the module docstring)."""
    unknown = set(document) - {"events"}
    if unknown:
        raise DocumentError(
            origin,
            [
                SetProblem(
                    document_place(origin, ()), msg("history.unknown_keys", keys=sorted(unknown))
                )
            ],
        )
    try:
        events = CONVERTER.structure(document.get("events", []), tuple[LineageEvent, ...])
    except cattrs.BaseValidationError as exc:
        raise refuse_document(exc, document, origin, prefix=("events",)) from None
    found = conflicts(events)
    if found:
        raise DocumentError(
            origin,
            [SetProblem(document_place(origin, ("events", index)), why) for index, why in found],
        )
    return Lineage(events)


def read_lineage(path: str | Path) -> Lineage:
    """Read lineage events from a TOML file."""
    return lineage_from_document(read_toml(path), str(path))
