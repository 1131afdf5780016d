"""What-if: new points, index, class and rank after changing some entries.

Only the changed units' rows are re-evaluated and re-aggregated; the rest of
the group keeps its scored rows and is merely re-ranked. One exception is
exact: a relative-to-best rule ("giá trị / giá trị lớn nhất trong các đơn vị")
makes every unit's points depend on the group's best value, so when a change
moves a best value, every unit of that group is re-evaluated too.

``plan_target`` finds a small set of criteria whose full marks lift a unit to
a target rank or class. Method (greedy): repeatedly raise to full marks the
candidate criterion that adds the most points to the unit's total (exact,
after caps and bounds), until the target is met, the other units held fixed.
When criteria gains add up (no cap binds), taking the largest gains first is
optimal in the number of criteria; with caps it may take more criteria than
needed, which ``exhaustive_target`` (all subsets, small packs only) can check.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import attrs
import numpy as np
import numpy.typing as npt

from parindex.analysis._common import (
    fmt,
    grade_label,
    index_value,
    label,
    partition,
    points,
    rank_value,
)
from parindex.analysis._engine import (
    LeafState,
    aggregate,
    evaluate_leaves,
    improved,
    index_and_grade,
    leaf_state,
    resolve_stage,
    view_inputs,
)
from parindex.compiled import ROOT
from parindex.errors import InputError, InputProblem, ParIndexError
from parindex.fixedpoint import BoolArray, Int64Array, quantize_values
from parindex.grammar import EntryError
from parindex.inputs import is_not_applicable
from parindex.labels import stage_heading
from parindex.messages import Found, current_lang, msg, text
from parindex.model import NotApplicable
from parindex.results import Results
from parindex.scoring import competition_ranks, group_best_values
from parindex.textable import format_table


@attrs.frozen
class Change:
    """Unit ``unit`` reaches ``value`` on leaf ``code``.

    ``value`` is an entry as in input files: a number, a level label, or
    "không phát sinh".
    """

    unit: str
    code: str
    value: object


@attrs.frozen
class AppliedChange:
    """A change as recorded in results: the entry as text ("không phát sinh" for NA)."""

    unit: str
    code: str
    value: str


@attrs.frozen
class UnitOutcome:
    unit: str
    name: str
    group: str
    points_before: Decimal
    points_after: Decimal
    index_before: Decimal | None
    index_after: Decimal | None
    grade_before: str | None
    grade_after: str | None
    rank_before: int | None
    rank_after: int | None


@attrs.frozen
class WhatIf:
    stage: str
    changes: tuple[AppliedChange, ...]
    #: Units whose rows were re-evaluated (changed units, plus whole groups whose best value moved).
    rescored: int
    #: Leaf codes whose group best value moved (relative-to-best rules).
    best_moved: tuple[str, ...]
    #: Every unit whose points, class or rank changed.
    outcomes: tuple[UnitOutcome, ...]
    #: Whether the pack has a classification (without one, no class is shown).
    graded: bool = True


@attrs.frozen(eq=False)
class Scenario:
    """Full arrays of a view after the changes (what a full re-score would give)."""

    points: Int64Array
    maximum: Int64Array
    index: Int64Array
    grade: npt.NDArray[np.int8]
    rank: Int64Array
    rescored: Int64Array
    best_moved: tuple[str, ...]


def _encode(results: Results, changes: tuple[Change, ...]) -> list[tuple[int, int, float, bool]]:
    compiled = results.compiled
    problems = []
    cells = []
    for change in changes:
        if change.unit not in results.unit_ids:
            problems.append(InputProblem(msg("analysis.unknown_unit"), change.unit, change.code))
            continue
        column = compiled.leaf_index.get(change.code)
        if column is None:
            problems.append(
                InputProblem(
                    msg("analysis.not_a_leaf", found=Found(change.code)),
                    change.unit,
                    change.code,
                    expected=msg("analysis.leaf_expected"),
                )
            )
            continue
        rule = compiled.leaf_rules[column]
        if is_not_applicable(change.value):
            if compiled.leaf_na[column] is NotApplicable.NOT_ALLOWED:
                problems.append(
                    InputProblem(msg("analysis.na_not_allowed"), change.unit, change.code)
                )
                continue
            cells.append((results.position(change.unit), column, float("nan"), True))
            continue
        try:
            number = rule.encode(change.value)
        except ValueError as exc:
            reason = exc.message if isinstance(exc, EntryError) else str(exc)
            problems.append(
                InputProblem(
                    msg("analysis.cannot_read", found=Found(change.value)),
                    change.unit,
                    change.code,
                    expected=reason,
                )
            )
            continue
        group = next(g for g in compiled.groups if column in g.columns)
        k = int(np.nonzero(group.columns == column)[0][0])
        micro = np.zeros((1, len(group.columns)), dtype=np.int64)
        micro[0, k] = quantize_values(np.array([number]))[0]
        if group.evaluator.invalid(micro)[0, k]:
            maximum = results.pack.node(change.code).maximum
            assert maximum is not None
            problems.append(
                InputProblem(
                    msg("analysis.not_accepted", found=Found(change.value)),
                    change.unit,
                    change.code,
                    expected=rule.expected(maximum, current_lang()),
                )
            )
            continue
        cells.append((results.position(change.unit), column, number, False))
    if problems:
        raise InputError(problems)
    return cells


def scenario(
    results: Results, changes: tuple[Change, ...] | list[Change], stage: str | None = None
) -> Scenario:
    """Apply ``changes`` to a view and return its full arrays, re-scoring only what moves."""
    compiled = results.compiled
    _, scores = resolve_stage(results, stage)
    inputs = view_inputs(results, stage)
    cells = _encode(results, tuple(changes))
    values = inputs.values.copy()
    na = inputs.not_applicable.copy()
    for row, column, number, is_na in cells:
        values[row, column] = number
        na[row, column] = is_na
    changed_rows = sorted({row for row, _, _, _ in cells})
    rows: set[int] = set(changed_rows)
    best_old = group_best_values(
        compiled, inputs.values, inputs.not_applicable, inputs.group_of, inputs.n_groups
    )
    best_new = group_best_values(compiled, values, na, inputs.group_of, inputs.n_groups)
    moved: list[str] = []
    for group in compiled.groups:
        if not group.uses_group_best:
            continue
        differs: BoolArray = best_old[group.kind] != best_new[group.kind]
        for g, k in zip(*np.nonzero(differs), strict=True):
            moved.append(compiled.leaf_codes[int(group.columns[k])])
            rows.update(np.nonzero(inputs.group_of == g)[0].tolist())
    selected = np.array(sorted(rows), dtype=np.int64)
    leaf_points, leaf_max = evaluate_leaves(
        compiled, values[selected], na[selected], inputs.group_of[selected], best_new
    )
    new_points, new_max = aggregate(
        compiled, leaf_points, leaf_max, inputs.bonus[selected], inputs.deduction[selected]
    )
    new_index, new_grade = index_and_grade(compiled, new_points, new_max)
    pts = scores.points.astype(np.int64)
    mx = np.array(scores.unit_maximum(), dtype=np.int64)
    index = scores.index.copy()
    grade = scores.grade.copy()
    pts[selected], mx[selected], index[selected], grade[selected] = (
        new_points,
        new_max,
        new_index,
        new_grade,
    )
    rank = competition_ranks(index[:, ROOT], mx[:, ROOT] > 0, inputs.group_of)
    return Scenario(pts, mx, index, grade, rank, selected, tuple(sorted(set(moved))))


def what_if(
    results: Results, changes: tuple[Change, ...] | list[Change], stage: str | None = None
) -> WhatIf:
    """Outcomes of ``changes`` for every unit whose points, class or rank moved."""
    name, scores = resolve_stage(results, stage)
    after = scenario(results, changes, stage)
    before_max = scores.unit_maximum()
    moved = (
        (after.points != scores.points).any(axis=1)
        | (after.grade[:, ROOT] != scores.grade[:, ROOT])
        | (after.rank != scores.rank)
    )
    outcomes = []
    for row in np.nonzero(moved)[0].tolist():
        unit = results.units[row]
        outcomes.append(
            UnitOutcome(
                unit=unit.id,
                name=unit.name,
                group=unit.group,
                points_before=points(results, int(scores.points[row, ROOT])),
                points_after=points(results, int(after.points[row, ROOT])),
                index_before=index_value(
                    results, int(scores.index[row, ROOT]), int(before_max[row, ROOT])
                ),
                index_after=index_value(
                    results, int(after.index[row, ROOT]), int(after.maximum[row, ROOT])
                ),
                grade_before=grade_label(results, int(scores.grade[row, ROOT])),
                grade_after=grade_label(results, int(after.grade[row, ROOT])),
                rank_before=rank_value(int(scores.rank[row])),
                rank_after=rank_value(int(after.rank[row])),
            )
        )
    applied = tuple(
        AppliedChange(
            c.unit, c.code, "không phát sinh" if is_not_applicable(c.value) else str(c.value)
        )
        for c in changes
    )
    # Units whose own points changed first, then the others by their new rank.
    outcomes.sort(key=lambda o: (o.points_after == o.points_before, o.rank_after or 0, o.unit))
    return WhatIf(
        name,
        applied,
        int(after.rescored.size),
        after.best_moved,
        tuple(outcomes),
        graded=results.pack.classification.defined,
    )


# -- targets ----------------------------------------------------------------------


@attrs.frozen
class Step:
    code: str
    title: str
    points_gained: Decimal
    index_after: Decimal | None
    grade_after: str | None
    rank_after: int | None


@attrs.frozen
class TargetPlan:
    unit: str
    target_rank: int | None
    target_grade: str | None
    reached: bool
    index_before: Decimal | None
    rank_before: int | None
    grade_before: str | None
    steps: tuple[Step, ...]
    #: How the plan was found: ``greedy`` (largest exact gain in total points first,
    #: other units held fixed); rendered from the catalogue (``analysis.method_greedy``).
    method: str = "greedy"
    #: Whether the pack has a classification (without one, no class is shown).
    graded: bool = True


@attrs.frozen(eq=False)
class _Target:
    """The unit's row state and what the rest of its group scored."""

    state: LeafState
    others: Int64Array  # scaled total indices of the other ranked units in the group
    rank: int | None
    grade: int | None

    def evaluate(
        self, results: Results, leaf_points: Int64Array
    ) -> tuple[Int64Array, Int64Array, npt.NDArray[np.int8], Int64Array]:
        compiled = results.compiled
        n = leaf_points.shape[0]
        pts, mx = aggregate(
            compiled,
            leaf_points,
            np.broadcast_to(self.state.leaf_max, leaf_points.shape),
            np.broadcast_to(self.state.bonus, (n, self.state.bonus.shape[1])),
            np.broadcast_to(self.state.deduction, (n, self.state.deduction.shape[1])),
        )
        index, grade = index_and_grade(compiled, pts, mx)
        ranks = 1 + (self.others[None, :] > index[:, ROOT : ROOT + 1]).sum(axis=1)
        return pts[:, ROOT], index[:, ROOT], grade[:, ROOT], ranks

    def met(self, grade: npt.NDArray[np.int8], ranks: Int64Array) -> BoolArray:
        ok = np.ones(ranks.shape, dtype=bool)
        if self.rank is not None:
            ok &= ranks <= self.rank
        if self.grade is not None:
            ok &= (grade >= 0) & (grade <= self.grade)
        return ok


