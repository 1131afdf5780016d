"""Survey definitions, answer files and survey points in scoring (SYNTHETIC data only)."""

from __future__ import annotations

import copy
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import Workbook
from survey_support import SYNTHETIC_SURVEY, synthetic_definition

import parindex
from parindex.errors import InputError
from parindex.messages import use_lang
from parindex.survey import (
    SurveyDefinitionError,
    aggregate,
    definition_from_document,
    reference_aggregate,
    synthetic_answers,
)
from parindex.survey.combine import without_leaves
from parindex.survey.installed import get_survey, survey_ids, surveys_for_pack
from parindex.survey.readers import read_answers
from parindex.survey.writers import write_answers_csv
from parindex.synthetic import synthetic_input


def _document() -> dict[str, Any]:
    return tomllib.loads(SYNTHETIC_SURVEY.read_text(encoding="utf-8"))


def _problems(document: dict[str, Any]) -> list[str]:
    with pytest.raises(SurveyDefinitionError) as caught:
        definition_from_document(document, location="phieu.toml")
    with use_lang("vi"):
        return [p.render() for p in caught.value.problems]


# --- definitions ---------------------------------------------------------------


def test_the_shipped_definitions_are_installed_through_the_plugin_hook() -> None:
    assert {"synthetic-commune-survey", "synthetic-commune-satisfaction"} <= set(survey_ids())
    survey = get_survey("synthetic-commune-survey")
    assert survey.synthetic and "MÔ PHỎNG" in survey.title
    assert len(survey.questions) == 40 and len(survey.leaves) == 10
    assert [d.id for d in surveys_for_pack("synthetic-commune")] == [
        "synthetic-commune-satisfaction",
        "synthetic-commune-survey",
    ]


def test_every_problem_of_a_definition_is_reported_naming_its_question_or_leaf() -> None:
    document = _document()
    document["questions"][0]["scale"] = "khong-co"
    document["questions"][1]["groups"] = ["nguoi-la"]
    document["leaves"][0]["questions"] = ["C01", "C99"]
    document["leaves"][3]["at_least"] = "Tuyệt vời"
    document["leaves"][4]["measure"] = "mean"
    document["groups"][0]["weight"] = -1
    problems = _problems(document)
    joined = "\n".join(problems)
    assert "phieu.toml: câu hỏi “C01”: thang đo “khong-co” không có trong [[scales]]" in joined
    assert "câu hỏi “C02”: nhóm đối tượng “nguoi-la” không có trong [[groups]]" in joined
    assert "tiêu chí “8.1.1”: câu hỏi “C99” không có trong [[questions]]" in joined
    assert "tiêu chí “8.2.1”: “Tuyệt vời” không phải phương án của thang đo “hai-long”" in joined
    assert 'tiêu chí “8.2.2”: measure = "mean" không dùng at_least' in joined
    assert "trọng số của nhóm “dai-bieu” là -1" in joined
    assert len(problems) >= 6


def test_structure_errors_are_translated_without_cattrs_paths() -> None:
    document = _document()
    document["questions"][2]["colour"] = "đỏ"
    del document["questions"][3]["scale"]
    document["leaves"][0]["measure"] = "median"
    document["groups"][1]["weight"] = "nhiều"
    document["policy"]["min_answers"] = 2.5
    document["title"] = 7.5
    problems = _problems(document)
    joined = "\n".join(problems)
    assert "câu hỏi “C03”: khóa không dùng được: colour" in joined
    assert "câu hỏi “C04”: thiếu khóa “scale”" in joined
    assert "tiêu chí “8.1.1”: khóa “measure”: “median” không phải một trong: mean, share" in joined
    assert "nhóm đối tượng “cong-chuc”: khóa “weight”: không đọc được “nhiều” là một số" in joined
    assert "khóa “min_answers”: cần một số nguyên, nhưng gặp 2,5" in joined
    assert "khóa “title”: cần một chuỗi chữ" in joined
    for line in problems:
        assert "$." not in line and "Error" not in line and "cattrs" not in line


def test_a_definition_is_checked_against_its_pack() -> None:
    document = _document()
    document["leaves"][0]["code"] = "1.1.1"  # self-assessed
    document["leaves"][1]["code"] = "8.1"  # not a leaf
    document["leaves"][2]["bands"][0]["points"] = 5  # above the maximum 4
    definition = definition_from_document(document)
    with pytest.raises(SurveyDefinitionError) as caught:
        aggregate(definition, synthetic_answers(definition, 2))
    with use_lang("en"):
        joined = "\n".join(p.render() for p in caught.value.problems)
    assert "leaf “1.1.1”: this criterion's points do not come from the survey" in joined
    assert "leaf “8.1”: this criterion has sub-criteria" in joined
    assert "leaf “8.1.3”: 5 points exceed the leaf's maximum 4" in joined


