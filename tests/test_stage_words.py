"""Stages are shown to people in words, in their language, never as ids (``final``, ``self``).

Ids stay where a person types them back: the history listing gives the id
beside the words (``tự đánh giá [self]``), since ``yoy --stage`` takes it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parindex.cli import main

UNITS = str(Path(__file__).parents[1] / "docs" / "examples" / "don-vi")
IDS = re.compile(r"(?<![\w\[-])(final|self|appraisal_1)(?![\w\]-])")


def _out(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_explain_names_its_view_and_comparison_in_words(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    lines = _out(capsys, "explain", "synthetic-commune", UNITS, "--unit", "XA-01", "--lang", lang).splitlines()
    heading, header = lines[1], lines[3]
    words = {
        "vi": "Kết quả thẩm định (vòng 1), bổ sung bằng tự đánh giá (chênh lệch so với tự đánh giá)",
        "en": "Results of the appraisal (round 1), completed from the self-assessment "
        "(difference from the self-assessment)",
    }
    assert heading == f"synthetic-commune · {words[lang]}"
    values = "\n".join(lines[5:])
    assert ("[thẩm định (vòng 1)]" if lang == "vi" else "[appraisal (round 1)]") in values
    assert not IDS.search(heading + header + values)


def test_explain_against_another_stage_heads_its_column_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("explain", "synthetic-commune", UNITS, "--unit", "XA-01", "--stage", "self", "--compare", "appraisal_1")
    lines = _out(capsys, *args).splitlines()
    assert lines[1] == "synthetic-commune · Kết quả tự đánh giá (chênh lệch so với thẩm định (vòng 1))"
    assert "Thẩm định (vòng 1)" in lines[3] and not IDS.search(lines[1] + lines[3])


@pytest.mark.parametrize(
    ("command", "heading"),
    [
        (["lost-points", "synthetic-commune", UNITS], "synthetic-commune · kết quả cuối cùng · Nhóm: *"),
        (["discrepancy", "synthetic-commune", UNITS], "synthetic-commune: tự đánh giá − kết quả cuối cùng"),
        (
            ["discrepancy", "synthetic-commune", UNITS, "--against", "appraisal_1"],
            "synthetic-commune: tự đánh giá − thẩm định (vòng 1)",
        ),
        (["sensitivity", "synthetic-commune", UNITS, "--samples", "10"], "synthetic-commune · kết quả cuối cùng · 10"),
        (["what-if", "synthetic-commune", UNITS, "--set", "XA-01:1.1.1=đạt"], "Kết quả cuối cùng: XA-01 1.1.1 = đạt"),
    ],
)
def test_analysis_headings_name_the_view_in_words(
    command: list[str], heading: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _out(capsys, *command).splitlines()[0]
    assert first.startswith(heading)
    assert not IDS.search(first)


def test_history_names_stages_in_words_with_the_id_to_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "h.sqlite")
    assert main(["history", "import", "synthetic-commune", UNITS, "--year", "2024", "--store", store]) == 0
    imported = capsys.readouterr().err
    assert "(synthetic-1), kết quả cuối cùng [final], đã chấm [scored]: 3 đơn vị" in imported
    assert "thẩm định (vòng 1) [appraisal_1]" in imported
    listed = _out(capsys, "history", "list", "--store", store, "--lang", "en")
    assert "final results [final]" in listed and "self-assessment [self]" in listed
