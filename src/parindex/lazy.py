"""Packages whose public names are imported on first use (PEP 562).

``parindex.io`` and ``parindex.history`` re-export names from their modules;
importing them all whenever one module of the package is imported made every
command load openpyxl, the workbook writers and the history store (half a second
of ``parindex --help``). A package lists where each name lives and gets the
module ``__getattr__`` and ``__dir__`` from :func:`exports`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def exports(
    package: str, where: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``where`` maps each public name to
    the module defining it; a name is imported when first looked up, then kept."""

    def attribute(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)  # the next lookup is an ordinary one
        return value

    def names() -> list[str]:
        return sorted({*vars(sys.modules[package]), *where})

    return attribute, names
