"""Multi-select questions ("có thể chọn nhiều"): definition, readers, aggregation (SYNTHETIC)."""

from __future__ import annotations

import csv
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from parindex.errors import InputError
from parindex.messages import use_lang
from parindex.survey import (
    Measure,
    ScaleKind,
    SurveyDefinitionError,
    aggregate,
    definition_from_document,
    read_definition,
)
from parindex.survey.answers import BLANK

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "survey" / "nhieu-lua-chon.toml"
EXAMPLE_ANSWERS = ROOT / "docs" / "examples" / "survey" / "nhieu-lua-chon.csv"


def _document() -> dict[str, Any]:
    return tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


def _problems(document: dict[str, Any]) -> tuple[list[str], list[str]]:
    with pytest.raises(SurveyDefinitionError) as caught:
        definition_from_document(document, location="phieu.toml")
    with use_lang("vi"):
        rendered = [p.render() for p in caught.value.problems]
    return rendered, [p.message.code for p in caught.value.problems]


# --- definition -----------------------------------------------------------------


def test_the_example_definition_has_a_multi_scale_and_its_measures() -> None:
    definition = read_definition(EXAMPLE)
    scale = definition.scale("kenh")
    assert scale.kind is ScaleKind.MULTI and scale.separators == (";",)
    assert [leaf.measure for leaf in definition.leaves] == [
        Measure.SHARE,
        Measure.SHARE,
        Measure.COUNT,
    ]
    assert [leaf.all_of for leaf in definition.leaves] == [False, True, False]


def test_every_problem_of_a_multi_definition_is_named_at_once() -> None:
    document = _document()
    scale = document["scales"][0]
    scale["separators"] = [";", ",", "||"]  # "," is inside "Điện thoại, Zalo"; "||" two marks
    scale["options"][0]["value"] = 1  # multi options have no values
    document["scales"].append(
        {
            "id": "rong",
            "kind": "multi",
            "options": [{"label": f"kênh {i}"} for i in range(64)],
        }
    )
    document["scales"].append(
        {
            "id": "muc-do",
            "kind": "ordinal",
            "separators": [";"],
            "options": [{"label": "Tốt", "value": 2}, {"label": "Kém", "value": 1}],
        }
    )
    document["scales"].append(
        {
            "id": "cach",
            "kind": "multi",
            "separators": [" "],
            "options": [{"label": "A"}, {"label": "B"}],
        }
    )
    document["questions"].append({"code": "M2", "text": "Mức độ?", "scale": "muc-do"})
    document["leaves"][0]["measure"] = "mean"
    document["leaves"][1]["measure"] = "count"  # count with all_of
    document["leaves"][2]["positive"] = ["Bưu chính công ích", "buu-chinh"]  # one option twice
    document["leaves"].append(
        {
            "code": "X1",
            "title": "t",
            "questions": ["K1"],
            "measure": "share",
            "at_least": "Bưu chính công ích",
        }
    )
    document["leaves"].append(
        {"code": "X2", "title": "t", "questions": ["M2"], "measure": "count", "positive": ["Tốt"]}
    )
    document["leaves"].append({"code": "X3", "title": "t", "questions": ["K1"], "measure": "count"})
    document["leaves"].append(
        {
            "code": "X4",
            "title": "t",
            "questions": ["M2"],
            "measure": "share",
            "positive": ["Tốt"],
            "all_of": True,
        }
    )
    rendered, codes = _problems(document)
    joined = "\n".join(rendered)
    for code in (
        "survey.multi_has_values",
        "survey.multi_too_many_options",
        "survey.separator_in_label",
        "survey.separator_not_one_mark",
        "survey.separators_not_multi",
        "survey.mean_of_multi",
        "survey.all_of_needs_multi_share",
        "survey.positive_twice",
        "survey.at_least_on_multi",
        "survey.count_needs_multi",
        "survey.count_needs_positive",
    ):
        assert code in codes, code
    assert codes.count("survey.all_of_needs_multi_share") == 2
    assert "phieu.toml: thang đo “kenh”: dấu phân cách “,” có trong “Điện thoại, Zalo”" in joined
    # A space separator would split the not-answer "Không biết" too.
    assert "thang đo “cach”: dấu phân cách “ ” có trong “Không biết”" in joined
    assert "thang đo “rong”: 64 phương án; thang nhiều lựa chọn có tối đa 63" in joined
    assert "tiêu chí “TT”: không tính điểm trung bình trên thang nhiều lựa chọn “kenh”" in joined


