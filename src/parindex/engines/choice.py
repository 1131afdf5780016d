"""Which engine scores a view: numpy always; the fused kernel where numba is installed.

Like pandas' ``engine="numba"``, the compiled kernel is an optional extra
(``pip install 'parindex[fast]'``): ``engine="auto"`` uses it for large inputs
when numba can be imported (larger still before the process has loaded it, see
:data:`KERNEL_COLD_MIN_ENTRIES`), the numpy engine otherwise. Both give identical
results, bit for bit.
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from typing import Any

from parindex.engines.plan import ScreenError, ViewArrays
from parindex.errors import InputError
from parindex.messages import Found, text

ENGINES = ("auto", "kernel", "numpy")
#: Below this many entries ``engine="auto"`` keeps to numpy: as fast there.
KERNEL_MIN_ENTRIES = 1 << 16
#: Until the kernel is loaded in a process, ``engine="auto"`` waits for a view this
#: large before loading it: importing numba and the cached machine code costs about
#: 0.25 s and 100 MiB, which the kernel wins back (about 0.9 ms per 10⁵ entries over
#: the numpy engine) only from some 3·10⁷ entries on. A command that scores 10⁴
#: communes once is faster without it; an application that has loaded it keeps it.
KERNEL_COLD_MIN_ENTRIES = 1 << 25


def kernel_available() -> bool:
    """Whether the fused kernel can run here (numba, from ``parindex[fast]``, is installed)."""
    return importlib.util.find_spec("numba") is not None


def check_engine(engine: str) -> None:
    """Refuse an unknown engine name, and ``"kernel"`` where numba is not installed."""
    if engine not in ENGINES:
        raise ValueError(text("engine.unknown", found=Found(engine), engines=ENGINES))
    if engine == "kernel" and not kernel_available():
        raise ImportError(text("engine.kernel_needs_numba"))


def kernel_loaded() -> bool:
    """Whether this process has already loaded the compiled kernel."""
    return "parindex.engines.kernel.compiled" in sys.modules


def use_kernel(engine: str, entries: int) -> bool:
    """Whether ``engine`` scores a view of ``entries`` entries with the kernel."""
    check_engine(engine)
    if engine == "numpy":
        return False
    if engine == "kernel":
        return True
    least = (
        KERNEL_MIN_ENTRIES if kernel_loaded() else max(KERNEL_MIN_ENTRIES, KERNEL_COLD_MIN_ENTRIES)
    )
    return entries >= least and kernel_available()


#: Why the kernel could not run in this process, once it failed under ``auto``.
_KERNEL_FAILURE: list[str] = []


def kernel_view(engine: str, *args: Any) -> ViewArrays | None:
    """The kernel's arrays; None where it declines, or cannot run here under ``auto``.

    numba can be installed yet unusable (no writable cache directory, a compiler
    failure on an unusual platform): ``engine="auto"`` then warns once and uses
    the numpy engine, ``engine="kernel"`` raises.
    """
    if _KERNEL_FAILURE and engine == "auto":
        return None
    try:
        from parindex.engines.kernel import adapter

        return adapter.kernel_view(*args)
    except (ScreenError, InputError):
        raise
    except Exception as error:
        if engine == "kernel":
            raise
        _KERNEL_FAILURE.append(f"{type(error).__name__}: {error}")
        warnings.warn(
            text("engine.kernel_cannot_run", reason=_KERNEL_FAILURE[0]),
            RuntimeWarning,
            stacklevel=4,
        )
        return None
