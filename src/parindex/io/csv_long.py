"""Long CSV input: one row per (unit, criterion[, stage]) with its value.

Required columns: ``unit``, ``code``, ``value``. Optional: ``appraised`` (the
appraisal body's value, kept as the pack's first appraisal stage), ``na``
(x, 1, có or kps marks "không phát sinh"; the ``value`` cell must then be
empty), ``stage`` (the stage ``value`` belongs to, default the pack's first),
``entry`` (``value``, ``bonus`` or ``deduction``), ``name`` and ``group`` (the
unit's display name and ranking group), ``evidence`` and ``note`` (kept in the
file, not scored). Vietnamese headers are accepted too (mã đơn vị, mã, giá
trị, thẩm định, không phát sinh, …). The file is UTF-8 (a BOM is allowed),
opened read-only; every bad row is reported with its line and A1 column.

The file is read in chunks of rows, each column numbered through a table of
its distinct values (:class:`~parindex.inputs.Coder`), so memory holds integers
per entry rather than text, and every value is read by the grammar once per
distinct text. A malformed file (an unbalanced quote, an oversized field) is
reported at the line where the broken row starts.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from parindex import grammar, limits
from parindex.compiled import CompiledPack
from parindex.errors import InputProblem, Location
from parindex.inputs import (
    NOT_APPLICABLE,
    Annotation,
    Coded,
    Coder,
    Entries,
    Override,
    ScoringInput,
    Unit,
)
from parindex.io import csv_bytes, text_encoding
from parindex.io.assemble import Collected, appraisal_stage, assemble
from parindex.io.cells import column_letter
from parindex.io.near_headers import with_hint
from parindex.messages import Found, msg
from parindex.progress import advance

REQUIRED = ("unit", "code", "value")
OPTIONAL = ("appraised", "na", "stage", "entry", "name", "group", "evidence", "note")
#: Accepted header spellings (compared after NFC and case folding).
ALIASES: dict[str, str] = {
    "mã đơn vị": "unit",
    "đơn vị": "unit",
    "mã": "code",
    "mã tiêu chí": "code",
    "giá trị": "value",
    "tự đánh giá": "value",
    "thẩm định": "appraised",
    "không phát sinh": "na",
    "kps": "na",
    "giai đoạn": "stage",
    "loại": "entry",
    "tên đơn vị": "name",
    "nhóm": "group",
    "tài liệu kiểm chứng": "evidence",
    "ghi chú": "note",
}
#: Rows parsed at a time by the csv module: bounds the text held in memory at once
#: (16,384 rows of a 25 MB file peaked 27 MiB lower than 65,536, and ran faster).
CHUNK_ROWS = 16_384
#: Columns read into entries (the others are checked for their header only).
READ = (
    "unit",
    "code",
    "value",
    "appraised",
    "na",
    "stage",
    "entry",
    "name",
    "group",
    "evidence",
    "note",
)


def _header_key(text: str) -> str:
    label = grammar.label_key(text)
    return ALIASES.get(label, label)


class _Columns:
    """The coded columns of the rows read so far, and each row's line number."""

    def __init__(self, names: list[str]) -> None:
        self.coders = {name: Coder() for name in names}
        self.parts: dict[str, list[np.ndarray]] = {name: [] for name in names}
        self.lines: list[np.ndarray] = []

    def add(self, columns: dict[str, tuple[str, ...]], lines: np.ndarray) -> None:
        for name, column in columns.items():
            self.parts[name].append(csv_bytes.compact(self.coders[name].code(column, text=True)))
        self.lines.append(csv_bytes.compact(lines))

    def coded(self, name: str) -> Coded:
        self.parts[name] = [_joined(self.parts[name])]  # joined once, not on every call
        return Coded(self.parts[name][0], self.coders[name].distinct)

    def line_numbers(self) -> np.ndarray:
        self.lines = [_joined(self.lines)]
        return self.lines[0]

    def drop_blank_rows(self) -> None:
        """Forget rows whose read cells are all blank (",,," lines)."""
        blank: np.ndarray | None = None
        for name, coder in self.coders.items():
            empty = np.array([not str(value).strip() for value in coder.distinct], dtype=bool)
            column = self.coded(name)
            here = empty[column.ids] if len(empty) else np.zeros(len(column), dtype=bool)
            blank = here if blank is None else blank & here
        if blank is None or not blank.any():
            return
        keep = ~blank
        for name in self.coders:
            self.parts[name] = [self.coded(name).ids[keep]]
        self.lines = [self.line_numbers()[keep]]


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def collect_long_csv(compiled: CompiledPack, path: str | Path) -> Collected:
    """Entries from a long CSV, with every row problem located."""
    file = Path(path)
    out = Collected(file.name, "long")
    caps = limits.current()
    size = file.stat().st_size
    if size > caps.max_text_bytes:
        out.problems.append(
            InputProblem(
                limits.over("max_text_bytes", size, caps.max_text_bytes),
                location=Location(file.name),
            )
        )
        return out
    with file.open("rb") as raw:
        wide = text_encoding.wide_encoding(raw.read(text_encoding.SAMPLE_BYTES))
    if wide is not None:
        found, expected = text_encoding.wide_problem(wide)
        out.problems.append(InputProblem(found, location=Location(file.name), expected=expected))
        return out
    previous_limit = csv.field_size_limit(caps.max_field_chars)
    try:
        with file.open("r", encoding="utf-8-sig", newline="") as handle:
            _collect(compiled, file, handle, out)
    except UnicodeDecodeError:
        out.problems = [_not_utf8(file)]
    finally:
        csv.field_size_limit(previous_limit)
    return out


