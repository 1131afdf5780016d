"""Information rows: a pack's own facts in one cell each, read and written.

The syntax of each row (``#căn cứ pháp lý``, ``#xếp loại``, ``#ánh xạ``…) is
documented in docs/authoring-packs.md; parts of a row are separated by `` | ``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from parindex.grammar import EntryError, check_text, number_from_value
from parindex.io.table_layout import INFO, ROUNDING_MODES, SEPARATOR, matches
from parindex.io.vocabulary import (
    MAPPING_KINDS,
    STATUSES,
    UNIT_GROUPS,
    plain_key,
    read_choice,
    read_date,
    read_flag,
    read_stage,
    read_years,
    threshold_word,
    unit_group_name,
    write_choice,
    write_date,
    write_stage,
    write_years,
)
from parindex.messages import Found, msg
from parindex.messages import text as catalogue_text
from parindex.model import DEFAULT_STAGE_POLICY, DEFAULT_STAGES, Pack, RoundingRule


def _parts(value: str, count: int) -> list[str]:
    parts = [part.strip() for part in value.split("|")]
    return parts + [""] * (count - len(parts))


def _int(raw: str) -> int:
    number = number_from_value(raw)
    if number != number.to_integral_value():
        raise EntryError(msg("authoring.whole_number", name="", found=Found(raw)))
    return int(number)


def read_legal_basis(value: str) -> dict[str, Any]:
    """``số | ngày | cơ quan ban hành | trích yếu | url`` (the date may be a year or month/year)."""
    number, date, issuer, title, url = _parts(value, 5)
    if not number:
        raise EntryError(msg("authoring.basis_without_number"))
    basis: dict[str, Any] = {"number": number}
    if date:
        when = read_date(date)
        full = when.full()
        if full is not None:
            basis["date"] = full
        else:
            basis["year"] = when.year
            if when.month is not None:
                basis["month"] = when.month
    for name, text in (("issuer", issuer), ("title", title), ("url", url)):
        if text:
            basis[name] = text
    return basis


def _read_classification(value: str) -> dict[str, Any]:
    if matches(value, ("không", "none", "không xếp loại")):
        return {"grades": []}
    grades = []
    for part in value.split(";"):
        label, colon, bound = part.strip().rpartition(":")
        if not colon:
            grades.append({"label": part.strip()})
            continue
        words = bound.strip().split(None, 1)
        if len(words) != 2 or plain_key(words[0]) not in ("tu", "tren", ">=", "≥", ">"):
            raise EntryError(msg("authoring.bad_class", found=Found(part.strip())))
        grade: dict[str, Any] = {
            "label": label.strip(),
            "minimum": number_from_value(words[1].replace("%", "").strip()),
            "inclusive": plain_key(words[0]) in ("tu", ">=", "≥"),
        }
        grades.append(grade)
    return {"grades": grades}


def _write_classification(pack: Pack, lang: str) -> str:
    parts = []
    for grade in pack.classification.grades:
        if grade.minimum is None:
            parts.append(grade.label)
        else:
            word = threshold_word(grade.inclusive, lang)
            parts.append(f"{grade.label}: {word} {number_text(grade.minimum, lang)}")
    return "; ".join(parts)


def _codes(text: str) -> list[str]:
    return [code for code in text.replace(",", " ").split() if code]


def read_info(key: str, value: str, head: dict[str, Any]) -> None:
    """Put one information row's value into the pack document ``head``."""
    declared = head.setdefault("declared", {})
    if key in ("id", "title", "version", "description"):
        head[key] = check_text(value, what="title", limit=5000)
    elif key == "unit_group":
        head[key] = read_choice(UNIT_GROUPS, value, "unit_group").value
    elif key == "years":
        years = read_years(value)
        head[key] = {"first": years.first, "last": years.last}
    elif key == "legal_basis":
        head.setdefault(key, []).append(read_legal_basis(value))
    elif key == "classification":
        head[key] = _read_classification(value)
    elif key == "eligibility":
        grade, code, minimum = _parts(value, 3)
        head.setdefault(key, []).append(
            {
                "grade": grade,
                "code": code,
                "minimum": number_from_value(minimum.replace("%", "").strip()),
            }
        )
    elif key == "rounding":
        decimals, _, mode = value.partition(";")
        found = next(
            (m for m, vi in ROUNDING_MODES.items() if mode.strip() and matches(mode, (m, vi))),
            None,
        )
        if mode.strip() and found is None:
            raise EntryError(msg("authoring.bad_rounding", found=Found(value)))
        head[key] = {"decimals": _int(decimals), "mode": found or "half_up"}
    elif key == "point_decimals":
        head[key] = _int(value)
    elif key in ("declared_fields", "declared_criteria", "declared_sub_criteria"):
        declared[key.removeprefix("declared_")] = _int(value)
    elif key in ("declared_self", "declared_survey"):
        source = "self_assessment" if key == "declared_self" else "survey"
        declared.setdefault("maximum", {})[source] = number_from_value(value)
    elif key == "declared_field":
        field, criteria, subs = _parts(value, 3)
        counts: dict[str, int] = {}
        if criteria:
            counts["criteria"] = _int(criteria)
        if subs:
            counts["sub_criteria"] = _int(subs)
        declared.setdefault("per_field", {})[field] = counts
    elif key == "declared_source":
        document, status, section, url, note = _parts(value, 5)
        entry: dict[str, Any] = {"document": document}
        if status:
            entry["status"] = read_choice(STATUSES, status, "status").value
        for name, text in (("section", section), ("url", url), ("note", note)):
            if text:
                entry[name] = text
        declared.setdefault("provenance", []).append(entry)
    elif key in ("stages", "stage_policy"):
        head[key] = [read_stage(part) for part in value.split(",") if part.strip()]
    elif key in ("total_bonus_cap", "total_deduction_cap"):
        head[key] = number_from_value(value)
    elif key == "synthetic":
        head[key] = read_flag(value)
    elif key == "gaps":
        head.setdefault(key, []).append(value)
    elif key == "mapping":
        source_pack, kind, before, after, note = _parts(value, 5)
        head.setdefault("mappings", []).append(
            {
                "from_pack": source_pack,
                "kind": read_choice(MAPPING_KINDS, kind, "mapping").value,
                "from_codes": _codes(before),
                "to_codes": _codes(after),
                "note": note,
            }
        )
    if not declared:
        head.pop("declared")


