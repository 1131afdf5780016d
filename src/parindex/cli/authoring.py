"""Authoring commands: ``pack-lint`` (every problem, located by row) and ``new-pack``.

The path from a decision's appendix to a published pack::

    parindex pack-lint criteria.csv --id … --basis "892/QĐ-BNV:2024-12-05"
    parindex new-pack parindex-pack-hau-giang --from criteria.csv --id … --basis …
    parindex pack-lint parindex-pack-hau-giang/src/parindex_pack_hau_giang/<id>.toml
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w

from parindex.cli.packinfo import completeness
from parindex.errors import ParIndexError, Severity, Violation
from parindex.io.criteria_table import lint_document, table_document
from parindex.io.pack_files import pack_to_toml as pack_file_text
from parindex.model import Pack
from parindex.plugins import converter
from parindex.serialization import pack_to_document

TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm")


def register(commands: Any) -> None:
    lint = commands.add_parser(
        "pack-lint", help="check a pack file (.toml/.json) or a criteria table (.csv/.xlsx)"
    )
    lint.add_argument("file")
    _meta_options(lint)
    lint.set_defaults(handler=cmd_lint)

    new = commands.add_parser("new-pack", help="scaffold a third-party pack distribution")
    new.add_argument("name", help="distribution name, e.g. parindex-pack-hau-giang")
    new.add_argument("--from", dest="source", required=True, help="criteria table or pack file")
    new.add_argument("-o", "--output", default=".", help="folder to create the distribution in")
    _meta_options(new)
    new.set_defaults(handler=cmd_new_pack)


def _meta_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("pack metadata (for criteria tables)")
    group.add_argument("--id", help="pack id, e.g. haugiang-department-2024")
    group.add_argument("--title", help="official title of the index")
    group.add_argument("--version", help="version, usually the decision number and date")
    group.add_argument("--unit-group", help="province, ministry, department, district, commune, …")
    group.add_argument("--years", help="years it applies to: 2024 or 2024-2030 or 2024-")
    group.add_argument(
        "--basis",
        action="append",
        default=[],
        help="legal basis NUMBER:YYYY-MM-DD[:TITLE], repeatable (e.g. '892/QĐ-BNV:2024-12-05')",
    )


def table_meta(args: argparse.Namespace, table: Path) -> dict[str, Any]:
    """Pack metadata from the command-line options (a table holds only the rows)."""
    meta: dict[str, Any] = {
        "id": args.id or table.stem,
        "title": args.title or "",
        "version": args.version or "",
        "unit_group": args.unit_group or "",
    }
    if args.years:
        first, dash, last = args.years.partition("-")
        years: dict[str, Any] = {"first": first}
        if dash and last:
            years["last"] = last
        meta["years"] = years
    bases = []
    for text in args.basis:
        number, _, rest = text.partition(":")
        date, _, title = rest.partition(":")
        basis: dict[str, Any] = {"number": number}
        if date:
            basis["date"] = date
        if title:
            basis["title"] = title
        bases.append(basis)
    meta["legal_basis"] = bases
    return meta


def _toml_places(path: Path, count: int) -> list[str]:
    """File and line of each ``[[nodes]]`` entry, in order."""
    lines = [
        number
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.strip() == "[[nodes]]"
    ]
    return [
        f"{path.name}, line {lines[i]}" if i < len(lines) else f"nodes[{i}]" for i in range(count)
    ]


def lint_file(path: Path, args: argparse.Namespace) -> tuple[Pack | None, list[Violation]]:
    """Every problem of a pack file or criteria table, located by row or line."""
    if path.suffix.lower() in TABLE_SUFFIXES:
        document, places, problems = table_document(path, table_meta(args, path))
        pack, violations = lint_document(document, places, converter())
        return pack, problems + violations
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        document = json.loads(text, parse_float=Decimal)
        places = [f"{path.name}, nodes[{i}]" for i in range(len(document.get("nodes", [])))]
    else:
        try:
            document = tomllib.loads(text, parse_float=Decimal)
        except tomllib.TOMLDecodeError as exc:
            return None, [Violation("", Severity.ERROR, "toml", str(exc), path.name)]
        places = _toml_places(path, len(document.get("nodes", [])))
    return lint_document(document, places, converter())


def cmd_lint(args: argparse.Namespace) -> int:
    path = Path(args.file)
    pack, violations = lint_file(path, args)
    errors = [v for v in violations if v.severity is Severity.ERROR]
    verbose = bool(getattr(args, "verbose", False))
    for violation in sorted(violations, key=lambda v: v.severity is not Severity.ERROR):
        print(violation.render() + (f"  [{violation.check}]" if verbose else ""))
    state = "" if pack is None else f"; {pack.id}: {completeness(pack)}"
    print(f"{path}: {len(errors)} error(s), {len(violations) - len(errors)} warning(s){state}")
    return 1 if errors else 0


def print_gaps(pack: Pack) -> None:
    """What the sources do not give, and why; where each known figure comes from."""
    print(f"{pack.title}\n{pack.id} · {pack.version} · {pack.unit_group.value} · {pack.years}")
    print(f"completeness: {completeness(pack)}")
    declared = pack.declared
    counts = [
        f"{value} {name}"
        for name, value in (
            ("fields", declared.fields),
            ("criteria", declared.criteria),
            ("sub-criteria", declared.sub_criteria),
        )
        if value is not None
    ]
    maxima = [f"{source.value} {value}" for source, value in declared.maximum.items()]
    if counts or maxima:
        print("declared: " + ", ".join(counts + maxima))
    for provenance in declared.provenance:
        print(
            f"  [{provenance.status.value}] {provenance.document}"
            + (f" — {provenance.note}" if provenance.note else "")
        )
    print("gaps:")
    lines = [f"  - {gap}" for gap in pack.gaps]
    for _, node in pack.walk():
        if node.gap:
            lines.append(f"  - {node.code} {node.title}: {node.gap}")
        for provenance in node.provenance:
            if provenance.status.value == "missing":
                lines.append(
                    f"  - {node.code}: {provenance.document} ({provenance.note or 'missing'})"
                )
    print("\n".join(lines) if lines else "  none: every figure is transcribed")


def _module_name(name: str) -> str:
    module = re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()
    if not module or module[0].isdigit():
        raise ParIndexError(f"cannot make a Python module name from {name!r}")
    return module


def _plain(value: Any) -> Any:
    """Decimals and dates as TOML can write them (decimals as exact strings become floats)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value)
    return value


