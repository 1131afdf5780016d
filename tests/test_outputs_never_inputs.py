"""Every command that writes refuses an output that is one of the files it reads.

Not only ``INPUT...``: survey answer files, survey definitions, pack files,
``--survey``/``--satisfaction`` answers and the history store of ``history
import`` are inputs too. A symbolic link whose name has the output's extension
but that points at an input is the same file (it would be written through).
Each case is refused before any work (nothing printed on stdout) and the input
is left byte for byte as it was.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pytest
from survey_support import SYNTHETIC_SURVEY

from parindex.cli import build_parser, main

SURVEY = "synthetic-commune-survey"
ROOT = Path(__file__).parents[1]
UNITS = ROOT / "docs" / "examples" / "don-vi"


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a small SYNTHETIC answers file (written once for the module)."""
    path = tmp_path_factory.mktemp("answers") / "tl.csv"
    assert main(["survey", "synthetic", SURVEY, "--units", "3", "--respondents", "4", "-q", "-o", str(path)]) == 0
    return path.read_bytes()


def _copy(source: Path | bytes, target: Path) -> Path:
    target.write_bytes(source if isinstance(source, bytes) else source.read_bytes())
    return target


def _link(tmp_path: Path, name: str, to: Path) -> Path:
    link = tmp_path / name
    link.symlink_to(to)
    return link


# Each case: given the folder and the answers' bytes, the command line and the input it
# names as its output (directly or through a link with the output's extension).
Case = Callable[[Path, bytes], tuple[list[str], Path]]


def _survey_aggregate(tmp: Path, data: bytes) -> tuple[list[str], Path]:
    tl = _copy(data, tmp / "tl.csv")
    return ["survey", "aggregate", SURVEY, str(tl), "-o", str(tl)], tl


def _survey_aggregate_json(tmp: Path, data: bytes) -> tuple[list[str], Path]:
    tl = _copy(data, tmp / "tl.csv")
    return ["survey", "aggregate", SURVEY, str(tl), "-o", str(_link(tmp, "tl.json", tl))], tl


def _survey_aggregate_definition(tmp: Path, data: bytes) -> tuple[list[str], Path]:
    tl = _copy(data, tmp / "tl.csv")
    definition = _copy(SYNTHETIC_SURVEY, tmp / "phieu.toml")
    link = _link(tmp, "diem.csv", definition)
    return ["survey", "aggregate", str(definition), str(tl), "-o", str(link)], definition


def _survey_intervals(tmp: Path, data: bytes) -> tuple[list[str], Path]:
    tl = _copy(data, tmp / "tl.csv")
    return ["survey", "intervals", SURVEY, str(tl), "--resamples", "5", "-o", str(tl)], tl


def _survey_template(tmp: Path, data: bytes) -> tuple[list[str], Path]:
    definition = _copy(SYNTHETIC_SURVEY, tmp / "phieu.toml")
    link = _link(tmp, "phieu.xlsx", definition)
    return ["survey", "template", str(definition), "--rows", "2", "-o", str(link)], definition


def _survey_synthetic(tmp: Path, data: bytes) -> tuple[list[str], Path]:
    definition = _copy(SYNTHETIC_SURVEY, tmp / "phieu.toml")
    link = _link(tmp, "tl.csv", definition)
    return ["survey", "synthetic", str(definition), "--units", "2", "-o", str(link)], definition


def _score_survey(tmp: Path, data: bytes) -> tuple[list[str], Path]:
    tl = _copy(data, tmp / "tl.csv")
    units = _copy(UNITS / "xa-01.xlsx", tmp / "xa-01.xlsx")
    return ["score", "synthetic-commune", str(units), "--survey", str(tl), "-o", str(tl)], tl


def _score_survey_definition(tmp: Path, data: bytes) -> tuple[list[str], Path]:
    tl = _copy(data, tmp / "tl.csv")
    units = _copy(UNITS / "xa-01.xlsx", tmp / "xa-01.xlsx")
    definition = _copy(SYNTHETIC_SURVEY, tmp / "phieu.toml")
    link = _link(tmp, "kq.csv", definition)
    command = ["score", "synthetic-commune", str(units), "--survey", str(tl)]
    return [*command, "--survey-definition", str(definition), "-o", str(link)], definition


