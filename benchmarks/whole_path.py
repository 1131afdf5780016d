"""Whole-path benchmark: ``parindex score PACK INPUT -o results.csv`` as a process.

SYNTHETIC data only (the 100-leaf benchmark pack of :mod:`benchmarks.data`,
exported to a pack file so the command reads it like any province's pack):

- long CSV at 10³, 10⁴ and 10⁵ units × 100 leaves (``--quick``: 10³ and 10⁴);
- 100 and 1,000 filled one-unit workbooks in a folder (``--quick``: 100).

Each input is scored by a fresh ``parindex`` process (start-up, imports, kernel
load, the screen ranking included; stdout goes to /dev/null); its wall time and
peak memory (VmHWM of that process) are recorded. The same steps are then timed
inside this process to give the share of reading, scoring and writing; the rest
of the end-to-end time is start-up, the pack file and the screen. The growth
slope is the log-log slope of the end-to-end time between consecutive CSV sizes
and from the smallest to the largest.

Run: ``flock /tmp/parindex-bench.lock python benchmarks/whole_path.py [--quick]``
(data are generated once into ``benchmarks/.data/``). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.data import bench_arrays, bench_compiled
from parindex.compiled import CompiledPack
from parindex.io import read_input, write_pack_toml, write_results, write_template
from parindex.rules import Achieved, Levels
from parindex.scoring import score

DATA = Path(__file__).resolve().parent / ".data"
TARGETS = {"csv-10000": 5.0, "csv-100000": 50.0, "xlsx-1000": 20.0}


def entry_texts(compiled: CompiledPack, values: np.ndarray, na: np.ndarray) -> np.ndarray:
    """What a person would type, per unit and leaf (an object array of text)."""
    texts = np.empty(values.shape, dtype=object)
    for leaf, rule in enumerate(compiled.leaf_rules):
        column = values[:, leaf]
        if isinstance(rule, Levels):
            labels = np.array([level.label for level in rule.levels], dtype=object)
            texts[:, leaf] = labels[np.nan_to_num(column).astype(int)]
        elif isinstance(rule, Achieved):
            texts[:, leaf] = np.where(column == 1, "đạt", "không đạt")
        else:
            texts[:, leaf] = [f"{v:.10g}" for v in np.nan_to_num(column)]
    texts[na] = "không phát sinh"
    return texts


def long_csv(compiled: CompiledPack, n_units: int) -> Path:
    path = DATA / f"long-{n_units}.csv"
    if path.exists():
        return path
    DATA.mkdir(exist_ok=True)
    values, na, _, _ = bench_arrays(compiled, n_units)
    texts = entry_texts(compiled, values, na)
    width = len(str(n_units))
    partial = path.with_suffix(".part")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit", "code", "value"])
        for row in range(n_units):
            unit = f"SYN-{row + 1:0{width}d}"
            writer.writerows(
                zip([unit] * compiled.n_leaves, compiled.leaf_codes, texts[row], strict=True)
            )
    partial.rename(path)
    return path


def json_input(compiled: CompiledPack, n_units: int) -> Path:
    """The same entries as :func:`long_csv` as a JSON input document (docs/io.md), one
    unit at a time (written without holding the document)."""
    path = DATA / f"input-{n_units}.json"
    if path.exists():
        return path
    DATA.mkdir(exist_ok=True)
    values, na, _, _ = bench_arrays(compiled, n_units)
    texts = entry_texts(compiled, values, na)
    width = len(str(n_units))
    pack = compiled.pack
    partial = path.with_suffix(".part")
    with partial.open("w", encoding="utf-8") as handle:
        handle.write(f'{{"pack": {json.dumps(pack.id)}, "version": {json.dumps(pack.version)}, ')
        handle.write('"units": [\n')
        for row in range(n_units):
            leaves = range(compiled.n_leaves)
            unit = {
                "id": f"SYN-{row + 1:0{width}d}",
                "values": {
                    compiled.leaf_codes[leaf]: _cell_value(texts[row, leaf])
                    for leaf in leaves
                    if not na[row, leaf]
                },
                "not_applicable": [compiled.leaf_codes[leaf] for leaf in leaves if na[row, leaf]],
            }
            handle.write(("" if row == 0 else ",\n") + json.dumps(unit, ensure_ascii=False))
        handle.write("\n]}\n")
    partial.rename(path)
    return path


def workbooks(compiled: CompiledPack, n_units: int) -> Path:
    import openpyxl

    folder = DATA / f"workbooks-{n_units}"
    if folder.exists():
        return folder
    partial = DATA / f"workbooks-{n_units}.part"
    partial.mkdir(parents=True, exist_ok=True)
    template = write_template(compiled, partial / "template.xlsx")
    values, na, _, _ = bench_arrays(compiled, n_units)
    texts = entry_texts(compiled, values, na)
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    rows = {row[0].value: row for row in sheet.iter_rows()}
    unit_cell = rows["Mã đơn vị"][1]
    template.unlink()
    for unit in range(n_units):
        unit_cell.value = f"SYN-{unit + 1:04d}"
        for leaf, code in enumerate(compiled.leaf_codes):
            cells = rows[code]
            text = texts[unit, leaf]
            cells[8].value = "x" if na[unit, leaf] else None
            cells[6].value = None if na[unit, leaf] else _cell_value(text)
        book.save(partial / f"unit-{unit + 1:04d}.xlsx")
    partial.rename(folder)
    return folder


def _cell_value(text: str) -> object:
    try:
        return float(text)
    except ValueError:
        return text


#: Runs ``parindex`` and reports its peak resident memory (VmHWM, which exec resets, unlike
#: ru_maxrss, which would count the forked image of this large benchmark process).
LAUNCHER = """
import atexit, runpy, sys
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            print("PEAK_KB=" + line.split()[1], file=sys.stderr)
atexit.register(peak)
sys.argv = ["parindex", *sys.argv[1:]]
runpy.run_module("parindex", run_name="__main__")
"""


def run_process(*arguments: str) -> tuple[float, float]:
    """(wall seconds, peak MiB) of one quiet ``parindex ARGUMENTS`` process."""
    command = [sys.executable, "-c", LAUNCHER, *arguments, "-q"]
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - started
    error = done.stderr.decode(errors="replace")
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed ({done.returncode}): {error[-2000:]}")
    peak = next(int(line[8:]) for line in error.splitlines() if line.startswith("PEAK_KB="))
    return wall, peak / 1024


def phases(compiled: CompiledPack, source: Path, output: Path) -> tuple[float, float, float]:
    started = time.perf_counter()
    data = read_input(compiled, source)
    read = time.perf_counter()
    results = score(compiled, data)
    scored = time.perf_counter()
    write_results(results, output)
    return read - started, scored - read, time.perf_counter() - scored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10³, 10⁴ units and 100 workbooks")
    parser.add_argument(
        "--csv", type=int, nargs="*", help="CSV sizes in units (default 10³ 10⁴ 10⁵)"
    )
    parser.add_argument("--workbooks", type=int, nargs="*", help="workbook counts (100 1000)")
    args = parser.parse_args()
    compiled = bench_compiled()
    DATA.mkdir(exist_ok=True)
    pack = DATA / "synthetic-bench-100.toml"
    if not pack.exists():
        write_pack_toml(compiled.pack, pack)
    sizes = args.csv or ((1_000, 10_000) if args.quick else (1_000, 10_000, 100_000))
    counts = (
        args.workbooks if args.workbooks is not None else (100,) if args.quick else (100, 1_000)
    )
    cases = [(f"csv-{n}", long_csv(compiled, n), n) for n in sizes]
    cases += [(f"xlsx-{n}", workbooks(compiled, n), n) for n in counts]
    output = DATA / "results.csv"
    score(compiled, read_input(compiled, cases[0][1]))  # load the kernel once in this process
    columns = ("input", "units", "size MB", "end to end s", "peak MiB", "peak / size")
    columns += ("read s", "score s", "write s", "rest s", "results MB", "target")
    print("| " + " | ".join(columns) + " |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    walls = {}
    for name, source, n_units in cases:
        size = (
            sum(f.stat().st_size for f in source.iterdir())
            if source.is_dir()
            else source.stat().st_size
        )
        wall, peak = run_process("score", str(pack), str(source), "-o", str(output))
        read, scoring, writing = phases(compiled, source, output)
        walls[name] = (n_units, wall)
        target = TARGETS.get(name)
        verdict = (
            "" if target is None else f"< {target:g} s: {'met' if wall < target else 'missed'}"
        )
        rest = wall - read - scoring - writing
        print(
            f"| {name} | {n_units:,} | {size / 1e6:.1f} | {wall:.2f} | {peak:.0f} | "
            f"{peak * 2**20 / size:.1f} | {read:.2f} | {scoring:.2f} | {writing:.2f} | "
            f"{rest:.2f} | {output.stat().st_size / 1e6:.0f} | {verdict} |",
            flush=True,
        )
        output.unlink()
    csv_runs = [walls[f"csv-{n}"] for n in sizes]
    print()
    pairs = list(itertools.pairwise(csv_runs))
    if len(csv_runs) > 2:
        pairs.append((csv_runs[0], csv_runs[-1]))
    for (n0, t0), (n1, t1) in pairs:
        slope = math.log(t1 / t0) / math.log(n1 / n0)
        print(f"Growth slope of end-to-end time, {n0:,} → {n1:,} units: {slope:.2f} (target ≤ 1.1)")


if __name__ == "__main__":
    main()
