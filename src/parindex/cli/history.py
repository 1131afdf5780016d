"""History commands: ``history import|list|lineage``, ``yoy`` and ``targets``.

The store is a SQLite file (default ``parindex-history.sqlite``, or
``$PARINDEX_HISTORY``) or a ``postgresql://`` URL given with ``--store``.
"""

from __future__ import annotations

import argparse
import os
import shlex
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parindex.cli.args import (
    PACK_FILE_SUFFIXES,
    add_command,
    add_inputs,
    add_scoring,
    add_stage,
    check_output_args,
    note,
    scored,
    year,
)
from parindex.errors import ParIndexError
from parindex.labels import format_decimal, stage_named
from parindex.messages import Found, render, text
from parindex.plugins import default_plugins
from parindex.textable import format_table

if TYPE_CHECKING:
    from parindex.history.importing import PreparedSets
    from parindex.history.lineage import Lineage
    from parindex.history.mapping import VersionMapping
    from parindex.history.records import ResultsDocument
    from parindex.history.store import HistoryStore
    from parindex.history.yoy import Predecessor

# The history layer (store, drivers, lineage, targets) is imported by the command that
# uses it: registering these commands must not load it for every other command.

DEFAULT_STORE = "parindex-history.sqlite"
STORE_ENV = "PARINDEX_HISTORY"
#: ``--origin`` and ``--aggregate`` values: the values of ``history.records.Origin`` and
#: ``history.yoy.Aggregate`` (tests/test_cli_workflow.py checks they agree).
ORIGINS = ("scored", "published", "reported", "derived")
AGGREGATES = ("none", "mean", "pooled")

_IMPORT_EXAMPLES = (
    "parindex history import synthetic-commune don-vi/ --year 2024",
    "parindex score synthetic-commune don-vi/ -o kq-2024.json",
    "parindex history import kq-2024.json --year 2024",
    "parindex history import kq-2024.json --year 2024 --label 'vòng 2'",
    "parindex history import published.json --store postgresql://user@host/db",
)
_YOY_EXAMPLES = (
    "parindex yoy synthetic-commune --year 2025",
    "parindex yoy synthetic-commune --year 2025 --stage self --aggregate mean",
    "parindex yoy bnv-province-2020 --year 2021 --code 5 --mapping 1150-1149.toml",
)


def _add_store(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        default=None,
        metavar="STORE",
        help=text("history.help_store", env=STORE_ENV, default=DEFAULT_STORE),
    )


def _add_mapping(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mapping", action="append", default=[], metavar="FILE", help=text("history.help_mapping")
    )


def _target(args: argparse.Namespace) -> str:
    return str(args.store or os.environ.get(STORE_ENV) or DEFAULT_STORE)


def _open(
    args: argparse.Namespace, *, create: bool = False, read_only: bool = False
) -> HistoryStore:
    """The store named by ``--store`` (or the default); only ``create`` may make one;
    ``read_only`` commands read a store they may not write."""
    from parindex.history.store import HistoryStore

    store = HistoryStore.open(_target(args), create=create, read_only=read_only)
    if store.created:
        note(args, text("history.created", store=store.location))
    return store


