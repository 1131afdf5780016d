"""The words officials write for a pack's fixed choices, and the dates and years they give.

A criteria table is filled in by a provincial official, in Vietnamese: "sở, ban,
ngành", "điều tra xã hội học", "tính điểm tối đa", "2013", "12/2019". Each fixed
choice has one Vietnamese name written on export and accepts English ids and
common variants on import; comparison ignores case, spacing and, as a last
resort, diacritics ("so, ban, nganh"). Nothing here is guessed: an unknown word
is an :class:`~parindex.grammar.EntryError` naming the accepted ones.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TypeVar

import attrs

from parindex.grammar import EntryError, label_key
from parindex.messages import Found, msg, text
from parindex.model import (
    MappingKind,
    NotApplicable,
    PointsSource,
    ProvenanceStatus,
    UnitGroup,
    YearRange,
)

E = TypeVar("E", bound=enum.Enum)


def plain_key(text: str) -> str:
    """``label_key`` without diacritics (đ → d): how text typed without accents compares."""
    decomposed = unicodedata.normalize("NFD", label_key(text).replace("đ", "d"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


@attrs.frozen
class Choice:
    """A name of a fixed choice: what is written (vi, en) and what else is accepted."""

    vi: str
    en: str
    also: tuple[str, ...] = ()

    def written(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


UNIT_GROUPS: Mapping[UnitGroup, Choice] = {
    UnitGroup.PROVINCE: Choice("UBND cấp tỉnh", "province", ("tỉnh", "cấp tỉnh")),
    UnitGroup.MINISTRY: Choice(
        "bộ, cơ quan ngang bộ", "ministry", ("bộ", "cấp bộ", "bộ, ngành trung ương")
    ),
    UnitGroup.DEPARTMENT: Choice(
        "sở, ban, ngành",
        "department",
        ("sở", "ban", "ngành", "sở, ban, ngành tỉnh", "sở, ban, ngành cấp tỉnh", "sở ban ngành"),
    ),
    UnitGroup.PUBLIC_SERVICE_UNIT: Choice(
        "đơn vị sự nghiệp công lập",
        "public_service_unit",
        ("đơn vị sự nghiệp", "đvsncl", "đơn vị sự nghiệp công lập tỉnh"),
    ),
    UnitGroup.CENTRAL_AGENCY: Choice(
        "cơ quan Trung ương đặt tại tỉnh",
        "central_agency",
        ("cơ quan trung ương", "cơ quan ngành dọc", "cơ quan trung ương đóng trên địa bàn tỉnh"),
    ),
    UnitGroup.DISTRICT: Choice(
        "UBND cấp huyện", "district", ("huyện", "cấp huyện", "ubnd huyện, thị xã, thành phố")
    ),
    UnitGroup.COMMUNE: Choice(
        "UBND cấp xã", "commune", ("xã", "cấp xã", "ubnd xã, phường, thị trấn")
    ),
}

SOURCES: Mapping[PointsSource, Choice] = {
    PointsSource.SELF_ASSESSMENT: Choice(
        "tự đánh giá", "self_assessment", ("thẩm định", "tự đánh giá, thẩm định", "self-assessment")
    ),
    PointsSource.SURVEY: Choice("điều tra xã hội học", "survey", ("xhh", "điều tra xhh")),
}

NOT_APPLICABLE: Mapping[NotApplicable, Choice] = {
    NotApplicable.NOT_ALLOWED: Choice("không áp dụng", "not_allowed", ("không cho phép",)),
    NotApplicable.FULL_POINTS: Choice(
        "tính điểm tối đa", "full_points", ("đủ điểm", "điểm tối đa", "được tính điểm tối đa")
    ),
    NotApplicable.EXCLUDED: Choice(
        "loại khỏi điểm tối đa", "excluded", ("loại trừ", "không tính", "không tính điểm")
    ),
    NotApplicable.ZERO: Choice("0 điểm", "zero", ("không điểm",)),
}

STATUSES: Mapping[ProvenanceStatus, Choice] = {
    ProvenanceStatus.OFFICIAL: Choice("chính thức", "official", ("văn bản chính thức",)),
    ProvenanceStatus.DRAFT: Choice("dự thảo", "draft", ()),
    ProvenanceStatus.DERIVED: Choice("suy ra", "derived", ("tính ra",)),
    ProvenanceStatus.REPORTED: Choice("báo chí đưa tin", "reported", ("đưa tin", "báo chí")),
    ProvenanceStatus.MISSING: Choice("chưa tìm thấy", "missing", ("thiếu",)),
    ProvenanceStatus.SYNTHETIC: Choice("mô phỏng", "synthetic", ()),
}

MAPPING_KINDS: Mapping[MappingKind, Choice] = {
    MappingKind.ONE_TO_ONE: Choice("tương ứng", "one_to_one", ("một-một",)),
    MappingKind.MERGED: Choice("gộp", "merged", ()),
    MappingKind.SPLIT: Choice("tách", "split", ()),
    MappingKind.NEW: Choice("mới", "new", ()),
    MappingKind.DROPPED: Choice("bỏ", "dropped", ()),
}

#: The default workflow's stages, as a Vietnamese table names them.
STAGES: Mapping[str, Choice] = {
    "self": Choice("tự đánh giá", "self"),
    "appraisal_1": Choice("thẩm định lần 1", "appraisal_1"),
    "explanation": Choice("giải trình", "explanation"),
    "appraisal_2": Choice("thẩm định lần 2", "appraisal_2"),
}

YES = frozenset({"có", "x", "1", "yes", "true", "đúng"})
NO = frozenset({"", "không", "0", "no", "false", "sai"})


def _lookup(choices: Mapping[E, Choice], raw: str) -> E | None:
    wanted = label_key(raw)
    for value, choice in choices.items():
        if wanted in {
            label_key(name) for name in (choice.vi, choice.en, value.value, *choice.also)
        }:
            return value
    loose = plain_key(raw)
    found = [
        value
        for value, choice in choices.items()
        if loose in {plain_key(name) for name in (choice.vi, choice.en, *choice.also)}
    ]
    return found[0] if len(found) == 1 else None


def read_choice(choices: Mapping[E, Choice], raw: str, what: str) -> E:
    """The choice ``raw`` names; :class:`EntryError` listing the accepted names otherwise."""
    found = _lookup(choices, raw)
    if found is None:
        accepted = [f"{choice.vi} ({choice.en})" for choice in choices.values()]
        raise EntryError(
            msg(
                "authoring.unknown_choice",
                what=msg(f"authoring.what_{what}"),
                found=Found(raw),
                accepted=accepted,
            )
        )
    return found


def write_choice(choices: Mapping[E, Choice], value: E, lang: str) -> str:
    return choices[value].written(lang)


def unit_group_name(group: UnitGroup, lang: str) -> str:
    """A unit group as the user's language names it ("sở, ban, ngành"): the one name the
    criteria table, ``packs``, ``show`` and the report all print."""
    return write_choice(UNIT_GROUPS, group, lang)


def threshold_word(inclusive: bool, lang: str) -> str:
    """The word before a band's or a class's threshold: "từ" (from, included) or "trên"
    (above); ">=" and ">" in English. The readers accept either language's."""
    return text("authoring.threshold_from" if inclusive else "authoring.threshold_above", lang)