def test_a_missing_or_broken_definition_file_is_a_user_error(tmp_path: Path) -> None:
    from parindex.survey import read_definition

    with pytest.raises(parindex.ParIndexError) as caught:
        read_definition(tmp_path / "khong-co.toml")
    assert caught.value.code == "survey.definition_missing"
    broken = tmp_path / "hong.toml"
    broken.write_text("id = [", encoding="utf-8")
    with pytest.raises(parindex.ParIndexError) as caught:
        read_definition(broken)
    assert caught.value.code == "survey.definition_not_toml"


# --- answer files ---------------------------------------------------------------


def _wide_rows() -> list[list[object]]:
    definition = synthetic_definition()
    header = ["Mã phiếu", "Mã đơn vị", "Nhóm", *(q.code for q in definition.questions)]
    rows: list[list[object]] = [header]
    for number, (unit, group) in enumerate(
        [("X01", "nguoi-dan"), ("X01", "Cán bộ, công chức xã"), ("X02", "doanh-nghiep")], start=1
    ):
        answers: list[object] = []
        for question in definition.questions:
            asked = not question.groups or group in question.groups or group.startswith("Cán")
            if not asked or (question.groups and group.startswith("Cán")):
                answers.append("")
            elif question.scale == "muc-do":
                answers.append("Tốt")
            elif question.scale == "hai-long":
                answers.append("hài lòng")
            elif question.scale == "co-khong":
                answers.append("Có")
            else:
                answers.append("Trực tuyến")
        rows.append([f"P{number}", unit, group, *answers])
    return rows


def _write_csv(path: Path, rows: list[list[object]], delimiter: str = ",") -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def test_wide_csv_with_codes_texts_and_semicolons_reads_the_same(tmp_path: Path) -> None:
    definition = synthetic_definition()
    rows = _wide_rows()
    by_code = read_answers(definition, _write_csv(tmp_path / "a.csv", rows))
    texts = [[*rows[0][:3], *(q.text for q in definition.questions)], *rows[1:]]
    by_text = read_answers(definition, _write_csv(tmp_path / "b.csv", texts, ";"))
    assert np.array_equal(by_code.codes, by_text.codes)
    assert by_code.units == ("X01", "X02")
    assert by_code.group_of.tolist() == [2, 1, 3]
    c01 = definition.questions.index(definition.question("C01"))
    assert by_code.codes[c01].tolist() == [1, 1, 1]  # "Tốt" is the second option


def test_wide_xlsx_and_long_csv_read_the_same_answers(tmp_path: Path) -> None:
    definition = synthetic_definition()
    rows = _wide_rows()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(tmp_path / "a.xlsx")
    wide = read_answers(definition, _write_csv(tmp_path / "a.csv", rows))
    from_xlsx = read_answers(definition, tmp_path / "a.xlsx")
    long_rows: list[list[object]] = [["mã phiếu", "mã đơn vị", "nhóm", "câu hỏi", "trả lời"]]
    for row in rows[1:]:
        for code, answer in zip(rows[0][3:], row[3:], strict=True):
            if answer != "":
                long_rows.append([row[0], row[1], row[2], code, answer])
    long = read_answers(definition, _write_csv(tmp_path / "long.csv", long_rows))
    assert np.array_equal(wide.codes, from_xlsx.codes)
    assert np.array_equal(wide.codes, long.codes)


def test_every_answer_file_problem_is_located(tmp_path: Path) -> None:
    definition = synthetic_definition()
    rows = _wide_rows()
    rows[1][3] = "Tuyệt"  # outside the scale (D2)
    rows[2][0] = "P1"  # respondent twice
    rows[3][2] = "sinh viên"  # unknown group
    rows.append(["P9", "X03", "nguoi-dan", *([""] * 40)])  # no valid answer
    rows.append(["P10", "x01", "dai-bieu", "Tốt", *([""] * 39)])  # unit slip
    c13 = 3 + definition.questions.index(definition.question("C13"))
    rows.append(["P11", "X01", "dai-bieu", "Tốt", *([""] * 39)])
    rows[-1][c13] = "Hài lòng"  # not asked of đại biểu
    path = _write_csv(tmp_path / "loi.csv", rows)
    with pytest.raises(InputError) as caught:
        read_answers(definition, path, units=["X01", "X02", "X03"])
    codes = [p.message.code for p in caught.value.problems]  # type: ignore[union-attr]
    assert codes.count("survey.bad_answer") == 1
    assert "survey.respondent_twice" in codes
    assert "survey.unknown_group" in codes
    assert "survey.no_valid_answer" in codes
    assert "survey.unknown_unit" in codes
    assert "survey.answer_not_asked" in codes
    with use_lang("vi"):
        text = "\n".join(p.render() for p in caught.value.problems)
    assert (
        "loi.csv, ô D2; đơn vị “X01”: phiếu “P1”, câu “C01”: “Tuyệt” không phải phương án "
        "của thang đo (cần: một phương án (“Rất tốt”, “Tốt”, “Khá”, “Trung bình”, “Kém”), "
        "hoặc “Không biết”, “Không trả lời”, hoặc để trống)"
    ) in text
    assert "loi.csv, ô A3; đơn vị “X01”: mã phiếu “P1” đã có (loi.csv, ô A2)" in text
    assert "có phải “X01”?" in text
    assert "phiếu “P11” trả lời câu “C13”, nhưng câu này không hỏi nhóm “Đại biểu" in text


