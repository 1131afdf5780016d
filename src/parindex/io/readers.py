"""One entry point for every input kind: files and folders, by extension.

``.xlsx`` (a filled template of either layout, or a plain many-units sheet),
``.csv`` (long format) and ``.json`` (the input document). A folder stands for
the input files directly inside it, in name order (Excel's ``~$`` lock files
and hidden files are skipped). All files are read, then every problem in any of
them is reported together.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path

from parindex.compiled import CompiledPack
from parindex.errors import InputError, InputProblem, Location, os_reason
from parindex.inputs import Override, ScoringInput
from parindex.io.assemble import Collected, assemble
from parindex.io.csv_long import collect_long_csv
from parindex.io.json_input import collect_json
from parindex.io.xlsx_input import read_workbook
from parindex.messages import Found, msg, text
from parindex.progress import track

Collector = Callable[[CompiledPack, Path], Collected]

COLLECTORS: dict[str, Collector] = {
    ".xlsx": read_workbook,
    ".xlsm": read_workbook,
    ".ods": read_workbook,
    ".xls": read_workbook,
    ".csv": collect_long_csv,
    ".json": collect_json,
}


def input_files(
    paths: Sequence[str | Path], kinds: Collection[str] = tuple(COLLECTORS)
) -> tuple[list[Path], list[InputProblem]]:
    """The files named, folders expanded; problems for what cannot be read.

    ``kinds``: the extensions read (scoring input by default; survey answers use it too).
    """
    files: list[Path] = []
    problems: list[InputProblem] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(
                child
                for child in path.iterdir()
                if child.is_file()
                and child.suffix.lower() in kinds
                and not child.name.startswith(("~$", "."))
            )
            if not found:
                problems.append(
                    InputProblem(
                        msg("input.no_files_in_folder"),
                        location=Location(str(path)),
                        expected=", ".join(sorted(kinds)),
                    )
                )
            files += found
        elif not path.is_file():
            problems.append(InputProblem(msg("input.no_such_file"), location=Location(str(path))))
        elif path.suffix.lower() not in kinds:
            problems.append(
                InputProblem(
                    msg("input.unknown_input_kind", found=Found(path.suffix)),
                    location=Location(path.name),
                    expected=", ".join(sorted(kinds)),
                )
            )
        else:
            files.append(path)
    return files, problems


def collect(compiled: CompiledPack, path: Path) -> Collected:
    """Read one file with the reader for its extension, turning its errors into problems."""
    try:
        return COLLECTORS[path.suffix.lower()](compiled, path)
    except InputError as exc:
        return Collected(path.name, "long", problems=list(exc.problems))
    except OSError as exc:
        problem = InputProblem(
            msg("input.cannot_open", reason=os_reason(exc)),
            location=Location(path.name),
        )
        return Collected(path.name, "long", problems=[problem])


def read_input(
    compiled: CompiledPack,
    *paths: str | Path,
    allow_missing: bool = False,
    overrides: Sequence[Override] = (),
    progress: bool = False,
    elsewhere: Collection[str] = (),
) -> ScoringInput:
    """Scoring input from any mix of workbooks, long CSVs, JSON documents and folders.

    ``elsewhere``: leaf codes whose points come from elsewhere (survey answers,
    :mod:`parindex.survey`): the files may leave them out.

    ``progress``: draw a progress line on stderr when it is a terminal and reading
    takes more than two seconds (the command line sets it unless ``--quiet``).
    """
    files, problems = input_files(paths)
    if not paths:
        problems.append(InputProblem(msg("input.no_input")))
    sizes = [file.stat().st_size for file in files]
    with (
        _without_cycle_collection(),
        track(text("input.progress_reading"), sum(sizes), progress) as bar,
    ):
        sources = []
        for file, size in zip(files, sizes, strict=True):
            if bar is not None:
                bar.start_file(size)
            sources.append(collect(compiled, file))
        if problems:
            raise InputError([*problems, *(p for source in sources for p in source.problems)])
        return assemble(
            compiled,
            sources,
            allow_missing=allow_missing,
            overrides=overrides,
            elsewhere=elsewhere,
        )


@contextlib.contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while reading: the readers build millions of
    short-lived rows and tuples (no cycles), and each collection would walk them all,
    tripling the time of a large CSV."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
