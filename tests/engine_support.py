"""Both engines in tests: the kernel's cases skip, with the reason, only where numba is absent.

``.ci/run`` runs the suite once without numba and once with ``parindex[fast]``
(and ``PARINDEX_TEST_ENGINES=all``, which makes a missing numba an error), so
over both runs nothing is skipped.
"""

from __future__ import annotations

import os

import pytest

from parindex.engines.choice import kernel_available

NEEDS_NUMBA = "the fused kernel needs numba: pip install 'parindex[fast]' (.ci/run tests both installs)"
if os.environ.get("PARINDEX_TEST_ENGINES") == "all" and not kernel_available():
    raise RuntimeError(f"PARINDEX_TEST_ENGINES=all, but {NEEDS_NUMBA}")
requires_numba = pytest.mark.skipif(not kernel_available(), reason=NEEDS_NUMBA)
#: ``@pytest.mark.parametrize("engine", ENGINES)``: every engine this install can test.
ENGINES = [pytest.param("numpy"), pytest.param("kernel", marks=requires_numba)]
