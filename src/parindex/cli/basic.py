"""Core commands: packs, show, score, demo."""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from decimal import Decimal
from typing import Any

from parindex.cli.args import (
    RESULT_KINDS,
    add_command,
    add_inputs,
    add_json,
    add_output,
    add_pack,
    add_scoring,
    check_output_args,
    load_pack,
    natural,
    note,
    positive,
    scored,
)
from parindex.cli.heading import add_decimal_comma, add_heading, heading_from
from parindex.cli.packinfo import completeness, pack_line, unit_group_name
from parindex.compiled import compile_pack
from parindex.labels import format_decimal, label
from parindex.messages import Found, text
from parindex.plugins import converter, default_plugins
from parindex.results import Results
from parindex.rules import fmt_number
from parindex.scoring import score
from parindex.textable import format_table
from parindex.validation import known_maximum


def register(commands: Any) -> None:
    packs = add_command(
        commands,
        "packs",
        help=text("cli.help_packs"),
        examples=("parindex packs", "parindex packs --json"),
    )
    add_json(packs)
    packs.set_defaults(handler=cmd_packs)

    show = add_command(
        commands,
        "show",
        help=text("cli.help_show"),
        examples=(
            "parindex show bnv-province-1150-2019 --depth 1",
            "parindex show bnv-province-1150-2019 --gaps",
            "parindex show my-pack.toml --json",
        ),
    )
    add_pack(show)
    show.add_argument("--depth", type=natural, default=None, help=text("cli.help_depth"))
    show.add_argument("--gaps", action="store_true", help=text("cli.help_gaps"))
    add_json(show)
    show.set_defaults(handler=cmd_show)

    score_cmd = add_command(
        commands,
        "score",
        help=text("cli.help_score"),
        examples=(
            "parindex score synthetic-commune don-vi/ -o ket-qua.xlsx",
            "parindex score bnv-province-1150-2019 diem.csv --top 10",
            "parindex score my-pack.toml a.xlsx b.csv c.json -o kq.json",
            "parindex score synthetic-commune don-vi/ --json > kq.json",
        ),
    )
    add_pack(score_cmd)
    add_inputs(score_cmd)
    add_output(score_cmd, RESULT_KINDS, help=text("cli.help_score_output"))
    add_heading(score_cmd)
    add_decimal_comma(score_cmd)
    add_scoring(score_cmd)
    score_cmd.add_argument(
        "--unit-sheets",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=text("cli.help_unit_sheets"),
    )
    score_cmd.add_argument(
        "--top", type=_top, default=None, metavar="N", help=text("cli.help_score_top")
    )
    score_cmd.add_argument(
        "--json",
        action="store_true",
        help=text("cli.help_score_json"),
    )
    score_cmd.set_defaults(handler=cmd_score)

    demo = add_command(
        commands,
        "demo",
        help=text("cli.help_demo_cmd"),
        examples=("parindex demo", "parindex demo --communes 1000"),
    )
    demo.add_argument(
        "--communes", type=positive, default=10_000, metavar="N", help=text("cli.help_communes")
    )
    demo.set_defaults(handler=cmd_demo)


def cmd_packs(args: argparse.Namespace) -> int:
    plugins = default_plugins()
    packs = list(plugins.packs())
    if args.json:
        rows = [
            {
                "id": pack.id,
                "title": pack.title,
                "version": pack.version,
                "years": converter().unstructure(pack.years),
                "unit_group": pack.unit_group.value,
                "synthetic": pack.synthetic,
                "scorable_level": pack.scorable_level,
                "completeness": completeness(pack, args.lang),
                "origin": plugins.origin(pack.id),
                "distribution": plugins.distribution(pack.id),
            }
            for pack in packs
        ]
        _print_json(rows)
        return 0
    rows_text = [
        (
            pack.id,
            pack.version,
            str(pack.years),
            unit_group_name(pack, args.lang),
            completeness(pack, args.lang),
            plugins.origin(pack.id),
        )
        for pack in packs
    ]
    headers = [text(f"cli.col_{key}") for key in ("id", "version", "years", "group", "state")]
    headers.append(text("cli.col_from"))
    print(format_table(headers, rows_text))
    return 0


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def cmd_show(args: argparse.Namespace) -> int:
    pack = load_pack(args.pack)
    if args.json:
        from parindex.serialization import pack_to_document

        _print_json(pack_to_document(pack, converter()))
        return 0
    if args.gaps:
        from parindex.cli.authoring import print_gaps

        print_gaps(pack)
        return 0
    print(f"{pack.title}\n{pack_line(pack, args.lang)}")
    for basis in pack.legal_basis:
        date = f" ({basis.when()})" if basis.when() else ""
        print("  " + text("cli.legal_basis", number=basis.number, date=date))
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
    maxima = [known_maximum(f) for f in pack.tree]  # unknown maxima are "?", never 0
    every = bool(pack.tree) and all(m is not None for m in maxima)
    total = fmt_number(sum((m or Decimal(0) for m in maxima), Decimal(0)), args.lang)
    rows.append(("", label("total", args.lang), total if every else "?", ""))
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
    from parindex.cli.authoring import coverage_note

    coverage_note(pack, args.lang)
    return 0


