"""The fused scoring kernel, compiled by numba (the optional extra ``parindex[fast]``).

- :mod:`~parindex.engines.kernel.program`: a compiled pack as flat arrays (plain numpy);
- :mod:`~parindex.engines.kernel.compiled`: the compiled functions (imports numba);
- :mod:`~parindex.engines.kernel.adapter`: one stage view scored by them.

Importing this package imports neither numba nor the compiled functions.
"""