def _not_utf8(file: Path) -> InputProblem:
    """Where the first byte that is not UTF-8 is (read a block of whole lines at a time:
    a character never crosses a line break), and the old Vietnamese encoding the
    lines from there are in, where they show it."""
    start = line = 0
    sample = b""
    with file.open("rb") as handle:
        for block in csv_bytes.blocks(handle):
            try:
                block.decode("utf-8")
            except UnicodeDecodeError as exc:
                start += exc.start
                line += block.count(b"\n", 0, exc.start)
                sample = text_encoding.around(block, exc.start)
                break
            start += len(block)
            line += block.count(b"\n")
    line += 1
    legacy = text_encoding.legacy_encoding(sample)
    found, expected = (
        text_encoding.legacy_problem(legacy, start + 1)
        if legacy is not None
        else (msg("csv.not_utf8", byte=start + 1), msg("csv.utf8_expected"))
    )
    return InputProblem(found, location=Location(file.name, row=line), expected=expected)


def _malformed(reason: str, file: str, line: int) -> InputProblem:
    if "field larger than field limit" in reason:
        cap = limits.current().max_field_chars
        message = limits.over("max_field_chars", cap + 1, cap)
        return InputProblem(message, location=Location(file, row=line))
    if "end of data" in reason:
        return InputProblem(
            msg("csv.unclosed_quote"),
            location=Location(file, row=line),
            expected=msg("csv.quote_expected"),
        )
    return InputProblem(
        msg("csv.malformed"), location=Location(file, row=line), expected=msg("csv.quote_expected")
    )


def _collect(compiled: CompiledPack, path: Path, handle: Iterable[str], out: Collected) -> None:
    file = out.source
    reader = csv.reader(handle, strict=True)
    line_reader = _LineTracking(reader)
    try:
        header_row = next(line_reader)
    except StopIteration:
        header_row = None
    except csv.Error as exc:
        out.problems.append(_malformed(str(exc), file, 1))
        return
    if not header_row:
        out.problems.append(
            InputProblem(
                msg("csv.empty"),
                location=Location(file, row=1),
                expected=msg("csv.header_expected"),
            )
        )
        return
    position = _header(header_row, file, out)
    if position is None:
        return
    width = len(header_row)
    names = [name for name in READ if name in position]
    columns = _Columns(names)
    if _split_plain(path, width, position, columns):
        if not _over_entry_cap(columns, out):
            _entries(compiled, columns, position, out)
        return
    buffer = getattr(handle, "buffer", None)
    for rows, lines in line_reader.chunks(out):
        if buffer is not None:
            advance(buffer.tell())
        kept_rows, kept_lines = _check_rows(rows, lines, width, file, out)
        if not kept_rows:
            continue
        transposed = list(zip(*kept_rows, strict=True))
        columns.add({name: transposed[position[name]] for name in names}, kept_lines)
        if _over_entry_cap(columns, out):
            return
    if line_reader.error:
        out.problems.append(_malformed(line_reader.error, file, _error_line(path)))
        return
    _entries(compiled, columns, position, out)


def _split_plain(path: Path, width: int, position: dict[str, int], columns: _Columns) -> bool:
    """Read a plain or simply quoted CSV block by block as arrays
    (:mod:`parindex.io.csv_bytes`); False when the file needs the csv reader."""
    names = list(columns.coders)
    with path.open("rb") as handle:
        result = csv_bytes.split_safely(
            handle,
            width,
            [position[name] for name in names],
            limits.current().max_field_chars,
        )
    if result is None:
        return False
    coded, lines = result
    for name, (ids, texts) in zip(names, coded, strict=True):
        columns.parts[name] = [ids]
        columns.coders[name].distinct = list(texts)
    columns.lines = [lines]
    return True


