"""Caps on what parindex reads, checked before the work is done.

A hostile or careless file must not cost minutes or gigabytes before anything
is said: a 300 KB workbook can inflate to 300 MB, a 10 MB sheet can hold two
million rows, a pack can nest 400 levels deep. Each reader checks the caps
here first (the zip directory before a workbook is parsed, the file size
before a CSV or JSON document is read, the entry count before arrays are
built) and refuses with a message naming the cap and how to raise it.

The defaults are generous for real provinces (Vietnam has about 10⁴ communes).
Raise them for one block of code with :func:`use_limits`::

    from parindex.limits import Limits, use_limits
    with use_limits(Limits(max_units=5_000_000)):
        ...
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from decimal import Decimal

import attrs

from parindex.errors import ParIndexError
from parindex.messages import Message, msg


@attrs.frozen
class Limits:
    """The caps; every field can be raised (or lowered) with :func:`use_limits`."""

    #: Units in one scoring input.
    max_units: int = 1_000_000
    #: Entries (unit × criterion × stage values) read from all inputs together, and
    #: cells of the units × leaves arrays one stage allocates.
    max_entries: int = 10_000_000
    #: Uncompressed size of one workbook (all its parts), checked before parsing.
    max_workbook_bytes: int = 200_000_000
    #: Cells of one sheet from A1 to its last value (rows × columns), checked before the
    #: sheet's cells are built.
    max_sheet_cells: int = 20_000_000
    #: Size of one CSV or JSON input file.
    max_text_bytes: int = 500_000_000
    #: Characters in one CSV field.
    max_field_chars: int = 100_000
    #: Levels of a criteria tree (field → criterion → sub-criterion is 3).
    max_depth: int = 30
    #: Largest maximum, cap or rule parameter of a pack, in points.
    max_points: Decimal = Decimal(1_000_000)
    #: Decimal places of a pack's point arithmetic (``point_decimals``).
    max_point_decimals: int = 6


_LIMITS: contextvars.ContextVar[Limits] = contextvars.ContextVar("parindex_limits")
DEFAULT_LIMITS = Limits()


def current() -> Limits:
    """The caps in force: the innermost :func:`use_limits`, else the defaults."""
    return _LIMITS.get(DEFAULT_LIMITS)


@contextlib.contextmanager
def use_limits(limits: Limits) -> Iterator[Limits]:
    """Apply ``limits`` inside the block."""
    token = _LIMITS.set(limits)
    try:
        yield limits
    finally:
        _LIMITS.reset(token)


def over(what: str, found: int | Decimal, limit: int | Decimal) -> Message:
    """The message for a cap passed: ``what`` is the field of :class:`Limits`."""
    return msg("limit.exceeded", what=msg(f"limit.{what}"), found=found, limit=limit, field=what)


def exceeded(what: str, found: int | Decimal, limit: int | Decimal) -> ParIndexError:
    """The error for a cap passed, for callers that stop at the first one."""
    return ParIndexError(over(what, found, limit))


__all__ = ["DEFAULT_LIMITS", "Limits", "current", "exceeded", "over", "use_limits"]
