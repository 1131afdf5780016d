"""History commands: ``history import|list|lineage``, ``yoy`` and ``targets``.

The store is a SQLite file (default ``parindex-history.sqlite``, or
``$PARINDEX_HISTORY``) or a ``postgresql://`` URL given with ``--store``.
"""

from __future__ import annotations

import argparse
import os
from decimal import Decimal
from typing import Any

from parindex.errors import ParIndexError
from parindex.history.lineage import read_lineage
from parindex.history.mapping import VersionMapping, mapping_from_pack, read_mapping
from parindex.history.records import read_document
from parindex.history.store import HistoryStore
from parindex.history.targets import Status, check_targets, read_plan
from parindex.history.yoy import Aggregate, Predecessor, year_over_year
from parindex.labels import format_decimal
from parindex.plugins import default_plugins
from parindex.textable import format_table

DEFAULT_STORE = "parindex-history.sqlite"
STORE_ENV = "PARINDEX_HISTORY"

_LABELS: dict[str, dict[str, str]] = {
    "unit": {"vi": "Đơn vị", "en": "Unit"},
    "code": {"vi": "Mã", "en": "Code"},
    "index": {"vi": "Chỉ số (%)", "en": "Index (%)"},
    "rank": {"vi": "Hạng", "en": "Rank"},
    "previous": {"vi": "Năm trước", "en": "Previous"},
    "change": {"vi": "Thay đổi", "en": "Change"},
    "rank_change": {"vi": "Tăng hạng", "en": "Places gained"},
    "relation": {"vi": "Quan hệ", "en": "Relation"},
    "predecessors": {"vi": "Đơn vị/kết quả trước đó", "en": "Predecessors"},
    "note": {"vi": "Ghi chú", "en": "Note"},
    "target": {"vi": "Mục tiêu", "en": "Target"},
    "year": {"vi": "Năm", "en": "Year"},
    "status": {"vi": "Kết quả", "en": "Status"},
    "figures": {"vi": "Số liệu", "en": "Figures"},
    "pass": {"vi": "ĐẠT", "en": "PASS"},
    "fail": {"vi": "KHÔNG ĐẠT", "en": "FAIL"},
    "unknown": {"vi": "CHƯA ĐỦ SỐ LIỆU", "en": "UNKNOWN"},
}


def _t(key: str, lang: str) -> str:
    return _LABELS[key][lang]


def _add_store(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        default=None,
        help=f"SQLite file or postgresql:// URL (default ${STORE_ENV} or {DEFAULT_STORE})",
    )


def _open(args: argparse.Namespace) -> HistoryStore:
    return HistoryStore.open(args.store or os.environ.get(STORE_ENV) or DEFAULT_STORE)


def register(commands: Any) -> None:
    history = commands.add_parser("history", help="the results store: import, list, lineage")
    sub = history.add_subparsers(dest="history_command", required=True, metavar="ACTION")

    imp = sub.add_parser(
        "import", help="import a results JSON document (parindex-history-results/1)"
    )
    imp.add_argument("results")
    imp.add_argument("--year", type=int, default=None, help="year of sets that state none")
    imp.add_argument("--replace", action="store_true", help="replace a set already stored")
    _add_store(imp)
    imp.set_defaults(handler=cmd_import)

    lst = sub.add_parser("list", help="list stored result sets and lineage events")
    lst.add_argument("--year", type=int, default=None)
    lst.add_argument("--pack", default=None)
    _add_store(lst)
    lst.set_defaults(handler=cmd_list)

    lin = sub.add_parser("lineage", help="record unit lineage events from a TOML file")
    lin.add_argument("file")
    _add_store(lin)
    lin.set_defaults(handler=cmd_lineage)

    yoy = commands.add_parser(
        "yoy", help="year over year: change in index and rank, following lineage"
    )
    yoy.add_argument("pack", help="pack id (or publication table) of the current year's set")
    yoy.add_argument("--year", type=int, required=True)
    yoy.add_argument(
        "--previous", type=int, default=None, help="year compared with (default year − 1)"
    )
    yoy.add_argument("--version", default=None)
    yoy.add_argument("--origin", default=None, help="scored, published, reported or derived")
    yoy.add_argument("--label", default=None)
    yoy.add_argument(
        "--code", action="append", default=None, help="criterion code ('' = total); repeatable"
    )
    yoy.add_argument("--unit", action="append", default=None, help="unit id; repeatable")
    yoy.add_argument(
        "--mapping", action="append", default=[], help="version mapping TOML; repeatable"
    )
    yoy.add_argument(
        "--aggregate",
        choices=[a.value for a in Aggregate],
        default="none",
        help="how merged/split units' predecessors combine (default: shown side by side only)",
    )
    _add_store(yoy)
    yoy.set_defaults(handler=cmd_yoy)

    targets = commands.add_parser("targets", help="check plan targets (TOML) against the store")
    targets.add_argument("plan")
    targets.add_argument(
        "--years", default=None, help="override the targets' years: 2016-2021 or 2021"
    )
    targets.add_argument(
        "--mapping", action="append", default=[], help="version mapping TOML; repeatable"
    )
    _add_store(targets)
    targets.set_defaults(handler=cmd_targets)