def _target(
    results: Results, unit: str, rank: int | None, grade: str | None, stage: str | None
) -> _Target:
    if rank is None and grade is None:
        raise ParIndexError("analysis.no_target")
    if rank is not None and rank < 1:
        raise ParIndexError("analysis.rank_from_one", found=Found(rank))
    labels = results.pack.classification.labels
    if grade is not None and grade not in labels:
        raise ParIndexError("analysis.unknown_class", found=Found(grade), classes=labels)
    _, scores = resolve_stage(results, stage)
    row = results.position(unit)
    state = leaf_state(results, stage, np.array([row], dtype=np.int64))
    same = np.array([u.group == results.units[row].group for u in results.units])
    same[row] = False
    ranked = same & (scores.unit_maximum()[:, ROOT] > 0)
    return _Target(
        state,
        scores.index[ranked, ROOT].astype(np.int64),
        rank,
        labels.index(grade) if grade else None,
    )


def plan_target(
    results: Results,
    unit: str,
    *,
    rank: int | None = None,
    grade: str | None = None,
    level: int | None = 2,
    stage: str | None = None,
) -> TargetPlan:
    """Greedy plan of criteria at ``level`` (None: leaves) to raise to full marks."""
    compiled = results.compiled
    _, scores = resolve_stage(results, stage)
    row = results.position(unit)
    target = _target(results, unit, rank, grade, stage)
    candidates = partition(compiled, level)
    current = target.state.leaf_points.copy()
    total, index, grades, ranks = target.evaluate(results, current)
    steps: list[Step] = []
    reached = bool(target.met(grades, ranks)[0])
    while not reached and candidates:
        trial = np.repeat(current, len(candidates), axis=0)
        for k, node in enumerate(candidates):
            s, e = int(compiled.start[node]), int(compiled.end[node])
            trial[k, s:e] = target.state.leaf_max[0, s:e]
        new_total, new_index, new_grades, new_ranks = target.evaluate(results, trial)
        gain = new_total - total[0]
        best = int(np.argmax(gain))  # first of equal gains: tree order
        if gain[best] <= 0:
            break
        node = candidates.pop(best)
        current = trial[best : best + 1].copy()
        total, index, grades, ranks = (
            new_total[best : best + 1],
            new_index[best : best + 1],
            new_grades[best : best + 1],
            new_ranks[best : best + 1],
        )
        reached = bool(target.met(grades, ranks)[0])
        steps.append(
            Step(
                code=compiled.codes[node],
                title=compiled.titles[node],
                points_gained=points(results, int(gain[best])),
                index_after=Decimal(int(index[0])).scaleb(-results.pack.rounding.decimals),
                grade_after=grade_label(results, int(grades[0])),
                rank_after=int(ranks[0]),
            )
        )
    return TargetPlan(
        unit=unit,
        target_rank=rank,
        target_grade=grade,
        reached=reached,
        index_before=index_value(
            results, int(scores.index[row, ROOT]), int(scores.unit_maximum()[row, ROOT])
        ),
        rank_before=rank_value(int(scores.rank[row])),
        grade_before=grade_label(results, int(scores.grade[row, ROOT])),
        steps=tuple(steps),
        graded=results.pack.classification.defined,
    )