# --- readers ----------------------------------------------------------------------

OPTIONS = [
    "Trực tiếp tại Bộ phận một cửa",
    "Dịch vụ công trực tuyến",
    "Bưu chính công ích",
    "Điện thoại, Zalo",
]
#: The worked example's ticks (bit j: option j), "Không biết" for P4.
EXAMPLE_MASKS = [1, 6, 10, 0, 2, 1]
EXAMPLE_K2 = ["Có", "Có", "Không", "Có", "Có", "Không"]


def _write_csv(path: Path, rows: list[list[object]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def _read(definition: Any, *paths: Path) -> Any:
    from parindex.survey.readers import read_answers

    return read_answers(definition, *paths)


def _located(definition: Any, path: Path) -> tuple[list[str], str]:
    with pytest.raises(InputError) as caught:
        _read(definition, path)
    with use_lang("vi"):
        text = "\n".join(p.render() for p in caught.value.problems)
    return [p.message.code for p in caught.value.problems], text  # type: ignore[union-attr]


def test_a_joined_cell_is_read_as_a_bit_mask_of_ticks() -> None:
    definition = read_definition(EXAMPLE)
    answers = _read(definition, EXAMPLE_ANSWERS)
    assert answers.codes[0].tolist() == [0, 0, 0, -2, 0, 0]
    assert answers.masks[0].dtype == np.uint64
    assert answers.masks[0].tolist() == EXAMPLE_MASKS


def _column_rows() -> list[list[object]]:
    """The worked example as one 0/1 column per option (headers CODE/label or CODE/alias)."""
    header = ["mã phiếu", "mã đơn vị", "nhóm", "K1/Trực tiếp tại Bộ phận một cửa"]
    header += ["K1/truc-tuyen", "K1/Bưu chính công ích", "k1 / điện thoại, zalo", "K1/Không biết"]
    header.append("K2")
    ticks = {"P1": "x1000", "P2": "x0110", "P3": "x0101", "P5": "x0100", "P6": "x1"}
    rows: list[list[object]] = [header]
    for respondent, unit, k2 in zip(
        ["P1", "P2", "P3", "P4", "P5", "P6"], ["X01"] * 4 + ["X02"] * 2, EXAMPLE_K2, strict=True
    ):
        marks = ticks.get(respondent, "x")[1:]
        cells: list[object] = ["1" if m == "1" else "0" for m in marks] + [""] * (4 - len(marks))
        cells += ["x" if respondent == "P4" else "", k2]
        rows.append([respondent, unit, "nguoi-dan", *cells])
    return rows


def test_columns_per_option_and_long_rows_read_as_the_joined_cells(tmp_path: Path) -> None:
    from openpyxl import Workbook

    definition = read_definition(EXAMPLE)
    joined = _read(definition, EXAMPLE_ANSWERS)
    columns = _read(definition, _write_csv(tmp_path / "cot.csv", _column_rows()))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in _column_rows():
        sheet.append([1 if c == "1" else 0 if c == "0" else c for c in row])
    book.save(tmp_path / "cot.xlsx")
    from_xlsx = _read(definition, tmp_path / "cot.xlsx")
    long_rows: list[list[object]] = [["mã phiếu", "mã đơn vị", "nhóm", "câu hỏi", "trả lời"]]
    for respondent, unit, mask, k2 in zip(
        ["P1", "P2", "P3", "P4", "P5", "P6"],
        ["X01"] * 4 + ["X02"] * 2,
        EXAMPLE_MASKS,
        EXAMPLE_K2,
        strict=True,
    ):
        long_rows.append([respondent, unit, "nguoi-dan", "K2", k2])
        ticked = [OPTIONS[j] for j in range(4) if mask >> j & 1] or ["Không biết"]
        if respondent == "P3":  # one joined cell in the long form
            ticked = ["; ".join(ticked)]
        long_rows += [[respondent, unit, "nguoi-dan", "K1", t] for t in ticked]
    long = _read(definition, _write_csv(tmp_path / "dai.csv", long_rows))
    for other in (columns, from_xlsx, long):
        assert other.respondents == joined.respondents
        assert np.array_equal(other.codes, joined.codes)
        assert other.masks[0].tolist() == EXAMPLE_MASKS


def test_every_problem_of_multi_answers_is_located(tmp_path: Path) -> None:
    definition = read_definition(EXAMPLE)
    rows: list[list[object]] = [
        ["mã phiếu", "mã đơn vị", "nhóm", "K1", "K2"],
        ["P1", "X01", "nguoi-dan", "Trực tuyến qua Zalo; Bưu chính công ích", "Có"],  # unknown
        ["P2", "X01", "nguoi-dan", "buu-chinh; Bưu chính công ích", "Có"],  # one option twice
        ["P3", "X01", "nguoi-dan", "Dịch vụ công trực tuyến; Không biết", "Có"],  # with ticks
        ["P4", "X01", "nguoi-dan", "Không biết; Không trả lời", "Có"],  # two not-answers
        ["P5", "X01", "nguoi-dan", "truc-tuyen; ; buu-chinh;", "Có"],  # empty pieces allowed
    ]
    codes, text = _located(definition, _write_csv(tmp_path / "loi.csv", rows))
    assert codes == [
        "survey.bad_answer",
        "survey.bad_answer",
        "survey.bad_answer",
        "survey.bad_answer",
    ]
    assert (
        "loi.csv, ô D2; đơn vị “X01”: phiếu “P1”, câu “K1”: “Trực tuyến qua Zalo” không phải "
        "phương án của thang đo"
    ) in text
    assert (
        "ô D3; đơn vị “X01”: phiếu “P2”, câu “K1”: “Bưu chính công ích” được đánh dấu hai lần"
        in text
    )
    assert (
        "ô D4; đơn vị “X01”: phiếu “P3”, câu “K1”: “Không biết” là câu trả lời không tính, "
        "không ghi cùng phương án nào khác"
    ) in text
    assert (
        "ô D5; đơn vị “X01”: phiếu “P4”, câu “K1”: “Không trả lời” là câu trả lời không tính"
        in text
    )
    assert "các phương án cách nhau bởi “;”" in text


def test_problems_of_option_columns_and_long_rows_are_located(tmp_path: Path) -> None:
    definition = read_definition(EXAMPLE)
    rows = _column_rows()
    rows[1][4] = "có lẽ"  # not a tick (E2)
    rows[2][7] = "x"  # P2 ticks "Không biết" beside options (H3)
    codes, text = _located(definition, _write_csv(tmp_path / "cot.csv", rows))
    assert codes == ["survey.bad_answer", "survey.bad_answer"]
    assert (
        "cot.csv, ô E2; đơn vị “X01”: phiếu “P1”, câu “K1”: “có lẽ” không phải dấu đánh dấu" in text
    )
    assert (
        "cot.csv, ô H3; đơn vị “X01”: phiếu “P2”, câu “K1”: “Không biết” là câu trả lời không tính"
        in text
    )

    both = [[*r, r[3] if i else "K1"] for i, r in enumerate(_column_rows())]
    codes, text = _located(definition, _write_csv(tmp_path / "ca-hai.csv", both))
    assert codes == ["survey.multi_cell_and_columns"]
    assert "ca-hai.csv, ô J1" in text

    long_rows: list[list[object]] = [
        ["mã phiếu", "mã đơn vị", "nhóm", "câu hỏi", "trả lời"],
        ["P1", "X01", "nguoi-dan", "K1", "truc-tuyen"],
        ["P1", "X01", "nguoi-dan", "K1", "Bưu chính công ích"],
        ["P1", "X01", "nguoi-dan", "K1", "Dịch vụ công trực tuyến"],  # twice, across rows
        ["P2", "X01", "nguoi-dan", "K1", "buu-chinh"],
        ["P2", "X01", "nguoi-dan", "K1", "Không biết"],  # ticks + không biết, across rows
        ["P2", "X01", "nguoi-dan", "K2", "Có"],
    ]
    codes, text = _located(definition, _write_csv(tmp_path / "dai.csv", long_rows))
    assert codes == ["survey.bad_answer", "survey.bad_answer"]
    assert (
        "dai.csv, ô E4; đơn vị “X01”: phiếu “P1”, câu “K1”: “Dịch vụ công trực tuyến” "
        "được đánh dấu hai lần" in text
    )
    assert "dai.csv, ô E6; đơn vị “X01”: phiếu “P2”, câu “K1”: “Không biết”" in text


def test_a_single_answer_question_in_the_long_form_is_still_answered_once(tmp_path: Path) -> None:
    from survey_support import synthetic_definition

    definition = synthetic_definition()
    long_rows: list[list[object]] = [
        ["mã phiếu", "mã đơn vị", "nhóm", "câu hỏi", "trả lời"],
        ["P1", "X01", "nguoi-dan", "C01", "Tốt"],
        ["P1", "X01", "nguoi-dan", "C01", "Khá"],
    ]
    codes, _ = _located(definition, _write_csv(tmp_path / "dai.csv", long_rows))
    assert codes == ["survey.answer_twice"]


def test_without_separators_a_cell_holds_one_option(tmp_path: Path) -> None:
    document = _document()
    del document["scales"][0]["separators"]
    definition = definition_from_document(document)
    rows: list[list[object]] = [
        ["mã phiếu", "mã đơn vị", "nhóm", "K1", "K2"],
        ["P1", "X01", "nguoi-dan", "Điện thoại, Zalo", "Có"],
        ["P2", "X01", "nguoi-dan", "truc-tuyen; buu-chinh", "Có"],
    ]
    codes, text = _located(definition, _write_csv(tmp_path / "mot.csv", rows))
    assert codes == ["survey.bad_answer"]
    assert "ô D3" in text and "thang này không khai báo dấu phân cách" in text


# --- aggregation ------------------------------------------------------------------


def test_the_worked_example_by_hand() -> None:
    from parindex.survey import reference_aggregate

    definition = read_definition(EXAMPLE)
    answers = _read(definition, EXAMPLE_ANSWERS)
    survey = aggregate(definition, answers)
    # X01: 3 valid (P4 "Không biết" is not one). TT: P2, P3 ticked online or post: 2/3.
    # CA: only P2 ticked both: 1/3. SK: positive ticks 0, 2, 2 of 3 options: 4/9.
    # X02: TT 1/2; CA 0/2; SK ticks 1, 0: (1/2)/3 = 1/6.
    expected = {
        ("X01", "TT"): ("6.67", "66.67"),
        ("X01", "CA"): ("3.33", "33.33"),
        ("X01", "SK"): ("4.44", "1.33"),
        ("X02", "TT"): ("5.00", "50.00"),
        ("X02", "CA"): ("0.00", "0.00"),
        ("X02", "SK"): ("1.67", "0.50"),
    }
    for (unit, code), (points, figure) in expected.items():
        assert survey.points(unit, code) == Decimal(points), (unit, code)
        assert survey.figure(unit, code) == Decimal(figure), (unit, code)
    tt = survey.leaf("TT")
    assert tt.valid.tolist() == [[3], [2]] and tt.total.tolist() == [[2], [1]]
    assert tt.not_answer.sum(axis=-1).tolist() == [[1], [0]]
    assert survey.leaf("SK").total.tolist() == [[4], [1]]
    # Ticks per option (every option, not only the positive ones), per unit.
    assert tt.ticks is not None and tt.ticks.tolist() == [[1, 2, 1, 1], [1, 1, 0, 0]]
    reference = reference_aggregate(definition, answers)
    assert not reference.errors
    assert reference.points == {
        (u, c): survey.points(u, c) for u in survey.units for c in survey.leaf_codes
    }


def test_arrays_with_masks_are_checked_against_their_codes() -> None:
    from parindex.survey import answers_from_arrays

    definition = read_definition(EXAMPLE)
    common: dict[str, Any] = {
        "units": ["X01"],
        "unit_of": [0, 0, 0],
        "group_of": [0, 0, 0],
        "codes": [[0, BLANK, -2], [0, 0, 0]],
    }
    good = answers_from_arrays(definition, masks={"K1": [5, 0, 0]}, **common)
    assert good.masks[0].tolist() == [5, 0, 0]
    for masks, code in (
        ({"K1": [0, 0, 0]}, "survey.masks_disagree"),  # code 0 with nothing ticked
        ({"K1": [5, 1, 0]}, "survey.masks_disagree"),  # ticks on a blank
        ({"K1": [16, 0, 0]}, "survey.masks_disagree"),  # a fifth option the scale lacks
        ({}, "survey.masks_missing"),
        ({"K1": [5, 0, 0], "K2": [1, 1, 1]}, "survey.masks_not_multi"),
    ):
        with pytest.raises(InputError) as caught:
            answers_from_arrays(definition, masks=masks, **common)
        assert [p.message.code for p in caught.value.problems] == [code]  # type: ignore[union-attr]


def test_the_generated_definitions_cover_every_multi_measure() -> None:
    # The reference-equality, permutation and monotonicity properties of
    # test_survey_properties.py draw from these definitions: they reach multi leaves.
    from hypothesis import Phase, find, settings
    from survey_support import definitions

    def multi(definition: Any, measure: Measure, all_of: bool) -> bool:
        return any(
            definition.scale(definition.question(leaf.questions[0]).scale).kind is ScaleKind.MULTI
            and leaf.measure is measure
            and leaf.all_of is all_of
            for leaf in definition.leaves
        )

    for measure, all_of in ((Measure.SHARE, False), (Measure.SHARE, True), (Measure.COUNT, False)):
        find(
            definitions(),
            lambda d, measure=measure, all_of=all_of: multi(d, measure, all_of),
            settings=settings(max_examples=2000, phases=[Phase.generate]),
        )


def test_intervals_of_multi_leaves() -> None:
    from parindex.survey.uncertainty import Resampler, leaf_intervals, wilson

    definition = read_definition(EXAMPLE)
    answers = _read(definition, EXAMPLE_ANSWERS)
    survey = aggregate(definition, answers)
    intervals = {(i.unit, i.leaf): i for i in leaf_intervals(survey, answers, resamples=200)}
    tt = intervals[("X01", "TT")]
    low, _ = wilson(2, 3)  # a share of respondents is one simple proportion
    assert tt.method == "wilson"
    assert tt.figure_low == Decimal(repr(100 * low)).quantize(Decimal("0.01"))
    sk = intervals[("X01", "SK")]
    assert sk.method == "bootstrap" and sk.figure == Decimal("1.33")
    assert sk.figure_low is not None and sk.figure_high is not None
    assert Decimal(0) <= sk.figure_low <= sk.figure <= sk.figure_high <= Decimal(3)
    # Every respondent resampled carries its leaf value: ticks of the positive options.
    resampler = Resampler(survey, answers, seed=1)
    sk_index = survey.leaf_codes.index("SK")
    per_slot = resampler.contributions[:, :, 2 * sk_index + 1]
    assert sorted(per_slot[0].tolist()) == [0, 0, 2, 2] and sorted(per_slot[1].tolist()) == [
        0,
        0,
        0,
        1,
    ]  # 2 empty slots


# --- synthetic answers and writing them ---------------------------------------------


def test_synthetic_multi_answers_are_written_and_read_back(tmp_path: Path) -> None:
    from parindex.survey import synthetic_answers
    from parindex.survey.writers import write_answers_csv

    definition = read_definition(EXAMPLE)
    answers = synthetic_answers(definition, 6, respondents=25, seed=7)
    mask = answers.masks[0]
    assert ((mask != 0) == (answers.codes[0] == 0)).all()
    assert (mask >> np.uint64(4) == 0).all() and len(set(mask.tolist())) > 4
    assert (answers.codes[0] <= -2).any()  # some "Không biết"
    without = definition_from_document(
        {
            **_document(),
            "scales": [
                {k: v for k, v in _document()["scales"][0].items() if k != "separators"},
                _document()["scales"][1],
            ],
        }
    )
    for shape, used in (("joined", definition), ("columns", without)):
        for by_text in (False, True):
            path = write_answers_csv(
                used, answers, tmp_path / f"{shape}-{by_text}.csv", by_text=by_text
            )
            header = path.read_text(encoding="utf-8-sig").splitlines()[0]
            assert ("K1/Trực tiếp" in header or "nộp hồ sơ? (có thể chọn nhiều)/" in header) == (
                shape == "columns"
            )
            again = _read(used, path)
            assert np.array_equal(again.codes, answers.codes)
            assert again.masks[0].tolist() == mask.tolist()
    assert aggregate(definition, answers).leaf("SK").valid.sum() == int(
        (answers.codes[0] == 0).sum()
    )


def test_the_entry_workbook_gives_a_multi_question_one_column_per_option(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from parindex.survey.template import write_survey_template

    definition = read_definition(EXAMPLE)
    path = write_survey_template(definition, tmp_path / "phieu.xlsx", rows=10)
    book = load_workbook(path)
    sheet = book["Phiếu"]
    header = [c.value for c in sheet[1]]
    assert header[3:] == [
        *(f"K1/{label}" for label in OPTIONS),
        "K1/Không biết",
        "K1/Không trả lời",
        "K2",
    ]
    guide = "\n".join(str(c.value) for c in book["Hướng dẫn"]["A"] if c.value)
    assert "gõ x vào cột của mỗi ô được đánh dấu" in guide
    ticks = {"P1": ["x", "", "", ""], "P2": ["", "x", "x", ""], "P3": ["", "", "", ""]}
    for row, (respondent, cells) in enumerate(ticks.items(), start=2):
        values = [respondent, "X01", "Người dân", *cells, "x" if respondent == "P3" else "", ""]
        for column, value in enumerate([*values, "Có"], start=1):
            sheet.cell(row=row, column=column, value=value or None)
    book.save(tmp_path / "da-nhap.xlsx")
    answers = _read(definition, tmp_path / "da-nhap.xlsx")
    assert answers.masks[0].tolist() == [1, 6, 0]
    assert answers.codes[0].tolist() == [0, 0, -2]


def test_explain_shows_a_multi_leaf_with_its_ticks_per_option() -> None:
    from parindex.survey.explain import render_survey_detail, survey_detail

    definition = read_definition(EXAMPLE)
    survey = aggregate(definition, _read(definition, EXAMPLE_ANSWERS))
    share = render_survey_detail("TT", survey_detail(survey, 0, "TT"), "vi")
    assert "66,67 %" in share[0]
    assert share[-1].strip() == (
        "số phiếu đánh dấu từng phương án (mọi nhóm): Trực tiếp tại Bộ phận một cửa 1; "
        "Dịch vụ công trực tuyến 2; Bưu chính công ích 1; Điện thoại, Zalo 1"
    )
    count = render_survey_detail("SK", survey_detail(survey, 0, "SK"), "en")
    assert "1,33 of 3 counted options" in count[0] or "1.33 of 3 counted options" in count[0]


def test_the_report_section_shows_multi_leaves_and_their_ticks() -> None:
    from parindex.survey.report import SurveyReport, survey_section
    from parindex.survey.uncertainty import leaf_intervals

    definition = read_definition(EXAMPLE)
    answers = _read(definition, EXAMPLE_ANSWERS)
    survey = aggregate(definition, answers)
    report = SurveyReport(survey, leaf_intervals(survey, answers, resamples=50), None)
    html = survey_section(report, "vi", lambda value, places: f"{value:.{places}f}")
    assert "số phương án được đánh dấu" in html  # the count leaf's measure
    assert (
        "TT: số phiếu đánh dấu từng phương án (mọi đơn vị, mọi nhóm): Trực tiếp tại Bộ phận "
        "một cửa 2; Dịch vụ công trực tuyến 3; Bưu chính công ích 1; Điện thoại, Zalo 1"
    ) in html
