"""Options for documents people print and send: who issues them, for which year, who signs.

``--issuer``, ``--year``, ``--title``, ``--signer``, ``--signer-name`` head the
results workbook, the entry template and the HTML report
(:class:`parindex.document.Heading`); ``--decimal-comma`` shapes CSV results
for Vietnamese-locale spreadsheets.
"""

from __future__ import annotations

import argparse

from parindex.document import Heading


def add_heading(parser: argparse.ArgumentParser, *, signature: bool = True) -> None:
    """``--issuer``, ``--year``, ``--title`` (and ``--signer``, ``--signer-name``)."""
    group = parser.add_argument_group("document heading")
    group.add_argument(
        "--issuer",
        action="append",
        default=[],
        metavar="BODY",
        help='issuing body, parent body first; repeat it or separate lines with " / " '
        '(e.g. --issuer "UBND tỉnh Sóc Trăng / Sở Nội vụ")',
    )
    group.add_argument(
        "--year",
        type=int,
        default=None,
        help="the year these figures are for: in the title (and what --previous compares with)",
    )
    group.add_argument("--title", default=None, help="the title (default: from the year)")
    if signature:
        group.add_argument(
            "--signer",
            action="append",
            default=[],
            metavar="LINE",
            help='signing lines, e.g. --signer "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"',
        )
        group.add_argument("--signer-name", default="", metavar="NAME", help="the signer's name")


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
        help="CSV results with decimal commas and ';' between fields, as Vietnamese-locale "
        "Excel reads them (default: on with --lang vi, off with --lang en)",
    )
