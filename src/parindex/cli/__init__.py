"""The ``parindex`` command line. Each command group lives in its own module.

:func:`main` is the top-level handler: every user error (a
:class:`~parindex.errors.ParIndexError`) becomes a message in the chosen language
on stderr and exit code 2; anything else is an internal error, reported with a
short "please report" line and exit code 1 (the traceback only with ``--debug``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import traceback
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn

from parindex.cli import analysis, authoring, basic, history, io_commands, report, survey
from parindex.cli.args import EXIT_INTERNAL, EXIT_OK, EXIT_USER, common_parser
from parindex.errors import ParIndexError, os_reason
from parindex.messages import LANGS, current_lang, shorten, text, use_lang

#: Modules contributing commands; each has ``register(subparsers)``.
COMMAND_MODULES = (basic, io_commands, authoring, analysis, history, report, survey)

__all__ = ["EXIT_INTERNAL", "EXIT_OK", "EXIT_USER", "build_parser", "main"]


class _Parser(argparse.ArgumentParser):
    """Usage errors in the user's language, exit code 2, as argparse does."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USER, text("cli.usage_error", message=message) + "\n")


def _leaf_parsers(
    parser: argparse.ArgumentParser, name: str = ""
) -> list[tuple[str, argparse.ArgumentParser]]:
    """Every command that runs, with its name (``"history import"``)."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child_name, child in action.choices.items():
                found += _leaf_parsers(child, f"{name} {child_name}".strip())
    return found or [(name, parser)]


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


class _Version(argparse.Action):
    """``--version``: print what is installed and exit, like every Unix tool."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from parindex.cli.packinfo import version_report

        print(version_report())
        parser.exit(EXIT_OK)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="parindex",
        description=text("cli.description"),
        epilog=text("cli.main_epilog"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-V",
        "--version",
        action=_Version,
        help=text("cli.help_version"),
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    for module in COMMAND_MODULES:
        module.register(commands)
    _escape_percent(parser)
    for _, leaf in _leaf_parsers(parser):
        _add_common(leaf)
    return parser


#: ``%%`` (already escaped) or a ``%`` that does not start ``%(name)s``.
_PERCENT = re.compile(r"%%|%(?!\()")


def _literal_percent(help: str) -> str:
    return _PERCENT.sub(lambda found: "%%", help)


def _escape_percent(parser: argparse.ArgumentParser) -> None:
    """Help texts say "95 %" as Vietnamese writes it; argparse %-formats help, so escape it."""
    for action in parser._actions:
        if isinstance(action.help, str):
            action.help = _literal_percent(action.help)
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if isinstance(choice.help, str):
                    choice.help = _literal_percent(choice.help)
            for child in dict.fromkeys(action.choices.values()):
                _escape_percent(child)


#: argparse's own phrases (it passes them through gettext) and their catalogue codes.
ARGPARSE_PHRASES = {
    "usage: ": "cli.argparse_usage",
    "positional arguments": "cli.argparse_positionals",
    "options": "cli.argparse_options",
    "show this help message and exit": "cli.argparse_help",
    "the following arguments are required: %s": "cli.argparse_required",
    "unrecognized arguments: %s": "cli.argparse_unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse_choice",
    "argument %(argument_name)s: %(message)s": "cli.argparse_argument",
    "expected one argument": "cli.argparse_one",
    "expected at least one argument": "cli.argparse_at_least_one",
    "invalid %(type)s value: %(value)r": "cli.argparse_invalid_value",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse_ambiguous",
    "not allowed with argument %s": "cli.argparse_not_allowed",
}


@contextlib.contextmanager
def _argparse_in(lang: str) -> Iterator[None]:
    """argparse's own words (usage, required arguments, …) in ``lang`` inside the block."""
    original = argparse._  # type: ignore[attr-defined]

    def translate(phrase: str) -> str:
        code = ARGPARSE_PHRASES.get(phrase)
        return original(phrase) if code is None else text(code, lang)

    argparse._ = translate  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]


def _lang_in(argv: Sequence[str]) -> str | None:
    """``--lang`` as given on the command line, so that ``--help`` speaks it too."""
    for position, word in enumerate(argv):
        if word == "--":
            break
        value = word.partition("=")[2] if word.startswith("--lang=") else None
        if word == "--lang" and position + 1 < len(argv):
            value = argv[position + 1]
        if value in LANGS:
            return value
    return None


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    with use_lang(_lang_in(words)) as chosen, _argparse_in(chosen):
        try:
            parser = build_parser()
            args = parser.parse_args(words)
        except BrokenPipeError:  # `parindex --help | head -1`
            return _closed_pipe()
        except Exception as exc:  # a broken plugin, command module or help text: no raw traceback
            return _internal_error(exc, debug="--debug" in words)
    lang = getattr(args, "lang", None) or current_lang()
    args.lang = lang
    with use_lang(lang):
        try:
            result: int = args.handler(args)
            sys.stdout.flush()
        except ParIndexError as exc:
            print(text("cli.error_prefix", message=exc.render()), file=sys.stderr)
            if exc.technical and (getattr(args, "verbose", False) or getattr(args, "debug", False)):
                print(text("cli.technical_detail", detail=exc.technical), file=sys.stderr)
            return EXIT_USER
        except BrokenPipeError:
            return _closed_pipe()
        except OSError as exc:
            # The system refused a file operation (no permission, disk full, …):
            # the user's environment, not a bug.
            print(text("cli.error_prefix", message=_os_error(exc)), file=sys.stderr)
            return EXIT_USER
        except KeyboardInterrupt:
            print(text("cli.interrupted"), file=sys.stderr)
            return 130
        except Exception as exc:
            return _internal_error(exc, debug=bool(getattr(args, "debug", False)))
        except BaseException as exc:  # a panic in compiled code (pyo3's PanicException)
            if type(exc).__name__ != "PanicException":
                raise
            return _internal_error(exc, debug=bool(getattr(args, "debug", False)))
    return result


def _closed_pipe() -> int:
    """The reader went away (``parindex demo | head``): stop quietly, as Unix tools do."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 141


def _internal_error(exc: BaseException, *, debug: bool) -> int:
    """A bug: a short "please report" line; the traceback only with ``--debug``."""
    if debug:
        traceback.print_exc()
    detail = shorten(str(exc), 200)
    print(text("cli.internal_error", kind=type(exc).__name__, detail=detail), file=sys.stderr)
    return EXIT_INTERNAL


def _os_error(exc: OSError) -> str:
    reason = os_reason(exc)
    if exc.filename is not None:
        return text("cli.os_error_file", path=str(exc.filename), reason=reason)
    return text("cli.os_error", reason=reason)
