"""Survey benchmarks: aggregating questionnaires, and the bootstrap of index ranks.

SYNTHETIC data only (:func:`parindex.survey.synthetic_answers` on the SYNTHETIC
commune survey: 40 questions, 10 leaves, 4 respondent groups, blanks and
"not an answer" included).

- Aggregation: ``parindex.survey.aggregate`` from coded answers (arrays, as a
  reader leaves them) to exact points, counts and policies, at 10⁴, 10⁵ and 10⁶
  questionnaires × 40 questions, 100 questionnaires per unit (10² … 10⁴ units).
  Target: 10⁶ questionnaires over 10⁴ units in under 2 s, linear growth. Before
  timing, the result at 10⁴ questionnaires is asserted equal to the plain
  Decimal reference aggregator, unit by unit and leaf by leaf.

- Multi-select: the same at 10⁶ questionnaires for the SYNTHETIC multi-select example of
  docs/survey.md (``docs/examples/survey/nhieu-lua-chon.toml``: one question of 4
  options ticked in any combination, three leaves: any of, all of, count; one yes/no
  question), checked against the reference first; ns per answer beside the 40-question
  survey's.

- Rank bootstrap: ``parindex.survey.uncertainty.rank_bootstrap`` with 1,000
  resamples of respondents within units over 10³ SYNTHETIC communes × 30
  questionnaires (self-assessment from ``parindex.synthetic``): resample,
  re-aggregate (policies included), re-score, re-rank. Target: under 10 s.

Times are medians of three runs after a warm-up (wall clock, one core); the
bootstrap is timed once after a warm-up of 64 resamples.
Run: ``flock /tmp/parindex-bench.lock python -m benchmarks.survey [--quick]``;
prints a markdown section for RESULTS.md.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 (threads pinned first)
import gc  # noqa: E402 (threads pinned first)
import math  # noqa: E402 (threads pinned first)
import time  # noqa: E402 (threads pinned first)

from benchmarks.run import _timed  # noqa: E402 (threads pinned first)
from parindex.survey import aggregate, reference_aggregate, synthetic_answers  # noqa: E402 (threads pinned first)
from parindex.survey.installed import get_survey  # noqa: E402 (threads pinned first)

PER_UNIT = 100
AGGREGATION_TARGET_S = 2.0
BOOTSTRAP_TARGET_S = 10.0


def aggregation(sizes: list[int]) -> list[str]:
    definition = get_survey("synthetic-commune-survey")
    small = synthetic_answers(definition, sizes[0] // PER_UNIT, respondents=PER_UNIT)
    points = aggregate(definition, small)
    reference = reference_aggregate(definition, small)
    for unit in points.units:
        for code in points.leaf_codes:
            assert points.points(unit, code) == reference.points[(unit, code)], (unit, code)
    lines = [
        "| questionnaires | units | questions | answers | aggregate s | ns per answer | target |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    timings = []
    for n in sizes:
        answers = synthetic_answers(definition, n // PER_UNIT, respondents=PER_UNIT)
        seconds, _ = _timed(lambda answers=answers: aggregate(definition, answers), 3)
        timings.append(seconds)
        cells = answers.codes.size
        target = f"< {AGGREGATION_TARGET_S:g} s" if n == 1_000_000 else ""
        if target:
            target += " met" if seconds < AGGREGATION_TARGET_S else " MISSED"
        lines.append(
            f"| {n:,} | {n // PER_UNIT:,} | {len(definition.questions)} | {cells:,} "
            f"| {seconds:.3f} | {seconds / cells * 1e9:.1f} | {target} |"
        )
        del answers
    if len(sizes) > 1:
        slope = math.log(timings[-1] / timings[0]) / math.log(sizes[-1] / sizes[0])
        last = math.log(timings[-1] / timings[-2]) / math.log(sizes[-1] / sizes[-2])
        lines.append("")
        lines.append(
            f"Growth: time ∝ questionnaires^{slope:.2f} from {sizes[0]:,} to {sizes[-1]:,} "
            f"(fixed costs weigh on the smallest size), ^{last:.2f} from {sizes[-2]:,}."
        )
    return lines


MULTI_EXAMPLE = "docs/examples/survey/nhieu-lua-chon.toml"


def multi_select(n: int) -> list[str]:
    """Aggregation of a survey whose leaves read a multi-select question (bit masks)."""
    from pathlib import Path

    from parindex.survey import read_definition

    definition = read_definition(Path(__file__).parent.parent / MULTI_EXAMPLE)
    small = synthetic_answers(definition, 100, respondents=PER_UNIT)
    points = aggregate(definition, small)
    reference = reference_aggregate(definition, small)
    for unit in points.units:
        for code in points.leaf_codes:
            assert points.points(unit, code) == reference.points[(unit, code)], (unit, code)
    answers = synthetic_answers(definition, n // PER_UNIT, respondents=PER_UNIT)
    seconds, _ = _timed(lambda: aggregate(definition, answers), 3)
    cells = answers.codes.size
    return [
        "| questionnaires | units | questions | leaves | answers | aggregate s | ns per answer |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {n:,} | {n // PER_UNIT:,} | {len(definition.questions)} | {len(definition.leaves)} "
        f"| {cells:,} | {seconds:.3f} | {seconds / cells * 1e9:.1f} |",
    ]


def rank_bootstrap_timing(n_units: int = 1000, resamples: int = 1000) -> list[str]:
    import parindex
    from parindex.survey.combine import without_leaves
    from parindex.survey.uncertainty import rank_bootstrap
    from parindex.synthetic import synthetic_input

    compiled = parindex.compile_pack(parindex.get_pack("synthetic-commune"))
    definition = get_survey("synthetic-commune-survey")
    data = synthetic_input(compiled, n_units)
    answers = synthetic_answers(definition, list(data.unit_ids), respondents=30)
    survey = aggregate(definition, answers, units=data.unit_ids)
    blank = without_leaves(data, compiled, survey.leaf_codes)
    results = parindex.score(compiled, blank, survey=survey)
    rank_bootstrap(results, answers, resamples=64)
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    ranks = rank_bootstrap(results, answers, resamples=resamples, seed=1)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    wide = sum(unit.wide for unit in ranks.units)
    met = "met" if seconds < BOOTSTRAP_TARGET_S else "MISSED"
    return [
        "| units | questionnaires | resamples | seconds | CPU s | units marked wide | target |",
        "|---:|---:|---:|---:|---:|---:|---|",
        f"| {n_units:,} | {answers.n_respondents:,} | {resamples:,} | {seconds:.2f} | {cpu:.2f} "
        f"| {wide} | < {BOOTSTRAP_TARGET_S:g} s {met} |",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10⁴ and 10⁵ questionnaires only")
    args = parser.parse_args(argv)
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    print("## Survey aggregation (SYNTHETIC answers)\n")
    print("\n".join(aggregation(sizes)))
    print("\n## Survey aggregation, multi-select (SYNTHETIC)\n")
    print("\n".join(multi_select(sizes[-1])))
    print("\n## Survey rank bootstrap (SYNTHETIC)\n")
    print("\n".join(rank_bootstrap_timing()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