def test_unknown_and_missing_columns_are_refused(tmp_path: Path) -> None:
    definition = synthetic_definition()
    rows = _wide_rows()
    rows[0][5] = "Câu hỏi lạ"
    path = _write_csv(
        tmp_path / "cot.csv", [row[:5] + row[6:] if i else row for i, row in enumerate(rows)]
    )
    with pytest.raises(InputError) as caught:
        read_answers(definition, path)
    codes = {p.message.code for p in caught.value.problems}  # type: ignore[union-attr]
    assert "survey.unknown_column" in codes
    # The ignored column of an online form's export is skipped, not refused.
    rows = _wide_rows()
    for row in rows:
        row.insert(0, "Dấu thời gian" if row is rows[0] else "2024-05-01 08:00")
    read_answers(definition, _write_csv(tmp_path / "form.csv", rows))


def test_a_question_column_missing_for_groups_asked_it_is_refused(tmp_path: Path) -> None:
    definition = synthetic_definition()
    rows = [row[:3] + row[4:] for row in _wide_rows()]  # drop C01, asked of everyone
    with pytest.raises(InputError) as caught:
        read_answers(definition, _write_csv(tmp_path / "thieu.csv", rows))
    assert [p.message.code for p in caught.value.problems] == ["survey.question_column_missing"]  # type: ignore[union-attr]


def test_written_answers_read_back_identically(tmp_path: Path) -> None:
    definition = synthetic_definition()
    answers = synthetic_answers(definition, 12)
    for by_text in (False, True):
        path = write_answers_csv(
            definition, answers, tmp_path / f"tl-{by_text}.csv", by_text=by_text
        )
        again = read_answers(definition, path)
        assert np.array_equal(again.codes, answers.codes)
        assert np.array_equal(again.unit_of, answers.unit_of)
        assert np.array_equal(again.group_of, answers.group_of)


# --- aggregation ----------------------------------------------------------------


def test_aggregation_by_hand_for_a_small_sample() -> None:
    """Two groups, weights 0.2 / 0.8 (8.2.1 is asked of người dân and doanh nghiệp)."""
    definition = synthetic_definition()
    document = _document()
    for leaf in document["leaves"]:
        leaf["min_answers"] = 1
        leaf["min_group_answers"] = 1
    definition = definition_from_document(document)
    q = {
        c: definition.questions.index(definition.question(c))
        for c in ("C01", "C13", "C14", "C15", "C16")
    }
    codes = np.full((40, 3), -1, dtype=np.int8)
    # Respondent 1, người dân: C01 Rất tốt (5);
    # C13..C16 Hài lòng, Bình thường, Rất hài lòng, Không biết
    codes[q["C01"], 0] = 0
    codes[[q["C13"], q["C14"], q["C15"], q["C16"]], 0] = [1, 2, 0, -2]
    # Respondent 2, người dân: C01 Khá (3); C13..C16 all Rất không hài lòng
    codes[q["C01"], 1] = 2
    codes[[q["C13"], q["C14"], q["C15"], q["C16"]], 1] = 4
    # Respondent 3, doanh nghiệp: C01 Kém (1); C13 Hài lòng
    codes[q["C01"], 2] = 4
    codes[q["C13"], 2] = 1
    from parindex.survey import answers_from_arrays

    answers = answers_from_arrays(
        definition, units=["X"], unit_of=[0, 0, 0], group_of=[2, 2, 3], codes=codes
    )
    points = aggregate(definition, answers)
    # 8.1.1 (C01..C04, mean, weights 0.2/0.3/0.4/0.1; người dân 0.4, doanh nghiệp 0.1 answered):
    # người dân mean (5+3)/2 = 4 → 0.75; doanh nghiệp 1 → 0; (0.4·0.75 + 0.1·0)/0.5 = 0.6; × 4 = 2.4
    assert points.points("X", "8.1.1") == Decimal("2.4000")
    assert points.figure("X", "8.1.1") == Decimal("3.40")
    # 8.2.1 (C13..C16, share of "Hài lòng" or better, weights người dân 0.8, doanh nghiệp 0.2):
    # người dân: 2 positive of 7 valid ("Không biết" excluded); doanh nghiệp 1 of 1
    # (0.8·2/7 + 0.2·1) = 0.428571…; × 3 = 1.2857 (half up at 4 decimals)
    assert points.points("X", "8.2.1") == Decimal("1.2857")
    leaf = points.leaf("8.2.1")
    assert leaf.valid[0].tolist() == [0, 0, 7, 1]
    assert leaf.not_answer[0, 2].tolist() == [1, 0]
    assert reference_aggregate(definition, answers).points[("X", "8.2.1")] == Decimal("1.2857")


