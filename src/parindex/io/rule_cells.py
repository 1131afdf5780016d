"""A rule in two readable cells: its kind ("cách chấm") and its parameters ("tham số").

The parameters cell is a list of ``key: value`` items separated by ``;``:

- levels (``mức``): ``Ban hành kịp thời: 1; Ban hành không kịp thời: 0,5; Không ban hành: 0``
- bands (``khoảng``): ``trên 90: 2; từ 70: 1; còn lại: 0`` ("từ" includes the
  threshold, "trên" does not; ``>=``/``≥`` and ``>`` are accepted too), with
  ``giá trị tối thiểu`` / ``giá trị tối đa`` when the values do not run 0–100
  (``giá trị tối đa: không giới hạn`` for counts);
- every other kind: its parameters by name, e.g. ``mỗi mục: 1`` (capped count),
  ``đủ điểm tại: 100; ngưỡng tối thiểu: 50`` (proportional), ``đo: tỷ lệ``
  (survey), ``mỗi mục: 0,25; trừ tối đa: 1; mục: văn bản chậm`` (deduction).

English names are accepted everywhere (``full_at: 100``), and so is a JSON
object (``{"per_item": 1}``), which is also how a plugin's kind with
parameters of other types is written. Numbers use the entry grammar (``0,5``).
"""

from __future__ import annotations

import enum
import json
import re
import typing
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from parindex.grammar import EntryError, label_key, number_from_text
from parindex.io.vocabulary import Choice, plain_key, threshold_word
from parindex.messages import Found, msg
from parindex.rules import Band, Bands, Level, Levels, Rule, fmt_number

#: What a table calls each built-in kind (a plugin's kind is called by its id).
RULE_NAMES: Mapping[str, Choice] = {
    "direct": Choice("trực tiếp", "direct", ("nhập trực tiếp", "chấm trực tiếp")),
    "achieved": Choice("đạt/không đạt", "achieved", ("đạt, không đạt", "đạt hoặc không đạt")),
    "levels": Choice("mức", "levels", ("các mức", "theo mức")),
    "bands": Choice("khoảng", "bands", ("ngưỡng", "theo ngưỡng", "theo khoảng")),
    "proportional": Choice("tỷ lệ", "proportional", ("theo tỷ lệ",)),
    "relative_to_best": Choice("so với cao nhất", "relative_to_best", ("so với đơn vị cao nhất",)),
    "capped_count": Choice("mỗi mục cộng", "capped_count", ("đếm", "mỗi mục được")),
    "survey_scale": Choice("khảo sát", "survey_scale", ("điều tra", "thang khảo sát")),
    "per_item_deduction": Choice("mỗi mục trừ", "per_item_deduction", ("trừ mỗi mục", "trừ điểm")),
}

#: What a table calls each parameter of the built-in kinds.
PARAMETER_NAMES: Mapping[str, Choice] = {
    "full_at": Choice("đủ điểm tại", "full_at"),
    "floor": Choice("ngưỡng tối thiểu", "floor"),
    "upper": Choice("giá trị tối đa", "upper"),
    "lower": Choice("giá trị tối thiểu", "lower"),
    "per_item": Choice("mỗi mục", "per_item"),
    "cap": Choice("trừ tối đa", "cap"),
    "item": Choice("mục", "item"),
    "measure": Choice("đo", "measure"),
    "scale_min": Choice("thang từ", "scale_min"),
    "scale_max": Choice("thang đến", "scale_max"),
    "otherwise": Choice("còn lại", "otherwise", ("các trường hợp còn lại", "else")),
}
MEASURES: Mapping[str, Choice] = {
    "mean": Choice("trung bình", "mean"),
    "share": Choice("tỷ lệ", "share"),
}
NO_LIMIT = Choice("không giới hạn", "none", ("không",))


def _is(raw: str, choice: Choice) -> bool:
    names = (choice.vi, choice.en, *choice.also)
    return label_key(raw) in {label_key(n) for n in names} or plain_key(raw) in {
        plain_key(n) for n in names
    }


def kind_name(kind: str, lang: str) -> str:
    choice = RULE_NAMES.get(kind)
    return kind if choice is None else choice.written(lang)


