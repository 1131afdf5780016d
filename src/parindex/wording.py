"""Scoring-method wording ("Phương pháp đánh giá") read into typed rules, and rules put into words.

Official appendices say how each sub-criterion is scored in Vietnamese prose.
:func:`read_method` recognises the common forms, with or without diacritics and
with decimal commas:

- named levels: "Ban hành đúng thời hạn: 0,5 điểm; ban hành chậm: 0,25 điểm;
  không ban hành: 0 điểm" (:class:`~parindex.rules.Levels`); "Đạt: 1 điểm; không
  đạt: 0 điểm" (:class:`~parindex.rules.Achieved`);
- banded rates: "Từ 90 % trở lên: 2 điểm; từ 70 % đến dưới 90 %: 1 điểm; dưới
  70 %: 0 điểm" (:class:`~parindex.rules.Bands`), where "từ … trở lên", "trên",
  "từ … đến dưới", "từ … đến", "dưới" and "từ … trở xuống" give exact inclusive
  and exclusive bounds, and the bands must meet without gap or overlap; the
  points may fall as the values rise ("Dưới 2 %: 1 điểm; từ 2 % đến dưới 5 %:
  0,5 điểm; từ 5 % trở lên: 0 điểm", an error or late rate);
- "Tỷ lệ % × điểm tối đa" (:class:`~parindex.rules.Proportional`); the value of
  the unit over the best unit's (:class:`~parindex.rules.RelativeToBest`);
- "Mỗi ứng dụng 1 điểm, tổng không quá 5 điểm" (:class:`~parindex.rules.CappedCount`);
  "Mỗi văn bản chậm trừ 0,25 điểm, trừ tối đa 1 điểm"
  (:class:`~parindex.rules.PerItemDeduction`);
- "Không phát sinh: tính điểm tối đa" (and "… được tính 02 điểm" when that is
  the maximum): the leaf's not-applicable policy.

Anything else is not guessed: the reading says which sentence it could not read,
and the leaf is entered directly. :func:`rule_in_words` prints a rule the way
an appendix would; reading those words back gives the same rule (a property the
tests check with hypothesis). In wording, a number's only separator, ``,`` or
``.``, is always the decimal one: points and rates are never in the thousands.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation

import attrs

from parindex.messages import Found, Message, msg
from parindex.messages import text as catalogue_text
from parindex.model import NotApplicable
from parindex.rules import (
    ACHIEVED_WORDS,
    NOT_ACHIEVED_WORDS,
    Achieved,
    Band,
    Bands,
    CappedCount,
    Direct,
    Level,
    Levels,
    PerItemDeduction,
    Proportional,
    RelativeToBest,
    Rule,
    SurveyScale,
    fmt_number,
)

HUNDRED = Decimal(100)
ZERO = Decimal(0)


@attrs.frozen
class Reading:
    """What a method's wording says: a rule and/or a not-applicable policy, or why not."""

    text: str
    rule: Rule | None = None
    not_applicable: NotApplicable | None = None
    problem: Message | None = None

    @property
    def understood(self) -> bool:
        return self.problem is None and (self.rule is not None or self.not_applicable is not None)


class _UnreadableError(Exception):
    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(str(message))


# -- text -------------------------------------------------------------------------------
def _plain_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 else ch


def _plain(text: str) -> str:
    """Lower case without diacritics, one character per character (so spans map back)."""
    return "".join(_plain_char(ch) for ch in text)


NUMBER = r"(\d+(?:[.,]\d+)?)"
_POINTS = re.compile(rf"\s*{NUMBER}\s*(?:diem|d)?\s*\.?\s*", re.IGNORECASE)


