"""The history results-JSON schema: result sets as plain records.

This is what ``parindex history import`` reads and what the store returns. It
carries both parindex scores and figures published elsewhere (the ministry's
province index and rank), marked by :class:`Origin`. Decimals are written as
JSON strings ("79.41") and read without passing through float, so a figure
comes back exactly as it was printed.

Document shape::

    {"format": "parindex-history-results/1",
     "sets": [{"pack": "...", "version": "...", "year": 2021, "origin": "published",
               "source": "...", "index_decimals": 2,
               "units": [{"id": "soc-trang", "name": "Sóc Trăng", "group": "province"}],
               "figures": [{"unit": "soc-trang", "code": "", "rank": 18, "ranked_of": 63},
                           {"unit": "soc-trang", "code": "1", "index": "97.87"}]}]}
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import cattrs

from parindex.errors import ParIndexError
from parindex.history.documents import read_text, structure_problems
from parindex.history.problems import HistoryImportError
from parindex.messages import Found, Message, msg

FORMAT = "parindex-history-results/1"


class Origin(enum.Enum):
    """Where a result set's figures come from."""

    #: Computed by parindex from scoring input.
    SCORED = "scored"
    #: Published in an official text (e.g. the ministry's annual PAR Index report).
    PUBLISHED = "published"
    #: Reported by the press or a secondary source.
    REPORTED = "reported"
    #: Computed from other figures; ``note`` must state the method.
    DERIVED = "derived"


def origin_named(origin: Origin) -> Message:
    """An origin in the reader's words with the id ``--origin`` takes: "đã chấm [scored]"."""
    return msg("history.origin_named", words=msg(f"history.origin_{origin.value}"), id=origin.value)


@attrs.frozen
class UnitRecord:
    id: str
    name: str = ""
    group: str = ""


@attrs.frozen
class FigureRecord:
    """One unit's figures for one node ("" = the whole index). Absent figures are None."""

    unit: str
    code: str = ""
    points: Decimal | None = None
    maximum: Decimal | None = None
    index: Decimal | None = None
    grade: str | None = None
    rank: int | None = None
    #: How many units the rank is out of ("18/63" → rank 18, ranked_of 63).
    ranked_of: int | None = None


@attrs.frozen
class ResultSetRecord:
    """The results of one pack version for one year, stage and origin."""

    pack: str
    version: str
    origin: Origin = Origin.SCORED
    year: int | None = None
    stage: str = "final"
    #: Distinguishes several sets of one pack and year (e.g. two publications).
    label: str = ""
    source: str = ""
    note: str = ""
    #: Decimals of points and maxima (the pack's internal precision).
    point_decimals: int = 4
    #: Decimals of the index (the pack's rounding rule).
    index_decimals: int = 2
    rounding_mode: str = "half_up"
    units: tuple[UnitRecord, ...] = ()
    figures: tuple[FigureRecord, ...] = ()


@attrs.frozen
class ResultsDocument:
    sets: tuple[ResultSetRecord, ...]
    format: str = FORMAT


def _structure_decimal(value: object, _: type) -> Decimal:
    """Decimal text or an integer; "NaN" and infinities pass here and are refused by
    :mod:`parindex.history.checks`, which names the set, unit and criterion."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError("history.expected_decimal")
    try:
        return Decimal(value.strip() if isinstance(value, str) else value)
    except ArithmeticError:
        raise ValueError("history.expected_decimal") from None


def _converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True, omit_if_default=True)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_unstructure_hook(Decimal, str)
    return converter


CONVERTER = _converter()


def document_from_json(text: str, origin: str = "") -> ResultsDocument:
    """Parse a results document; numbers never pass through float.

    Every problem is reported at once, naming the set, unit and criterion.
    """
    try:
        data: Any = json.loads(text, parse_float=Decimal, parse_constant=Decimal)
    except json.JSONDecodeError as exc:
        raise ParIndexError(
            "history.not_json",
            file=origin or msg("history.these_sets"),
            line=exc.lineno,
            column=exc.colno,
        ) from None
    if not isinstance(data, Mapping) or not isinstance(data.get("sets", []), list):
        raise ParIndexError("history.not_a_document", file=origin or msg("history.these_sets"))
    if data.get("format", FORMAT) != FORMAT:
        raise ParIndexError(
            "history.wrong_format",
            file=origin or msg("history.these_sets"),
            found=Found(str(data.get("format"))),
            expected=FORMAT,
        )
    try:
        return CONVERTER.structure(data, ResultsDocument)
    except cattrs.BaseValidationError as exc:
        raise HistoryImportError(structure_problems(exc, data, origin), origin) from None


def read_document(path: str | Path) -> ResultsDocument:
    """Read a results document (``parindex-history-results/1``) from a JSON file."""
    return document_from_json(read_text(path), str(path))


def document_to_json(document: ResultsDocument) -> str:
    data = {"format": document.format, **CONVERTER.unstructure(document)}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
