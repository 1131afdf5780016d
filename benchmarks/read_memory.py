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

Run: ``flock /tmp/parindex-bench.lock python benchmarks/read_memory.py [N ...]``
(N: units, default 10⁴ and 10⁵; the files must exist: run whole_path.py once).
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("units", type=int, nargs="*", default=[10_000, 100_000])
    args = parser.parse_args()
    print(
        "| file | size MB | start MiB | peak MiB | added MiB | added / size | traced MiB | read s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for units in args.units:
        path = DATA / f"long-{units}.csv"
        size = path.stat().st_size
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