def _report_survey(tmp: Path, data: bytes) -> tuple[list[str], Path]:
    tl = _copy(data, tmp / "tl.csv")
    link = _link(tmp, "bao-cao.html", tl)
    return ["report", "synthetic-commune", "--demo", "3", "--survey", str(tl), "-o", str(link)], tl


def _report_satisfaction(tmp: Path, data: bytes) -> tuple[list[str], Path]:
    tl = _copy(data, tmp / "tl.csv")
    other = _copy(data, tmp / "hai-long.csv")
    link = _link(tmp, "bao-cao.html", other)
    command = ["report", "synthetic-commune", "--demo", "3", "--survey", str(tl)]
    return [*command, "--satisfaction", str(other), "-o", str(link)], other


def _template(tmp: Path, data: bytes) -> tuple[list[str], Path]:
    pack = tmp / "goi.toml"
    assert main(["pack", "export", "synthetic-commune", "-o", str(pack)]) == 0
    return ["template", str(pack), "-o", str(_link(tmp, "mau.xlsx", pack))], pack


def _pack_export(tmp: Path, data: bytes) -> tuple[list[str], Path]:
    pack = tmp / "goi.toml"
    assert main(["pack", "export", "synthetic-commune", "-o", str(pack)]) == 0
    return ["pack", "export", str(pack), "-o", str(pack)], pack


def _pack_import(tmp: Path, data: bytes) -> tuple[list[str], Path]:
    pack = tmp / "goi.toml"
    assert main(["pack", "export", "synthetic-commune", "-o", str(pack)]) == 0
    return ["pack", "import", str(pack), "-o", str(_link(tmp, "goi.json", pack))], pack


def _history_import(tmp: Path, data: bytes) -> tuple[list[str], Path]:
    units = _copy(UNITS / "xa-01.xlsx", tmp / "xa-01.xlsx")
    command = ["history", "import", "synthetic-commune", str(units), "--year", "2024"]
    return [*command, "--store", str(units)], units


def _history_import_document(tmp: Path, data: bytes) -> tuple[list[str], Path]:
    document = tmp / "kq.json"
    assert main(["score", "synthetic-commune", str(UNITS / "xa-01.xlsx"), "-q", "-o", str(document)]) == 0
    return ["history", "import", str(document), "--year", "2024", "--store", str(document)], document


CASES: dict[str, Case] = {
    "survey aggregate": _survey_aggregate,
    "survey aggregate (json)": _survey_aggregate_json,
    "survey aggregate (definition)": _survey_aggregate_definition,
    "survey intervals": _survey_intervals,
    "survey template": _survey_template,
    "survey synthetic": _survey_synthetic,
    "score --survey": _score_survey,
    "score --survey-definition": _score_survey_definition,
    "report --survey": _report_survey,
    "report --satisfaction": _report_satisfaction,
    "template": _template,
    "pack export": _pack_export,
    "pack import": _pack_import,
    "history import": _history_import,
    "history import (document)": _history_import_document,
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_output_onto_an_input_is_refused_and_the_input_kept(
    case: str, answers: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command, target = CASES[case](tmp_path, answers)
    before = target.read_bytes()
    capsys.readouterr()
    code = main(command)
    out, err = capsys.readouterr()
    assert code == 2, err
    assert "tệp đầu vào" in err and str(target) in err  # output.is_input, naming the input
    assert out == ""  # refused before any work
    assert target.read_bytes() == before


def _leaf_commands(parser: argparse.ArgumentParser, name: str = "") -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    subcommands = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subcommands:
        return {name: parser}
    for action in subcommands:
        for child, sub in action.choices.items():
            found.update(_leaf_commands(sub, f"{name} {child}".strip()))
    return found


#: Commands that write but read no file an output could land on: ``new-pack`` makes a
#: new folder (refusing one that exists) and ``survey demo`` writes SYNTHETIC files only.
READS_NOTHING_WRITTEN = {"new-pack", "survey demo"}


def test_every_command_that_writes_is_covered_above() -> None:
    writing = {
        name
        for name, parser in _leaf_commands(build_parser()).items()
        if "-o" in parser._option_string_actions or (name == "history import")
    }
    covered = {case.split(" (")[0].split(" --")[0] for case in CASES}
    assert writing - READS_NOTHING_WRITTEN == covered
