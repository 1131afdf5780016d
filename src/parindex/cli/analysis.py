"""Analysis commands: explain, lost-points, discrepancy, what-if, sensitivity.

Each takes a pack and a long CSV input, or ``--demo N`` to run on SYNTHETIC
data (N units of the pack, with a SYNTHETIC appraisal stage), and ``--json``
for structured output (the attrs results unstructured with cattrs).
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from typing import Any

from parindex.analysis.discrepancy import discrepancy, render_discrepancy
from parindex.analysis.explain import explain, render_explanation
from parindex.analysis.lost_points import (
    lost_points,
    render_lost_points,
    render_unit_gains,
    top_lost_criteria,
)
from parindex.analysis.sensitivity import render_sensitivity, sensitivity
from parindex.analysis.synthetic_appraisal import synthetic_appraisal
from parindex.analysis.whatif import Change, plan_target, render_target, render_what_if, what_if
from parindex.compiled import compile_pack
from parindex.errors import ParIndexError
from parindex.io import read_long_csv
from parindex.plugins import converter, default_plugins
from parindex.results import Results
from parindex.scoring import score
from parindex.synthetic import synthetic_input

DEMO_NOTE = (
    "DỮ LIỆU MÔ PHỎNG / SYNTHETIC DATA — không phải kết quả chính thức, not official results"
)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pack", help="pack id, e.g. synthetic-commune")
    parser.add_argument(
        "input", nargs="?", help="long CSV (unit, code, value[, stage, entry, name, group])"
    )
    parser.add_argument(
        "--demo", type=int, metavar="N", help="use N units of SYNTHETIC data instead of a file"
    )
    parser.add_argument(
        "--level",
        dest="pack_level",
        type=int,
        default=None,
        help="score nodes at this depth directly",
    )
    parser.add_argument("--allow-missing", action="store_true")
    parser.add_argument("--stage", default=None, help="stage view to analyse (default: final)")
    parser.add_argument("--json", action="store_true", help="print structured JSON instead of text")


def register(commands: Any) -> None:
    explain = commands.add_parser("explain", help="explain a unit's score leaf by leaf")
    _common(explain)
    explain.add_argument("--unit", required=True)
    explain.add_argument("--compare", default="self", help="view to compare with (default: self)")
    explain.add_argument("--depth", type=int, default=None, help="deepest level shown")
    explain.set_defaults(handler=cmd_explain)

    lost = commands.add_parser(
        "lost-points", help="where points were lost, and what full marks would gain"
    )
    _common(lost)
    lost.add_argument(
        "--criteria-level", type=int, default=2, help="depth of the ranked criteria (0: leaves)"
    )
    lost.add_argument("--group", default=None, help="only units of this ranking group")
    lost.add_argument("--unit", default=None, help="rank criteria for this unit instead")
    lost.add_argument("--top", type=int, default=10)
    lost.set_defaults(handler=cmd_lost)

    disc = commands.add_parser("discrepancy", help="self-assessment against appraisal")
    _common(disc)
    disc.add_argument("--against", default="final", help="view compared with self (default: final)")
    disc.add_argument("--criteria-level", type=int, default=0, help="depth of criteria (0: leaves)")
    disc.add_argument("--top", type=int, default=10)
    disc.set_defaults(handler=cmd_discrepancy)

    whatif = commands.add_parser(
        "what-if", help="new points, class and rank after changes, or a plan to a target"
    )
    _common(whatif)
    whatif.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="UNIT:CODE=VALUE",
        help="a change (repeatable)",
    )
    whatif.add_argument("--unit", default=None, help="unit for --target-rank / --target-class")
    whatif.add_argument("--target-rank", type=int, default=None)
    whatif.add_argument("--target-class", default=None)
    whatif.add_argument(
        "--criteria-level",
        type=int,
        default=2,
        help="depth of criteria in a target plan (0: leaves)",
    )
    whatif.set_defaults(handler=cmd_what_if)

    sens = commands.add_parser("sensitivity", help="rank uncertainty under varying field weights")
    _common(sens)
    sens.add_argument("--samples", type=int, default=1000)
    sens.add_argument(
        "--spread", type=float, default=0.2, help="relative half-width of each field's bounds"
    )
    sens.add_argument(
        "--bound",
        action="append",
        default=[],
        metavar="FIELD=LOW:HIGH",
        help="explicit bounds (points)",
    )
    sens.add_argument("--seed", type=int, default=0)
    sens.add_argument("--top", type=int, default=20)
    sens.set_defaults(handler=cmd_sensitivity)


def _results(args: argparse.Namespace) -> Results:
    pack = default_plugins().pack(args.pack)
    compiled = compile_pack(pack, level=args.pack_level)
    if (args.demo is None) == (args.input is None):
        raise ParIndexError("give an input file or --demo N (not both)")
    if args.demo is not None:
        if not args.json:
            print(DEMO_NOTE + "\n")
        data = synthetic_input(compiled, args.demo)
        if "self" in data.stages and "appraisal_1" in pack.stages:
            data = synthetic_appraisal(compiled, data)
    else:
        data = read_long_csv(compiled, args.input, allow_missing=args.allow_missing)
    return score(compiled, data)


def _print_json(value: object) -> None:
    print(json.dumps(converter().unstructure(value), ensure_ascii=False, indent=2, default=str))


def _level(value: int) -> int | None:
    return None if value == 0 else value


def cmd_explain(args: argparse.Namespace) -> int:

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

    results = _results(args)
    level = _level(args.criteria_level)
    if args.unit is not None:
        gains = top_lost_criteria(results, args.unit, n=args.top, level=level, stage=args.stage)
        if args.json:
            _print_json(gains)
        else:
            print(render_unit_gains(args.unit, gains, lang=args.lang))
        return 0
    result = lost_points(results, level=level, stage=args.stage, group=args.group)
    if args.json:
        _print_json(result)
    else:
        print(render_lost_points(result, lang=args.lang, top=args.top))
    return 0


def cmd_discrepancy(args: argparse.Namespace) -> int:

    results = _results(args)
    result = discrepancy(results, against=args.against, level=_level(args.criteria_level))
    if args.json:
        _print_json(result)
    else:
        print(render_discrepancy(result, lang=args.lang, top=args.top))
    return 0


def _parse_change(text: str) -> tuple[str, str, str]:
    head, sep, value = text.partition("=")
    unit, colon, code = head.rpartition(":")
    if not sep or not colon or not unit or not code:
        raise ParIndexError(f"cannot read change {text!r}: expected UNIT:CODE=VALUE")
    return unit.strip(), code.strip(), value.strip()


def cmd_what_if(args: argparse.Namespace) -> int:

    results = _results(args)
    if args.target_rank is not None or args.target_class is not None:
        if args.unit is None:
            raise ParIndexError("a target plan needs --unit")
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
    if not args.set:
        raise ParIndexError("give changes with --set UNIT:CODE=VALUE, or a target")
    changes = [Change(*_parse_change(text)) for text in args.set]
    result = what_if(results, changes, stage=args.stage)
    if args.json:
        _print_json(result)
    else:
        print(render_what_if(result, lang=args.lang, decimals=results.pack.rounding.decimals))
    return 0


def _parse_bound(text: str) -> tuple[str, tuple[Decimal, Decimal]]:
    code, sep, rest = text.partition("=")
    low, colon, high = rest.partition(":")
    try:
        if not sep or not colon:
            raise ValueError
        return code.strip(), (Decimal(low.replace(",", ".")), Decimal(high.replace(",", ".")))
    except (ValueError, ArithmeticError):
        raise ParIndexError(f"cannot read bound {text!r}: expected FIELD=LOW:HIGH") from None


def cmd_sensitivity(args: argparse.Namespace) -> int:

    results = _results(args)
    bounds = dict(_parse_bound(text) for text in args.bound)
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