def read_stage(raw: str) -> str:
    """A stage id: a default stage's Vietnamese name, or the id as written."""
    for stage, choice in STAGES.items():
        if label_key(raw) in (label_key(choice.vi), stage) or plain_key(raw) == plain_key(
            choice.vi
        ):
            return stage
    return raw.strip()


def write_stage(stage: str, lang: str) -> str:
    choice = STAGES.get(stage)
    return stage if choice is None else choice.written(lang)


def read_flag(raw: str) -> bool:
    key = label_key(raw)
    if key in YES or plain_key(raw) == "co":
        return True
    if key in NO or plain_key(raw) == "khong":
        return False
    raise EntryError(msg("authoring.not_a_flag", found=Found(raw)))


# -- years and dates --------------------------------------------------------------------
def read_years(raw: str) -> YearRange:
    """``2013`` (that year only), ``2013-2015``, ``2013–`` or ``từ 2013`` (open)."""
    text = label_key(raw)
    match = re.fullmatch(r"(?:từ\s+)?(\d{4})(\s*(?:[-–—]|đến)\s*(\d{4})?|\s*trở đi)?", text)
    if match is None:
        raise EntryError(msg("authoring.bad_years", found=Found(raw)))
    first = int(match[1])
    if match[2] is None:
        return YearRange(first, first)
    return YearRange(first, int(match[3]) if match[3] else None)


def write_years(years: YearRange) -> str:
    if years.last == years.first:
        return str(years.first)
    return str(years)


@attrs.frozen
class PartialDate:
    """A date as a source gives it: a full date, a month and year, or a year."""

    year: int
    month: int | None = None
    day: int | None = None

    def full(self) -> dt.date | None:
        if self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)


def read_date(raw: str) -> PartialDate:
    """``30/12/2019``, ``2019-12-30``, ``12/2019``, ``2019-12`` or ``2019``."""
    text = raw.strip()
    patterns: Sequence[tuple[str, tuple[str, ...]]] = (
        (r"(\d{1,2})/(\d{1,2})/(\d{4})", ("day", "month", "year")),
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", ("year", "month", "day")),
        (r"(\d{1,2})/(\d{4})", ("month", "year")),
        (r"(\d{4})-(\d{1,2})", ("year", "month")),
        (r"(\d{4})", ("year",)),
    )
    for pattern, names in patterns:
        match = re.fullmatch(pattern, text)
        if match is None:
            continue
        parts = {name: int(value) for name, value in zip(names, match.groups(), strict=True)}
        date = PartialDate(parts["year"], parts.get("month"), parts.get("day"))
        try:
            if date.month is not None:
                dt.date(date.year, date.month, date.day or 1)
        except ValueError:
            break
        return date
    raise EntryError(msg("authoring.bad_date", found=Found(raw)))


def write_date(date: dt.date | None, year: int | None, month: int | None) -> str:
    if date is not None:
        return f"{date:%d/%m/%Y}"
    if year is not None and month is not None:
        return f"{month:02d}/{year}"
    return "" if year is None else str(year)


__all__ = [
    "MAPPING_KINDS",
    "NOT_APPLICABLE",
    "SOURCES",
    "STATUSES",
    "UNIT_GROUPS",
    "Choice",
    "PartialDate",
    "plain_key",
    "read_choice",
    "read_date",
    "read_flag",
    "read_stage",
    "read_years",
    "threshold_word",
    "unit_group_name",
    "write_choice",
    "write_date",
    "write_stage",
    "write_years",
]