def register(commands: Any) -> None:
    history = add_command(
        commands,
        "history",
        help=text("history.help_history"),
        examples=(
            _IMPORT_EXAMPLES[0],
            "parindex history list",
            "parindex history lineage docs/examples/sap-nhap-2025.toml",
        ),
    )
    sub = history.add_subparsers(dest="history_command", required=True, metavar="ACTION")

    imp = add_command(sub, "import", help=text("history.help_import"), examples=_IMPORT_EXAMPLES)
    # One positional and nothing after it: a results document (score -o kq.json);
    # more: PACK INPUT..., scored here exactly as score does (the shared argument layer).
    imp.add_argument("pack", metavar="RESULTS|PACK", help=text("history.help_results"))
    add_inputs(imp, required=False)
    add_scoring(imp)
    imp.add_argument("--year", type=year, default=None, help=text("history.help_import_year"))
    imp.add_argument("--label", default=None, help=text("history.help_import_label"))
    imp.add_argument("--replace", action="store_true", help=text("history.help_replace"))
    _add_store(imp)
    imp.set_defaults(handler=cmd_import)

    lst = add_command(
        sub,
        "list",
        help=text("history.help_list"),
        examples=("parindex history list", "parindex history list --year 2024"),
    )
    lst.add_argument("--year", type=year, default=None, help=text("history.help_list_year"))
    lst.add_argument("--pack", default=None, help=text("history.help_list_pack"))
    _add_store(lst)
    lst.set_defaults(handler=cmd_list)

    lin = add_command(
        sub,
        "lineage",
        help=text("history.help_lineage"),
        examples=("parindex history lineage docs/examples/sap-nhap-2025.toml",),
    )
    lin.add_argument("file", metavar="FILE", help=text("history.help_lineage_file"))
    _add_store(lin)
    lin.set_defaults(handler=cmd_lineage)

    yoy = add_command(commands, "yoy", help=text("history.help_yoy"), examples=_YOY_EXAMPLES)
    yoy.add_argument("pack", metavar="PACK", help=text("history.help_yoy_pack"))
    yoy.add_argument("--year", type=year, required=True, help=text("history.help_yoy_year"))
    yoy.add_argument("--previous", type=year, default=None, help=text("history.help_previous"))
    add_stage(yoy, help=text("history.help_stage"))
    yoy.add_argument("--version", default=None, help=text("history.help_version"))
    yoy.add_argument(
        "--origin",
        default=None,
        choices=ORIGINS,
        help=text("history.help_origin"),
    )
    yoy.add_argument("--label", default=None, help=text("history.help_label"))
    yoy.add_argument("--code", action="append", default=None, help=text("history.help_code"))
    yoy.add_argument("--unit", action="append", default=None, help=text("history.help_unit"))
    _add_mapping(yoy)
    yoy.add_argument(
        "--aggregate",
        choices=AGGREGATES,
        default="none",
        help=text("history.help_aggregate"),
    )
    _add_store(yoy)
    yoy.set_defaults(handler=cmd_yoy)

    targets = add_command(
        commands,
        "targets",
        help=text("history.help_targets"),
        examples=("parindex targets docs/examples/soctrang-targets.toml --years 2016-2021",),
    )
    targets.add_argument("plan", metavar="PLAN", help=text("history.help_plan"))
    targets.add_argument("--years", default=None, help=text("history.help_years"))
    _add_mapping(targets)
    _add_store(targets)
    targets.set_defaults(handler=cmd_targets)


def _prepared(args: argparse.Namespace) -> tuple[PreparedSets, list[int]]:
    """The sets to import, checked (before the store is opened: a refused import makes no
    store), and how many figures each has."""
    from parindex.history.importing import prepare_records, prepare_results

    if args.inputs:  # PACK INPUT...: the sets score -o kq.json would have written
        results = scored(args)
        prepared = prepare_results(results, year=args.year, label=args.label)
        figures = len(results.units) * results.compiled.n_nodes
        return prepared, [figures] * len(prepared.sets)
    document, source = _import_document(args)
    prepared = prepare_records(document.sets, year=args.year, label=args.label, file=source)
    return prepared, [len(record.figures) for record in document.sets]


def _import_document(args: argparse.Namespace) -> tuple[ResultsDocument, str]:
    """The results document to import and the file it comes from."""
    from parindex.history.records import read_document

    suffix = Path(args.pack).suffix.lower()
    pack_file = suffix in PACK_FILE_SUFFIXES and suffix != ".json"  # results are JSON
    if pack_file or (not Path(args.pack).exists() and args.pack in default_plugins().pack_ids()):
        command = f"parindex history import {shlex.quote(args.pack)} don-vi/ --year 2024"
        raise ParIndexError("history.import_no_inputs", pack=Found(args.pack), command=command)
    return read_document(args.pack), args.pack


