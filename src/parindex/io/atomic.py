"""Atomic writes: a temporary file in the target's directory, renamed into place.

An interrupted run leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``target`` atomically.

    The temporary name keeps the extension (openpyxl checks it).
    """
    final = Path(target)
    handle, name = tempfile.mkstemp(
        dir=final.parent or ".", prefix=f".{final.name}.", suffix=f".tmp{final.suffix}"
    )
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def write_text_atomic(target: str | Path, text: str) -> None:
    """Write UTF-8 text atomically (newlines as given)."""
    with atomic_path(target) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="")