def _number(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the patterns admit digits only
        raise _UnreadableError(msg("wording.bad_number", found=Found(text))) from None


def _clauses(text: str) -> list[str]:
    """Sentences and ``;``-separated parts, bullets and final full stops removed."""
    parts: list[str] = []
    for line in re.split(r"[;\n]|\.\s+(?=\S)", text):
        clause = line.strip().lstrip("-+•*–").strip().rstrip(".").strip()
        if clause:
            parts.append(clause)
    return parts


# -- not applicable ---------------------------------------------------------------------
_NA_CLAUSE = re.compile(
    r"khong phat sinh|^(?:trong nam |truong hop )?khong co .*\b(?:duoc )?tinh\b"
)


def _read_na(clause: str, plain: str, maximum: Decimal | None) -> NotApplicable:
    _, colon, after = plain.partition(":")
    verdict = after if colon else plain
    if re.search(r"loai|khong tinh|khong cham|khong danh gia", verdict):
        return NotApplicable.EXCLUDED
    if re.search(r"toi da|day du diem|du diem", verdict):
        return NotApplicable.FULL_POINTS
    found = re.search(rf"{NUMBER}\s*diem", verdict)
    if found is not None:
        points = _number(found[1])
        if points == ZERO:
            return NotApplicable.ZERO
        if maximum is not None and points == maximum:
            return NotApplicable.FULL_POINTS
        raise _UnreadableError(
            msg("wording.na_points", found=Found(clause), points=points, maximum=maximum or ZERO)
        )
    raise _UnreadableError(msg("wording.na_unclear", found=Found(clause)))


# -- items: "label: points" -------------------------------------------------------------
@attrs.frozen
class _Item:
    label: str
    plain: str
    points: Decimal


def _item(clause: str) -> _Item | None:
    plain = _plain(clause)
    for pattern in (
        r"^(.*\S)\s*:\s*$",  # "label:" then points
        r"^(.*\S)\s+(?:duoc|=|la)\s*$",
        r"^(.*\S)\s*[-–=]\s*$",
    ):
        for match in re.finditer(_POINTS, plain):
            if match.end() != len(plain):
                continue
            head = re.match(pattern, plain[: match.start()])
            if head is None:
                continue
            label = clause[: head.end(1)].strip()
            return _Item(label, _plain(label), _number(match[1]))
    return None


# -- bands ------------------------------------------------------------------------------
@attrs.frozen
class _Interval:
    low: Decimal | None
    low_inclusive: bool
    high: Decimal | None
    high_inclusive: bool
    rate: bool


N = r"(\d+(?:[.,]\d+)?)\s*(%)?"
_CONDITIONS: Sequence[tuple[str, tuple[str, str]]] = (
    # (pattern, (low kind, high kind)): "in" inclusive, "ex" exclusive, "" open.
    (rf"\btu {N}\s*(?:den duoi|den nho hon|-\s*duoi)\s*{N}", ("in", "ex")),
    (rf"\btren {N}\s*(?:den duoi|den nho hon|-\s*duoi)\s*{N}", ("ex", "ex")),
    (rf"\btu {N}\s*(?:den|-|–)\s*{N}", ("in", "in")),
    (rf"\btren {N}\s*(?:den|-|–)\s*{N}", ("ex", "in")),
    (rf"(?:^|\s){N}\s*(?:-|–)\s*{N}", ("in", "in")),
    (rf"\b(?:tu )?{N}\s*tro len", ("in", "")),
    (rf"\btu {N}[^\d]*?\btro len", ("in", "")),
    (rf">=\s*{N}", ("in", "")),
    (rf"\b(?:tren|lon hon|hon|vuot) {N}", ("ex", "")),
    (rf">\s*{N}", ("ex", "")),
    (rf"\b(?:tu )?{N}\s*tro xuong", ("", "in")),
    (rf"\btu {N}[^\d]*?\btro xuong", ("", "in")),
    (rf"\b(?:khong qua|khong vuot qua|toi da) {N}", ("", "in")),
    (rf"<=\s*{N}", ("", "in")),
    (rf"\b(?:duoi|nho hon|it hon|chua den) {N}", ("", "ex")),
    (rf"<\s*{N}", ("", "ex")),
    (rf"\btu {N}\s*$", ("in", "")),
    (rf"\b(?:dat|bang|=)\s*{N}", ("eq", "eq")),
)
_OTHERWISE = re.compile(r"^(?:cac )?(?:truong hop )?(?:con lai|khac)$|^(?:cac )?truong hop khac$")


def _condition(plain: str) -> _Interval | None:
    text = plain.replace("≥", ">=").replace("≤", "<=")
    for pattern, (low_kind, high_kind) in _CONDITIONS:
        match = re.search(pattern, text)
        if match is None:
            continue
        groups = list(match.groups())
        numbers = [_number(groups[i]) for i in range(0, len(groups), 2)]
        rate = any(groups[i] for i in range(1, len(groups), 2))
        low = high = None
        if low_kind == "eq":  # exactly this value: the band starts there
            low = high = numbers[0]
        elif low_kind and high_kind:
            low, high = numbers
        elif low_kind:
            low = numbers[0]
        else:
            high = numbers[0]
        return _Interval(low, low_kind in ("in", "eq"), high, high_kind in ("in", "eq"), rate)
    return None


def _at_zero(interval: _Interval | None) -> _Interval | None:
    """ "Bằng 0 %" is the lowest band: values are never below 0, so "= 0" is "≤ 0"."""
    if interval is not None and interval.low == interval.high == ZERO:
        return attrs.evolve(interval, low=None, low_inclusive=False)
    return interval


def _bands(items: Sequence[_Item], found: Sequence[_Interval | None]) -> Bands:
    intervals = [_at_zero(interval) for interval in found]
    rate = any(interval is not None and interval.rate for interval in intervals)
    upper = HUNDRED if rate else None
    banded = sorted(
        (
            (interval, item)
            for interval, item in zip(intervals, items, strict=True)
            if interval is not None and interval.low is not None
        ),
        key=lambda pair: pair[0].low,  # type: ignore[arg-type, return-value]
        reverse=True,
    )
    below = [
        (interval, item)
        for interval, item in zip(intervals, items, strict=True)
        if interval is None or interval.low is None
    ]
    if not banded:
        raise _UnreadableError(msg("wording.bands_no_threshold"))
    for (higher, _), (lower, item) in itertools.pairwise(banded):
        if higher.low == lower.low:
            raise _UnreadableError(msg("wording.bands_overlap", found=Found(item.label)))
        if lower.high is not None and (
            lower.high != higher.low or lower.high_inclusive == higher.low_inclusive
        ):
            raise _UnreadableError(msg("wording.bands_do_not_meet", found=Found(item.label)))
    last, _ = banded[-1]
    if len(below) > 1:
        raise _UnreadableError(msg("wording.bands_two_below"))
    if below:
        interval, item = below[0]
        if interval is not None and (
            interval.high != last.low or interval.high_inclusive == last.low_inclusive
        ):
            raise _UnreadableError(msg("wording.bands_do_not_meet", found=Found(item.label)))
        otherwise = item.points
    elif last.low == ZERO and last.low_inclusive:
        otherwise = ZERO  # nothing lies below the lowest band
    else:
        raise _UnreadableError(msg("wording.bands_below_unsaid", low=last.low or ZERO))
    bands = tuple(
        Band(interval.low or ZERO, item.points, interval.low_inclusive) for interval, item in banded
    )
    return Bands(bands, otherwise=otherwise, lower=ZERO, upper=upper)


#: Labels (lower case, without diacritics) of the two cases of a pass/fail criterion:
#: the words the achieved rule itself takes as entries.
_YES = frozenset(_plain(word) for word in ACHIEVED_WORDS)
_NO = frozenset(_plain(word) for word in NOT_ACHIEVED_WORDS)


def _levels(items: Sequence[_Item], maximum: Decimal | None) -> Rule:
    """Named levels; exactly "đạt: maximum; không đạt: 0" (either order) is achieved.

    An achieved rule takes what an official types for pass/fail (đạt / không đạt,
    x, 1 / 0, có / không), where named levels take their labels only.
    """
    if len(items) == 2:
        yes = [item for item in items if item.plain.strip() in _YES]
        no = [item for item in items if item.plain.strip() in _NO]
        if (
            len(yes) == len(no) == 1
            and no[0].points == ZERO
            and yes[0].points > ZERO
            and (maximum is None or yes[0].points == maximum)
        ):
            return Achieved()
    return Levels(tuple(Level(item.label, item.points) for item in items))


# -- formulas ---------------------------------------------------------------------------
_MUL = r"\s*[x×*]\s*"
_PROPORTIONAL = (
    re.compile(
        rf"^(?:diem\s*=\s*)?\(?ty le\s*(?:\(?%\)?)?\)?{_MUL}(?:diem toi da|{NUMBER}\s*(?:diem)?)$"
    ),
    re.compile(
        rf"^(?:diem\s*=\s*)?(?:diem toi da|{NUMBER}){_MUL}"
        r"\(?ty le\s*(?:\(?%\)?)?\)?(?:\s*/\s*100)?$"
    ),
)
_PROPORTIONAL_FULL = re.compile(
    rf"^diem\s*=\s*(?:diem toi da|{NUMBER}){_MUL}gia tri\s*/\s*{NUMBER}$"
)
_RELATIVE = re.compile(
    rf"^(?:diem\s*=\s*)?(?:diem toi da|{NUMBER}){_MUL}(?:gia tri|ket qua)(?: cua don vi)?\s*/\s*"
    r"(?:gia tri|ket qua) (?:lon nhat|cao nhat)(?: trong (?:cac don vi|nhom))?$"
)
_RELATIVE_RATIO = re.compile(
    r"^ty le chuan hoa\s*=\s*(?:gia tri|ket qua)(?: cua don vi)?\s*/\s*"
    r"(?:gia tri|ket qua) (?:lon nhat|cao nhat)(?: trong (?:cac don vi|nhom))?$"
)
_RELATIVE_POINTS = re.compile(
    rf"^diem\s*=\s*(?:ty le chuan hoa{_MUL}(?:diem toi da|{NUMBER})"
    rf"|(?:diem toi da|{NUMBER}){_MUL}ty le chuan hoa)$"
)
_SURVEY_SHARE = re.compile(
    rf"^diem\s*=\s*(?:diem toi da|{NUMBER}){_MUL}ty le tra loi tich cuc\s*(?:\(%\))?\s*/\s*100$"
)
_SURVEY_MEAN = re.compile(
    rf"^diem\s*=\s*(?:diem toi da|{NUMBER}){_MUL}\(diem trung binh\s*[-−]\s*{NUMBER}\)\s*/\s*"
    rf"\({NUMBER}\s*[-−]\s*{NUMBER}\)$"
)
_DIRECT = re.compile(rf"^(?:cham|nhap) diem truc tiep(?:,?\s*tu 0 den {NUMBER}(?: diem)?)?$")
_FLOOR = re.compile(rf"^duoi {N}\s*:\s*0\s*(?:diem)?$")
_UPPER = re.compile(rf"^gia tri nhap (?:khong qua|toi da) {NUMBER}$")
_RANGE = re.compile(rf"^gia tri nhap tu {NUMBER}(?: den {NUMBER})?$")
_PER_ITEM = re.compile(
    rf"^moi (.+?) (?:(bi )?tru|duoc tru) {NUMBER}\s*diem"
    r"(?:\s*,?\s*(?:tru toi da|toi da tru|tru khong qua|toi da) "
    rf"{NUMBER}\s*diem|\s*\(toi da {NUMBER}\s*diem\))?$"
)
_CAPPED = re.compile(
    rf"^moi (.+?) (?:duoc |cong )?{NUMBER}\s*diem\s*,?\s*"
    rf"(?:tong(?: so diem)?(?: khong qua| toi da)|toi da|khong qua) {NUMBER}\s*diem$"
)


def _check_maximum(found: str | None, maximum: Decimal | None, clause: str) -> None:
    if found is not None and maximum is not None and _number(found) != maximum:
        raise _UnreadableError(msg("wording.formula_maximum", found=Found(clause), maximum=maximum))


def _formula(clause: str, plain: str, maximum: Decimal | None) -> Rule | None:
    for pattern in _PROPORTIONAL:
        match = pattern.match(plain)
        if match is not None:
            _check_maximum(match[1], maximum, clause)
            return Proportional()
    match = _PROPORTIONAL_FULL.match(plain)
    if match is not None:
        _check_maximum(match[1], maximum, clause)
        return Proportional(full_at=_number(match[2]))
    match = _RELATIVE.match(plain)
    if match is not None:
        _check_maximum(match[1], maximum, clause)
        return RelativeToBest()
    if _RELATIVE_RATIO.match(plain):
        return RelativeToBest()
    match = _SURVEY_SHARE.match(plain)
    if match is not None:
        _check_maximum(match[1], maximum, clause)
        return SurveyScale(measure="share")
    match = _SURVEY_MEAN.match(plain)
    if match is not None:
        _check_maximum(match[1], maximum, clause)
        low, high, low_again = (_number(match[i]) for i in (2, 3, 4))
        if low != low_again:
            raise _UnreadableError(msg("wording.not_read", found=Found(clause)))
        return SurveyScale(scale_min=low, scale_max=high)
    match = _DIRECT.match(plain)
    if match is not None:
        _check_maximum(match[1], maximum, clause)
        return Direct()
    match = _PER_ITEM.match(plain)
    if match is not None:
        item = clause[match.start(1) : match.end(1)].strip()
        cap = match[4] or match[5]
        return PerItemDeduction(
            per_item=_number(match[3]),
            cap=None if cap is None else _number(cap),
            item="" if _plain(item) == "muc" else item,
        )
    match = _CAPPED.match(plain)
    if match is not None:
        _check_maximum(match[3], maximum, clause)
        return CappedCount(per_item=_number(match[2]))
    return None


def _modify(rule: Rule, clause: str, plain: str) -> Rule | None:
    """Apply a clause that qualifies a formula (a floor, an upper bound, a value range)."""
    if isinstance(rule, Proportional):
        match = _FLOOR.match(plain)
        if match is not None:
            return attrs.evolve(rule, floor=_number(match[1]))
        match = _UPPER.match(plain)
        if match is not None:
            return attrs.evolve(rule, upper=_number(match[1]))
    if isinstance(rule, RelativeToBest):
        match = _RELATIVE_POINTS.match(plain)
        if match is not None:
            return rule
    if isinstance(rule, Bands):
        match = _RANGE.match(plain)
        if match is not None:
            upper = None if match[2] is None else _number(match[2])
            return attrs.evolve(rule, lower=_number(match[1]), upper=upper)
    return None


# -- reading ------------------------------------------------------------------------------
def read_method(text: str, maximum: Decimal | None = None) -> Reading:
    """What ``text`` (a "Phương pháp đánh giá" cell) says, or the sentence it cannot read.

    ``maximum`` is the leaf's maximum, used to recognise "điểm tối đa" written as a
    number ("được tính 02 điểm") and to check formulas that name it.
    """
    original = unicodedata.normalize("NFC", text).strip()
    try:
        rule, policy = _read(original, maximum)
    except _UnreadableError as exc:
        return Reading(original, problem=exc.message)
    if rule is None and policy is None:
        return Reading(original, problem=msg("wording.empty"))
    return Reading(original, rule, policy)


def _read(text: str, maximum: Decimal | None) -> tuple[Rule | None, NotApplicable | None]:
    policy: NotApplicable | None = None
    rest: list[tuple[str, str]] = []
    for clause in _clauses(text):
        plain = _plain(clause)
        if _NA_CLAUSE.search(plain):
            if policy is not None:
                raise _UnreadableError(msg("wording.na_twice"))
            policy = _read_na(clause, plain, maximum)
        else:
            rest.append((clause, plain))
    if not rest:
        return None, policy
    rule = _formula(*rest[0], maximum)
    if rule is not None:
        for clause, plain in rest[1:]:
            modified = _modify(rule, clause, plain)
            if modified is None:
                raise _UnreadableError(msg("wording.not_read", found=Found(clause)))
            rule = modified
        return rule, policy
    return _choice_rule(rest, maximum), policy


def _choice_rule(rest: Sequence[tuple[str, str]], maximum: Decimal | None) -> Rule:
    items: list[_Item] = []
    extra: list[tuple[str, str]] = []
    for clause, plain in rest:
        item = _item(clause)
        if item is None:
            if items and _RANGE.match(plain):
                extra.append((clause, plain))
                continue
            raise _UnreadableError(msg("wording.not_read", found=Found(clause)))
        items.append(item)
    if len(items) < 2:
        raise _UnreadableError(msg("wording.one_case", found=Found(items[0].label)))
    intervals = [
        None if _OTHERWISE.match(item.plain.strip()) else _condition(item.plain) for item in items
    ]
    conditions = [
        interval is not None or _OTHERWISE.match(item.plain.strip())
        for interval, item in zip(intervals, items, strict=True)
    ]
    if all(conditions):
        rule: Rule = _bands(items, intervals)
        for clause, plain in extra:
            modified = _modify(rule, clause, plain)
            assert modified is not None  # matched _RANGE above
            rule = modified
        return rule
    if any(interval is not None for interval in intervals):
        mixed = next(item for item, cond in zip(items, conditions, strict=True) if not cond)
        raise _UnreadableError(msg("wording.bands_and_levels", found=Found(mixed.label)))
    if extra:
        raise _UnreadableError(msg("wording.not_read", found=Found(extra[0][0])))
    return _levels(items, maximum)


# -- writing --------------------------------------------------------------------------------
def _n(value: Decimal, lang: str) -> str:
    return fmt_number(value, lang)


def _pts(value: Decimal, lang: str) -> str:
    code = "wording.points_one" if value == 1 else "wording.points"
    return catalogue_text(code, lang, points=_n(value, lang))


def _bands_words(rule: Bands, lang: str) -> Iterator[str]:
    """Each band with both its ends, the best first where higher values earn more and the
    lowest values first otherwise (as appendices word error and late rates)."""
    pct = " %" if rule.upper is not None and rule.upper == HUNDRED and rule.lower == ZERO else ""
    for number, interval in enumerate(rule.ordered()):
        words = interval.words(lang, pct)
        words = words[:1].upper() + words[1:] if number == 0 else words
        yield f"{words}: {_pts(interval.points, lang)}"
    yield from _range_words(rule, lang)


def _range_words(rule: Bands, lang: str) -> Iterator[str]:
    """The values accepted, when they are not 0–100 (a rate) or from 0 up (a count)."""
    if (rule.lower, rule.upper) in ((ZERO, HUNDRED), (ZERO, None)):
        return
    low = _n(rule.lower, lang)
    if rule.upper is None:
        yield catalogue_text("wording.range_from", lang, low=low)
    else:
        yield catalogue_text("wording.range_from_to", lang, low=low, upper=_n(rule.upper, lang))


def rule_in_words(rule: Rule, maximum: Decimal, lang: str = "vi") -> str:
    """``rule`` as an appendix would word it; :func:`read_method` reads it back (Vietnamese)."""
    top = _pts(maximum, lang)
    if isinstance(rule, Direct):
        return catalogue_text("wording.direct", lang, maximum=top)
    if isinstance(rule, Achieved):
        return catalogue_text("wording.achieved", lang, maximum=top)
    if isinstance(rule, Levels):
        return "; ".join(f"{level.label}: {_pts(level.points, lang)}" for level in rule.levels)
    if isinstance(rule, Bands):
        return "; ".join(_bands_words(rule, lang))
    if isinstance(rule, Proportional):
        return "; ".join(_proportional_words(rule, lang))
    if isinstance(rule, RelativeToBest):
        return catalogue_text("wording.relative_to_best", lang)
    if isinstance(rule, CappedCount):
        each = _pts(rule.per_item, lang)
        return catalogue_text("wording.capped_count", lang, per_item=each, maximum=top)
    if isinstance(rule, SurveyScale):
        if rule.measure == "share":
            return catalogue_text("wording.survey_share", lang)
        low, high = _n(rule.scale_min, lang), _n(rule.scale_max, lang)
        return catalogue_text("wording.survey_mean", lang, low=low, high=high)
    # PerItemDeduction's own sentence is already the appendix's ("Mỗi văn bản chậm trừ …").
    return rule.describe(maximum, lang)


def _proportional_words(rule: Proportional, lang: str) -> Iterator[str]:
    if rule.full_at == HUNDRED:
        yield catalogue_text("wording.proportional_rate", lang)
    else:
        yield catalogue_text("wording.proportional", lang, full=_n(rule.full_at, lang))
    if rule.floor is not None:
        pct = " %" if rule.full_at == HUNDRED else ""
        yield catalogue_text("wording.floor", lang, floor=f"{_n(rule.floor, lang)}{pct}")
    if rule.upper is not None:
        yield catalogue_text("wording.upper", lang, upper=_n(rule.upper, lang))


#: The "không phát sinh" sentence of each policy that allows it.
_NA_WORDS = {
    NotApplicable.FULL_POINTS: "wording.na_full_points",
    NotApplicable.EXCLUDED: "wording.na_excluded",
    NotApplicable.ZERO: "wording.na_zero",
}


def na_in_words(policy: NotApplicable, lang: str = "vi") -> str:
    """The "không phát sinh" sentence of a policy ("" when not applicable is not allowed)."""
    code = _NA_WORDS.get(policy)
    return "" if code is None else catalogue_text(code, lang)


def method_in_words(
    rule: Rule | None, maximum: Decimal, policy: NotApplicable, lang: str = "vi"
) -> str:
    """A leaf's whole method: its rule's words, then its not-applicable sentence."""
    parts = [rule_in_words(rule, maximum, lang)] if rule is not None else []
    na = na_in_words(policy, lang)
    if na:
        parts.append(na)
    return ". ".join(parts)


__all__ = ["Reading", "method_in_words", "na_in_words", "read_method", "rule_in_words"]
