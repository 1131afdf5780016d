"""``parindex report``: the self-contained HTML report (Vietnamese by default)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from parindex.cli.args import (
    add_command,
    add_inputs,
    add_output,
    add_pack,
    add_scoring,
    add_stage,
    check_output_args,
    natural,
    note,
    scored,
    year,
)
from parindex.cli.heading import add_heading, heading_from
from parindex.cli.history import AGGREGATES
from parindex.cli.survey import add_survey_report, survey_files, survey_report_of
from parindex.errors import ParIndexError
from parindex.messages import text

if TYPE_CHECKING:
    from parindex.report import PreviousYear
    from parindex.results import Results

# The report layer and the history store are imported by ``cmd_report`` only.


def register(commands: Any) -> None:
    report = add_command(
        commands,
        "report",
        help=text("report.help_report"),
        examples=(
            "parindex report synthetic-commune --demo 200 -o report.html",
            "parindex report synthetic-commune don-vi/ ket-qua.csv -o report.html --lang en",
            "parindex report my-pack.toml don-vi/ -o report.html --previous lich-su.sqlite "
            "--year 2024",
        ),
    )
    add_pack(report)
    add_inputs(report, required=False)
    add_output(report, (".html",), required=True, help=text("report.help_output"))
    add_scoring(report, demo=True)
    add_survey_report(report)
    report.add_argument(
        "--numbers",
        choices=("auto", "vi", "plain"),
        default="auto",
        help=text("report.help_numbers"),
    )
    report.add_argument(
        "--previous",
        metavar="STORE",
        help=text("report.help_previous"),
    )
    add_heading(report, signature=False)
    report.add_argument(
        "--previous-year", type=year, metavar="YEAR", help=text("report.help_previous_year")
    )
    report.add_argument(
        "--mapping", action="append", default=[], metavar="FILE", help=text("history.help_mapping")
    )
    report.add_argument(
        "--aggregate",
        choices=AGGREGATES,
        default="none",
        help=text("report.help_aggregate"),
    )
    add_stage(report, help=text("report.help_stage"))
    report.add_argument(
        "--expanded", type=natural, default=20, metavar="N", help=text("report.help_expanded")
    )
    report.set_defaults(handler=cmd_report)


def _previous(args: argparse.Namespace, results: Results) -> PreviousYear | None:
    from parindex.history.mapping import read_mapping
    from parindex.history.store import HistoryStore
    from parindex.history.yoy import Aggregate
    from parindex.report import compare_with_store

    if args.previous is None:
        if args.previous_year is not None:
            raise ParIndexError("report.previous_year_needs_store")
        return None
    if args.year is None:
        raise ParIndexError("report.previous_needs_year")
    with HistoryStore.open(args.previous, read_only=True) as store:  # refuses a missing store
        return compare_with_store(
            results,
            store,
            args.year,
            previous_year=args.previous_year,
            stage=args.stage,
            mappings=[read_mapping(path) for path in args.mapping],
            aggregate=Aggregate(args.aggregate),
        )


def cmd_report(args: argparse.Namespace) -> int:
    from parindex.report import write_html

    check_output_args(args)
    results = scored(args)
    path = write_html(
        results,
        args.output,
        previous=_previous(args, results),
        inputs=[*args.inputs, *survey_files(args)],
        lang=args.lang,
        number_format=args.numbers,
        synthetic=True if args.demo is not None else None,
        stage=args.stage,
        expanded=args.expanded,
        heading=heading_from(args),
        survey=survey_report_of(args, results),
    )
    size = path.stat().st_size
    note(args, text("report.written", path=str(path), size=size, units=len(results.units)))
    return 0