def read_kind(raw: str, kinds: Mapping[str, type[Rule]]) -> type[Rule]:
    for kind, rule_class in kinds.items():
        choice = RULE_NAMES.get(kind, Choice(kind, kind))
        if _is(raw, choice) or label_key(raw) == kind:
            return rule_class
    accepted = [RULE_NAMES.get(kind, Choice(kind, kind)).vi for kind in kinds]
    raise EntryError(msg("authoring.unknown_rule", found=Found(raw), accepted=accepted))


def _number(raw: str, what: str) -> Decimal:
    try:
        return number_from_text(raw.strip(), percent=True)
    except EntryError as exc:
        raise EntryError(msg("authoring.bad_parameter", name=what, problem=exc.message)) from None


def _items(text: str) -> list[tuple[str, str]]:
    items = []
    for part in text.split(";"):
        if not part.strip():
            continue
        key, colon, value = part.rpartition(":")
        if not colon:
            raise EntryError(msg("authoring.parameter_without_colon", found=Found(part.strip())))
        items.append((key.strip(), value.strip()))
    return items


def _format(value: Decimal, lang: str) -> str:
    return fmt_number(value, lang)


# -- levels and bands ------------------------------------------------------------------
def _write_levels(rule: Levels, lang: str) -> str:
    return "; ".join(f"{level.label}: {_format(level.points, lang)}" for level in rule.levels)


def _read_levels(text: str) -> Levels:
    items = _items(text)
    if not items:
        raise EntryError(msg("authoring.levels_empty"))
    return Levels(tuple(Level(label, _number(points, label)) for label, points in items))


_BAND_KEY = re.compile(r"(từ|trên|tu|tren|>=|≥|>)\s*(.+)", re.IGNORECASE)


def _write_bands(rule: Bands, lang: str) -> str:
    parts = []
    for band in rule.bands:
        word = threshold_word(band.inclusive, lang)
        parts.append(f"{word} {_format(band.threshold, lang)}: {_format(band.points, lang)}")
    parts.append(f"{PARAMETER_NAMES['otherwise'].written(lang)}: {_format(rule.otherwise, lang)}")
    if rule.lower != Decimal(0):
        parts.append(f"{PARAMETER_NAMES['lower'].written(lang)}: {_format(rule.lower, lang)}")
    if rule.upper != Decimal(100):
        upper = NO_LIMIT.written(lang) if rule.upper is None else _format(rule.upper, lang)
        parts.append(f"{PARAMETER_NAMES['upper'].written(lang)}: {upper}")
    return "; ".join(parts)


def _read_bands(text: str) -> Bands:
    bands: list[Band] = []
    extra: dict[str, Any] = {}
    for key, value in _items(text):
        if _is(key, PARAMETER_NAMES["otherwise"]):
            extra["otherwise"] = _number(value, key)
        elif _is(key, PARAMETER_NAMES["lower"]):
            extra["lower"] = _number(value, key)
        elif _is(key, PARAMETER_NAMES["upper"]):
            extra["upper"] = None if _is(value, NO_LIMIT) else _number(value, key)
        else:
            match = _BAND_KEY.fullmatch(key.strip())
            if match is None:
                raise EntryError(msg("authoring.bad_band", found=Found(key)))
            inclusive = plain_key(match[1]) in ("tu", ">=", "≥")
            bands.append(Band(_number(match[2], key), _number(value, key), inclusive))
    if not bands:
        raise EntryError(msg("authoring.bands_empty"))
    return Bands(tuple(bands), **extra)


# -- every other kind: parameters by name ------------------------------------------------
def _parameter_name(name: str, lang: str) -> str:
    choice = PARAMETER_NAMES.get(name)
    return name if choice is None else choice.written(lang)


def _write_value(name: str, value: Any, lang: str) -> str:
    if value is None:
        return NO_LIMIT.written(lang)
    if isinstance(value, Decimal):
        return _format(value, lang)
    if name == "measure" and value in MEASURES:
        return MEASURES[value].written(lang)
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def _scalar_fields(rule_class: type[Rule]) -> dict[str, tuple[attrs.Attribute[Any], Any]]:
    hints = typing.get_type_hints(rule_class)
    fields: Sequence[attrs.Attribute[Any]] = attrs.fields(rule_class)  # type: ignore[arg-type]
    return {field.name: (field, hints[field.name]) for field in fields}


