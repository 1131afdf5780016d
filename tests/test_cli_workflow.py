"""One workflow across every command: the same PACK, INPUT... and options everywhere.

Inputs are a mix of forms (a long CSV, a JSON document, a folder holding a
batch workbook, an appraisal CSV) of SYNTHETIC units, and the pack is given
both as an installed id and as a pack file.
"""

from __future__ import annotations

import argparse
import ast
import json
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from io_support import digest, unit_entries

import parindex
from parindex.cli import build_parser, main
from parindex.compiled import CompiledPack
from parindex.io import export_pack, write_template
from parindex.synthetic import synthetic_input

PACK = "synthetic-commune"
SRC = Path(__file__).parents[1] / "src" / "parindex"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _entries(compiled: CompiledPack, n_units: int) -> list[tuple[str, str, dict[str, object]]]:
    data = synthetic_input(compiled, n_units)
    stage = data.stages["self"]
    values = np.asarray(stage.values)
    na = np.asarray(stage.not_applicable)
    return [
        (unit.id, unit.name, unit_entries(compiled, values, na, row))
        for row, unit in enumerate(data.units)
    ]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Six SYNTHETIC units in four files of three forms, and the pack as a file."""
    folder = tmp_path_factory.mktemp("inputs")
    compiled = parindex.compile_pack(parindex.get_pack(PACK))
    units = _entries(compiled, 6)

    rows = ["unit,name,code,value"]
    for unit, name, entries in units[:2]:
        rows += [f'{unit},{name},{code},"{value}"' for code, value in entries.items()]
    (folder / "a.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")

    document = {
        "pack": PACK,
        "units": [
            {
                "id": unit,
                "name": name,
                "values": {c: v for c, v in entries.items() if v != "không phát sinh"},
                "not_applicable": [c for c, v in entries.items() if v == "không phát sinh"],
            }
            for unit, name, entries in units[2:4]
        ],
    }
    (folder / "b.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    (folder / "workbooks").mkdir()
    template = write_template(compiled, folder / "workbooks" / "c.xlsx", layout="batch", rows=2)
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    for row, (unit, name, entries) in enumerate(units[4:], start=4):
        sheet.cell(row=row, column=1, value=unit)
        sheet.cell(row=row, column=2, value=name)
        for column, code in enumerate(compiled.leaf_codes, start=4):
            sheet.cell(row=row, column=column, value=entries[code])
    book.save(template)

    # An appraisal round that lowers one unit's first entered number.
    unit, _, entries = units[0]
    code = next(c for c, v in entries.items() if isinstance(v, int | float) and v > 0)
    (folder / "appraisal.csv").write_text(
        f"unit,code,value,stage\n{unit},{code},0,appraisal_1\n", encoding="utf-8"
    )
    pack_file = export_pack(parindex.get_pack(PACK), folder / "pack.toml")
    return {
        "csv": folder / "a.csv",
        "json": folder / "b.json",
        "folder": folder / "workbooks",
        "appraisal": folder / "appraisal.csv",
        "pack": Path(pack_file),
    }


def _all(inputs: dict[str, Path]) -> list[str]:
    return [str(inputs[key]) for key in ("csv", "json", "folder", "appraisal")]


#: Every command that scores PACK INPUT..., with its own required options.
SCORING_COMMANDS = {
    "score": [],
    "explain": ["--unit", "SYN-1"],
    "lost-points": ["--top", "3"],
    "discrepancy": [],
    "what-if": ["--set", "SYN-2:1.4=đạt"],
    "sensitivity": ["--samples", "20"],
}


@pytest.mark.parametrize("command", sorted(SCORING_COMMANDS))
@pytest.mark.parametrize("pack_form", ["id", "file"])
def test_every_command_takes_every_input_form_and_pack_form(
    command: str, pack_form: str, inputs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pack = PACK if pack_form == "id" else str(inputs["pack"])
    before = {path: digest(path) for path in inputs.values() if path.is_file()}
    code, out, err = run(capsys, command, pack, *_all(inputs), *SCORING_COMMANDS[command])
    assert (code, err) == (0, "")
    assert ("Số đơn vị: 6" if command == "lost-points" else "SYN-") in out
    assert before == {path: digest(path) for path in before}


def test_the_commands_agree_on_the_figures(
    inputs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, scored, _ = run(capsys, "score", PACK, *_all(inputs), "--json")
    document = json.loads(scored)
    assert {s.get("stage", "final") for s in document["sets"]} == {"self", "appraisal_1", "final"}
    final = next(s for s in document["sets"] if s.get("stage", "final") == "final")
    total = next(f for f in final["figures"] if f["unit"] == "SYN-1" and "code" not in f)
    _, explained, _ = run(capsys, "explain", str(inputs["pack"]), *_all(inputs), "--unit", "SYN-1", "--json")
    explanation = json.loads(explained)
    assert (explanation["points"], explanation["rank"]) == (total["points"], total["rank"])


def test_report_takes_the_same_inputs(inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    code, _, err = run(capsys, "report", str(inputs["pack"]), *_all(inputs), "-o", str(out))
    assert code == 0 and err.startswith(f"đã ghi {out} (") and err.count("\n") == 1
    page = out.read_text(encoding="utf-8")
    assert "SYN-6" in page and str(inputs["folder"] / "c.xlsx") in page  # the folder's file


def test_a_folder_or_workbook_no_longer_breaks_the_analysis_commands(
    inputs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "lost-points", PACK, str(inputs["folder"]), "--unit", "SYN-5")
    assert (code, err) == (0, "")
    code, _, err = run(capsys, "explain", PACK, str(inputs["folder"]), "--unit", "SYN-9")
    assert code == 2 and "Traceback" not in err and "SYN-9" in err


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {option: action for action in parser._actions for option in action.option_strings}


def _commands() -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        children = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not children:
            found[prefix.strip()] = parser
        for action in children:
            for name, child in action.choices.items():
                walk(child, f"{prefix} {name}")

    walk(build_parser(), "")
    return found


def test_the_same_options_have_the_same_names_everywhere() -> None:
    commands = _commands()
    for name in [*SCORING_COMMANDS, "report"]:
        options = _options(commands[name])
        for option in ("--level", "--allow-missing", "--lang", "--quiet", "--verbose", "--debug"):
            assert option in options, (name, option)
        assert options["--level"].dest == "level" and options["--allow-missing"].dest == "allow_missing"
        positionals = [a.metavar for a in commands[name]._actions if not a.option_strings]
        assert positionals[:2] == ["PACK", "INPUT"], name
    for name in [*(c for c in SCORING_COMMANDS if c != "score"), "report", "template"]:
        assert _options(commands[name])["--stage"].dest == "stage", name
    for name in ("score", "report", "template"):
        assert "-o" in _options(commands[name]) and "--output" in _options(commands[name])
    for name in ("show", "template", "score", "report", *SCORING_COMMANDS):
        positionals = [a for a in commands[name]._actions if not a.option_strings]
        assert positionals[0].metavar == "PACK", name


def test_every_help_ends_with_examples_that_parse() -> None:
    commands = _commands()
    for name, parser in commands.items():
        epilog = parser.epilog or ""
        assert epilog.startswith(("ví dụ:", "examples:")), name
        for line in epilog.splitlines()[1:]:
            words = shlex.split(line.split(">")[0])
            assert words[0] == "parindex", line
            build_parser().parse_args(words[1:])  # exits (SystemExit) if an example is wrong
    assert "parindex score" in (build_parser().epilog or "")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_help_renders(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ["", *_commands()]:
        with pytest.raises(SystemExit) as exited:
            main([*name.split(), "--help", "--lang", lang])
        out, err = capsys.readouterr()
        assert (exited.value.code, err) == (0, ""), name
        assert out.startswith("cách dùng: " if lang == "vi" else "usage: "), name


def test_a_percent_sign_in_a_help_text_is_shown_as_written(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import parindex.cli.basic as basic

    original = basic.register

    def register(commands: object) -> None:
        original(commands)
        extra = commands.add_parser("percent", help="khoảng tin cậy 95 % (%(prog)s)")  # type: ignore[attr-defined]
        extra.add_argument("--x", help="giữ 100 %, 50 %%, mặc định %(default)s", default=7)

    monkeypatch.setattr(basic, "register", register)
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "khoảng tin cậy 95 % (parindex)" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["percent", "--help"])
    assert "giữ 100 %, 50 %, mặc định 7" in capsys.readouterr().out


def test_help_speaks_the_chosen_language(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["score", "--help", "--lang", "en"])
    assert "examples:" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["score", "--help"])
    assert "ví dụ:" in capsys.readouterr().out


def test_argparse_speaks_the_language_too(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["explain", PACK, "--demo", "3"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("cách dùng: parindex explain")
    assert err.endswith("parindex: lỗi cú pháp lệnh: thiếu tham số bắt buộc: --unit\n")
    with pytest.raises(SystemExit):
        main(["explain", PACK, "--demo", "x", "--unit", "A", "--lang", "en"])
    err = capsys.readouterr().err
    assert "parindex: usage error: argument --demo: expected a whole number from 1 up" in err
    with pytest.raises(SystemExit):
        main(["template", PACK, "-o", "t.xlsx", "--layout", "x", "--lang", "en"])
    err = capsys.readouterr().err
    assert "parindex: usage error: argument --layout: invalid choice: 'x'" in err
    with pytest.raises(SystemExit):
        main(["lost-points", "--help"])
    out = capsys.readouterr().out
    assert "tham số vị trí:" in out and "tùy chọn chung:" in out and "in hướng dẫn này rồi thoát" in out
    # argparse is left as it was for anyone else in the process
    assert argparse.ArgumentParser(prog="x").format_usage().startswith("usage: ")


def test_output_is_checked_before_any_work(inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "a.csv"
    csv.write_bytes(inputs["csv"].read_bytes())
    before = digest(csv)
    code, out, err = run(capsys, "score", PACK, str(csv), "-o", str(csv))
    assert code == 2 and out == "" and "a.csv" in err
    assert digest(csv) == before
    code, out, err = run(capsys, "score", PACK, str(csv), "-o", str(tmp_path / "kq.pdf"))
    assert code == 2 and out == ""


def test_a_missing_pack_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "explain", str(tmp_path / "goi.toml"), "--demo", "3", "--unit", "SYN-1")
    assert code == 2
    assert err.startswith("parindex: lỗi: không có tệp gói ") and "goi.toml" in err
    code, _, err = run(capsys, "show", "khong-co-goi-nay", "--lang", "en")
    assert code == 2 and "no pack “khong-co-goi-nay” is installed" in err


def test_version_names_python_numpy_engines_and_packs(capsys: pytest.CaptureFixture[str]) -> None:
    for flag in ("--version", "-V"):
        with pytest.raises(SystemExit) as exited:
            main([flag])
        assert exited.value.code == 0
        out = capsys.readouterr().out
        lines = out.splitlines()
        assert lines[0].startswith("parindex ") and lines[1].startswith("Python 3.")
        assert lines[2] == f"numpy {np.__version__}"
        assert "numba" in lines[3]
        assert "  synthetic-commune (parindex " in out


def test_python_dash_m_parindex_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "parindex", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("parindex ")


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_a_closed_pipe_ends_help_and_version_quietly(flag: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "parindex", flag], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # gone before parindex writes a line: `| head -0`
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) in (0, 141)  # --help exits before its output is flushed
    assert stderr == ""


def test_json_output_of_packs_show_and_score(inputs: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "packs", "--json")
    packs = {entry["id"]: entry for entry in json.loads(out)}
    assert packs[PACK]["synthetic"] is True and packs[PACK]["distribution"].startswith("parindex ")
    assert packs["bnv-province-1150-2019"]["scorable_level"] == 1
    _, out, _ = run(capsys, "show", str(inputs["pack"]), "--json")
    shown = json.loads(out)
    assert shown["id"] == PACK and shown["nodes"][0]["code"] == "1"
    _, out, _ = run(capsys, "score", PACK, str(inputs["csv"]), "--json")
    document = json.loads(out)
    assert document["format"].startswith("parindex-history-results")


def test_quiet_and_verbose(inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "kq.json"
    _, _, err = run(capsys, "score", PACK, str(inputs["csv"]), "-o", str(out_file))
    assert err.startswith("đã ghi ") and out_file.exists()
    _, _, err = run(capsys, "score", PACK, str(inputs["csv"]), "-o", str(out_file), "--quiet")
    assert err == ""
    _, _, err = run(capsys, "score", PACK, str(inputs["csv"]), "--verbose", "--lang", "en")
    assert "read and scored 2 units in" in err
    _, _, err = run(capsys, "lost-points", PACK, str(inputs["csv"]), str(inputs["json"]), "-v")
    assert err.startswith("đã đọc và chấm 4 đơn vị trong ")
    _, _, err = run(capsys, "lost-points", PACK, str(inputs["csv"]), "-v", "-q")
    assert err == ""


def test_lines_after_writing_are_notes_in_the_users_language(
    inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """template, report and history say what they wrote on stderr, in the chosen language;
    --quiet silences them, as it does score -o's."""
    template = tmp_path / "mau.xlsx"
    code, out, err = run(capsys, "template", PACK, "-o", str(template))
    assert (code, out) == (0, "")
    assert err == f"đã ghi {template} (mỗi đơn vị một sổ, 61 tiêu chí cần điền)\n"
    code, out, err = run(capsys, "template", PACK, "-o", str(template), "--layout", "batch", "--lang", "en")
    assert (code, out, err) == (0, "", f"wrote {template} (many units, one per row, 61 criteria to fill)\n")
    assert run(capsys, "template", PACK, "-o", str(template), "-q") == (0, "", "")
    page = tmp_path / "r.html"
    code, out, err = run(capsys, "report", PACK, str(inputs["csv"]), "-o", str(page))
    assert (code, out) == (0, "") and err.startswith(f"đã ghi {page} (") and err.endswith(" byte, 2 đơn vị)\n")
    assert run(capsys, "report", PACK, str(inputs["csv"]), "-o", str(page), "-q") == (0, "", "")
    lineage = tmp_path / "l.toml"
    lineage.write_text(
        '[[events]]\nkind = "merged"\ndate = 2025-07-01\npredecessors = ["a", "b"]\nsuccessors = ["ab"]\n',
        encoding="utf-8",
    )
    store = ["--store", str(tmp_path / "h.sqlite")]
    assert run(capsys, "history", "import", PACK, str(inputs["csv"]), "--year", "2024", *store, "-q") == (0, "", "")
    code, out, err = run(capsys, "history", "lineage", str(lineage), *store, "--lang", "en")
    # a and b have no 2024 result in the store: said, in the user's language
    assert (code, out, err) == (
        0,
        "",
        f"recorded 1 new lineage event(s) of 1 in {lineage}\n"
        "note: the store holds no result of “a”, “b” yet (unit ids compare exactly; if "
        "mistyped, year comparisons will report this id's results missing)\n",
    )