def cmd_import(args: argparse.Namespace) -> int:
    document = read_document(args.results)
    with _open(args) as store:
        for position, record in enumerate(document.sets):
            set_id = store.add_record(
                record,
                year=args.year,
                replace=args.replace,
                where=f"{args.results}, sets[{position}]",
            )
            info = store.load(set_id).info
            counts = f"{len(record.units)} units, {len(record.figures)} figures"
            print(f"imported {info.describe()}: {counts}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with _open(args) as store:
        rows = [
            (
                info.id,
                info.year,
                info.pack,
                info.version,
                info.origin.value,
                info.stage,
                info.label,
                len(store.load(info.id).units),
                info.source,
            )
            for info in store.sets(args.year, args.pack)
        ]
        print(
            format_table(
                ("set", "year", "pack", "version", "origin", "stage", "label", "units", "source"),
                rows,
                right=(0, 7),
            )
        )
        events = store.lineage().events
        print(f"\n{len(events)} lineage event(s)")
        for event in events:
            print(f"  {event.describe()}" + (f" — {event.source}" if event.source else ""))
    return 0


def cmd_lineage(args: argparse.Namespace) -> int:
    lineage = read_lineage(args.file)
    with _open(args) as store:
        added = store.add_lineage(lineage.events)
    print(f"recorded {added} new lineage event(s) of {len(lineage.events)} in {args.file}")
    return 0


def _mappings(paths: list[str]) -> list[VersionMapping]:
    """Mappings from files, plus every mapping an installed pack declares."""
    plugins = default_plugins()
    declared = []
    for pack in plugins.packs():
        for earlier_id in dict.fromkeys(m.from_pack for m in pack.mappings):
            if earlier_id in plugins.pack_ids():
                declared.append(mapping_from_pack(pack, plugins.pack(earlier_id)))
    return [*(read_mapping(path) for path in paths), *declared]


def _num(value: Decimal | None, decimals: int, lang: str) -> str:
    return "" if value is None else format_decimal(value, decimals, lang)


def _predecessor_text(pred: Predecessor, decimals: int, lang: str) -> str:
    code = f"[{pred.code}]" if pred.code else ""
    value = _num(pred.index, decimals, lang) if pred.index is not None else "—"
    rank = f" #{pred.rank}" if pred.rank is not None else ""
    note = f" ({pred.note})" if pred.note else ""
    return f"{pred.unit}{code} {value}{rank}{note}"


def cmd_yoy(args: argparse.Namespace) -> int:
    lang = args.lang
    with _open(args) as store:
        report = year_over_year(
            store,
            args.pack,
            args.year,
            previous_year=args.previous,
            version=args.version,
            origin=args.origin,
            label=args.label,
            codes=args.code,
            units=args.unit,
            mappings=_mappings(args.mapping),
            aggregate=Aggregate(args.aggregate),
        )
    d = report.current.info.index_decimals
    print(f"{report.current.info.describe()} ↔ {report.previous_year}")
    rows = []
    for row in report.rows:
        change = (
            ""
            if row.index_change is None
            else f"{'+' if row.index_change > 0 else ''}{_num(row.index_change, d, lang)}"
        )
        rank_change = "" if row.rank_change is None else f"{row.rank_change:+d}"
        rank = (
            ""
            if row.rank is None
            else f"{row.rank}" + (f"/{row.ranked_of}" if row.ranked_of else "")
        )
        notes = [
            n for n in (row.basis if row.basis != "own previous result" else "", row.note) if n
        ]
        notes += list(row.events)
        rows.append(
            (
                row.unit,
                row.code or "Σ",
                _num(row.index, d, lang),
                rank,
                _num(row.previous_index, d, lang),
                change,
                rank_change,
                row.relation,
                "; ".join(_predecessor_text(p, d, lang) for p in row.predecessors),
                " | ".join(notes),
            )
        )
    headers = [
        _t(k, lang)
        for k in (
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
    ]
    print(format_table(headers, rows, right=(2, 3, 4, 5, 6)))
    return 0


def _parse_years(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        if "-" in text:
            first, last = (int(part) for part in text.split("-", 1))
            return list(range(first, last + 1))
        return [int(text)]
    except ValueError:
        raise ParIndexError(
            f"--years {text!r}: expected a year or a range like 2016-2021"
        ) from None


def cmd_targets(args: argparse.Namespace) -> int:
    lang = args.lang
    plan = read_plan(args.plan)
    with _open(args) as store:
        checks = check_targets(
            store, plan, years=_parse_years(args.years), mappings=_mappings(args.mapping)
        )
    print(plan.title + (f"\n{plan.source}" if plan.source else ""))
    rows = [
        (
            check.target.describe(lang),
            check.year,
            _t(check.status.value, lang),
            "; ".join(f"{k}: {v}" for k, v in check.figures),
        )
        for check in checks
    ]
    print(
        format_table(
            [_t(k, lang) for k in ("target", "year", "status", "figures")], rows, right=(1,)
        )
    )
    details = [(check.year, line) for check in checks for line in check.detail]
    for year, line in details:
        print(f"  {year}: {line}")
    counts = {status: sum(1 for c in checks if c.status is status) for status in Status}
    print(", ".join(f"{_t(status.value, lang)}: {n}" for status, n in counts.items()))
    return 0
