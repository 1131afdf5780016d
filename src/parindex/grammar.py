"""The one entry grammar: how a cell, a CSV field, a JSON value or a Python value becomes
a number, a label, a flag, an id or a name. Every reader and every pack file uses it.

Numbers are read exactly as a person meant them, or refused (:class:`EntryError`,
carrying a catalogue :class:`~parindex.messages.Message` that says what was found
and what is expected). Nothing is guessed, rounded or clamped:

- text numbers use ASCII digits only, an optional sign, and at most one decimal
  separator, ``.`` or ``,`` (Vietnamese writes ``0,5``); thousands separators,
  ``_``, spaces inside the number, and non-ASCII digits (``٥``, ``１３``) are refused;
- a text number whose only separator is followed by exactly three digits and
  preceded by one to three digits not starting with 0 (``1,250``, ``2.500``) reads
  as 1.25 in Vietnamese habit and 1250 in English habit: it is refused, naming
  both readings (``0,125`` and ``1250,5`` are not ambiguous);
- a percent sign (``85 %``) only where the rule takes a rate;
- a value finer than 10⁻⁶ (the arithmetic's resolution) is refused, not rounded;
- ``int``, ``float``, ``Decimal`` and numpy scalars are numbers; booleans are not;
  NaN and infinities are refused; integers beyond 18 digits are refused before
  any conversion; a float is read at the 15 significant digits a spreadsheet
  shows (``0.1 + 0.2`` is 0.3);
- labels (levels, "đạt") compare after NFC, case folding and single spacing;
- ids, names and titles may not hold control characters, lone surrogates or
  characters a workbook cannot store.

The accepted and refused forms are tabulated in docs/io.md, and a test reads
that table and checks every row against this module.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal
from typing import Final, Literal

import numpy as np

from parindex.messages import Found, Message, msg

#: Decimal places the arithmetic holds for an input value (10⁻⁶).
ENTRY_DECIMALS: Final = 6
#: Integers with more digits than this are refused before conversion.
MAX_DIGITS: Final = 18
#: A spreadsheet shows 15 significant digits of a float; so do we.
FLOAT_DIGITS: Final = 15
#: Longest id and name, in characters.
MAX_ID_CHARS: Final = 100
MAX_NAME_CHARS: Final = 500
#: Evidence references and notes may be longer than a name (a list of documents).
MAX_NOTE_CHARS: Final = 5000
MAX_TITLE_CHARS: Final = 5000
#: A criterion code: parts of digits or letters separated by single dots (1, 1.2, 1.2.a).
CODE_PATTERN: Final = re.compile(r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$")
#: Years a result, a report or a stored set may be for (a typo such as 20245 or 0 is refused).
YEARS: Final = range(1900, 3000)

_NUMBER: Final = re.compile(
    r"(?P<sign>[+-]?)(?P<int>[0-9]*)(?:(?P<sep>[.,])(?P<frac>[0-9]*))?(?P<pct>\s*%)?"
)
_NUMBERISH: Final = re.compile(r"[\s+\-0-9.,_%'’]+")
#: Excel stores no C0 control characters but tab, newline and carriage return,
#: and nothing outside XML 1.0's character range.
_EXCEL_ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Entries marking "không phát sinh" (not applicable), compared as labels.
NOT_APPLICABLE_LABELS: Final = frozenset({"không phát sinh", "kps", "na", "n/a", "not applicable"})
#: Flag cells ("không phát sinh" column, marks) read as set / not set.
FLAG_TRUE: Final = frozenset(
    {"x", "1", "có", "co", "yes", "true", "kps", "không phát sinh", "na", "n/a"}
)
FLAG_FALSE: Final = frozenset({"0", "không", "no", "false"})


class EntryError(ValueError):
    """An entry that cannot be read; ``message`` says what was found and what is expected."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.message)


def label_key(text: str) -> str:
    """Compare labels the way a person reads them: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def clean_text(raw: object) -> str:
    """A cell as NFC text with surrounding white space removed ("" for empty)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return unicodedata.normalize("NFC", str(raw)).strip()


def _refuse(code: str, raw: object, **params: object) -> EntryError:
    return EntryError(msg(f"entry.{code}", found=Found(raw), **params))


def _non_ascii_digit(text: str) -> str | None:
    for ch in text:
        if not ch.isascii() and unicodedata.category(ch) == "Nd":
            return ch
    return None


def _check_resolution(number: Decimal, raw: object) -> Decimal:
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -ENTRY_DECIMALS:
        if number != number.quantize(Decimal(1).scaleb(-ENTRY_DECIMALS), rounding="ROUND_DOWN"):
            raise _refuse("too_fine", raw, decimals=ENTRY_DECIMALS)
        number = number.quantize(Decimal(1).scaleb(-ENTRY_DECIMALS))
    if number.adjusted() >= MAX_DIGITS:
        raise _refuse("too_large", raw, digits=MAX_DIGITS)
    return number


