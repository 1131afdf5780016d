"""Atomic writes: a temporary file in the target's folder, flushed to disk, renamed into place.

An interrupted run leaves either the old file or the new one, never half of one,
and never a stray temporary file. The new file gets the permissions a normal
file gets under the user's umask (or keeps those of the file it replaces), and
an output path that is a symbolic link is written through: the link stays and
its target is replaced. A file with other hard links gets a new inode under the
name written; its other names keep the old content (so an input reached through
a hard link is never changed). A failure of the file system (no space, no
permission) becomes a :class:`~parindex.errors.ParIndexError` naming the path.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from parindex.errors import ParIndexError, os_reason


def _umask() -> int:
    """The process umask, read without changing it where the system allows (Linux)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
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


def _failed(target: str | Path, error: OSError) -> ParIndexError:
    return ParIndexError("output.write_failed", path=str(target), reason=os_reason(error))


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


#: Bytes of a file name most file systems allow (ext4, NTFS in UTF-16 units, APFS).
NAME_BYTES = 255


def _temp_prefix(final: Path) -> str:
    """The temporary file's prefix, ``.NAME.``, with NAME shortened (whole characters)
    so that the temporary name fits wherever ``final``'s own name does: a 255-byte
    output name was refused as too long because of the temporary's additions."""
    # mkstemp adds 8 random characters; the suffix is ".tmp" and the extension.
    room = NAME_BYTES - len(f"..{'x' * 8}.tmp{final.suffix}".encode())
    name = final.name.encode()[: max(room, 1)].decode("utf-8", "ignore")
    return f".{name}."


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``target`` atomically.

    The temporary name keeps the extension (openpyxl checks it). Whatever goes
    wrong, inside the caller's block or after it, the temporary file is removed
    and ``target`` is left as it was; an ``OSError`` is raised as a
    :class:`ParIndexError` (``output.write_failed``) naming ``target``.
    """
    final = resolve_target(target)
    folder = final.parent
    try:
        handle, name = tempfile.mkstemp(
            dir=folder, prefix=_temp_prefix(final), suffix=f".tmp{final.suffix}"
        )
    except OSError as exc:
        raise _failed(target, exc) from exc
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, _mode_for(final))
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, final)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(exc, OSError):
            raise _failed(target, exc) from exc
        raise
    _sync_folder(folder)


def write_text_atomic(target: str | Path, text: str) -> None:
    """Write UTF-8 text atomically (newlines as given)."""
    with atomic_path(target) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="")


def write_bytes_atomic(target: str | Path, data: bytes) -> None:
    """Write bytes atomically."""
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)