def test_policies_below_the_minimum() -> None:
    definition = synthetic_definition()
    answers = synthetic_answers(definition, ["A", "B"], respondents=[30, 3])
    points = aggregate(definition, answers)
    # B has 3 questionnaires (at most 15 answers a leaf): below min_answers = 20 → excluded.
    assert all(points.points("B", code) is None for code in points.leaf_codes)
    assert all(points.points("A", code) is not None for code in points.leaf_codes)
    document = _document()
    document["policy"]["below_minimum"] = "error"
    strict = definition_from_document(document)
    with pytest.raises(InputError) as caught:
        aggregate(strict, answers)
    problem = caught.value.problems[0]
    assert problem.unit == "B" and problem.message.code == "survey.below_minimum"  # type: ignore[union-attr]
    document["policy"]["below_minimum"] = "group_mean"
    pooled = aggregate(definition_from_document(document), answers)
    assert pooled.points("B", "8.1.1") is not None


def test_units_without_questionnaires_follow_the_policy() -> None:
    definition = synthetic_definition()
    answers = synthetic_answers(definition, ["A"])
    points = aggregate(definition, answers, units=["A", "Z"])
    assert points.units == ("A", "Z")
    assert points.points("Z", "8.1.1") is None
    with pytest.raises(InputError):
        aggregate(definition, answers, units=["Z"])


# --- into scoring ---------------------------------------------------------------


@pytest.mark.parametrize("engine", ["numpy", "kernel"])
def test_score_combines_survey_points_with_self_assessment(
    commune: parindex.CompiledPack, engine: str
) -> None:
    if engine == "kernel":
        pytest.importorskip("numba", reason="the kernel engine needs numba (parindex[fast])")
    definition = synthetic_definition()
    data = synthetic_input(commune, 60)
    units = list(data.unit_ids)
    answers = synthetic_answers(
        definition, units, respondents=np.where(np.arange(60) % 10 == 0, 4, 30)
    )
    survey = aggregate(definition, answers, units=units)
    data = without_leaves(data, commune, survey.leaf_codes)
    results = parindex.score(commune, data, survey=survey, engine=engine)
    assert results.survey is not None
    for unit in units:
        expected = sum(
            (survey.points(unit, c) or Decimal(0) for c in survey.leaf_codes), Decimal(0)
        )
        assert results.points(unit, "8") == expected
    # Leaves below the minimum are excluded from the unit's maximum.
    for unit in units:
        kept = [
            leaf.plan.maximum
            for leaf in survey.leaves
            if survey.points(unit, leaf.code) is not None
        ]
        assert results.maximum(unit, "8") == sum(kept, Decimal(0))
    assert results.maximum(units[0], "8") < Decimal(36) == results.maximum(units[1], "8")
    assert "điều tra xã hội học" in results.pack.node("8.1.1").rule.describe(Decimal(4))  # type: ignore[union-attr]


def test_survey_points_never_silently_overwrite_entries(commune: parindex.CompiledPack) -> None:
    definition = synthetic_definition()
    data = synthetic_input(commune, 5)
    survey = aggregate(
        definition, synthetic_answers(definition, list(data.unit_ids)), units=data.unit_ids
    )
    with pytest.raises(InputError) as caught:
        parindex.score(commune, data, survey=survey)
    assert {p.message.code for p in caught.value.problems} == {"survey.leaf_entered_and_surveyed"}  # type: ignore[union-attr]
    blank = without_leaves(data, commune, survey.leaf_codes)
    other = aggregate(definition, synthetic_answers(definition, ["Khác"]))
    with pytest.raises(InputError) as caught:
        parindex.score(commune, blank, survey=other)
    codes = {p.message.code for p in caught.value.problems}  # type: ignore[union-attr]
    assert codes == {"survey.unit_not_aggregated", "survey.unit_not_scored"}


def test_a_copy_of_the_definition_is_not_mutated_by_reading() -> None:
    document = _document()
    before = copy.deepcopy(document)
    definition_from_document(document)
    assert document == before
