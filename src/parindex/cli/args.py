"""The one argument layer every command uses: PACK, INPUT..., -o, --lang, --quiet.

Commands declare their arguments with these helpers so that the same thing has
the same name and meaning everywhere:

- ``PACK``: an installed pack id, or a pack file (.toml, .json, .xlsx);
- ``INPUT...``: any mix of filled workbooks, folders of them, long CSV and JSON documents;
- ``-o/--output``: checked before any work (known extension, writable folder,
  never one of the inputs) by :func:`check_output_args`;
- ``--lang vi|en``, ``--quiet``, ``--verbose``, ``--debug``: on every command.

The top-level handler in :mod:`parindex.cli` renders every
:class:`~parindex.errors.ParIndexError` as a message in the chosen language and
exits with code 2.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parindex.errors import ParIndexError
from parindex.io.paths import check_outputs
from parindex.messages import LANGS, Found, text
from parindex.model import Pack

if TYPE_CHECKING:
    from parindex.compiled import CompiledPack
    from parindex.inputs import ScoringInput
    from parindex.results import Results

#: Extensions a pack file may have (criteria tables included).
PACK_FILE_SUFFIXES = (".toml", ".json", ".xlsx", ".xlsm", ".csv")
RESULT_KINDS = (".xlsx", ".csv", ".json")

#: Exit codes (the README's table): done; an internal error; a problem in the data or command.
EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USER = 2


def common_parser() -> argparse.ArgumentParser:
    """Options every command takes (a parent parser for each subcommand)."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group(text("cli.group_common"))
    group.add_argument(
        "--lang",
        choices=LANGS,
        default=argparse.SUPPRESS,
        help=text("cli.help_lang"),
    )
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help=text("cli.help_quiet"),
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help=text("cli.help_verbose"),
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help=text("cli.help_debug"),
    )
    return parent


