"""The scoring engines: everything that turns a compiled pack and entry arrays into scores.

Imports flow one way: :mod:`parindex.scoring` (orchestration: stage views,
overrides, results) → this package → :mod:`parindex.compiled` →
:mod:`parindex.model`. Nothing here imports the orchestration, the inputs'
builders or the results.

- :mod:`~parindex.engines.plan`: per-pack constants and the arrays a view yields;
- :mod:`~parindex.engines.checks`: located checks of every entry;
- :mod:`~parindex.engines.groups`, :mod:`~parindex.engines.grades`,
  :mod:`~parindex.engines.ranks`: group bests, grades and eligibility, ranks;
- :mod:`~parindex.engines.numpy_engine`: whole-array numpy scoring (always available);
- :mod:`~parindex.engines.kernel`: the fused kernel compiled by numba (``parindex[fast]``);
- :mod:`~parindex.engines.choice`: which engine scores a view.
"""
