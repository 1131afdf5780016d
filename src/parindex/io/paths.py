"""Output paths checked before any work: known extension, a writable folder, never an input.

Every command that writes calls :func:`check_outputs` right after parsing its
arguments, so a mistyped ``-o`` is reported at once, not after minutes of
reading and scoring, and an output can never overwrite one of the inputs
(symbolic links followed, hard links recognised).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from parindex.errors import ParIndexError


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _files_under(path: Path) -> Iterable[Path]:
    if path.is_dir():
        yield from (child for child in path.iterdir() if child.is_file())
    else:
        yield path


def check_output(
    output: str | Path,
    kinds: Sequence[str],
    inputs: Sequence[str | Path] = (),
) -> Path:
    """``output`` checked for writing one of ``kinds`` (extensions like ``.xlsx``).

    Raises :class:`ParIndexError` (a catalogue message naming the path) when the
    extension is not one of ``kinds``, the path is a folder, its folder is missing
    or not writable, or it is the same file as one of ``inputs`` (or a file
    directly inside an input folder).
    """
    path = Path(output)
    suffix = path.suffix.lower()
    if kinds and suffix not in kinds:
        raise ParIndexError(
            "output.unknown_extension", path=str(path), found=suffix or "—", kinds=list(kinds)
        )
    if path.is_dir():
        raise ParIndexError("output.is_folder", path=str(path))
    real = Path(os.path.realpath(path))
    folder = real.parent
    if not folder.is_dir():
        raise ParIndexError("output.no_folder", path=str(path), folder=str(path.parent))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ParIndexError("output.folder_not_writable", path=str(path), folder=str(folder))
    if real.exists() and not os.access(real, os.W_OK):
        raise ParIndexError("output.not_writable", path=str(path))
    for given in inputs:
        for candidate in _files_under(Path(given)):
            if Path(os.path.realpath(candidate)) == real or _same_file(candidate, real):
                raise ParIndexError("output.is_input", path=str(path), input=str(candidate))
    return path


def check_outputs(
    outputs: Sequence[tuple[str | Path | None, Sequence[str]]],
    inputs: Sequence[str | Path] = (),
) -> None:
    """Check several outputs at once; two outputs may not be the same file either."""
    seen: dict[Path, str] = {}
    for output, kinds in outputs:
        if output is None:
            continue
        path = check_output(output, kinds, inputs)
        real = Path(os.path.realpath(path))
        if real in seen:
            raise ParIndexError("output.twice", path=str(path), other=seen[real])
        seen[real] = str(path)