def pack_to_toml(pack: Pack) -> str:
    """A pack file: numbers written as TOML numbers parsed back exactly as decimals."""
    document = _plain(pack_to_document(pack, converter()))
    text = tomli_w.dumps(_numbers(document))
    return f"# {pack.title}\n# {pack.id} · {pack.version}\n\n{text}"


_NUMERIC_KEYS = {
    "maximum", "points", "threshold", "otherwise", "lower", "upper", "full_at", "floor",
    "ceiling", "per_item", "scale_min", "scale_max", "bonus_cap", "deduction_cap",
    "self_assessment", "survey", "minimum", "total_bonus_cap", "total_deduction_cap",
}  # fmt: skip


def _numbers(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _numbers(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(item, key) for item in value]
    if key in _NUMERIC_KEYS and isinstance(value, str):
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(value)
    return value


def cmd_new_pack(args: argparse.Namespace) -> int:
    source = Path(args.source)
    pack, violations = lint_file(source, args)
    errors = [v for v in violations if v.severity is Severity.ERROR]
    if pack is None or errors:
        for violation in errors:
            print(violation)
        raise ParIndexError(f"{source}: {len(errors)} error(s); fix them before scaffolding")
    root = Path(args.output) / args.name
    if root.exists():
        raise ParIndexError(f"{root} already exists")
    module = _module_name(args.name)
    package = root / "src" / module
    package.mkdir(parents=True)
    (root / "tests").mkdir()
    (package / f"{pack.id}.toml").write_text(pack_file_text(pack), encoding="utf-8")
    (package / "__init__.py").write_text(_INIT.format(title=pack.title), encoding="utf-8")
    (root / "pyproject.toml").write_text(
        _PYPROJECT.format(name=args.name, module=module, title=pack.title.replace('"', "'")),
        encoding="utf-8",
    )
    scorable = pack.scorable_level != 0
    (root / "tests" / "test_pack.py").write_text(
        _TEST.format(pack_id=pack.id) + (_SCORING_TEST if scorable else ""), encoding="utf-8"
    )
    (root / "README.md").write_text(_README.format(name=args.name, pack=pack), encoding="utf-8")
    print(f"created {root} (pack {pack.id}, {completeness(pack)})")
    return 0


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
