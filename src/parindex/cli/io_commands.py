"""Commands for files: ``template`` and ``pack export`` / ``pack import``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from parindex.cli.args import (
    add_command,
    add_output,
    add_pack,
    add_stage,
    check_output_args,
    load_pack,
    note,
    positive,
)
from parindex.cli.heading import add_heading, heading_from
from parindex.compiled import compile_pack
from parindex.errors import PackError, ParIndexError, Severity
from parindex.io.pack_files import PACK_FORMATS, export_pack
from parindex.io.table_layout import TABLE_SUFFIXES
from parindex.messages import Found, text
from parindex.validation import validate

#: What ``pack export`` and ``pack import`` write.
PACK_OUTPUTS = tuple(suffix for suffix in PACK_FORMATS if suffix != ".xlsm")


def register(commands: Any) -> None:
    template = add_command(
        commands,
        "template",
        help=text("cli.help_template"),
        examples=(
            "parindex template synthetic-commune -o mau.xlsx",
            "parindex template synthetic-commune -o nhap-lieu.xlsx --layout batch --rows 100",
            "parindex template bnv-province-1150-2019 --level 1 -o mau-tinh.xlsx",
        ),
    )
    add_pack(template)
    add_output(template, (".xlsx",), required=True, help=text("cli.help_template_output"))
    template.add_argument(
        "--layout",
        choices=("unit", "batch"),
        default="unit",
        help=text("cli.help_template_layout"),
    )
    template.add_argument(
        "--rows", type=positive, default=500, metavar="N", help=text("cli.help_template_rows")
    )
    add_stage(template, help=text("cli.help_template_stage"))
    template.add_argument(
        "--level", type=positive, default=None, metavar="N", help=text("cli.help_template_level")
    )
    add_heading(template, signature=False)
    template.set_defaults(handler=cmd_template)

    pack = add_command(
        commands,
        "pack",
        help=text("authoring.help_pack"),
        examples=(
            "parindex pack export bnv-province-1150-2019 -o tieu-chi.xlsx",
            "parindex pack import tieu-chi.xlsx -o goi.toml",
        ),
    )
    actions = pack.add_subparsers(dest="pack_command", required=True, metavar="ACTION")
    formats = ", ".join(PACK_OUTPUTS)
    export = add_command(
        actions,
        "export",
        help=text("authoring.help_pack_export"),
        examples=(
            "parindex pack export bnv-province-1150-2019 -o tieu-chi.xlsx",
            "parindex pack export synthetic-commune -o tieu-chi.csv --lang en",
            "parindex pack export bnv-province-1150-2019 -o bnv-1150.toml",
        ),
    )
    add_pack(export)
    add_output(
        export,
        PACK_OUTPUTS,
        required=True,
        help=text("authoring.help_pack_output", formats=formats),
    )
    export.set_defaults(handler=cmd_pack_export)
    imported = add_command(
        actions,
        "import",
        help=text("authoring.help_pack_import"),
        examples=(
            "parindex pack import tieu-chi.xlsx -o goi.toml",
            "parindex pack import tieu-chi.csv -o goi.json",
        ),
    )
    imported.add_argument("pack", metavar="FILE", help=text("authoring.help_import_file"))
    add_output(
        imported,
        PACK_OUTPUTS,
        required=True,
        help=text("authoring.help_pack_output", formats=formats),
    )
    imported.set_defaults(handler=cmd_pack_import)


def cmd_template(args: argparse.Namespace) -> int:
    from parindex.io.template import write_template  # openpyxl: only when a template is made

    check_output_args(args)
    compiled = compile_pack(load_pack(args.pack), level=args.level)
    stages = compiled.pack.stages
    if args.stage is not None and args.stage not in stages:
        raise ParIndexError(
            "cli.unknown_stage", pack=compiled.pack.id, found=Found(args.stage), stages=list(stages)
        )
    path = write_template(
        compiled,
        args.output,
        layout=args.layout,
        lang=args.lang,
        rows=args.rows,
        stage=args.stage,
        heading=heading_from(args),
    )
    layout = text(f"cli.template_layout_{args.layout}")
    note(args, text("cli.template_written", path=str(path), layout=layout, count=compiled.n_leaves))
    return 0


def cmd_pack_export(args: argparse.Namespace) -> int:
    check_output_args(args)
    pack = load_pack(args.pack)
    print(export_pack(pack, args.output, lang=args.lang))
    return 0


def cmd_pack_import(args: argparse.Namespace) -> int:
    check_output_args(args)
    source = Path(args.pack)
    if source.suffix.lower() in TABLE_SUFFIXES and source.is_file():
        from parindex.io.criteria_table import lint_table

        result = lint_table(source)
        for violation in result.violations:
            if violation.severity is Severity.WARNING:
                note(args, violation.render())
        if result.pack is None:
            raise PackError(source.stem, result.violations)
        pack = result.pack
    else:
        pack = load_pack(args.pack)
        violations = validate(pack)
        for violation in violations:
            note(args, violation.render())
        if any(v.severity is Severity.ERROR for v in violations):
            raise PackError(pack.id, violations)
    print(export_pack(pack, args.output, lang=args.lang))
    return 0
