"""Problems that follow from another are not listed again; a pattern is said once.

- Survey leaves without points (a pack with survey leaves scored without
  ``--survey``): one problem saying where survey points come from, not one line
  per unit and leaf.
- A file refused as a whole (too large, damaged) already explains why no unit
  was found: "no units found" is not added after it.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from io_support import entry
from parindex.cli import main
from parindex.compiled import CompiledPack
from parindex.errors import InputError
from parindex.io import read_input
from parindex.model import PointsSource
from parindex.synthetic import synthetic_input
from workbook_support import xlsx

PANIC_XLS = Path(__file__).parent / "data" / "calamine-panic.xls"


def _long_csv(compiled: CompiledPack, path: Path, units: int, *, without: set[str]) -> Path:
    """A long CSV of ``units`` SYNTHETIC units with every leaf but those in ``without``."""
    data = synthetic_input(compiled, units)
    stage = data.stages["self"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit", "name", "code", "value"])
        for row, unit in enumerate(data.units):
            for leaf, code in enumerate(compiled.leaf_codes):
                if code in without:
                    continue
                value = stage.values[row, leaf]
                shown = "không phát sinh" if stage.not_applicable[row, leaf] else entry(compiled, leaf, value)
                assert not (isinstance(shown, float) and math.isnan(shown))  # every value written
                writer.writerow([unit.id, unit.name, code, shown])
    return path


def _survey_leaves(compiled: CompiledPack) -> list[str]:
    return [c for c, s in zip(compiled.leaf_codes, compiled.leaf_source, strict=True) if s is PointsSource.SURVEY]


def test_survey_leaves_without_points_are_one_problem_that_says_where_they_come_from(
    commune: CompiledPack, tmp_path: Path
) -> None:
    survey = _survey_leaves(commune)
    assert len(survey) == 10
    path = _long_csv(commune, tmp_path / "tu-cham.csv", 3, without=set(survey))
    with pytest.raises(InputError) as refused:
        read_input(commune, path)
    problems = refused.value.problems
    assert [p.message.code for p in problems] == ["input.survey_points_missing"]
    rendered = problems[0].render("vi")
    assert rendered.startswith("tu-cham.csv: chưa có điểm điều tra xã hội học của tiêu chí 8.1.1, 8.1.2")
    assert "8.3.3" in rendered and "(số đơn vị thiếu: 3)" in rendered
    assert "--survey ANSWERS" in rendered and "nhập như điểm" in rendered
    # Given as coming from elsewhere (score --survey), they are not asked for.
    assert len(read_input(commune, path, elsewhere=survey).units) == 3


def test_other_missing_leaves_are_still_named_one_by_one(commune: CompiledPack, tmp_path: Path) -> None:
    survey = _survey_leaves(commune)
    path = _long_csv(commune, tmp_path / "tu-cham.csv", 1, without={*survey, "1.1.1"})
    with pytest.raises(InputError) as refused:
        read_input(commune, path)
    codes = sorted(p.message.code for p in refused.value.problems)
    assert codes == ["input.criterion_missing", "input.survey_points_missing"]
    unit = synthetic_input(commune, 1).units[0].id
    missing = next(p for p in refused.value.problems if p.message.code == "input.criterion_missing")
    assert (missing.unit, missing.code) == (unit, "1.1.1")
    survey_problem = next(p for p in refused.value.problems if p.message.code != "input.criterion_missing")
    assert survey_problem.unit == unit  # one unit: named


def test_the_command_line_says_it_once(commune: CompiledPack, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _long_csv(commune, tmp_path / "tu-cham.csv", 2, without=set(_survey_leaves(commune)))
    assert main(["score", "synthetic-commune", str(path), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n  - ") == 1, err
    assert "no survey points for criteria 8.1.1" in err and "--survey ANSWERS" in err


@pytest.mark.parametrize("refused_file", ["far.xlsx", "damaged.xls"])
def test_a_refused_file_is_not_followed_by_no_units_found(
    refused_file: str, commune: CompiledPack, tmp_path: Path
) -> None:
    if refused_file == "far.xlsx":
        path = xlsx(
            tmp_path / refused_file,
            '<row r="1"><c r="A1"><v>1</v></c></row><row r="1000000"><c r="XFD1000000"><v>1</v></c></row>',
        )
        expected = "limit.exceeded"
    else:
        path = tmp_path / refused_file
        path.write_bytes(PANIC_XLS.read_bytes())
        expected = "workbook.cannot_open"
    with pytest.raises(InputError) as refused:
        read_input(commune, path)
    assert [p.message.code for p in refused.value.problems] == [expected]


def test_no_units_is_said_when_nothing_else_explains_it(commune: CompiledPack, tmp_path: Path) -> None:
    path = tmp_path / "trong.csv"
    path.write_text("unit,code,value\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read_input(commune, path)
    assert [p.message.code for p in refused.value.problems] == ["input.no_units"]
