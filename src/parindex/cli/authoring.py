"""Authoring commands: ``pack-lint`` (every problem, located by row) and ``new-pack``.

The path from a decision's appendix to a published pack::

    parindex pack-lint tieu-chi.csv
    parindex new-pack parindex-pack-ca-mau --from tieu-chi.csv
    parindex pack-lint parindex-pack-ca-mau/src/parindex_pack_ca_mau/<id>.toml

The table's information rows give the pack's id, title, unit group, years and
legal basis; the options ``--id``, ``--title``, ``--version``, ``--unit-group``,
``--years`` and ``--basis`` give or override them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parindex.cli.args import EXIT_USER, add_command
from parindex.cli.packinfo import completeness, pack_line
from parindex.errors import Location, ParIndexError, Severity, Violation
from parindex.io.pack_files import pack_to_toml, toml_error
from parindex.io.table_layout import TABLE_SUFFIXES
from parindex.io.vocabulary import STATUSES, plain_key, write_choice
from parindex.messages import Found, current_lang, render, text
from parindex.model import Pack, ProvenanceStatus
from parindex.plugins import converter
from parindex.rules import fmt_number

if TYPE_CHECKING:
    from parindex.io.criteria_table import MethodRow

# Criteria tables and the wording reader are imported when a table or pack file is linted:
# every ``parindex`` run registers these commands and must not pay for them.


def register(commands: Any) -> None:
    lint = add_command(
        commands,
        "pack-lint",
        help=text("authoring.help_lint"),
        examples=(
            "parindex pack-lint tieu-chi.csv",
            "parindex pack-lint tieu-chi.xlsx --years 2013 --basis '1880/QĐ-UBND:2013'",
            "parindex pack-lint tieu-chi.csv --id haugiang-department-2024 "
            "--basis 892/QĐ-BNV:05/12/2024",
            "parindex pack-lint goi.toml --lang en",
        ),
    )
    lint.add_argument("file", metavar="FILE", help=text("authoring.help_lint_file"))
    _meta_options(lint)
    lint.set_defaults(handler=cmd_lint)

    new = add_command(
        commands,
        "new-pack",
        help=text("authoring.help_new_pack"),
        examples=(
            "parindex new-pack parindex-pack-ca-mau --from tieu-chi.csv",
            "parindex new-pack parindex-pack-ca-mau --from tieu-chi.csv --years 2013 -o goi/",
            "parindex new-pack parindex-pack-hau-giang --from tieu-chi.xlsx "
            "--id haugiang-department-2024 --unit-group 'sở, ban, ngành'",
        ),
    )
    new.add_argument("name", metavar="NAME", help=text("authoring.help_new_pack_name"))
    new.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="TABLE",
        help=text("authoring.help_new_pack_from"),
    )
    new.add_argument(
        "-o",
        "--output",
        default=".",
        metavar="FOLDER",
        help=text("authoring.help_new_pack_output"),
    )
    _meta_options(new)
    new.set_defaults(handler=cmd_new_pack)


def _meta_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(text("authoring.group_pack_information"))
    for option, metavar in (
        ("id", "ID"),
        ("title", "TITLE"),
        ("version", "VERSION"),
        ("unit-group", "GROUP"),
        ("years", "YEARS"),
    ):
        key = option.replace("-", "_")
        group.add_argument(f"--{option}", metavar=metavar, help=text(f"authoring.help_meta_{key}"))
    group.add_argument(
        "--basis",
        action="append",
        default=[],
        metavar="BASIS",
        help=text("authoring.help_meta_basis"),
    )


def table_options(args: argparse.Namespace) -> dict[str, str | Sequence[str]]:
    """The information the options give (a table's # rows give the rest)."""
    found: dict[str, str | Sequence[str]] = {}
    for name in ("id", "title", "version", "unit_group", "years"):
        value = getattr(args, name, None)
        if value:
            found[name] = value
    bases = []
    for value in getattr(args, "basis", []) or []:
        if "|" in value:
            bases.append(value)
        else:
            number, _, rest = value.partition(":")
            date, _, title = rest.partition(":")
            bases.append(" | ".join([number, date, "", title]).rstrip(" |"))
    if bases:
        found["legal_basis"] = bases
    return found


def _toml_places(path: Path, count: int) -> list[Location | str]:
    """File and line of each ``[[nodes]]`` entry, in order."""
    lines = [
        number
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.strip() == "[[nodes]]"
    ]
    return [
        Location(path.name, row=lines[i]) if i < len(lines) else f"nodes[{i}]" for i in range(count)
    ]


def _lint_pack_file(path: Path) -> tuple[Pack | None, list[Violation]]:
    try:
        text_ = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ParIndexError("authoring.not_utf8", file=path.name) from None
    places: list[Location | str]
    if path.suffix.lower() == ".json":
        try:
            document = json.loads(text_, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise ParIndexError(
                "authoring.bad_json_file", file=path.name, line=exc.lineno, problem=exc.msg
            ) from None
        places = [f"{path.name}, nodes[{i}]" for i in range(len(document.get("nodes", [])))]
    else:
        try:
            document = tomllib.loads(text_, parse_float=Decimal)
        except tomllib.TOMLDecodeError as exc:
            raise toml_error(path, exc) from None
        places = _toml_places(path, len(document.get("nodes", [])))
    from parindex.io.criteria_table import lint_document

    return lint_document(document, places, converter())


def lint_file(
    path: Path, args: argparse.Namespace
) -> tuple[Pack | None, list[Violation], tuple[MethodRow, ...]]:
    """Every problem of a criteria table or pack file, located by row or line; method readings."""
    if not path.is_file():
        raise ParIndexError("authoring.no_table_file", path=str(path))
    if path.suffix.lower() in TABLE_SUFFIXES:
        from parindex.io.criteria_table import lint_table

        result = lint_table(path, overrides=table_options(args))
        return result.pack, list(result.violations), result.methods
    if path.suffix.lower() not in (".toml", ".json"):
        raise ParIndexError(
            "authoring.pack_format", file=path.name, formats=(*TABLE_SUFFIXES, ".toml", ".json")
        )
    pack, violations = _lint_pack_file(path)
    return pack, violations, ()


def print_methods(methods: Sequence[MethodRow], lang: str) -> None:
    """Each method read from words, printed back for the official to confirm; then the unread."""
    from parindex.wording import rule_in_words

    read = [m for m in methods if m.reading.rule is not None]
    unread = [m for m in methods if m.reading.problem is not None]
    if read:
        print(text("authoring.methods_read", lang, count=len(read)))
        for method in read:
            assert method.reading.rule is not None
            maximum = method.maximum if method.maximum is not None else Decimal(0)
            print(
                text(
                    "authoring.method_line",
                    lang,
                    where=method.location.render(lang),
                    code=method.code,
                    original=method.reading.text,
                    words=rule_in_words(method.reading.rule, maximum, lang),
                )
            )
    if unread:
        print(text("authoring.methods_unread", lang, count=len(unread)))
        for method in unread:
            assert method.reading.problem is not None
            print(
                text(
                    "authoring.method_unread_line",
                    lang,
                    where=method.location.render(lang),
                    code=method.code,
                    problem=render(method.reading.problem, lang),
                )
            )


def _print_violations(violations: Sequence[Violation], args: argparse.Namespace) -> None:
    verbose = bool(getattr(args, "verbose", False))
    for violation in sorted(violations, key=lambda v: v.severity is not Severity.ERROR):
        print(violation.render() + (f"  [{violation.check}]" if verbose else ""))


def cmd_lint(args: argparse.Namespace) -> int:
    path = Path(args.file)
    pack, violations, methods = lint_file(path, args)
    errors = [v for v in violations if v.severity is Severity.ERROR]
    lang = current_lang()
    _print_violations(violations, args)
    print_methods(methods, lang)
    state = "" if pack is None else f"; {pack.id}: {completeness(pack)}"
    print(
        text(
            "authoring.lint_summary",
            lang,
            file=str(path),
            errors=len(errors),
            warnings=len(violations) - len(errors),
            state=state,
        )
    )
    # Errors in the file are a data problem (exit 2, as the README's table says); 1 is
    # kept for internal errors. Warnings alone pass.
    return EXIT_USER if errors else 0


def print_gaps(pack: Pack, lang: str | None = None) -> None:
    """What the sources do not give, and why; where each known figure comes from."""
    chosen = lang or current_lang()
    print(f"{pack.title}\n{pack_line(pack, chosen)}")
    print(text("authoring.gaps_completeness", chosen, state=completeness(pack, chosen)))
    declared = pack.declared
    counts = [
        f"{value} {text(f'pack.{name}', chosen)}"
        for name, value in (
            ("fields", declared.fields),
            ("criteria", declared.criteria),
            ("sub_criteria", declared.sub_criteria),
        )
        if value is not None
    ]
    maxima = [
        f"{text(f'pack.source_{source.value}', chosen)} {value}"
        for source, value in declared.maximum.items()
    ]
    if counts or maxima:
        print(text("authoring.gaps_declared", chosen, figures=", ".join(counts + maxima)))
    for provenance in declared.provenance:
        status = write_choice(STATUSES, provenance.status, chosen)
        note = f" — {provenance.note}" if provenance.note else ""
        print(f"  [{status}] {provenance.document}{note}")
    print(text("authoring.gaps_heading", chosen))
    lines = [f"  - {gap}" for gap in pack.gaps]
    for _, node in pack.walk():
        if node.gap:
            lines.append(f"  - {node.code} {node.title}: {node.gap}")
        for provenance in node.provenance:
            if provenance.status is ProvenanceStatus.MISSING:
                note = provenance.note or write_choice(STATUSES, provenance.status, chosen)
                lines.append(f"  - {node.code}: {provenance.document} ({note})")
    print("\n".join(lines) if lines else text("authoring.gaps_none", chosen))


#: A distribution name pip accepts (PEP 508): ASCII letters and digits, with . _ - inside.
_DISTRIBUTION = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def _module_name(name: str) -> str:
    module = re.sub(r"[^0-9a-z]+", "_", plain_key(name)).strip("_")
    if not _DISTRIBUTION.fullmatch(name) or not module or module[0].isdigit():
        raise ParIndexError("authoring.bad_distribution_name", name=Found(name))
    return module


def _scaffold(root: Path, name: str, module: str, pack: Pack) -> None:
    """Write the distribution's files under ``root`` (a fresh, empty folder)."""
    package = root / "src" / module
    package.mkdir(parents=True)
    (root / "tests").mkdir()
    (package / f"{pack.id}.toml").write_text(pack_to_toml(pack), encoding="utf-8")
    (package / "__init__.py").write_text(_INIT.format(title=pack.title), encoding="utf-8")
    (root / "pyproject.toml").write_text(
        _PYPROJECT.format(name=name, module=module, title=pack.title.replace('"', "'")),
        encoding="utf-8",
    )
    scorable = pack.scorable_level != 0
    (root / "tests" / "test_pack.py").write_text(
        _TEST.format(pack_id=pack.id) + (_SCORING_TEST if scorable else ""), encoding="utf-8"
    )
    (root / "README.md").write_text(_README.format(name=name, pack=pack), encoding="utf-8")


def cmd_new_pack(args: argparse.Namespace) -> int:
    source = Path(args.source)
    output = Path(args.output)
    root = output / args.name
    if output.exists() and not output.is_dir():
        folder = str(output.parent) if output.parent != Path() else "."
        raise ParIndexError("authoring.scaffold_output_is_file", path=str(output), folder=folder)
    if root.exists():
        raise ParIndexError("authoring.scaffold_exists", path=str(root))
    if not output.is_dir():
        raise ParIndexError("authoring.scaffold_no_folder", path=str(output))
    module = _module_name(args.name)
    pack, violations, methods = lint_file(source, args)
    errors = [v for v in violations if v.severity is Severity.ERROR]
    lang = current_lang()
    if pack is None or errors:
        _print_violations(errors, args)
        raise ParIndexError("authoring.fix_first", file=str(source), errors=len(errors))
    print_methods(methods, lang)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", pack.id):
        raise ParIndexError("authoring.bad_pack_id", found=pack.id)
    # Everything is written in a hidden folder beside the target and renamed into
    # place at the end: a failure leaves nothing behind, and a rerun starts clean.
    building = Path(tempfile.mkdtemp(prefix=f".{args.name}.", dir=output))
    try:
        _scaffold(building, args.name, module, pack)
        os.rename(building, root)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    print(
        text(
            "authoring.created", lang, path=str(root), pack=pack.id, state=completeness(pack, lang)
        )
    )
    coverage_note(pack, lang)
    return 0


def coverage_note(pack: Pack, lang: str) -> None:
    """The coverage line of the pack's default view, when it is partial."""
    from parindex.coverage import pack_coverage
    from parindex.errors import PackError

    try:
        line = pack_coverage(pack).line(lang)
    except PackError:
        total = pack.official_total
        if total is None:
            line = text("authoring.not_scorable_yet", lang)
        else:
            line = text("authoring.not_scorable_declared", lang, total=fmt_number(total, lang))
    if line:
        print(line)


_INIT = '''"""Criteria pack: {title}.

Registered through the ``parindex.packs`` entry point; every ``*.toml`` here is a pack.
"""

from pathlib import Path

import parindex
from parindex.plugins import PackRegistry

HERE = Path(__file__).parent


@parindex.hookimpl
def parindex_register_packs(registry: PackRegistry) -> None:
    for path in sorted(HERE.glob("*.toml")):
        registry.add_file(path)
'''

_PYPROJECT = """[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "{name}"
version = "0.1.0"
description = "parindex criteria pack: {title}"
requires-python = ">=3.11"
dependencies = ["parindex"]

[project.optional-dependencies]
test = ["pytest", "hypothesis"]

[project.entry-points."parindex.packs"]
{name} = "{module}"

[tool.hatch.build.targets.wheel]
packages = ["src/{module}"]
"""

_TEST = '''"""Tests of the pack with the hypothesis strategies of parindex.testing."""

from hypothesis import given, settings
from hypothesis import strategies as st

import parindex
import parindex.testing as pt
from parindex.errors import Severity

PACK_ID = "{pack_id}"


def test_pack_is_installed_and_valid() -> None:
    pack = parindex.get_pack(PACK_ID)
    errors = [v for v in parindex.validate(pack) if v.severity is Severity.ERROR]
    assert errors == []
'''

_SCORING_TEST = """

@settings(max_examples=50, deadline=None)
@given(st.data())
def test_any_valid_input_scores_within_the_maximum(data: st.DataObject) -> None:
    compiled = parindex.compile_pack(parindex.get_pack(PACK_ID))
    scoring_input = data.draw(pt.scoring_inputs(compiled))
    results = parindex.score(compiled, scoring_input)
    for unit in scoring_input.units:
        index = results.index(unit.id)
        assert index is None or 0 <= index <= 100 or compiled.bounded
"""

_README = """# {name}

parindex criteria pack `{pack.id}`: {pack.title} ({pack.version}).

    pip install -e .
    parindex packs
    parindex show {pack.id} --gaps
    pytest
"""