def _help_texts(lang: str) -> dict[tuple[str, str], str]:
    from parindex.cli import _leaf_parsers
    from parindex.messages import use_lang

    with use_lang(lang):
        parser = build_parser()
    found: dict[tuple[str, str], str] = {}
    for name, leaf in [("", parser), *_leaf_parsers(parser)]:
        found[(name, "description")] = leaf.description or ""
        for action in leaf._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    found[(f"{name} {choice.dest}".strip(), "help")] = choice.help or ""
            elif not isinstance(action, argparse._HelpAction):  # argparse's own: translated apart
                found[(name, "/".join(action.option_strings) or action.dest)] = action.help or ""
    return found


def test_help_texts_come_from_the_catalogue_in_both_languages() -> None:
    vi, en = _help_texts("vi"), _help_texts("en")
    assert vi.keys() == en.keys()
    untranslated = [(key, text) for key, text in vi.items() if text and text == en[key]]
    assert untranslated == []
    assert vi[("template", "--layout")] != en[("template", "--layout")]
    assert vi[("report", "--numbers")].startswith("cách viết số")


def test_internal_errors_ask_for_a_report_and_hide_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import parindex.cli.basic as basic

    def broken(args: argparse.Namespace) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(basic, "cmd_packs", broken)
    code, _, err = run(capsys, "packs")
    assert code == 1 and "Traceback" not in err
    assert "vui lòng báo lỗi" in err and "RuntimeError: boom" in err
    code, _, err = run(capsys, "packs", "--debug")
    assert code == 1 and "Traceback" in err


