"""Options for documents people print and send: who issues them, for which year, who signs.

``--issuer``, ``--year``, ``--title``, ``--signer``, ``--signer-name`` head the
results workbook, the entry template and the HTML report
(:class:`parindex.document.Heading`); ``--decimal-comma`` shapes CSV results
for Vietnamese-locale spreadsheets.
"""

from __future__ import annotations

import argparse

from parindex.cli.args import title_text, year
from parindex.document import Heading
from parindex.messages import text


def add_heading(parser: argparse.ArgumentParser, *, signature: bool = True) -> None:
    """``--issuer``, ``--year``, ``--title`` (and ``--signer``, ``--signer-name``)."""
    group = parser.add_argument_group(text("output.help_heading_group"))
    group.add_argument(
        "--issuer",
        action="append",
        default=[],
        type=title_text,
        metavar="BODY",
        help=text("output.help_issuer"),
    )
    group.add_argument("--year", type=year, default=None, help=text("output.help_year"))
    group.add_argument("--title", type=title_text, default=None, help=text("output.help_title"))
    if signature:
        group.add_argument(
            "--signer",
            action="append",
            default=[],
            type=title_text,
            metavar="LINE",
            help=text("output.help_signer"),
        )
        group.add_argument(
            "--signer-name",
            type=title_text,
            default="",
            metavar="NAME",
            help=text("output.help_signer_name"),
        )


def heading_from(args: argparse.Namespace) -> Heading:
    """The :class:`Heading` the options describe."""
    return Heading(
        issuer=tuple(getattr(args, "issuer", ()) or ()),
        year=getattr(args, "year", None),
        title=getattr(args, "title", None),
        signer=tuple(getattr(args, "signer", ()) or ()),
        signer_name=getattr(args, "signer_name", "") or "",
    )


def add_decimal_comma(parser: argparse.ArgumentParser) -> None:
    """``--decimal-comma`` / ``--no-decimal-comma`` for CSV results (default: by language)."""
    parser.add_argument(
        "--decimal-comma",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=text("output.help_decimal_comma"),
    )
