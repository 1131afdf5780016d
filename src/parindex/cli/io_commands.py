"""Commands for files: ``template`` and ``pack export`` / ``pack import``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from parindex.cli.args import (
    add_command,
    add_output,
    add_pack,
    add_stage,
    check_output_args,
    load_pack,
)
from parindex.cli.heading import add_heading, heading_from
from parindex.compiled import compile_pack
from parindex.errors import PackError, Severity
from parindex.io.pack_files import export_pack, import_pack
from parindex.io.template import write_template
from parindex.validation import validate


def register(commands: Any) -> None:
    template = add_command(
        commands,
        "template",
        help="write an Excel template for a pack",
        examples=(
            "parindex template synthetic-commune -o mau.xlsx",
            "parindex template synthetic-commune -o nhap-lieu.xlsx --layout batch --rows 100",
            "parindex template bnv-province-1150-2019 --level 1 -o mau-tinh.xlsx",
        ),
    )
    add_pack(template)
    add_output(template, (".xlsx",), required=True, help="the .xlsx file to write")
    template.add_argument(
        "--layout",
        choices=("unit", "batch"),
        default="unit",
        help="unit: one unit per workbook; batch: many units as rows, leaf codes as columns",
    )
    template.add_argument("--rows", type=int, default=500, help="batch layout: unit rows to unlock")
    add_stage(
        template, help="batch layout: the stage its values belong to (default: the pack's first)"
    )
    template.add_argument(
        "--level", type=int, default=None, metavar="N", help="enter values at depth N"
    )
    add_heading(template, signature=False)
    template.set_defaults(handler=cmd_template)

    pack = commands.add_parser("pack", help="export or import criteria packs")
    actions = pack.add_subparsers(dest="pack_command", required=True, metavar="ACTION")
    export = actions.add_parser(
        "export", help="write an installed pack (or a pack file) as .toml, .json or .xlsx"
    )
    export.add_argument("pack", help="an installed pack id, or a pack file")
    export.add_argument("-o", "--output", required=True)
    export.set_defaults(handler=cmd_pack_export)
    imported = actions.add_parser(
        "import", help="convert a pack file (.xlsx, .json, .toml) to TOML or JSON"
    )
    imported.add_argument("file")
    imported.add_argument(
        "-o", "--output", required=True, help="the .toml (or .json) file to write"
    )
    imported.set_defaults(handler=cmd_pack_import)


def cmd_template(args: argparse.Namespace) -> int:
    check_output_args(args)
    compiled = compile_pack(load_pack(args.pack), level=args.level)
    path = write_template(
        compiled,
        args.output,
        layout=args.layout,
        lang=args.lang,
        rows=args.rows,
        stage=args.stage,
        heading=heading_from(args),
    )
    print(f"{path} ({args.layout}, {compiled.n_leaves} criteria to fill)")
    return 0


def cmd_pack_export(args: argparse.Namespace) -> int:
    pack = load_pack(args.pack)
    print(export_pack(pack, args.output))
    return 0


def cmd_pack_import(args: argparse.Namespace) -> int:
    pack = import_pack(args.file)
    violations = validate(pack)
    for violation in violations:
        print(violation, file=sys.stderr)
    if any(v.severity is Severity.ERROR for v in violations):
        raise PackError(pack.id, violations)
    print(export_pack(pack, args.output))
    return 0
