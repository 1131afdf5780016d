"""Which engine scores a view: numpy always; the fused kernel where numba is installed.

Like pandas' ``engine="numba"``, the compiled kernel is an optional extra
(``pip install 'parindex[fast]'``): ``engine="auto"`` uses it for large inputs
when numba can be imported, the numpy engine otherwise. Both give identical
results, bit for bit.
"""

from __future__ import annotations

import importlib.util
import warnings
from typing import Any

from parindex.engines.plan import ScreenError, ViewArrays
from parindex.errors import InputError
from parindex.messages import Found, text

ENGINES = ("auto", "kernel", "numpy")
#: Below this many entries ``engine="auto"`` keeps to numpy: as fast there, and
#: a short script does not pay for loading the compiled kernel.
KERNEL_MIN_ENTRIES = 1 << 16


def kernel_available() -> bool:
    """Whether the fused kernel can run here (numba, from ``parindex[fast]``, is installed)."""
    return importlib.util.find_spec("numba") is not None


def check_engine(engine: str) -> None:
    """Refuse an unknown engine name, and ``"kernel"`` where numba is not installed."""
    if engine not in ENGINES:
        raise ValueError(text("engine.unknown", found=Found(engine), engines=ENGINES))
    if engine == "kernel" and not kernel_available():
        raise ImportError(text("engine.kernel_needs_numba"))


def use_kernel(engine: str, entries: int) -> bool:
    """Whether ``engine`` scores a view of ``entries`` entries with the kernel."""
    check_engine(engine)
    if engine == "numpy":
        return False
    if engine == "kernel":
        return True
    return entries >= KERNEL_MIN_ENTRIES and kernel_available()


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
