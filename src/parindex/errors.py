"""Error types that report every problem at once, each located precisely."""

from __future__ import annotations

import enum
from collections.abc import Sequence

import attrs

#: How many problems an exception message lists before summarising the rest.
MESSAGE_LIMIT = 25


class ParIndexError(Exception):
    """Base of every error parindex raises on purpose."""


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class Violation:
    """One problem found in a pack, naming the node code it concerns ("" for the pack)."""

    code: str
    severity: Severity
    check: str
    message: str
    #: Where the node was defined (a file and row), when known.
    location: str = ""

    def __str__(self) -> str:
        where = f" ({self.location})" if self.location else ""
        node = self.code or "<pack>"
        return f"{self.severity.value}: [{node}] {self.check}: {self.message}{where}"


def _summarise(header: str, lines: Sequence[str]) -> str:
    shown = "\n".join(f"  - {line}" for line in lines[:MESSAGE_LIMIT])
    more = len(lines) - MESSAGE_LIMIT
    tail = f"\n  … and {more} more" if more > 0 else ""
    return f"{header}\n{shown}{tail}"


class PackError(ParIndexError):
    """A pack failed validation; ``violations`` holds every problem found."""

    def __init__(self, pack_id: str, violations: Sequence[Violation]) -> None:
        self.pack_id = pack_id
        self.violations = tuple(violations)
        errors = [v for v in self.violations if v.severity is Severity.ERROR]
        super().__init__(
            _summarise(
                f"pack {pack_id!r} is invalid ({len(errors)} errors)",
                [str(v) for v in self.violations],
            )
        )


@attrs.frozen
class Location:
    """A place in an input file; every field is optional."""

    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    #: A path inside a structured document, e.g. ``units[2].values["1.2"]`` in JSON.
    path: str = ""

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.path:
            parts.append(self.path)
        if self.column and self.row is not None:
            parts.append(f"cell {self.column}{self.row}")
        elif self.row is not None:
            parts.append(f"row {self.row}")
        elif self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


@attrs.frozen
class InputProblem:
    """One problem in scoring input: which unit, which criterion, where, and what was expected."""

    message: str
    unit: str = ""
    code: str = ""
    location: Location | None = None
    expected: str = ""

    def __str__(self) -> str:
        bits = []
        if self.location is not None and str(self.location):
            bits.append(str(self.location))
        if self.unit:
            bits.append(f"unit {self.unit!r}")
        if self.code:
            bits.append(f"criterion {self.code}")
        where = "; ".join(bits)
        expected = f" (expected {self.expected})" if self.expected else ""
        return f"{where}: {self.message}{expected}" if where else f"{self.message}{expected}"


class InputError(ParIndexError):
    """Scoring input was rejected; ``problems`` lists every problem, each located."""

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            _summarise(
                f"{len(self.problems)} problem(s) in the scoring input",
                [str(p) for p in self.problems],
            )
        )