def _over_entry_cap(columns: _Columns, out: Collected) -> bool:
    cap = limits.current().max_entries
    count = sum(len(part) for part in columns.lines)
    if count > cap:
        out.problems.append(
            InputProblem(limits.over("max_entries", count, cap), location=Location(out.source))
        )
    return count > cap


class _LineTracking:
    """A csv reader that knows the line where each row starts (rows may span lines)."""

    def __init__(self, reader: Iterator[list[str]]) -> None:
        self.reader = reader
        self.line = 0
        self.error = ""

    def __next__(self) -> list[str]:
        row = next(self.reader)
        self.line = self.reader.line_num  # type: ignore[attr-defined]
        return row

    def chunks(self, out: Collected) -> Iterator[tuple[list[list[str]], np.ndarray]]:
        while True:
            start = self.line
            try:
                rows = list(itertools.islice(self.reader, CHUNK_ROWS))
            except csv.Error as exc:
                self.error = str(exc)
                return
            if not rows:
                return
            end = self.reader.line_num  # type: ignore[attr-defined]
            if end - start == len(rows):
                lines = np.arange(start + 1, end + 1, dtype=np.int64)
            else:  # a quoted field holds line breaks: count them
                spans = np.array([1 + sum(cell.count("\n") for cell in row) for row in rows])
                lines = start + 1 + np.concatenate(([0], np.cumsum(spans)[:-1]))
            self.line = end
            yield rows, lines


def _error_line(path: Path) -> int:
    """The line where the row that cannot be parsed starts: the file is read again,
    row by row (only when it is malformed), since a chunk that failed is lost."""
    start = 1
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            for _ in reader:
                start = reader.line_num + 1
        except csv.Error:
            return start
    return start


#: Every accepted header with its column (for "did you mean" on a header nearly right).
_NAMES = (*ALIASES.items(), *((key, key) for key in REQUIRED + OPTIONAL))


def _header(header_row: list[str], file: str, out: Collected) -> dict[str, int] | None:
    header = [_header_key(cell) for cell in header_row]
    position: dict[str, int] = {}
    for index, name in enumerate(header):
        where = Location(file, row=1, column=column_letter(index))
        if name not in REQUIRED + OPTIONAL:
            found = header_row[index]
            out.problems.append(
                InputProblem(
                    with_hint(msg("csv.unknown_column", found=Found(found)), found, _NAMES),
                    location=where,
                    expected=msg(
                        "header.csv_columns",
                        keys=", ".join(REQUIRED + OPTIONAL),
                        names=", ".join(ALIASES),
                    ),
                )
            )
        elif name in position:
            out.problems.append(
                InputProblem(
                    msg("csv.column_twice", found=Found(header_row[index])), location=where
                )
            )
        else:
            position[name] = index
    missing = [name for name in REQUIRED if name not in position]
    if missing:
        out.problems.append(
            InputProblem(
                msg("csv.missing_columns", columns=", ".join(missing)),
                location=Location(file, row=1),
                expected=msg("csv.header_expected"),
            )
        )
        return None
    return position


def _check_rows(
    rows: list[list[str]], lines: np.ndarray, width: int, file: str, out: Collected
) -> tuple[list[list[str]], np.ndarray]:
    """Rows of the header's width; blank rows skipped, ragged rows reported."""
    if set(map(len, rows)) == {width}:
        return rows, lines  # blank rows of full width are dropped once columns are coded
    kept, kept_lines = [], []
    for row, line in zip(rows, lines, strict=True):
        if _blank(row):
            continue
        if len(row) != width:
            out.problems.append(
                InputProblem(
                    msg("csv.ragged_row", found=len(row), width=width),
                    location=Location(file, row=int(line)),
                    expected=msg("csv.ragged_expected"),
                )
            )
            continue
        kept.append(row)
        kept_lines.append(int(line))
    return kept, np.array(kept_lines, dtype=np.int64)


def _blank(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row)