def _store_file(args: argparse.Namespace) -> str | None:
    """The SQLite file ``--store`` names (None for a PostgreSQL URL or ``:memory:``)."""
    target = _target(args)
    if target.startswith(("postgresql://", "postgres://")):
        return None
    path = target.removeprefix("sqlite:///")
    return None if path == ":memory:" else path


def cmd_import(args: argparse.Namespace) -> int:
    # The store is written: never one of the files read, checked before any scoring.
    check_output_args(args, (_store_file(args), ()))
    prepared, figures = _prepared(args)
    with _open(args, create=True) as store:
        ids = store.add_prepared(prepared, replace=args.replace)
        infos = {info.id: info for info in store.sets()}
    for set_id, (record, _, _), count in zip(ids, prepared.sets, figures, strict=True):
        note(
            args,
            text(
                "history.imported",
                set=infos[set_id].describe(),
                units=len(record.units),
                figures=count,
            ),
        )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from parindex.history.records import origin_named

    with _open(args, read_only=True) as store:
        counts = store.unit_counts()
        rows = [
            (
                info.id,
                info.year,
                info.pack,
                info.version,
                render(origin_named(info.origin), args.lang),
                render(stage_named(info.stage), args.lang),
                info.label,
                counts.get(info.id, 0),
                info.source,
            )
            for info in store.sets(args.year, args.pack)
        ]
        events = store.lineage().events
    columns = ("set", "year", "pack", "version", "origin", "stage", "label", "units", "source")
    print(format_table([text(f"history.col_{c}") for c in columns], rows, right=(0, 7)))
    print("\n" + text("history.events_listed", count=len(events)))
    for event in events:
        print(f"  {event.describe()}" + (f" — {event.source}" if event.source else ""))
    return 0


def cmd_lineage(args: argparse.Namespace) -> int:
    from parindex.history.lineage import read_lineage

    lineage = read_lineage(args.file)
    with _open(args) as store:
        added = store.add_lineage(lineage.events)
        unheld = store.units_without_results(_expected_before(lineage, store.years()))
    note(
        args,
        text("history.recorded_events", added=added, total=len(lineage.events), file=args.file),
    )
    if unheld:  # a typo shows now, not as a missing previous result in every comparison
        note(args, text("history.event_units_unheld", units=[Found(u) for u in unheld]))
    return 0


def _expected_before(lineage: Lineage, years: list[int]) -> list[str]:
    """Predecessors that should have a result of the year before their event (the store
    holds that year, and no earlier event made them): one with none is likely mistyped."""
    made: set[str] = set()
    expected: list[str] = []
    for event in lineage.events:  # in date order
        if event.year - 1 in years:
            expected += [unit for unit in event.predecessors if unit not in made]
        made.update(event.successors)
    return expected


def _mappings(paths: list[str]) -> list[VersionMapping]:
    """Mappings from files, plus every mapping an installed pack declares."""
    from parindex.history.mapping import mapping_from_pack, read_mapping

    plugins = default_plugins()
    declared = []
    for pack in plugins.packs():
        for earlier_id in dict.fromkeys(m.from_pack for m in pack.mappings):
            if earlier_id in plugins.pack_ids():
                declared.append(mapping_from_pack(pack, plugins.pack(earlier_id)))
    return [*(read_mapping(path) for path in paths), *declared]


def _num(value: Decimal | None, decimals: int, lang: str, mode: str) -> str:
    """A stored figure with the current set's places, rounded in its mode where it has more."""
    return "" if value is None else format_decimal(value, decimals, lang, mode)