def _joined(parts: list[str]) -> str:
    """The parts of an information row, `` | ``-separated, without empty trailing ones."""
    while parts and not parts[-1]:
        parts.pop()
    return SEPARATOR.join(parts)


def number_text(value: Decimal, lang: str) -> str:
    """A decimal exactly as stored, with the language's separator; never ambiguous to read back."""
    text = format(value, "f")
    whole, dot, fraction = text.lstrip("-").partition(".")
    if dot and len(fraction) == 3 and whole[:1] in "123456789" and len(whole) <= 3:
        text += "0"  # "1,250" would read as either 1.25 or 1250: write "1,2500"
    return text.replace(".", ",") if lang == "vi" else text


def info_rows(pack: Pack, document: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    def key(name: str) -> str:
        info = INFO[name]
        return "#" + (info.vi if lang == "vi" else info.en)

    rows = [
        (key("id"), pack.id),
        (key("title"), pack.title),
        (key("version"), pack.version),
        (key("unit_group"), unit_group_name(pack.unit_group, lang)),
        (key("years"), write_years(pack.years)),
    ]
    for basis in pack.legal_basis:
        parts = [
            basis.number,
            write_date(basis.date, basis.year, basis.month),
            basis.issuer,
            basis.title,
            basis.url,
        ]
        rows.append((key("legal_basis"), _joined(parts)))
    if pack.classification.defined:
        rows.append((key("classification"), _write_classification(pack, lang)))
    for condition in pack.eligibility:
        rows.append(
            (
                key("eligibility"),
                SEPARATOR.join(
                    [condition.grade, condition.code, number_text(condition.minimum, lang)]
                ),
            )
        )
    if pack.rounding != RoundingRule():
        mode = pack.rounding.mode
        if lang == "vi":
            mode = ROUNDING_MODES.get(mode, mode)
        mode = "" if pack.rounding.mode == "half_up" else f"; {mode}"
        rows.append((key("rounding"), f"{pack.rounding.decimals}{mode}"))
    if pack.point_decimals != 4:
        rows.append((key("point_decimals"), str(pack.point_decimals)))
    declared = pack.declared
    for name, value in (
        ("declared_fields", declared.fields),
        ("declared_criteria", declared.criteria),
        ("declared_sub_criteria", declared.sub_criteria),
    ):
        if value is not None:
            rows.append((key(name), str(value)))
    for source, points in declared.maximum.items():
        rows.append(
            (
                key("declared_self" if source.value == "self_assessment" else "declared_survey"),
                number_text(points, lang),
            )
        )
    for field, counts in declared.per_field.items():
        parts = [
            field,
            "" if counts.criteria is None else str(counts.criteria),
            "" if counts.sub_criteria is None else str(counts.sub_criteria),
        ]
        rows.append((key("declared_field"), _joined(parts)))
    for provenance in declared.provenance:
        parts = [
            provenance.document,
            write_choice(STATUSES, provenance.status, lang),
            provenance.section,
            provenance.url,
            provenance.note,
        ]
        rows.append((key("declared_source"), _joined(parts)))
    if pack.stages != DEFAULT_STAGES:
        rows.append((key("stages"), ", ".join(write_stage(s, lang) for s in pack.stages)))
    if pack.stage_policy != DEFAULT_STAGE_POLICY:
        rows.append(
            (key("stage_policy"), ", ".join(write_stage(s, lang) for s in pack.stage_policy))
        )
    for name in ("total_bonus_cap", "total_deduction_cap"):
        value = getattr(pack, name)
        if value is not None:
            rows.append((key(name), number_text(value, lang)))
    if pack.synthetic:
        rows.append((key("synthetic"), catalogue_text("authoring.yes", lang)))
    if pack.description:
        rows.append((key("description"), pack.description))
    for gap in pack.gaps:
        rows.append((key("gaps"), gap))
    for mapping in pack.mappings:
        parts = [
            mapping.from_pack,
            write_choice(MAPPING_KINDS, mapping.kind, lang),
            " ".join(mapping.from_codes),
            " ".join(mapping.to_codes),
            mapping.note,
        ]
        rows.append((key("mapping"), _joined(parts)))
    return rows


__all__ = ["info_rows", "number_text", "read_info", "read_legal_basis"]