def _plain_type(hint: Any) -> tuple[Any, bool]:
    args = typing.get_args(hint)
    optional = type(None) in args
    base = next((a for a in args if a is not type(None)), hint) if args else hint
    return base, optional


def _simple(rule_class: type[Rule]) -> bool:
    """Whether every parameter is a number, text or flag (written by name)."""
    for _, hint in _scalar_fields(rule_class).values():
        base, _ = _plain_type(hint)
        if base not in (Decimal, str, int, bool):
            return False
    return True


def _write_named(rule: Rule, lang: str) -> str:
    parts = []
    for name, (field, _) in _scalar_fields(type(rule)).items():
        value = getattr(rule, name)
        if field.default is not attrs.NOTHING and value == field.default:
            continue
        parts.append(f"{_parameter_name(name, lang)}: {_write_value(name, value, lang)}")
    return "; ".join(parts)


def _read_value(name: str, hint: Any, raw: str) -> Any:
    base, optional = _plain_type(hint)
    if optional and _is(raw, NO_LIMIT):
        return None
    if base is Decimal:
        return _number(raw, name)
    if base is int:
        number = _number(raw, name)
        if number != number.to_integral_value():
            raise EntryError(msg("authoring.whole_number", name=name, found=Found(raw)))
        return int(number)
    if base is bool:
        from parindex.io.vocabulary import read_flag

        return read_flag(raw)
    if name == "measure":
        for measure, choice in MEASURES.items():
            if _is(raw, choice):
                return measure
    return raw


def _read_named(rule_class: type[Rule], text: str) -> dict[str, Any]:
    fields = _scalar_fields(rule_class)
    data: dict[str, Any] = {}
    for key, value in _items(text):
        name = next(
            (
                field
                for field in fields
                if label_key(key) == field
                or _is(key, PARAMETER_NAMES.get(field, Choice(field, field)))
            ),
            None,
        )
        if name is None:
            accepted = [_parameter_name(field, "vi") for field in fields]
            raise EntryError(
                msg("authoring.unknown_parameter", found=Found(key), accepted=accepted or ["—"])
            )
        data[name] = _read_value(name, fields[name][1], value)
    return data


# -- the two cells -------------------------------------------------------------------------
def write_parameters(rule: Rule, document: Mapping[str, Any], lang: str) -> str:
    """The parameters cell of ``rule`` (``document``: its unstructured form, for plugin kinds)."""
    if isinstance(rule, Levels):
        return _write_levels(rule, lang)
    if isinstance(rule, Bands):
        return _write_bands(rule, lang)
    if _simple(type(rule)):
        return _write_named(rule, lang)
    rest = {key: value for key, value in document.items() if key != "kind"}
    return json.dumps(rest, ensure_ascii=False, default=str) if rest else ""


def read_parameters(rule_class: type[Rule], text: str) -> dict[str, Any]:
    """The rule's document (``kind`` and parameters) from its parameters cell.

    Raises :class:`EntryError` naming what cannot be read.
    """
    kind = rule_class.kind
    cell = text.strip()
    if cell.startswith("{"):
        try:
            data = json.loads(cell, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise EntryError(msg("authoring.bad_json", column=exc.colno)) from None
        if not isinstance(data, dict):
            raise EntryError(msg("authoring.json_not_object"))
        return {"kind": kind, **data}
    if not cell:
        return {"kind": kind}
    if rule_class is Levels:
        return {
            "kind": kind,
            "levels": [attrs.asdict(level) for level in _read_levels(cell).levels],
        }
    if rule_class is Bands:
        rule = _read_bands(cell)
        document: dict[str, Any] = {
            "kind": kind,
            "bands": [attrs.asdict(band) for band in rule.bands],
            "otherwise": rule.otherwise,
            "lower": rule.lower,
            "upper": rule.upper,
        }
        return document
    return {"kind": kind, **_read_named(rule_class, cell)}


__all__: Sequence[str] = (
    "MEASURES",
    "PARAMETER_NAMES",
    "RULE_NAMES",
    "kind_name",
    "read_kind",
    "read_parameters",
    "write_parameters",
)
