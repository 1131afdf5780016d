"""The one argument layer every command uses: PACK, INPUT..., -o, --lang, --quiet.

Commands declare their arguments with these helpers so that the same thing has
the same name and meaning everywhere:

- ``PACK``: an installed pack id, or a pack file (.toml, .json, .xlsx, .csv criteria table);
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
from collections.abc import Sequence
from pathlib import Path

from parindex.io.paths import check_outputs
from parindex.messages import LANGS, text
from parindex.model import Pack

#: Extensions a pack file may have (criteria tables included).
PACK_FILE_SUFFIXES = (".toml", ".json", ".xlsx", ".xlsm", ".csv")
RESULT_KINDS = (".xlsx", ".csv", ".json")


def common_parser() -> argparse.ArgumentParser:
    """Options every command takes (a parent parser for each subcommand)."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group(text("cli.group_common", "en"))
    group.add_argument(
        "--lang",
        choices=LANGS,
        default=argparse.SUPPRESS,
        help="language of messages and outputs: vi (default, or $PARINDEX_LANG) or en",
    )
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print only results and errors (no progress, no notes)",
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print more detail (timings, files read)",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the full traceback of an internal error",
    )
    return parent


def add_pack(parser: argparse.ArgumentParser, *, optional: bool = False) -> None:
    """The ``PACK`` positional: an installed pack id or a pack file."""
    parser.add_argument(
        "pack",
        metavar="PACK",
        nargs="?" if optional else None,
        help="an installed pack id (see `parindex packs`) or a pack file "
        "(.toml, .json, .xlsx, or a .csv/.xlsx criteria table)",
    )


def add_inputs(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    """The ``INPUT...`` positionals: workbooks, folders, long CSV, JSON, mixed."""
    parser.add_argument(
        "inputs",
        metavar="INPUT",
        nargs="+" if required else "*",
        help="filled workbooks (.xlsx), folders of them, long CSV (.csv) or JSON "
        "input documents, in any mix",
    )


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
        help=help or f"write to a file ({', '.join(kinds)})",
    )
    parser.set_defaults(output_kinds=tuple(kinds))


def check_output_args(args: argparse.Namespace, *extra: tuple[str | None, Sequence[str]]) -> None:
    """Check ``args.output`` (and any ``extra`` outputs) against the inputs, before any work."""
    inputs: list[str | Path] = list(getattr(args, "inputs", None) or ())
    pack = getattr(args, "pack", None)
    if isinstance(pack, str) and Path(pack).suffix.lower() in PACK_FILE_SUFFIXES:
        inputs.append(pack)
    outputs: list[tuple[str | Path | None, Sequence[str]]] = []
    if getattr(args, "output", None) is not None:
        outputs.append((args.output, getattr(args, "output_kinds", ())))
    outputs += list(extra)
    check_outputs(outputs, inputs)


def load_pack(name: str) -> Pack:
    """An installed pack by id, or a pack file by path (criteria tables included)."""
    from parindex.io.pack_files import PACK_FORMATS, import_pack
    from parindex.plugins import default_plugins

    path = Path(name)
    if path.suffix.lower() in PACK_FORMATS and path.is_file():
        return import_pack(path)
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
