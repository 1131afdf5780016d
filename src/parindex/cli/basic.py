"""Core commands: packs, show, score, demo."""

from __future__ import annotations

import argparse
import time
from decimal import Decimal
from typing import Any

from parindex.cli.args import RESULT_KINDS, add_output, check_output_args, load_pack
from parindex.compiled import compile_pack
from parindex.labels import format_decimal, label
from parindex.model import Pack
from parindex.plugins import default_plugins
from parindex.results import Results
from parindex.rules import fmt_number
from parindex.scoring import score
from parindex.textable import format_table
from parindex.validation import effective_maximum, known_maximum


def register(commands: Any) -> None:
    packs = commands.add_parser("packs", help="list installed criteria packs")
    packs.set_defaults(handler=cmd_packs)

    show = commands.add_parser("show", help="show a pack's criteria tree with maxima")
    show.add_argument("pack")
    show.add_argument("--depth", type=int, default=None, help="deepest level shown")
    show.add_argument(
        "--gaps", action="store_true", help="list what the sources do not give, and why"
    )
    show.set_defaults(handler=cmd_show)

    score_cmd = commands.add_parser("score", help="score input files and print the ranking")
    score_cmd.add_argument(
        "pack", help="an installed pack id, or a pack file (.toml, .json, .xlsx)"
    )
    score_cmd.add_argument(
        "input",
        nargs="+",
        help="filled templates (.xlsx), long CSV, JSON input documents, or folders of them",
    )
    add_output(score_cmd, RESULT_KINDS, help="write results to .xlsx, .csv or .json")
    score_cmd.add_argument(
        "--unit-sheets",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="per-unit sheets in the results workbook (default: up to 300 units)",
    )
    score_cmd.add_argument(
        "--level", type=int, default=None, help="score nodes at this depth directly"
    )
    score_cmd.add_argument(
        "--allow-missing", action="store_true", help="score missing entries 0 (flagged)"
    )
    score_cmd.add_argument("--top", type=int, default=None, help="print only the first N units")
    score_cmd.set_defaults(handler=cmd_score)

    demo = commands.add_parser("demo", help="score the shipped SYNTHETIC sample data")
    demo.add_argument("--communes", type=int, default=10_000)
    demo.set_defaults(handler=cmd_demo)


def cmd_packs(args: argparse.Namespace) -> int:
    plugins = default_plugins()
    rows = []
    for pack in plugins.packs():
        rows.append(
            (
                pack.id,
                pack.version,
                str(pack.years),
                pack.unit_group.value,
                completeness(pack),
                plugins.origin(pack.id),
            )
        )
    print(format_table(("id", "version", "years", "unit group", "completeness", "from"), rows))
    return 0


def completeness(pack: Pack) -> str:
    """How deep a pack can be scored, in words for the pack list."""
    if pack.synthetic:
        return "synthetic"
    level = pack.scorable_level
    if level is None:
        return "complete"
    if level == 0:
        return "structure only" if pack.tree else "declared counts only"
    return {1: "field level", 2: "criterion level"}.get(level, f"to level {level}")


def cmd_show(args: argparse.Namespace) -> int:
    pack = default_plugins().pack(args.pack)
    if args.gaps:
        from parindex.cli.authoring import print_gaps

        print_gaps(pack)
        return 0
    print(f"{pack.title}\n{pack.id} · {pack.version} · {pack.unit_group.value} · {pack.years}")
    for basis in pack.legal_basis:
        print(f"  căn cứ: {basis.number}" + (f" ({basis.date:%d/%m/%Y})" if basis.date else ""))
    rows = []
    for depth, node in pack.walk():
        if args.depth is not None and depth > args.depth:
            continue
        known = known_maximum(node)
        rule = node.rule.describe(known, args.lang) if node.rule and known is not None else ""
        rows.append(
            (
                "  " * (depth - 1) + node.code,
                node.title,
                "?" if known is None else fmt_number(known, args.lang),
                rule,
            )
        )
    total = sum((effective_maximum(f) for f in pack.tree), Decimal(0))
    rows.append(("", label("total", args.lang), fmt_number(total, args.lang), ""))
    print(
        format_table(
            (
                label("code", args.lang),
                label("title", args.lang),
                label("maximum", args.lang),
                label("rule", args.lang),
            ),
            rows,
            right=(2,),
        )
    )
    return 0


def print_ranking(results: Results, lang: str, top: int | None = None, fields: bool = True) -> None:
    rows = []
    decimals = results.pack.rounding.decimals
    field_codes = [f.code for f in results.compiled.tree] if fields else []
    for row in results.ranking()[: top if top is not None else None]:
        cells: list[object] = [
            row.rank,
            row.unit,
            row.name,
            format_decimal(row.points, decimals, lang),
            format_decimal(row.index, decimals, lang) if row.index is not None else "",
            row.grade or "",
        ]
        for code in field_codes:
            value = results.index(row.unit, code)
            cells.append("" if value is None else format_decimal(value, decimals, lang))
        rows.append(cells)
    headers = [label(k, lang) for k in ("rank", "unit", "name", "points", "index", "grade")]
    headers += [f"{label('field', lang)} {code}" for code in field_codes]
    print(format_table(headers, rows, right=(0, 3, 4, *range(6, 6 + len(field_codes)))))


def cmd_score(args: argparse.Namespace) -> int:
    from parindex.io import read_input, write_results

    check_output_args(args)
    pack = load_pack(args.pack)
    compiled = compile_pack(pack, level=args.level)
    data = read_input(compiled, *args.input, allow_missing=args.allow_missing)
    results = score(compiled, data)
    print(f"{pack.title} ({pack.id})")
    print_ranking(results, args.lang, args.top)
    if args.output:
        print(write_results(results, args.output, lang=args.lang, unit_sheets=args.unit_sheets))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from parindex.synthetic import synthetic_input

    plugins = default_plugins()
    print(
        "DỮ LIỆU MÔ PHỎNG / SYNTHETIC DATA — không phải kết quả chính thức, not official results\n"
    )
    runs = (
        ("bnv-province-1150-2019", 63, "Tỉnh mô phỏng"),
        ("synthetic-commune", args.communes, "Xã mô phỏng"),
    )
    for pack_id, n_units, name in runs:
        pack = plugins.pack(pack_id)
        compiled = compile_pack(pack)
        data = synthetic_input(compiled, n_units, label=name)
        # The first call in a process may load (or, once per machine, compile) the
        # fused kernel; the second shows the scoring itself.
        started = time.perf_counter()
        score(compiled, data)
        first = time.perf_counter() - started
        started = time.perf_counter()
        results = score(compiled, data)
        elapsed = time.perf_counter() - started
        print(f"== {pack.title}")
        print(
            f"   {pack.id} · {n_units} units · scored in {elapsed * 1000:.1f} ms "
            f"(first call in this process: {first * 1000:.0f} ms)"
        )
        print_ranking(results, args.lang, top=10)
        counts = _grade_counts(results)
        print("   " + ", ".join(f"{g}: {n}" for g, n in counts.items()) + "\n")
    return 0


def _grade_counts(results: Results) -> dict[str, int]:
    import numpy as np

    labels = results.pack.classification.labels
    grades = results.final.grade[:, 0]
    return {labels[i]: int(np.count_nonzero(grades == i)) for i in range(len(labels))}