def _flags(
    columns: _Columns, values: Coded, lines: np.ndarray, letters: dict[str, str], out: Collected
) -> np.ndarray:
    """Rows marked "không phát sinh" (a bad mark or a mark beside a value is a problem)."""
    na, unit, code, file = (
        columns.coded("na"),
        columns.coded("unit"),
        columns.coded("code"),
        out.source,
    )

    def problem(index: int, message: object, expected: object) -> None:
        out.problems.append(
            InputProblem(
                message,  # type: ignore[arg-type]
                grammar.clean_text(unit[index]),
                grammar.clean_text(code[index]),
                Location(file, row=int(lines[index]), column=letters["na"]),
                expected,  # type: ignore[arg-type]
            )
        )

    readings = []
    for raw in na.distinct:
        try:
            readings.append(1 if grammar.flag_from_value(raw) else 0)
        except grammar.EntryError:
            readings.append(-1)
    state = np.array(readings, dtype=np.int64)[na.ids] if readings else np.zeros(0, dtype=np.int64)
    empty = np.array([not grammar.clean_text(v) for v in values.distinct], dtype=bool)
    has_value = ~empty[values.ids] if len(empty) else np.zeros(0, dtype=bool)
    for index in np.flatnonzero(state < 0):
        problem(
            int(index),
            msg("entry.not_a_flag", found=Found(na[int(index)])),
            msg("entry.flag_expected"),
        )
    for index in np.flatnonzero((state > 0) & has_value):
        problem(int(index), msg("csv.value_and_na"), msg("csv.value_or_na"))
    flagged: np.ndarray = state > 0
    return flagged


def _entries(
    compiled: CompiledPack, columns: _Columns, position: dict[str, int], out: Collected
) -> None:
    file = out.source
    columns.drop_blank_rows()
    lines = columns.line_numbers()
    if not len(lines):
        return
    letters = {name: column_letter(index) for name, index in position.items()}
    unit, code, value = columns.coded("unit"), columns.coded("code"), columns.coded("value")
    stage = (
        _with_default(columns.coded("stage"), compiled.pack.stages[0])
        if "stage" in position
        else None
    )
    entry = _with_default(columns.coded("entry"), "value") if "entry" in position else "value"
    _register_units(columns, position, lines, out)
    _annotate(columns, position, lines, out)
    na_rows = np.zeros(len(lines), dtype=bool)
    if "na" in position:
        na_rows = _flags(columns, value, lines, letters, out)
        if na_rows.any():
            # A flagged row's value is "không phát sinh", located at its mark.
            distinct = [*value.distinct, NOT_APPLICABLE]
            ids = np.where(na_rows, len(distinct) - 1, value.ids)
            value = Coded(ids, distinct)
    na_lines = np.sort(lines[na_rows])  # an array: no Python object per marked row

    def locate(line: int) -> Location:
        at = int(np.searchsorted(na_lines, line))
        marked = at < len(na_lines) and int(na_lines[at]) == int(line)
        return Location(file, row=int(line), column=letters["na" if marked else "value"])

    def locate_column(line: int, name: str) -> Location:
        if name not in letters:  # a stage or entry column left out: the row's value
            return locate(line)
        return Location(file, row=int(line), column=letters[name])

    out.entries.append(Entries(unit, code, value, stage, entry, lines, locate, locate_column))
    if "appraised" in position:
        appraised = columns.coded("appraised")
        filled = np.array([bool(grammar.clean_text(v)) for v in appraised.distinct], dtype=bool)
        rows = np.flatnonzero(filled[appraised.ids]) if len(filled) else np.zeros(0, dtype=np.int64)
        if len(rows):
            stage_name = appraisal_stage(compiled.pack)

            def pick(column: Coded | str | None) -> Coded | str | None:
                return (
                    Coded(column.ids[rows], column.distinct)
                    if isinstance(column, Coded)
                    else column
                )

            out.entries.append(
                Entries(
                    pick(unit),  # type: ignore[arg-type]
                    pick(code),  # type: ignore[arg-type]
                    pick(appraised),  # type: ignore[arg-type]
                    stage_name,
                    pick(entry),  # type: ignore[arg-type]
                    lines[rows],
                    lambda line: Location(file, row=int(line), column=letters["appraised"]),
                    locate_column,
                )
            )


