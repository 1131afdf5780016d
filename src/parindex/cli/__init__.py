"""The ``parindex`` command line. Each command group lives in its own module."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from parindex.cli import analysis, authoring, basic, history, io_commands, report
from parindex.errors import ParIndexError

#: Modules contributing commands; each has ``register(subparsers)``.
COMMAND_MODULES = (basic, io_commands, authoring, analysis, history, report)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parindex",
        description="Score Vietnam's PAR Index (Chỉ số cải cách hành chính) exactly.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.handler(args)
        sys.stdout.flush()
    except ParIndexError as exc:
        print(f"parindex: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (``parindex demo | head``): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    return result