def test_a_refused_file_operation_is_a_user_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import parindex.cli.basic as basic

    def refused(args: argparse.Namespace) -> int:
        raise PermissionError(13, "Permission denied", "/srv/kq.xlsx")

    monkeypatch.setattr(basic, "cmd_packs", refused)
    code, _, err = run(capsys, "packs", "--lang", "en")
    assert code == 2
    assert err == "parindex: error: cannot use /srv/kq.xlsx: permission denied\n"
    code, _, err = run(capsys, "packs")  # the system's reason in the reader's language too
    assert (code, err) == (2, "parindex: lỗi: không thao tác được với /srv/kq.xlsx: không có quyền\n")


def test_messages_follow_lang_and_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["what-if", PACK, "--demo", "3"]
    monkeypatch.delenv("PARINDEX_LANG", raising=False)
    assert "hãy cho thay đổi" in run(capsys, *argv)[2]
    assert "give changes" in run(capsys, *argv, "--lang", "en")[2]
    monkeypatch.setenv("PARINDEX_LANG", "en")
    assert "give changes" in run(capsys, *argv)[2]
    assert "hãy cho thay đổi" in run(capsys, *argv, "--lang", "vi")[2]


def _imports(path: Path) -> set[str]:
    """Every parindex.cli module a module imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("parindex.cli"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_cli_modules_import_each_other_one_way() -> None:
    modules = {
        f"parindex.cli.{path.stem}": path
        for path in (SRC / "cli").glob("*.py")
        if path.stem != "__init__"
    }
    graph = {name: _imports(path) & set(modules) for name, path in modules.items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(
            nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt}))
            for nxt in graph[start]
        )

    assert [name for name in graph if reaches(name, name, {name})] == []


#: Commands that read no data file: nothing in them can be missing.
_NO_DATA = {"packs", "demo", "history list", "survey list", "survey demo"}


def _missing_file_argv(name: str, leaf: argparse.ArgumentParser) -> list[str]:
    """The command with every file it reads missing and every required option given."""
    argv = name.split()
    for action in leaf._actions:
        if not action.option_strings and action.dest != "help":
            argv.append("goi-goc" if action.dest == "name" else "khong-co.csv")
        elif action.required:
            value = {
                "-o": "ra.html" if name == "report" else "ra.xlsx",
                "--from": "khong-co.csv",
                "--unit": "X",
                "--year": "2024",
                "--units": "2",
            }[action.option_strings[0]]
            argv += [action.option_strings[0], value]
    return argv


def test_every_command_follows_the_readmes_exit_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # README: 0 done; 2 a problem in the data or the command, in one message; 1 an
    # internal error only. A file that is not there (or, before it is read, a missing
    # companion file or a refused output) is a problem in the command for every command.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PARINDEX_HISTORY", str(tmp_path / "h.sqlite"))
    from parindex.cli import _leaf_parsers

    wrong = {}
    for name, leaf in _leaf_parsers(build_parser()):
        if name in _NO_DATA:
            continue
        code, out, err = run(capsys, *_missing_file_argv(name, leaf))
        if code != 2 or not err.startswith("parindex: lỗi: ") or "báo lỗi" in err:
            wrong[name] = (code, err)
    assert wrong == {}
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written on the way
    # Every handler returns 0 itself; a problem is raised as a ParIndexError (exit 2 at the top)
    # or, for pack-lint, the problems found are printed and EXIT_USER returned.
    for path in (SRC / "cli").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("cmd_"):
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Constant):
                        assert ret.value.value == 0, f"{path.name}:{ret.lineno}"


def test_pack_lint_exits_2_on_errors_and_0_with_warnings_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "pack-lint", str(Path(__file__).parent / "data" / "criteria-bad.csv"))
    assert code == 2 and "lỗi [1.2]" in out
    code, out, _ = run(capsys, "pack-lint", str(Path(__file__).parents[1] / "docs" / "examples" / "ca-mau" / "tieu-chi.csv"))
    assert code == 0 and "cảnh báo" in out and "\nlỗi" not in out


#: What the everyday commands must not load (about 0.25 s of a 0.45 s start-up before).
HEAVY = ("openpyxl", "parindex.report", "parindex.history", "parindex.survey", "parindex.analysis", "parindex.wording")


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["packs"],
        ["show", PACK],
        ["score", PACK, str(Path(__file__).parents[1] / "docs" / "examples" / "don-vi-2025.csv")],
    ],
)
def test_everyday_commands_do_not_import_the_heavy_layers(argv: list[str]) -> None:
    code = (
        "import contextlib, io, sys\n"
        "from parindex.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        status = main({argv!r})\n"
        "    except SystemExit as exited:\n"
        "        status = exited.code\n"
        f"print(status, sorted({{m.split('.')[0] if m.startswith('openpyxl') else m for m in sys.modules if m.startswith({HEAVY!r})}}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0 []"


def test_history_choices_are_the_enums_values() -> None:
    from parindex.cli.history import AGGREGATES, ORIGINS
    from parindex.history.records import Origin
    from parindex.history.yoy import Aggregate

    assert ORIGINS == tuple(origin.value for origin in Origin)
    assert AGGREGATES == tuple(aggregate.value for aggregate in Aggregate)