def number_from_text(text: str, *, percent: bool = False, raw: object = None) -> Decimal:
    """A number written as text, by the rules above; EntryError otherwise."""
    shown = text if raw is None else raw
    digit = _non_ascii_digit(text)
    if digit is not None:
        raise _refuse("non_ascii_digit", shown, digit=digit)
    if len(text) > 3 * MAX_DIGITS + 10:
        raise _refuse("too_large", shown, digits=MAX_DIGITS)
    match = _NUMBER.fullmatch(text)
    if match is None or not (match["int"] or match["frac"]):
        if _NUMBERISH.fullmatch(text) and any(ch.isdigit() for ch in text):
            if "_" in text:
                raise _refuse("underscore", shown)
            if match is None and re.search(r"[0-9]\s+[0-9]", text):
                raise _refuse("space_in_number", shown)
            if text.count("%") and not percent:
                raise _refuse("percent_not_allowed", shown)
            raise _refuse("thousands_separator", shown)
        raise _refuse("not_a_number", shown)
    if match["pct"] and not percent:
        raise _refuse("percent_not_allowed", shown)
    integer, separator, fraction = match["int"], match["sep"], match["frac"] or ""
    if separator and not fraction:
        raise _refuse("dangling_separator", shown)
    if separator and len(fraction) == 3 and re.fullmatch(r"[1-9][0-9]{0,2}", integer):
        decimal_reading = Decimal(f"{match['sign']}{integer}.{fraction}").normalize()
        grouped_reading = Decimal(f"{match['sign']}{integer}{fraction}")
        raise _refuse(
            "ambiguous_separator", shown, as_decimal=decimal_reading, as_thousands=grouped_reading
        )
    if len(integer.lstrip("0")) > MAX_DIGITS:
        raise _refuse("too_large", shown, digits=MAX_DIGITS)
    number = Decimal(f"{match['sign']}{integer or '0'}" + (f".{fraction}" if fraction else ""))
    return _check_resolution(number, shown)


def number_from_value(raw: object, *, percent: bool = False) -> Decimal:
    """An exact number from any entry: text, int, float, Decimal or a numpy scalar.

    Booleans, dates and other objects are refused; so are NaN, infinities and
    values finer than 10⁻⁶. ``percent`` allows a trailing ``%`` on text.
    """
    if isinstance(raw, bool | np.bool_):
        raise _refuse("boolean_not_number", raw)
    if isinstance(raw, np.integer):
        raw = int(raw)
    elif isinstance(raw, np.floating):
        if not np.isfinite(raw):
            raise _refuse("not_finite", float(raw))
        # numpy prints the shortest text that reads back to this precision (float32 0.1 → "0.1").
        return _check_resolution(Decimal(str(raw)), raw)
    if isinstance(raw, int):
        if raw.bit_length() > 64 or len(str(abs(raw))) > MAX_DIGITS:
            raise _refuse("too_large", raw, digits=MAX_DIGITS)
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise _refuse("not_finite", raw)
        shown = Decimal(f"{raw:.{FLOAT_DIGITS}g}")
        return _check_resolution(shown, raw)
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise _refuse("not_finite", raw)
        if raw.adjusted() >= MAX_DIGITS:
            raise _refuse("too_large", raw, digits=MAX_DIGITS)
        return _check_resolution(raw, raw)
    if isinstance(raw, dt.datetime | dt.date | dt.time | dt.timedelta):
        raise _refuse("date_not_number", str(raw))
    if isinstance(raw, str):
        text = clean_text(raw)
        if not text:
            raise _refuse("empty_number", raw)
        return number_from_text(text, percent=percent, raw=raw)
    raise EntryError(msg("entry.unsupported_type", kind=msg(_kind(raw))))


def whole_number(raw: object) -> int:
    """A whole number a file states as one (a count, a year, a number of places): an
    integer of at most 18 digits; text, decimals and true/false are refused, never
    truncated (2000.7 is not the year 2000)."""
    if isinstance(raw, np.integer):
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise _refuse("not_whole_number", raw)
    if len(str(abs(raw))) > MAX_DIGITS:
        raise _refuse("too_large", raw, digits=MAX_DIGITS)
    return raw


def _kind(raw: object) -> str:
    """What a value that is neither a number nor text is, in words (never a class name)."""
    if isinstance(raw, list | tuple | set | frozenset | np.ndarray):
        return "entry.kind_list"
    if isinstance(raw, dict):
        return "entry.kind_mapping"
    if isinstance(raw, bytes | bytearray):
        return "entry.kind_bytes"
    return "entry.kind_other"


