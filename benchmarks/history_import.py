"""History import benchmark: ``parindex history import PACK INPUT --year Y`` as a process,
beside ``parindex score PACK INPUT -o kq.json`` on the same input.

SYNTHETIC data only (the 100-leaf benchmark pack of :mod:`benchmarks.data`, 147 nodes,
and the long CSV of :mod:`benchmarks.whole_path`): 10³ and 10⁴ units by default, two
result sets each (the final scores and the self-assessment view: 2.9 million figures at
10⁴ units). Each command is a fresh process (wall time and peak memory, VmHWM); the
import then runs in this process too, split into scoring, preparing the sets (building
and checking the figures) and storing them in a fresh SQLite file.

Run: ``flock /tmp/parindex-bench.lock python benchmarks/history_import.py [--units N ...]``.
Prints a markdown table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.data import bench_compiled
from benchmarks.whole_path import DATA, long_csv, run_process
from parindex.history.importing import prepare_results
from parindex.history.store import HistoryStore
from parindex.io import read_input, write_pack_toml
from parindex.scoring import score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="*", help="sizes in units (10³ 10⁴)")
    args = parser.parse_args()
    compiled = bench_compiled()
    DATA.mkdir(exist_ok=True)
    pack = DATA / "synthetic-bench-100.toml"
    if not pack.exists():
        write_pack_toml(compiled.pack, pack)
    columns = ("units", "figures", "score -o kq.json s", "MiB", "history import s", "MiB")
    columns += ("in process: score s", "prepare s", "store s")
    print("| " + " | ".join(columns) + " |")
    print("|" + "---:|" * len(columns))
    for n_units in args.units or (1_000, 10_000):
        source = long_csv(compiled, n_units)
        with tempfile.TemporaryDirectory(dir=DATA) as folder:
            document = Path(folder) / "kq.json"
            score_wall, score_peak = run_process(
                "score", str(pack), str(source), "-o", str(document)
            )
            store = Path(folder) / "lich-su.sqlite"
            import_wall, import_peak = run_process(
                "history", "import", str(pack), str(source), "--year", "2024", "--store", str(store)
            )
            started = time.perf_counter()
            results = score(compiled, read_input(compiled, source))
            scored = time.perf_counter()
            prepared = prepare_results(results, year=2024)
            ready = time.perf_counter()
            with HistoryStore.open(Path(folder) / "again.sqlite", create=True) as again:
                again.add_prepared(prepared)
            stored = time.perf_counter()
        figures = sum(len(rows) for _, _, rows in prepared.sets)
        print(
            f"| {n_units:,} | {figures:,} | {score_wall:.2f} | {score_peak:.0f} | "
            f"{import_wall:.2f} | {import_peak:.0f} | {scored - started:.2f} | "
            f"{ready - scored:.2f} | {stored - ready:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
