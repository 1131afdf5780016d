"""A SQLite store file on disk: recognised before it is opened, created only where nothing is.

SQLite opens almost anything and writes into whatever it opened, so the store
reads the file's 100-byte header itself first: a file that is not SQLite, a
SQLite file of another application (its ``application_id``), a store of a
newer format (``user_version``) or a truncated one is refused before SQLite
touches it, and stays byte for byte as it was. A new store is built in a
temporary file beside the target and hard-linked into place, which fails if
anything appeared there meanwhile: two imports starting at once never build two
stores, and a half-built store is never seen.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import struct
import tempfile
from collections.abc import Callable
from pathlib import Path

import attrs

from parindex.errors import ParIndexError, os_reason

MAGIC = b"SQLite format 3\x00"
#: ``PRAGMA application_id`` of a parindex store: "PARI" in ASCII.
APPLICATION_ID = 0x50415249
HEADER_SIZE = 100
#: Files SQLite keeps beside a database while it is open or after a crash.
SIDE_FILES = ("-wal", "-shm", "-journal")


@attrs.frozen
class Header:
    """What a SQLite file's header says about it."""

    application_id: int
    user_version: int
    wal: bool


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_header(path: Path) -> Header | None:
    """The header of the SQLite file at ``path``; None when nothing is there.

    Raises a :class:`ParIndexError` for anything that is not a sound SQLite file.
    """
    if path.is_dir():
        raise ParIndexError("history.store_is_folder", path=str(path))
    try:
        with path.open("rb") as handle:
            head = handle.read(HEADER_SIZE)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ParIndexError(
            "history.store_unreadable", path=str(path), reason=os_reason(exc)
        ) from None
    if not head:
        raise ParIndexError("history.store_empty", path=str(path))
    if len(head) < HEADER_SIZE or not head.startswith(MAGIC):
        raise ParIndexError("history.not_sqlite", path=str(path))
    (page_size,) = struct.unpack(">H", head[16:18])
    page_size = 65536 if page_size == 1 else page_size
    change, pages = struct.unpack(">II", head[24:32])
    (valid_for,) = struct.unpack(">I", head[92:96])
    (user_version,) = struct.unpack(">I", head[60:64])
    (application_id,) = struct.unpack(">I", head[68:72])
    if application_id not in (0, APPLICATION_ID):
        raise ParIndexError(
            "history.other_application", path=str(path), application_id=f"0x{application_id:08x}"
        )
    if page_size < 512 or page_size & (page_size - 1) or size % page_size:
        raise ParIndexError("history.store_truncated", path=str(path), size=size)
    if valid_for == change and size < pages * page_size:
        raise ParIndexError("history.store_truncated", path=str(path), size=size)
    return Header(application_id, user_version, wal=head[18] == 2 and head[19] == 2)


def connect_existing(path: Path, timeout: float, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection to the SQLite file at ``path`` that never creates one.

    ``read_only`` opens it immutable: no lock, no journal, nothing written
    beside it (used only to look inside a file before deciding to open it).
    """
    uri = path.absolute().as_uri()
    mode = "?mode=ro&immutable=1" if read_only else "?mode=rw"
    return sqlite3.connect(uri + mode, uri=True, timeout=timeout, isolation_level=None)


def writable(path: Path) -> bool:
    """Whether this process may write the store and the folder its side files go in."""
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK)


def connect_unwritable(path: Path) -> sqlite3.Connection:
    """A reading connection to a store this process may not write.

    SQLite reads a WAL store only by writing its shared-memory file beside it, which
    a read-only folder forbids; the file is read as it stands instead (immutable).
    That is the whole store only when no write-ahead log is left beside it: a log
    holding changes is refused, never read past.
    """
    log = Path(f"{path}-wal")
    with contextlib.suppress(FileNotFoundError):
        if log.stat().st_size > 0:
            raise ParIndexError("history.store_read_only_log", store=str(path), log=str(log))
    return connect_existing(path, 0, read_only=True)


def create_new(path: Path, initialise: Callable[[sqlite3.Connection], None]) -> bool:
    """Build a store at ``path`` unless something is there; True if this call made it.

    The store is initialised in a temporary file in the same folder, flushed,
    then linked to ``path`` (which fails if another process got there first).
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ParIndexError("history.no_folder", path=str(path), folder=str(folder))
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise ParIndexError(
            "history.cannot_create", path=str(path), reason=os_reason(exc)
        ) from None
    os.close(handle)
    temporary = Path(name)
    try:
        os.chmod(temporary, 0o666 & ~_umask())
        connection = sqlite3.connect(temporary, isolation_level=None)
        try:
            initialise(connection)
        finally:
            connection.close()
        with temporary.open("rb") as written:
            os.fsync(written.fileno())
        return _link_into_place(temporary, path)
    finally:
        for suffix in ("", *SIDE_FILES):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{temporary}{suffix}").unlink()


def _link_into_place(temporary: Path, path: Path) -> bool:
    try:
        os.link(temporary, path)
    except FileExistsError:
        return False
    except OSError:
        # A file system without hard links: rename, unless something appeared meanwhile.
        if path.exists() or path.is_symlink():
            return False
        os.replace(temporary, path)
    return True