def entry_from_value(raw: object, *, percent: bool = False) -> Decimal | bool | str | None:
    """A scoring entry: None (empty), an exact number, a boolean, or a label (NFC text).

    Text that looks like a number is read as one (or refused); any other text is
    returned as an NFC label for the rule to read ("đạt", "chậm", "không phát sinh").
    """
    if raw is None:
        return None
    if isinstance(raw, bool | np.bool_):
        return bool(raw)
    if isinstance(raw, str):
        text = clean_text(raw)
        if not text:
            return None
        if _looks_numeric(text):
            return number_from_text(text, percent=percent, raw=raw)
        check_text(text, what="label")
        return text
    return number_from_value(raw, percent=percent)


def _looks_numeric(text: str) -> bool:
    """Text meant as a number: digits (any script) with signs, separators, spaces or %."""
    return (
        bool(_NUMBERISH.fullmatch(text.replace("\u00a0", " "))) and any(ch.isdigit() for ch in text)
    ) or (_non_ascii_digit(text) is not None and all(ch.isdigit() or ch in "+-.,% " for ch in text))


def is_not_applicable(raw: object) -> bool:
    """Whether an entry means "không phát sinh"."""
    return isinstance(raw, str) and label_key(raw) in NOT_APPLICABLE_LABELS


def flag_from_value(
    raw: object, *, yes: frozenset[str] = FLAG_TRUE, no: frozenset[str] = FLAG_FALSE
) -> bool:
    """A yes/no mark: empty is no; x, 1, có, yes, true, kps are yes; 0, không, no are no
    (``yes``/``no``: the words of a mark that means something narrower, e.g. a tick)."""
    if raw is None or raw is False or (isinstance(raw, np.bool_) and not raw):
        return False
    if raw is True or (isinstance(raw, np.bool_) and raw):
        return True
    if isinstance(raw, int | float | Decimal) and raw in (0, 1):
        return bool(raw)
    key = label_key(clean_text(raw))
    if not key or key in no:
        return False
    if key in yes:
        return True
    raise _refuse("not_a_flag", raw)


def _bad_character(text: str) -> tuple[int, str] | None:
    for position, ch in enumerate(text, start=1):
        category = unicodedata.category(ch)
        if category in {"Cs", "Cc"} or _EXCEL_ILLEGAL.match(ch):
            return position, ch
    return None


TextField = Literal["id", "name", "group", "title", "label", "set_label", "evidence", "note", "gap"]


def check_text(text: str, *, what: TextField, limit: int = MAX_NAME_CHARS) -> str:
    """NFC text for a name or title; refuses control characters, lone surrogates, and
    text longer than ``limit``. ``what`` names the field the text was given as (the
    message says "the group ... holds an invalid character", not "the name ...")."""
    bad = _bad_character(text)
    if bad is not None:
        position, ch = bad
        raise EntryError(
            msg(
                "entry.bad_character",
                what=msg(f"entry.what_{what}"),
                found=Found(text),
                position=position,
                char=f"U+{ord(ch):04X}",
            )
        )
    if len(text) > limit:
        raise EntryError(
            msg(
                "entry.text_too_long",
                what=msg(f"entry.what_{what}"),
                found=Found(text),
                limit=limit,
            )
        )
    return unicodedata.normalize("NFC", text)


def identifier(raw: object, *, empty: str = "entry.id_empty") -> str:
    """A unit id (or a code) as given, NFC, surrounding spaces removed; refused when empty,
    too long or holding characters no file can carry. Ids compare exactly.

    ``empty``: the catalogue code said of an empty id (a unit's by default; a reader of
    other ids, such as respondents, names its own)."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if raw is None:  # an empty cell of a workbook
        raise EntryError(msg(empty))
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise EntryError(msg("entry.id_not_text", found=Found(raw)))
    text = str(raw)
    check_text(text, what="id", limit=MAX_ID_CHARS)
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        raise EntryError(msg(empty))
    return text


def id_key(text: str) -> str:
    """What two ids that a person would take for the same share: case and spaces ignored.

    Ids compare exactly; a second id with the same key is reported as a likely slip.
    """
    return label_key(text)


__all__ = [
    "CODE_PATTERN",
    "ENTRY_DECIMALS",
    "FLAG_FALSE",
    "FLAG_TRUE",
    "MAX_DIGITS",
    "NOT_APPLICABLE_LABELS",
    "YEARS",
    "EntryError",
    "check_text",
    "clean_text",
    "entry_from_value",
    "flag_from_value",
    "id_key",
    "identifier",
    "is_not_applicable",
    "label_key",
    "number_from_text",
    "number_from_value",
    "whole_number",
]