def exhaustive_target(
    results: Results,
    unit: str,
    *,
    rank: int | None = None,
    grade: str | None = None,
    level: int | None = 2,
    stage: str | None = None,
    limit: int = 16,
) -> tuple[str, ...] | None:
    """The smallest set of criteria (codes) meeting the target, by trying every subset.

    None when no subset reaches it. Refuses more than ``limit`` candidates
    (2**n subsets): this is a check for the greedy method on small packs.
    """
    compiled = results.compiled
    target = _target(results, unit, rank, grade, stage)
    candidates = partition(compiled, level)
    if len(candidates) > limit:
        raise ParIndexError("analysis.too_many_candidates", count=len(candidates), limit=limit)
    for size in range(len(candidates) + 1):
        subsets = list(itertools.combinations(candidates, size))
        trial = np.repeat(target.state.leaf_points, len(subsets), axis=0)
        for k, subset in enumerate(subsets):
            trial[k] = improved(
                compiled, attrs.evolve(target.state, leaf_points=trial[k : k + 1]), list(subset)
            )[0]
        _, _, grades, ranks = target.evaluate(results, trial)
        hits = np.nonzero(target.met(grades, ranks))[0]
        if hits.size:
            return tuple(compiled.codes[n] for n in subsets[int(hits[0])])
    return None


