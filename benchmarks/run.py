"""Run the benchmarks and write ``benchmarks/RESULTS.md`` (``nox -s bench``).

Contenders, asserted equal before anything is timed:
(a) ``parindex.score`` with the fused compiled kernel (``engine="kernel"``, from
    ``pip install 'parindex[fast]'``), and beside it (a′) the numpy engine (the
    default install's);
(b) ``parindex.reference.reference_score``, the plain per-unit Decimal scorer;
(c) a pandas long-table implementation (``benchmarks.pandas_impl``);
(d) the bound: one ``np.sum`` over the same units × leaves float64 matrix.
All data are SYNTHETIC (``benchmarks.data``). ``--quick`` runs 10³ and 10⁴ units.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import gc
import math
import mmap
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.data import bench_arrays, bench_compiled
from parindex.compiled import CompiledPack
from parindex.engines.choice import kernel_available
from parindex.inputs import ScoringInput, Unit, from_array
from parindex.reference import reference_score
from parindex.results import StageScores
from parindex.scoring import score

ENGINES = ("kernel", "numpy")

RESULTS = Path(__file__).with_name("RESULTS.md")
REFERENCE_UNITS = 1000
PANDAS_MAX_UNITS = 100_000


def _timed(fn: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Median and minimum wall time in seconds over ``repeats`` runs (one warm-up)."""
    fn()
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def _peak(fn: Callable[[], Any]) -> int:
    """Peak bytes newly allocated while ``fn`` runs (tracemalloc sees numpy's buffers)."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    result = fn()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    del result
    return peak


def _input(compiled: CompiledPack, n: int) -> tuple[ScoringInput, tuple[np.ndarray, ...]]:
    arrays = bench_arrays(compiled, n)
    units = [Unit(f"U{i}") for i in range(n)]
    values, na, bonus, deduction = arrays
    return from_array(
        compiled, units, values, not_applicable=na, bonus=bonus, deduction=deduction
    ), arrays


def _assert_reference(compiled: CompiledPack, data: ScoringInput, scores: StageScores) -> None:
    expected = reference_score(compiled, data)
    ticks = 10**compiled.pack.point_decimals
    decimals = compiled.pack.rounding.decimals
    labels = compiled.pack.classification.labels
    for row, unit in enumerate(expected):
        for node, code in enumerate(compiled.codes):
            assert unit.points[code] * ticks == int(scores.points[row, node]), (unit.unit, code)
            index = unit.index[code]
            got = None if scores.unit_maximum()[row, node] == 0 else int(scores.index[row, node])
            assert (None if index is None else int(index.scaleb(decimals))) == got, (
                unit.unit,
                code,
            )
            grade = unit.grade[code]
            assert (labels.index(grade) if grade is not None else -1) == int(
                scores.grade[row, node]
            )
        assert (unit.rank or 0) == int(scores.rank[row]), unit.unit


def _assert_same(kernel: StageScores, numpy_engine: StageScores) -> None:
    """The two engines agree on every array, bit for bit."""
    for name in ("points", "index", "grade", "rank", "missing"):
        assert np.array_equal(getattr(kernel, name), getattr(numpy_engine, name)), name
    assert np.array_equal(kernel.unit_maximum(), numpy_engine.unit_maximum())
    assert (kernel.limited is None) == (numpy_engine.limited is None)
    if kernel.limited is not None:
        assert np.array_equal(kernel.limited, numpy_engine.limited)


def _write_bound(scores: StageScores) -> Callable[[], Any]:
    """Write arrays shaped like the results into memory never touched before.

    Any implementation that hands out these per-(unit, node) arrays pays this
    when its results land in fresh memory (the OS faults in and zeroes every
    page, then the values are written once), whatever it computes. Anonymous
    ``mmap`` guarantees fresh pages on every call, unlike ``malloc``, whose reuse
    of freed memory depends on the process's history.
    """
    like = [scores.points, scores.index, scores.grade]
    if scores.varying_maximum is not None:
        like.append(scores.varying_maximum)

    def fill() -> None:
        for array in like:
            with mmap.mmap(-1, max(array.nbytes, 1)) as buffer:
                if hasattr(mmap, "MADV_HUGEPAGE"):
                    buffer.madvise(mmap.MADV_HUGEPAGE)  # as numpy does for large arrays
                fresh = np.frombuffer(buffer, dtype=array.dtype, count=array.size)
                fresh.fill(1)
                del fresh

    return fill


def _first_kernel_use(compiled: CompiledPack) -> float:
    """Seconds for this process's first kernel call: import numba, load the machine code.

    Compiling it (the very first call on a machine, or after the code changes)
    takes several seconds more; numba caches the result on disk.
    """
    sample, _ = _input(compiled, 10)
    start = time.perf_counter()
    score(compiled, sample, stages=False, engine="kernel")
    return time.perf_counter() - start


def _assert_pandas(scores: StageScores, other: dict[str, np.ndarray]) -> None:
    for key in ("points", "maximum", "index", "grade", "rank"):
        mine = np.broadcast_to(getattr(scores, key), other[key].shape)
        assert np.array_equal(mine, other[key]), key


def _machine() -> list[str]:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as handle:
        ram = int(handle.readline().split()[1]) / 2**20
    import pandas as pd

    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores (benchmarks use one: OMP/OPENBLAS threads = 1, no multiprocessing)",
        f"- RAM: {ram:.1f} GiB; load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"- Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, {platform.platform()}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10³ and 10⁴ units only")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not kernel_available():
        parser.error(
            "the benchmarks time both engines: pip install -e '.[fast,pandas]' (nox -s bench does)"
        )
    sizes = [10**3, 10**4] if args.quick else [10**3, 10**4, 10**5, 10**6]
    repeats = {10**3: 31, 10**4: 21, 10**5: 7, 10**6: 3}
    compiled = bench_compiled()
    from benchmarks.pandas_impl import criteria_tables

    tables = criteria_tables(compiled)
    first_use = _first_kernel_use(compiled)

    # (b) the reference on a 10³-unit sample: seconds per unit, extrapolated.
    sample, _ = _input(compiled, REFERENCE_UNITS)
    for engine in ENGINES:
        _assert_reference(
            compiled, sample, score(compiled, sample, stages=False, engine=engine).final
        )
    start = time.perf_counter()
    reference_score(compiled, sample)
    per_unit_reference = (time.perf_counter() - start) / REFERENCE_UNITS
    print(f"reference: {per_unit_reference * 1e3:.2f} ms per unit", flush=True)

    rows = []
    for n in sizes:
        rows.append(_measure(compiled, tables, n, repeats[n], per_unit_reference))
        print(rows[-1], flush=True)

    # Growth with leaves: the same pack's leaves repeated (1×, 2×, 4× the columns).
    leaf_rows = []
    n = 10**4
    from benchmarks.data import bench_pack_wide

    for width in (1, 2, 4):
        wide = bench_compiled() if width == 1 else bench_pack_wide(width)
        data, _ = _input(wide, n)
        medians = [
            _timed(
                lambda wide=wide, data=data, engine=engine: score(
                    wide, data, stages=False, engine=engine
                ),
                11,
            )[0]
            for engine in ENGINES
        ]
        leaf_rows.append((wide.n_leaves, wide.n_nodes, *medians))
        print(leaf_rows[-1], flush=True)

    args.output.write_text(
        _markdown(rows, leaf_rows, per_unit_reference, args.quick, first_use), encoding="utf-8"
    )
    print(f"wrote {args.output}")
    return 0


def _measure(
    compiled: CompiledPack, tables: Any, n: int, repeats: int, per_unit_reference: float
) -> dict[str, Any]:
    """One size: assert every contender equal, then time each."""
    from benchmarks.pandas_impl import pandas_score

    data, (values, na, bonus, deduction) = _input(compiled, n)
    groups = np.zeros(n, dtype=np.int64)
    final = score(compiled, data, stages=False, engine="kernel").final
    _assert_same(final, score(compiled, data, stages=False, engine="numpy").final)

    def run_a() -> Any:
        return score(compiled, data, stages=False, engine="kernel")

    def run_numpy() -> Any:
        return score(compiled, data, stages=False, engine="numpy")

    def run_c() -> Any:
        return pandas_score(compiled, tables, values, na, bonus, deduction, groups)

    run_e = _write_bound(final)
    if n <= PANDAS_MAX_UNITS:
        _assert_pandas(final, run_c())
    del final
    a_med, a_min = _timed(run_a, repeats)
    e_med, _ = _timed(run_e, repeats)
    numpy_med, _ = _timed(run_numpy, max(3, repeats // 3))
    d_med, _ = _timed(lambda: np.sum(values), repeats)
    c_med = math.nan
    if n <= PANDAS_MAX_UNITS:
        c_med, _ = _timed(run_c, max(3, repeats // 4))
    return {
        "n": n,
        "leaves": compiled.n_leaves,
        "a": a_med,
        "a_min": a_min,
        "numpy": numpy_med,
        "b": per_unit_reference * n,
        "c": c_med,
        "d": d_med,
        "e": e_med,
        "peak": _peak(run_a),
        "input": values.nbytes,
    }


def _slope(xs: list[float], ys: list[float]) -> float:
    return float(np.polyfit(np.log10(xs), np.log10(ys), 1)[0])


def _markdown(
    rows: list[dict[str, Any]],
    leaf_rows: list[tuple[int, int, float, float]],
    per_unit: float,
    quick: bool,
    first_use: float,
) -> str:
    def ms(x: float) -> str:
        return "not run" if math.isnan(x) else f"{x * 1e3:,.1f}"

    lines = [
        "# Benchmarks: scoring SYNTHETIC commune-style data",
        "",
        "Generated by `nox -s bench`"
        + (" -- --quick" if quick else "")
        + " (`python -m benchmarks.run`).",
        "All data are SYNTHETIC (`benchmarks/data.py`, seeded PCG64): a 100-leaf pack mixing every",
        'built-in rule kind, "không phát sinh" as full points and as excluded, one deduction node',
        "with a negative floor and a pack-wide bonus.",
        "",
        "## Machine",
        "",
        *_machine(),
        "",
        "## What is timed",
        "",
        "The full pipeline from a units × leaves float64 array (already wrapped by `from_array`, which",
        "does not copy it) to points per node, maxima, index %, classes and group ranks, input",
        "validation included: `parindex.score(compiled, data, stages=False)`. Times are medians of",
        "repeated runs after one warm-up (wall clock, one core). Before timing, (a) and (a′) are",
        "asserted identical to (b) on 1 000 units, to each other at every size (every array, bit for",
        "bit) and to (c) at every size (c) runs.",
        "",
        '- (a) parindex with the fused compiled kernel, `engine="kernel"` (`pip install',
        "  'parindex[fast]'`; what `engine=\"auto\"`, the default, picks when numba is installed:",
        "  from 65 536 entries once a process has loaded it, from 33 554 432 before); its first use in a",
        f"  process imports numba and loads the cached machine code: {first_use:.2f} s in this run",
        "  (compiling it the very first time takes several seconds more, once per machine)",
        "  (each run's results are dropped before the next, so malloc may hand the next run",
        "  memory that is already mapped; whether it does depends on the process's history)",
        '- (a′) parindex with `engine="numpy"`: whole-array numpy passes, block by block (the',
        "  default install's engine, and `engine=\"auto\"`'s below those thresholds)",
        f"- (b) per-unit Decimal reference scorer: timed on 1 000 units ({per_unit * 1e3:.2f} ms per unit),",
        "  extrapolated linearly (its rank step is quadratic, so this flatters it at large sizes)",
        "- (c) pandas long table → merge with criteria → per-kind column arithmetic → groupby-sum up",
        f"  the tree → bounds → index, classes, `groupby().rank()`; not run above {PANDAS_MAX_UNITS:,} units",
        "  (the long table alone would need tens of GB)",
        "- (d) the read bound: one `np.sum` over the same float64 matrix (one read of the input)",
        "- (e) writing the results into fresh memory: arrays of the results' shapes and dtypes",
        "  (points, index, class, and the per-unit maxima of nodes above an excluded leaf) filled once in",
        "  never-touched pages (anonymous mmap): what any implementation pays, before computing",
        "  anything, whenever its results land in new memory; (a) includes up to this much",
        "",
        "Peak memory: `tracemalloc` peak of bytes allocated during one (a) run, input excluded.",
        "numpy reports its buffers to tracemalloc, so this counts the result arrays and every",
        "temporary, and unlike `ru_maxrss` it is not polluted by earlier sizes in the same process.",
        "The kernel's own scratch (a few (nodes + leaves) × 256 arrays, under 1 MB) is allocated by",
        "numba and not seen by tracemalloc.",
        "",
        "## Results",
        "",
        "Targets, the profile and what limits the scorer: [docs/benchmarks.md](../docs/benchmarks.md).",
        "",
        "| units | leaves | (a) kernel ms | (a) min ms | (a′) numpy engine ms | (b) reference ms (est.) | (c) pandas ms | (d) np.sum ms | (e) fresh-memory write ms | b/a | c/a | c/a′ | a/d | peak MiB | peak / input |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ca = "–" if math.isnan(r["c"]) else f"{r['c'] / r['a']:.1f}×"
        c_numpy = "–" if math.isnan(r["c"]) else f"{r['c'] / r['numpy']:.1f}×"
        lines.append(
            f"| {r['n']:,} | {r['leaves']} | {ms(r['a'])} | {ms(r['a_min'])} | {ms(r['numpy'])} | "
            f"{ms(r['b'])} | {ms(r['c'])} | "
            f"{r['d'] * 1e3:.2f} | {r['e'] * 1e3:.2f} | {r['b'] / r['a']:,.0f}× | {ca} | {c_numpy} | "
            f"{r['a'] / r['d']:.0f}× | "
            f"{r['peak'] / 2**20:,.1f} | {r['peak'] / r['input']:.2f}× |"
        )
    ns = [r["n"] for r in rows]
    lines += [
        "",
        "## Growth",
        "",
        f"- With units: time ∝ units^{_slope(ns, [r['a'] for r in rows]):.2f} with the kernel, "
        f"units^{_slope(ns, [r['numpy'] for r in rows]):.2f} with numpy (least-squares slope on log-log, medians)",
        "  ; per unit (kernel): "
        + ", ".join(f"{r['a'] / r['n'] * 1e6:.2f} µs at {r['n']:,}" for r in rows),
        "- With leaves (10 000 units; the pack's fields repeated):",
        "",
        "| leaves | nodes | (a) kernel ms | (a′) numpy ms | kernel µs per unit·leaf | numpy µs per unit·leaf |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for leaves, nodes, kernel_med, numpy_med in leaf_rows:
        per = 10**4 * leaves
        lines.append(
            f"| {leaves} | {nodes} | {kernel_med * 1e3:.1f} | {numpy_med * 1e3:.1f} | "
            f"{kernel_med / per * 1e6:.4f} | {numpy_med / per * 1e6:.4f} |"
        )
    leaves = [row[0] for row in leaf_rows]
    lines += [
        "",
        f"Slope with leaves: {_slope(leaves, [row[2] for row in leaf_rows]):.2f} (kernel), "
        f"{_slope(leaves, [row[3] for row in leaf_rows]):.2f} (numpy).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
