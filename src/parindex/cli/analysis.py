"""Analysis commands: explain, lost-points, discrepancy, what-if, sensitivity.

Each takes ``PACK INPUT...`` exactly as ``score`` does (an installed pack or a
pack file; workbooks, folders, long CSV and JSON in any mix), or ``--demo N``
to run on SYNTHETIC data (N units of the pack, with a SYNTHETIC appraisal
stage), and ``--json`` for structured output (the attrs results unstructured
with cattrs).
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from parindex.cli.args import (
    add_command,
    add_inputs,
    add_json,
    add_pack,
    add_scoring,
    add_stage,
    fraction,
    natural,
    positive,
    scored,
    seed,
    synthetic_banner,
)
from parindex.errors import ParIndexError
from parindex.grammar import EntryError, number_from_value
from parindex.messages import Found, text
from parindex.plugins import converter

if TYPE_CHECKING:
    from parindex.results import Results

# The analyses are imported by the command that runs them: ``parindex --help`` and the
# other commands do not pay for them (they import the survey and report layers).

DEMO = "synthetic-commune --demo 200"


def _common(parser: argparse.ArgumentParser) -> None:
    add_pack(parser)
    add_inputs(parser, required=False)
    add_scoring(parser, demo=True)
    add_stage(parser, help=text("cli.help_stage_analyse"))
    add_json(parser)


def register(commands: Any) -> None:
    explain = add_command(
        commands,
        "explain",
        help=text("cli.help_explain"),
        examples=(
            f"parindex explain {DEMO} --unit SYN-046 --depth 2",
            "parindex explain bnv-province-1150-2019 diem.csv --unit BDI --lang en",
            "parindex explain my-pack.toml don-vi/ --unit X01 --json",
        ),
    )
    _common(explain)
    explain.add_argument("--unit", required=True, help=text("cli.help_explain_unit"))
    explain.add_argument("--compare", default="self", help=text("cli.help_compare"))
    explain.add_argument("--depth", type=natural, default=None, help=text("cli.help_depth"))
    explain.set_defaults(handler=cmd_explain)

    lost = add_command(
        commands,
        "lost-points",
        help=text("cli.help_lost"),
        examples=(
            f"parindex lost-points {DEMO} --top 5",
            f"parindex lost-points {DEMO} --unit SYN-046",
            "parindex lost-points synthetic-commune don-vi/ --criteria-level 0",
        ),
    )
    _common(lost)
    lost.add_argument("--criteria-level", type=natural, default=2, help=text("cli.help_lost_level"))
    lost.add_argument("--group", default=None, help=text("cli.help_lost_group"))
    lost.add_argument("--unit", default=None, help=text("cli.help_lost_unit"))
    lost.add_argument("--top", type=positive, metavar="N", default=10, help=text("cli.help_top10"))
    lost.set_defaults(handler=cmd_lost)

    disc = add_command(
        commands,
        "discrepancy",
        help=text("cli.help_discrepancy"),
        examples=(
            f"parindex discrepancy {DEMO} --top 3",
            "parindex discrepancy synthetic-commune ket-qua.csv --against appraisal_1",
        ),
    )
    _common(disc)
    disc.add_argument("--against", default="final", help=text("cli.help_against"))
    disc.add_argument("--criteria-level", type=natural, default=0, help=text("cli.help_disc_level"))
    disc.add_argument("--top", type=positive, metavar="N", default=10, help=text("cli.help_top10"))
    disc.set_defaults(handler=cmd_discrepancy)

    whatif = add_command(
        commands,
        "what-if",
        help=text("cli.help_what_if"),
        examples=(
            f"parindex what-if {DEMO} --set SYN-046:3.4.2=đạt --set SYN-046:7.3=5",
            f"parindex what-if {DEMO} --unit SYN-046 --target-class B",
            f"parindex what-if {DEMO} --unit SYN-046 --target-rank 10 --criteria-level 0",
        ),
    )
    _common(whatif)
    whatif.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="UNIT:CODE=VALUE",
        help=text("cli.help_set"),
    )
    whatif.add_argument("--unit", default=None, help=text("cli.help_target_unit"))
    whatif.add_argument(
        "--target-rank", type=positive, metavar="N", default=None, help=text("cli.help_target_rank")
    )
    whatif.add_argument("--target-class", default=None, help=text("cli.help_target_class"))
    whatif.add_argument(
        "--criteria-level",
        type=natural,
        default=2,
        help=text("cli.help_plan_level"),
    )
    whatif.set_defaults(handler=cmd_what_if)

    sens = add_command(
        commands,
        "sensitivity",
        help=text("cli.help_sensitivity"),
        examples=(
            f"parindex sensitivity {DEMO} --samples 1000 --spread 0.2",
            "parindex sensitivity synthetic-commune ket-qua.csv --bound 8=30:40 --spread 0",
        ),
    )
    _common(sens)
    sens.add_argument("--samples", type=positive, default=1000, help=text("cli.help_samples"))
    sens.add_argument(
        "--spread", type=fraction, default=Decimal("0.2"), help=text("cli.help_spread")
    )
    sens.add_argument(
        "--bound",
        action="append",
        default=[],
        metavar="FIELD=LOW:HIGH",
        help=text("cli.help_bound"),
    )
    sens.add_argument("--seed", type=seed, default=0, help=text("cli.help_seed"))
    sens.add_argument("--top", type=positive, metavar="N", default=20, help=text("cli.help_top20"))
    sens.set_defaults(handler=cmd_sensitivity)


def _results(args: argparse.Namespace) -> Results:
    synthetic_banner(args)
    return scored(args)


def _print_json(value: object) -> None:
    print(json.dumps(converter().unstructure(value), ensure_ascii=False, indent=2, default=str))


def _level(value: int) -> int | None:
    return None if value == 0 else value


def cmd_explain(args: argparse.Namespace) -> int:
    from parindex.analysis.explain import explain, render_explanation

    results = _results(args)
    result = explain(results, args.unit, stage=args.stage, compare=args.compare, lang=args.lang)
    if args.json:
        _print_json(result)
    else:
        print(
            render_explanation(
                result,
                lang=args.lang,
                decimals=results.pack.rounding.decimals,
                max_depth=args.depth,
            )
        )
    return 0


def cmd_lost(args: argparse.Namespace) -> int:
    from parindex.analysis.lost_points import (
        lost_points,
        render_lost_points,
        render_unit_gains,
        top_lost_criteria,
    )

    results = _results(args)
    level = _level(args.criteria_level)
    if args.unit is not None:
        gains = top_lost_criteria(results, args.unit, n=args.top, level=level, stage=args.stage)
        if args.json:
            _print_json(gains)
        else:
            print(
                render_unit_gains(args.unit, gains, lang=args.lang, rounding=results.pack.rounding)
            )
        return 0
    result = lost_points(results, level=level, stage=args.stage, group=args.group)
    if args.json:
        _print_json(result)
    else:
        print(
            render_lost_points(result, lang=args.lang, top=args.top, rounding=results.pack.rounding)
        )
    return 0


def cmd_discrepancy(args: argparse.Namespace) -> int:
    from parindex.analysis.discrepancy import discrepancy, render_discrepancy

    results = _results(args)
    result = discrepancy(results, against=args.against, level=_level(args.criteria_level))
    if args.json:
        _print_json(result)
    else:
        print(render_discrepancy(result, lang=args.lang, top=args.top))
    return 0


def _parse_change(entry: str) -> tuple[str, str, str]:
    head, sep, value = entry.partition("=")
    unit, colon, code = head.rpartition(":")
    if not sep or not colon or not unit.strip() or not code.strip():
        raise ParIndexError("cli.bad_change", found=Found(entry))
    return unit.strip(), code.strip(), value.strip()


def cmd_what_if(args: argparse.Namespace) -> int:
    from parindex.analysis.whatif import (
        Change,
        plan_target,
        render_target,
        render_what_if,
        what_if,
    )

    if args.target_rank is None and args.target_class is None and not args.set:
        raise ParIndexError("cli.what_if_nothing")
    if (args.target_rank is not None or args.target_class is not None) and args.unit is None:
        raise ParIndexError("cli.target_needs_unit")
    changes = [Change(*_parse_change(entry)) for entry in args.set]
    results = _results(args)
    if args.target_rank is not None or args.target_class is not None:
        plan = plan_target(
            results,
            args.unit,
            rank=args.target_rank,
            grade=args.target_class,
            level=_level(args.criteria_level),
            stage=args.stage,
        )
        if args.json:
            _print_json(plan)
        else:
            print(render_target(plan, lang=args.lang, decimals=results.pack.rounding.decimals))
        return 0
    result = what_if(results, changes, stage=args.stage)
    if args.json:
        _print_json(result)
    else:
        print(render_what_if(result, lang=args.lang, decimals=results.pack.rounding.decimals))
    return 0


def _parse_bound(entry: str) -> tuple[str, tuple[Decimal, Decimal]]:
    code, sep, rest = entry.partition("=")
    low, colon, high = rest.partition(":")
    if not sep or not colon or not code.strip():
        raise ParIndexError("cli.bad_bound", found=Found(entry))
    try:
        return code.strip(), (number_from_value(low.strip()), number_from_value(high.strip()))
    except EntryError as exc:
        raise ParIndexError(
            "cli.bad_bound_number", found=Found(entry), reason=exc.message
        ) from None


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from parindex.analysis.sensitivity import render_sensitivity, sensitivity

    bounds = dict(_parse_bound(entry) for entry in args.bound)
    results = _results(args)
    result = sensitivity(
        results,
        spread=args.spread,
        bounds=bounds,
        samples=args.samples,
        seed=args.seed,
        stage=args.stage,
    )
    if args.json:
        _print_json(result)
    else:
        print(render_sensitivity(result, lang=args.lang, top=args.top))
    return 0