# -- rendering --------------------------------------------------------------------


def _entry_words(value: str, lang: str) -> str:
    """A changed entry as the reader's language shows it: "không phát sinh" in words."""
    return label("not_applicable", lang) if is_not_applicable(value) else value


def render_what_if(result: WhatIf, *, lang: str = "vi", decimals: int = 2) -> str:
    graded = result.graded  # a pack without a classification has no class to show
    rows = [
        (
            o.unit,
            o.name,
            fmt(o.points_before, 4, lang),
            fmt(o.points_after, 4, lang),
            fmt(o.index_before, decimals, lang),
            fmt(o.index_after, decimals, lang),
            *((o.grade_before or "", o.grade_after or "") if graded else ()),
            o.rank_before or "",
            o.rank_after or "",
        )
        for o in result.outcomes
    ]
    b, a = label("before", lang), label("after", lang)
    headers = [
        label("unit", lang),
        label("name", lang),
        f"{label('points', lang)} {b}",
        f"{label('points', lang)} {a}",
        f"{label('index', lang)} {b}",
        f"{label('index', lang)} {a}",
        *((f"{label('grade', lang)} {b}", f"{label('grade', lang)} {a}") if graded else ()),
        f"{label('rank', lang)} {b}",
        f"{label('rank', lang)} {a}",
    ]
    changes = "; ".join(
        f"{c.unit} {c.code} = {_entry_words(c.value, lang)}" for c in result.changes
    )
    head = f"{stage_heading(result.stage, lang)}: {changes}"
    if result.best_moved:
        head += "\n" + text("analysis.best_moved", lang, codes=result.best_moved)
    ranks = (8, 9) if graded else (6, 7)
    return head + "\n" + format_table(headers, rows, right=(2, 3, 4, 5, *ranks))