#: Above this many units the screen shows the first ``SCREEN_TOP`` of the ranking (the
#: results file has them all): a province's 63, its departments or its communes are shown
#: whole, 10⁴ communes are not (printing them took longer than scoring them).
SCREEN_UNITS = 200
SCREEN_TOP = 20
#: ``--top all``.
ALL = sys.maxsize


def _top(value: str) -> int:
    """``--top N`` (N ≥ 1) or ``--top all``."""
    if value.strip().casefold() == "all":
        return ALL
    try:
        return positive(value)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(text("cli.top_expected", found=Found(value))) from None


def print_ranking(
    results: Results,
    lang: str,
    top: int | None = None,
    fields: bool = True,
    rest: str | None = None,
) -> None:
    """The ranking table (``top``: its first rows; ``rest``: a line after them), then the
    coverage line of a partial pack or view."""
    rows = []
    decimals, mode = results.pack.rounding.decimals, results.pack.rounding.mode
    field_codes = [f.code for f in results.compiled.tree] if fields else []
    graded = results.pack.classification.defined  # no classification: index and rank only
    for row in results.ranking(top=top):
        cells: list[object] = [
            row.rank,
            row.unit,
            row.name,
            format_decimal(row.points, decimals, lang, mode),
            format_decimal(row.index, decimals, lang, mode) if row.index is not None else "",
        ]
        if graded:
            cells.append(row.grade or "")
        for code in field_codes:
            value = results.index(row.unit, code)
            cells.append("" if value is None else format_decimal(value, decimals, lang, mode))
        rows.append(cells)
    keys = ("rank", "unit", "name", "points", "index") + (("grade",) if graded else ())
    headers = [label(k, lang) for k in keys]
    headers += [f"{label('field', lang)} {code}" for code in field_codes]
    first = len(keys)
    print(format_table(headers, rows, right=(0, 3, 4, *range(first, first + len(field_codes)))))
    if rest:
        print(rest)
    # Coverage (issue 14): a partial pack or view says what its figures cover.
    if results.is_partial:
        print(results.coverage.line(lang))


def screen_ranking(results: Results, lang: str, top: int | None, output: str | None) -> None:
    """The ranking on screen: ``--top N`` rows, else all of them up to ``SCREEN_UNITS``
    units and the first ``SCREEN_TOP`` above, with a line saying where the others are."""
    count = len(results.units)
    shown = top if top is not None else count if count <= SCREEN_UNITS else SCREEN_TOP
    rest = None
    if top is None and shown < count:
        where = text("cli.ranking_rest_file", lang, path=output) if output else ""
        rest = text("cli.ranking_rest", lang, shown=shown, hidden=count - shown, where=where)
    print_ranking(results, lang, shown, rest=rest)


def cmd_score(args: argparse.Namespace) -> int:
    check_output_args(args)
    results = scored(args)
    if args.json:
        _print_document(results, args.year)
    else:
        print(f"{results.pack.title} ({results.pack.id})")
        screen_ranking(results, args.lang, args.top, args.output)
    if args.output:
        from parindex.io import write_results  # the writers (openpyxl) only when writing

        _note_unit_sheets(args, results)
        path = write_results(
            results,
            args.output,
            lang=args.lang,
            unit_sheets=args.unit_sheets,
            heading=heading_from(args),
            decimal_comma=args.decimal_comma,
        )
        note(args, text("cli.wrote", path=str(path)))
    return 0


def _print_document(results: Results, year: int | None) -> None:
    """The results document on stdout as UTF-8, streamed (10⁵ units make gigabytes)."""
    from parindex.io.results_out import write_results_document

    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # a text-only stdout (redirected in a program)
        buffer = io.BytesIO()
        write_results_document(results, buffer, year)
        sys.stdout.write(buffer.getvalue().decode())
        return
    sys.stdout.flush()
    write_results_document(results, stream, year)
    stream.flush()


def _note_unit_sheets(args: argparse.Namespace, results: Results) -> None:
    """Say so when a workbook will have no sheet per unit because there are many units."""
    from parindex.io.results_out import UNIT_SHEETS_LIMIT

    is_workbook = str(args.output).lower().endswith(".xlsx")
    if is_workbook and args.unit_sheets is None and len(results.units) > UNIT_SHEETS_LIMIT:
        limit = UNIT_SHEETS_LIMIT
        note(args, text("cli.unit_sheets_left_out", units=len(results.units), limit=limit))


def cmd_demo(args: argparse.Namespace) -> int:
    from parindex.synthetic import synthetic_input

    plugins = default_plugins()
    print(text("cli.synthetic_note") + "\n")
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
            "   "
            + text(
                "cli.demo_timing",
                pack=pack.id,
                units=n_units,
                ms=round(elapsed * 1000, 1),
                first=round(first * 1000),
            )
        )
        print_ranking(results, args.lang, top=10)
        counts = _grade_counts(results)
        print("   " + ", ".join(f"{g}: {n}" for g, n in counts.items()) + "\n")
    from parindex.survey.demo import demo_lines  # the survey part: SYNTHETIC questionnaires

    print("\n".join(demo_lines(args.communes, args.lang)))
    return 0


def _grade_counts(results: Results) -> dict[str, int]:
    import numpy as np

    labels = results.pack.classification.labels
    grades = results.final.grade[:, 0]
    return {labels[i]: int(np.count_nonzero(grades == i)) for i in range(len(labels))}