def _annotate(
    columns: _Columns, position: dict[str, int], lines: np.ndarray, out: Collected
) -> None:
    """Evidence and notes written beside entries (not scored, carried to the results)."""
    keys = [key for key in ("evidence", "note") if key in position]
    if not keys:
        return
    unit, code = columns.coded("unit"), columns.coded("code")
    coded = {key: columns.coded(key) for key in keys}
    filled = np.zeros(len(lines), dtype=bool)
    for column in coded.values():
        given = np.array([bool(grammar.clean_text(v)) for v in column.distinct], dtype=bool)
        if len(given):
            filled |= given[column.ids]
    for index in map(int, np.flatnonzero(filled)):
        try:
            key = (grammar.identifier(unit[index]), grammar.identifier(code[index]))
        except grammar.EntryError:
            continue  # a bad unit id or code is reported where the entry is read
        texts = {}
        for name in keys:
            try:
                texts[name] = grammar.check_text(
                    grammar.clean_text(coded[name][index]),
                    what=name,
                    limit=grammar.MAX_NOTE_CHARS,
                )
            except grammar.EntryError as exc:
                where = Location(
                    out.source, row=int(lines[index]), column=column_letter(position[name])
                )
                out.problems.append(InputProblem(exc.message, key[0], key[1], where))
        known = out.notes.get(key)
        note = Annotation(**texts)
        out.notes[key] = note if known is None else known.merge(note)


def _with_default(column: Coded, default: str) -> Coded:
    """Blank cells of an optional column (stage, entry) take the default."""
    distinct = [grammar.clean_text(value) or default for value in column.distinct]
    return Coded(column.ids, distinct)


def _register_units(
    columns: _Columns, position: dict[str, int], lines: np.ndarray, out: Collected
) -> None:
    """Each unit once, with its name and group; a unit whose name or group differs
    between rows is a problem naming both rows."""
    file = out.source
    unit = columns.coded("unit")
    parts = [unit.ids]
    details = [key for key in ("name", "group") if key in position]
    coded_details: dict[str, Coded] = {key: columns.coded(key) for key in details}
    parts += [coded_details[key].ids for key in details]
    if len(parts) == 1:
        keys, first = np.unique(unit.ids, return_index=True)
        order = np.argsort(first)
        triples: list[tuple[int, int | None, int | None, int]] = [
            (int(keys[i]), None, None, int(first[i])) for i in order
        ]
    else:
        stacked = np.stack(parts, axis=1)
        combos, first = np.unique(stacked, axis=0, return_index=True)
        order = np.argsort(first)
        triples = [
            (
                int(combos[i][0]),
                int(combos[i][1]) if "name" in position else None,
                int(combos[i][details.index("group") + 1]) if "group" in position else None,
                int(first[i]),
            )
            for i in order
        ]
    for unit_code, name_code, group_code, at in triples:
        try:
            unit_id = grammar.identifier(unit.distinct[unit_code])
        except grammar.EntryError:
            continue  # reported once by the input builder, where the id first appears
        row = int(lines[at])

        def cell(name: str, row: int | None = row) -> Location:
            return Location(file, row=row, column=column_letter(position[name]))

        texts: dict[str, str] = {}
        fields: tuple[tuple[grammar.TextField, int | None], ...] = (
            ("name", name_code),
            ("group", group_code),
        )
        for key, found_code in fields:
            try:
                given = coded_details[key].distinct[found_code] if found_code is not None else ""
                texts[key] = _text(given, key)
            except grammar.EntryError as exc:
                # reported here; the unit stays known, so its entries are not refused
                # again as entries of an unknown unit
                out.problems.append(InputProblem(exc.message, unit_id, location=cell(key)))
                texts[key] = ""
        name, group = texts["name"], texts["group"]
        known = out.units.get(unit_id)
        candidate = Unit(unit_id, name, group)
        if known is None:
            out.units[unit_id] = (candidate, cell("unit"))
        elif (name and name != known[0].name and known[0].name) or (
            group and group != known[0].group and known[0].group
        ):
            differs = "name" if name and name != known[0].name and known[0].name else "group"
            out.problems.append(
                InputProblem(
                    msg("input.unit_details_differ", first=cell(differs, known[1].row)),
                    unit_id,
                    location=cell(differs),
                    expected=msg(
                        "input.unit_details_expected",
                        name=Found(known[0].name),
                        group=Found(known[0].group),
                    ),
                )
            )
        else:
            out.units[unit_id] = (
                Unit(unit_id, known[0].name or name, known[0].group or group),
                known[1],
            )


def _text(raw: object, what: grammar.TextField) -> str:
    return grammar.check_text(grammar.clean_text(raw), what=what) if raw else ""


def read_long_csv(
    compiled: CompiledPack,
    path: str | Path,
    *,
    overrides: tuple[Override, ...] = (),
    allow_missing: bool = False,
) -> ScoringInput:
    """Scoring input from one long CSV; raises InputError listing every problem."""
    return assemble(
        compiled,
        [collect_long_csv(compiled, path)],
        allow_missing=allow_missing,
        overrides=overrides,
    )
