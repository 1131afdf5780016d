"""Numeric options are checked as they are read, with a message that says what they take.

``sensitivity --spread -1`` used to end in a bound message about the field
maxima it led to ("giới hạn 16,00000–0,00000"); a negative ``--seed`` was an
internal error (numpy refuses it); ``--top -1`` silently left the last row out.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from parindex.analysis.sensitivity import sensitivity
from parindex.cli import main
from parindex.errors import ParIndexError
from parindex.scoring import score
from parindex.synthetic import synthetic_input

UNITS = str(Path(__file__).parents[1] / "docs" / "examples" / "don-vi")
SENSITIVITY = ["sensitivity", "synthetic-commune", UNITS, "--samples", "5"]


def run(args: list[str]) -> int:
    """The exit code of ``parindex ARGS`` (argparse exits on a usage error)."""
    try:
        return main(args)
    except SystemExit as exited:
        return int(exited.code or 0)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--spread", "-1"], "tham số --spread: cần một số từ 0 đến 1"),
        (["--spread", "1.5"], "tham số --spread: cần một số từ 0 đến 1"),
        (["--spread", "nan"], "tham số --spread: cần một số từ 0 đến 1"),
        (["--spread", "hai mươi"], "tham số --spread: cần một số từ 0 đến 1"),
        (["--samples", "0"], "tham số --samples: cần một số nguyên từ 1 trở lên, nhận được “0”"),
        (["--samples", "-5"], "tham số --samples: cần một số nguyên từ 1 trở lên"),
        (["--seed", "-1"], "tham số --seed: cần một số nguyên từ 0 trở lên, nhận được “-1”"),
        (["--seed", "1.5"], "tham số --seed: cần một số nguyên từ 0 trở lên"),
        (["--top", "-1"], "tham số --top: cần một số nguyên từ 1 trở lên"),
    ],
)
def test_sensitivity_options_are_refused_with_what_they_take(
    args: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run([*SENSITIVITY, *args]) == 2
    out, err = capsys.readouterr()
    assert said in err, err
    assert out == "" and "giới hạn" not in err and "nội bộ" not in err


@pytest.mark.parametrize("spread", ["0", "1", "0,5", "0.25"])
def test_spreads_from_0_to_1_are_taken_with_either_decimal_mark(
    spread: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*SENSITIVITY, "--spread", spread]) == 0
    assert "5 mẫu ngẫu nhiên" in capsys.readouterr().out


@pytest.mark.parametrize(
    "command",
    [
        ["survey", "synthetic", "synthetic-commune-survey", "--units", "2", "-o", "{tmp}/a.csv"],
        ["survey", "intervals", "synthetic-commune-survey", "{tmp}/a.csv", "--resamples", "5"],
        ["report", "synthetic-commune", "--demo", "3", "-o", "{tmp}/r.html", "--survey-seed"],
    ],
    ids=["survey-synthetic", "survey-intervals", "report-survey-seed"],
)
def test_a_negative_seed_is_a_usage_error_everywhere(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [part.format(tmp=tmp_path) for part in command]
    args += ["-1"] if args[-1] == "--survey-seed" else ["--seed", "-1"]
    assert run(args) == 2
    err = capsys.readouterr().err
    assert "cần một số nguyên từ 0 trở lên" in err and "nội bộ" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["lost-points", "discrepancy"])
def test_top_takes_a_whole_number_from_1(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([command, "synthetic-commune", UNITS, "--top", "-1"]) == 2
    assert "tham số --top: cần một số nguyên từ 1 trở lên" in capsys.readouterr().err


@pytest.mark.parametrize("spread", [-1, 1.5, float("nan"), Decimal("Infinity")])
def test_the_library_refuses_a_spread_outside_0_to_1(spread: float | Decimal) -> None:
    import parindex

    compiled = parindex.compile_pack(parindex.get_pack("synthetic-commune"))
    results = score(compiled, synthetic_input(compiled, 5))
    with pytest.raises(ParIndexError) as refused:
        sensitivity(results, spread=spread, samples=3)
    assert refused.value.code == "analysis.bad_spread"
    assert "từ 0 đến 1" in refused.value.render("vi")


@pytest.mark.parametrize(
    "args",
    [
        ["lost-points", "synthetic-commune", "--demo", "0"],
        ["what-if", "synthetic-commune", "--demo", "5", "--unit", "SYN-1", "--target-rank", "0"],
    ],
    ids=["demo", "target rank"],
)
def test_counts_are_refused_before_any_synthetic_banner(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(args) == 2
    out, err = capsys.readouterr()
    assert out == ""  # no "DỮ LIỆU MÔ PHỎNG" banner for a command that does not run
    assert "cần một số nguyên từ 1 trở lên, nhận được “0”" in err