def add_command(
    commands: Any, name: str, *, help: str, examples: Sequence[str] = (), **kwargs: Any
) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` ends with runnable examples."""
    epilog = None
    if examples:
        epilog = text("cli.examples") + "\n" + "\n".join(f"  {line}" for line in examples)
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=help,
        description=kwargs.pop("description", help[:1].upper() + help[1:] + "."),
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **kwargs,
    )
    return parser


def add_pack(parser: argparse.ArgumentParser, *, optional: bool = False) -> None:
    """The ``PACK`` positional: an installed pack id or a pack file."""
    parser.add_argument(
        "pack",
        metavar="PACK",
        nargs="?" if optional else None,
        help=text("cli.help_pack"),
    )


def add_inputs(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    """The ``INPUT...`` positionals: workbooks, folders, long CSV, JSON, mixed."""
    parser.add_argument(
        "inputs",
        metavar="INPUT",
        nargs="+" if required else "*",
        help=text("cli.help_inputs"),
    )


def _whole_number(value: str, least: int, expected: str) -> int:
    """``value`` as a whole number from ``least`` up, or a usage error saying ``expected``."""
    try:
        number = int(value)
    except ValueError:
        number = least - 1
    if number < least:
        raise argparse.ArgumentTypeError(text(expected, found=Found(value)))
    return number


def positive(value: str) -> int:
    """A whole number from 1 up (``--level``, ``--rows``, ``--communes``, ``--units``), or a
    usage error."""
    return _whole_number(value, 1, "cli.positive_expected")


def natural(value: str) -> int:
    """A whole number from 0 up (``--seed``, ``--depth``, ``--criteria-level`` where 0 means
    the leaves, ``--expanded``), or a usage error."""
    return _whole_number(value, 0, "cli.seed_expected")


#: A random seed: a whole number from 0 up.
seed = natural


def year(value: str) -> int:
    """A year a result or document is for (``--year``, ``--previous``, ``--previous-year``):
    the same range the results store keeps, so a typo (0, 20245, -1) is a usage error
    here rather than a title reading "năm 0" or a refusal after all the work."""
    from parindex.grammar import YEARS

    try:
        number = int(value)
    except ValueError:
        number = YEARS[0] - 1
    if number not in YEARS:
        raise argparse.ArgumentTypeError(
            text("cli.year_expected", found=Found(value), first=YEARS[0], last=YEARS[-1])
        )
    return number


def title_text(value: str) -> str:
    """A line of a document's heading (``--title``, ``--issuer``, ``--signer``,
    ``--signer-name``): no control characters (a workbook cannot store them, a terminal
    acts on them) and no longer than a title may be, or a usage error."""
    from parindex.grammar import MAX_TITLE_CHARS, EntryError, check_text

    try:
        return check_text(value, what="title", limit=MAX_TITLE_CHARS)
    except EntryError as exc:
        raise argparse.ArgumentTypeError(exc.message.render()) from None


def fraction(value: str) -> Decimal:
    """A share from 0 to 1 (``--spread``; ``0,2`` as Vietnamese writes it), or a usage error."""
    from parindex.grammar import EntryError, number_from_value

    try:
        number = number_from_value(value)
    except EntryError:
        number = Decimal(-1)
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(text("cli.fraction_expected", found=Found(value)))
    return number


def add_scoring(parser: argparse.ArgumentParser, *, demo: bool = False) -> None:
    """``--level`` and ``--allow-missing`` (how inputs are scored), and ``--demo N``."""
    parser.add_argument(
        "--level",
        type=positive,
        default=None,
        metavar="N",
        help=text("cli.help_level"),
    )
    parser.add_argument(
        "--allow-missing",
        action="store_true",
        help=text("cli.help_missing"),
    )
    parser.add_argument(
        "--survey",
        action="append",
        default=[],
        metavar="ANSWERS",
        help=text("survey.help_survey"),
    )
    parser.add_argument(
        "--survey-definition",
        default=None,
        metavar="SURVEY",
        help=text("survey.help_survey_definition"),
    )
    if demo:
        parser.add_argument(
            "--demo",
            type=positive,
            default=None,
            metavar="N",
            help=text("cli.help_demo"),
        )


def add_stage(parser: argparse.ArgumentParser, help: str | None = None) -> None:
    """``--stage NAME``: the stage view to use (default: final)."""
    parser.add_argument(
        "--stage",
        default=None,
        metavar="NAME",
        help=help or text("cli.help_stage"),
    )


def add_json(parser: argparse.ArgumentParser) -> None:
    """``--json``: structured output on stdout instead of text."""
    parser.add_argument("--json", action="store_true", help=text("cli.help_json"))


def add_output(
    parser: argparse.ArgumentParser,
    kinds: Sequence[str],
    *,
    required: bool = False,
    help: str | None = None,
) -> None:
    """``-o/--output FILE`` with the extensions it may take (checked before any work)."""
    parser.add_argument(
        "-o",
        "--output",
        required=required,
        default=None,
        metavar="FILE",
        help=help or text("cli.help_output", kinds=list(kinds)),
    )
    parser.set_defaults(output_kinds=tuple(kinds))


#: Arguments whose values name files a command reads: an output may be none of them.
#: ``survey`` is the SURVEY definition of ``survey …`` commands and the ``--survey
#: ANSWERS`` files of scoring commands; a value that names no file is harmless here.
INPUT_ARGUMENTS = (
    "pack",
    "inputs",
    "answers",
    "survey",
    "survey_definition",
    "satisfaction",
    "satisfaction_definition",
    "previous",
    "mapping",
)


def input_paths(args: argparse.Namespace) -> list[str | Path]:
    """Every file or folder ``args`` names to be read (PACK, INPUT..., answers, definitions)."""
    found: list[str | Path] = []
    for name in INPUT_ARGUMENTS:
        value = getattr(args, name, None)
        values = value if isinstance(value, list | tuple) else [value]
        found += [item for item in values if isinstance(item, str | Path) and str(item)]
    return found


def check_output_args(args: argparse.Namespace, *extra: tuple[str | None, Sequence[str]]) -> None:
    """Check ``args.output`` (and any ``extra`` outputs) against every input, before any work."""
    inputs = input_paths(args)
    outputs: list[tuple[str | Path | None, Sequence[str]]] = []
    if getattr(args, "output", None) is not None:
        outputs.append((args.output, getattr(args, "output_kinds", ())))
    outputs += list(extra)
    check_outputs(outputs, inputs)


def scored(args: argparse.Namespace) -> Results:
    """Results for ``PACK INPUT...`` (or ``--demo N``) with ``--level`` and ``--allow-missing``."""
    from parindex.compiled import compile_pack
    from parindex.io import read_input
    from parindex.scoring import score

    started = time.perf_counter()
    compiled = compile_pack(load_pack(args.pack), level=args.level)
    demo = getattr(args, "demo", None)
    definition = None
    if getattr(args, "survey", None):  # survey answers give the points of the survey leaves
        from parindex.survey.loading import survey_definition_for

        definition = survey_definition_for(compiled, args.survey_definition)
    surveyed = tuple(leaf.code for leaf in definition.leaves) if definition else ()
    if demo is not None:
        if args.inputs:
            raise ParIndexError("cli.demo_and_inputs")
        data = demo_input(compiled, demo)
        if surveyed:  # SYNTHETIC demo figures of the survey leaves give way to the answers
            from parindex.survey.combine import without_leaves

            data = without_leaves(data, compiled, surveyed)
    elif not args.inputs:
        raise ParIndexError("cli.no_inputs")
    else:
        data = read_input(
            compiled,
            *args.inputs,
            allow_missing=args.allow_missing,
            progress=not is_quiet(args),
            elsewhere=surveyed,
        )
    survey = None
    if definition is not None:
        from parindex.survey.loading import survey_points_for

        survey = survey_points_for(compiled, data, args.survey, definition)
    results = score(compiled, data, survey=survey)
    if option(args, "verbose", False):
        elapsed = round((time.perf_counter() - started) * 1000)
        note(args, text("cli.scored_in", units=len(results.units), ms=elapsed))
    return results


def synthetic_banner(args: argparse.Namespace) -> None:
    """Say on stdout, before any figure, that ``--demo`` figures are SYNTHETIC."""
    if getattr(args, "demo", None) is not None and not getattr(args, "json", False):
        print(text("cli.synthetic_note") + "\n")


def demo_input(compiled: CompiledPack, units: int) -> ScoringInput:
    """``units`` SYNTHETIC units, with a SYNTHETIC appraisal where the pack has one."""
    from parindex.analysis.synthetic_appraisal import synthetic_appraisal
    from parindex.synthetic import synthetic_input

    data = synthetic_input(compiled, units)
    if "self" in data.stages and "appraisal_1" in compiled.pack.stages:
        data = synthetic_appraisal(compiled, data)
    return data


def load_pack(name: str) -> Pack:
    """An installed pack by id, or a pack file by path (.toml, .json, .xlsx)."""
    from parindex.io.pack_files import PACK_FORMATS, import_pack
    from parindex.plugins import default_plugins

    path = Path(name)
    if path.suffix.lower() in PACK_FORMATS:
        if path.is_file():
            return import_pack(path)
        if not path.exists():
            raise ParIndexError("cli.no_pack_file", path=name)
        raise ParIndexError("cli.pack_not_a_file", path=name)
    return default_plugins().pack(name)


def option(args: argparse.Namespace, name: str, default: object = None) -> object:
    """A common option's value (common options are absent unless given)."""
    return getattr(args, name, default)


def is_quiet(args: argparse.Namespace) -> bool:
    return bool(option(args, "quiet", False))


def note(args: argparse.Namespace, line: str) -> None:
    """A side note on stderr (progress, what was written), silenced by ``--quiet``."""
    if not is_quiet(args):
        print(line, file=sys.stderr)
