"""Atomic writes: a temporary file in the target's folder, flushed to disk, renamed into place.

An interrupted run leaves either the old file or the new one, never half of one,
and never a stray temporary file. The new file gets the permissions a normal
file gets under the user's umask (or keeps those of the file it replaces), and
an output path that is a symbolic link is written through: the link stays and
its target is replaced.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def resolve_target(target: str | Path) -> Path:
    """The file a write really replaces: symbolic links followed to their target."""
    path = Path(target)
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def _mode_for(final: Path) -> int:
    try:
        return stat.S_IMODE(final.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``target`` atomically.

    The temporary name keeps the extension (openpyxl checks it). Whatever goes
    wrong, the temporary file is removed and ``target`` is left as it was.
    """
    final = resolve_target(target)
    folder = final.parent if str(final.parent) else Path(".")
    handle, name = tempfile.mkstemp(
        dir=folder, prefix=f".{final.name}.", suffix=f".tmp{final.suffix}"
    )
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, _mode_for(final))
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, final)
        with contextlib.suppress(OSError):
            directory = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def write_text_atomic(target: str | Path, text: str) -> None:
    """Write UTF-8 text atomically (newlines as given)."""
    with atomic_path(target) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="")


def write_bytes_atomic(target: str | Path, data: bytes) -> None:
    """Write bytes atomically."""
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)
