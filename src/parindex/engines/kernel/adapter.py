"""One stage view scored by the fused kernel (:mod:`parindex.engines.kernel.compiled`).

Prepares what the kernel cannot do itself (leaves of plugin rule kinds, the
groups' best values), allocates the node-major result arrays and runs it.
Importing this module compiles or loads the kernel, so :mod:`parindex.engines.choice`
imports it only when the kernel engine is chosen.
"""

from __future__ import annotations

import numpy as np

from parindex.compiled import CompiledPack
from parindex.engines.kernel import compiled as kernel
from parindex.engines.kernel.program import KernelProgram, exact_in_kernel, kernel_program
from parindex.engines.plan import ScreenError, ViewArrays, result_arrays
from parindex.fixedpoint import VALUE_LIMIT, BoolArray, FloatArray, Int64Array, quantize_values

#: Units per kernel block: the block's working arrays stay in the L2 cache.
BLOCK_UNITS = 256

_NO_FLOATS = np.zeros((1, 1))
_NO_BOOLS = np.zeros((1, 1), dtype=bool)


def _precomputed_points(
    compiled: CompiledPack,
    program: KernelProgram,
    values: FloatArray,
    best: dict[str, Int64Array] | None,
    group_of: Int64Array,
    screen: bool,
) -> FloatArray:
    """Points of the leaves the kernel does not evaluate, by their rules' own evaluators."""
    if program.precomputed.size == 0:
        return _NO_FLOATS
    out = np.zeros((values.shape[0], program.precomputed.size))
    column_of = {leaf: i for i, leaf in enumerate(program.precomputed.tolist())}
    for group in compiled.groups:
        wanted = [(p, column_of[c]) for p, c in enumerate(group.columns.tolist()) if c in column_of]
        if not wanted:
            continue
        block = values[:, group.columns]
        present = ~np.isnan(block)
        if screen and bool((np.abs(np.where(present, block, 0.0)) >= VALUE_LIMIT).any()):
            raise ScreenError
        micro = quantize_values(np.where(present, block, 0.0))
        if screen and bool((group.evaluator.invalid(micro) & present).any()):
            raise ScreenError
        group_best = None
        if best is not None and group.uses_group_best:
            group_best = best[group.kind][group_of]
        points = group.evaluator.points(micro, group_best)
        for position, column in wanted:
            out[:, column] = points[:, position]
    return out


def _best_table(
    compiled: CompiledPack, best: dict[str, Int64Array] | None, n_groups: int
) -> FloatArray:
    """The groups' best values as one (groups × leaves) table, for relative leaves."""
    if best is None:
        return _NO_FLOATS
    table = np.zeros((max(n_groups, 1), compiled.n_leaves))
    for group in compiled.groups:
        if group.kind in best:
            table[:, group.columns] = best[group.kind]
    return table


def kernel_view(
    compiled: CompiledPack,
    values: FloatArray,
    na: BoolArray,
    bonus: FloatArray,
    deduction: FloatArray,
    best: dict[str, Int64Array] | None,
    group_of: Int64Array,
    n_groups: int,
    exclusions: bool,
    varying_nodes: Int64Array,
    screen: bool,
) -> ViewArrays | None:
    """The result arrays of one view (node-major storage, unit-major views).

    None when the kernel cannot score this view exactly (a relative rule whose
    group best is so large that its products leave the float-exact range): the
    numpy path then scores it. Raises :class:`ScreenError` when ``screen``
    finds a doubtful entry.
    """
    program = kernel_program(compiled)
    best_table = _best_table(compiled, best, n_groups)
    precomputed = _precomputed_points(compiled, program, values, best, group_of, screen)
    if not exact_in_kernel(program, best_table, precomputed):
        return None
    n_units, n_leaves = values.shape
    n_nodes = compiled.n_nodes
    # Per-unit maxima are stored only for the nodes whose maximum can vary.
    varying = varying_nodes if exclusions else np.zeros(0, dtype=np.int64)
    max_row = np.full(n_nodes, -1, dtype=np.int64)
    max_row[varying] = np.arange(varying.size)
    points, maximum, index, grades = result_arrays(
        (
            ((n_nodes, n_units), compiled.points_dtype),
            ((max(varying.size, 1), n_units), compiled.points_dtype),
            ((n_nodes, n_units), np.int32),
            ((n_nodes, n_units), np.int8),
        )
    )
    limited = np.zeros((n_nodes, n_units), dtype=bool) if compiled.bounded else _NO_BOOLS
    missing = np.zeros((n_units, n_leaves), dtype=bool)
    has_na = bool(na.any())
    for limit in (2.0**31, 2.0**63):
        if limit > 2.0**31:  # an index left int32: score again into int64
            index = np.empty((n_nodes, n_units), dtype=np.int64)
        leaves, tree, grading = program.kernel_args(limit)
        status, any_missing = kernel.score_kernel(
            values,
            na if has_na else _NO_BOOLS,
            has_na,
            bonus,
            deduction,
            group_of,
            best_table,
            precomputed,
            leaves,
            tree,
            grading,
            exclusions,
            screen,
            BLOCK_UNITS,
            points,
            max_row,
            maximum,
            index,
            grades,
            limited,
            missing,
        )
        if status == kernel.BAD_INPUT:
            raise ScreenError
        if status == kernel.INEXACT:
            return None
        if status == kernel.OK:
            break
    return ViewArrays(
        points=points.T,
        varying_maximum=maximum[: varying.size].T if exclusions else None,
        index=index.T,
        grade=grades.T,
        limited=limited.T if compiled.bounded else None,
        missing=missing,
        any_missing=bool(any_missing),
    )