def _predecessor_text(pred: Predecessor, decimals: int, lang: str, mode: str) -> str:
    code = f"[{pred.code}]" if pred.code else ""
    value = _num(pred.index, decimals, lang, mode) if pred.index is not None else "—"
    rank = f" #{pred.rank}" if pred.rank is not None else ""
    note = f" ({pred.note})" if pred.note else ""
    return f"{pred.unit}{code} {value}{rank}{note}"


def _relation(relation: str) -> str:
    """ "merged", "split+renamed", "same", "none" in the reader's language."""
    words = {"same": "relation_same", "none": "relation_none"}
    return "+".join(
        text(f"history.{words.get(part, 'kind_' + part)}") for part in relation.split("+")
    )


def cmd_yoy(args: argparse.Namespace) -> int:
    from parindex.history.yoy import FINAL, Aggregate, year_over_year

    lang = args.lang
    with _open(args, read_only=True) as store:
        report = year_over_year(
            store,
            args.pack,
            args.year,
            previous_year=args.previous,
            stage=args.stage or FINAL,
            version=args.version,
            origin=args.origin,
            label=args.label,
            codes=args.code,
            units=args.unit,
            mappings=_mappings(args.mapping),
            aggregate=Aggregate(args.aggregate),
        )
    d, mode = report.current.info.index_decimals, report.current.info.rounding_mode
    print(
        text(
            "history.yoy_heading",
            set=report.current.info.describe(),
            previous=str(report.previous_year),
        )
    )
    rows = []
    for row in report.rows:
        change = (
            ""
            if row.index_change is None
            else f"{'+' if row.index_change > 0 else ''}{_num(row.index_change, d, lang, mode)}"
        )
        rank_change = "" if row.rank_change is None else f"{row.rank_change:+d}"
        rank = (
            ""
            if row.rank is None
            else f"{row.rank}" + (f"/{row.ranked_of}" if row.ranked_of else "")
        )
        notes = [n for n in (row.basis, row.note, *row.events) if n]
        rows.append(
            (
                row.unit,
                row.code or "Σ",
                _num(row.index, d, lang, mode),
                rank,
                _num(row.previous_index, d, lang, mode),
                change,
                rank_change,
                _relation(row.relation),
                "; ".join(_predecessor_text(p, d, lang, mode) for p in row.predecessors),
                " | ".join(notes),
            )
        )
    columns = (
        "unit",
        "code",
        "index",
        "rank",
        "previous",
        "change",
        "rank_change",
        "relation",
        "predecessors",
        "note",
    )
    headers = [text(f"history.col_{c}") for c in columns]
    print(format_table(headers, rows, right=(2, 3, 4, 5, 6)))
    return 0


def _parse_years(given: str | None) -> list[int] | None:
    if given is None:
        return None
    try:
        if "-" in given:
            first, last = (int(part) for part in given.split("-", 1))
            return list(range(first, last + 1))
        return [int(given)]
    except ValueError:
        raise ParIndexError("history.years_invalid", found=Found(given)) from None


def cmd_targets(args: argparse.Namespace) -> int:
    from parindex.history.targets import Status, check_targets, read_plan

    plan = read_plan(args.plan)
    years = _parse_years(args.years)
    with _open(args, read_only=True) as store:
        checks = check_targets(store, plan, years=years, mappings=_mappings(args.mapping))
    print(plan.title + (f"\n{plan.source}" if plan.source else ""))
    rows = [
        (
            check.target.describe(),
            check.year,
            text(f"history.status_{check.status.value}"),
            "; ".join(f"{k}: {v}" for k, v in check.figures),
        )
        for check in checks
    ]
    columns = ("target", "year", "status", "figures")
    print(format_table([text(f"history.col_{c}") for c in columns], rows, right=(1,)))
    for check in checks:
        for line in check.detail:
            print(f"  {check.year}: {line}")
    counts = [
        text(
            "history.status_counts",
            status=text(f"history.status_{status.value}"),
            count=sum(1 for c in checks if c.status is status),
        )
        for status in Status
    ]
    print(", ".join(counts))
    return 0