def render_target(plan: TargetPlan, *, lang: str = "vi", decimals: int = 2) -> str:
    graded = plan.graded  # a pack without a classification has no class to show
    goal = []
    if plan.target_rank is not None:
        goal.append(f"{label('rank', lang)} ≤ {plan.target_rank}")
    if plan.target_grade is not None:
        goal.append(f"{label('grade', lang)} {plan.target_grade}")
    status = text("analysis.reached" if plan.reached else "analysis.not_reached", lang)
    before = [
        f"{label('index', lang)} {fmt(plan.index_before, decimals, lang)}",
        f"{label('rank', lang)} {plan.rank_before or ''}",
        *([f"{label('grade', lang)} {plan.grade_before or ''}"] if graded else []),
    ]
    head = f"{plan.unit}: {' & '.join(goal)} · {status} · {', '.join(before)}\n" + text(
        f"analysis.method_{plan.method}", lang
    )
    rows = [
        (
            i,
            s.code,
            s.title,
            fmt(s.points_gained, 4, lang, signed=True),
            fmt(s.index_after, decimals, lang),
            *((s.grade_after or "",) if graded else ()),
            s.rank_after or "",
        )
        for i, s in enumerate(plan.steps, start=1)
    ]
    headers = [
        label("step", lang),
        label("code", lang),
        label("title", lang),
        label("points", lang),
        label("index", lang),
        *((label("grade", lang),) if graded else ()),
        label("rank", lang),
    ]
    return head + "\n" + format_table(headers, rows, right=(0, 3, 4, 6 if graded else 5))


__all__ = [
    "Change",
    "Scenario",
    "TargetPlan",
    "WhatIf",
    "exhaustive_target",
    "plan_target",
    "render_target",
    "render_what_if",
    "scenario",
    "what_if",
]
