"""Scoring-method wording read into rules, and rules printed in words read back unchanged.

The real wordings are the Cà Mau rows (QĐ 1880/QĐ-UBND 2013, packs/sources) and
the forms quoted in the domain brief; the variants are written here.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.messages import render
from parindex.model import NotApplicable
from parindex.rules import (
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
)
from parindex.wording import method_in_words, read_method, rule_in_words

D = Decimal
SOURCES = Path(__file__).parents[1] / "packs" / "sources"
CAMAU_BANDS = Bands((Band(D(90), D(2), inclusive=False), Band(D(70), D(1))), otherwise=D(0))


def _camau_methods() -> list[tuple[str, str, Decimal]]:
    table = json.loads((SOURCES / "camau-1880-2013-partial.json").read_text(encoding="utf-8"))
    rows = []
    for criterion in table["fields"][0]["criteria"]:
        for sub in criterion["sub_criteria"] if isinstance(criterion["sub_criteria"], list) else []:
            rows.append((sub["code"], sub["method"], D(str(sub["max"]))))
    return rows


CAMAU_EXPECTED: dict[str, Rule] = {
    "1.1.1": Levels((Level("Ban hành kịp thời", D(1)), Level("Ban hành không kịp thời", D("0.5")), Level("Không ban hành", D(0)))),
    "1.1.2": Levels((
        Level("Xác định đầy đủ nhiệm vụ và có bố trí kinh phí", D(1)),
        Level("Không xác định đầy đủ nhiệm vụ hoặc không bố trí kinh phí", D(0)),
    )),
    "1.1.3": Achieved(),
    "1.1.4": CAMAU_BANDS,
    "1.2.1": Levels((
        Level("Đủ số lượng và đúng thời gian quy định", D(1)),
        Level("Không đủ số lượng báo cáo hoặc không đúng thời gian quy định", D(0)),
    )),
    "1.2.2": Achieved(),
}  # fmt: skip


@pytest.mark.parametrize(("code", "method", "maximum"), _camau_methods())
def test_every_camau_wording_is_read(code: str, method: str, maximum: Decimal) -> None:
    reading = read_method(method, maximum)
    assert reading.understood and reading.rule == CAMAU_EXPECTED[code]
    assert read_method(rule_in_words(reading.rule, maximum), maximum).rule == reading.rule


def test_exactly_90_percent_is_in_the_70_to_90_band() -> None:
    (method,) = [m for code, m, _ in _camau_methods() if code == "1.1.4"]
    rule = read_method(method, D(2)).rule
    assert rule is not None
    assert rule.reference_points(D(90), D(2), None) == D(1)
    assert rule.reference_points(D("90.000001"), D(2), None) == D(2)
    assert rule.reference_points(D(70), D(2), None) == D(1)
    assert rule.reference_points(D("69.999999"), D(2), None) == D(0)


RATE_BANDS = Bands((Band(D(90), D(2)), Band(D(70), D(1))), otherwise=D(0))
LOW_5 = Bands((Band(D(5), D(0)),), otherwise=D(1))
LATE = Bands((Band(D(5), D(0)), Band(D(2), D("0.5"))), otherwise=D(1))
CORPUS: list[tuple[str, Decimal, Rule | None, NotApplicable | None]] = [
    # The forms of the issue and the domain brief.
    ("Ban hành đúng thời hạn: 0,5 điểm; ban hành chậm: 0,25 điểm; không ban hành: 0 điểm", D("0.5"),
     Levels((Level("Ban hành đúng thời hạn", D("0.5")), Level("ban hành chậm", D("0.25")), Level("không ban hành", D(0)))), None),
    ("Từ 90 % trở lên: 2 điểm; từ 70 % đến dưới 90 %: 1 điểm; dưới 70 %: 0 điểm", D(2), RATE_BANDS, None),
    ("Đạt: 1 điểm; không đạt: 0 điểm", D(1), Achieved(), None),
    ("Tỷ lệ % × điểm tối đa", D(2), Proportional(), None),
    ("Mỗi văn bản chậm trừ 0,25 điểm, trừ tối đa 1 điểm", D(1), PerItemDeduction(D("0.25"), D(1), "văn bản chậm"), None),
    ("Không phát sinh: tính điểm tối đa", D(1), None, NotApplicable.FULL_POINTS),
    ("> 90 % kế hoạch: 2; 70–90 %: 1; < 70 %: 0", D(2), CAMAU_BANDS, None),
    ("đạt yêu cầu 1; không đạt 0".replace(" 1", ": 1").replace(" 0", ": 0"), D(1), Achieved(), None),
    ("mỗi ứng dụng 1 điểm, tổng không quá 5 điểm", D(5), CappedCount(D(1)), None),
    ("trong năm không có phản ánh, kiến nghị được tính 02 điểm", D(2), None, NotApplicable.FULL_POINTS),
    ("Tỷ lệ chuẩn hóa = giá trị của đơn vị / giá trị lớn nhất trong các đơn vị; "
     "điểm = tỷ lệ chuẩn hóa × điểm tối đa", D(3), RelativeToBest(), None),
    # Variants: no diacritics, decimal points, "trở xuống", other words, not applicable.
    ("Tu 90 % tro len: 2 diem; tu 70 % den duoi 90 %: 1 diem; duoi 70 %: 0 diem", D(2), RATE_BANDS, None),
    ("Ban hanh dung thoi han: 0.5 diem; ban hanh cham: 0.25 diem; khong ban hanh: 0 diem", D("0.5"),
     Levels((Level("Ban hanh dung thoi han", D("0.5")), Level("ban hanh cham", D("0.25")), Level("khong ban hanh", D(0)))), None),
    ("Trên 90%: 2 điểm; trên 70% đến 90%: 1 điểm; từ 70% trở xuống: 0 điểm", D(2),
     Bands((Band(D(90), D(2), False), Band(D(70), D(1), False)), otherwise=D(0)), None),
    ("- Đạt 100%: 1 điểm\n- Từ 80% đến dưới 100%: 0,5 điểm\n- Dưới 80%: 0 điểm", D(1),
     Bands((Band(D(100), D(1)), Band(D(80), D("0.5"))), otherwise=D(0)), None),
    ("Có từ 5 sáng kiến trở lên: 1 điểm; dưới 5 sáng kiến: 0 điểm", D(1),
     Bands((Band(D(5), D(1)),), otherwise=D(0), upper=None), None),
    ("Điểm = Tỷ lệ (%) x 2", D(2), Proportional(), None),
    ("Ban hành kịp thời: 1 điểm. Không phát sinh: 0 điểm", D(1), None, None),  # one level only: see below
    ("Đạt: 1 điểm; Không đạt: 0 điểm. Không phát sinh văn bản: được tính điểm tối đa", D(1), Achieved(), NotApplicable.FULL_POINTS),
    ("Đạt: 1 điểm; Không đạt: 0 điểm; Không phát sinh: không tính điểm", D(1), Achieved(), NotApplicable.EXCLUDED),
    ("Mỗi cuộc kiểm tra được 0,5 điểm, tối đa 2 điểm", D(2), CappedCount(D("0.5")), None),
    ("Mỗi văn bản trái quy định bị trừ 0,5 điểm", D(1), PerItemDeduction(D("0.5"), None, "văn bản trái quy định"), None),
    # Pass/fail in any order and wording an official uses: achieved (entries x, 1/0, có/không).
    ("Không đạt: 0 điểm; Đạt: 1 điểm", D(1), Achieved(), None),
    ("Đạt: 0,5 điểm; chưa đạt: 0 điểm", D("0.5"), Achieved(), None),
    ("- Đạt yêu cầu: 1 điểm.\n- Chưa đạt yêu cầu: 0 điểm.", D(1), Achieved(), None),
    ("Có: 1 điểm; Không có: 0 điểm", D(1), Achieved(), None),
    ("Dat: 1 diem; khong dat: 0 diem", D(1), Achieved(), None),
    # Not exactly pass/fail: named levels (their labels are what units enter).
    ("Đạt: 1 điểm; không đạt: 0,5 điểm", D(1), Levels((Level("Đạt", D(1)), Level("không đạt", D("0.5")))), None),
    ("Đạt: 1 điểm; không đạt: 0 điểm", D(2), Levels((Level("Đạt", D(1)), Level("không đạt", D(0)))), None),
    ("Hoàn thành: 1 điểm; không hoàn thành: 0 điểm", D(1),
     Levels((Level("Hoàn thành", D(1)), Level("không hoàn thành", D(0)))), None),
    # Lower values earn more (error and late rates), in either order, with or without diacritics.
    ("Dưới 5 %: 1 điểm; từ 5 % trở lên: 0 điểm", D(1), LOW_5, None),
    ("Từ 5% trở lên: 0 điểm; dưới 5%: 1 điểm", D(1), LOW_5, None),
    ("Tỷ lệ hồ sơ trễ hạn dưới 2 %: 1 điểm; từ 2 % đến dưới 5 %: 0,5 điểm; từ 5 % trở lên: 0 điểm", D(1), LATE, None),
    ("Ty le ho so tre han duoi 2%: 1 diem; tu 2% den duoi 5%: 0.5 diem; tu 5% tro len: 0 diem", D(1), LATE, None),
    ("Tỷ lệ sai sót từ 2 % trở xuống: 1 điểm; trên 2 % đến 5 %: 0,5 điểm; trên 5 %: 0 điểm", D(1),
     Bands((Band(D(5), D(0), False), Band(D(2), D("0.5"), False)), otherwise=D(1)), None),
    ("Bằng 0 %: 1 điểm; trên 0 % đến dưới 5 %: 0,5 điểm; từ 5 % trở lên: 0 điểm", D(1),
     Bands((Band(D(5), D(0)), Band(D(0), D("0.5"), False)), otherwise=D(1)), None),
    # The best band between two others.
    ("Dưới 40 %: 0 điểm; từ 40 % đến 60 %: 2 điểm; trên 60 %: 1 điểm", D(2),
     Bands((Band(D(60), D(1), False), Band(D(40), D(2))), otherwise=D(0)), None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "maximum", "rule", "policy"), CORPUS)
def test_corpus(text: str, maximum: Decimal, rule: Rule | None, policy: NotApplicable | None) -> None:
    reading = read_method(text, maximum)
    if rule is None and policy is None:
        assert not reading.understood and reading.problem is not None
        return
    assert reading.problem is None, render(reading.problem, "en")
    assert (reading.rule, reading.not_applicable) == (rule, policy)


UNREADABLE = [
    # "(0 %)" in a label is not a threshold: no silent guess.
    ("Không có hồ sơ trễ hạn (0 %): 1 điểm; trên 0 % đến dưới 5 %: 0,5 điểm; từ 5 % trở lên: 0 điểm",
     "neither levels nor bands"),
    # Bands that leave 90 % itself out.
    ("Trên 90%: 2 điểm; từ 70% đến dưới 90%: 1 điểm; dưới 70%: 0 điểm", "does not meet"),
    # What a value below 70 % earns is not said.
    ("Từ 90% trở lên: 2 điểm; từ 70% đến dưới 90%: 1 điểm", "below 70"),
    # An explanatory sentence is not a rule.
    ("Ban hành trước ngày 15/12: 1 điểm; sau ngày 15/12: 0 điểm. Hồ sơ gửi Sở Nội vụ.", "Hồ sơ gửi Sở Nội vụ"),
    ("bị 0 điểm và bị trừ 0,25 điểm", "cannot read"),
    ("Tỷ lệ % × 3", "other than the criterion's maximum 2"),
    ("Không phát sinh: được tính 1 điểm", "neither 0 nor the maximum"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "why"), UNREADABLE)
def test_what_cannot_be_read_says_why(text: str, why: str) -> None:
    reading = read_method(text, D(2))
    assert not reading.understood and reading.rule is None
    assert reading.problem is not None and why in render(reading.problem, "en")


# -- a rule printed in words and read back is the same rule --------------------------------
amounts = st.integers(0, 400).map(lambda n: D(n).scaleb(-2))
WORDS = ("Ban hành", "kịp thời", "chậm", "đầy đủ", "chưa đầy đủ", "có báo cáo", "tổ chức tốt", "thực hiện một phần", "không thực hiện")


@st.composite
def levels(draw: st.DrawFn, maximum: Decimal) -> Levels:
    labels = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=4, unique=True))
    points = sorted((draw(amounts.filter(lambda a: a <= maximum)) for _ in labels[1:]), reverse=True)
    return Levels(tuple(Level(label, p) for label, p in zip(labels, [maximum, *points], strict=True)))


@st.composite
def bands(draw: st.DrawFn, maximum: Decimal) -> Bands:
    thresholds = sorted(draw(st.sets(st.integers(1, 99), min_size=1, max_size=4)), reverse=True)
    # One point figure per band and one for "otherwise", the maximum among them, in any
    # order: higher values earn more, lower values do (error rates), or the best lies between.
    points = [maximum, *(draw(amounts.filter(lambda a: a <= maximum)) for _ in thresholds)]
    order = draw(st.sampled_from(["higher", "lower", "any"]))
    points = draw(st.permutations(points)) if order == "any" else sorted(points, reverse=order == "higher")
    rate = draw(st.booleans())
    return Bands(
        tuple(Band(D(t), p, draw(st.booleans())) for t, p in zip(thresholds, points, strict=False)),
        otherwise=points[-1],
        upper=D(100) if rate else draw(st.sampled_from([None, D(1000)])),
        lower=D(0) if rate else draw(st.sampled_from([D(0), D(1)])),
    )


@st.composite
def rules(draw: st.DrawFn) -> tuple[Rule, Decimal, NotApplicable]:
    maximum = draw(st.integers(1, 400).map(lambda n: D(n).scaleb(-2)))
    rule = draw(
        st.one_of(
            st.just(Direct()),
            st.just(Achieved()),
            levels(maximum),
            bands(maximum),
            st.builds(Proportional, full_at=st.sampled_from([D(100), D(80), D("12.5")]),
                      floor=st.one_of(st.none(), st.integers(0, 12).map(D)),
                      upper=st.one_of(st.none(), st.just(D(200)))),
            st.just(RelativeToBest()),
            amounts.filter(lambda a: 0 < a <= maximum).map(CappedCount),
            st.builds(PerItemDeduction, per_item=amounts.filter(lambda a: a > 0),
                      cap=st.one_of(st.none(), amounts.filter(lambda a: a > 0)),
                      item=st.sampled_from(["", "văn bản chậm", "hồ sơ trễ hạn", "ứng dụng"])),
            st.just(SurveyScale(measure="share")),
            st.builds(SurveyScale, scale_min=st.integers(0, 2).map(D), scale_max=st.integers(3, 10).map(D)),
        )
    )  # fmt: skip
    return rule, maximum, draw(st.sampled_from(tuple(NotApplicable)))


@settings(max_examples=300, deadline=None)
@given(rules())
def test_a_rule_printed_in_words_reads_back_as_the_same_rule(case: tuple[Rule, Decimal, NotApplicable]) -> None:
    rule, maximum, policy = case
    words = method_in_words(rule, maximum, policy)
    reading = read_method(words, maximum)
    assert reading.problem is None, (words, render(reading.problem, "en"))
    expected_policy = None if policy is NotApplicable.NOT_ALLOWED else policy
    assert (reading.rule, reading.not_applicable) == (rule, expected_policy), words
