"""Memory of reading a long CSV: ``read_input`` alone in a fresh process.

SYNTHETIC data (the long CSVs :mod:`benchmarks.whole_path` generates into
``benchmarks/.data/``). For each file a fresh Python process compiles the
benchmark pack, then calls ``read_input`` once and reports:

- *start*: its resident memory (VmRSS) just before reading;
- *peak*: its peak resident memory (VmHWM) after reading, and *added*: peak − start,
  the memory reading itself adds, with its ratio to the file's size;
- *traced*: the peak of Python and numpy allocations while reading (tracemalloc; a
  second process, since tracing slows reading down), which leaves out the
  interpreter and imported code;
- *read s*: the wall time of ``read_input`` in the untraced process.

Run: ``flock /tmp/parindex-bench.lock python benchmarks/read_memory.py [N ...]
[--json N ...] [--workbooks N ...]`` (N: units of the long CSV, default 10⁴ and 10⁵;
``--json``: the same entries as a JSON input document; ``--workbooks``: a folder of N
filled one-unit workbooks; inputs missing from ``benchmarks/.data/`` are generated
first, as whole_path.py generates them).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / ".data"

CHILD = """
import sys, time, tracemalloc
sys.path.insert(0, {root!r})
from benchmarks.data import bench_compiled
from parindex.io import read_input
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024
compiled = bench_compiled()
traced = {traced!r}
if traced:
    tracemalloc.start()
start = status("VmRSS:")
began = time.perf_counter()
data = read_input(compiled, {path!r})
took = time.perf_counter() - began
peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else 0.0
print(start, status("VmHWM:"), peak, took)
"""


def measure(path: Path, traced: bool) -> tuple[float, float, float, float]:
    code = CHILD.format(root=str(DATA.parent.parent), path=str(path), traced=traced)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    start, peak, trace, took = map(float, done.stdout.split())
    return start, peak, trace, took


def _inputs(args: argparse.Namespace) -> list[Path]:
    sys.path.insert(0, str(DATA.parent.parent))
    from benchmarks import whole_path
    from benchmarks.data import bench_compiled

    compiled = bench_compiled()
    paths = [whole_path.long_csv(compiled, n) for n in args.units]
    paths += [whole_path.json_input(compiled, n) for n in args.json]
    paths += [whole_path.workbooks(compiled, n) for n in args.workbooks]
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("units", type=int, nargs="*", help="long CSV units (10⁴ 10⁵)")
    parser.add_argument("--json", type=int, nargs="*", default=[], help="JSON input units")
    parser.add_argument("--workbooks", type=int, nargs="*", default=[], help="workbook count")
    args = parser.parse_args()
    if not (args.units or args.json or args.workbooks):
        args.units = [10_000, 100_000]
    paths = _inputs(args)
    columns = ("input", "size MB", "start MiB", "peak MiB", "added MiB", "added / size")
    print("| " + " | ".join((*columns, "traced MiB", "read s")) + " |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for path in paths:
        size = (
            sum(f.stat().st_size for f in path.iterdir()) if path.is_dir() else path.stat().st_size
        )
        start, peak, _, took = measure(path, traced=False)
        _, _, trace, _ = measure(path, traced=True)
        added = peak - start
        print(
            f"| {path.name} | {size / 1e6:.1f} | {start:.0f} | {peak:.0f} | {added:.0f} | "
            f"{added * 2**20 / size:.1f} | {trace:.0f} | {took:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
