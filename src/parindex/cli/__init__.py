"""The ``parindex`` command line. Each command group lives in its own module.

:func:`main` is the top-level handler: every user error (a
:class:`~parindex.errors.ParIndexError`) becomes a message in the chosen language
on stderr and exit code 2; anything else is an internal error, reported with a
short "please report" line and exit code 1 (the traceback only with ``--debug``).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from parindex.cli import analysis, authoring, basic, history, io_commands, report
from parindex.cli.args import common_parser
from parindex.errors import ParIndexError
from parindex.messages import current_lang, shorten, text, use_lang

#: Modules contributing commands; each has ``register(subparsers)``.
COMMAND_MODULES = (basic, io_commands, authoring, analysis, history, report)

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USER = 2


class _Parser(argparse.ArgumentParser):
    """Usage errors in the user's language, exit code 2, as argparse does."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USER, text("cli.usage_error", message=message) + "\n")


def _leaf_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                found += _leaf_parsers(child)
    return found or [parser]


def _add_common(parser: argparse.ArgumentParser) -> None:
    """Give a command the common options it does not declare itself."""
    common = common_parser()
    group = parser.add_argument_group(text("cli.group_common"))
    for action in common._actions:
        if any(option in parser._option_string_actions for option in action.option_strings):
            continue
        group._add_action(action)
        for option in action.option_strings:
            parser._option_string_actions[option] = action


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="parindex",
        description="Score Vietnam's PAR Index (Chỉ số cải cách hành chính) exactly.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    for module in COMMAND_MODULES:
        module.register(commands)
    for leaf in _leaf_parsers(parser):
        _add_common(leaf)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", None) or current_lang()
    args.lang = lang
    with use_lang(lang):
        try:
            result: int = args.handler(args)
            sys.stdout.flush()
        except ParIndexError as exc:
            print(text("cli.error_prefix", message=exc.render()), file=sys.stderr)
            return EXIT_USER
        except BrokenPipeError:
            # The reader went away (``parindex demo | head``): stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 141
        except KeyboardInterrupt:
            print(text("cli.interrupted"), file=sys.stderr)
            return 130
        except Exception as exc:
            if getattr(args, "debug", False):
                traceback.print_exc()
            print(
                text(
                    "cli.internal_error",
                    kind=type(exc).__name__,
                    detail=shorten(str(exc), 200),
                ),
                file=sys.stderr,
            )
            return EXIT_INTERNAL
    return result
